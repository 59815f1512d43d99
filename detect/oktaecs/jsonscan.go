package oktaecs

import (
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// Some LogEvent strings hold JSON documents of their own
// (debugData.logOnlySecurityData, device.device_integrator) which the
// integration parses with its json processor. The extractor sees them as
// plain strings, so Conv.Apply has to look inside them without building
// anything: jsonWalk validates the whole document in one pass and reports
// the values found at a dotted path, handing out substrings of the input.

// maxJSONDepth bounds nesting so that hostile input cannot exhaust the
// stack; Elasticsearch's parser also rejects very deep documents.
const maxJSONDepth = 512

type jsonWalk struct {
	s   string
	pos int

	fold   bool // match keys as the non-flattened debug data stores them
	arrays bool // traverse arrays on the path, as field lookups in the index do
	emit   bool // append the scalars found at the path to dst

	dst []string

	// found is the kind of the last value found at the path: '"' string,
	// '0' number, 'b' boolean, 'z' null, '{' object, '[' array; 0 if none.
	found byte
	raw   string // the string's raw contents or the literal's text
	esc   bool   // raw contains escape sequences
}

// appendJSON implements the JSON and JSONFolded conversions.
func appendJSON(dst []string, doc, key string, fold bool) []string {
	w := jsonWalk{s: doc, fold: fold, arrays: true, emit: true, dst: dst}
	if w.document(key) {
		return w.dst
	}
	// The json processor failed, so the field kept its text.
	dst = w.dst[:len(dst)]
	if key == "" {
		dst = append(dst, doc)
	}
	return dst
}

// lookupJSON finds the value at key the way a Painless expression
// a?.b?.c does: objects only, no array traversal. ok is false when doc is not
// valid JSON.
func lookupJSON(doc, key string) (w jsonWalk, ok bool) {
	w = jsonWalk{s: doc}
	return w, w.document(key)
}

// appendSecurityDataRisk derives risk_level (path "risk.level") or
// risk_reasons (path "risk.reasons", split) from the logOnlySecurityData JSON
// text, when the value there is not empty. Reasons must be a string, which is
// split on /,\s*/.
func appendSecurityDataRisk(dst []string, v, path string, split bool) []string {
	w, ok := lookupJSON(v, path)
	if !ok {
		return dst
	}
	switch w.found {
	case '"':
		if w.raw == "" {
			return dst
		}
		s := w.raw
		if w.esc {
			s = unescapeJSON(s)
		}
		if split {
			return appendSplitReasons(dst, s)
		}
		return append(dst, s)
	case '0', 'b':
		if !split {
			return append(dst, w.raw)
		}
	}
	return dst
}

// document walks a whole document; path is the dotted key path of interest.
func (w *jsonWalk) document(path string) bool {
	if !w.value(path, true, 0) {
		return false
	}
	w.ws()
	return w.pos == len(w.s)
}

func (w *jsonWalk) ws() {
	for w.pos < len(w.s) {
		switch w.s[w.pos] {
		case ' ', '\t', '\n', '\r':
			w.pos++
		default:
			return
		}
	}
}

// value walks one value. active says whether the value lies on the path;
// path is what remains of it, "" meaning this value is the target.
func (w *jsonWalk) value(path string, active bool, depth int) bool {
	if depth > maxJSONDepth {
		return false
	}
	w.ws()
	if w.pos >= len(w.s) {
		return false
	}
	target := active && path == ""
	switch c := w.s[w.pos]; {
	case c == '{':
		if target {
			w.found, w.raw = '{', ""
		}
		return w.object(path, active && !target, depth)
	case c == '[':
		if target && !w.arrays {
			w.found, w.raw = '[', ""
		}
		return w.array(path, active && w.arrays, depth)
	case c == '"':
		raw, esc, ok := w.str()
		if !ok {
			return false
		}
		if target {
			w.found, w.raw, w.esc = '"', raw, esc
			if w.emit {
				if esc {
					raw = unescapeJSON(raw)
				}
				w.dst = append(w.dst, raw)
			}
		}
		return true
	case c == 't' || c == 'f' || c == 'n':
		start := w.pos
		var word string
		switch c {
		case 't':
			word = "true"
		case 'f':
			word = "false"
		default:
			word = "null"
		}
		if !strings.HasPrefix(w.s[w.pos:], word) {
			return false
		}
		w.pos += len(word)
		if target {
			if c == 'n' {
				w.found, w.raw = 'z', ""
			} else {
				w.found, w.raw = 'b', w.s[start:w.pos]
				if w.emit {
					w.dst = append(w.dst, w.raw)
				}
			}
		}
		return true
	default:
		lit, ok := w.number()
		if !ok {
			return false
		}
		if target {
			w.found, w.raw = '0', lit
			if w.emit {
				w.dst = append(w.dst, lit)
			}
		}
		return true
	}
}

func (w *jsonWalk) object(path string, active bool, depth int) bool {
	w.pos++ // '{'
	w.ws()
	if w.pos < len(w.s) && w.s[w.pos] == '}' {
		w.pos++
		return true
	}
	for {
		w.ws()
		if w.pos >= len(w.s) || w.s[w.pos] != '"' {
			return false
		}
		key, esc, ok := w.str()
		if !ok {
			return false
		}
		w.ws()
		if w.pos >= len(w.s) || w.s[w.pos] != ':' {
			return false
		}
		w.pos++
		rest, match := "", false
		if active {
			rest, match = matchKey(key, esc, path, w.fold)
		}
		if !w.value(rest, match, depth+1) {
			return false
		}
		w.ws()
		if w.pos >= len(w.s) {
			return false
		}
		switch w.s[w.pos] {
		case ',':
			w.pos++
		case '}':
			w.pos++
			return true
		default:
			return false
		}
	}
}

func (w *jsonWalk) array(path string, active bool, depth int) bool {
	w.pos++ // '['
	w.ws()
	if w.pos < len(w.s) && w.s[w.pos] == ']' {
		w.pos++
		return true
	}
	for {
		if !w.value(path, active, depth+1) {
			return false
		}
		w.ws()
		if w.pos >= len(w.s) {
			return false
		}
		switch w.s[w.pos] {
		case ',':
			w.pos++
		case ']':
			w.pos++
			return true
		default:
			return false
		}
	}
}

// str scans a string starting at its opening quote and returns its raw
// contents.
func (w *jsonWalk) str() (raw string, esc bool, ok bool) {
	w.pos++ // '"'
	start := w.pos
	for w.pos < len(w.s) {
		c := w.s[w.pos]
		switch {
		case c == '"':
			raw = w.s[start:w.pos]
			w.pos++
			return raw, esc, true
		case c == '\\':
			esc = true
			if w.pos+1 >= len(w.s) {
				return "", false, false
			}
			switch w.s[w.pos+1] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				w.pos += 2
			case 'u':
				if w.pos+6 > len(w.s) || !isHex4(w.s[w.pos+2:w.pos+6]) {
					return "", false, false
				}
				w.pos += 6
			default:
				return "", false, false
			}
		case c < 0x20:
			return "", false, false
		default:
			w.pos++
		}
	}
	return "", false, false
}

