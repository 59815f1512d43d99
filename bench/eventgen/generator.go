package eventgen

import (
	"bytes"
	"math"
	"math/rand/v2"
	"time"
)

// Event is one generated record.
type Event struct {
	// Value is the record. It belongs to the caller: the generator keeps
	// no reference to it, and a redelivery is a new copy.
	Value []byte
	UUID  string // the LogEvent's uuid; a redelivery repeats it
	Type  string // the LogEvent's eventType
	Shape Shape  // the record's layout
	Match bool   // Type is one of the configured match types
	Dup   bool   // the record is a redelivery of an earlier one
}

// Generator produces a reproducible stream of Okta events. Create one
// with New. A Generator is not safe for concurrent use; generate in
// parallel with one Generator per goroutine and distinct seeds.
type Generator struct {
	cfg Config
	r   *rand.Rand
	w   *world
	b   builder
	ev  logEvent

	now       time.Time // published time of the latest fresh event
	fresh     int       // fresh events generated so far
	shapes    []Shape
	shapePick picker
	catalogue []spec
	catPick   picker
	matches   []spec
	matchStrs [][]byte

	templates    map[templateKey]*templateRing
	longestMatch int      // length of the longest match type
	newUniques   []string // scratch for repeat

	raw []byte // scratch: the raw LogEvent
	out []byte // scratch: the envelope
	// ratio estimates record size over raw size, per shape and ECS
	// options (optOriginal, optFlattened); each is refined as events are
	// rendered.
	ratio [5 * 4]float64

	sent     []Event // the last DupWindow fresh events, with private copies of Value
	sentNext int
}

// Attempts at generating a non-matching event that does not contain a
// match type's string before settling for one that does (only possible
// with match types that are common words rather than event types).
const maxCleanAttempts = 8

// New returns a Generator for cfg. It never fails: see Config for how
// unusable values are replaced. Building the organisation the events
// happen in takes a few milliseconds.
func New(cfg Config) *Generator {
	cfg = cfg.normalize()
	// Two PCG streams from the seed: one builds the organisation, one
	// drives the events, so that changing how events are drawn does not
	// reshuffle who works there.
	seed := uint64(cfg.Seed)
	g := &Generator{
		cfg: cfg,
		r:   rand.New(rand.NewPCG(seed, 0x9e3779b97f4a7c15)),
		w:   newWorld(rand.New(rand.NewPCG(seed, 0x6a09e667f3bcc909))),
		now: cfg.Start,
	}
	g.b = builder{r: g.r, w: g.w, ev: &g.ev}

	var weights []float64
	for _, s := range AllShapes() {
		if w := cfg.Shapes[s]; w > 0 && !math.IsInf(w, 0) {
			g.shapes = append(g.shapes, s)
			weights = append(weights, w)
		}
	}
	if len(g.shapes) == 0 {
		g.shapes = AllShapes()
		weights = []float64{1, 1, 1, 1, 1}
	}
	g.shapePick = newPicker(weights)

	g.catalogue = catalogueFor(cfg.MatchTypes)
	weights = make([]float64, len(g.catalogue))
	for i, s := range g.catalogue {
		weights[i] = s.weight
	}
	g.catPick = newPicker(weights)
	for _, t := range cfg.MatchTypes {
		g.matches = append(g.matches, specFor(t))
		g.matchStrs = append(g.matchStrs, []byte(t))
		g.longestMatch = max(g.longestMatch, len(t))
	}
	g.templates = make(map[templateKey]*templateRing)

	for i, s := range AllShapes() {
		for o := range 4 {
			g.ratio[4*i+o] = initialRatio(s, o&optOriginal != 0, o&optFlattened != 0)
		}
	}
	g.sent = make([]Event, 0, min(cfg.DupWindow, 1<<16))
	return g
}

