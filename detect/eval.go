package detect

import (
	"strconv"
	"strings"
	"time"
)

// opKind is the kind of a compiled query node.
type opKind uint8

const (
	opAll      opKind = iota // matches every document (the empty query)
	opAnd                    // all kids
	opOr                     // any kid
	opNot                    // not kids[0]
	opTerm                   // a value of field equals text
	opWildcard               // a value of field matches parts
	opExists                 // field has a value
	opRange                  // a value of field is in range
	opNested                 // kids[0] holds within one element of a nested root
)

// op is a compiled query node. Evaluation walks this tree directly: no
// closures, no interfaces, no allocation.
type op struct {
	kind  opKind
	field fieldID
	kids  []*op

	text  string   // opTerm
	num   float64  // opTerm: text as a number, when numeric
	isNum bool     // opTerm
	parts []string // opWildcard: text between '*'s
	rng   rangeOp  // opRange
	group int32    // opNested: the group id of the nested root
}

// rangeOp is a compiled range comparison.
type rangeOp struct {
	cmp     cmpKind
	text    string
	num     float64
	isNum   bool
	date    time.Time
	isDate  bool
	dateMth string // date math relative to now ("now-1d/d"), evaluated per event
}

type cmpKind uint8

const (
	cmpLT cmpKind = iota
	cmpLTE
	cmpGT
	cmpGTE
)

// event is the read view of an extracted record.
type event struct {
	x     *extractor
	mask  uint8
	clock func() time.Time
	now   time.Time // read from clock on first use: only date math needs it
}

// anyGroup is the group filter outside nested queries.
const anyGroup int32 = -1

// eval reports whether o matches the event. Inside a nested query only
// values of one element (group) of the nested root count.
func (e *event) eval(o *op, group int32) bool {
	switch o.kind {
	case opAll:
		return true
	case opAnd:
		for _, k := range o.kids {
			if !e.eval(k, group) {
				return false
			}
		}
		return true
	case opOr:
		for _, k := range o.kids {
			if e.eval(k, group) {
				return true
			}
		}
		return false
	case opNot:
		return !e.eval(o.kids[0], group)
	case opNested:
		return e.evalNested(o)
	}
	x := e.x
	for s := valueSet(0); s < numSets; s++ {
		if e.mask&(1<<s) == 0 {
			continue
		}
		for i := x.heads[s][o.field]; i >= 0; i = x.vals[i].next {
			v := &x.vals[i]
			if group != anyGroup && v.group != group {
				continue
			}
			if e.test(o, v) {
				return true
			}
		}
	}
	return false
}

// test applies a leaf operator to one value.
func (e *event) test(o *op, v *value) bool {
	switch o.kind {
	case opExists:
		return true
	case opTerm:
		switch v.kind {
		case kindString, kindBool:
			return v.s == o.text
		case kindNumber:
			if v.s == o.text {
				return true
			}
			if o.isNum {
				f, err := strconv.ParseFloat(v.s, 64)
				return err == nil && f == o.num
			}
		}
		return false
	case opWildcard:
		return v.kind != kindObject && globMatch(o.parts, v.s)
	case opRange:
		return v.kind != kindObject && e.inRange(&o.rng, v)
	}
	return false
}

// evalNested tries the nested query against each element of a nested
// root. Group ids are handed out in document order, 1..groupCtr, and a value
// carries the id of the innermost nested-root element it sits in, so a
// query nested inside another nested query sees only the inner elements.
func (e *event) evalNested(o *op) bool {
	for g := int32(1); g <= e.x.groupCtr; g++ {
		if e.eval(o.kids[0], g) {
			return true
		}
	}
	return false
}

// globMatch matches s against a pattern given as the text between '*'
// wildcards: parts[0] is a prefix, the last part a suffix, and the others
// must appear in order between them.
func globMatch(parts []string, s string) bool {
	if len(parts) == 0 {
		return true
	}
	if len(parts) == 1 {
		return s == parts[0]
	}
	first, last := parts[0], parts[len(parts)-1]
	if len(s) < len(first)+len(last) || !strings.HasPrefix(s, first) || !strings.HasSuffix(s, last) {
		return false
	}
	s = s[len(first) : len(s)-len(last)]
	for _, p := range parts[1 : len(parts)-1] {
		i := strings.Index(s, p)
		if i < 0 {
			return false
		}
		s = s[i+len(p):]
	}
	return true
}

