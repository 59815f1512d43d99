package perf

import (
	"math"
	"slices"
)

// percentile returns the p-th percentile (0 < p <= 100) of sorted, an
// ascending slice, by the nearest-rank method: the smallest sample at or
// below which at least p percent of the samples lie. It never interpolates,
// so every figure reported is a latency that was actually observed. It
// returns NaN for no samples.
func percentile(sorted []float64, p float64) float64 {
	n := len(sorted)
	if n == 0 || !(p > 0 && p <= 100) {
		return math.NaN()
	}
	rank := int(math.Ceil(p / 100 * float64(n)))
	return sorted[min(max(rank, 1), n)-1]
}

// distribution summarises latency samples in milliseconds.
type distribution struct {
	Samples int     `json:"samples"`
	MinMs   float64 `json:"min_ms"`
	MeanMs  float64 `json:"mean_ms"`
	P50Ms   float64 `json:"p50_ms"`
	P90Ms   float64 `json:"p90_ms"`
	P99Ms   float64 `json:"p99_ms"`
	P999Ms  float64 `json:"p99_9_ms"`
	MaxMs   float64 `json:"max_ms"`
}

// summarize sorts ms in place and describes it. No samples give a zero
// distribution.
func summarize(ms []float64) distribution {
	if len(ms) == 0 {
		return distribution{}
	}
	slices.Sort(ms)
	sum := 0.0
	for _, v := range ms {
		sum += v
	}
	return distribution{
		Samples: len(ms),
		MinMs:   ms[0],
		MeanMs:  sum / float64(len(ms)),
		P50Ms:   percentile(ms, 50),
		P90Ms:   percentile(ms, 90),
		P99Ms:   percentile(ms, 99),
		P999Ms:  percentile(ms, 99.9),
		MaxMs:   ms[len(ms)-1],
	}
}
