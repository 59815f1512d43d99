package kql

import (
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"
)

// MaxDepth is how deeply parentheses, braces and "not" may nest. Kibana has
// no such limit; a recursive parser needs one so that a hostile query cannot
// exhaust the stack. Real rules nest a handful of levels.
const MaxDepth = 100

// Parse parses a KQL query into its syntax tree. Errors are *[SyntaxError].
//
// An empty query, or one of only whitespace, matches every event, as in
// Kibana: it parses to the tree of *:* (a Match with a wildcard field name
// and an Exists value).
//
// Parse is safe for concurrent use. It runs in time linear in the length
// of the query and never panics.
func Parse(query string) (Node, error) {
	p := parser{src: query, line: 1}
	if !utf8.ValidString(query) {
		i := 0
		for i < len(query) {
			r, n := utf8.DecodeRuneInString(query[i:])
			if r == utf8.RuneError && n == 1 {
				break
			}
			i += n
		}
		return nil, p.errorf(i, "invalid UTF-8: byte 0x%02x is not part of a valid character", query[i])
	}
	p.skipSpace()
	if p.off == len(p.src) {
		pos := p.pos(0)
		return Match{Field: "*", FieldParts: []string{"", ""}, Value: Exists{Pos: pos}, Pos: pos}, nil
	}
	n, err := p.parseOr(token{})
	if err != nil {
		return nil, err
	}
	p.skipSpace()
	if p.off < len(p.src) {
		return nil, p.unexpected(closeEnd, 0)
	}
	return n, nil
}

// parser is a recursive-descent parser for Kibana's KQL grammar. The
// grammar is a PEG, whose ordered choices may backtrack; every choice in it
// is decided by the next token or two, so this parser never backtracks
// further than a run of whitespace and runs in linear time.
type parser struct {
	src   string
	off   int
	depth int
	buf   []byte // scratch for resolving escapes

	// Operands of the "and" and "or" chains being parsed, so that each
	// chain's children are allocated once, at their final size.
	nodes  []Node
	values []Value

	// The source span of the last unquoted literal, to explain errors
	// caused by a literal that ran on further than its author meant.
	lastStart, lastEnd int

	// The line of offset lineOff, to turn offsets into positions without
	// rescanning: nodes are created in increasing offset order.
	lineOff, line, lineStart int
}

// pos returns the position of byte offset off.
func (p *parser) pos(off int) Pos {
	if off < p.lineOff {
		p.lineOff, p.line, p.lineStart = 0, 1, 0
	}
	for {
		i := strings.IndexByte(p.src[p.lineOff:off], '\n')
		if i < 0 {
			break
		}
		p.line++
		p.lineOff += i + 1
		p.lineStart = p.lineOff
	}
	p.lineOff = off
	return Pos{Offset: off, Line: p.line, Col: off - p.lineStart + 1}
}

func (p *parser) errorf(off int, format string, args ...any) *SyntaxError {
	return &SyntaxError{Pos: p.pos(off), Msg: fmt.Sprintf(format, args...)}
}

func (p *parser) skipSpace() {
	for {
		n := spaceLen(p.src, p.off)
		if n == 0 {
			return
		}
		p.off += n
	}
}

func (p *parser) peek() byte {
	if p.off < len(p.src) {
		return p.src[p.off]
	}
	return 0
}

// binaryOp reports whether the operator kw ("and" or "or") follows: it
// needs whitespace on both sides. It returns the offset of the keyword and
// of the first character after the whitespace that follows it.
func (p *parser) binaryOp(kw string) (kwOff, next int, ok bool) {
	i := p.off
	for n := spaceLen(p.src, i); n > 0; n = spaceLen(p.src, i) {
		i += n
	}
	if i == p.off || !hasFoldPrefix(p.src[i:], kw) {
		return 0, 0, false
	}
	kwOff = i
	i += len(kw)
	if spaceLen(p.src, i) == 0 {
		return 0, 0, false
	}
	for n := spaceLen(p.src, i); n > 0; n = spaceLen(p.src, i) {
		i += n
	}
	return kwOff, i, true
}

// notOp is binaryOp for the prefix operator "not", which needs whitespace
// after it only: not(a) is not a negation in Kibana.
func (p *parser) notOp() (next int, ok bool) {
	i := p.off
	if !hasFoldPrefix(p.src[i:], "not") || spaceLen(p.src, i+3) == 0 {
		return 0, false
	}
	i += 3
	for n := spaceLen(p.src, i); n > 0; n = spaceLen(p.src, i) {
		i += n
	}
	return i, true
}

