package main

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/oktadetect/oktadetect/bench/eventgen"
	"github.com/oktadetect/oktadetect/detect"
	"github.com/oktadetect/oktadetect/stream"
)

// These tests run the real run pipeline (runDetector) in-process against
// the in-process kfake broker. They check the pipeline's wiring quickly on
// every test run; the delivery claims themselves (crashes, rebalances,
// broker restarts) are proven against real Apache Kafka in bench/e2e.

const seedRuleID = "4edd3e1a-3aa0-499b-8147-4d2ea43b1613"

type kfakeEnv struct {
	brokers []string
	topic   string
	alerts  string
	dead    string
}

func newKfake(t *testing.T) *kfakeEnv {
	t.Helper()
	c, err := kfake.NewCluster(kfake.NumBrokers(1), kfake.SeedTopics(3, "okta-in"), kfake.AllowAutoTopicCreation())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	return &kfakeEnv{brokers: c.ListenAddrs(), topic: "okta-in", alerts: "okta-alerts", dead: "okta-dead"}
}

func (k *kfakeEnv) produce(t *testing.T, values ...[]byte) {
	t.Helper()
	cl, err := kgo.NewClient(kgo.SeedBrokers(k.brokers...), kgo.DefaultProduceTopic(k.topic))
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	recs := make([]*kgo.Record, len(values))
	for i, v := range values {
		recs[i] = &kgo.Record{Value: v}
	}
	if err := cl.ProduceSync(context.Background(), recs...).FirstErr(); err != nil {
		t.Fatal(err)
	}
}

// readAll returns every record of topic, waiting until at least want
// records arrived (or a bound passed).
func (k *kfakeEnv) readAll(t *testing.T, topic string, want int) []*kgo.Record {
	t.Helper()
	cl, err := kgo.NewClient(kgo.SeedBrokers(k.brokers...), kgo.ConsumeTopics(topic), kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()))
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	var out []*kgo.Record
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
		fs := cl.PollFetches(ctx)
		cancel()
		fs.EachRecord(func(r *kgo.Record) { out = append(out, r) })
		if len(out) >= want && fs.NumRecords() == 0 {
			break
		}
	}
	return out
}

// detectorRun is one in-process run of the service.
type detectorRun struct {
	cancel context.CancelFunc
	done   chan error
	h      *streamHandler
}

