package stream

import (
	"context"
	"errors"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// TestGracefulShutdownFinishesBatch cancels Run while a batch is in the
// handler: readiness must drop at once, the batch must still be produced
// and committed, and Run must return nil.
func TestGracefulShutdownFinishesBatch(t *testing.T) {
	c := newTestCluster(t)
	tp := newTopics()
	c.createTopic(t, tp.input, 1, nil)
	events := fixtureEvents(t)
	c.produce(t, eventRecords(tp.input, 1, events)...)

	entered, release := make(chan struct{}), make(chan struct{})
	var calls atomic.Int32
	h := newOktaHandler()
	h.hook = func(ctx context.Context, _ *Batch) error {
		if calls.Add(1) == 1 {
			close(entered)
			<-release
		}
		return nil
	}
	p, err := New(h, tp.opts(t, c)...)
	if err != nil {
		t.Fatal(err)
	}
	run := start(t, p)
	<-entered
	if !p.Ready() {
		t.Error("not Ready while processing")
	}
	run.cancel()
	eventually(t, "Ready to turn false while the batch is still in the handler", func() bool { return !p.Ready() })
	close(release)
	if err := run.wait(t); err != nil {
		t.Fatalf("Run returned %v after a graceful shutdown", err)
	}
	if got := h.committedCount(); got != len(events) {
		t.Errorf("%d records reported committed, want all %d (the in-flight batch must finish)", got, len(events))
	}
	if got, want := c.committed(t, tp.group, tp.input), c.endOffsets(t, tp.input); !mapsEqual(got, want) {
		t.Errorf("committed %v, want %v", got, want)
	}
	if got := len(c.readAll(t, tp.alerts, false)); got != len(expectedAlerts(t, events)) {
		t.Errorf("%d alerts written, want %d", got, len(expectedAlerts(t, events)))
	}
}

// TestShutdownTimeout keeps a batch in the handler past ShutdownTimeout: the
// handler's context must be canceled, the batch reported uncommitted, and
// Run must say the shutdown ran out of time.
func TestShutdownTimeout(t *testing.T) {
	c := newTestCluster(t)
	tp := newTopics()
	c.createTopic(t, tp.input, 1, nil)
	c.produce(t, eventRecords(tp.input, 1, fixtureEvents(t))...)

	entered := make(chan struct{})
	h := newOktaHandler()
	h.hook = func(ctx context.Context, _ *Batch) error {
		close(entered)
		<-ctx.Done()
		return ctx.Err()
	}
	p, err := New(h, append(tp.opts(t, c), ShutdownTimeout(200*time.Millisecond))...)
	if err != nil {
		t.Fatal(err)
	}
	run := start(t, p)
	<-entered
	err = run.stop(t)
	if err == nil || !strings.Contains(err.Error(), "shutdown did not finish within 200ms") {
		t.Fatalf("Run returned %v, want a shutdown timeout", err)
	}
	if !errors.Is(err, context.Canceled) {
		t.Errorf("error %v does not carry the handler's context error", err)
	}
	if h.failedCount() != 1 || h.committedCount() != 0 {
		t.Errorf("failed=%d committed=%d, want the one batch uncommitted", h.failedCount(), h.committedCount())
	}
	if got := c.committed(t, tp.group, tp.input); len(got) != 0 {
		t.Errorf("offsets %v committed for an unfinished batch", got)
	}
}

// TestReadiness walks a pipeline through its states: not ready before Run,
// ready once joined (also with an empty assignment: a second member of a
// one-partition group), not ready once stopped.
func TestReadiness(t *testing.T) {
	c := newTestCluster(t)
	tp := newTopics()
	c.createTopic(t, tp.input, 1, nil)

	p1, err := New(newOktaHandler(), tp.opts(t, c)...)
	if err != nil {
		t.Fatal(err)
	}
	if p1.Ready() {
		t.Error("Ready before Run")
	}
	run1 := start(t, p1)
	run1.until(t, "first member ready", p1.Ready)

	p2, err := New(newOktaHandler(), tp.opts(t, c)...)
	if err != nil {
		t.Fatal(err)
	}
	run2 := start(t, p2)
	run2.until(t, "second member, with nothing assigned, ready", p2.Ready)

	for _, r := range []*running{run1, run2} {
		if err := r.stop(t); err != nil {
			t.Fatal(err)
		}
		if r.p.Ready() {
			t.Error("Ready after Run returned")
		}
	}
}
