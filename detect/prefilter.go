package detect

import (
	"bytes"
	"math"
	"sort"
	"strings"
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
		f := facts(o.field)
		if !f.verbatim || o.isNum || !safeLiteral(o.text) {
			return nil
		}
		return []string{o.text}
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
		f := facts(o.field)
		if len(f.keys) == 0 {
			return nil
		}
		for _, k := range f.keys {
			if len(k) < 3 || !safeLiteral(k) {
				return nil
			}
		}
		return f.keys
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
type prefilter struct {
	groups   []anchorGroup
	litByte  [256]bool // bytes that occur in some literal
	slash    bool      // some literal contains '/', which JSON may escape as \/
	literals []string
}

// anchorGroup collects the literals anchored on one byte: the scan looks
// for that byte with bytes.IndexByte (vectorised) and compares the
// literals around each hit.
type anchorGroup struct {
	b    byte
	lits []anchoredLiteral
}

type anchoredLiteral struct {
	s   string
	off int // offset of the anchor byte within s
}

// maxAnchorGroups bounds the prefilter's cost: each group is one pass over
// the record. Past this, decoding every record is cheaper than scanning.
const maxAnchorGroups = 4

// newPrefilter builds a prefilter for lits, or returns nil when it would
// cost more than it saves.
func newPrefilter(lits []string) *prefilter {
	if len(lits) == 0 {
		return nil
	}
	lits = dedupeStrings(append([]string(nil), lits...))
	p := &prefilter{literals: lits}
	byAnchor := map[byte][]anchoredLiteral{}
	for _, l := range lits {
		off := rarestByte(l)
		byAnchor[l[off]] = append(byAnchor[l[off]], anchoredLiteral{s: l, off: off})
		for i := 0; i < len(l); i++ {
			p.litByte[l[i]] = true
			if l[i] == '/' {
				p.slash = true
			}
		}
	}
	if len(byAnchor) > maxAnchorGroups {
		return nil
	}
	for b, ls := range byAnchor {
		p.groups = append(p.groups, anchorGroup{b: b, lits: ls})
	}
	sort.Slice(p.groups, func(i, j int) bool { return byteFreq(p.groups[i].b) < byteFreq(p.groups[j].b) })
	return p
}

// mayMatch reports whether rec might contain one of the literals. False
// means it certainly does not.
func (p *prefilter) mayMatch(rec []byte) bool {
	if p.escapeMayHide(rec) {
		return true
	}
	for gi := range p.groups {
		g := &p.groups[gi]
		for i := 0; i < len(rec); {
			j := bytes.IndexByte(rec[i:], g.b)
			if j < 0 {
				break
			}
			pos := i + j
			for _, l := range g.lits {
				start := pos - l.off
				if start >= 0 && start+len(l.s) <= len(rec) && string(rec[start:start+len(l.s)]) == l.s {
					return true
				}
			}
			i = pos + 1
		}
	}
	return false
}

// escapeMayHide reports whether a JSON escape in rec could stand for a
// byte of some literal. A \u escape is decoded and checked; a run of
// backslashes before the u (an envelope escapes the inner event's escapes
// once more) counts the same.
func (p *prefilter) escapeMayHide(rec []byte) bool {
	for i := 0; ; {
		j := bytes.Index(rec[i:], escU)
		if j < 0 {
			break
		}
		pos := i + j + 2
		if pos+4 <= len(rec) {
			if r, ok := hex4(rec[pos : pos+4]); ok && (r >= 0x80 || p.litByte[r]) {
				return true
			}
		}
		i = pos
	}
	return p.slash && bytes.Contains(rec, escSlash)
}

var (
	escU     = []byte(`\u`)
	escSlash = []byte(`\/`)
)

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

// rarestByte picks the byte of s least likely to occur in Okta JSON, so
// that the anchor scan stops as rarely as possible.
func rarestByte(s string) int {
	best := 0
	for i := 1; i < len(s); i++ {
		if byteFreq(s[i]) < byteFreq(s[best]) {
			best = i
		}
	}
	return best
}

// byteFreq ranks bytes by how common they are in Okta System Log JSON
// (keys, camelCase names, URLs, ids): a rough, static estimate, higher is
// more common.
func byteFreq(c byte) int {
	switch {
	case c == '"' || c == ':' || c == ',':
		return 1000
	case c == 'e' || c == 't' || c == 'a' || c == 'i' || c == 'n' || c == 'o' || c == 's' || c == 'r':
		return 800 - strings.IndexByte("etaionsr", c)
	case c == 'l' || c == 'c' || c == 'u' || c == 'd' || c == 'p' || c == 'm':
		return 600 - strings.IndexByte("lcudpm", c)
	case c >= '0' && c <= '9':
		return 500
	case c == '_' || c == '.' || c == '{' || c == '}' || c == '/' || c == ' ':
		return 450
	case c == 'h' || c == 'g' || c == 'y' || c == 'f' || c == 'b' || c == 'v' || c == 'w':
		return 400 - strings.IndexByte("hgyfbvw", c)
	case c >= 'A' && c <= 'Z':
		return 300
	case c == 'k' || c == 'x' || c == 'j' || c == 'q' || c == 'z':
		return 200 - strings.IndexByte("kxjqz", c)*10
	case c >= 0x80:
		return 50
	}
	return 250
}
