package detect

import (
	"bytes"
	"errors"
)

// The decode types hand leaf and list nodes the raw bytes of one JSON
// value. The small scanner here splits arrays into elements; sonic has
// already checked the structure of the bytes it handed over, so this needs
// to be correct on valid JSON and merely safe (no panic, an error) on
// anything else.

var errBadArray = errors.New("malformed JSON array")

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

func trimSpace(b []byte) []byte {
	for len(b) > 0 && isSpace(b[0]) {
		b = b[1:]
	}
	for len(b) > 0 && isSpace(b[len(b)-1]) {
		b = b[:len(b)-1]
	}
	return b
}

func indexByte(b []byte, c byte) int { return bytes.IndexByte(b, c) }

// isEmptyObject reports whether b (which starts with '{') is {} with
// optional white space.
func isEmptyObject(b []byte) bool {
	return len(trimSpace(b[1:])) == 1
}

// elements iterates over the elements of the JSON array b (b[0] is '['),
// without allocating:
//
//	it := elements{b: b, i: 1}
//	for it.next() { use(it.elem) }
//	return it.failure()
type elements struct {
	b    []byte
	i    int
	elem []byte
	err  error
}

func (it *elements) next() bool {
	start, end, next, ok, err := nextElement(it.b, it.i)
	if err != nil || !ok {
		it.err = err
		return false
	}
	it.elem, it.i = it.b[start:end], next
	return true
}

// failure is the DecodeError that stopped the iteration, if any.
func (it *elements) failure() error {
	if it.err != nil {
		return &DecodeError{Reason: ReasonInvalidJSON, Err: it.err}
	}
	return nil
}

// nextElement returns the bounds of the array element that starts at or
// after b[i] (skipping white space and one comma), and the index to resume
// from. ok is false at the closing bracket. b[0] must be '['.
func nextElement(b []byte, i int) (start, end, next int, ok bool, err error) {
	for i < len(b) && (isSpace(b[i]) || b[i] == ',') {
		i++
	}
	if i >= len(b) {
		return 0, 0, 0, false, errBadArray
	}
	if b[i] == ']' {
		return 0, 0, i + 1, false, nil
	}
	end, err = skipValue(b, i)
	if err != nil {
		return 0, 0, 0, false, err
	}
	return i, end, end, true, nil
}

// skipValue returns the index just past the JSON value starting at b[i].
func skipValue(b []byte, i int) (int, error) {
	if i >= len(b) {
		return 0, errBadArray
	}
	switch b[i] {
	case '"':
		return skipString(b, i)
	case '{', '[':
		depth := 0
		for j := i; j < len(b); j++ {
			switch b[j] {
			case '"':
				e, err := skipString(b, j)
				if err != nil {
					return 0, err
				}
				j = e - 1
			case '{', '[':
				depth++
			case '}', ']':
				depth--
				if depth == 0 {
					return j + 1, nil
				}
			}
		}
		return 0, errBadArray
	default:
		j := i
		for j < len(b) && b[j] != ',' && b[j] != ']' && b[j] != '}' && !isSpace(b[j]) {
			j++
		}
		if j == i {
			return 0, errBadArray
		}
		return j, nil
	}
}

// skipString returns the index just past the string starting at b[i]=='"'.
func skipString(b []byte, i int) (int, error) {
	j := i + 1
	for {
		k := bytes.IndexByte(b[j:], '"')
		if k < 0 {
			return 0, errBadArray
		}
		j += k
		// An odd run of backslashes before the quote escapes it.
		bs := 0
		for m := j - 1; m > i && b[m] == '\\'; m-- {
			bs++
		}
		if bs%2 == 0 {
			return j + 1, nil
		}
		j++
	}
}
