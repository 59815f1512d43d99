package stream

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/twmb/franz-go/pkg/sasl"
	"github.com/twmb/franz-go/pkg/sasl/oauth"
	"github.com/twmb/franz-go/pkg/sasl/plain"
	"github.com/twmb/franz-go/pkg/sasl/scram"
)

// SASL mechanism names accepted by SASL (case-insensitive).
const (
	MechanismPlain       = "PLAIN"
	MechanismSCRAMSHA256 = "SCRAM-SHA-256"
	MechanismSCRAMSHA512 = "SCRAM-SHA-512"
	MechanismOAuthBearer = "OAUTHBEARER"
)

// TLSConfig builds the TLS configuration for connecting to the brokers.
//
// caFile is a PEM bundle of the certificate authorities to trust; empty
// means the system's roots. certFile and keyFile are the PEM client
// certificate and its key for mutual TLS; both or neither must be set.
// serverName overrides the name checked in the brokers' certificates (empty
// means the host of each broker address). insecure turns certificate
// verification off: anyone on the network path can then impersonate the
// brokers. It exists for test clusters only, and Run logs a warning when it
// is on.
//
// Errors name the offending input and never contain key material.
func TLSConfig(caFile, certFile, keyFile, serverName string, insecure bool) (*tls.Config, error) {
	cfg := &tls.Config{
		MinVersion:         tls.VersionTLS12,
		ServerName:         serverName,
		InsecureSkipVerify: insecure, //nolint:gosec // opt-in, and Run warns loudly
	}
	if caFile != "" {
		pem, err := os.ReadFile(caFile)
		if err != nil {
			return nil, fmt.Errorf("TLS CA file: %w", err)
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("TLS CA file %q: no PEM certificate found", caFile)
		}
		cfg.RootCAs = pool
	}
	switch {
	case certFile != "" && keyFile != "":
		cert, err := tls.LoadX509KeyPair(certFile, keyFile)
		if err != nil {
			// The error from crypto/tls names the problem (missing
			// file, mismatched key) without echoing key bytes.
			return nil, fmt.Errorf("TLS client certificate %q and key %q: %w", certFile, keyFile, err)
		}
		cfg.Certificates = []tls.Certificate{cert}
	case certFile != "":
		return nil, fmt.Errorf("TLS client certificate %q is set but its key file is not", certFile)
	case keyFile != "":
		return nil, fmt.Errorf("TLS client key %q is set but the certificate file is not", keyFile)
	}
	return cfg, nil
}

// SASL builds the SASL mechanism for authenticating to the brokers.
//
// mechanism is one of PLAIN, SCRAM-SHA-256, SCRAM-SHA-512 or OAUTHBEARER
// (case-insensitive); empty means no SASL and returns a nil mechanism.
// PLAIN and SCRAM use user and password, both required. OAUTHBEARER uses
// the token in tokenFile when set, read again whenever the file changes (so
// a sidecar can rotate it), and otherwise password as a fixed token; user,
// when set, is sent as the authorization ID.
//
// Errors name the offending input and never contain the password or token.
func SASL(mechanism, user, password, tokenFile string) (sasl.Mechanism, error) {
	switch strings.ToUpper(mechanism) {
	case "":
		return nil, nil
	case MechanismPlain:
		if err := needUserPassword(MechanismPlain, user, password); err != nil {
			return nil, err
		}
		return plain.Auth{User: user, Pass: password}.AsMechanism(), nil
	case MechanismSCRAMSHA256:
		if err := needUserPassword(MechanismSCRAMSHA256, user, password); err != nil {
			return nil, err
		}
		return scram.Auth{User: user, Pass: password}.AsSha256Mechanism(), nil
	case MechanismSCRAMSHA512:
		if err := needUserPassword(MechanismSCRAMSHA512, user, password); err != nil {
			return nil, err
		}
		return scram.Auth{User: user, Pass: password}.AsSha512Mechanism(), nil
	case MechanismOAuthBearer:
		if tokenFile == "" {
			if password == "" {
				return nil, errors.New("SASL OAUTHBEARER: neither a token file nor a token is set")
			}
			return oauth.Auth{Zid: user, Token: password}.AsMechanism(), nil
		}
		tf := &rotatingToken{path: tokenFile}
		if _, err := tf.token(); err != nil {
			return nil, err
		}
		return oauth.Oauth(func(context.Context) (oauth.Auth, error) {
			token, err := tf.token()
			if err != nil {
				return oauth.Auth{}, err
			}
			return oauth.Auth{Zid: user, Token: token}, nil
		}), nil
	default:
		return nil, fmt.Errorf("SASL mechanism %q is not supported (want %s, %s, %s or %s)",
			mechanism, MechanismPlain, MechanismSCRAMSHA256, MechanismSCRAMSHA512, MechanismOAuthBearer)
	}
}

func needUserPassword(mechanism, user, password string) error {
	switch {
	case user == "" && password == "":
		return fmt.Errorf("SASL %s: user and password are not set", mechanism)
	case user == "":
		return fmt.Errorf("SASL %s: user is not set", mechanism)
	case password == "":
		return fmt.Errorf("SASL %s: password is not set", mechanism)
	}
	return nil
}

// rotatingToken caches an OAUTHBEARER token read from a file and reads the file
// again when its size or modification time changes. Token issuers rotate
// tokens by rewriting the file (Kubernetes projected volumes swap a
// symlink), and every new broker connection authenticates, so the check
// has to be cheap: one stat per connection.
type rotatingToken struct {
	path string

	mu     sync.Mutex
	mod    time.Time
	size   int64
	cached string
}

func (f *rotatingToken) token() (string, error) {
	st, err := os.Stat(f.path)
	if err != nil {
		return "", fmt.Errorf("SASL OAUTHBEARER token file: %w", err)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.cached != "" && st.ModTime().Equal(f.mod) && st.Size() == f.size {
		return f.cached, nil
	}
	b, err := os.ReadFile(f.path)
	if err != nil {
		return "", fmt.Errorf("SASL OAUTHBEARER token file: %w", err)
	}
	token := strings.TrimSpace(string(b))
	if token == "" {
		return "", fmt.Errorf("SASL OAUTHBEARER token file %q is empty", f.path)
	}
	f.cached, f.mod, f.size = token, st.ModTime(), st.Size()
	return token, nil
}
