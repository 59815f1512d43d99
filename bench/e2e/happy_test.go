package e2e_test

import (
	"testing"
	"time"

	"github.com/oktadetect/oktadetect/bench/e2e"
	"github.com/oktadetect/oktadetect/bench/eventgen"
)

// TestRealKafkaHappyPath runs one detector over 100,000 events on six
// partitions, every input shape, about 0.1% matching and 1% redelivered
// (identical bytes, usually on another partition than the original), once
// in each delivery mode over the same input. With one process, one dedupe
// cache sees every partition, so each matching event alerts exactly once
// and every redelivery of a matching event is counted as a duplicate.
// It also measures each mode's throughput through the real broker.
func TestRealKafkaHappyPath(t *testing.T) {
	b := e2e.RequireBroker(t)
	in := b.NewTopic(t, "in", 6)
	w := b.StartFeed(t, in, e2e.FeedConfig{
		// Seed 7 gives three redeliveries of matching events among
		// ~100 matches; most seeds give none or one.
		Events: eventgen.Config{Seed: 7, MatchRate: 0.001, DupRate: 0.01},
		Count:  100_000,
	}).Wait(t)
	t.Logf("produced %v", w)
	if len(w.Expected) < 50 || w.Dups < 500 || w.CrossPartition == 0 {
		t.Fatalf("the workload is not what this test is about: %v", w)
	}
	for _, shape := range eventgen.AllShapes() {
		if w.MatchShapes[shape] == 0 {
			t.Fatalf("no matching event of shape %s: %v", shape, w.MatchShapes)
		}
	}

	for _, mode := range e2e.Modes {
		t.Run(mode.Name, func(t *testing.T) {
			cfg := e2e.DetectorConfigFor(t, mode, in)
			b.RemoveAtEnd(t, cfg.AlertsTopic)
			d := b.StartDetector(t, cfg)
			rate := d.MeasureThroughput(t, w.Events)
			t.Logf("throughput (%s): %v", mode.Name, rate)
			b.WaitCaughtUp(t, cfg.Group, in, 3*time.Minute)

			got := b.ReadAlerts(t, cfg.AlertsTopic, mode.Read)
			e2e.CheckAlerts(t, got, w.Expected, e2e.NoRepeats)

			if n := d.Metrics(t).Sum("oktadetect_duplicates_total"); int(n) != w.MatchingRedeliveries() {
				t.Errorf("oktadetect_duplicates_total = %v, want %d: %v", n, w.MatchingRedeliveries(), w)
			}
		})
	}
}
