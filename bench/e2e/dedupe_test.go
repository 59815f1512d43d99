package e2e_test

import (
	"slices"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/oktadetect/oktadetect/bench/e2e"
	"github.com/oktadetect/oktadetect/bench/eventgen"
)

// TestRealKafkaDedupeRestart checks that the dedupe memory outlives a
// process and spans processes, through the alerts topic: a detector reads
// the alerts topic's recent tail into its cache when it starts, and keeps
// following it while it runs.
func TestRealKafkaDedupeRestart(t *testing.T) {
	b := e2e.RequireBroker(t)
	// One matching event, produced twice.
	ev := eventgen.New(eventgen.Config{Seed: 7, MatchRate: 1}).Next()
	var w e2e.Workload
	w.Add(ev, -1)

	newConfig := func(t *testing.T) (string, e2e.DetectorConfig) {
		in := b.NewTopic(t, "in", 6)
		cfg := e2e.DetectorConfig{
			Topics:      []string{in},
			Group:       e2e.UniqueName(t, "group"),
			AlertsTopic: e2e.UniqueName(t, "alerts"),
		}
		b.RemoveAtEnd(t, cfg.AlertsTopic)
		return in, cfg
	}
	produceTo := func(t *testing.T, topic string, partition int32) {
		t.Helper()
		cl := b.Client(t, kgo.DefaultProduceTopic(topic), kgo.RecordPartitioner(kgo.ManualPartitioner()))
		e2e.Produce(t, cl, &kgo.Record{Partition: partition, Value: ev.Value})
	}
	oneAlert := func(alerts []e2e.Alert) bool { return len(alerts) > 0 }

	// The event alerts; the detector stops; a new one starts, warms its
	// cache from the alerts topic, and drops the event when it comes
	// again.
	t.Run("restart", func(t *testing.T) {
		in, cfg := newConfig(t)
		cfg.Name = "before-restart"
		first := b.StartDetector(t, cfg)
		produceTo(t, in, 0)
		b.WaitAlerts(t, cfg.AlertsTopic, e2e.ReadUncommitted, "the first alert", oneAlert)
		if code := first.Stop(t); code != 0 {
			t.Fatalf("the first detector exited with %d after SIGTERM, want 0", code)
		}

		cfg.Name = "after-restart"
		second := b.StartDetector(t, cfg)
		second.WaitReady(t) // ready only once warmed up
		warm := second.WaitLog(t, "the warm-up line", func(l e2e.LogLine) bool { return l.Msg() == "alerts follower warmed up" })
		if records, _ := warm.Fields["records"].(float64); records < 1 {
			t.Errorf("the warm-up read %v records from the alerts topic, want the first alert: %s", records, warm.Raw)
		}
		produceTo(t, in, 3)
		b.WaitCaughtUp(t, cfg.Group, in, time.Minute)

		e2e.CheckAlerts(t, b.ReadAlerts(t, cfg.AlertsTopic, e2e.ReadUncommitted), w.Expected, e2e.NoRepeats)
		if n := second.Metrics(t).Sum("oktadetect_duplicates_total"); n != 1 {
			t.Errorf("the restarted detector counted %v duplicates, want 1", n)
		}
	})

	// Two detectors in one group; the event arrives on a partition of
	// each. The second copy is produced only once the first alert is
	// visible and the other detector's follower has read it: before
	// that, the other detector has no way to know, and would write the
	// alert again (with the same id; at-least-once allows it). That
	// window is the time a follower takes to read a new alert, normally
	// one fetch round trip; redeliveries usually come far later.
	t.Run("two-processes", func(t *testing.T) {
		in, cfg := newConfig(t)
		cfg.Name = "a"
		a := b.StartDetector(t, cfg)
		a.WaitReady(t)
		cfg.Name = "b"
		bb := b.StartDetector(t, cfg)
		var ownedA, ownedB []int32
		e2e.Eventually(t, "the two detectors to share the six partitions", func() bool {
			ownedA, ownedB = a.Owned(in), bb.Owned(in)
			all := slices.Sorted(slices.Values(append(slices.Clone(ownedA), ownedB...)))
			return len(ownedA) > 0 && len(ownedB) > 0 && slices.Equal(all, []int32{0, 1, 2, 3, 4, 5})
		})
		t.Logf("a owns %v, b owns %v", ownedA, ownedB)

		produceTo(t, in, ownedA[0])
		b.WaitAlerts(t, cfg.AlertsTopic, e2e.ReadUncommitted, "the first alert", oneAlert)
		bb.WaitMetric(t, "oktadetect_follow_records_total", ">= 1 (b's follower read a's alert)", func(v float64) bool { return v >= 1 })
		produceTo(t, in, ownedB[0])
		b.WaitCaughtUp(t, cfg.Group, in, time.Minute)

		e2e.CheckAlerts(t, b.ReadAlerts(t, cfg.AlertsTopic, e2e.ReadUncommitted), w.Expected, e2e.NoRepeats)
		if n := bb.Metrics(t).Sum("oktadetect_duplicates_total"); n != 1 {
			t.Errorf("detector b counted %v duplicates, want 1", n)
		}
		if n := a.Metrics(t).Sum("oktadetect_alerts_total"); n != 1 {
			t.Errorf("detector a wrote %v alerts, want 1", n)
		}
	})
}
