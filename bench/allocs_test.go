package bench

import (
	"testing"

	"github.com/oktadetect/oktadetect/bench/eventgen"
	"github.com/oktadetect/oktadetect/detect"
)

// TestMissPathAllocatesNothing asserts what BenchmarkHotPath reports for
// every */miss and */decode case: zero allocations per event.
// testing.AllocsPerRun is deterministic, so this is a test, not a timing.
func TestMissPathAllocatesNothing(t *testing.T) {
	for _, shape := range eventgen.AllShapes() {
		for _, prefilter := range []bool{true, false} {
			pool, _ := eventPool(t, shape, false)
			h := newHotPath(t, detect.Prefilter(prefilter))
			for _, rec := range pool { // warm the reusable buffers
				h.event(rec)
			}
			i := 0
			allocs := testing.AllocsPerRun(len(pool), func() {
				h.event(pool[i%len(pool)])
				i++
			})
			if allocs != 0 {
				t.Errorf("%s (prefilter %v): %v allocations per missed event, want 0", shape, prefilter, allocs)
			}
		}
	}
}

// TestRulesMixAllocatesNothing checks the full Okta rule set on the
// realistic stream: only matching events may allocate.
func TestRulesMixAllocatesNothing(t *testing.T) {
	e, err := detect.Compile(elasticOktaRules(t))
	if err != nil {
		t.Fatal(err)
	}
	m := e.NewMatcher()
	pool, _ := mixPool(t, 2048)
	var misses [][]byte
	for _, rec := range pool {
		if res, err := m.Match(rec, "t"); err == nil && len(res.Rules) == 0 {
			misses = append(misses, rec)
		}
	}
	i := 0
	allocs := testing.AllocsPerRun(len(misses), func() {
		m.Match(misses[i%len(misses)], "t")
		i++
	})
	if allocs != 0 {
		t.Fatalf("%v allocations per missed event with all Okta rules, want 0", allocs)
	}
}