// inRange compares a value the way Elasticsearch would for the field's
// likely type: numerically when both sides are numbers, as instants when
// both are dates, otherwise as strings (keyword ranges are lexicographic).
func (e *event) inRange(r *rangeOp, v *value) bool {
	if r.isNum {
		if f, err := strconv.ParseFloat(v.s, 64); err == nil {
			return compare(cmpFloat(f, r.num), r.cmp)
		}
	}
	if r.isDate || r.dateMth != "" {
		if t, ok := parseDate(v.s); ok {
			bound := r.date
			if r.dateMth != "" {
				var ok2 bool
				if e.now.IsZero() {
					e.now = e.clock()
				}
				bound, ok2 = evalDateMath(r.dateMth, e.now)
				if !ok2 {
					return false
				}
			}
			return compare(t.Compare(bound), r.cmp)
		}
	}
	if v.kind == kindString {
		return compare(strings.Compare(v.s, r.text), r.cmp)
	}
	return false
}

func cmpFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func compare(c int, k cmpKind) bool {
	switch k {
	case cmpLT:
		return c < 0
	case cmpLTE:
		return c <= 0
	case cmpGT:
		return c > 0
	}
	return c >= 0
}

// parseDate accepts the formats Okta and ECS documents carry: RFC 3339
// with or without fractional seconds, a bare date, and epoch milliseconds.
func parseDate(s string) (time.Time, bool) {
	if len(s) >= 10 && s[4] == '-' {
		if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
			return t, true
		}
		if t, err := time.Parse("2006-01-02T15:04:05.999999999", s); err == nil {
			return t, true
		}
		if t, err := time.Parse("2006-01-02", s); err == nil {
			return t, true
		}
		return time.Time{}, false
	}
	if ms, err := strconv.ParseInt(s, 10, 64); err == nil {
		return time.UnixMilli(ms).UTC(), true
	}
	return time.Time{}, false
}

// evalDateMath evaluates Elasticsearch date math anchored at now:
// "now", "now-1d", "now+2h/d" (rounded down to the unit after '/').
func evalDateMath(expr string, now time.Time) (time.Time, bool) {
	if !strings.HasPrefix(expr, "now") {
		return time.Time{}, false
	}
	t := now.UTC()
	rest := expr[3:]
	for rest != "" {
		switch rest[0] {
		case '+', '-':
			sign := 1
			if rest[0] == '-' {
				sign = -1
			}
			j := 1
			for j < len(rest) && rest[j] >= '0' && rest[j] <= '9' {
				j++
			}
			n := 1
			if j > 1 {
				v, err := strconv.Atoi(rest[1:j])
				if err != nil {
					return time.Time{}, false
				}
				n = v
			}
			if j >= len(rest) {
				return time.Time{}, false
			}
			var ok bool
			t, ok = addUnit(t, sign*n, rest[j])
			if !ok {
				return time.Time{}, false
			}
			rest = rest[j+1:]
		case '/':
			if len(rest) < 2 {
				return time.Time{}, false
			}
			var ok bool
			t, ok = roundDown(t, rest[1])
			if !ok {
				return time.Time{}, false
			}
			rest = rest[2:]
		default:
			return time.Time{}, false
		}
	}
	return t, true
}

func addUnit(t time.Time, n int, unit byte) (time.Time, bool) {
	switch unit {
	case 'y':
		return t.AddDate(n, 0, 0), true
	case 'M':
		return t.AddDate(0, n, 0), true
	case 'w':
		return t.AddDate(0, 0, 7*n), true
	case 'd':
		return t.AddDate(0, 0, n), true
	case 'h', 'H':
		return t.Add(time.Duration(n) * time.Hour), true
	case 'm':
		return t.Add(time.Duration(n) * time.Minute), true
	case 's':
		return t.Add(time.Duration(n) * time.Second), true
	}
	return t, false
}

func roundDown(t time.Time, unit byte) (time.Time, bool) {
	y, mo, d := t.Date()
	switch unit {
	case 'y':
		return time.Date(y, 1, 1, 0, 0, 0, 0, time.UTC), true
	case 'M':
		return time.Date(y, mo, 1, 0, 0, 0, 0, time.UTC), true
	case 'w':
		wd := (int(t.Weekday()) + 6) % 7 // Monday starts the week
		return time.Date(y, mo, d-wd, 0, 0, 0, 0, time.UTC), true
	case 'd':
		return time.Date(y, mo, d, 0, 0, 0, 0, time.UTC), true
	case 'h', 'H':
		return t.Truncate(time.Hour), true
	case 'm':
		return t.Truncate(time.Minute), true
	case 's':
		return t.Truncate(time.Second), true
	}
	return t, false
}
