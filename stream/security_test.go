package stream

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/sasl"
)

// pki is a throwaway certificate authority with a server certificate for
// 127.0.0.1 and a client certificate, written as PEM files.
type pki struct {
	caFile, certFile, keyFile string // CA, and the client's pair
	server                    tls.Certificate
	pool                      *x509.CertPool
}

func newPKI(t *testing.T) *pki {
	t.Helper()
	dir := t.TempDir()
	caKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	caTmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: "oktadetect test CA"},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(time.Hour),
		IsCA:                  true,
		KeyUsage:              x509.KeyUsageCertSign,
		BasicConstraintsValid: true,
	}
	caDER, err := x509.CreateCertificate(rand.Reader, caTmpl, caTmpl, &caKey.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	caCert, _ := x509.ParseCertificate(caDER)
	issue := func(serial int64, usage x509.ExtKeyUsage, ip net.IP) ([]byte, []byte, tls.Certificate) {
		key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		if err != nil {
			t.Fatal(err)
		}
		tmpl := &x509.Certificate{
			SerialNumber: big.NewInt(serial),
			Subject:      pkix.Name{CommonName: "oktadetect test"},
			NotBefore:    time.Now().Add(-time.Hour),
			NotAfter:     time.Now().Add(time.Hour),
			KeyUsage:     x509.KeyUsageDigitalSignature,
			ExtKeyUsage:  []x509.ExtKeyUsage{usage},
		}
		if ip != nil {
			tmpl.IPAddresses = []net.IP{ip}
		}
		der, err := x509.CreateCertificate(rand.Reader, tmpl, caCert, &key.PublicKey, caKey)
		if err != nil {
			t.Fatal(err)
		}
		keyDER, err := x509.MarshalECPrivateKey(key)
		if err != nil {
			t.Fatal(err)
		}
		certPEM := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
		keyPEM := pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: keyDER})
		pair, err := tls.X509KeyPair(certPEM, keyPEM)
		if err != nil {
			t.Fatal(err)
		}
		return certPEM, keyPEM, pair
	}
	_, _, server := issue(2, x509.ExtKeyUsageServerAuth, net.IPv4(127, 0, 0, 1))
	clientCert, clientKey, _ := issue(3, x509.ExtKeyUsageClientAuth, nil)
	p := &pki{
		caFile:   filepath.Join(dir, "ca.pem"),
		certFile: filepath.Join(dir, "client.pem"),
		keyFile:  filepath.Join(dir, "client-key.pem"),
		server:   server,
		pool:     x509.NewCertPool(),
	}
	p.pool.AddCert(caCert)
	for file, data := range map[string][]byte{
		p.caFile:   pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: caDER}),
		p.certFile: clientCert,
		p.keyFile:  clientKey,
	} {
		if err := os.WriteFile(file, data, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return p
}

func TestTLSConfigErrors(t *testing.T) {
	p := newPKI(t)
	otherPKI := newPKI(t)
	missing := filepath.Join(t.TempDir(), "missing.pem")
	tests := []struct {
		name                    string
		ca, cert, key, wantErrs string
	}{
		{name: "missing CA file", ca: missing, wantErrs: "TLS CA file"},
		{name: "CA file without PEM", ca: "testdata/not-a-cert.pem", wantErrs: `TLS CA file "testdata/not-a-cert.pem": no PEM certificate`},
		{name: "certificate without key", cert: p.certFile, wantErrs: "TLS client certificate " + `"` + p.certFile + `" is set but its key file is not`},
		{name: "key without certificate", key: p.keyFile, wantErrs: "TLS client key " + `"` + p.keyFile + `" is set but the certificate file is not`},
		{name: "key of another certificate", cert: p.certFile, key: otherPKI.keyFile, wantErrs: "TLS client certificate"},
		{name: "missing key file", cert: p.certFile, key: missing, wantErrs: "no such file"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := TLSConfig(tt.ca, tt.cert, tt.key, "", false)
			if err == nil || !strings.Contains(err.Error(), tt.wantErrs) {
				t.Fatalf("TLSConfig error %v, want one containing %q", err, tt.wantErrs)
			}
			if strings.Contains(err.Error(), "PRIVATE KEY") {
				t.Errorf("error %q shows key material", err)
			}
		})
	}

	cfg, err := TLSConfig(p.caFile, p.certFile, p.keyFile, "kafka.internal", true)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.RootCAs == nil || len(cfg.Certificates) != 1 || cfg.ServerName != "kafka.internal" || !cfg.InsecureSkipVerify || cfg.MinVersion != tls.VersionTLS12 {
		t.Errorf("TLSConfig built %+v", cfg)
	}
}

