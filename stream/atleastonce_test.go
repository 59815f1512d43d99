package stream

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"
)

// topics is one test's set of topic names.
type topics struct {
	input, alerts, dead, group string
}

func newTopics() topics {
	return topics{
		input:  uniqueName("logs-okta.system"),
		alerts: uniqueName("alerts"),
		dead:   uniqueName("dead"),
		group:  uniqueName("group"),
	}
}

func (tp topics) opts(t *testing.T, c *testCluster) []Opt {
	return []Opt{
		Brokers(c.brokers...),
		Group(tp.group),
		Topics(tp.input),
		AlertsTopic(tp.alerts),
		DeadLetterTopic(tp.dead),
		WithLogger(testLogger(t, nil)),
		fastTimings(),
	}
}

// TestAtLeastOnceOutputs runs the fixture events through the pipeline and
// checks the alerts and dead letters written, the commits, and that every
// batch was reported committed, for both group protocols.
func TestAtLeastOnceOutputs(t *testing.T) {
	for _, protocol := range []string{ProtocolClassic, ProtocolConsumer} {
		t.Run(protocol, func(t *testing.T) {
			c := newTestCluster(t)
			tp := newTopics()
			const partitions = 3
			c.createTopic(t, tp.input, partitions, nil)
			events := fixtureEvents(t)
			c.produce(t, eventRecords(tp.input, partitions, events)...)

			h := newOktaHandler()
			p, err := New(h, append(tp.opts(t, c), GroupProtocol(protocol))...)
			if err != nil {
				t.Fatal(err)
			}
			run := start(t, p)
			run.until(t, "all records committed", func() bool { return h.committedCount() == len(events) })
			if err := run.stop(t); err != nil {
				t.Fatalf("Run: %v", err)
			}

			got := values(c.readAll(t, tp.alerts, false))
			want := expectedAlerts(t, events)
			slices.Sort(got)
			slices.Sort(want)
			if !slices.Equal(got, want) {
				t.Errorf("alerts topic holds %q, want %q", got, want)
			}
			dead := c.readAll(t, tp.dead, false)
			if len(dead) != 1 || !strings.HasPrefix(string(dead[0].Value), `{"uuid":"0b5e6c1a-000b`) {
				t.Errorf("dead-letter topic holds %q, want the one truncated fixture line", values(dead))
			}
			for k, n := range h.handledTimes() {
				if n != 1 {
					t.Errorf("record %s handled %d times, want once", k, n)
				}
			}
			if f := h.failedCount(); f != 0 {
				t.Errorf("%d batches reported uncommitted", f)
			}
			if got, want := c.committed(t, tp.group, tp.input), c.endOffsets(t, tp.input); !mapsEqual(got, want) {
				t.Errorf("committed offsets %v, want the end offsets %v", got, want)
			}
		})
	}
}

func mapsEqual[K comparable, V comparable](a, b map[K]V) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || w != v {
			return false
		}
	}
	return true
}

// TestHandlerErrorStopsWithoutCommit checks that a handler error ends Run
// with that error, leaves the failing batch uncommitted (Done(false)), and
// that a restart handles it again so nothing is lost.
func TestHandlerErrorStopsWithoutCommit(t *testing.T) {
	c := newTestCluster(t)
	tp := newTopics()
	c.createTopic(t, tp.input, 1, nil)
	events := fixtureEvents(t)
	c.produce(t, eventRecords(tp.input, 1, events)...)

	boom := errors.New("rule engine exploded")
	h := newOktaHandler()
	h.hook = func(_ context.Context, b *Batch) error {
		for _, r := range b.Records {
			if r.Offset == 4 {
				return boom
			}
		}
		return nil
	}
	p, err := New(h, append(tp.opts(t, c), testOpt(func(c *config) { c.maxPollRecords = 2 }))...)
	if err != nil {
		t.Fatal(err)
	}
	err = start(t, p).wait(t)
	if !errors.Is(err, boom) {
		t.Fatalf("Run returned %v, want the handler's error", err)
	}
	if !strings.Contains(err.Error(), "partition 0") {
		t.Errorf("error %q does not say which partition failed", err)
	}
	if h.failedCount() == 0 {
		t.Error("the failing batch was not reported uncommitted")
	}
	committed := c.committed(t, tp.group, tp.input)[0]
	if committed > 4 {
		t.Fatalf("committed offset %d is past the failed record 4", committed)
	}
	if p.Ready() {
		t.Error("Ready after Run returned")
	}

	// A restart with a healthy handler handles the rest, the failed
	// record included.
	h2 := newOktaHandler()
	p2, err := New(h2, tp.opts(t, c)...)
	if err != nil {
		t.Fatal(err)
	}
	run := start(t, p2)
	run.until(t, "the remaining records committed", func() bool { return h2.committedCount() == len(events)-int(committed) })
	if err := run.stop(t); err != nil {
		t.Fatal(err)
	}
	got := values(c.readAll(t, tp.alerts, false))
	for _, want := range expectedAlerts(t, events) {
		if !slices.Contains(got, want) {
			t.Errorf("alert %s missing after restart", want)
		}
	}
}