// enter counts one more level of nesting for the token at off.
func (p *parser) enter(off int) error {
	p.depth++
	if p.depth > MaxDepth {
		return p.errorf(off, "query nested too deeply: more than %d levels of parentheses, braces and \"not\"", MaxDepth)
	}
	return nil
}

func (p *parser) leave() { p.depth-- }

// The parse functions take the token that their construct follows, so
// that a missing operand is reported as `expected a query after "and"`.

// parseChain parses operand (op operand)*, the shape of both boolean
// levels of queries and of value lists. A single operand is returned as
// is; two or more become one node (a and b and c is one And). buf is the
// parser's scratch stack for that kind of node: children are gathered
// there and copied out, so nested chains reuse one allocation.
func parseChain[T interface{ Position() Pos }](p *parser, after token, op string, operand func(token) (T, error), buf *[]T, join func([]T, Pos) T) (T, error) {
	var zero T
	first, err := operand(after)
	if err != nil {
		return zero, err
	}
	kwOff, next, ok := p.binaryOp(op)
	if !ok {
		return first, nil
	}
	mark := len(*buf)
	*buf = append(*buf, first)
	for ok {
		p.off = next
		n, err := operand(p.keyword(kwOff, len(op)))
		if err != nil {
			return zero, err
		}
		*buf = append(*buf, n)
		kwOff, next, ok = p.binaryOp(op)
	}
	children := slices.Clone((*buf)[mark:])
	clear((*buf)[mark:])
	*buf = (*buf)[:mark]
	return join(children, first.Position()), nil
}

// parseOr parses OrQuery: AndQuery ("or" AndQuery)*.
func (p *parser) parseOr(after token) (Node, error) {
	return parseChain(p, after, "or", p.parseAnd, &p.nodes, func(c []Node, pos Pos) Node { return Or{Children: c, Pos: pos} })
}

// parseAnd parses AndQuery: NotQuery ("and" NotQuery)*.
func (p *parser) parseAnd(after token) (Node, error) {
	return parseChain(p, after, "and", p.parseNot, &p.nodes, func(c []Node, pos Pos) Node { return And{Children: c, Pos: pos} })
}

// parseNot parses NotQuery: "not" SubQuery, or SubQuery. "not not x" is
// not valid KQL; the inner negation needs parentheses.
func (p *parser) parseNot(after token) (Node, error) {
	next, ok := p.notOp()
	if !ok {
		return p.parseSub(after)
	}
	start := p.off
	if err := p.enter(start); err != nil {
		return nil, err
	}
	pos := p.pos(start)
	p.off = next
	child, err := p.parseSub(p.keyword(start, 3))
	if err != nil {
		return nil, err
	}
	p.leave()
	return Not{Child: child, Pos: pos}, nil
}

// parseSub parses SubQuery: "(" OrQuery ")", or a field expression.
func (p *parser) parseSub(after token) (Node, error) {
	if p.peek() != '(' {
		return p.parseExpr(after)
	}
	open := p.off
	if err := p.enter(open); err != nil {
		return nil, err
	}
	p.off++
	p.skipSpace()
	n, err := p.parseOr(token{text: "("})
	if err != nil {
		return nil, err
	}
	p.skipSpace()
	if p.peek() != ')' {
		return nil, p.unexpected(closeParen, open)
	}
	p.off++
	p.leave()
	return n, nil
}

// parseExpr parses what starts with a literal: field:{ query },
// field < value, field:values, or a free-text value.
func (p *parser) parseExpr(after token) (Node, error) {
	l, ok, err := p.scanLiteral()
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, p.expected("a query", after)
	}
	// Positions are taken in source order so that p.pos never rescans.
	pos := p.pos(l.start)
	afterLit := p.off
	p.skipSpace()
	switch c := p.peek(); c {
	case ':':
		name, parts, err := p.fieldName(&l)
		if err != nil {
			return nil, err
		}
		p.off++
		p.skipSpace()
		if p.peek() == '{' {
			return p.parseNested(pos, name, parts)
		}
		v, err := p.parseListOfValues(token{text: name, suffix: ":"})
		if err != nil {
			return nil, err
		}
		return Match{Field: name, FieldParts: parts, Value: v, Pos: pos}, nil
	case '<', '>':
		name, parts, err := p.fieldName(&l)
		if err != nil {
			return nil, err
		}
		op := GT
		if c == '<' {
			op = LT
		}
		p.off++
		if p.peek() == '=' {
			op++ // LTE follows LT and GTE follows GT
			p.off++
		}
		p.skipSpace()
		v, ok, err := p.scanLiteral()
		if err != nil {
			return nil, err
		}
		if !ok {
			return nil, p.expected("a value", token{text: name, suffix: rangeSuffix[op]})
		}
		return Range{Field: name, FieldParts: parts, Op: op, Value: p.literal(&v), Pos: pos}, nil
	}
	p.off = afterLit
	return Match{Value: p.value(&l), Pos: pos}, nil
}

