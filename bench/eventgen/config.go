package eventgen

import (
	"math"
	"time"
)

// Defaults applied by New to zero (or invalid) Config fields.
const (
	DefaultRate      = 100.0 // events per second of event time
	DefaultDupWindow = 1000  // fresh events a redelivery may reach back over
	DefaultSizeMin   = 1000  // bytes
	DefaultSizeMax   = 3000  // bytes
)

// DefaultMatchType is the event type matching events have when
// Config.MatchTypes is empty: the one Elastic's "Unauthorized Access to an
// Okta Application" rule looks for.
const DefaultMatchType = "app.generic.unauth_app_access_attempt"

// DefaultStart is the published time of the first event when Config.Start
// is zero. It is fixed, not time.Now, so that a zero Config is
// reproducible.
var DefaultStart = time.Date(2026, time.March, 2, 8, 0, 0, 0, time.UTC)

// Config describes a stream. The zero Config is valid: a reproducible
// stream (seed 0) of all shapes in equal parts, no matches, no
// redeliveries, records of 1000–3000 bytes. New never fails; it replaces
// values it cannot use with the documented defaults.
type Config struct {
	// Seed selects the stream: the same Config gives byte-identical
	// events, in the same order, on every run and machine.
	Seed int64

	// Start is the published time of the first event. Zero means
	// DefaultStart.
	Start time.Time

	// Rate is the mean number of events per second of event time: the
	// gaps between published times are exponentially distributed (a
	// Poisson process) with mean 1/Rate; published shows them at Okta's
	// millisecond resolution. Zero, negative, infinite or NaN means
	// DefaultRate; rates below 0.001 are raised to 0.001. It does not
	// limit how fast Next returns.
	Rate float64

	// Shapes weights the record layouts. Nil, empty, or without a positive
	// weight for a known shape means all shapes equally; unknown shapes
	// and non-positive weights are ignored.
	Shapes map[Shape]float64

	// MatchRate is the fraction of fresh (not redelivered) events whose
	// eventType is one of MatchTypes. It is clamped to [0, 1]. Matching
	// events appear only through MatchRate: the catalogue never draws a
	// match type (see Generator.Catalogue).
	MatchRate float64

	// MatchTypes are the event types of matching events, chosen uniformly.
	// Empty strings and repeats are ignored; empty means
	// []string{DefaultMatchType}. Types the generator has no template for
	// get a generic one (a person acting on a user).
	MatchTypes []string

	// DupRate is the fraction of emitted events that are redeliveries of
	// an earlier event: the same bytes, hence the same uuid. It is
	// clamped to [0, 1]; the first event is always fresh.
	DupRate float64

	// DupWindow bounds how far back a redelivery reaches: it repeats one
	// of the last DupWindow fresh events, chosen uniformly, as a consumer
	// restarting from its last committed offset would. Zero or negative
	// means DefaultDupWindow.
	DupWindow int

	// SizeMin and SizeMax bound the target size of records in bytes
	// (defaults DefaultSizeMin and DefaultSizeMax). Each event draws a
	// target in between and reaches it with realistic content — debug
	// data, extra targets, proxy hops in the ip chain, device context,
	// long URLs — never with filler. Layouts have natural floors and
	// ceilings: a raw event holds about 1.5–4 KB of realistic content, a
	// dotted ECS document of the smallest events is about 2.5 KB, and
	// event.original (which doubles an ECS document) needs bounds of
	// about 4000–8000 to appear on a quarter of ECS records. Events whose
	// layout cannot reach the bounds fall outside them; with the defaults
	// that is about 2% of them. A SizeMax below SizeMin is raised to
	// SizeMin.
	SizeMin, SizeMax int
}

// normalize returns c with defaults applied and values clamped.
func (c Config) normalize() Config {
	if c.Start.IsZero() {
		c.Start = DefaultStart
	}
	if !(c.Rate > 0) || math.IsInf(c.Rate, 0) {
		c.Rate = DefaultRate
	}
	c.Rate = max(c.Rate, 0.001) // keeps every gap a representable Duration
	c.MatchRate = clamp01(c.MatchRate)
	c.DupRate = clamp01(c.DupRate)
	if c.DupWindow <= 0 {
		c.DupWindow = DefaultDupWindow
	}
	var types []string
	seen := map[string]bool{}
	for _, t := range c.MatchTypes {
		if t != "" && !seen[t] {
			seen[t] = true
			types = append(types, t)
		}
	}
	if len(types) == 0 {
		types = []string{DefaultMatchType}
	}
	c.MatchTypes = types
	if c.SizeMin <= 0 {
		c.SizeMin = DefaultSizeMin
	}
	if c.SizeMax <= 0 {
		c.SizeMax = max(DefaultSizeMax, c.SizeMin)
	}
	if c.SizeMax < c.SizeMin {
		c.SizeMax = c.SizeMin
	}
	return c
}

// clamp01 clamps f to [0, 1], mapping NaN to 0.
func clamp01(f float64) float64 {
	switch {
	case f > 1:
		return 1
	case f > 0:
		return f
	}
	return 0
}
