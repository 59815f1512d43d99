package detect

import (
	"math"
	"sort"
)

// The prefilter lets most records skip decoding altogether. For every rule
// the compiler derives literals of which at least one must appear in the
// record's bytes for the rule to match (the value of an exact term, the
// longest fixed part of a wildcard, the key of an exists check). A record
// containing none of them cannot match any rule and is a miss after one
// fast scan.
//
// The scan sees raw bytes, while rules see decoded values. The two differ
// only where JSON escapes are involved, so a record in which an escape could
// hide a literal (\u0061 for 'a', \/ for '/') always goes to the decoder.
// Values that the engine derives rather than reads (the dataset of a raw
// Okta event, event.outcome mapped from outcome.result, event.category from
// the event type) cannot be found in the bytes; rules that depend on them
// alone get no literals, and then the prefilter is off.

// fieldFacts tells the literal derivation how a field's values relate to
// the record's bytes.
type fieldFacts struct {
	// verbatim: every value of the field appears in the record as is
	// (modulo JSON escapes), in every input shape.
	verbatim bool
	// keys: the last JSON key of every route to the field; one of them is
	// in the record whenever the field has a value. Nil when the field can
	// have values without a key in the record (constants, defaults).
	keys []string
}

// commonValues are values so frequent in Okta records that a prefilter
// on them would pass nearly everything.
var commonValues = map[string]bool{
	"true": true, "false": true, "null": true, "SUCCESS": true, "FAILURE": true,
	"success": true, "failure": true, "User": true, "INFO": true, "WARN": true,
}

// requiredLiterals returns strings of which at least one must occur in a
// record's bytes for o to match, or nil when no such set is known.
func requiredLiterals(o *op, facts func(fieldID) fieldFacts) []string {
	switch o.kind {
	case opTerm:
		// Both the value and the field's key must be in the record; use
		// whichever is rarer.
		f := facts(o.field)
		var value []string
		if f.verbatim && !o.isNum && len(o.text) >= 2 && safeLiteral(o.text) {
			value = []string{o.text}
		}
		keys := keyLiterals(f)
		switch {
		case value == nil:
			return keys
		case keys == nil || literalScore(value) <= literalScore(keys):
			return value
		}
		return keys
	case opWildcard:
		f := facts(o.field)
		if !f.verbatim {
			return nil
		}
		longest := ""
		for _, p := range o.parts {
			if len(p) > len(longest) {
				longest = p
			}
		}
		if len(longest) < 3 || !safeLiteral(longest) {
			return nil
		}
		return []string{longest}
	case opExists:
		return keyLiterals(facts(o.field))
	case opNested:
		return requiredLiterals(o.kids[0], facts)
	case opOr:
		var out []string
		for _, k := range o.kids {
			l := requiredLiterals(k, facts)
			if l == nil {
				return nil
			}
			out = append(out, l...)
		}
		return dedupeStrings(out)
	case opAnd:
		var best []string
		bestScore := math.MaxInt
		for _, k := range o.kids {
			l := requiredLiterals(k, facts)
			if l == nil {
				continue
			}
			if s := literalScore(l); s < bestScore {
				best, bestScore = l, s
			}
		}
		return best
	}
	return nil
}

// keyLiterals returns the keys one of which a record holds whenever the
// field has a value, or nil when there is no such set.
func keyLiterals(f fieldFacts) []string {
	if len(f.keys) == 0 {
		return nil
	}
	for _, k := range f.keys {
		if len(k) < 3 || !safeLiteral(k) {
			return nil
		}
	}
	return f.keys
}

// literalScore estimates how many records a literal set lets through:
// lower is better. Short and common literals match nearly everything.
func literalScore(lits []string) int {
	score := 0
	for _, l := range lits {
		switch {
		case commonValues[l]:
			score += 10000
		case len(l) < 6:
			score += 1000
		default:
			score += 100 - min(len(l), 60)
		}
	}
	return score
}

// safeLiteral rejects literals the byte scan cannot find faithfully: the
// empty string, and text that JSON always escapes (quotes, backslashes,
// control characters).
func safeLiteral(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; c == '"' || c == '\\' || c < 0x20 {
			return false
		}
	}
	return true
}

func dedupeStrings(in []string) []string {
	sort.Strings(in)
	out := in[:0]
	for i, s := range in {
		if i == 0 || s != in[i-1] {
			out = append(out, s)
		}
	}
	return out
}

// prefilter scans a record for any of a set of literals.
//
// Each literal is anchored on its rarest pair of adjacent bytes, and the
// vectorised pair search (indexPairs) looks for up to four pairs per pass
// over the record; only where a pair occurs are literals compared. The
// escape pairs \u and \/ are searched in the same passes.
type prefilter struct {
	passes   []prefilterPass
	litByte  [256]bool // bytes that occur in some literal
	nonASCII bool      // some literal has a byte >= 0x80
	literals []string
}

type prefilterPass struct {
	set    pairSet
	groups []pairGroup
}

// pairGroup is one searched pair and what a hit on it means.
type pairGroup struct {
	a, b   byte
	escape bool // \u or \/: an escape that may hide a literal byte
	lits   []anchoredLiteral
}

type anchoredLiteral struct {
	s   string
	off int // offset of the anchor pair within s
}

// maxPrefilterPasses bounds the prefilter's cost: each pass reads the
// record once (about 0.1 ns a byte). Past two passes, decoding every
// record costs less than scanning it.
const maxPrefilterPasses = 2

