package e2e_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/oktadetect/oktadetect/bench/e2e"
	"github.com/oktadetect/oktadetect/bench/eventgen"
)

// TestRealKafkaTLSSCRAM runs the detector end to end through the broker's
// SASL_SSL listener, authenticating with SCRAM-SHA-512 and trusting only a
// CA the test generated, whose server certificate it installs on the
// listener for the duration of the test. Events are produced and alerts
// read through the plaintext listener: only the detector's own traffic
// needs to prove it speaks TLS and SCRAM. A wrong password must make the
// detector fail at start with an error about authentication.
func TestRealKafkaTLSSCRAM(t *testing.T) {
	b := e2e.RequireBroker(t)
	if len(b.SASLSSLAddrs) == 0 || b.SCRAMUser == "" || b.SCRAMPassword == "" {
		t.Skip("needs a SASL_SSL listener and SCRAM credentials (KAFKA_SASL_SSL_BROKERS, KAFKA_SCRAM_USER, KAFKA_SCRAM_PASSWORD), as deploy/dev/kafka env exports them")
	}
	pki := e2e.NewTestPKI(t, "127.0.0.1", "localhost")
	b.UseSASLSSLCertificate(t, pki)

	dir := t.TempDir()
	passwordFile := func(name, password string) string {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, []byte(password+"\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		return path
	}
	secure := func(cfg e2e.DetectorConfig, passwordFile string) e2e.DetectorConfig {
		cfg.Brokers = b.SASLSSLAddrs
		cfg.Args = append(cfg.Args,
			"--sasl-mechanism", "SCRAM-SHA-512",
			"--sasl-username", b.SCRAMUser,
			"--sasl-password-file", passwordFile,
			"--tls-ca-file", pki.CAFile,
		)
		return cfg
	}

	t.Run("end-to-end", func(t *testing.T) {
		in := b.NewTopic(t, "in", 6)
		cfg := secure(e2e.DetectorConfig{
			Topics:          []string{in},
			Group:           e2e.UniqueName(t, "group"),
			AlertsTopic:     e2e.UniqueName(t, "alerts"),
			ExactlyOnce:     true, // transactions through TLS and SASL too
			TransactionalID: e2e.UniqueName(t, "txn"),
		}, passwordFile("password", b.SCRAMPassword))
		b.RemoveAtEnd(t, cfg.AlertsTopic)
		w := b.StartFeed(t, in, e2e.FeedConfig{
			Events: eventgen.Config{Seed: 8, MatchRate: 0.01, DupRate: 0.01},
			Count:  5000,
		}).Wait(t)
		d := b.StartDetector(t, cfg)
		b.WaitCaughtUp(t, cfg.Group, in, 2*time.Minute)
		e2e.CheckAlerts(t, b.ReadAlerts(t, cfg.AlertsTopic, e2e.ReadCommitted), w.Expected, e2e.NoRepeats)
		if code := d.Stop(t); code != 0 {
			t.Errorf("exit code %d after SIGTERM, want 0", code)
		}
	})

	t.Run("wrong-password", func(t *testing.T) {
		cfg := secure(e2e.DetectorConfig{
			Topics:      []string{e2e.UniqueName(t, "in")},
			Group:       e2e.UniqueName(t, "group"),
			AlertsTopic: e2e.UniqueName(t, "alerts"),
		}, passwordFile("wrong-password", "not-"+b.SCRAMPassword))
		d := b.StartDetector(t, cfg)
		code := d.Wait(t, 2*time.Minute)
		out := d.Output()
		if code == 0 {
			t.Errorf("exit code 0 with a wrong password, want non-zero")
		}
		if !strings.Contains(strings.ToLower(out), "authenticat") {
			t.Errorf("the output does not mention authentication:\n%s", out)
		}
		if strings.Contains(out, b.SCRAMPassword) {
			t.Error("the output contains the password")
		}
		t.Logf("exit code %d; last line: %s", code, lastLine(out))
	})

	// The same detector trusting only the broker's own CA must refuse
	// the test certificate: verification is on.
	t.Run("untrusted-certificate", func(t *testing.T) {
		if b.CAFile == "" {
			t.Skip("needs KAFKA_CA_FILE")
		}
		cfg := secure(e2e.DetectorConfig{
			Topics:      []string{e2e.UniqueName(t, "in")},
			Group:       e2e.UniqueName(t, "group"),
			AlertsTopic: e2e.UniqueName(t, "alerts"),
		}, passwordFile("password", b.SCRAMPassword))
		cfg.Args = append(cfg.Args, "--tls-ca-file", b.CAFile) // later flags win
		d := b.StartDetector(t, cfg)
		code := d.Wait(t, 2*time.Minute)
		out := d.Output()
		if code == 0 {
			t.Errorf("exit code 0 against a certificate its CA did not sign, want non-zero")
		}
		if !strings.Contains(out, "certificate") {
			t.Errorf("the output does not mention the certificate:\n%s", out)
		}
		t.Logf("exit code %d; last line: %s", code, lastLine(out))
	})
}

func lastLine(s string) string {
	s = strings.TrimRight(s, "\n")
	return s[strings.LastIndexByte(s, '\n')+1:]
}
