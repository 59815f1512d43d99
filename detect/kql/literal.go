package kql

import (
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// This file reads literals: quoted phrases and unquoted words, with their
// escapes. It follows Kibana's grammar character for character, including
// its quirks, because a rule must mean here what it means in Kibana.

// spaceLen returns the length in bytes of the KQL whitespace character at
// s[i], or 0 if there is none. KQL whitespace is space, tab, CR, LF and
// U+00A0 (no-break space); nothing else separates tokens.
func spaceLen(s string, i int) int {
	if i >= len(s) {
		return 0
	}
	switch s[i] {
	case ' ', '\t', '\r', '\n':
		return 1
	case 0xC2:
		if i+1 < len(s) && s[i+1] == 0xA0 {
			return 2
		}
	}
	return 0
}

// isSpecial reports whether c is one of KQL's special characters,
// \ ( ) : < > " * { }. An unquoted literal holds them only escaped, except
// the wildcard '*'.
func isSpecial(c byte) bool {
	switch c {
	case '\\', '(', ')', ':', '<', '>', '"', '*', '{', '}':
		return true
	}
	return false
}

// hasFoldPrefix reports whether s starts with the lower-case ASCII word kw,
// ignoring ASCII case. Kibana compares keywords with toLowerCase, and no
// non-ASCII character lowercases to the letters of and, or and not.
func hasFoldPrefix(s, kw string) bool {
	if len(s) < len(kw) {
		return false
	}
	for i := 0; i < len(kw); i++ {
		if s[i]|0x20 != kw[i] {
			return false
		}
	}
	return true
}

// keywordAt reports whether an unquoted literal must stop before s[i]
// because an operator starts there: whitespace followed by "or" or "and"
// and whitespace, or "not" followed by whitespace. Kibana checks this
// before every plain character, which is why a literal can hold inner
// spaces yet stops at " and ", and why "cannot x" stops after "can".
func keywordAt(s string, i int) bool {
	if n := spaceLen(s, i); n > 0 {
		j := i + n
		return hasFoldPrefix(s[j:], "or") && spaceLen(s, j+2) > 0 ||
			hasFoldPrefix(s[j:], "and") && spaceLen(s, j+3) > 0
	}
	return hasFoldPrefix(s[i:], "not") && spaceLen(s, i+3) > 0
}

// plain marks the bytes that an unquoted literal takes without a second
// look: everything but the special characters, whitespace (including the
// lead byte of U+00A0) and the first letter of "not". UTF-8 continuation
// bytes are plain, so a multi-byte character is taken byte by byte.
var plain = func() (t [256]bool) {
	for c := range t {
		t[c] = true
	}
	for _, c := range []byte("\\():<>\"*{} \t\r\n\xC2nN") {
		t[c] = false
	}
	return t
}()

// isHex4 reports whether s starts with four hexadecimal digits.
func isHex4(s string) bool {
	if len(s) < 4 {
		return false
	}
	for i := 0; i < 4; i++ {
		if unhex(s[i]) < 0 {
			return false
		}
	}
	return true
}

func unhex(c byte) int {
	switch {
	case '0' <= c && c <= '9':
		return int(c - '0')
	case 'a' <= c && c <= 'f':
		return int(c-'a') + 10
	case 'A' <= c && c <= 'F':
		return int(c-'A') + 10
	}
	return -1
}

func hex4(s string) rune {
	return rune(unhex(s[0])<<12 | unhex(s[1])<<8 | unhex(s[2])<<4 | unhex(s[3]))
}

// unquotedEscapeLen returns the length of the escape sequence starting with
// the backslash at s[i] in an unquoted literal, or 0 if it is not one.
// The order of the checks is Kibana's: \n is a newline before it can be
// the start of \not, so only \Not, \NOT and so on escape that keyword.
func unquotedEscapeLen(s string, i int) int {
	if i+1 >= len(s) {
		return 0
	}
	switch c := s[i+1]; {
	case c == 't' || c == 'r' || c == 'n':
		return 2
	case isSpecial(c):
		return 2
	case c == 'u' && isHex4(s[i+2:]):
		return 6
	case hasFoldPrefix(s[i+1:], "or"):
		return 3
	case hasFoldPrefix(s[i+1:], "and"), hasFoldPrefix(s[i+1:], "not"):
		return 4
	}
	return 0
}

// quotedEscapeLen is unquotedEscapeLen for a quoted phrase, where only \t,
// \r, \n, \uXXXX, \\ and \" are escapes. A backslash before anything else
// is an ordinary character, so "C:\Windows" needs no doubling.
func quotedEscapeLen(s string, i int) int {
	if i+1 >= len(s) {
		return 0
	}
	switch c := s[i+1]; {
	case c == 't' || c == 'r' || c == 'n' || c == '\\' || c == '"':
		return 2
	case c == 'u' && isHex4(s[i+2:]):
		return 6
	}
	return 0
}

// isJSSpace reports whether JavaScript's String.prototype.trim removes r:
// the characters Kibana trims from the ends of an unquoted literal. It
// differs from unicode.IsSpace in U+0085 (not trimmed) and U+FEFF (trimmed).
func isJSSpace(r rune) bool {
	switch r {
	case '\t', '\n', '\v', '\f', '\r', ' ', 0xA0, 0x1680, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000, 0xFEFF:
		return true
	}
	return 0x2000 <= r && r <= 0x200A
}

// lit is a literal as read from the query, before it becomes a Literal,
// an Exists or a field name.
type lit struct {
	text   string
	parts  []string // non-nil for an unquoted literal with wildcards
	quoted bool
	start  int // offset of the first byte
}

// isLoneWildcard reports whether l is exactly one unquoted '*' (after
// trimming), Kibana's test for field:* and for the field name of *:x.
func (l *lit) isLoneWildcard() bool {
	return len(l.parts) == 2 && l.parts[0] == "" && l.parts[1] == ""
}

// scanLiteral reads the literal at p.off. It returns ok == false, with the
// offset unchanged, when no literal starts there.
func (p *parser) scanLiteral() (l lit, ok bool, err error) {
	if p.off >= len(p.src) {
		return lit{}, false, nil
	}
	if p.src[p.off] == '"' {
		return p.scanQuoted()
	}
	return p.scanUnquoted()
}

func (p *parser) scanQuoted() (lit, bool, error) {
	s := p.src
	start := p.off
	escaped := false
	i := start + 1
	for ; i < len(s) && s[i] != '"'; i++ {
		if s[i] == '\\' {
			if n := quotedEscapeLen(s, i); n > 0 {
				escaped = true
				i += n - 1
			}
		}
	}
	if i >= len(s) {
		return lit{}, false, p.errorf(start, "unterminated quoted string: no closing \" before the end of the query")
	}
	l := lit{quoted: true, start: start}
	if !escaped {
		l.text = s[start+1 : i]
	} else {
		b := p.buf[:0]
		for j := start + 1; j < i; {
			if s[j] != '\\' {
				b = append(b, s[j])
				j++
				continue
			}
			n := quotedEscapeLen(s, j)
			switch {
			case n == 0:
				b = append(b, '\\')
				j++
				continue
			case n == 6:
				var err error
				if b, j, err = p.appendUnicodeEscape(b, j); err != nil {
					return lit{}, false, err
				}
				continue
			}
			b = append(b, unescapeChar(s[j+1]))
			j += n
		}
		l.text = string(b)
		p.buf = b
	}
	p.off = i + 1
	return l, true, nil
}

// unescapeChar returns the character a two-byte escape stands for.
func unescapeChar(c byte) byte {
	switch c {
	case 't':
		return '\t'
	case 'r':
		return '\r'
	case 'n':
		return '\n'
	}
	return c
}

// appendUnicodeEscape decodes the \uXXXX escape at s[i], and the low
// surrogate escape that must follow a high surrogate, appending the
// character to b. Kibana builds JavaScript strings from UTF-16 code units;
// an unpaired surrogate has no UTF-8 form and can match no event, so it is
// an error here.
func (p *parser) appendUnicodeEscape(b []byte, i int) ([]byte, int, error) {
	s := p.src
	r := hex4(s[i+2:])
	if utf16.IsSurrogate(r) {
		if r < 0xDC00 && i+12 <= len(s) && s[i+6] == '\\' && s[i+7] == 'u' && isHex4(s[i+8:]) {
			if pair := utf16.DecodeRune(r, hex4(s[i+8:])); pair != utf8.RuneError {
				return utf8.AppendRune(b, pair), i + 12, nil
			}
		}
		return b, i, p.errorf(i, "escape %s is half of a UTF-16 surrogate pair without its other half", s[i:i+6])
	}
	return utf8.AppendRune(b, r), i + 6, nil
}

func (p *parser) scanUnquoted() (lit, bool, error) {
	s := p.src
	start := p.off
	escaped, wildcard := false, false
	i := start
scan:
	for i < len(s) {
		if plain[s[i]] {
			i++
			continue
		}
		switch c := s[i]; {
		case c == '\\':
			n := unquotedEscapeLen(s, i)
			if n == 0 {
				return lit{}, false, p.invalidEscape(i)
			}
			escaped = true
			i += n
		case c == '*':
			wildcard = true
			i++
		case isSpecial(c) || keywordAt(s, i):
			break scan
		default:
			i++
		}
	}
	if i == start {
		return lit{}, false, nil
	}
	l := lit{start: start}
	switch {
	case !escaped && !wildcard:
		l.text = s[start:i]
	case !escaped:
		l.parts = strings.Split(s[start:i], "*")
	default:
		var err error
		if l.text, l.parts, err = p.decodeUnquoted(start, i, wildcard); err != nil {
			return lit{}, false, err
		}
	}
	if l.parts == nil {
		l.text = strings.TrimFunc(l.text, isJSSpace)
	} else {
		// Trimming the whole literal only ever reaches into the first and
		// last part: a wildcard is not whitespace.
		last := len(l.parts) - 1
		l.parts[0] = strings.TrimLeftFunc(l.parts[0], isJSSpace)
		l.parts[last] = strings.TrimRightFunc(l.parts[last], isJSSpace)
		l.text = strings.Join(l.parts, "*")
	}
	p.off = i
	p.lastStart, p.lastEnd = start, i
	return l, true, nil
}

// decodeUnquoted resolves the escapes of the unquoted literal s[start:end],
// splitting it at unescaped wildcards when there are any.
func (p *parser) decodeUnquoted(start, end int, wildcard bool) (string, []string, error) {
	s := p.src
	var parts []string
	b := p.buf[:0]
	for i := start; i < end; {
		c := s[i]
		switch {
		case c == '*':
			parts = append(parts, string(b))
			b = b[:0]
			i++
		case c != '\\':
			b = append(b, c)
			i++
		default:
			switch n := unquotedEscapeLen(s, i); n {
			case 2:
				b = append(b, unescapeChar(s[i+1]))
				i += 2
			case 6:
				var err error
				if b, i, err = p.appendUnicodeEscape(b, i); err != nil {
					return "", nil, err
				}
			default: // an escaped keyword keeps the case it was written in
				b = append(b, s[i+1:i+n]...)
				i += n
			}
		}
	}
	text := string(b)
	p.buf = b
	if wildcard {
		return "", append(parts, text), nil
	}
	return text, nil, nil
}

func (p *parser) invalidEscape(i int) error {
	s := p.src
	if i+1 >= len(s) {
		return p.errorf(i, `the query ends with a backslash, which escapes nothing; write \\ to match a backslash`)
	}
	if s[i+1] == 'u' {
		return p.errorf(i, `invalid escape: \u must be followed by four hexadecimal digits, as in \u00e9`)
	}
	r, _ := utf8.DecodeRuneInString(s[i+1:])
	return p.errorf(i, `invalid escape: a backslash before %s in an unquoted value; a backslash escapes only \ ( ) : < > " * { }, `+
		`the keywords and, or and not, and \t \r \n \uXXXX; put the value in double quotes instead`, strconv.QuoteRune(r))
}
