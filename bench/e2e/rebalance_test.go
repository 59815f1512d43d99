package e2e_test

import (
	"slices"
	"testing"
	"time"

	"github.com/oktadetect/oktadetect/bench/e2e"
	"github.com/oktadetect/oktadetect/bench/eventgen"
)

// TestRealKafkaRebalance runs three detectors in one group while events
// stream in: two from the start, a third joining late, then one of the
// first two stopped with SIGTERM. Partitions move twice under load; no
// alert may be lost, and every alert read must be an expected one (an
// alert may be written twice when a partition moves between a batch's
// write and its commit, with the same id).
func TestRealKafkaRebalance(t *testing.T) {
	b := e2e.RequireBroker(t)
	for _, protocol := range []string{"classic", "consumer"} {
		t.Run(protocol, func(t *testing.T) {
			in := b.NewTopic(t, "in", 6)
			cfg := e2e.DetectorConfig{
				Topics:        []string{in},
				Group:         e2e.UniqueName(t, "group"),
				AlertsTopic:   e2e.UniqueName(t, "alerts"),
				GroupProtocol: protocol,
			}
			b.RemoveAtEnd(t, cfg.AlertsTopic)
			feed := b.StartFeed(t, in, e2e.FeedConfig{
				Events: eventgen.Config{Seed: 3, MatchRate: 0.01, DupRate: 0.01},
				Rate:   4000,
			})

			start := func(name string) *e2e.Detector {
				c := cfg
				c.Name = name
				return b.StartDetector(t, c)
			}
			working := func(d *e2e.Detector) {
				t.Helper()
				d.WaitMetric(t, "oktadetect_events_total", "> 0", func(v float64) bool { return v > 0 })
			}
			a, stopped := start("first"), start("second")
			working(a)
			working(stopped)

			late := start("late")
			working(late)
			stoppedEvents := stopped.Metrics(t).Sum("oktadetect_events_total")
			if code := stopped.Stop(t); code != 0 {
				t.Errorf("the stopped detector exited with %d, want 0", code)
			}
			// The survivors take over the stopped one's partitions
			// and keep working before the feed ends.
			e2e.Eventually(t, "the two remaining detectors to own all six partitions", func() bool {
				owned := append(a.Owned(in), late.Owned(in)...)
				slices.Sort(owned)
				return slices.Equal(slices.Compact(owned), []int32{0, 1, 2, 3, 4, 5})
			})
			before := late.Metrics(t).Sum("oktadetect_events_total")
			late.WaitMetric(t, "oktadetect_events_total", "to grow after the rebalance", func(v float64) bool { return v > before })

			w := feed.Stop(t)
			t.Logf("produced %v", w)
			b.WaitCaughtUp(t, cfg.Group, in, 3*time.Minute)
			got := b.ReadAlerts(t, cfg.AlertsTopic, e2e.ReadUncommitted)
			d := e2e.CheckAlerts(t, got, w.Expected, e2e.AllowRepeats)
			t.Logf("%d alerts read, %d repeats; events handled: first %v, second about %v (before SIGTERM), late %v", d.Read, d.RepeatCount(),
				a.Metrics(t).Sum("oktadetect_events_total"), stoppedEvents, late.Metrics(t).Sum("oktadetect_events_total"))
		})
	}
}
