package kql

import "strconv"

// Node is a query: a boolean combination of field conditions.
//
// The concrete types are [And], [Or], [Not], [Match], [Range] and [Nested];
// the set is closed. [Parse] stores them as values (And, not *And), so a
// type switch over a parsed tree uses the value types.
type Node interface {
	// Position returns where the node starts in the query text.
	Position() Pos
	// String returns the node as canonical KQL; see the package
	// documentation for the form.
	String() string

	node()
}

// And is true when every child is true. It has at least two children.
//
// A run of "and" at one level becomes one And (a and b and c has three
// children). A parenthesised group stays a child of its own, as in Kibana:
// (a and b) and c is an And whose first child is an And.
type And struct {
	Children []Node
	Pos      Pos // start of the first child
}

// Or is true when any child is true. It has at least two children and is
// built like [And].
type Or struct {
	Children []Node
	Pos      Pos // start of the first child
}

// Not negates its child.
type Not struct {
	Child Node
	Pos   Pos // the "not" keyword
}

// Match is field:value, or a free-text term when Field is "".
//
// Value is a single [Literal], an [Exists] for field:*, or a boolean
// combination of those from a value list such as field:(a or b). A
// free-text term (a value with no field) is always a single Literal or
// Exists.
//
// Field keeps its dots (okta.target.alternate_id) and has its escapes
// resolved. When the field name holds unescaped '*' wildcards, FieldParts is
// Field split at each wildcard, exactly like [Literal.Parts]; otherwise it
// is nil. Inside a [Nested] query, Field is relative to the Nested path.
type Match struct {
	Field      string
	FieldParts []string
	Value      Value
	Pos        Pos // start of the field, or of the value for free text
}

// HasWildcardField reports whether the field name contains a wildcard and
// so names a pattern of fields rather than one field.
func (m Match) HasWildcardField() bool { return m.FieldParts != nil }

// IsFreeText reports whether m is a value without a field, which Kibana
// searches for in every field.
func (m Match) IsFreeText() bool { return m.Field == "" }

// RangeOp is the comparison of a [Range].
type RangeOp uint8

// Range operators. The zero RangeOp is not a valid operator.
const (
	LT  RangeOp = iota + 1 // <
	LTE                    // <=
	GT                     // >
	GTE                    // >=
)

// String returns the operator as written in KQL ("<", "<=", ">", ">="), or
// "RangeOp(n)" for an invalid value.
func (op RangeOp) String() string {
	switch op {
	case LT:
		return "<"
	case LTE:
		return "<="
	case GT:
		return ">"
	case GTE:
		return ">="
	}
	return "RangeOp(" + strconv.Itoa(int(op)) + ")"
}

// Range is field < value, field <= value, field > value or field >= value.
// The value is one literal, quoted or not; KQL has no value lists for
// ranges. An unquoted value may contain wildcards (Kibana passes them on to
// Elasticsearch verbatim); a compiler will usually reject those.
// Field and FieldParts are as in [Match].
type Range struct {
	Field      string
	FieldParts []string
	Op         RangeOp
	Value      Literal
	Pos        Pos // start of the field
}

// HasWildcardField reports whether the field name contains a wildcard.
func (r Range) HasWildcardField() bool { return r.FieldParts != nil }

// Nested is field:{ query }: Query must hold for a single object of the
// nested field Field. Field names inside Query are relative to Field;
// Kibana prefixes them with Field and a dot before querying.
// Field and FieldParts are as in [Match].
type Nested struct {
	Field      string
	FieldParts []string
	Query      Node
	Pos        Pos // start of the field
}

// HasWildcardField reports whether the nested path contains a wildcard.
func (n Nested) HasWildcardField() bool { return n.FieldParts != nil }

func (n And) Position() Pos    { return n.Pos }
func (n Or) Position() Pos     { return n.Pos }
func (n Not) Position() Pos    { return n.Pos }
func (n Match) Position() Pos  { return n.Pos }
func (n Range) Position() Pos  { return n.Pos }
func (n Nested) Position() Pos { return n.Pos }

func (And) node()    {}
func (Or) node()     {}
func (Not) node()    {}
func (Match) node()  {}
func (Range) node()  {}
func (Nested) node() {}

// Walk calls visit for n and then, if visit returned true, walks each child
// query of n in order: the children of And and Or, the child of Not and the
// query of Nested. Values inside a Match are not visited. A nil n is not
// visited.
func Walk(n Node, visit func(Node) bool) {
	if n == nil || !visit(n) {
		return
	}
	switch n := n.(type) {
	case And:
		for _, c := range n.Children {
			Walk(c, visit)
		}
	case Or:
		for _, c := range n.Children {
			Walk(c, visit)
		}
	case Not:
		Walk(n.Child, visit)
	case Nested:
		Walk(n.Query, visit)
	}
}
