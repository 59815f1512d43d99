package kql

import (
	"strconv"
	"strings"
	"unicode/utf8"
)

// This file words syntax errors. They are read by security engineers
// validating rules, so each says what was expected and what was found, and
// for the mistakes KQL makes easy (values that run on, operators without
// whitespace, "not" in the wrong place) says why.

// closer is what may end a finished query or value list.
type closer int

const (
	closeEnd       closer = iota // the end of the query
	closeParen                   // ")" ending a parenthesised query
	closeBrace                   // "}" ending a nested query
	closeValueList               // ")" ending a value list
)

// keyword returns the keyword at src[off:off+n], as written, as a token.
func (p *parser) keyword(off, n int) token {
	return token{text: p.src[off : off+n]}
}

// token is text that a construct follows, for error messages. It is quoted
// only when an error is reported; the zero token is the start of the query.
type token struct {
	text, suffix string
}

func (t token) isStart() bool { return t.text == "" && t.suffix == "" }

// String returns the token quoted, as in `after "event.action:"`.
func (t token) String() string { return strconv.Quote(t.text + t.suffix) }

// rangeSuffix is what follows the field in the token a range value follows.
var rangeSuffix = [...]string{LT: " <", LTE: " <=", GT: " >", GTE: " >="}

// describe names the token at off for "but found ...".
func (p *parser) describe(off int) string {
	s := p.src
	if off >= len(s) {
		return "end of query"
	}
	if c := s[off]; isSpecial(c) {
		return strconv.Quote(string(c))
	}
	const max = 32
	end := off
	for end < len(s) && end-off < max && spaceLen(s, end) == 0 && !isSpecial(s[end]) {
		_, n := utf8.DecodeRuneInString(s[end:])
		end += n
	}
	if end == off { // whitespace; callers skip it, but be safe
		_, n := utf8.DecodeRuneInString(s[off:])
		end = off + n
	}
	word := strconv.Quote(s[off:end])
	if end < len(s) && end-off >= max && spaceLen(s, end) == 0 && !isSpecial(s[end]) {
		word = strconv.Quote(s[off:end] + "…")
	}
	return word
}

// wordAt returns the run of letters at off, lower-cased, to recognise a
// keyword written where it cannot act as one.
func (p *parser) wordAt(off int) string {
	end := off
	for end < len(p.src) && ('a' <= p.src[end]|0x20 && p.src[end]|0x20 <= 'z') {
		end++
	}
	return strings.ToLower(p.src[off:end])
}

// expected reports that what ("a query" or "a value") should start at
// p.off, after the token named by after.
func (p *parser) expected(what string, after token) *SyntaxError {
	msg := "expected " + what
	if !after.isStart() {
		msg += " after " + after.String()
	}
	msg += " but found " + p.describe(p.off)

	_, atNot := p.notOp()
	switch c := p.peek(); {
	case atNot && after.suffix == "" && len(after.text) == 3 && hasFoldPrefix(after.text, "not"):
		msg += `; a second "not" needs parentheses: not (not ...)`
	case what == "a value" && after.suffix == ":":
		if atNot {
			field := after.text
			msg += "; to negate a value put it in parentheses, as in " + field + ":(not value), or negate the whole condition: not " + field + ":value"
		} else if c == '<' || c == '>' {
			msg += "; a range has no colon: write field < value"
		}
	case c == '(' && strings.HasPrefix(after.suffix, " "): // after "field <"
		msg += "; a range takes one value, not a list"
	}
	return p.errorf(p.off, "%s", msg)
}

// unexpected reports a token that cannot follow a complete query or value
// list; open is the offset of the bracket being closed, if any.
func (p *parser) unexpected(want closer, open int) *SyntaxError {
	off := p.off
	found := p.describe(off)
	var msg string
	switch want {
	case closeEnd:
		switch p.peek() {
		case ')':
			return p.errorf(off, `found ")" without a matching "("`)
		case '}':
			return p.errorf(off, `found "}" without a matching "{"`)
		}
		msg = `expected "and", "or" or end of query but found ` + found
	case closeParen, closeValueList:
		if off >= len(p.src) {
			return p.errorf(off, `expected ")" to close the "(" at %s but found end of query`, p.pos(open))
		}
		msg = `expected "and", "or" or ")" but found ` + found
	case closeBrace:
		if off >= len(p.src) {
			return p.errorf(off, `expected "}" to close the "{" at %s but found end of query`, p.pos(open))
		}
		msg = `expected "and", "or" or "}" but found ` + found
	}
	hint := p.hint(off)
	if hint == "" && want == closeValueList && p.peek() == ':' {
		hint = "; a value list holds values, not field:value conditions"
	}
	return p.errorf(off, "%s%s", msg, hint)
}

// hint explains the usual causes of an unexpected token at off.
func (p *parser) hint(off int) string {
	s := p.src
	word := p.wordAt(off)
	switch {
	case (word == "and" || word == "or") && off+len(word) == len(s):
		return "; the query ends with " + strconv.Quote(s[off:off+len(word)]) + " and nothing after it"
	case word == "and" || word == "or":
		return "; " + strconv.Quote(s[off:off+len(word)]) + " is an operator only with whitespace on both sides"
	case word == "not" && spaceLen(s, off+3) > 0 && off > 0 && off == p.lastEnd && spaceLen(s, off-1) == 0:
		return `; an unquoted value ends before "not" and whitespace, even inside a word: put the value in double quotes`
	case word == "not" && spaceLen(s, off+3) > 0:
		return `; "not" can only start a condition: write "and not" or "or not"`
	}
	// A literal that ends right here ran on until this token stopped it.
	if p.lastEnd != off || p.lastStart >= p.lastEnd {
		return ""
	}
	raw := s[p.lastStart:p.lastEnd]
	if kw := trailingKeyword(raw); kw != "" {
		if len(kw) == 3 && hasFoldPrefix(kw, "not") {
			return "; " + strconv.Quote(kw) + " is an operator only with whitespace after it"
		}
		return "; " + strconv.Quote(kw) + " is an operator only with whitespace on both sides"
	}
	if trimmed := strings.TrimFunc(raw, isJSSpace); strings.ContainsAny(trimmed, " \t\r\n\u00a0") {
		return "; the unquoted value " + strconv.Quote(trimmed) + " runs on up to here: join conditions with \"and\" or \"or\", and put values that contain spaces in double quotes"
	}
	return ""
}

// trailingKeyword returns the keyword that the raw literal text s ends with,
// as a separate word, or "".
func trailingKeyword(s string) string {
	for _, kw := range []string{"and", "or", "not"} {
		if len(s) < len(kw) || !hasFoldPrefix(s[len(s)-len(kw):], kw) {
			continue
		}
		if i := len(s) - len(kw); i == 0 || spaceLen(s, i-1) > 0 || (i >= 2 && spaceLen(s, i-2) == 2) {
			return s[i:]
		}
	}
	return ""
}
