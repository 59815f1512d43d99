package rules

import "strconv"

// Error is a problem with a rule file: it cannot be read, is not valid
// TOML, or breaks the rule schema. It points at the offending key or value
// so that an engineer can go straight to it.
//
// [Load] and [Parse] report every problem they find, joined with
// [errors.Join]; use [errors.As] to get at the first *Error, or range over
// the joined errors to list them all.
type Error struct {
	File string // path as given to Load or Parse, or "builtin:<name>"
	Line int    // 1-based; 0 when the problem concerns the whole file, e.g. it cannot be read
	Col  int    // 1-based, counted in bytes
	Msg  string
	Err  error // underlying cause, if any (a *toml.DecodeError, an fs error, ...)
}

// Error returns "file:line:col: msg", the form editors and CI annotations
// recognise, or "file: msg" when there is no position.
func (e *Error) Error() string {
	if e.Line <= 0 {
		return e.File + ": " + e.Msg
	}
	return e.File + ":" + strconv.Itoa(e.Line) + ":" + strconv.Itoa(e.Col) + ": " + e.Msg
}

// Unwrap returns the underlying cause, if any.
func (e *Error) Unwrap() error { return e.Err }
