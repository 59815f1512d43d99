package kql

import (
	"strings"
	"unicode/utf8"
)

// This file prints trees back as KQL. The output is canonical: one space
// around operators, field:value without spaces, parentheses only where
// precedence needs them, and escapes chosen so that Parse of the output
// yields the same tree (positions aside).

// Precedence levels, loosest first. A node printed where a tighter level
// is required gets parentheses.
const (
	precOr = iota + 1
	precAnd
	precNot
	precAtom
)

func nodePrec(n Node) int {
	switch n.(type) {
	case Or:
		return precOr
	case And:
		return precAnd
	case Not:
		return precNot
	}
	return precAtom
}

func valuePrec(v Value) int {
	switch v.(type) {
	case ValueOr:
		return precOr
	case ValueAnd:
		return precAnd
	case ValueNot:
		return precNot
	}
	return precAtom
}

func (n And) String() string    { return nodeString(n) }
func (n Or) String() string     { return nodeString(n) }
func (n Not) String() string    { return nodeString(n) }
func (n Match) String() string  { return nodeString(n) }
func (n Range) String() string  { return nodeString(n) }
func (n Nested) String() string { return nodeString(n) }

func nodeString(n Node) string {
	var b strings.Builder
	writeNode(&b, n, precOr, false)
	return b.String()
}

// writeNode writes n, in parentheses if it binds more loosely than min.
// spaceAfter says whether whitespace may follow n in the output, which
// decides whether a trailing "not" in an unquoted word must be escaped.
func writeNode(b *strings.Builder, n Node, min int, spaceAfter bool) {
	if nodePrec(n) < min {
		b.WriteByte('(')
		defer b.WriteByte(')')
		spaceAfter = false
	}
	switch n := n.(type) {
	case Or:
		for i, c := range n.Children {
			if i > 0 {
				b.WriteString(" or ")
			}
			writeNode(b, c, precAnd, spaceAfter || i < len(n.Children)-1)
		}
	case And:
		for i, c := range n.Children {
			if i > 0 {
				b.WriteString(" and ")
			}
			writeNode(b, c, precNot, spaceAfter || i < len(n.Children)-1)
		}
	case Not:
		b.WriteString("not ")
		writeNode(b, n.Child, precAtom, spaceAfter)
	case Match:
		if !n.IsFreeText() {
			writeField(b, n.Field, n.FieldParts, false)
			b.WriteByte(':')
		}
		writeValue(b, n.Value, spaceAfter)
	case Range:
		writeField(b, n.Field, n.FieldParts, true)
		b.WriteByte(' ')
		b.WriteString(n.Op.String())
		b.WriteByte(' ')
		writeLiteral(b, n.Value, spaceAfter)
	case Nested:
		writeField(b, n.Field, n.FieldParts, false)
		b.WriteString(":{ ")
		writeNode(b, n.Query, precOr, true)
		b.WriteString(" }")
	}
}

func (v ValueAnd) String() string { return valueString(v) }
func (v ValueOr) String() string  { return valueString(v) }
func (v ValueNot) String() string { return valueString(v) }
func (v Exists) String() string   { return "*" }
func (v Literal) String() string  { return valueString(v) }

// valueString prints v for use anywhere after "field:", so it assumes
// whitespace may follow.
func valueString(v Value) string {
	var b strings.Builder
	writeValue(&b, v, true)
	return b.String()
}

// writeValue writes v as it appears after "field:", where a compound value
// must be a parenthesised list.
func writeValue(b *strings.Builder, v Value, spaceAfter bool) {
	if valuePrec(v) < precAtom {
		b.WriteByte('(')
		writeValueIn(b, v, precOr, false)
		b.WriteByte(')')
		return
	}
	writeValueIn(b, v, precAtom, spaceAfter)
}

// writeValueIn writes v inside a value list, in parentheses if it binds
// more loosely than min.
func writeValueIn(b *strings.Builder, v Value, min int, spaceAfter bool) {
	if valuePrec(v) < min {
		b.WriteByte('(')
		defer b.WriteByte(')')
		spaceAfter = false
	}
	switch v := v.(type) {
	case ValueOr:
		for i, c := range v.Children {
			if i > 0 {
				b.WriteString(" or ")
			}
			writeValueIn(b, c, precAnd, spaceAfter || i < len(v.Children)-1)
		}
	case ValueAnd:
		for i, c := range v.Children {
			if i > 0 {
				b.WriteString(" and ")
			}
			writeValueIn(b, c, precNot, spaceAfter || i < len(v.Children)-1)
		}
	case ValueNot:
		b.WriteString("not ")
		writeValueIn(b, v.Child, precAtom, spaceAfter)
	case Exists:
		b.WriteByte('*')
	case Literal:
		writeLiteral(b, v, spaceAfter)
	}
}

