package e2e

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"
)

// SkipMessage is why a real-Kafka test skips when no broker is configured.
const SkipMessage = "real-Kafka tests need a broker: run `make test` (it starts deploy/dev/kafka) or set KAFKA_BROKERS=host:port"

// Broker describes the Kafka cluster under test, as `deploy/dev/kafka env`
// exports it. Only Addrs is required; the SASL_SSL fields are empty when
// the cluster has no such listener.
type Broker struct {
	Addrs           []string // KAFKA_BROKERS: plaintext bootstrap addresses
	SASLSSLAddrs    []string // KAFKA_SASL_SSL_BROKERS: TLS plus SASL
	CAFile          string   // KAFKA_CA_FILE: the CA the SASL_SSL listener's certificate chains to
	SCRAMUser       string   // KAFKA_SCRAM_USER
	SCRAMPassword   string   // KAFKA_SCRAM_PASSWORD
	Version         string   // KAFKA_VERSION, for messages only
	MaxMessageBytes int      // KAFKA_MAX_MESSAGE_BYTES; Kafka's default when unset
}

// defaultMaxMessageBytes is Kafka's default message.max.bytes.
const defaultMaxMessageBytes = 1048588

// Timeouts of single admin requests. Generous, because a loaded 2-core
// machine running the broker next to three detectors answers slowly, and
// they only bound a hang: nothing waits for them to pass.
const requestTimeout = 30 * time.Second

// BrokerFromEnv reads the broker's description from the environment. ok
// is false when KAFKA_BROKERS is unset.
func BrokerFromEnv() (b *Broker, ok bool) {
	addrs := splitList(os.Getenv("KAFKA_BROKERS"))
	if len(addrs) == 0 {
		return nil, false
	}
	b = &Broker{
		Addrs:           addrs,
		SASLSSLAddrs:    splitList(os.Getenv("KAFKA_SASL_SSL_BROKERS")),
		CAFile:          os.Getenv("KAFKA_CA_FILE"),
		SCRAMUser:       os.Getenv("KAFKA_SCRAM_USER"),
		SCRAMPassword:   os.Getenv("KAFKA_SCRAM_PASSWORD"),
		Version:         os.Getenv("KAFKA_VERSION"),
		MaxMessageBytes: defaultMaxMessageBytes,
	}
	if n, err := strconv.Atoi(os.Getenv("KAFKA_MAX_MESSAGE_BYTES")); err == nil && n > 0 {
		b.MaxMessageBytes = n
	}
	return b, true
}

// RequireBroker returns the broker under test, or skips t with SkipMessage
// when there is none, so that `go test ./...` passes on a machine without
// Kafka.
func RequireBroker(t testing.TB) *Broker {
	t.Helper()
	b, ok := BrokerFromEnv()
	if !ok {
		t.Skip(SkipMessage)
	}
	if binaryPath == "" {
		t.Fatal("the oktadetect binary was not built: call e2e.Main from the package's TestMain")
	}
	return b
}

func splitList(s string) []string {
	var out []string
	for _, f := range strings.Split(s, ",") {
		if f = strings.TrimSpace(f); f != "" {
			out = append(out, f)
		}
	}
	return out
}

// Client returns a franz-go client for the plaintext listener, closed when
// the test ends. opts are appended to the seed brokers.
func (b *Broker) Client(t testing.TB, opts ...kgo.Opt) *kgo.Client {
	t.Helper()
	cl, err := kgo.NewClient(append([]kgo.Opt{kgo.SeedBrokers(b.Addrs...)}, opts...)...)
	if err != nil {
		t.Fatalf("creating a Kafka client for %v: %v", b.Addrs, err)
	}
	t.Cleanup(cl.Close)
	return cl
}

// Admin returns an admin client for the plaintext listener, closed when
// the test ends.
func (b *Broker) Admin(t testing.TB) *kadm.Client {
	t.Helper()
	return kadm.NewClient(b.Client(t))
}

// UniqueName returns a name for a topic, group or transactional id that no
// other test or run uses: the test's name, role, and a random suffix. It
// contains only characters Kafka allows in topic names and none that
// oktadetect's --topics would read as a regular expression.
func UniqueName(t testing.TB, role string) string {
	var sb strings.Builder
	sb.WriteString("e2e-")
	for _, r := range t.Name() + "-" + role {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '-':
			sb.WriteRune(r)
		default:
			sb.WriteByte('-')
		}
	}
	var suffix [4]byte
	rand.Read(suffix[:])
	name := sb.String()
	if len(name) > 200 {
		name = name[:200]
	}
	return name + "-" + hex.EncodeToString(suffix[:])
}

// NewTopic creates a topic with a unique name (see UniqueName) and the
// given number of partitions, replication factor 1, and returns its name.
// The topic is deleted when the test ends, unless it failed: then it is
// kept for inspection and its name logged.
func (b *Broker) NewTopic(t testing.TB, role string, partitions int32) string {
	t.Helper()
	name := UniqueName(t, role)
	adm, _, err := newAdmin(b)
	if err != nil {
		t.Fatal(err)
	}
	defer adm.Close()
	ctx, cancel := context.WithTimeout(context.Background(), requestTimeout)
	defer cancel()
	resp, err := adm.CreateTopic(ctx, partitions, 1, nil, name)
	if err == nil {
		err = resp.Err
	}
	if err != nil {
		t.Fatalf("creating topic %s: %v", name, err)
	}
	b.RemoveAtEnd(t, name)
	return name
}

// RemoveAtEnd deletes the named topics when the test ends, unless it
// failed: then they are kept for inspection and their names logged. It is
// for topics a detector creates itself. Topics that do not exist are
// ignored.
func (b *Broker) RemoveAtEnd(t testing.TB, topics ...string) {
	t.Helper()
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("keeping topics %v for inspection", topics)
			return
		}
		adm, _, err := newAdmin(b)
		if err != nil {
			t.Logf("deleting topics %v: %v", topics, err)
			return
		}
		defer adm.Close()
		ctx, cancel := context.WithTimeout(context.Background(), requestTimeout)
		defer cancel()
		if _, err := adm.DeleteTopics(ctx, topics...); err != nil {
			t.Logf("deleting topics %v: %v", topics, err)
		}
	})
}

// newAdmin returns a short-lived admin client, for helpers that must not
// depend on the test's cleanups; closing the admin client closes the
// Kafka client too.
func newAdmin(b *Broker) (*kadm.Client, *kgo.Client, error) {
	cl, err := kgo.NewClient(kgo.SeedBrokers(b.Addrs...))
	if err != nil {
		return nil, nil, fmt.Errorf("creating a Kafka client for %v: %w", b.Addrs, err)
	}
	return kadm.NewClient(cl), cl, nil
}
