package detect

import (
	"bytes"
	"errors"
	"fmt"

	"github.com/bytedance/sonic"
)

// validateJSON checks that rec is valid JSON (RFC 8259). sonic's
// validator checks the grammar at several GB/s but accepts any escape
// sequence and raw control characters; the two scans after it close those
// gaps. UTF-8 validity was checked by frame.
func validateJSON(rec []byte) error {
	if !sonic.Valid(rec) {
		return &DecodeError{Reason: ReasonInvalidJSON, Err: errors.New("not valid JSON")}
	}
	for i := 0; i < len(rec); {
		j := indexControl(rec[i:])
		if j < 0 {
			break
		}
		if c := rec[i+j]; c != '\t' && c != '\n' && c != '\r' {
			return &DecodeError{Reason: ReasonInvalidJSON, Err: fmt.Errorf("control character 0x%02x at byte %d", c, i+j)}
		}
		i += j + 1
	}
	for i := 0; ; {
		j := bytes.IndexByte(rec[i:], '\\')
		if j < 0 {
			return nil
		}
		p := i + j
		if p+1 >= len(rec) {
			return &DecodeError{Reason: ReasonInvalidJSON, Err: fmt.Errorf("dangling escape at byte %d", p)}
		}
		switch rec[p+1] {
		case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
			i = p + 2
		case 'u':
			if p+6 > len(rec) {
				return &DecodeError{Reason: ReasonInvalidJSON, Err: fmt.Errorf("short \\u escape at byte %d", p)}
			}
			if _, ok := hex4(rec[p+2 : p+6]); !ok {
				return &DecodeError{Reason: ReasonInvalidJSON, Err: fmt.Errorf("bad \\u escape at byte %d", p)}
			}
			i = p + 6
		default:
			return &DecodeError{Reason: ReasonInvalidJSON, Err: fmt.Errorf("invalid escape \\%c at byte %d", rec[p+1], p)}
		}
	}
}

// countOpeners counts '{' and '[' bytes: an upper bound of the nesting
// depth (brackets inside strings only make it larger), computed with
// vectorised scans.
func countOpeners(b []byte) int {
	return bytes.Count(b, openBrace) + bytes.Count(b, openBracket)
}

var (
	openBrace   = []byte{'{'}
	openBracket = []byte{'['}
)

// nestingDepth returns the deepest nesting of objects and arrays in b,
// skipping strings.
func nestingDepth(b []byte) int {
	depth, deepest := 0, 0
	for i := 0; i < len(b); i++ {
		switch b[i] {
		case '"':
			e, err := skipString(b, i)
			if err != nil {
				return deepest
			}
			i = e - 1
		case '{', '[':
			depth++
			if depth > deepest {
				deepest = depth
			}
		case '}', ']':
			depth--
		}
	}
	return deepest
}