func TestSASLErrors(t *testing.T) {
	const secret = "hunter2-do-not-log"
	missing := filepath.Join(t.TempDir(), "token")
	empty := filepath.Join(t.TempDir(), "empty-token")
	if err := os.WriteFile(empty, []byte(" \n"), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		mechanism, user, password, tokenFile string
		wantName, wantErr                    string // mechanism name, or error substring
	}{
		{mechanism: "", wantName: ""},
		{mechanism: "plain", user: "u", password: secret, wantName: "PLAIN"},
		{mechanism: "SCRAM-SHA-256", user: "u", password: secret, wantName: "SCRAM-SHA-256"},
		{mechanism: "scram-sha-512", user: "u", password: secret, wantName: "SCRAM-SHA-512"},
		{mechanism: "OAUTHBEARER", password: secret, wantName: "OAUTHBEARER"},
		{mechanism: "OAUTHBEARER", tokenFile: "testdata/oauth-token", wantName: "OAUTHBEARER"},
		{mechanism: "PLAIN", password: secret, wantErr: "SASL PLAIN: user is not set"},
		{mechanism: "SCRAM-SHA-256", user: "u", wantErr: "SASL SCRAM-SHA-256: password is not set"},
		{mechanism: "SCRAM-SHA-512", wantErr: "SASL SCRAM-SHA-512: user and password are not set"},
		{mechanism: "OAUTHBEARER", wantErr: "SASL OAUTHBEARER: neither a token file nor a token is set"},
		{mechanism: "OAUTHBEARER", tokenFile: missing, wantErr: "SASL OAUTHBEARER token file"},
		{mechanism: "OAUTHBEARER", tokenFile: empty, wantErr: "is empty"},
		{mechanism: "GSSAPI", user: "u", password: secret, wantErr: `SASL mechanism "GSSAPI" is not supported`},
	}
	for _, tt := range tests {
		t.Run(tt.mechanism+"/"+tt.wantErr, func(t *testing.T) {
			m, err := SASL(tt.mechanism, tt.user, tt.password, tt.tokenFile)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("SASL error %v, want one containing %q", err, tt.wantErr)
				}
				if strings.Contains(err.Error(), secret) {
					t.Errorf("error %q contains the password", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := mechanismName(m); got != tt.wantName {
				t.Errorf("mechanism %q, want %q", got, tt.wantName)
			}
		})
	}
}

func mechanismName(m sasl.Mechanism) string {
	if m == nil {
		return ""
	}
	return m.Name()
}

// TestOAuthTokenFileRotation checks a rewritten token file is picked up by
// the next authentication.
func TestOAuthTokenFileRotation(t *testing.T) {
	file := filepath.Join(t.TempDir(), "token")
	write := func(token string, mod time.Time) {
		t.Helper()
		if err := os.WriteFile(file, []byte(token+"\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		if err := os.Chtimes(file, mod, mod); err != nil {
			t.Fatal(err)
		}
	}
	base := time.Now().Add(-time.Hour)
	write("first-token", base)
	m, err := SASL("OAUTHBEARER", "", "", file)
	if err != nil {
		t.Fatal(err)
	}
	firstMessage := func() string {
		t.Helper()
		_, msg, err := m.Authenticate(context.Background(), "127.0.0.1:9092")
		if err != nil {
			t.Fatal(err)
		}
		return string(msg)
	}
	if msg := firstMessage(); !strings.Contains(msg, "auth=Bearer first-token") {
		t.Fatalf("first message %q lacks the first token", msg)
	}
	write("second-token", base.Add(time.Minute))
	if msg := firstMessage(); !strings.Contains(msg, "auth=Bearer second-token") {
		t.Fatalf("after rotation the message is %q, want the second token", msg)
	}
}

// TestSASLPipeline runs against a kfake cluster that requires SASL: each
// mechanism gets in with the right password, and a wrong one fails at start
// with an error that names SASL and not the password.
func TestSASLPipeline(t *testing.T) {
	if os.Getenv("KAFKA_BROKERS") != "" {
		t.Skip("needs a SASL-enabled kfake cluster")
	}
	const pass = "correct-horse"
	cluster, err := kfake.NewCluster(kfake.NumBrokers(1), kfake.EnableSASL(),
		kfake.Superuser("PLAIN", "plain-user", pass),
		kfake.Superuser("SCRAM-SHA-256", "scram256", pass),
		kfake.Superuser("SCRAM-SHA-512", "scram512", pass),
		kfake.SeedTopics(1, "in"),
	)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(cluster.Close)
	for _, tt := range []struct {
		mechanism, user, password string
		ok                        bool
	}{
		{"PLAIN", "plain-user", pass, true},
		{"SCRAM-SHA-256", "scram256", pass, true},
		{"SCRAM-SHA-512", "scram512", pass, true},
		{"SCRAM-SHA-256", "scram256", "wrong-password", false},
	} {
		t.Run(tt.mechanism+"/"+tt.password, func(t *testing.T) {
			mech, err := SASL(tt.mechanism, tt.user, tt.password, "")
			if err != nil {
				t.Fatal(err)
			}
			p, err := New(newOktaHandler(),
				Brokers(cluster.ListenAddrs()...), Group(uniqueName("g")), Topics("in"), AlertsTopic(uniqueName("alerts")),
				Security(nil, mech), WithLogger(testLogger(t, nil)), fastTimings())
			if err != nil {
				t.Fatal(err)
			}
			run := start(t, p)
			if !tt.ok {
				err := run.wait(t)
				if err == nil || !strings.Contains(err.Error(), "SASL SCRAM-SHA-256") {
					t.Fatalf("Run returned %v, want a SASL rejection", err)
				}
				if strings.Contains(err.Error(), tt.password) {
					t.Errorf("error %q contains the password", err)
				}
				return
			}
			run.until(t, "ready", p.Ready)
			if err := run.stop(t); err != nil {
				t.Fatal(err)
			}
		})
	}
}

// TestTLSPipeline runs against a kfake cluster that requires mutual TLS.
func TestTLSPipeline(t *testing.T) {
	if os.Getenv("KAFKA_BROKERS") != "" {
		t.Skip("needs a TLS kfake cluster")
	}
	p := newPKI(t)
	cluster, err := kfake.NewCluster(kfake.NumBrokers(1), kfake.SeedTopics(1, "in"), kfake.TLS(&tls.Config{
		Certificates: []tls.Certificate{p.server},
		ClientCAs:    p.pool,
		ClientAuth:   tls.RequireAndVerifyClientCert,
		MinVersion:   tls.VersionTLS12,
	}))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(cluster.Close)
	wrongCA := newPKI(t)
	for _, tt := range []struct {
		name, ca string
		wantErr  string
	}{
		{name: "trusted", ca: p.caFile},
		{name: "untrusted server", ca: wrongCA.caFile, wantErr: "certificate"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			cfg, err := TLSConfig(tt.ca, p.certFile, p.keyFile, "", false)
			if err != nil {
				t.Fatal(err)
			}
			pl, err := New(newOktaHandler(),
				Brokers(cluster.ListenAddrs()...), Group(uniqueName("g")), Topics("in"), AlertsTopic(uniqueName("alerts")),
				Security(cfg, nil), WithLogger(testLogger(t, nil)), fastTimings())
			if err != nil {
				t.Fatal(err)
			}
			run := start(t, pl)
			if tt.wantErr != "" {
				err := run.wait(t)
				if err == nil || !strings.Contains(err.Error(), "cannot reach Kafka") || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("Run returned %v, want a TLS failure", err)
				}
				return
			}
			run.until(t, "ready", pl.Ready)
			if err := run.stop(t); err != nil {
				t.Fatal(err)
			}
		})
	}
}

// TestInsecureTLSWarns checks that turning verification off is logged.
func TestInsecureTLSWarns(t *testing.T) {
	cfg, err := TLSConfig("", "", "", "", true)
	if err != nil {
		t.Fatal(err)
	}
	logs := new(syncBuffer)
	p, err := New(newOktaHandler(), Brokers(closedPort(t)), Topics("in"), AlertsTopic("out"),
		Security(cfg, nil), WithLogger(testLogger(t, logs)))
	if err != nil {
		t.Fatal(err)
	}
	_ = p.Run(context.Background())
	if !strings.Contains(logs.String(), "TLS CERTIFICATE VERIFICATION IS OFF") {
		t.Error("no warning about disabled certificate verification")
	}
}
