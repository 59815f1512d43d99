package stream

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"
)

// testCluster is where a test's topics live: an in-process kfake cluster,
// or the real brokers in KAFKA_BROKERS (comma-separated) when set.
type testCluster struct {
	brokers []string
	fake    *kfake.Cluster // nil against a real broker
	adm     *kadm.Client
}

func newTestCluster(t *testing.T, opts ...kfake.Opt) *testCluster {
	t.Helper()
	c := &testCluster{}
	if env := os.Getenv("KAFKA_BROKERS"); env != "" {
		c.brokers = strings.Split(env, ",")
	} else {
		fake, err := kfake.NewCluster(append([]kfake.Opt{kfake.NumBrokers(1)}, opts...)...)
		if err != nil {
			t.Fatalf("starting kfake: %v", err)
		}
		t.Cleanup(fake.Close)
		c.fake, c.brokers = fake, fake.ListenAddrs()
	}
	cl, err := kgo.NewClient(kgo.SeedBrokers(c.brokers...))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(cl.Close)
	c.adm = kadm.NewClient(cl)
	return c
}

// needFake skips tests that inject faults only kfake can.
func (c *testCluster) needFake(t *testing.T) {
	t.Helper()
	if c.fake == nil {
		t.Skip("needs kfake fault injection; skipped against KAFKA_BROKERS")
	}
}

// name returns a topic or group name unique to this test run, so tests can
// share a real broker.
func uniqueName(base string) string {
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	return base + "-" + hex.EncodeToString(b)
}

func (c *testCluster) createTopic(t *testing.T, name string, partitions int32, configs map[string]*string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if _, err := c.adm.CreateTopic(ctx, partitions, 1, configs, name); err != nil {
		t.Fatalf("creating topic %s: %v", name, err)
	}
}

// produce writes records synchronously, each to the partition it names, and
// fails the test on any error.
func (c *testCluster) produce(t *testing.T, recs ...*kgo.Record) {
	t.Helper()
	cl, err := kgo.NewClient(kgo.SeedBrokers(c.brokers...), kgo.ProducerLinger(0),
		kgo.RecordPartitioner(kgo.ManualPartitioner()))
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := cl.ProduceSync(ctx, recs...).FirstErr(); err != nil {
		t.Fatalf("producing: %v", err)
	}
}

// readAll reads a topic from the start up to its current end and returns
// the data records (control records are skipped). readCommitted reads as
// a transactional consumer would, up to the last stable offset.
func (c *testCluster) readAll(t *testing.T, topic string, readCommitted bool) []*kgo.Record {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	list := c.adm.ListEndOffsets
	if readCommitted {
		list = c.adm.ListCommittedOffsets
	}
	ends, err := listOffsets(ctx, list, topic)
	if err != nil {
		t.Fatalf("listing end offsets of %s: %v", topic, err)
	}
	next := make(map[int32]int64)
	behind := func() bool {
		for p, end := range ends {
			if next[p] < end {
				return true
			}
		}
		return false
	}
	if !behind() {
		return nil
	}
	opts := []kgo.Opt{
		kgo.SeedBrokers(c.brokers...),
		kgo.ConsumeTopics(topic),
		kgo.ConsumeStartOffset(kgo.NewOffset().AtStart()),
		kgo.KeepControlRecords(),
		kgo.FetchMaxWait(100 * time.Millisecond),
	}
	if readCommitted {
		opts = append(opts, kgo.FetchIsolationLevel(kgo.ReadCommitted()))
	}
	cl, err := kgo.NewClient(opts...)
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	var out []*kgo.Record
	for behind() {
		fetches := cl.PollFetches(ctx)
		if err := ctx.Err(); err != nil {
			t.Fatalf("reading %s: only reached %v of %v", topic, next, ends)
		}
		fetches.EachError(func(_ string, _ int32, err error) { t.Logf("reading %s: %v", topic, err) })
		fetches.EachRecord(func(r *kgo.Record) {
			next[r.Partition] = r.Offset + 1
			if !r.Attrs.IsControl() {
				out = append(out, r)
			}
		})
	}
	return out
}

