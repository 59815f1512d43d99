package eventgen_test

import (
	"bytes"
	"math"
	"slices"
	"testing"
	"time"

	"github.com/oktadetect/oktadetect/bench/eventgen"
)

func TestSameSeedSameStream(t *testing.T) {
	cfg := eventgen.Config{Seed: 42, MatchRate: 0.05, DupRate: 0.05}
	a := generate(t, cfg, 5000)
	b := generate(t, cfg, 5000)
	for i := range a {
		if !bytes.Equal(a[i].Value, b[i].Value) || a[i].UUID != b[i].UUID || a[i].Type != b[i].Type ||
			a[i].Shape != b[i].Shape || a[i].Match != b[i].Match || a[i].Dup != b[i].Dup {
			t.Fatalf("event %d differs between two generators with the same config:\n%s\n%s", i, a[i].Value, b[i].Value)
		}
	}
	c := generate(t, eventgen.Config{Seed: 43, MatchRate: 0.05, DupRate: 0.05}, 100)
	same := 0
	for i := range c {
		if bytes.Equal(a[i].Value, c[i].Value) {
			same++
		}
	}
	if same > 0 {
		t.Errorf("%d of 100 events identical across seeds 42 and 43; the seed must select the stream", same)
	}
}

func TestZeroConfig(t *testing.T) {
	g := eventgen.New(eventgen.Config{})
	if len(g.Catalogue()) == 0 {
		t.Fatal("empty catalogue")
	}
	shapes := map[eventgen.Shape]int{}
	for range 2000 {
		ev := g.Next()
		decodeObject(t, ev.Value)
		if ev.Match || ev.Dup {
			t.Fatalf("zero config produced Match=%v Dup=%v; want neither", ev.Match, ev.Dup)
		}
		if ev.Type == eventgen.DefaultMatchType {
			t.Fatalf("zero config produced the default match type")
		}
		shapes[ev.Shape]++
	}
	for _, s := range eventgen.AllShapes() {
		if shapes[s] < 300 {
			t.Errorf("shape %s: %d of 2000 events, want about 400 (equal weights)", s, shapes[s])
		}
	}
}

// Config values New cannot use must fall back to defaults, never panic.
func TestConfigNormalisation(t *testing.T) {
	tests := []struct {
		name   string
		cfg    eventgen.Config
		shapes []eventgen.Shape // shapes allowed in the output, all of which must appear
	}{
		{"nan and negative rates", eventgen.Config{Rate: math.NaN(), MatchRate: math.NaN(), DupRate: -1, DupWindow: -5}, eventgen.AllShapes()},
		{"infinite rates", eventgen.Config{Rate: math.Inf(1), MatchRate: 7, DupRate: math.Inf(-1)}, eventgen.AllShapes()},
		{"unknown and bad shape weights", eventgen.Config{Shapes: map[eventgen.Shape]float64{"xml": 1, eventgen.ShapeECS: -1, eventgen.ShapeOkta: math.NaN()}},
			eventgen.AllShapes()},
		{"one shape", eventgen.Config{Shapes: map[eventgen.Shape]float64{eventgen.ShapeEnvelope: 3}}, []eventgen.Shape{eventgen.ShapeEnvelope}},
		{"inverted sizes", eventgen.Config{SizeMin: 2500, SizeMax: 100}, eventgen.AllShapes()},
		{"empty match types", eventgen.Config{MatchRate: 0.5, MatchTypes: []string{"", ""}}, eventgen.AllShapes()},
		{"tiny sizes", eventgen.Config{SizeMin: 1, SizeMax: 2}, eventgen.AllShapes()},
		{"huge sizes", eventgen.Config{SizeMin: 50_000, SizeMax: 60_000}, eventgen.AllShapes()},
		{"huge shape weights", eventgen.Config{Shapes: map[eventgen.Shape]float64{eventgen.ShapeOkta: math.MaxFloat64, eventgen.ShapeEnvelope: math.MaxFloat64}},
			[]eventgen.Shape{eventgen.ShapeOkta, eventgen.ShapeEnvelope}},
		{"end of time", eventgen.Config{Start: time.Date(9999, 12, 31, 23, 59, 59, 0, time.UTC), Rate: 50, DupRate: 0.1}, eventgen.AllShapes()},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g := eventgen.New(tt.cfg)
			seen := map[eventgen.Shape]bool{}
			for range 300 {
				ev := g.Next()
				decodeObject(t, ev.Value)
				if !slices.Contains(tt.shapes, ev.Shape) {
					t.Fatalf("shape %q, want one of %v", ev.Shape, tt.shapes)
				}
				seen[ev.Shape] = true
				if ev.Match && ev.Type != eventgen.DefaultMatchType {
					t.Fatalf("match of type %q, want %q", ev.Type, eventgen.DefaultMatchType)
				}
			}
			if len(seen) != len(tt.shapes) {
				t.Errorf("shapes seen %v, want all of %v", seen, tt.shapes)
			}
		})
	}
}

