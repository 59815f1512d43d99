package e2e

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
)

// TestPKI is a throwaway certificate authority and one server certificate
// it signed, generated in memory for a test.
type TestPKI struct {
	CAFile   string         // PEM file of the CA certificate, for --tls-ca-file
	CAPool   *x509.CertPool // the CA alone
	ChainPEM []byte         // server certificate then CA certificate, PEM
	KeyPEM   []byte         // server key, unencrypted PKCS#8 PEM ("PRIVATE KEY")
	Leaf     *x509.Certificate
}

// NewTestPKI generates a CA and a server certificate for hosts (IP
// addresses or DNS names), valid from an hour ago for a day, with ECDSA
// P-256 keys.
func NewTestPKI(t testing.TB, hosts ...string) *TestPKI {
	t.Helper()
	caKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	caTmpl := &x509.Certificate{
		SerialNumber:          serial(t),
		Subject:               pkix.Name{CommonName: "oktadetect e2e test CA " + t.Name()},
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.Add(24 * time.Hour),
		IsCA:                  true,
		BasicConstraintsValid: true,
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
	}
	caDER, err := x509.CreateCertificate(rand.Reader, caTmpl, caTmpl, &caKey.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	ca, err := x509.ParseCertificate(caDER)
	if err != nil {
		t.Fatal(err)
	}

	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: serial(t),
		Subject:      pkix.Name{CommonName: "oktadetect e2e test broker"},
		NotBefore:    now.Add(-time.Hour),
		NotAfter:     now.Add(24 * time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	for _, h := range hosts {
		if ip := net.ParseIP(h); ip != nil {
			tmpl.IPAddresses = append(tmpl.IPAddresses, ip)
		} else {
			tmpl.DNSNames = append(tmpl.DNSNames, h)
		}
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca, &key.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	leaf, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	pkcs8, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}

	p := &TestPKI{CAPool: x509.NewCertPool(), Leaf: leaf}
	p.CAPool.AddCert(ca)
	caPEM := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: caDER})
	p.ChainPEM = append(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), caPEM...)
	p.KeyPEM = pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: pkcs8})
	p.CAFile = filepath.Join(t.TempDir(), "ca.pem")
	if err := os.WriteFile(p.CAFile, caPEM, 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func serial(t testing.TB) *big.Int {
	n, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 127))
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// The SASL_SSL listener's dynamic keystore settings (see
// deploy/dev/README.md): PEM values inline in the broker config.
var listenerKeystore = struct{ typ, chain, key string }{
	"listener.name.sasl_ssl.ssl.keystore.type",
	"listener.name.sasl_ssl.ssl.keystore.certificate.chain",
	"listener.name.sasl_ssl.ssl.keystore.key",
}

// UseSASLSSLCertificate installs p's server certificate on the broker's
// SASL_SSL listener through dynamic broker config (incremental
// AlterConfigs on every broker) and returns once the listener presents
// it. When the test ends the override is deleted and, if the broker has a
// CAFile, the wait is for the listener to present a certificate that CA
// verifies again, so that later tests find the broker as it was.
func (b *Broker) UseSASLSSLCertificate(t testing.TB, p *TestPKI) {
	t.Helper()
	if len(b.SASLSSLAddrs) == 0 {
		t.Skip("needs a SASL_SSL listener (KAFKA_SASL_SSL_BROKERS)")
	}
	adm, _, err := newAdmin(b)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), requestTimeout)
	defer cancel()
	brokers, err := adm.ListBrokers(ctx)
	if err != nil {
		adm.Close()
		t.Fatalf("listing brokers: %v", err)
	}
	ids := brokers.NodeIDs()
	chain, key := string(p.ChainPEM), string(p.KeyPEM)
	set := []kadm.AlterConfig{
		{Op: kadm.SetConfig, Name: listenerKeystore.typ, Value: kadm.StringPtr("PEM")},
		{Op: kadm.SetConfig, Name: listenerKeystore.chain, Value: &chain},
		{Op: kadm.SetConfig, Name: listenerKeystore.key, Value: &key},
	}
	// Registered before the change, so that a failure half-way still
	// removes whatever was applied.
	t.Cleanup(func() {
		defer adm.Close()
		ctx, cancel := context.WithTimeout(context.Background(), requestTimeout)
		defer cancel()
		del := []kadm.AlterConfig{
			{Op: kadm.DeleteConfig, Name: listenerKeystore.chain},
			{Op: kadm.DeleteConfig, Name: listenerKeystore.key},
			{Op: kadm.DeleteConfig, Name: listenerKeystore.typ},
		}
		if err := alterBrokers(ctx, adm, del, ids); err != nil {
			t.Errorf("removing the test certificate from the SASL_SSL listener: %v; the broker keeps presenting it until it is removed (deploy/dev/README.md)", err)
			return
		}
		if b.CAFile == "" {
			return
		}
		pem, err := os.ReadFile(b.CAFile)
		if err != nil {
			t.Errorf("reading KAFKA_CA_FILE: %v", err)
			return
		}
		own := x509.NewCertPool()
		own.AppendCertsFromPEM(pem)
		if err := b.awaitListenerCert(own, nil); err != nil {
			t.Errorf("after removing the test certificate, the SASL_SSL listener does not present the broker's own: %v", err)
		}
	})
	if err := alterBrokers(ctx, adm, set, ids); err != nil {
		t.Fatalf("installing the test certificate on the SASL_SSL listener: %v", err)
	}
	if err := b.awaitListenerCert(p.CAPool, p.Leaf); err != nil {
		t.Fatalf("the SASL_SSL listener does not present the test certificate: %v", err)
	}
}

func alterBrokers(ctx context.Context, adm *kadm.Client, configs []kadm.AlterConfig, ids []int32) error {
	resps, err := adm.AlterBrokerConfigs(ctx, configs, ids...)
	if err != nil {
		return err
	}
	for _, r := range resps {
		if r.Err != nil {
			return fmt.Errorf("broker %s: %w: %s", r.Name, r.Err, r.ErrMessage)
		}
	}
	return nil
}

// awaitListenerCert retries a TLS handshake with the SASL_SSL listener
// until the certificate it presents verifies against roots (and, when
// want is set, is want): the broker applies a config change a moment
// after accepting it.
func (b *Broker) awaitListenerCert(roots *x509.CertPool, want *x509.Certificate) error {
	addr := b.SASLSSLAddrs[0]
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return err
	}
	deadline := time.Now().Add(patience)
	for {
		err := handshake(addr, &tls.Config{RootCAs: roots, ServerName: host, MinVersion: tls.VersionTLS12}, want)
		if err == nil {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("after %s: %w", patience, err)
		}
		time.Sleep(200 * time.Millisecond) // the broker gives no signal when the change is live
	}
}

func handshake(addr string, cfg *tls.Config, want *x509.Certificate) error {
	d := &net.Dialer{Timeout: 5 * time.Second}
	conn, err := tls.DialWithDialer(d, "tcp", addr, cfg)
	if err != nil {
		return err
	}
	defer conn.Close()
	certs := conn.ConnectionState().PeerCertificates
	if want != nil && (len(certs) == 0 || !bytes.Equal(certs[0].Raw, want.Raw)) {
		return fmt.Errorf("the listener presents another certificate")
	}
	return nil
}