// committed returns the group's committed offsets for topic.
func (c *testCluster) committed(t *testing.T, group, topic string) map[int32]int64 {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	resp, err := c.adm.FetchOffsets(ctx, group)
	if err != nil {
		t.Fatalf("fetching offsets of %s: %v", group, err)
	}
	out := make(map[int32]int64)
	resp.Each(func(o kadm.OffsetResponse) {
		if o.Topic == topic && o.Err == nil {
			out[o.Partition] = o.At
		}
	})
	return out
}

func (c *testCluster) endOffsets(t *testing.T, topic string) map[int32]int64 {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	ends, err := listOffsets(ctx, c.adm.ListEndOffsets, topic)
	if err != nil {
		t.Fatal(err)
	}
	return ends
}

// fixtureEvents loads testdata/okta-events.jsonl.
func fixtureEvents(t testing.TB) [][]byte {
	t.Helper()
	f, err := os.Open("testdata/okta-events.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out [][]byte
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		out = append(out, bytes.Clone(sc.Bytes()))
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// eventRecords spreads events over partitions round-robin, keyed by index.
func eventRecords(topic string, partitions int32, events [][]byte) []*kgo.Record {
	recs := make([]*kgo.Record, len(events))
	for i, e := range events {
		recs[i] = &kgo.Record{
			Topic:     topic,
			Partition: int32(i) % partitions,
			Key:       []byte(fmt.Sprintf("k%d", i)),
			Value:     e,
			Headers:   []kgo.RecordHeader{{Key: "source", Value: []byte("fixture")}},
			Timestamp: time.UnixMilli(1_772_438_400_000 + int64(i)), // 2026-03-02
		}
	}
	return recs
}

// oktaHandler is the test stand-in for the detector: it alerts on
// unauthorized app access attempts and dead-letters records that are not
// JSON. It records what it was given and the fate of every batch.
type oktaHandler struct {
	mu        sync.Mutex
	handled   map[string]int // "topic/partition/offset" -> times handled
	committed map[string]int // same key -> Done(true) count
	failed    int            // Done(false) calls

	// hook, when set, runs first on every batch; a non-nil error is
	// returned as the handler's.
	hook func(ctx context.Context, b *Batch) error
}

func newOktaHandler() *oktaHandler {
	return &oktaHandler{handled: make(map[string]int), committed: make(map[string]int)}
}

func recordKey(r *kgo.Record) string { return fmt.Sprintf("%s/%d/%d", r.Topic, r.Partition, r.Offset) }

func (h *oktaHandler) Handle(ctx context.Context, b *Batch) error {
	keys := make([]string, len(b.Records))
	for i, r := range b.Records {
		keys[i] = recordKey(r)
	}
	// Done is set first, so that a batch the hook fails still reports
	// its fate, as a real handler that keeps state would need.
	b.Done = func(committed bool) {
		h.mu.Lock()
		defer h.mu.Unlock()
		if !committed {
			h.failed++
			return
		}
		for _, k := range keys {
			h.committed[k]++
		}
	}
	h.mu.Lock()
	for _, k := range keys {
		h.handled[k]++
	}
	h.mu.Unlock()
	if h.hook != nil {
		if err := h.hook(ctx, b); err != nil {
			return err
		}
	}
	for _, r := range b.Records {
		var ev struct {
			UUID      string `json:"uuid"`
			EventType string `json:"eventType"`
		}
		if err := json.Unmarshal(r.Value, &ev); err != nil {
			b.Dead = append(b.Dead, DeadLetter{Record: r, Reason: "invalid_json", Err: errors.New("not a JSON object")})
			continue
		}
		if ev.EventType == "app.generic.unauth_app_access_attempt" {
			b.Out = append(b.Out, &kgo.Record{Key: []byte(ev.UUID), Value: []byte("alert:" + ev.UUID)})
		}
	}
	return nil
}

func (h *oktaHandler) committedCount() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.committed)
}

func (h *oktaHandler) failedCount() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.failed
}

func (h *oktaHandler) handledTimes() map[string]int {
	h.mu.Lock()
	defer h.mu.Unlock()
	out := make(map[string]int, len(h.handled))
	for k, v := range h.handled {
		out[k] = v
	}
	return out
}

