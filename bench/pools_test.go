package bench

import (
	"testing"

	"github.com/oktadetect/oktadetect/internal/sharedtest"

	"github.com/oktadetect/oktadetect/bench/eventgen"
	"github.com/oktadetect/oktadetect/detect"
	"github.com/oktadetect/oktadetect/detect/rules"
)

// poolSize is how many distinct events a benchmark cycles through: enough
// to defeat the branch predictor learning one record, few enough to stay
// in cache like a fetched batch does.
const poolSize = 512

// eventPool returns poolSize events of one shape, all matching or all not.
func eventPool(tb testing.TB, shape eventgen.Shape, match bool) ([][]byte, int64) {
	tb.Helper()
	rate := 0.0
	if match {
		rate = 1
	}
	g := eventgen.New(eventgen.Config{Seed: 42, Shapes: map[eventgen.Shape]float64{shape: 1}, MatchRate: rate})
	var out [][]byte
	var bytes int64
	for len(out) < poolSize {
		ev := g.Next()
		if ev.Match != match || ev.Shape != shape {
			continue
		}
		out = append(out, ev.Value)
		bytes += int64(len(ev.Value))
	}
	return out, bytes / int64(len(out))
}

// mixPool returns a realistic stream: every shape, one match in a
// thousand, one redelivery in a hundred.
func mixPool(tb testing.TB, n int) ([][]byte, int64) {
	tb.Helper()
	g := eventgen.New(eventgen.Config{Seed: 7, MatchRate: 0.001, DupRate: 0.01})
	var out [][]byte
	var bytes int64
	for range n {
		ev := g.Next()
		out = append(out, ev.Value)
		bytes += int64(len(ev.Value))
	}
	return out, bytes / int64(n)
}

func builtinEngine(tb testing.TB, opts ...detect.Option) *detect.Engine {
	tb.Helper()
	e, err := detect.Compile(rules.Builtin().Rules, opts...)
	if err != nil {
		tb.Fatal(err)
	}
	return e
}

// elasticOktaRules loads Elastic's 28 Okta query rules from the shared
// test data next to the repository, or skips.
func elasticOktaRules(tb testing.TB) []*rules.Rule {
	tb.Helper()
	set, err := rules.Load(sharedtest.Path(tb, "elastic-rules/okta"))
	if err != nil {
		tb.Fatal(err)
	}
	return set.Rules
}
