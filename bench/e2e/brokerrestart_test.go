package e2e_test

import (
	"testing"
	"time"

	"github.com/oktadetect/oktadetect/bench/e2e"
	"github.com/oktadetect/oktadetect/bench/eventgen"
)

// TestRealKafkaBrokerRestart restarts the broker (deploy/dev/kafka
// restart: a controlled shutdown and a start on the same ports and data)
// in the middle of a stream of events, in both delivery modes. The
// detector is not restarted: its clients reconnect, it resumes from where
// it was, and no alert is lost; in exactly-once mode a transaction the
// restart interrupts is aborted and redone, so read_committed readers
// still see each alert once. It needs the dev script's broker and skips
// otherwise.
func TestRealKafkaBrokerRestart(t *testing.T) {
	b := e2e.RequireBroker(t)
	dev := b.DevBroker(t)
	for _, mode := range e2e.Modes {
		t.Run(mode.Name, func(t *testing.T) {
			in := b.NewTopic(t, "in", 6)
			cfg := e2e.DetectorConfigFor(t, mode, in)
			b.RemoveAtEnd(t, cfg.AlertsTopic)
			d := b.StartDetector(t, cfg)
			feed := b.StartFeed(t, in, e2e.FeedConfig{
				Events: eventgen.Config{Seed: 4, MatchRate: 0.01, DupRate: 0.01},
				Rate:   3000,
			})
			d.WaitMetric(t, "oktadetect_events_total", ">= 3000", func(v float64) bool { return v >= 3000 })

			took := dev.Restart(t)
			before := feed.Produced()
			t.Logf("broker restarted in %s; %d events produced until then", took.Round(time.Millisecond), before)
			// As much again after the restart, all of it handled by
			// the same process.
			e2e.Eventually(t, "the feed to produce as much again after the restart", func() bool {
				return feed.Produced() >= 2*before
			})
			d.WaitMetric(t, "oktadetect_events_total", "to cover what was produced after the restart", func(v float64) bool {
				return v >= float64(2*before)
			})

			w := feed.Stop(t)
			t.Logf("produced %v", w)
			b.WaitCaughtUp(t, cfg.Group, in, 3*time.Minute)
			got := b.ReadAlerts(t, cfg.AlertsTopic, mode.Read)
			diff := e2e.CheckAlerts(t, got, w.Expected, mode.Repeats)
			t.Logf("%d alerts read (%s), %d repeats", diff.Read, mode.Read, diff.RepeatCount())

			if d.Exited() {
				t.Fatal("the detector exited during the broker restart")
			}
			if code := d.Stop(t); code != 0 {
				t.Errorf("the detector exited with %d after SIGTERM, want 0", code)
			}
		})
	}
}