// newPrefilter builds a prefilter for lits, or returns nil when it would
// cost more than it saves.
func newPrefilter(lits []string) *prefilter {
	if len(lits) == 0 {
		return nil
	}
	lits = dedupeStrings(append([]string(nil), lits...))
	p := &prefilter{literals: lits}
	slash := false
	byPair := map[[2]byte]*pairGroup{}
	var order [][2]byte
	group := func(a, b byte) *pairGroup {
		k := [2]byte{a, b}
		g := byPair[k]
		if g == nil {
			g = &pairGroup{a: a, b: b}
			byPair[k] = g
			order = append(order, k)
		}
		return g
	}
	group('\\', 'u').escape = true
	for _, l := range lits {
		if len(l) < 2 {
			return nil
		}
		off := rarestPair(l)
		g := group(l[off], l[off+1])
		g.lits = append(g.lits, anchoredLiteral{s: l, off: off})
		for i := 0; i < len(l); i++ {
			p.litByte[l[i]] = true
			if l[i] >= 0x80 {
				p.nonASCII = true
			}
			if l[i] == '/' {
				slash = true
			}
		}
	}
	if slash {
		group('\\', '/').escape = true
	}
	if (len(order)+3)/4 > maxPrefilterPasses {
		return nil
	}
	for len(order) > 0 {
		n := min(4, len(order))
		var pairs [][2]byte
		pass := prefilterPass{}
		for _, k := range order[:n] {
			pairs = append(pairs, k)
			pass.groups = append(pass.groups, *byPair[k])
		}
		pass.set = newPairSet(pairs)
		p.passes = append(p.passes, pass)
		order = order[n:]
	}
	return p
}

// mayMatch reports whether rec might contain one of the literals. False
// means it certainly does not.
func (p *prefilter) mayMatch(rec []byte) bool {
	for pi := range p.passes {
		pass := &p.passes[pi]
		for i := 0; i+1 < len(rec); {
			j := indexPairs(rec[i:], &pass.set)
			if j < 0 {
				break
			}
			pos := i + j
			c, d := rec[pos], rec[pos+1]
			for gi := range pass.groups {
				g := &pass.groups[gi]
				if g.a != c || g.b != d {
					continue
				}
				if g.escape && p.escapeMayHide(rec, pos) {
					return true
				}
				for _, l := range g.lits {
					start := pos - l.off
					if start >= 0 && start+len(l.s) <= len(rec) && string(rec[start:start+len(l.s)]) == l.s {
						return true
					}
				}
			}
			i = pos + 1
		}
	}
	return false
}

// escapeMayHide reports whether the escape at rec[pos] (a backslash
// followed by u or /) could stand for a byte of some literal. A run of
// backslashes before the u (an envelope escapes the inner event's escapes
// once more) counts the same.
func (p *prefilter) escapeMayHide(rec []byte, pos int) bool {
	if rec[pos+1] == '/' {
		return true
	}
	if pos+6 > len(rec) {
		return false
	}
	r, ok := hex4(rec[pos+2 : pos+6])
	if !ok {
		return false
	}
	if r >= 0x80 {
		return p.nonASCII
	}
	return p.litByte[r]
}

func hex4(b []byte) (rune, bool) {
	var r rune
	for _, c := range b {
		switch {
		case c >= '0' && c <= '9':
			r = r<<4 | rune(c-'0')
		case c >= 'a' && c <= 'f':
			r = r<<4 | rune(c-'a'+10)
		case c >= 'A' && c <= 'F':
			r = r<<4 | rune(c-'A'+10)
		default:
			return 0, false
		}
	}
	return r, true
}

// rarestPair picks the offset of the pair of adjacent bytes of s least
// likely to occur in Okta JSON, so that the pair search stops as rarely as
// possible.
func rarestPair(s string) int {
	best, bestCost := 0, -1
	for i := 0; i+1 < len(s); i++ {
		if c := pairCost(s[i], s[i+1]); bestCost < 0 || c < bestCost {
			best, bestCost = i, c
		}
	}
	return best
}

// pairCost estimates how often a pair occurs from the frequencies of its
// bytes.
func pairCost(a, b byte) int {
	return (int(byteFreq[a]) + 1) * (int(byteFreq[b]) + 1)
}

// byteFreq is how many times each byte occurs per 10,000 bytes of Okta
// System Log JSON, measured over 20,000 events of every input shape from
// bench/eventgen (raw events, ECS nested, dotted and mixed, Agent
// envelopes).
var byteFreq = [256]uint16{
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	125, 0, 1174, 0, 0, 1, 1, 1, 10, 10, 0, 1, 286, 68, 266, 54,
	182, 138, 100, 110, 55, 67, 83, 57, 64, 56, 368, 10, 0, 2, 0, 4,
	8, 68, 16, 47, 21, 40, 16, 19, 20, 34, 12, 23, 24, 35, 29, 37,
	43, 14, 23, 47, 47, 29, 21, 30, 14, 13, 17, 17, 184, 17, 0, 112,
	0, 511, 74, 214, 232, 676, 76, 110, 80, 367, 16, 92, 277, 115, 377, 373,
	163, 28, 294, 318, 548, 236, 72, 39, 56, 108, 24, 75, 0, 75, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 1, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0,
	0, 0, 0, 0, 0, 0, 1, 0, 1, 0, 0, 0, 1, 0, 0, 0,
	0, 0, 0, 2, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
}