// TestProduceFailureIsFatal makes the broker refuse alerts: the batch must
// not be committed, Done(false) must be called, Run must stop with an error
// naming the topic, and a restart must write every alert.
func TestProduceFailureIsFatal(t *testing.T) {
	c := newTestCluster(t)
	c.needFake(t)
	tp := newTopics()
	c.createTopic(t, tp.input, 1, nil)
	c.createTopic(t, tp.alerts, 1, nil)
	events := fixtureEvents(t)
	c.produce(t, eventRecords(tp.input, 1, events)...)

	fault := c.fake.Fault(kfake.Fault{
		Keys:  []kmsg.Key{kmsg.Produce},
		Topic: tp.alerts,
		Err:   kerr.InvalidRecord,
		Count: -1,
	})
	h := newOktaHandler()
	p, err := New(h, tp.opts(t, c)...)
	if err != nil {
		t.Fatal(err)
	}
	err = start(t, p).wait(t)
	if !errors.Is(err, kerr.InvalidRecord) || !strings.Contains(err.Error(), tp.alerts) {
		t.Fatalf("Run returned %v, want INVALID_RECORD naming %s", err, tp.alerts)
	}
	if h.failedCount() == 0 {
		t.Error("no batch reported uncommitted")
	}
	// Only batches without alerts may have been committed: the first
	// alert is at offset 1.
	if off := c.committed(t, tp.group, tp.input)[0]; off > 1 {
		t.Errorf("committed offset %d is past the first alerting record", off)
	}
	fault.Remove()

	h2 := newOktaHandler()
	p2, err := New(h2, tp.opts(t, c)...)
	if err != nil {
		t.Fatal(err)
	}
	run := start(t, p2)
	run.until(t, "committed after restart", func() bool {
		return mapsEqual(c.committed(t, tp.group, tp.input), c.endOffsets(t, tp.input))
	})
	if err := run.stop(t); err != nil {
		t.Fatal(err)
	}
	got := values(c.readAll(t, tp.alerts, false))
	want := expectedAlerts(t, events)
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("alerts after restart %q, want %q", got, want)
	}
}

// TestRestartResumesFromCommit stops a pipeline gracefully, adds records,
// and starts another one in the same group: it must handle exactly the new
// records.
func TestRestartResumesFromCommit(t *testing.T) {
	c := newTestCluster(t)
	tp := newTopics()
	c.createTopic(t, tp.input, 2, nil)
	events := fixtureEvents(t)
	first, second := events[:6], events[6:]
	c.produce(t, eventRecords(tp.input, 2, first)...)

	h := newOktaHandler()
	p, err := New(h, tp.opts(t, c)...)
	if err != nil {
		t.Fatal(err)
	}
	run := start(t, p)
	run.until(t, "first half committed", func() bool { return h.committedCount() == len(first) })
	if err := run.stop(t); err != nil {
		t.Fatal(err)
	}

	recs := eventRecords(tp.input, 2, second)
	c.produce(t, recs...)
	h2 := newOktaHandler()
	p2, err := New(h2, tp.opts(t, c)...)
	if err != nil {
		t.Fatal(err)
	}
	run2 := start(t, p2)
	run2.until(t, "second half committed", func() bool { return h2.committedCount() == len(second) })
	if err := run2.stop(t); err != nil {
		t.Fatal(err)
	}
	for k := range h2.handledTimes() {
		if h.handledTimes()[k] > 0 {
			t.Errorf("record %s handled again after a graceful restart", k)
		}
	}
	got := values(c.readAll(t, tp.alerts, false))
	want := expectedAlerts(t, events)
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("alerts %q, want %q", got, want)
	}
}