// The observed rates are proportions over 100,000 events with fixed
// seeds; the bounds allow about five standard deviations (repeats and
// redeliveries cluster events, which widens the spread) while still
// catching a rate that is off by a fifth.
func TestMatchAndDupRates(t *testing.T) {
	tests := []struct {
		seed               int64
		matchRate, dupRate float64
		matchTypes         []string
	}{
		{1, 0.001, 0.01, nil},
		{2, 0.05, 0.1, nil},
		{3, 0.2, 0, []string{"user.account.lock", "zone.update"}},
		{4, 0, 0.3, nil},
	}
	const n = 100_000
	for _, tt := range tests {
		cfg := eventgen.Config{Seed: tt.seed, MatchRate: tt.matchRate, DupRate: tt.dupRate, MatchTypes: tt.matchTypes}
		want := tt.matchTypes
		if want == nil {
			want = []string{eventgen.DefaultMatchType}
		}
		var fresh, matches, dups int
		g := eventgen.New(cfg)
		for range n {
			ev := g.Next()
			if ev.Match != slices.Contains(want, ev.Type) {
				t.Fatalf("seed %d: Match=%v for type %q (match types %v)", tt.seed, ev.Match, ev.Type, want)
			}
			if ev.Dup {
				dups++
				continue
			}
			fresh++
			if ev.Match {
				matches++
			}
		}
		checkRate(t, "match rate of fresh events", matches, fresh, tt.matchRate)
		checkRate(t, "dup rate", dups, n, tt.dupRate)
	}
}

// checkRate fails unless k/n is within max(5σ, 10% of p) of p, with σ
// tripled for clustering.
func checkRate(t *testing.T, what string, k, n int, p float64) {
	t.Helper()
	got := float64(k) / float64(n)
	sigma := 3 * math.Sqrt(p*(1-p)/float64(n))
	tol := max(5*sigma, 0.1*p)
	if p == 0 {
		tol = 0
	}
	if math.Abs(got-p) > tol {
		t.Errorf("%s = %.5f (%d/%d), want %.5f ± %.5f", what, got, k, n, p, tol)
	}
}

func TestRedeliveries(t *testing.T) {
	const window = 200
	cfg := eventgen.Config{Seed: 9, DupRate: 0.2, DupWindow: window, MatchRate: 0.01}
	events := generate(t, cfg, 30_000)
	var fresh []eventgen.Event
	seen := map[string]int{} // uuid → index in fresh
	for i, ev := range events {
		if !ev.Dup {
			if j, ok := seen[ev.UUID]; ok {
				t.Fatalf("event %d: fresh event reuses the uuid of fresh event %d", i, j)
			}
			seen[ev.UUID] = len(fresh)
			fresh = append(fresh, ev)
			continue
		}
		j, ok := seen[ev.UUID]
		if !ok {
			t.Fatalf("event %d: redelivery of uuid %s that was never delivered", i, ev.UUID)
		}
		orig := fresh[j]
		if !bytes.Equal(orig.Value, ev.Value) {
			t.Fatalf("event %d: redelivery differs from the original:\n%s\n%s", i, orig.Value, ev.Value)
		}
		if orig.Type != ev.Type || orig.Shape != ev.Shape || orig.Match != ev.Match {
			t.Fatalf("event %d: redelivery metadata %+v differs from the original's %+v", i, ev, orig)
		}
		if age := len(fresh) - j; age > window {
			t.Fatalf("event %d: redelivers an event %d fresh events old, beyond DupWindow %d", i, age, window)
		}
	}
	// The generator keeps no reference to returned values.
	g := eventgen.New(eventgen.Config{Seed: 9, DupRate: 1})
	first := g.Next()
	want := bytes.Clone(first.Value)
	clear(first.Value)
	for range 20 {
		ev := g.Next()
		if !ev.Dup || ev.UUID != first.UUID {
			t.Fatalf("at DupRate 1 every event after the first must redeliver it; got %+v", ev)
		}
		if !bytes.Equal(ev.Value, want) {
			t.Fatal("modifying a returned Value changed a later redelivery")
		}
	}
}

