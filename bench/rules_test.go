package bench

import (
	"testing"

	"github.com/oktadetect/oktadetect/detect"
	"github.com/oktadetect/oktadetect/detect/rules"
)

// BenchmarkRules compares the seed rule alone with all 28 of Elastic's
// Okta query rules on the same realistic stream (every shape, 0.1%
// matches, 1% redeliveries). The rules compile into one plan: one decode
// per event whatever the number of rules, and rules looked up by the
// values they require. seed/prefilter is the built-in configuration;
// seed/decode and all28/decode decode every event, so their ratio is the
// cost of 27 more rules on the same work.
func BenchmarkRules(b *testing.B) {
	all := elasticOktaRules(b)
	seed := rules.Builtin().Rules
	pool, size := mixPool(b, 4096)
	for _, c := range []struct {
		name      string
		rules     []*rules.Rule
		prefilter bool
	}{
		{"seed/prefilter", seed, true},
		{"seed/decode", seed, false},
		{"all28/auto", all, true},
		{"all28/decode", all, false},
	} {
		b.Run(c.name, func(b *testing.B) {
			e, err := detect.Compile(c.rules, detect.Prefilter(c.prefilter))
			if err != nil {
				b.Fatal(err)
			}
			m := e.NewMatcher()
			b.SetBytes(size)
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				m.Match(pool[i%len(pool)], "okta-system")
				i++
			}
			b.ReportMetric(float64(len(e.Rules())), "rules")
		})
	}
}
