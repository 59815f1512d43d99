package detect

import (
	"errors"
	"fmt"

	"github.com/bytedance/sonic/decoder"
)

// Reasons a record could not be read. They are short, stable codes: they
// label the oktadetect_decode_errors_total metric and the dead-letter
// header.
const (
	ReasonEmpty          = "empty"           // no bytes, or only white space
	ReasonTooLarge       = "too_large"       // over the configured size limit
	ReasonInvalidUTF8    = "invalid_utf8"    // not UTF-8 (often binary data)
	ReasonNotObject      = "not_object"      // valid or not, not a JSON object
	ReasonInvalidJSON    = "invalid_json"    // not valid JSON
	ReasonTooDeep        = "too_deep"        // nested deeper than the limit
	ReasonInvalidMessage = "invalid_message" // an envelope whose message is not a valid JSON object
)

// DecodeError reports a record that is not a readable event. It never
// carries the record's content: these errors end up in logs.
type DecodeError struct {
	Reason string // one of the Reason constants
	Err    error
}

func (e *DecodeError) Error() string {
	if e.Err == nil {
		return e.Reason
	}
	return fmt.Sprintf("%s: %v", e.Reason, e.Err)
}

func (e *DecodeError) Unwrap() error { return e.Err }

// jsonError turns a sonic decode error into one that says where and what,
// but not the surrounding text: sonic's own messages quote the input.
func jsonError(err error) error {
	var sv decoder.SyntaxError
	if errors.As(err, &sv) {
		return fmt.Errorf("syntax error at byte %d: %s", sv.Pos, sv.Message())
	}
	var sp *decoder.SyntaxError
	if errors.As(err, &sp) {
		return fmt.Errorf("syntax error at byte %d: %s", sp.Pos, sp.Message())
	}
	return errors.New("malformed JSON")
}
