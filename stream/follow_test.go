package stream

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"
)

// followed collects what a follower hands over. gate, when set, is waited
// on before a record whose value is gateOn is accepted.
type followed struct {
	mu     sync.Mutex
	values []string

	gateOn  string
	gate    chan struct{}
	atGate  chan struct{}
	gateHit sync.Once
}

func (f *followed) fn(r *kgo.Record) {
	if f.gate != nil && string(r.Value) == f.gateOn {
		f.gateHit.Do(func() { close(f.atGate) })
		<-f.gate
	}
	f.mu.Lock()
	f.values = append(f.values, string(r.Value))
	f.mu.Unlock()
}

func (f *followed) snapshot() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.values)
}

// TestFollowWarmup fills the alerts topic with old and recent records and
// checks that the follower reads exactly the tail the horizon and the
// record cap select, and that no input is handled (and the pipeline is not
// ready) until it has.
func TestFollowWarmup(t *testing.T) {
	c := newTestCluster(t)
	tp := newTopics()
	c.createTopic(t, tp.input, 1, nil)
	c.createTopic(t, tp.alerts, 2, nil)
	now := time.Now()
	var recs []*kgo.Record
	add := func(p int32, n int, age time.Duration, label string) {
		for i := range n {
			recs = append(recs, &kgo.Record{Topic: tp.alerts, Partition: p,
				Value: fmt.Appendf(nil, "%s-%d-%d", label, p, i), Timestamp: now.Add(-age)})
		}
	}
	add(0, 5, 2*time.Hour, "old")     // offsets 0-4: before the horizon
	add(0, 3, time.Minute, "recent")  // offsets 5-7
	add(1, 10, time.Minute, "recent") // offsets 0-9: the cap keeps the last 4
	c.produce(t, recs...)
	want := []string{"recent-0-0", "recent-0-1", "recent-0-2", "recent-1-6", "recent-1-7", "recent-1-8", "recent-1-9"}

	c.produce(t, eventRecords(tp.input, 1, fixtureEvents(t))...)

	f := &followed{gateOn: "recent-0-0", gate: make(chan struct{}), atGate: make(chan struct{})}
	var atFirstHandle atomic.Pointer[[]string]
	h := newOktaHandler()
	h.hook = func(context.Context, *Batch) error {
		seen := f.snapshot()
		atFirstHandle.CompareAndSwap(nil, &seen)
		return nil
	}
	m, err := NewMetrics(nil)
	if err != nil {
		t.Fatal(err)
	}
	p, err := New(h, append(tp.opts(t, c),
		Follow("", time.Hour, 8, f.fn),
		WithMetrics(m),
	)...)
	if err != nil {
		t.Fatal(err)
	}
	run := start(t, p)
	<-f.atGate
	if p.Ready() {
		t.Error("Ready while the follower is warming up")
	}
	if atFirstHandle.Load() != nil {
		t.Error("input handled while the follower is warming up")
	}
	close(f.gate)
	run.until(t, "input handled", func() bool { return atFirstHandle.Load() != nil })
	run.until(t, "ready", p.Ready)

	got := *atFirstHandle.Load()
	slices.Sort(got)
	if !slices.Equal(got, want) {
		t.Errorf("follower had read %q before the first input was handled, want %q", got, want)
	}
	if n := metricValue(t, m.warmupRecords); n != float64(len(want)) {
		t.Errorf("%s = %v, want %d", metricWarmupRecords, n, len(want))
	}

	// New alerts keep being followed.
	c.produce(t, &kgo.Record{Topic: tp.alerts, Partition: 1, Value: []byte("later")})
	run.until(t, "a later alert followed", func() bool { return slices.Contains(f.snapshot(), "later") })
	if err := run.stop(t); err != nil {
		t.Fatal(err)
	}
}

// TestFollowCatchUpOnAssignment writes an alert after warm-up but before the
// group is joined, as the previous owner of a partition would, and holds
// the follower on it. Records of the assigned partitions must not be handled
// until the follower has read it, or the bounded wait has expired with a
// warning.
func TestFollowCatchUpOnAssignment(t *testing.T) {
	for _, tc := range []struct {
		name        string
		releaseWhen string // "ready": as soon as the group is joined; "never": only after the test
	}{
		{name: "follower catches up", releaseWhen: "ready"},
		{name: "wait times out", releaseWhen: "never"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := newTestCluster(t)
			tp := newTopics()
			c.createTopic(t, tp.input, 1, nil)
			c.createTopic(t, tp.alerts, 1, nil)

			f := &followed{gateOn: "previous-owner-alert", gate: make(chan struct{}), atGate: make(chan struct{})}
			var releaseOnce sync.Once
			release := func() { releaseOnce.Do(func() { close(f.gate) }) }
			t.Cleanup(release) // the follower must not stay blocked at shutdown

			logs := new(syncBuffer)
			var firstHandle atomic.Pointer[string]
			h := newOktaHandler()
			h.hook = func(context.Context, *Batch) error {
				state := fmt.Sprintf("seen=%v warned=%v",
					slices.Contains(f.snapshot(), "previous-owner-alert"),
					strings.Contains(logs.String(), "did not catch up in time"))
				firstHandle.CompareAndSwap(nil, &state)
				return nil
			}
			p, err := New(h, append(tp.opts(t, c),
				WithLogger(testLogger(t, logs)),
				Follow("", time.Hour, 100, f.fn),
				testOpt(func(c *config) { c.catchUpTimeout = time.Second }),
				testOpt(func(cfg *config) {
					cfg.beforeGroup = func() {
						c.produce(t, &kgo.Record{Topic: tp.alerts, Value: []byte("previous-owner-alert")})
					}
				}),
			)...)
			if err != nil {
				t.Fatal(err)
			}
			run := start(t, p)
			run.until(t, "joined", p.Ready)
			if tc.releaseWhen == "ready" {
				release()
			}
			c.produce(t, eventRecords(tp.input, 1, fixtureEvents(t)[:1])...)
			run.until(t, "input handled", func() bool { return firstHandle.Load() != nil })

			want := "seen=true warned=false"
			if tc.releaseWhen == "never" {
				want = "seen=false warned=true"
			}
			if got := *firstHandle.Load(); got != want {
				t.Errorf("at the first handled batch: %s, want %s", got, want)
			}
			release()
			if err := run.stop(t); err != nil {
				t.Fatal(err)
			}
		})
	}
}

