package bench

import (
	"testing"

	"github.com/oktadetect/oktadetect/bench/eventgen"
	"github.com/oktadetect/oktadetect/dedupe"
	"github.com/oktadetect/oktadetect/detect"
)

// hotPath is the per-event work of the detector up to the alert: match
// (prefilter, extraction, rule evaluation) and, for matches, the dedupe
// check. It mirrors cmd/oktadetect's detector.process without the alert
// document, which BenchmarkAlert measures.
type hotPath struct {
	m     *detect.Matcher
	cache *dedupe.Cache
}

func (h *hotPath) event(rec []byte) (alerts int) {
	res, err := h.m.Match(rec, "okta-system")
	if err != nil {
		return 0
	}
	for _, r := range res.Rules {
		if !h.cache.Seen(dedupe.KeyOf(r.ID, res.EventID)) {
			alerts++
		}
	}
	return alerts
}

func newHotPath(tb testing.TB, opts ...detect.Option) *hotPath {
	tb.Helper()
	c, err := dedupe.New(dedupe.DefaultSize)
	if err != nil {
		tb.Fatal(err)
	}
	return &hotPath{m: builtinEngine(tb, opts...).NewMatcher(), cache: c}
}

// BenchmarkHotPath runs the built-in rule on each input shape. miss is
// the path nearly every event takes (the prefilter rejects it); decode is
// a miss that is fully extracted and evaluated (prefilter off), the cost
// when a record's bytes happen to contain what a rule looks for; hit is a
// matching event, dedupe included (after the first pass over the pool
// every hit is a recognised redelivery, which is what the cache costs per
// repeat).
func BenchmarkHotPath(b *testing.B) {
	for _, shape := range eventgen.AllShapes() {
		for _, c := range []struct {
			name      string
			match     bool
			prefilter bool
		}{{"miss", false, true}, {"decode", false, false}, {"hit", true, true}} {
			b.Run(string(shape)+"/"+c.name, func(b *testing.B) {
				pool, size := eventPool(b, shape, c.match)
				h := newHotPath(b, detect.Prefilter(c.prefilter))
				b.SetBytes(size)
				b.ReportAllocs()
				i := 0
				for b.Loop() {
					h.event(pool[i%len(pool)])
					i++
				}
			})
		}
	}
}

// BenchmarkAlert is what a new alert costs on top of the hot path: the
// ECS document (raw events are mapped), and the alert document.
func BenchmarkAlert(b *testing.B) {
	for _, shape := range []eventgen.Shape{eventgen.ShapeOkta, eventgen.ShapeECS} {
		b.Run(string(shape), func(b *testing.B) {
			pool, size := eventPool(b, shape, true)
			e := builtinEngine(b)
			m := e.NewMatcher()
			b.SetBytes(size)
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				rec := pool[i%len(pool)]
				i++
				res, err := m.Match(rec, "okta-system")
				if err != nil || len(res.Rules) == 0 {
					b.Fatal("pool event did not match")
				}
				doc, err := detect.Document(rec, res)
				if err != nil {
					b.Fatal(err)
				}
				if _, err := detect.BuildAlert(res.Rules[0], doc, res.EventID, detect.Origin{Topic: "okta-system"}, res.Time, nil); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
