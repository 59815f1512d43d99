package e2e_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/oktadetect/oktadetect/bench/e2e"
	"github.com/oktadetect/oktadetect/bench/eventgen"
)

// TestRealKafkaReadinessAndShutdown checks what an orchestrator relies on.
// /readyz answers 503 while the detector runs but has no assignment (a
// member the test controls holds the group's rebalance open) and 200 once
// it has one; /metrics counts events and alerts as records flow and
// reports the consumer lag. On SIGTERM /readyz turns 503 at once, and the
// process commits what it processed and exits 0 within --shutdown-timeout.
//
// To see /readyz during the shutdown, which otherwise lasts milliseconds,
// the broker (deploy/dev/kafka's) is paused with SIGSTOP right before the
// SIGTERM, so that the final commit waits; it is resumed as soon as 503
// has been seen. Against another broker that part is best effort.
func TestRealKafkaReadinessAndShutdown(t *testing.T) {
	b := e2e.RequireBroker(t)
	in := b.NewTopic(t, "in", 6)
	cfg := e2e.DetectorConfig{
		Topics:          []string{in},
		Group:           e2e.UniqueName(t, "group"),
		AlertsTopic:     e2e.UniqueName(t, "alerts"),
		GroupProtocol:   "classic",
		ShutdownTimeout: 20 * time.Second,
	}
	b.RemoveAtEnd(t, cfg.AlertsTopic)
	events := eventgen.Config{Seed: 9, MatchRate: 0.01, DupRate: 0.01}
	backlog := b.StartFeed(t, in, e2e.FeedConfig{Events: events, Count: 3000}).Wait(t)

	// Not ready while running without an assignment.
	release := b.HoldGroup(t, cfg.Group, in)
	d := b.StartDetector(t, cfg)
	d.WaitLog(t, `"consuming" (warmed up, joining the group)`, func(l e2e.LogLine) bool { return l.Msg() == "consuming" })
	for range 10 { // a second's worth: the join cannot complete while the group is held
		if status, body, err := d.Get("/readyz"); err != nil || status != http.StatusServiceUnavailable {
			t.Fatalf("/readyz before any assignment: %d %q %v, want 503", status, body, err)
		}
		time.Sleep(100 * time.Millisecond)
	}
	if status, _, err := d.Get("/healthz"); err != nil || status != http.StatusOK {
		t.Errorf("/healthz while joining: %d %v, want 200 (alive, if not ready)", status, err)
	}
	if n := d.Metrics(t).Sum("oktadetect_events_total"); n != 0 {
		t.Fatalf("oktadetect_events_total = %v before any assignment, want 0", n)
	}
	release()
	d.WaitReady(t)

	// Metrics move as records flow: the backlog, then more.
	d.WaitMetric(t, "oktadetect_events_total", "to cover the backlog", func(v float64) bool { return int(v) >= backlog.Events })
	alertsBefore := d.WaitMetric(t, "oktadetect_alerts_total", "to count the backlog's alerts", func(v float64) bool { return int(v) == len(backlog.Expected) })
	// The lag is computed every 15s from the broker's offsets.
	e2e.Eventually(t, "oktadetect_consumer_lag on /metrics", func() bool { return d.Metrics(t).Has("oktadetect_consumer_lag") })
	more := b.StartFeed(t, in, e2e.FeedConfig{Events: eventgen.Config{Seed: 10, MatchRate: 0.01}, Count: 2000}).Wait(t)
	d.WaitMetric(t, "oktadetect_events_total", "to grow by the second batch", func(v float64) bool { return int(v) >= backlog.Events+more.Events })
	d.WaitMetric(t, "oktadetect_alerts_total", "to grow by the second batch's alerts", func(v float64) bool {
		return int(v) == int(alertsBefore)+len(more.Expected)
	})

	// SIGTERM right away, before the periodic commit (every 5s) covers
	// the second batch: not ready at once, then a clean exit after
	// committing.
	lag := b.Lag(t, cfg.Group, in)
	t.Logf("uncommitted records per partition before SIGTERM: %v", lag)
	dev, err := b.LookupDevBroker()
	if err != nil {
		t.Logf("not pausing the broker during shutdown (%v): /readyz is checked only if the shutdown lasts long enough", err)
	} else {
		dev.Pause(t)
	}
	sigterm := time.Now()
	d.Terminate(t)
	// The process handles the signal asynchronously, so a request
	// racing it may still be answered 200; once 503, it must stay so
	// until the process exits.
	var early, notReady int
	for !d.Exited() && notReady < 5 && time.Since(sigterm) < cfg.ShutdownTimeout {
		status, _, err := d.Get("/readyz")
		switch {
		case err != nil: // exited, or closing its listener
		case status == http.StatusOK && notReady > 0:
			t.Fatalf("/readyz answered 200 again %s after SIGTERM, after 503", time.Since(sigterm))
		case status == http.StatusOK:
			early++
		case status == http.StatusServiceUnavailable:
			notReady++
		}
		time.Sleep(10 * time.Millisecond) // sampling, not synchronisation
	}
	if dev != nil {
		t.Logf("/readyz answered 200 %d times while the signal was in flight, then 503 %d times while the shutdown waited for the paused broker (%s)",
			early, notReady, time.Since(sigterm).Round(time.Millisecond))
		dev.Resume(t)
		if notReady == 0 {
			t.Error("/readyz never answered 503 while the shutdown waited for the paused broker")
		}
	}
	code := d.Wait(t, cfg.ShutdownTimeout+5*time.Second)
	t.Logf("exited with %d %s after SIGTERM", code, time.Since(sigterm).Round(time.Millisecond))
	if code != 0 {
		t.Errorf("exit code %d after SIGTERM, want 0", code)
	}
	d.WaitLog(t, `"oktadetect stopped"`, func(l e2e.LogLine) bool { return l.Msg() == "oktadetect stopped" })
	for p, n := range b.Lag(t, cfg.Group, in) {
		if n != 0 {
			t.Errorf("partition %d: %d processed records not committed at exit", p, n)
		}
	}
}
