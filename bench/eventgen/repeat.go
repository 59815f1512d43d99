package eventgen

import (
	"bytes"
	"strings"
	"time"
)

// Repeats.
//
// Okta traffic is repetitive: service clients fetch tokens every few
// minutes, people open the same applications from the same laptop and
// network all day, each sign-in walks through the same policy and factor
// steps as the last. The generator models this directly. The type, shape
// and match class of every fresh event are drawn first, exactly as
// configured; the event is then either rendered from scratch or, with
// probability repeatRate, repeats a recent rendering of the same type,
// shape and class — same actor, client, targets and session — with
// everything that identifies one occurrence replaced: uuid, request and
// transaction ids, token ids, nonces, the session ids of session starts
// and ends, and the timestamps (published, @timestamp, event.ingested,
// the agent's collection time, token expiry), shifted to the new time.
//
// Besides realism this is what makes the ECS shapes cheap enough for
// benchmarks that preload hundreds of thousands of events: rendering an
// ECS record goes through oktaecs.ToECS and generic maps (tens of
// microseconds), a repeat is a copy and a few in-place writes at offsets
// found when the template was stored.

// repeatRate is the probability that a fresh event repeats a recent
// rendering rather than being rendered from scratch, for types that
// repeat (see spec.once) when there is a rendering to repeat.
const repeatRate = 0.9

// templateWindow is how many recent renderings of one type, shape and
// match class a repeat chooses from.
const templateWindow = 8

// uniqueString is a per-event random string: a repeat replaces all but
// its first keep bytes with new characters from alphabet ("" means a new
// request id).
type uniqueString struct {
	value, alphabet string
	keep            int
}

// template is a rendering a repeat can be made from. Its value is a
// private copy that repeats never change.
type template struct {
	value     []byte
	uuid, typ string
	shape     Shape
	// The event's timestamps as written; zero expires means none.
	published, collected, ingested, expires time.Time
	uniques                                 []uniqueString
	// sites are where the fields a repeat replaces occur in value;
	// timestamps lists the timestamp fields among them.
	sites      []site
	timestamps uint8 // bit per field index < fieldUniques
}

// site is one occurrence of a replaced field: at is its offset in the
// template's value, n the old value's length, field indexes the values a
// repeat computes (see repeat).
type site struct {
	at, n, field int
}

// Field indexes before the uniques.
const (
	fieldUUID = iota
	fieldPublished
	fieldCollected
	fieldIngested
	fieldExpires
	fieldUniques // uniques[i] is field fieldUniques+i
)

// index finds the sites of t's fields in its value. Old values are
// random ids and fixed-width timestamps, so every occurrence is one of
// the field's.
func (t *template) index() {
	t.timestamps = 1<<fieldPublished | 1<<fieldCollected | 1<<fieldIngested | 1<<fieldExpires
	old := t.fieldValues(t.published, t.uuid, nil)
	t.sites, t.timestamps = t.sites[:0], 0
	for f, v := range old {
		if v == "" {
			continue
		}
		for at := 0; ; {
			i := strings.Index(bytesString(t.value[at:]), v)
			if i < 0 {
				break
			}
			t.sites = append(t.sites, site{at: at + i, n: len(v), field: f})
			if f < fieldUniques {
				t.timestamps |= 1 << f
			}
			at += i + len(v)
		}
	}
}

// fieldValues returns t's field values for an occurrence published at p
// with the given uuid; uniques, if non-nil, replace t's. The result is
// indexed by field; timestamps that do not occur in t are left empty.
func (t *template) fieldValues(p time.Time, uuid string, uniques []string) []string {
	shift := p.Sub(t.published)
	vals := make([]string, fieldUniques+len(t.uniques))
	vals[fieldUUID] = uuid
	stamp := func(f int, at time.Time, layout string) {
		if t.timestamps&(1<<f) != 0 && !at.IsZero() {
			vals[f] = at.Add(shift).UTC().Format(layout)
		}
	}
	stamp(fieldPublished, t.published, timeMillis)
	stamp(fieldCollected, t.collected, timeMillis)
	stamp(fieldIngested, t.ingested, timeSeconds)
	stamp(fieldExpires, t.expires, timeMillis)
	for i, u := range t.uniques {
		if uniques != nil {
			vals[fieldUniques+i] = uniques[i]
		} else {
			vals[fieldUniques+i] = u.value
		}
	}
	return vals
}

// templateRing holds the recent renderings of one type, shape and match
// class.
type templateRing struct {
	items []template
	next  int
}

func (t *templateRing) add(tp template) {
	if len(t.items) < templateWindow {
		t.items = append(t.items, tp)
		return
	}
	t.items[t.next] = tp
	t.next = (t.next + 1) % templateWindow
}

// templateKey identifies a ring: match class, shape and the spec's index
// (in the catalogue, or among the match types).
type templateKey struct {
	match bool
	shape Shape
	spec  int
}

// repeat returns a new occurrence of t published at g.now. check, when
// non-nil, is run on the bytes around every replaced value; repeat
// reports false if it fails (the caller then renders afresh).
func (g *Generator) repeat(t *template, check func([]byte) bool) (Event, bool) {
	r := g.r
	uuid := newUUID(r)
	g.newUniques = g.newUniques[:0]
	for _, u := range t.uniques {
		var v string
		if u.alphabet == "" {
			v = requestID(r)
		} else {
			v = u.value[:u.keep] + randString(r, u.alphabet, len(u.value)-u.keep)
		}
		g.newUniques = append(g.newUniques, v)
	}
	vals := t.fieldValues(g.now, uuid, g.newUniques)
	for _, s := range t.sites {
		if len(vals[s.field]) != s.n {
			// Only a timestamp past year 9999 changes width; render
			// such events from scratch.
			return Event{}, false
		}
	}
	v := bytes.Clone(t.value)
	for _, s := range t.sites {
		copy(v[s.at:], vals[s.field]) // same width as the old value
	}
	if check != nil {
		for _, s := range t.sites {
			lo, hi := max(0, s.at-g.longestMatch), min(len(v), s.at+len(vals[s.field])+g.longestMatch)
			if !check(v[lo:hi]) {
				return Event{}, false
			}
		}
	}
	return Event{Value: v, UUID: uuid, Type: t.typ, Shape: t.shape}, true
}