// TestRevokeCommits runs two pipelines in one group. When the second joins,
// the first gives up partitions (cooperative rebalance) and must commit
// their processed offsets on the way out: no record is lost and, because
// the revoke commits, none is handled twice.
func TestRevokeCommits(t *testing.T) {
	c := newTestCluster(t)
	tp := newTopics()
	const partitions = 4
	c.createTopic(t, tp.input, partitions, nil)
	events := fixtureEvents(t)
	c.produce(t, eventRecords(tp.input, partitions, events)...)

	h1 := newOktaHandler()
	p1, err := New(h1, tp.opts(t, c)...)
	if err != nil {
		t.Fatal(err)
	}
	run1 := start(t, p1)
	run1.until(t, "first member processed the backlog", func() bool { return h1.committedCount() == len(events) })

	h2 := newOktaHandler()
	p2, err := New(h2, tp.opts(t, c)...)
	if err != nil {
		t.Fatal(err)
	}
	run2 := start(t, p2)
	run2.until(t, "second member assigned", p2.Ready)

	// Records produced now land on partitions owned by either member.
	more := eventRecords(tp.input, partitions, events)
	c.produce(t, more...)
	total := 2 * len(events)
	run2.until(t, "every record committed", func() bool {
		return h1.committedCount()+h2.committedCount() == total
	})
	if err := run1.stop(t); err != nil {
		t.Fatal(err)
	}
	if err := run2.stop(t); err != nil {
		t.Fatal(err)
	}
	if h2.committedCount() == 0 {
		t.Fatal("the second member handled nothing; the rebalance did not move partitions")
	}
	seen := h1.handledTimes()
	for k, n := range h2.handledTimes() {
		seen[k] += n
	}
	for k, n := range seen {
		if n != 1 {
			t.Errorf("record %s handled %d times", k, n)
		}
	}
	if len(seen) != total {
		t.Errorf("%d records handled, want %d", len(seen), total)
	}
	alerts := values(c.readAll(t, tp.alerts, false))
	for _, want := range expectedAlerts(t, events) {
		if n := countOf(alerts, want); n < 2 {
			t.Errorf("alert %s written %d times, want at least 2 (one per copy of the event)", want, n)
		}
	}
}

func countOf(xs []string, x string) int {
	n := 0
	for _, v := range xs {
		if v == x {
			n++
		}
	}
	return n
}

// TestRegexSubscription reads every topic matching a pattern, including one
// created while running, and never the alerts topic although the pattern
// matches its name.
func TestRegexSubscription(t *testing.T) {
	c := newTestCluster(t)
	prefix := uniqueName("logs-okta")
	a, b, other := prefix+".system-a", prefix+".system-b", uniqueName("unrelated")
	alerts := prefix + ".alerts"
	for _, topic := range []string{a, b, other} {
		c.createTopic(t, topic, 1, nil)
	}
	events := fixtureEvents(t)
	c.produce(t, eventRecords(a, 1, events[:2])...)
	c.produce(t, eventRecords(b, 1, events[2:4])...)
	c.produce(t, eventRecords(other, 1, events[4:6])...)

	h := newOktaHandler()
	p, err := New(h,
		Brokers(c.brokers...),
		Group(uniqueName("group")),
		Topics(prefix+`\..*`),
		AlertsTopic(alerts),
		WithLogger(testLogger(t, nil)),
		fastTimings(),
	)
	if err != nil {
		t.Fatal(err)
	}
	run := start(t, p)
	run.until(t, "matching topics read", func() bool { return h.committedCount() == 4 })

	late := prefix + ".system-late"
	c.createTopic(t, late, 1, nil)
	c.produce(t, eventRecords(late, 1, events[6:8])...)
	run.until(t, "topic created while running read", func() bool { return h.committedCount() == 6 })
	if err := run.stop(t); err != nil {
		t.Fatal(err)
	}
	for k := range h.handledTimes() {
		topic := k[:strings.Index(k, "/")]
		if topic != a && topic != b && topic != late {
			t.Errorf("read %s, which the pattern does not select (or is the alerts topic)", k)
		}
	}
}