// Non-matching records must not contain any match type's string, in any
// shape, so that a detector cannot match them even by a substring.
func TestNoMatchStringsOutsideMatches(t *testing.T) {
	tests := []struct {
		name  string
		types []string
	}{
		{"default", nil},
		{"rule types", []string{"user.session.start", "policy.lifecycle.update", "user.mfa.factor.reset_all"}},
		{"prefix", []string{"user.authentication"}},
		{"unknown type", []string{"custom.audit.event"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			want := tt.types
			if want == nil {
				want = []string{eventgen.DefaultMatchType}
			}
			g := eventgen.New(eventgen.Config{Seed: 5, MatchRate: 0.02, DupRate: 0.02, MatchTypes: tt.types})
			for _, tw := range g.Catalogue() {
				for _, m := range want {
					if bytes.Contains([]byte(tw.Type), []byte(m)) {
						t.Fatalf("catalogue type %q contains match type %q", tw.Type, m)
					}
				}
			}
			matches := 0
			for range 30_000 {
				ev := g.Next()
				if ev.Match {
					matches++
					continue
				}
				for _, m := range want {
					if bytes.Contains(ev.Value, []byte(m)) {
						t.Fatalf("non-matching %s event (%s) contains match string %q:\n%s", ev.Shape, ev.Type, m, ev.Value)
					}
				}
			}
			if matches == 0 {
				t.Fatal("no matching events at MatchRate 0.02")
			}
		})
	}
}

func TestSizesWithinBounds(t *testing.T) {
	tests := []struct {
		name     string
		min, max int
		shapes   map[eventgen.Shape]float64
	}{
		{"defaults", 0, 0, nil},
		// The bounds below suit what each layout can hold: a raw event's
		// realistic content spans roughly 1.5–4 KB, an ECS document's
		// 2–8 KB with event.original.
		{"ecs, large", 3000, 7000, map[eventgen.Shape]float64{eventgen.ShapeECS: 1, eventgen.ShapeECSMixed: 1, eventgen.ShapeECSDotted: 1}},
		{"raw, narrow", 1500, 2500, map[eventgen.Shape]float64{eventgen.ShapeOkta: 1}},
		{"envelope, wide", 2500, 4500, map[eventgen.Shape]float64{eventgen.ShapeEnvelope: 1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			lo, hi := tt.min, tt.max
			if lo == 0 {
				lo, hi = eventgen.DefaultSizeMin, eventgen.DefaultSizeMax
			}
			const n = 20_000
			events := generate(t, eventgen.Config{Seed: 11, SizeMin: tt.min, SizeMax: tt.max, Shapes: tt.shapes}, n)
			in := 0
			sizes := map[int]bool{}
			for _, ev := range events {
				if l := len(ev.Value); l >= lo && l <= hi {
					in++
				}
				sizes[len(ev.Value)/100] = true
			}
			if frac := float64(in) / n; frac < 0.95 {
				t.Errorf("%.1f%% of records within [%d, %d] bytes, want at least 95%%", 100*frac, lo, hi)
			}
			// Sizes must vary, not sit at one value.
			if len(sizes) < (hi-lo)/100/3 {
				t.Errorf("record sizes span only %d distinct 100-byte buckets in [%d, %d]", len(sizes), lo, hi)
			}
		})
	}
}

func TestPublishedTimes(t *testing.T) {
	start := time.Date(2025, 11, 3, 14, 0, 0, 0, time.UTC)
	const rate, n = 250.0, 20_000
	g := eventgen.New(eventgen.Config{Seed: 3, Start: start, Rate: rate, Shapes: map[eventgen.Shape]float64{eventgen.ShapeOkta: 1}})
	var prev, first time.Time
	for i := range n {
		ev := g.Next()
		v, _ := decodeObject(t, ev.Value)["published"].(string)
		p, err := time.Parse(time.RFC3339Nano, v)
		if err != nil {
			t.Fatalf("published %q: %v", v, err)
		}
		if i == 0 {
			first = p
			if !p.Equal(start) {
				t.Fatalf("first published %v, want Start %v", p, start)
			}
		} else if p.Before(prev) {
			t.Fatalf("event %d published %v before its predecessor %v", i, p, prev)
		}
		prev = p
	}
	gotRate := float64(n-1) / prev.Sub(first).Seconds()
	if math.Abs(gotRate-rate)/rate > 0.05 {
		t.Errorf("mean rate %.1f events/s, want %.1f ± 5%%", gotRate, rate)
	}
}
