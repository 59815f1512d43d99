package kql

// Value is what follows "field:" in a [Match].
//
// The concrete types are [Literal], [Exists], [ValueAnd], [ValueOr] and
// [ValueNot]; the set is closed. As with [Node], [Parse] stores them as
// values. A value list such as field:(a or not b) means the same as the
// query (field:a or not field:b); the value nodes keep the list's shape so
// that a compiler can evaluate the field once.
type Value interface {
	// Position returns where the value starts in the query text.
	Position() Pos
	// String returns the value as canonical KQL, in the form it takes after
	// "field:". Compound values are therefore parenthesised: (a or b).
	String() string

	value()
}

// ValueAnd is true when the field matches every child. It has at least two
// children; like [And], a run of "and" at one level is one ValueAnd.
type ValueAnd struct {
	Children []Value
	Pos      Pos // start of the first child
}

// ValueOr is true when the field matches any child. It has at least two
// children.
type ValueOr struct {
	Children []Value
	Pos      Pos // start of the first child
}

// ValueNot negates its child, as in field:(* and not "Okta").
type ValueNot struct {
	Child Value
	Pos   Pos // the "not" keyword
}

// Exists is a lone unquoted '*' as a value: field:* is true when the field
// is present, and field:(* and not x) when it is present and is not x.
// A quoted "*" is a [Literal], and so is any longer wildcard such as **.
//
// As a free-text term (a bare * in a query) Exists has no field; Kibana
// then sends "*" as a query_string query over all fields.
type Exists struct {
	Pos Pos
}

// Literal is one value: a quoted phrase or an unquoted word or words.
//
// Text is the value with escapes resolved. A quoted phrase keeps every
// character between the quotes. An unquoted literal is what Kibana makes of
// it: the characters up to the next operator, parenthesis, brace, colon,
// range operator or quote, with whitespace around them trimmed and inner
// whitespace kept (field:a b is the one value "a b").
//
// An unquoted literal with unescaped '*' characters is a wildcard pattern:
// Parts is Text split at each wildcard, so `*adm\*in*` has Parts
// ["", "adm*in", ""] and matches any text that starts with "", then has
// "adm*in", then ends with "". For a wildcard, Text is Parts joined with
// "*", for display only: it cannot tell a wildcard from an escaped \*. A
// quoted phrase is never a wildcard and its Parts is nil.
//
// Kibana turns the unquoted words true, false and null (exactly those,
// lower case) into JSON true, false and null. Literal keeps them as
// text; Quoted tells them apart from the quoted strings "true" and so on.
type Literal struct {
	Text   string
	Quoted bool
	Parts  []string
	Pos    Pos // first character of the literal: the opening quote for a quoted phrase
}

// IsWildcard reports whether l is a wildcard pattern, that is whether
// Parts is non-nil.
func (l Literal) IsWildcard() bool { return l.Parts != nil }

func (v ValueAnd) Position() Pos { return v.Pos }
func (v ValueOr) Position() Pos  { return v.Pos }
func (v ValueNot) Position() Pos { return v.Pos }
func (v Exists) Position() Pos   { return v.Pos }
func (v Literal) Position() Pos  { return v.Pos }

func (ValueAnd) value() {}
func (ValueOr) value()  {}
func (ValueNot) value() {}
func (Exists) value()   {}
func (Literal) value()  {}
