package e2e_test

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/oktadetect/oktadetect/bench/e2e"
	"github.com/oktadetect/oktadetect/bench/eventgen"
)

// Dead-letter headers (stream.HeaderErrorReason and its siblings).
const (
	headerReason    = "oktadetect.error.reason"
	headerMessage   = "oktadetect.error.message"
	headerTopic     = "oktadetect.source.topic"
	headerPartition = "oktadetect.source.partition"
	headerOffset    = "oktadetect.source.offset"
	headerTruncated = "oktadetect.error.truncated"
)

// TestRealKafkaPoison puts poison records between good events on one
// partition: a truncated event, binary garbage, a valid event of about
// 1,000,000 bytes (near the broker's message.max.bytes), objects nested
// 10,000 deep, a JSON array and an empty record. The partition must not
// stall: the matching events before and after them alert. Each poison
// record must arrive on the dead-letter topic with its original key,
// bytes and headers, plus headers naming the reason, the error, and the
// topic, partition and offset it was read from.
func TestRealKafkaPoison(t *testing.T) {
	b := e2e.RequireBroker(t)
	in := b.NewTopic(t, "in", 6)
	cfg := e2e.DetectorConfig{
		Topics:          []string{in},
		Group:           e2e.UniqueName(t, "group"),
		AlertsTopic:     e2e.UniqueName(t, "alerts"),
		DeadLetterTopic: e2e.UniqueName(t, "dead-letters"),
	}
	// The detector creates the dead-letter topic itself, with room for
	// a record at the broker's limit plus the error headers.
	b.RemoveAtEnd(t, cfg.AlertsTopic, cfg.DeadLetterTopic)

	const partition = 2
	// The huge record needs a batch as large as the broker accepts;
	// franz-go's default (about 1,000,000 bytes) is just too small.
	cl := b.Client(t, kgo.DefaultProduceTopic(in), kgo.RecordPartitioner(kgo.ManualPartitioner()),
		kgo.ProducerBatchMaxBytes(int32(b.MaxMessageBytes)))
	gen := eventgen.New(eventgen.Config{Seed: 5, MatchRate: 1})
	var w e2e.Workload
	good := func(n int) {
		for range n {
			ev := gen.Next()
			e2e.Produce(t, cl, &kgo.Record{Partition: partition, Value: ev.Value})
			w.Add(ev, partition)
		}
	}

	good(3)
	var poison []*kgo.Record
	for _, kind := range eventgen.MalformedKinds() {
		rec := &kgo.Record{
			Partition: partition,
			Key:       []byte("poison-" + kind),
			Value:     eventgen.Malformed(kind),
			Headers: []kgo.RecordHeader{
				{Key: "e2e.kind", Value: []byte(kind)},
				{Key: "traceparent", Value: []byte("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")},
			},
		}
		e2e.Produce(t, cl, rec)
		poison = append(poison, rec)
	}
	good(3)

	d := b.StartDetector(t, cfg)
	b.WaitCaughtUp(t, cfg.Group, in, 2*time.Minute)
	e2e.CheckAlerts(t, b.ReadAlerts(t, cfg.AlertsTopic, e2e.ReadUncommitted), w.Expected, e2e.NoRepeats)

	dead := b.ReadRecords(t, cfg.DeadLetterTopic, e2e.ReadUncommitted)
	if len(dead) != len(poison) {
		t.Errorf("%d dead letters, want %d (one per poison record)", len(dead), len(poison))
	}
	byOffset := map[string]*kgo.Record{}
	for _, r := range dead {
		byOffset[header(r, headerOffset)] = r
	}
	for _, p := range poison {
		kind := strings.TrimPrefix(string(p.Key), "poison-")
		t.Run(kind, func(t *testing.T) {
			r := byOffset[strconv.FormatInt(p.Offset, 10)]
			if r == nil {
				t.Fatalf("no dead letter for offset %d (dead letters' source offsets: %v)", p.Offset, keys(byOffset))
			}
			if !bytes.Equal(r.Value, p.Value) {
				t.Errorf("value: %d bytes differing from the original's %d", len(r.Value), len(p.Value))
			}
			if !bytes.Equal(r.Key, p.Key) {
				t.Errorf("key %q, want %q", r.Key, p.Key)
			}
			for _, h := range p.Headers {
				if got := header(r, h.Key); got != string(h.Value) {
					t.Errorf("original header %s = %q, want %q", h.Key, got, h.Value)
				}
			}
			for name, want := range map[string]string{
				headerTopic:     in,
				headerPartition: strconv.Itoa(partition),
				headerOffset:    strconv.FormatInt(p.Offset, 10),
			} {
				if got := header(r, name); got != want {
					t.Errorf("header %s = %q, want %q", name, got, want)
				}
			}
			if header(r, headerReason) == "" || header(r, headerMessage) == "" {
				t.Errorf("headers %s = %q and %s = %q: want both set", headerReason, header(r, headerReason), headerMessage, header(r, headerMessage))
			}
			if _, cut := headerOK(r, headerTruncated); cut {
				t.Errorf("dead letter truncated (%s = %q) although the dead-letter topic was made large enough", headerTruncated, header(r, headerTruncated))
			}
			t.Logf("reason %q: %s", header(r, headerReason), header(r, headerMessage))
		})
	}
	if n := d.Metrics(t).Sum("oktadetect_dead_letter_total"); int(n) != len(poison) {
		t.Errorf("oktadetect_dead_letter_total = %v, want %d", n, len(poison))
	}
}

func header(r *kgo.Record, key string) string {
	v, _ := headerOK(r, key)
	return v
}

func headerOK(r *kgo.Record, key string) (string, bool) {
	for _, h := range r.Headers {
		if h.Key == key {
			return string(h.Value), true
		}
	}
	return "", false
}

func keys[V any](m map[string]V) []string {
	var out []string
	for k := range m {
		out = append(out, fmt.Sprintf("%q", k))
	}
	return out
}
