package eventgen

import (
	"strconv"
	"unicode/utf8"
	"unsafe"
)

// A tiny JSON writer for the documents whose layout the generator owns
// (the raw LogEvent and the agent envelope). Writing them by hand keeps
// generation fast and the key order fixed, like a real producer's; the
// ECS documents, whose layout belongs to oktaecs, go through sonic.

// appendString appends s as a JSON string. It escapes what JSON requires
// (quote, backslash, control characters) and replaces invalid UTF-8 with
// U+FFFD, so the output is always valid JSON.
func appendString(dst []byte, s string) []byte {
	dst = append(dst, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c >= 0x20 && c != '"' && c != '\\' && c < utf8.RuneSelf {
			i++
			continue
		}
		if c >= utf8.RuneSelf {
			r, size := utf8.DecodeRuneInString(s[i:])
			if r == utf8.RuneError && size == 1 {
				dst = append(dst, s[start:i]...)
				dst = append(dst, `\ufffd`...)
				i++
				start = i
				continue
			}
			i += size
			continue
		}
		dst = append(dst, s[start:i]...)
		switch c {
		case '"', '\\':
			dst = append(dst, '\\', c)
		case '\n':
			dst = append(dst, '\\', 'n')
		case '\r':
			dst = append(dst, '\\', 'r')
		case '\t':
			dst = append(dst, '\\', 't')
		default:
			dst = append(dst, `\u00`...)
			dst = append(dst, hexLower[c>>4], hexLower[c&0xf])
		}
		i++
		start = i
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"')
}

// appendStringBytes is appendString for a byte slice (the raw event
// embedded as the envelope's message).
func appendStringBytes(dst, s []byte) []byte {
	return appendString(dst, bytesString(s))
}

// appendKey appends `"k":`; k must need no escaping (all keys written
// through it are literals of this package).
func appendKey(dst []byte, k string) []byte {
	dst = append(dst, '"')
	dst = append(dst, k...)
	return append(dst, '"', ':')
}

// appendField appends `"k":"v"`, or `"k":null` when v is empty: Okta
// writes absent optional strings as null.
func appendField(dst []byte, k, v string) []byte {
	dst = appendKey(dst, k)
	if v == "" {
		return append(dst, "null"...)
	}
	return appendString(dst, v)
}

// appendFloat appends a coordinate the way Okta writes them (shortest
// representation, no exponent for the magnitudes involved).
func appendFloat(dst []byte, f float64) []byte {
	return strconv.AppendFloat(dst, f, 'f', -1, 64)
}

// appendBool appends a JSON boolean.
func appendBool(dst []byte, b bool) []byte {
	if b {
		return append(dst, "true"...)
	}
	return append(dst, "false"...)
}

// stringLen returns the length of s encoded by appendString, without
// encoding it; the size planner uses it to cost debug data entries.
func stringLen(s string) int {
	n := 2
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '"' || c == '\\' || c == '\n' || c == '\r' || c == '\t':
			n += 2
		case c < 0x20:
			n += 6
		default:
			n++
		}
	}
	return n
}

// bytesString views b as a string without copying; the result must not
// outlive b's next modification (callers only read it immediately).
func bytesString(b []byte) string {
	return unsafe.String(unsafe.SliceData(b), len(b))
}

// appendInt appends a JSON integer.
func appendInt(dst []byte, n int) []byte {
	return strconv.AppendInt(dst, int64(n), 10)
}