// expectedAlerts is what oktaHandler produces for the fixture events.
func expectedAlerts(t *testing.T, events [][]byte) []string {
	t.Helper()
	var out []string
	for _, e := range events {
		var ev struct {
			UUID      string `json:"uuid"`
			EventType string `json:"eventType"`
		}
		if json.Unmarshal(e, &ev) == nil && ev.EventType == "app.generic.unauth_app_access_attempt" {
			out = append(out, "alert:"+ev.UUID)
		}
	}
	return out
}

func values(recs []*kgo.Record) []string {
	out := make([]string, len(recs))
	for i, r := range recs {
		out[i] = string(r.Value)
	}
	return out
}

// testLogger logs to the test's output at warn level and above, and to w
// (when not nil) at every level, so tests can inspect log lines.
func testLogger(t *testing.T, w io.Writer) *slog.Logger {
	t.Helper()
	out := io.Writer(t.Output())
	level := slog.LevelWarn
	if os.Getenv("STREAM_TEST_DEBUG") != "" {
		level = slog.LevelDebug
	}
	if w != nil {
		out, level = io.MultiWriter(t.Output(), w), slog.LevelDebug
	}
	return slog.New(slog.NewTextHandler(out, &slog.HandlerOptions{Level: level}))
}

// syncBuffer is a bytes.Buffer safe for concurrent writers.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// fastTimings shortens the pipeline's internal waits and franz-go's polling
// so that tests do not idle. It is an Opt only tests can build.
func fastTimings() Opt {
	return opt(func(c *config) {
		c.reachTimeout = 5 * time.Second
		c.warmupTimeout = 10 * time.Second
		c.catchUpTimeout = 5 * time.Second
		c.lagInterval = 100 * time.Millisecond
		c.discoverEvery = 200 * time.Millisecond
		c.clientOpts = append(c.clientOpts,
			kgo.FetchMaxWait(100*time.Millisecond),
			kgo.HeartbeatInterval(100*time.Millisecond),
			kgo.AutoCommitInterval(100*time.Millisecond),
			kgo.MetadataMinAge(100*time.Millisecond),
			kgo.MetadataMaxAge(500*time.Millisecond),
		)
	})
}

// testOpt wraps a raw config change, for settings without a public option.
func testOpt(f func(*config)) Opt { return opt(f) }

// running is a pipeline started in the background.
type running struct {
	p      *Pipeline
	cancel context.CancelFunc
	done   chan struct{}
	err    error
}

func start(t *testing.T, p *Pipeline) *running {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	r := &running{p: p, cancel: cancel, done: make(chan struct{})}
	go func() {
		defer close(r.done)
		r.err = p.Run(ctx)
		if r.err != nil {
			t.Logf("Run returned: %v", r.err)
		}
	}()
	t.Cleanup(func() {
		cancel()
		<-r.done
	})
	return r
}

// stop cancels the pipeline and returns what Run returned.
func (r *running) stop(t *testing.T) error {
	t.Helper()
	r.cancel()
	return r.wait(t)
}

// wait waits for Run to return on its own.
func (r *running) wait(t *testing.T) error {
	t.Helper()
	select {
	case <-r.done:
		return r.err
	case <-time.After(60 * time.Second):
		t.Fatal("Run did not return within 60s")
		return nil
	}
}

// until is eventually, but gives up as soon as Run returns: a pipeline that
// died will not make cond true.
func (r *running) until(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for !cond() {
		select {
		case <-r.done:
			t.Fatalf("Run returned (%v) while waiting for %s", r.err, what)
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// eventually polls cond until it holds, failing the test after 30s. It is
// for states that have no event to wait on (readiness, broker-side state);
// the deadline is a hang guard, not an assertion about speed.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// closedPort returns a local address nothing listens on.
func closedPort(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	return addr
}

// metricValue sums what a counter, gauge or histogram (its sample count)
// collector currently reports.
func metricValue(t *testing.T, c prometheus.Collector) float64 {
	t.Helper()
	ch := make(chan prometheus.Metric, 64)
	go func() {
		c.Collect(ch)
		close(ch)
	}()
	var sum float64
	for m := range ch {
		var d dto.Metric
		if err := m.Write(&d); err != nil {
			t.Fatal(err)
		}
		switch {
		case d.Counter != nil:
			sum += d.Counter.GetValue()
		case d.Gauge != nil:
			sum += d.Gauge.GetValue()
		case d.Histogram != nil:
			sum += float64(d.Histogram.GetSampleCount())
		}
	}
	return sum
}