// TestFollowNewPartition adds a partition to the followed topic while
// running: it is read from its start, and a catch-up target naming it is
// reached.
func TestFollowNewPartition(t *testing.T) {
	c := newTestCluster(t)
	tp := newTopics()
	c.createTopic(t, tp.input, 1, nil)
	c.createTopic(t, tp.alerts, 1, nil)
	f := &followed{}
	p, err := New(newOktaHandler(), append(tp.opts(t, c), Follow("", time.Hour, 100, f.fn))...)
	if err != nil {
		t.Fatal(err)
	}
	run := start(t, p)
	run.until(t, "ready", p.Ready)

	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if _, err := c.adm.CreatePartitions(ctx, 1, tp.alerts); err != nil {
		t.Fatal(err)
	}
	c.produce(t, &kgo.Record{Topic: tp.alerts, Partition: 1, Value: []byte("in-new-partition")})
	run.until(t, "record of the new partition followed", func() bool { return slices.Contains(f.snapshot(), "in-new-partition") })
	if err := run.stop(t); err != nil {
		t.Fatal(err)
	}
}

// TestFollowExactlyOnceReadsCommitted checks that in exactly-once mode the
// follower passes on committed alerts only, and that warm-up ends although
// aborted records sit in the topic.
func TestFollowExactlyOnceReadsCommitted(t *testing.T) {
	c := newTestCluster(t)
	tp := newTopics()
	c.createTopic(t, tp.input, 1, nil)
	c.createTopic(t, tp.alerts, 1, nil)
	txn, err := kgo.NewClient(kgo.SeedBrokers(c.brokers...), kgo.TransactionalID(uniqueName("writer")), kgo.ProducerLinger(0))
	if err != nil {
		t.Fatal(err)
	}
	defer txn.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	for _, tc := range []struct {
		value  string
		commit kgo.TransactionEndTry
	}{{"aborted", kgo.TryAbort}, {"committed", kgo.TryCommit}} {
		if err := txn.BeginTransaction(); err != nil {
			t.Fatal(err)
		}
		if err := txn.ProduceSync(ctx, &kgo.Record{Topic: tp.alerts, Value: []byte(tc.value)}).FirstErr(); err != nil {
			t.Fatal(err)
		}
		if err := txn.EndTransaction(ctx, tc.commit); err != nil {
			t.Fatal(err)
		}
	}
	c.produce(t, eventRecords(tp.input, 1, fixtureEvents(t)[:1])...)

	f := &followed{}
	var atFirstHandle atomic.Pointer[[]string]
	h := newOktaHandler()
	h.hook = func(context.Context, *Batch) error {
		seen := f.snapshot()
		atFirstHandle.CompareAndSwap(nil, &seen)
		return nil
	}
	p, err := New(h, append(tp.opts(t, c), ExactlyOnce(uniqueName("txn")), Follow("", time.Hour, 100, f.fn))...)
	if err != nil {
		t.Fatal(err)
	}
	run := start(t, p)
	run.until(t, "input handled", func() bool { return atFirstHandle.Load() != nil })
	if got := *atFirstHandle.Load(); !slices.Equal(got, []string{"committed"}) {
		t.Errorf("follower passed on %q, want only the committed alert", got)
	}
	if err := run.stop(t); err != nil {
		t.Fatal(err)
	}
}

// TestFollowCallbackPanic checks a panicking callback stops Run with an
// error instead of crashing the process.
func TestFollowCallbackPanic(t *testing.T) {
	c := newTestCluster(t)
	tp := newTopics()
	c.createTopic(t, tp.input, 1, nil)
	c.createTopic(t, tp.alerts, 1, nil)
	c.produce(t, &kgo.Record{Topic: tp.alerts, Value: []byte("alert")})
	p, err := New(newOktaHandler(), append(tp.opts(t, c),
		Follow("", time.Hour, 100, func(*kgo.Record) { panic("cache corrupted") }))...)
	if err != nil {
		t.Fatal(err)
	}
	err = start(t, p).wait(t)
	if err == nil || !strings.Contains(err.Error(), "follow callback panicked: cache corrupted") {
		t.Fatalf("Run returned %v", err)
	}
}