// TestUnreachableBroker checks the start-up error names the address and the
// cause.
func TestUnreachableBroker(t *testing.T) {
	addr := closedPort(t)
	p, err := New(newOktaHandler(), Brokers(addr), Topics("in"), AlertsTopic("out"), WithLogger(testLogger(t, nil)))
	if err != nil {
		t.Fatal(err)
	}
	err = p.Run(context.Background())
	if err == nil {
		t.Fatal("Run succeeded against a closed port")
	}
	for _, want := range []string{"cannot reach Kafka at " + addr + ": ", "connection refused"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not contain %q", err, want)
		}
	}
	if p.Ready() {
		t.Error("Ready after a failed start")
	}
}

// TestRunTwice checks a second Run is refused rather than reusing closed
// clients.
func TestRunTwice(t *testing.T) {
	p, err := New(newOktaHandler(), Brokers(closedPort(t)), Topics("in"), AlertsTopic("out"), WithLogger(testLogger(t, nil)))
	if err != nil {
		t.Fatal(err)
	}
	_ = p.Run(context.Background())
	if err := p.Run(context.Background()); err == nil || !strings.Contains(err.Error(), "more than once") {
		t.Errorf("second Run returned %v", err)
	}
}

// TestHandlerContract checks the promises Handler documents: batches of
// different partitions run concurrently but at most Workers at a time,
// never two of the same partition at once, and each partition's records
// arrive in offset order without gaps.
func TestHandlerContract(t *testing.T) {
	for _, tc := range []struct{ mode, protocol string }{
		{"at-least-once", ProtocolClassic},
		{"at-least-once", ProtocolConsumer},
		{"exactly-once", ProtocolClassic},
		{"exactly-once", ProtocolConsumer},
	} {
		t.Run(tc.mode+"/"+tc.protocol, func(t *testing.T) {
			c := newTestCluster(t)
			tp := newTopics()
			const partitions, workers = 6, 2
			c.createTopic(t, tp.input, partitions, nil)
			events := fixtureEvents(t)
			var recs []*kgo.Record
			for range 20 {
				recs = append(recs, eventRecords(tp.input, partitions, events)...)
			}
			c.produce(t, recs...)

			var (
				mu       sync.Mutex
				inFlight = map[int32]bool{}
				running  int
				peak     int
				next     = map[int32]int64{}
				problems []string
			)
			h := newOktaHandler()
			h.hook = func(_ context.Context, b *Batch) error {
				mu.Lock()
				if inFlight[b.Partition] {
					problems = append(problems, fmt.Sprintf("partition %d handled concurrently", b.Partition))
				}
				inFlight[b.Partition] = true
				running++
				peak = max(peak, running)
				for _, r := range b.Records {
					if r.Offset != next[b.Partition] {
						problems = append(problems, fmt.Sprintf("partition %d: got offset %d, want %d", b.Partition, r.Offset, next[b.Partition]))
					}
					next[b.Partition] = r.Offset + 1
				}
				mu.Unlock()
				// Give other workers the chance to overlap.
				time.Sleep(time.Millisecond)
				mu.Lock()
				inFlight[b.Partition] = false
				running--
				mu.Unlock()
				return nil
			}
			opts := append(tp.opts(t, c), Workers(workers), GroupProtocol(tc.protocol),
				testOpt(func(c *config) { c.maxPollRecords = 30 }))
			if tc.mode == "exactly-once" {
				opts = append(opts, ExactlyOnce(uniqueName("txn")))
			}
			p, err := New(h, opts...)
			if err != nil {
				t.Fatal(err)
			}
			run := start(t, p)
			run.until(t, "all committed", func() bool { return h.committedCount() == len(recs) })
			if err := run.stop(t); err != nil {
				t.Fatal(err)
			}
			mu.Lock()
			defer mu.Unlock()
			for _, p := range problems {
				t.Error(p)
			}
			if peak > workers {
				t.Errorf("%d batches handled at once, Workers is %d", peak, workers)
			}
		})
	}
}
