package kql

import "fmt"

// Pos is a position in the query text.
//
// Offset is a byte offset from the start of the query. Line and Col are
// 1-based; a line ends at '\n', and columns count bytes, not characters, so
// that a position can always be mapped back onto the bytes a rule file holds.
type Pos struct {
	Offset int
	Line   int
	Col    int
}

// String returns "line L, column C".
func (p Pos) String() string {
	return fmt.Sprintf("line %d, column %d", p.Line, p.Col)
}

// SyntaxError reports a query that is not valid KQL. Every error returned by
// [Parse] is a *SyntaxError.
//
// Pos points at the offending token: the character that could not be read,
// or the end of the query when more was expected. Msg says what was expected
// and what was found, for example
//
//	expected a value after "event.action:" but found end of query
type SyntaxError struct {
	Pos Pos
	Msg string
}

// Error returns "line L, column C: msg".
func (e *SyntaxError) Error() string {
	return e.Pos.String() + ": " + e.Msg
}
