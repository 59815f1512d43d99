package perf_test

import (
	"context"
	"log"
	"os"

	"github.com/oktadetect/oktadetect/bench/perf"
)

// Measure an installed oktadetect against a broker and keep the report,
// the chart and the profiles in one directory.
func ExampleRun() {
	r, err := perf.Run(context.Background(), perf.Config{
		Binary:      "/usr/local/bin/oktadetect",
		Brokers:     []string{"127.0.0.1:9092"},
		Events:      1_000_000,
		MatchRate:   0.001,
		DupRate:     0.01,
		ExactlyOnce: true,
		ProfileDir:  "bench-report",
		Progress:    os.Stderr,
	})
	if err != nil {
		log.Fatal(err)
	}
	if err := r.WriteFiles("bench-report"); err != nil {
		log.Fatal(err)
	}
	log.Printf("%.0f events/s, %.0f%% of the consume-only ceiling; p99 alert latency %.1f ms",
		r.DetectorEventsPerSec, 100*r.DetectorShareOfCeiling, r.LatencyP99Ms)
}
