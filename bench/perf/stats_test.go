package perf

import (
	"math"
	"testing"
)

func TestPercentile(t *testing.T) {
	ten := []float64{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}
	hundred := make([]float64, 100)
	for i := range hundred {
		hundred[i] = float64(i + 1)
	}
	tests := []struct {
		name   string
		sorted []float64
		p      float64
		want   float64
	}{
		{"median of ten is the 5th", ten, 50, 5},
		{"p99 of ten is the largest", ten, 99, 10},
		{"p100 is the largest", ten, 100, 10},
		{"p10 of ten is the smallest", ten, 10, 1},
		{"tiny p is the smallest", ten, 0.001, 1},
		{"p50 of 100", hundred, 50, 50},
		{"p99 of 100", hundred, 99, 99},
		{"p99.9 of 100", hundred, 99.9, 100},
		{"single sample", []float64{42}, 99, 42},
	}
	for _, tt := range tests {
		if got := percentile(tt.sorted, tt.p); got != tt.want {
			t.Errorf("%s: percentile(p=%v) = %v, want %v", tt.name, tt.p, got, tt.want)
		}
	}
	for _, bad := range []struct {
		sorted []float64
		p      float64
	}{{nil, 50}, {ten, 0}, {ten, -1}, {ten, 101}, {ten, math.NaN()}} {
		if got := percentile(bad.sorted, bad.p); !math.IsNaN(got) {
			t.Errorf("percentile(%v, %v) = %v, want NaN", bad.sorted, bad.p, got)
		}
	}
}

func TestSummarize(t *testing.T) {
	if got := summarize(nil); got != (distribution{}) {
		t.Errorf("summarize(nil) = %+v, want the zero distribution", got)
	}
	ms := []float64{9, 1, 5, 3, 7} // unsorted on purpose
	got := summarize(ms)
	want := distribution{Samples: 5, MinMs: 1, MeanMs: 5, P50Ms: 5, P90Ms: 9, P99Ms: 9, P999Ms: 9, MaxMs: 9}
	if got != want {
		t.Errorf("summarize = %+v, want %+v", got, want)
	}
	if !(got.P50Ms <= got.P99Ms && got.P99Ms <= got.MaxMs) {
		t.Errorf("percentiles out of order: %+v", got)
	}
}
