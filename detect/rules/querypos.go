package rules

import (
	"bytes"
	"strconv"
	"unicode/utf8"
)

// locateString works out where the text of the string value written at s
// starts in the file, so that a KQL error at (line, col) of the text can
// be reported at file:line:col.
//
// Elastic writes queries as multi-line literal strings (between triple
// single quotes), whose text is the file's bytes verbatim once TOML drops
// the newline right after the opening delimiter; the start position is
// then all that is needed. Basic strings (between double quotes) may hold
// escapes and line-ending backslashes, after which the text no longer
// lines up with the file; for those, every byte of the text is mapped to
// its place in the file.
//
// value is the string as go-toml decoded it. If this function's reading of
// the raw token disagrees with it (which would be a bug here, not in the
// file), the start position is returned alone, so positions stay close.
func locateString(ps *positions, s span, value string) (line, col int, mapping []filePos) {
	if s.end <= s.start || s.end > len(ps.data) {
		return 0, 0, nil
	}
	raw := ps.data[s.start:s.end]
	var delim string
	switch {
	case bytes.HasPrefix(raw, []byte(`'''`)):
		delim = `'''`
	case bytes.HasPrefix(raw, []byte(`"""`)):
		delim = `"""`
	case bytes.HasPrefix(raw, []byte(`'`)):
		delim = `'`
	case bytes.HasPrefix(raw, []byte(`"`)):
		delim = `"`
	default:
		return 0, 0, nil // not a string token
	}
	start, end := s.start+len(delim), s.end-len(delim)
	if end < start {
		return 0, 0, nil
	}
	if len(delim) == 3 {
		// A newline right after the opening delimiter is not part of the text.
		switch {
		case bytes.HasPrefix(ps.data[start:end], []byte("\n")):
			start++
		case bytes.HasPrefix(ps.data[start:end], []byte("\r\n")):
			start += 2
		}
	}
	line, col = ps.position(start)
	if delim[0] == '\'' || bytes.IndexByte(ps.data[start:end], '\\') < 0 {
		return line, col, nil // the text is the file's bytes
	}

	text, offsets, ok := unescapeBasic(ps.data[start:end], start)
	if !ok || text != value {
		return line, col, nil
	}
	mapping = make([]filePos, len(offsets)+1)
	for i, off := range offsets {
		l, c := ps.position(off)
		mapping[i] = filePos{int32(l), int32(c)}
	}
	l, c := ps.position(end) // one past the end: where the closing quote is
	mapping[len(offsets)] = filePos{int32(l), int32(c)}
	return line, col, mapping
}

// unescapeBasic decodes the body of a TOML basic string (single- or
// multi-line) and returns, for each byte of the result, the offset in the
// file of the character or escape it comes from; base is the offset of
// src[0]. ok is false when src holds an escape this does not understand.
func unescapeBasic(src []byte, base int) (text string, offsets []int, ok bool) {
	out := make([]byte, 0, len(src))
	offsets = make([]int, 0, len(src))
	for i := 0; i < len(src); {
		c := src[i]
		if c != '\\' {
			out = append(out, c)
			offsets = append(offsets, base+i)
			i++
			continue
		}
		if i+1 >= len(src) {
			return "", nil, false
		}
		var r rune
		width := 2 // backslash and escape letter
		switch e := src[i+1]; e {
		case 'b':
			r = '\b'
		case 't':
			r = '\t'
		case 'n':
			r = '\n'
		case 'f':
			r = '\f'
		case 'r':
			r = '\r'
		case 'e': // TOML 1.1
			r = 0x1b
		case '"', '\\':
			r = rune(e)
		case 'x', 'u', 'U': // \xHH is TOML 1.1
			digits := map[byte]int{'x': 2, 'u': 4, 'U': 8}[e]
			if i+2+digits > len(src) {
				return "", nil, false
			}
			v, err := strconv.ParseUint(string(src[i+2:i+2+digits]), 16, 32)
			if err != nil {
				return "", nil, false
			}
			r, width = rune(v), 2+digits
		case ' ', '\t', '\r', '\n':
			// A line-ending backslash drops the line break and all
			// whitespace up to the next visible character.
			j := i + 1
			for j < len(src) && (src[j] == ' ' || src[j] == '\t' || src[j] == '\r' || src[j] == '\n') {
				j++
			}
			i = j
			continue
		default:
			return "", nil, false
		}
		n := len(out)
		out = utf8.AppendRune(out, r)
		for range len(out) - n {
			offsets = append(offsets, base+i)
		}
		i += width
	}
	return string(out), offsets, true
}
