package e2e_test

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/oktadetect/oktadetect/bench/e2e"
	"github.com/oktadetect/oktadetect/bench/eventgen"
)

// TestRealKafkaCrash SIGKILLs the detector at random moments while events
// stream in, five times, restarting it each time, and checks that no
// expected alert is missing. At-least-once may write an alert again after
// a crash (the records after the last commit are handled again), but
// always with the same id; exactly-once must not: a read_committed reader
// sees each alert once, because a killed instance's open transaction is
// aborted when its successor, with the same transactional id, starts.
//
// The group uses the KIP-848 protocol with a 3s session: a killed member
// keeps its partitions until its session expires, and the classic
// protocol's session timeout (franz-go's 45s default) is not an option
// of oktadetect, so five crashes would cost minutes of waiting there.
//
// In exactly-once mode, a kill between a transaction's offset commit and
// its end leaves the transaction open; the next incarnation fences it
// when it starts (stream initialises its transactional producer first),
// so it does not wait for the transaction timeout. The per-incarnation
// start-up times it logs show how long each restart took.
func TestRealKafkaCrash(t *testing.T) {
	b := e2e.RequireBroker(t)
	for _, mode := range e2e.Modes {
		t.Run(mode.Name, func(t *testing.T) {
			in := b.NewTopic(t, "in", 6)
			// One transactional id for every restart, as a StatefulSet
			// gives.
			cfg := e2e.DetectorConfigFor(t, mode, in)
			cfg.GroupProtocol = "consumer"
			b.RemoveAtEnd(t, cfg.AlertsTopic)
			b.SetConsumerGroupSession(t, cfg.Group, 3*time.Second, time.Second)

			seed := rand.Uint64()
			t.Logf("kill moments drawn with seed %d", seed)
			rng := rand.New(rand.NewPCG(seed, 0))
			// 1% matching, so that alerts are in flight at every kill.
			feed := b.StartFeed(t, in, e2e.FeedConfig{
				Events: eventgen.Config{Seed: 2, MatchRate: 0.01, DupRate: 0.01},
				Rate:   4000,
			})
			const crashes = 5
			for i := range crashes {
				c := cfg
				c.Name = fmt.Sprintf("detector-%d", i)
				t0 := time.Now()
				d := b.StartDetector(t, c)
				// Kill only once this incarnation is working, then
				// at a random point of its work: mid-batch,
				// mid-transaction, between commits.
				d.WaitMetric(t, "oktadetect_events_total", "> 0", func(v float64) bool { return v > 0 })
				t.Logf("%s handled its first records %s after it started", c.Name, time.Since(t0).Round(time.Millisecond))
				time.Sleep(time.Duration(rng.Int64N(int64(1500 * time.Millisecond))))
				d.Kill(t)
			}
			cfg.Name = "detector-final"
			final := b.StartDetector(t, cfg)
			final.WaitMetric(t, "oktadetect_events_total", "> 0", func(v float64) bool { return v > 0 })
			w := feed.Stop(t)
			t.Logf("produced %v", w)
			b.WaitCaughtUp(t, cfg.Group, in, 3*time.Minute)

			got := b.ReadAlerts(t, cfg.AlertsTopic, mode.Read)
			d := e2e.CheckAlerts(t, got, w.Expected, mode.Repeats)
			t.Logf("%d alerts read (%s), %d distinct, %d repeats", d.Read, mode.Read, len(w.Expected)-len(d.Missing), d.RepeatCount())
			if mode.ExactlyOnce {
				// What the crashes left behind in aborted
				// transactions, which read_committed readers skip.
				all := b.ReadAlerts(t, cfg.AlertsTopic, e2e.ReadUncommitted)
				t.Logf("%d alert records in aborted transactions", len(all)-len(got))
			}

			if code := final.Stop(t); code != 0 {
				t.Errorf("the last detector exited with %d after SIGTERM, want 0", code)
			}
		})
	}
}