// number scans a JSON number and returns its literal text.
func (w *jsonWalk) number() (string, bool) {
	s, start := w.s, w.pos
	i := start
	if i < len(s) && s[i] == '-' {
		i++
	}
	switch {
	case i < len(s) && s[i] == '0':
		i++
	case i < len(s) && s[i] >= '1' && s[i] <= '9':
		for i < len(s) && isDigit(s[i]) {
			i++
		}
	default:
		return "", false
	}
	if i < len(s) && s[i] == '.' {
		i++
		if i >= len(s) || !isDigit(s[i]) {
			return "", false
		}
		for i < len(s) && isDigit(s[i]) {
			i++
		}
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		if i >= len(s) || !isDigit(s[i]) {
			return "", false
		}
		for i < len(s) && isDigit(s[i]) {
			i++
		}
	}
	w.pos = i
	return s[start:i], true
}

func isHex4(s string) bool {
	for i := 0; i < 4; i++ {
		c := s[i]
		if !(isDigit(c) || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F') {
			return false
		}
	}
	return true
}

func hexVal(s string) rune {
	var r rune
	for i := 0; i < 4; i++ {
		c := s[i]
		r <<= 4
		switch {
		case isDigit(c):
			r |= rune(c - '0')
		case c >= 'a' && c <= 'f':
			r |= rune(c - 'a' + 10)
		default:
			r |= rune(c - 'A' + 10)
		}
	}
	return r
}

// nextRune decodes the next character of a raw (already validated) JSON
// string, resolving escapes and surrogate pairs. Lone surrogates become
// U+FFFD, as encoding/json does.
func nextRune(raw string) (r rune, rest string) {
	if raw[0] != '\\' {
		r, size := utf8.DecodeRuneInString(raw)
		return r, raw[size:]
	}
	switch raw[1] {
	case 'b':
		return '\b', raw[2:]
	case 'f':
		return '\f', raw[2:]
	case 'n':
		return '\n', raw[2:]
	case 'r':
		return '\r', raw[2:]
	case 't':
		return '\t', raw[2:]
	case 'u':
		r = hexVal(raw[2:6])
		rest = raw[6:]
		if utf16.IsSurrogate(r) {
			if len(rest) >= 6 && rest[0] == '\\' && rest[1] == 'u' {
				if pair := utf16.DecodeRune(r, hexVal(rest[2:6])); pair != utf8.RuneError {
					return pair, rest[6:]
				}
			}
			return utf8.RuneError, rest
		}
		return r, rest
	default: // '"', '\\', '/'
		return rune(raw[1]), raw[2:]
	}
}

// unescapeJSON decodes a validated raw JSON string. It allocates.
func unescapeJSON(raw string) string {
	var b strings.Builder
	b.Grow(len(raw))
	for raw != "" {
		var r rune
		r, raw = nextRune(raw)
		b.WriteRune(r)
	}
	return b.String()
}

// matchKey reports whether the object key (raw JSON string contents) is the
// first part of path, either all of it or followed by '.', and returns what
// remains. Keys may themselves contain dots: the index sees "a.b" inside a
// parsed object as two levels, and so does this match.
func matchKey(raw string, esc bool, path string, fold bool) (string, bool) {
	if !esc {
		if len(raw) > len(path) || !nameMatches(raw, path[:len(raw)], fold) {
			return "", false
		}
		return afterKey(path, len(raw))
	}
	i := 0
	var buf [utf8.UTFMax]byte
	for raw != "" {
		var r rune
		r, raw = nextRune(raw)
		n := utf8.EncodeRune(buf[:], r)
		for _, c := range buf[:n] {
			if fold {
				c = foldKeyByte(c)
			}
			if i >= len(path) || path[i] != c {
				return "", false
			}
			i++
		}
	}
	return afterKey(path, i)
}

func afterKey(path string, n int) (string, bool) {
	switch {
	case n == len(path):
		return "", true
	case path[n] == '.':
		return path[n+1:], true
	}
	return "", false
}
