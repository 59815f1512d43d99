package detect

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/oktadetect/oktadetect/detect/kql"
)

// queryCompiler turns KQL syntax trees into op trees, numbering fields as
// it meets them and recording the roots of nested queries.
type queryCompiler struct {
	fields *fieldTable
	groups map[string]int32 // nested root field → group id
}

func newQueryCompiler(ft *fieldTable) *queryCompiler {
	return &queryCompiler{fields: ft, groups: map[string]int32{}}
}

// unsupportedError is a query feature the engine cannot evaluate. It
// carries the position of the offending node within the query.
type unsupportedError struct {
	pos kql.Pos
	msg string
}

func (e *unsupportedError) Error() string { return e.msg }

func (c *queryCompiler) compile(n kql.Node, prefix string) (*op, error) {
	switch n := n.(type) {
	case nil:
		return &op{kind: opAll}, nil
	case kql.And:
		return c.compileKids(opAnd, n.Children, prefix)
	case kql.Or:
		return c.compileKids(opOr, n.Children, prefix)
	case kql.Not:
		k, err := c.compile(n.Child, prefix)
		if err != nil {
			return nil, err
		}
		return &op{kind: opNot, kids: []*op{k}}, nil
	case kql.Match:
		if n.Field == "" {
			return nil, &unsupportedError{n.Pos, "a term without a field name (free-text search) is not supported: name the field, e.g. event.action:value"}
		}
		if n.HasWildcardField() {
			return nil, &unsupportedError{n.Pos, fmt.Sprintf("wildcards in field names (%q) are not supported: the stream has no index mapping to expand them against", n.Field)}
		}
		return c.compileValue(prefix+n.Field, n.Value)
	case kql.Range:
		if n.HasWildcardField() {
			return nil, &unsupportedError{n.Pos, fmt.Sprintf("wildcards in field names (%q) are not supported", n.Field)}
		}
		return c.compileRange(prefix+n.Field, n)
	case kql.Nested:
		if n.HasWildcardField() {
			return nil, &unsupportedError{n.Pos, fmt.Sprintf("wildcards in field names (%q) are not supported", n.Field)}
		}
		field := prefix + n.Field
		g, ok := c.groups[field]
		if !ok {
			g = int32(len(c.groups) + 1)
			c.groups[field] = g
		}
		k, err := c.compile(n.Query, field+".")
		if err != nil {
			return nil, err
		}
		return &op{kind: opNested, kids: []*op{k}, group: g}, nil
	}
	return nil, fmt.Errorf("unexpected query node %T", n)
}

func (c *queryCompiler) compileKids(kind opKind, kids []kql.Node, prefix string) (*op, error) {
	o := &op{kind: kind}
	for _, k := range kids {
		ko, err := c.compile(k, prefix)
		if err != nil {
			return nil, err
		}
		o.kids = append(o.kids, ko)
	}
	return o, nil
}

// compileValue compiles the value expression of field:value. Boolean
// logic inside a value list applies to the field as a whole, as in Kibana:
// field:(a and b) means the field has a value a and a value b.
func (c *queryCompiler) compileValue(field string, v kql.Value) (*op, error) {
	switch v := v.(type) {
	case kql.Exists:
		return &op{kind: opExists, field: c.fields.id(field)}, nil
	case kql.Literal:
		return c.compileLiteral(field, v), nil
	case kql.ValueAnd:
		return c.compileValueKids(opAnd, field, v.Children)
	case kql.ValueOr:
		return c.compileValueKids(opOr, field, v.Children)
	case kql.ValueNot:
		k, err := c.compileValue(field, v.Child)
		if err != nil {
			return nil, err
		}
		return &op{kind: opNot, kids: []*op{k}}, nil
	}
	return nil, fmt.Errorf("unexpected value node %T", v)
}

func (c *queryCompiler) compileValueKids(kind opKind, field string, kids []kql.Value) (*op, error) {
	o := &op{kind: kind}
	for _, k := range kids {
		ko, err := c.compileValue(field, k)
		if err != nil {
			return nil, err
		}
		o.kids = append(o.kids, ko)
	}
	return o, nil
}