func writeLiteral(b *strings.Builder, l Literal, spaceAfter bool) {
	switch {
	case l.Quoted:
		writeQuoted(b, l.Text)
	case l.Parts != nil:
		writeParts(b, l.Parts, spaceAfter)
	case l.Text == "":
		// Only escaped whitespace, which Kibana trims to nothing, reads back
		// as an empty unquoted value.
		b.WriteString(`\t`)
	default:
		writeUnquoted(b, l.Text, spaceAfter)
	}
}

// writeField writes a field name unquoted when it can be, so that it reads
// like the rules people write, and quoted otherwise.
func writeField(b *strings.Builder, name string, parts []string, spaceAfter bool) {
	switch {
	case parts != nil:
		writeParts(b, parts, spaceAfter)
	case name == "" || name == "null" || strings.TrimFunc(name, isJSSpace) != name:
		writeQuoted(b, name)
	default:
		writeUnquoted(b, name, spaceAfter)
	}
}

func writeParts(b *strings.Builder, parts []string, spaceAfter bool) {
	for i, part := range parts {
		if i > 0 {
			b.WriteByte('*')
		}
		writeUnquoted(b, part, spaceAfter && i == len(parts)-1)
	}
}

// writeQuoted writes s as a quoted phrase.
func writeQuoted(b *strings.Builder, s string) {
	b.WriteByte('"')
	for _, r := range s {
		switch r {
		case '"', '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		default:
			writeRune(b, r)
		}
	}
	b.WriteByte('"')
}

// writeUnquoted writes text that contains no wildcard as part of an
// unquoted literal. Besides escaping the special characters it must stop
// an operator from being read inside the text: Kibana ends a literal at
// whitespace followed by "and" or "or" and whitespace, and at "not"
// followed by whitespace, anywhere. Such words are written escaped.
// spaceAfter says whether whitespace may follow s in the output.
func writeUnquoted(b *strings.Builder, s string, spaceAfter bool) {
	followedBySpace := func(i int) bool {
		if i == len(s) {
			return spaceAfter
		}
		return spaceLen(s, i) > 0
	}
	afterSpace := false
	for i := 0; i < len(s); {
		if afterSpace {
			if n := keywordLen(s[i:], "or", "and"); n > 0 && followedBySpace(i+n) {
				b.WriteByte('\\')
				b.WriteString(s[i : i+n])
				i += n
				afterSpace = false
				continue
			}
		}
		if hasFoldPrefix(s[i:], "not") && followedBySpace(i+3) {
			// \n is a newline, so a lower-case "not" is escaped by its first
			// letter's code instead of \not.
			if s[i] == 'n' {
				b.WriteString(`\u006e`)
			} else {
				b.WriteByte('\\')
				b.WriteByte(s[i])
			}
			b.WriteString(s[i+1 : i+3])
			i += 3
			afterSpace = false
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		afterSpace = spaceLen(s, i) > 0
		switch {
		case r < utf8.RuneSelf && isSpecial(byte(r)):
			b.WriteByte('\\')
			b.WriteByte(byte(r))
		case r == utf8.RuneError && n == 1:
			b.WriteByte(s[i]) // not produced by Parse; kept byte for byte
		default:
			writeRune(b, r)
		}
		i += n
	}
}

// keywordLen returns the length of whichever of the keywords s starts with
// (ignoring case), or 0.
func keywordLen(s string, keywords ...string) int {
	for _, kw := range keywords {
		if hasFoldPrefix(s, kw) {
			return len(kw)
		}
	}
	return 0
}

// writeRune writes r, escaping control characters, which both kinds of
// literal accept raw but which are unreadable in a rule listing.
func writeRune(b *strings.Builder, r rune) {
	switch {
	case r == '\t':
		b.WriteString(`\t`)
	case r == '\r':
		b.WriteString(`\r`)
	case r == '\n':
		b.WriteString(`\n`)
	case r < 0x20 || r == 0x7F:
		const hex = "0123456789abcdef"
		b.WriteString(`\u00`)
		b.WriteByte(hex[r>>4])
		b.WriteByte(hex[r&0xF])
	default:
		b.WriteRune(r)
	}
}
