// Package kql parses KQL, the Kibana Query Language, into a syntax tree.
//
// KQL is the language of Elastic detection rules whose language is
// "kuery", for example
//
//	data_stream.dataset:okta.system and event.action:(zone.update or zone.delete)
//
// [Parse] turns such a query into a tree of [Node] values; a compiler turns
// the tree into a matcher. The parser follows Kibana's own grammar (package
// kbn-es-query, kuery/grammar/grammar.peggy) character for character,
// quirks included, so that a rule means here what it means in Kibana. It
// was checked against that grammar compiled by peggy on hundreds of
// thousands of random queries; the places where it departs on purpose are
// listed at the end.
//
// # Queries
//
// A query is one or more conditions joined by the operators "and", "or" and
// "not", grouped with parentheses. "not" binds tightest, then "and", then
// "or", so a or b and not c means a or (b and (not c)). Operators are
// case-insensitive (and, AND, And). "and" and "or" need whitespace on both
// sides and "not" needs whitespace after it: not(a:b) and a:b and(c:d) are
// errors. A double negation needs parentheses: not (not a:b).
// Whitespace is space, tab, carriage return, line feed and U+00A0
// (no-break space); queries may span lines.
//
// The conditions are
//
//	field:value         the field has the value               Match
//	field:(a or not b)  a boolean combination of values       Match
//	field:*             the field exists                      Match with Exists
//	field < value       also <=, > and >=                     Range
//	field:{ query }     one object of a nested field matches  Nested
//	value               free text: any field has the value    Match with Field ""
//
// Whitespace is allowed around ":" and range operators. A field name is
// written like a value (quoted or not) and keeps its dots
// (okta.target.alternate_id). Inside field:{ ... }, field names are relative
// to the outer field.
//
// # Values
//
// A quoted value ("Okta Admin Console") is a phrase: everything between the
// quotes, spaces and keywords included.
//
// An unquoted value is a run of characters that ends at the first of
//   - one of ( ) : < > " { } (unless escaped) or the end of the query,
//   - whitespace followed by "and" or "or" and whitespace,
//   - "not" followed by whitespace, even in the middle of a word.
//
// Whitespace before those ends is part of the run; Kibana then trims
// whitespace from both ends and keeps inner whitespace, so field:a b is the
// single value "a b", and a:b c:d is an error (the value "b c" is followed
// by a colon). The last rule means field:cannot stop is an error too: quote
// such values. A trailing operator with nothing after it is text: a:b or is
// the value "b or", but a:b or with a space after it is an error.
//
// The unquoted words true, false and null become JSON booleans and null in
// Kibana; here they stay text and [Literal.Quoted] tells them apart from
// "true". Numbers and dates are text too; their meaning depends on the
// field's type.
//
// # Value lists
//
// After "field:", parentheses hold a boolean combination of values with the
// same operators, precedence and whitespace rules as queries:
//
//	okta.authentication_context.issuer.id:(* and not "Okta")
//
// means the field exists and is not "Okta". A bare "not" is not allowed
// directly after the colon: write field:(not x), or not field:x. Lists
// nest: field:((a or b) and not c).
//
// # Wildcards
//
// In an unquoted value, '*' matches any characters, including none:
// okta*, *administrator*. A lone * as a value means "exists". '?' is an
// ordinary character, not a wildcard, and a quoted value never has
// wildcards. A field name may contain '*' too (okta.target.*:x, or *:x for
// any field); Match, Range and Nested record that in FieldParts and
// HasWildcardField. The empty query, and one of only whitespace, matches
// everything, as in Kibana: it parses to the tree of *:*.
//
// # Escapes
//
// In an unquoted value a backslash escapes the characters
// \ ( ) : < > " * { } (\* is a literal asterisk), and the keywords
// (\or, \AND); \t, \r and \n are a tab, carriage return and newline, and
// \uXXXX is the UTF-16 code unit XXXX. A backslash before anything else,
// including a space, is an error. Note that \n wins over \not: \not is a
// newline followed by "ot"; write \NOT or \Not. Escaped whitespace is
// trimmed from the ends like any other.
//
// In a quoted value \" and \\ stand for themselves, and \t, \r, \n and
// \uXXXX are as above; a backslash before anything else is an ordinary
// character, so "C:\Windows" needs no doubling.
//
// # Errors
//
// Every error is a *[SyntaxError] whose position points at the offending
// token and whose message says what was expected and what was found:
//
//	line 2, column 5: expected a value after "event.action:" but found end of query
//
// Parse runs in time linear in the length of the query and never panics.
// Nesting of parentheses, braces and "not" is limited to [MaxDepth] levels.
//
// # Printing
//
// Every node's String method prints canonical KQL: "and" and "or" with one
// space on each side, field:value without spaces, field < value with
// spaces, parentheses only where precedence needs them, and escapes where
// text would otherwise read differently. Parsing that output gives the
// same tree, positions aside.
//
// # Differences from Kibana
//
//   - Kibana turns an unquoted null field name into "no field", so null:x
//     searches all fields for x (and inside a nested query, a field named
//     "null"). Parse rejects it; "null":x names a field called null.
//   - An empty field name ("":x, or \t:x which trims to nothing) is an
//     error; Kibana would query a field named "".
//   - A \uXXXX escape for half of a UTF-16 surrogate pair, without the
//     other half right after it, is an error: the text has no UTF-8 form.
//     Kibana keeps the lone half, which matches nothing.
//   - A query that is not valid UTF-8 is an error. Kibana receives text
//     that has already been decoded.
//   - Nesting deeper than MaxDepth is an error. Kibana's limit is the
//     JavaScript stack.
//   - Kibana can be configured to reject leading wildcards (*admin); this
//     parser always accepts them, which is Kibana's default.
package kql
