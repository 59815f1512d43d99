package stream

import (
	"context"
	"errors"
	"slices"
	"sync/atomic"
	"testing"

	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kmsg"
)

// TestExactlyOnceAcrossAbortAndRestart aborts a transaction, restarts, and
// checks that a read_committed reader sees every alert exactly once. The
// abort comes from a handler error, or from the broker refusing the dead
// letter after the same transaction's alerts were written (then the
// aborted alerts must be in the log, invisible to read_committed).
func TestExactlyOnceAcrossAbortAndRestart(t *testing.T) {
	boom := errors.New("transient rule failure")
	for _, tc := range []struct {
		name string
		// setup returns the error the first run must stop with.
		setup func(t *testing.T, c *testCluster, tp topics, h *oktaHandler) (wantErr error)
		// abortedCopies: the first run wrote alerts that were aborted.
		abortedCopies bool
	}{
		{
			name: "handler error",
			setup: func(_ *testing.T, _ *testCluster, _ topics, h *oktaHandler) error {
				h.hook = func(_ context.Context, b *Batch) error {
					if b.Partition == 0 {
						return boom
					}
					return nil
				}
				return boom
			},
		},
		{
			name: "dead letter refused",
			setup: func(t *testing.T, c *testCluster, tp topics, _ *oktaHandler) error {
				c.needFake(t)
				c.createTopic(t, tp.dead, 1, nil)
				c.fake.Fault(kfake.Fault{Keys: []kmsg.Key{kmsg.Produce}, Topic: tp.dead, Err: kerr.InvalidRecord})
				return kerr.InvalidRecord
			},
			abortedCopies: true,
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := newTestCluster(t)
			tp := newTopics()
			c.createTopic(t, tp.input, 1, nil)
			events := fixtureEvents(t)
			c.produce(t, eventRecords(tp.input, 1, events)...)
			txnID := uniqueName("txn")

			h := newOktaHandler()
			wantErr := tc.setup(t, c, tp, h)
			p, err := New(h, append(tp.opts(t, c), ExactlyOnce(txnID))...)
			if err != nil {
				t.Fatal(err)
			}
			if err := start(t, p).wait(t); !errors.Is(err, wantErr) {
				t.Fatalf("Run returned %v, want %v", err, wantErr)
			}
			if h.committedCount() != 0 || h.failedCount() == 0 {
				t.Errorf("first run: committed=%d failed=%d, want every batch reported uncommitted", h.committedCount(), h.failedCount())
			}
			if got := c.committed(t, tp.group, tp.input); len(got) != 0 {
				t.Errorf("offsets %v committed by an aborted transaction", got)
			}

			h2 := newOktaHandler()
			p2, err := New(h2, append(tp.opts(t, c), ExactlyOnce(txnID))...)
			if err != nil {
				t.Fatal(err)
			}
			run := start(t, p2)
			run.until(t, "all committed", func() bool { return h2.committedCount() == len(events) })
			if err := run.stop(t); err != nil {
				t.Fatal(err)
			}

			want := expectedAlerts(t, events)
			slices.Sort(want)
			committed := values(c.readAll(t, tp.alerts, true))
			slices.Sort(committed)
			if !slices.Equal(committed, want) {
				t.Errorf("read_committed sees %q, want each alert once: %q", committed, want)
			}
			all := c.readAll(t, tp.alerts, false)
			if tc.abortedCopies && len(all) <= len(committed) {
				t.Errorf("read_uncommitted sees %d alerts, want more than the %d committed (the aborted transaction's)", len(all), len(committed))
			}
			if dead := c.readAll(t, tp.dead, true); len(dead) != 1 {
				t.Errorf("read_committed sees %d dead letters, want 1", len(dead))
			}
			if got, want := c.committed(t, tp.group, tp.input), c.endOffsets(t, tp.input); !mapsEqual(got, want) {
				t.Errorf("committed %v, want %v", got, want)
			}
		})
	}
}

// TestExactlyOnceRebalanceAborts holds the first member's transaction open
// until a second member has taken partitions and handled their records.
// The first transaction must then abort (Done(false)) without stopping Run,
// and the alerts must still be visible exactly once.
func TestExactlyOnceRebalanceAborts(t *testing.T) {
	c := newTestCluster(t)
	tp := newTopics()
	const partitions = 4
	c.createTopic(t, tp.input, partitions, nil)
	events := fixtureEvents(t)
	c.produce(t, eventRecords(tp.input, partitions, events)...)

	secondHandled := make(chan struct{})
	var held atomic.Bool
	entered := make(chan struct{})
	h1 := newOktaHandler()
	h1.hook = func(context.Context, *Batch) error {
		if held.CompareAndSwap(false, true) {
			close(entered)
			<-secondHandled
		}
		return nil
	}
	p1, err := New(h1, append(tp.opts(t, c), ExactlyOnce(uniqueName("txn")), Workers(1))...)
	if err != nil {
		t.Fatal(err)
	}
	run1 := start(t, p1)
	<-entered

	var once atomic.Bool
	h2 := newOktaHandler()
	h2.hook = func(context.Context, *Batch) error {
		if once.CompareAndSwap(false, true) {
			close(secondHandled)
		}
		return nil
	}
	p2, err := New(h2, append(tp.opts(t, c), ExactlyOnce(uniqueName("txn")))...)
	if err != nil {
		t.Fatal(err)
	}
	run2 := start(t, p2)
	run1.until(t, "every record committed by one member", func() bool {
		return h1.committedCount()+h2.committedCount() == len(events)
	})
	if h1.failedCount() == 0 {
		t.Error("the transaction open during the rebalance was not reported uncommitted")
	}
	if err := run1.stop(t); err != nil {
		t.Fatalf("first member: %v", err)
	}
	if err := run2.stop(t); err != nil {
		t.Fatalf("second member: %v", err)
	}
	want := expectedAlerts(t, events)
	slices.Sort(want)
	got := values(c.readAll(t, tp.alerts, true))
	slices.Sort(got)
	if !slices.Equal(got, want) {
		t.Errorf("read_committed sees %q, want each alert once: %q", got, want)
	}
}