// parseNested parses the "{ OrQuery }" of field:{ ... }; pos is the
// field's position.
func (p *parser) parseNested(pos Pos, name string, parts []string) (Node, error) {
	open := p.off
	if err := p.enter(open); err != nil {
		return nil, err
	}
	p.off++
	p.skipSpace()
	q, err := p.parseOr(token{text: name, suffix: ":{"})
	if err != nil {
		return nil, err
	}
	p.skipSpace()
	if p.peek() != '}' {
		return nil, p.unexpected(closeBrace, open)
	}
	p.off++
	p.leave()
	return Nested{Field: name, FieldParts: parts, Query: q, Pos: pos}, nil
}

// fieldName checks that the literal l can name a field.
func (p *parser) fieldName(l *lit) (string, []string, error) {
	switch {
	case l.text == "":
		return "", nil, p.errorf(l.start, "empty field name: a field name needs at least one character")
	case !l.quoted && l.parts == nil && l.text == "null":
		// Kibana turns an unquoted null into "no field", so null:x would
		// silently become a free-text search for x.
		return "", nil, p.errorf(l.start, `null cannot be a field name unquoted (Kibana reads it as "no field" and searches all fields); write "null" in double quotes for a field called null`)
	}
	return l.text, l.parts, nil
}

// parseListOfValues parses ListOfValues: "(" OrListOfValues ")", or a
// single value. A bare "not" is not allowed here: field:not x is invalid,
// field:(not x) is the negated value.
func (p *parser) parseListOfValues(after token) (Value, error) {
	if p.peek() != '(' {
		return p.parseValue(after)
	}
	open := p.off
	if err := p.enter(open); err != nil {
		return nil, err
	}
	p.off++
	p.skipSpace()
	v, err := p.parseValueOr(token{text: "("})
	if err != nil {
		return nil, err
	}
	p.skipSpace()
	if p.peek() != ')' {
		return nil, p.unexpected(closeValueList, open)
	}
	p.off++
	p.leave()
	return v, nil
}

// parseValueOr parses OrListOfValues: AndListOfValues ("or" AndListOfValues)*.
func (p *parser) parseValueOr(after token) (Value, error) {
	return parseChain(p, after, "or", p.parseValueAnd, &p.values, func(c []Value, pos Pos) Value { return ValueOr{Children: c, Pos: pos} })
}

// parseValueAnd parses AndListOfValues: NotListOfValues ("and" NotListOfValues)*.
func (p *parser) parseValueAnd(after token) (Value, error) {
	return parseChain(p, after, "and", p.parseValueNot, &p.values, func(c []Value, pos Pos) Value { return ValueAnd{Children: c, Pos: pos} })
}

// parseValueNot parses NotListOfValues: "not" ListOfValues, or
// ListOfValues.
func (p *parser) parseValueNot(after token) (Value, error) {
	next, ok := p.notOp()
	if !ok {
		return p.parseListOfValues(after)
	}
	start := p.off
	if err := p.enter(start); err != nil {
		return nil, err
	}
	pos := p.pos(start)
	p.off = next
	child, err := p.parseListOfValues(p.keyword(start, 3))
	if err != nil {
		return nil, err
	}
	p.leave()
	return ValueNot{Child: child, Pos: pos}, nil
}

// parseValue parses a single quoted or unquoted value.
func (p *parser) parseValue(after token) (Value, error) {
	l, ok, err := p.scanLiteral()
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, p.expected("a value", after)
	}
	return p.value(&l), nil
}

// value turns a literal in value position into an Exists or a Literal.
func (p *parser) value(l *lit) Value {
	if l.isLoneWildcard() {
		return Exists{Pos: p.pos(l.start)}
	}
	return p.literal(l)
}

// literal turns a literal into a Literal, wildcards and all.
func (p *parser) literal(l *lit) Literal {
	return Literal{Text: l.text, Quoted: l.quoted, Parts: l.parts, Pos: p.pos(l.start)}
}