func (c *queryCompiler) compileLiteral(field string, l kql.Literal) *op {
	id := c.fields.id(field)
	if l.IsWildcard() && !l.Quoted {
		parts := l.Parts
		if allEmpty(parts) {
			return &op{kind: opExists, field: id}
		}
		return &op{kind: opWildcard, field: id, parts: parts}
	}
	o := &op{kind: opTerm, field: id, text: l.Text}
	if f, err := strconv.ParseFloat(l.Text, 64); err == nil && !math.IsInf(f, 0) && !math.IsNaN(f) {
		o.num, o.isNum = f, true
	}
	return o
}

func allEmpty(parts []string) bool {
	for _, p := range parts {
		if p != "" {
			return false
		}
	}
	return true
}

func (c *queryCompiler) compileRange(field string, n kql.Range) (*op, error) {
	r := rangeOp{text: n.Value.Text}
	switch n.Op {
	case kql.LT:
		r.cmp = cmpLT
	case kql.LTE:
		r.cmp = cmpLTE
	case kql.GT:
		r.cmp = cmpGT
	case kql.GTE:
		r.cmp = cmpGTE
	default:
		return nil, fmt.Errorf("unexpected range operator %v", n.Op)
	}
	if f, err := strconv.ParseFloat(r.text, 64); err == nil && !math.IsNaN(f) {
		r.num, r.isNum = f, true
	}
	if strings.HasPrefix(r.text, "now") {
		if _, ok := evalDateMath(r.text, time.Time{}); !ok {
			return nil, &unsupportedError{n.Pos, fmt.Sprintf("cannot read date math %q (expected now, now-1d, now+2h/d, ...)", r.text)}
		}
		r.dateMth = r.text
	} else if t, ok := parseDate(r.text); ok && !r.isNum {
		r.date, r.isDate = t, true
	}
	return &op{kind: opRange, field: c.fields.id(field), rng: r}, nil
}

// fieldValue is one (field, exact value) pair.
type fieldValue struct {
	field fieldID
	value string
}

// lowSelectivity lists fields whose values are shared by most events: an
// index or prefilter built on them would not narrow anything down.
var lowSelectivity = map[string]bool{
	"event.dataset": true, "data_stream.dataset": true, "event.module": true,
	"event.kind": true, "event.outcome": true, "event.category": true,
	"event.type": true, "okta.outcome.result": true, "data_stream.type": true,
	"data_stream.namespace": true, "okta.actor.type": true,
}

// requiredTerms returns exact (field, value) pairs of which at least one
// must hold for o to match, or nil when there is no such set. The engine
// indexes rules by them so an event is only checked against rules that
// could match it.
func (c *queryCompiler) requiredTerms(o *op) []fieldValue {
	switch o.kind {
	case opTerm:
		if o.isNum {
			// 1 and 1.0 are equal numbers with different text.
			return nil
		}
		return []fieldValue{{o.field, o.text}}
	case opNested:
		return c.requiredTerms(o.kids[0])
	case opOr:
		var out []fieldValue
		for _, k := range o.kids {
			t := c.requiredTerms(k)
			if t == nil {
				return nil
			}
			out = append(out, t...)
		}
		return out
	case opAnd:
		var best []fieldValue
		bestScore := math.MaxInt
		for _, k := range o.kids {
			t := c.requiredTerms(k)
			if t == nil {
				continue
			}
			score := len(t)
			for _, fv := range t {
				if lowSelectivity[c.fields.names[fv.field]] {
					score += 1000
					break
				}
			}
			if score < bestScore {
				best, bestScore = t, score
			}
		}
		return best
	}
	return nil
}

// CompileError describes a rule that cannot run.
type CompileError struct {
	RuleID string
	Source string // rule file
	Line   int    // position in the rule file, when known
	Col    int
	Msg    string
	Err    error
}

func (e *CompileError) Error() string {
	loc := e.Source
	if e.Line > 0 {
		loc = fmt.Sprintf("%s:%d:%d", e.Source, e.Line, e.Col)
	}
	if loc == "" {
		loc = "rule " + e.RuleID
	}
	return fmt.Sprintf("%s: %s", loc, e.Msg)
}

func (e *CompileError) Unwrap() error { return e.Err }