// Catalogue returns the event types non-matching events are drawn from,
// with the probability of each, in a fixed order. It excludes every type
// that contains a configured match type.
func (g *Generator) Catalogue() []TypeWeight {
	total := 0.0
	for _, s := range g.catalogue {
		total += s.weight
	}
	out := make([]TypeWeight, len(g.catalogue))
	for i, s := range g.catalogue {
		out[i] = TypeWeight{Type: s.typ, Weight: s.weight / total}
	}
	return out
}

// Next returns the next event of the stream.
func (g *Generator) Next() Event {
	if g.fresh > 0 && g.cfg.DupRate > 0 && g.r.Float64() < g.cfg.DupRate {
		return g.redeliver()
	}
	e := g.next()
	g.remember(e)
	return e
}

// redeliver returns a copy of one of the last DupWindow fresh events.
func (g *Generator) redeliver() Event {
	e := g.sent[g.r.IntN(len(g.sent))]
	e.Value = bytes.Clone(e.Value)
	e.Dup = true
	return e
}

// remember keeps a private copy of e for redeliveries, reusing the
// buffer of the event it evicts.
func (g *Generator) remember(e Event) {
	if g.cfg.DupRate == 0 {
		return
	}
	if len(g.sent) < g.cfg.DupWindow {
		e.Value = bytes.Clone(e.Value)
		g.sent = append(g.sent, e)
		return
	}
	slot := &g.sent[g.sentNext]
	e.Value = append(slot.Value[:0], e.Value...)
	*slot = e
	g.sentNext = (g.sentNext + 1) % len(g.sent)
}

// next generates a fresh event: its type, shape and match class are
// drawn as configured, then it either repeats a recent rendering of the
// same kind or is rendered anew.
func (g *Generator) next() Event {
	r := g.r
	if g.fresh > 0 {
		// Poisson arrivals. The clock keeps full precision so that the
		// mean rate is exact; published shows it at Okta's millisecond
		// resolution.
		g.now = g.now.Add(time.Duration(r.ExpFloat64() / g.cfg.Rate * float64(time.Second)))
	}
	g.fresh++
	match := g.cfg.MatchRate > 0 && r.Float64() < g.cfg.MatchRate
	shape := g.shapes[g.shapePick.pick(r)]
	var s *spec
	key := templateKey{match: match, shape: shape}
	if match {
		key.spec = r.IntN(len(g.matches))
		s = &g.matches[key.spec]
	} else {
		key.spec = g.catPick.pick(r)
		s = &g.catalogue[key.spec]
	}
	ring := g.templates[key]
	if s.repeats() && ring != nil && r.Float64() < repeatRate {
		var check func([]byte) bool
		if !match {
			check = g.clean
		}
		// A repeat only fails the check for match "types" that are
		// fragments of random ids or timestamps.
		if e, ok := g.repeat(&ring.items[r.IntN(len(ring.items))], check); ok {
			e.Match = match
			return e
		}
	}
	var t template
	for attempt := 1; ; attempt++ {
		t = g.render(s, shape)
		if match || attempt == maxCleanAttempts || g.clean(t.value) {
			break
		}
		if attempt >= 2 {
			// The type itself may write the string (in debug data, say):
			// draw another.
			key.spec = g.catPick.pick(r)
			s = &g.catalogue[key.spec]
			ring = g.templates[key]
		}
	}
	e := Event{Value: t.value, UUID: t.uuid, Type: t.typ, Shape: t.shape, Match: match}
	if s.repeats() {
		if ring == nil {
			ring = &templateRing{}
			g.templates[key] = ring
		}
		t.value = bytes.Clone(t.value)
		t.uniques = append([]uniqueString(nil), t.uniques...)
		t.index()
		ring.add(t)
	}
	return e
}

// clean reports whether v contains no match type's string.
func (g *Generator) clean(v []byte) bool {
	return !g.mentionsMatch(v)
}

// mentionsMatch reports whether v contains any match type's string.
func (g *Generator) mentionsMatch(v []byte) bool {
	for _, m := range g.matchStrs {
		if bytes.Contains(v, m) {
			return true
		}
	}
	return false
}