func startRun(t *testing.T, k *kfakeEnv, extra func(*runOptions)) *detectorRun {
	t.Helper()
	o := &runOptions{}
	s := newOptionSet("run")
	o.register(s)
	o.kafka.brokers = k.brokers
	o.topics = []string{k.topic}
	o.alertsTopic = k.alerts
	o.deadLetterTopic = k.dead
	o.group = "detector"
	o.summaryInterval = 0
	o.shutdownTimeout = 10 * time.Second
	if extra != nil {
		extra(o)
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	ctx, cancel := context.WithCancel(context.Background())
	r := &detectorRun{cancel: cancel, done: make(chan error, 1)}
	ready := make(chan *streamHandler, 1)
	go func() {
		r.done <- runDetector(ctx, o, log, func(h *streamHandler, _ *stream.Pipeline) { ready <- h })
	}()
	select {
	case r.h = <-ready:
	case err := <-r.done:
		t.Fatalf("detector did not start: %v", err)
	}
	t.Cleanup(func() { r.stop(t) })
	return r
}

// waitEvents waits until the run has handled n records.
func (r *detectorRun) waitEvents(t *testing.T, n int64) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for r.h.totals.events.Load() < n {
		if time.Now().After(deadline) {
			t.Fatalf("handled %d records, want %d", r.h.totals.events.Load(), n)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func (r *detectorRun) stop(t *testing.T) {
	t.Helper()
	if r.cancel == nil {
		return
	}
	r.cancel()
	r.cancel = nil
	if err := <-r.done; err != nil && !errors.Is(err, context.Canceled) {
		t.Errorf("detector returned %v", err)
	}
}

// stream of generated events and the alert ids they must produce.
type sample struct {
	values   [][]byte
	expected map[string]bool // alert ids
	matching int
}

func generate(seed int64, n int, matchRate, dupRate float64) sample {
	g := eventgen.New(eventgen.Config{Seed: seed, MatchRate: matchRate, DupRate: dupRate})
	s := sample{expected: map[string]bool{}}
	for range n {
		ev := g.Next()
		s.values = append(s.values, ev.Value)
		if ev.Match {
			s.matching++
			s.expected[detect.AlertID(seedRuleID, ev.UUID)] = true
		}
	}
	return s
}

func alertIDs(t *testing.T, recs []*kgo.Record) (ids map[string]int) {
	t.Helper()
	ids = map[string]int{}
	for _, r := range recs {
		ids[string(r.Key)]++
		var rule string
		for _, h := range r.Headers {
			if h.Key == HeaderRuleID {
				rule = string(h.Value)
			}
		}
		if rule != seedRuleID {
			t.Errorf("alert %s has rule header %q", r.Key, rule)
		}
	}
	return ids
}

func TestRunPipelineOnKfake(t *testing.T) {
	k := newKfake(t)
	first := generate(1, 3000, 0.02, 0.05)
	poison := [][]byte{eventgen.Malformed("invalid-json"), eventgen.Malformed("binary"), eventgen.Malformed("not-object")}
	k.produce(t, append(slices.Clone(first.values), poison...)...)

	run := startRun(t, k, nil)
	run.waitEvents(t, int64(len(first.values)+len(poison)))
	alerts := alertIDs(t, k.readAll(t, k.alerts, len(first.expected)))
	if !maps.Equal(keysOf(alerts), first.expected) {
		t.Fatalf("alert ids differ: got %d, want %d", len(alerts), len(first.expected))
	}
	for id, n := range alerts {
		if n != 1 {
			t.Errorf("alert %s written %d times", id, n)
		}
	}
	if got := run.h.totals.duplicates.Load(); got != int64(first.matching-len(first.expected)) {
		t.Errorf("duplicates dropped = %d, want %d", got, first.matching-len(first.expected))
	}

	// Malformed records are dead-lettered with their bytes and the
	// reason, and the records after them were still processed (above).
	dead := k.readAll(t, k.dead, len(poison))
	if len(dead) != len(poison) {
		t.Fatalf("%d dead letters, want %d", len(dead), len(poison))
	}
	reasons := map[string]bool{}
	for _, d := range dead {
		h := headers(d)
		reasons[h[stream.HeaderErrorReason]] = true
		if h[stream.HeaderSourceTopic] != k.topic || h[stream.HeaderSourceOffset] == "" {
			t.Errorf("dead letter headers %v", h)
		}
		if !slices.ContainsFunc(poison, func(p []byte) bool { return string(p) == string(d.Value) }) {
			t.Errorf("dead letter does not carry the original bytes")
		}
	}
	for _, want := range []string{detect.ReasonInvalidJSON, detect.ReasonInvalidUTF8, detect.ReasonNotObject} {
		if !reasons[want] {
			t.Errorf("no dead letter with reason %s (got %v)", want, reasons)
		}
	}
	run.stop(t)

	// A restart resumes from the committed offsets, and warms its dedupe
	// cache from the alerts topic: the old attacks sent again alert no
	// more, new ones do.
	second := generate(2, 1000, 0.02, 0)
	var redelivered [][]byte
	for _, v := range first.values {
		if len(redelivered) < 10 && containsAction(v) {
			redelivered = append(redelivered, v)
		}
	}
	k.produce(t, append(slices.Clone(second.values), redelivered...)...)
	run2 := startRun(t, k, nil)
	run2.waitEvents(t, int64(len(second.values)+len(redelivered)))
	if got := run2.h.totals.events.Load(); got != int64(len(second.values)+len(redelivered)) {
		t.Fatalf("second run handled %d records, want only the %d new ones", got, len(second.values)+len(redelivered))
	}
	all := alertIDs(t, k.readAll(t, k.alerts, len(first.expected)+len(second.expected)))
	want := maps.Clone(first.expected)
	maps.Copy(want, second.expected)
	if !maps.Equal(keysOf(all), want) {
		t.Fatalf("after restart: %d alert ids, want %d", len(all), len(want))
	}
	for id, n := range all {
		if n != 1 {
			t.Errorf("alert %s written %d times across the restart", id, n)
		}
	}
	if got := run2.h.totals.duplicates.Load(); got < int64(len(redelivered)) {
		t.Errorf("redelivered attacks not recognised after restart: %d duplicates, want ≥ %d", got, len(redelivered))
	}
}

func TestRunPipelineExactlyOnceOnKfake(t *testing.T) {
	k := newKfake(t)
	s := generate(3, 2000, 0.02, 0.05)
	k.produce(t, s.values...)
	run := startRun(t, k, func(o *runOptions) {
		o.exactlyOnce = true
		o.transactionalID = "test-" + strconv.FormatInt(time.Now().UnixNano(), 10)
	})
	run.waitEvents(t, int64(len(s.values)))
	alerts := alertIDs(t, k.readAll(t, k.alerts, len(s.expected)))
	if !maps.Equal(keysOf(alerts), s.expected) {
		t.Fatalf("alert ids differ: got %d, want %d", len(alerts), len(s.expected))
	}
}

func TestReloadSwapsRulesOrKeepsThemOnError(t *testing.T) {
	dir := t.TempDir()
	o := &detectOptions{rules: []string{dir}, dedupeSize: 10, maxEventBytes: 1 << 20}
	writeRule(t, dir, "event.action:x")
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	d, err := o.build(log)
	if err != nil {
		t.Fatal(err)
	}
	before := d.ruleset.Load()
	writeRule(t, dir, "event.action:(x")
	if err := d.reload(o, log); err == nil {
		t.Fatal("a broken rule set was accepted")
	}
	if d.ruleset.Load() != before {
		t.Fatal("a failed reload replaced the running rules")
	}
	writeRule(t, dir, "event.action:y")
	if err := d.reload(o, log); err != nil {
		t.Fatal(err)
	}
	m := d.ruleset.Load().matcher()
	res, err := m.Match([]byte(`{"event":{"action":"y"}}`), "t")
	if err != nil || len(res.Rules) != 1 {
		t.Fatalf("reloaded rules do not run: %v %v", res.Rules, err)
	}
}

func writeRule(t *testing.T, dir, query string) {
	t.Helper()
	toml := "[metadata]\ncreation_date = \"2026/11/26\"\nmaturity = \"production\"\nupdated_date = \"2026/11/26\"\n\n" +
		"[rule]\nauthor = [\"test\"]\ndescription = \"test rule\"\nname = \"test rule\"\nrisk_score = 21\n" +
		"rule_id = \"11111111-2222-3333-4444-555555555555\"\nseverity = \"low\"\ntype = \"query\"\nlanguage = \"kuery\"\n" +
		"query = '''\n" + query + "\n'''\n"
	if err := os.WriteFile(filepath.Join(dir, "rule.toml"), []byte(toml), 0o644); err != nil {
		t.Fatal(err)
	}
}

func keysOf(m map[string]int) map[string]bool {
	out := map[string]bool{}
	for k := range m {
		out[k] = true
	}
	return out
}

func headers(r *kgo.Record) map[string]string {
	h := map[string]string{}
	for _, x := range r.Headers {
		h[x.Key] = string(x.Value)
	}
	return h
}

func containsAction(v []byte) bool {
	return bytes.Contains(v, []byte(eventgen.DefaultMatchType))
}
