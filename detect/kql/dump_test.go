package kql

import (
	"strconv"
	"strings"
)

// dump prints the exact shape of a tree, every field but positions, so that
// tests can state expected trees compactly:
//
//	and(match("a", u"b"), not(match("c", vor(q"d", w["e",""]))))
//
// Queries are and(...), or(...), not(...), match(field, value),
// text(value) for free text, range(field op value) and nested(field, query).
// Values are vand(...), vor(...), vnot(...), exists, q"quoted",
// u"unquoted" and w["wildcard","parts"]. A field is "name" or w[parts].
func dump(n Node) string {
	var b strings.Builder
	dumpNode(&b, n)
	return b.String()
}

func dumpNode(b *strings.Builder, n Node) {
	switch n := n.(type) {
	case And:
		dumpList(b, "and", len(n.Children), func(i int) { dumpNode(b, n.Children[i]) })
	case Or:
		dumpList(b, "or", len(n.Children), func(i int) { dumpNode(b, n.Children[i]) })
	case Not:
		b.WriteString("not(")
		dumpNode(b, n.Child)
		b.WriteString(")")
	case Match:
		if n.IsFreeText() {
			b.WriteString("text(")
		} else {
			b.WriteString("match(" + dumpField(n.Field, n.FieldParts) + ", ")
		}
		dumpValue(b, n.Value)
		b.WriteString(")")
	case Range:
		b.WriteString("range(" + dumpField(n.Field, n.FieldParts) + " " + n.Op.String() + " ")
		dumpValue(b, n.Value)
		b.WriteString(")")
	case Nested:
		b.WriteString("nested(" + dumpField(n.Field, n.FieldParts) + ", ")
		dumpNode(b, n.Query)
		b.WriteString(")")
	default:
		b.WriteString("?node")
	}
}

func dumpValue(b *strings.Builder, v Value) {
	switch v := v.(type) {
	case ValueAnd:
		dumpList(b, "vand", len(v.Children), func(i int) { dumpValue(b, v.Children[i]) })
	case ValueOr:
		dumpList(b, "vor", len(v.Children), func(i int) { dumpValue(b, v.Children[i]) })
	case ValueNot:
		b.WriteString("vnot(")
		dumpValue(b, v.Child)
		b.WriteString(")")
	case Exists:
		b.WriteString("exists")
	case Literal:
		switch {
		case v.Quoted:
			b.WriteString("q" + strconv.Quote(v.Text))
		case v.Parts != nil:
			b.WriteString(dumpParts(v.Parts))
		default:
			b.WriteString("u" + strconv.Quote(v.Text))
		}
	default:
		b.WriteString("?value")
	}
}

func dumpList(b *strings.Builder, name string, n int, child func(int)) {
	b.WriteString(name + "(")
	for i := 0; i < n; i++ {
		if i > 0 {
			b.WriteString(", ")
		}
		child(i)
	}
	b.WriteString(")")
}

func dumpField(name string, parts []string) string {
	if parts != nil {
		return dumpParts(parts)
	}
	return strconv.Quote(name)
}

func dumpParts(parts []string) string {
	q := make([]string, len(parts))
	for i, p := range parts {
		q[i] = strconv.Quote(p)
	}
	return "w[" + strings.Join(q, ",") + "]"
}
