package eventgen_test

import (
	"testing"

	"github.com/oktadetect/oktadetect/bench/eventgen"
)

// BenchmarkNext measures generation throughput per shape and for the
// default mix, in events and megabytes per second of wall time.
func BenchmarkNext(b *testing.B) {
	cases := []struct {
		name   string
		shapes map[eventgen.Shape]float64
	}{{"mix", nil}}
	for _, s := range eventgen.AllShapes() {
		cases = append(cases, struct {
			name   string
			shapes map[eventgen.Shape]float64
		}{string(s), map[eventgen.Shape]float64{s: 1}})
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			g := eventgen.New(eventgen.Config{Seed: 1, MatchRate: 0.001, DupRate: 0.01, Shapes: c.shapes})
			b.ReportAllocs()
			total := 0
			for b.Loop() {
				total += len(g.Next().Value)
			}
			sec := b.Elapsed().Seconds()
			b.ReportMetric(float64(b.N)/sec, "events/s")
			b.ReportMetric(float64(total)/sec/1e6, "MB/s")
		})
	}
}

// BenchmarkNew measures building a generator (its organisation).
func BenchmarkNew(b *testing.B) {
	for b.Loop() {
		eventgen.New(eventgen.Config{Seed: 1})
	}
}
