package kql

import (
	"errors"
	"reflect"
	"strings"
	"testing"
)

func TestParse(t *testing.T) {
	tests := []struct {
		name, query, want string
	}{
		// Field and value.
		{"field:value", "data_stream.dataset:okta.system", `match("data_stream.dataset", u"okta.system")`},
		{"space after colon", "event.action: user.session.start", `match("event.action", u"user.session.start")`},
		{"spaces around colon", "event.action : x", `match("event.action", u"x")`},
		{"newline after colon", "a:\n   b", `match("a", u"b")`},
		{"surrounding whitespace", "\n\t a:b \n", `match("a", u"b")`},
		{"quoted field", `"a b":c`, `match("a b", u"c")`},
		{"escaped colon in field", `a\:b:c`, `match("a:b", u"c")`},

		// Operators and precedence.
		{"and", "a:1 and b:2", `and(match("a", u"1"), match("b", u"2"))`},
		{"and flattens a run", "a:1 and b:2 and c:3", `and(match("a", u"1"), match("b", u"2"), match("c", u"3"))`},
		{"or flattens a run", "a:1 or b:2 or c:3", `or(match("a", u"1"), match("b", u"2"), match("c", u"3"))`},
		{"and binds tighter than or", "a:1 or b:2 and c:3", `or(match("a", u"1"), and(match("b", u"2"), match("c", u"3")))`},
		{"and before or", "a:1 and b:2 or c:3", `or(and(match("a", u"1"), match("b", u"2")), match("c", u"3"))`},
		{"not binds tightest", "not a:1 and b:2", `and(not(match("a", u"1")), match("b", u"2"))`},
		{"parentheses group", "(a:1 or b:2) and c:3", `and(or(match("a", u"1"), match("b", u"2")), match("c", u"3"))`},
		{"parenthesised and stays a child", "(a:1 and b:2) and c:3", `and(and(match("a", u"1"), match("b", u"2")), match("c", u"3"))`},
		{"and not group", "a:b and not (c:d or e:f)", `and(match("a", u"b"), not(or(match("c", u"d"), match("e", u"f"))))`},
		{"upper case", "a:1 AND NOT b:2 OR c:3", `or(and(match("a", u"1"), not(match("b", u"2"))), match("c", u"3"))`},
		{"mixed case", "nOt a:1 And b:2 oR c:3", `or(and(not(match("a", u"1")), match("b", u"2")), match("c", u"3"))`},
		{"double not in parentheses", "not (not a:1)", `not(not(match("a", u"1")))`},
		{"operators across lines", "a:1\nand\n  b:2", `and(match("a", u"1"), match("b", u"2"))`},
		{"no-break space is whitespace", "a:1\u00a0and\u00a0b:2", `and(match("a", u"1"), match("b", u"2"))`},
		{"redundant parentheses", "((a:b))", `match("a", u"b")`},

		// Value lists.
		{"value list", "event.action:(zone.update or network_zone.rule.disabled)", `match("event.action", vor(u"zone.update", u"network_zone.rule.disabled"))`},
		{"list precedence", "f:(a or b and not c)", `match("f", vor(u"a", vand(u"b", vnot(u"c"))))`},
		{"exists and not quoted", `f:(* and not "Okta")`, `match("f", vand(exists, vnot(q"Okta")))`},
		{"nested list", "f:((a or b) and not c)", `match("f", vand(vor(u"a", u"b"), vnot(u"c")))`},
		{"not of a list", "f:(not (a or b))", `match("f", vnot(vor(u"a", u"b")))`},
		{"single value in parentheses", "f:(a)", `match("f", u"a")`},
		{"multi-line list", "f: (\n  \"a\" or\n  b\n)", `match("f", vor(q"a", u"b"))`},
		{"quoted keywords in a list", `f:("or" or "and")`, `match("f", vor(q"or", q"and"))`},
		{"values with spaces in a list", "f:(a b or c d)", `match("f", vor(u"a b", u"c d"))`},
		{"trailing or in a list is text", "f:(a or)", `match("f", u"a or")`},

		// Exists and wildcards.
		{"exists", "f:*", `match("f", exists)`},
		{"exists after space", "f: *", `match("f", exists)`},
		{"two stars are a wildcard", "f:**", `match("f", w["","",""])`},
		{"quoted star", `f:"*"`, `match("f", q"*")`},
		{"escaped star", `f:\*`, `match("f", u"*")`},
		{"escaped then wildcard", `f:\**`, `match("f", w["*",""])`},
		{"contains", "f:*administrator*", `match("f", w["","administrator",""])`},
		{"prefix", "f:okta*", `match("f", w["okta",""])`},
		{"suffix", "f:*okta", `match("f", w["","okta"])`},
		{"escaped star inside wildcard", `f:*adm\*in*`, `match("f", w["","adm*in",""])`},
		{"question mark is literal", "f:a?b", `match("f", u"a?b")`},
		{"wildcard with inner space", "f:* a", `match("f", w[""," a"])`},
		{"wildcard field", "okta.*:x", `match(w["okta.",""], u"x")`},
		{"any field", "*:x", `match(w["",""], u"x")`},
		{"match all", "*:*", `match(w["",""], exists)`},
		{"escaped star field", `\*:x`, `match("*", u"x")`},

		// Quoted strings.
		{"phrase", `f:"a b"`, `match("f", q"a b")`},
		{"escaped quotes", `f:"a \"quoted\" phrase"`, `match("f", q"a \"quoted\" phrase")`},
		{"keyword as phrase", `f:"or"`, `match("f", q"or")`},
		{"empty phrase", `f:""`, `match("f", q"")`},
		{"backslash before other is kept", `f:"C:\Windows"`, `match("f", q"C:\\Windows")`},
		{"escaped backslash", `f:"a\\b"`, `match("f", q"a\\b")`},
		{"escaped whitespace", `f:"a\tb\nc\rd"`, `match("f", q"a\tb\nc\rd")`},
		{"unicode escape", `f:"\u00e9\u00C9"`, `match("f", q"éÉ")`},
		{"surrogate pair", `f:"\uD83D\uDE00"`, `match("f", q"😀")`},
		{"short unicode escape is literal", `f:"\u12"`, `match("f", q"\\u12")`},
		{"raw newline", "f:\"a\nb\"", `match("f", q"a\nb")`},
		{"single quotes are ordinary", "f:'x'", `match("f", u"'x'")`},

		// Unquoted literals.
		{"inner space kept", "f:a b", `match("f", u"a b")`},
		{"inner spaces kept exactly", "f:a  b", `match("f", u"a  b")`},
		{"field with space", "a b:c", `match("a b", u"c")`},
		{"trailing whitespace trimmed", "f:a \t", `match("f", u"a")`},
		{"unicode space trimmed", "f:\u2003a\u2003", `match("f", u"a")`},
		{"BOM trimmed", "f:\ufeffa", `match("f", u"a")`},
		{"NEL not trimmed", "f:a\u0085", `match("f", u"a\u0085")`},
		{"word containing or", "f:orange", `match("f", u"orange")`},
		{"or at end is text", "a:b or", `match("a", u"b or")`},
		{"and at end is text", "a:b and", `match("a", u"b and")`},
		{"lone not is text", "not", `text(u"not")`},
		{"lone and is text", "and", `text(u"and")`},
		{"not at end of value", "f:a not", `match("f", u"a not")`},
		{"escaped or", `f:a \or b`, `match("f", u"a or b")`},
		{"escaped NOT keeps case", `f:\NOT x`, `match("f", u"NOT x")`},
		{"backslash n is a newline, not \\not", `f:\not`, `match("f", u"ot")`},
		{"escaped specials", `f:\(\)\:\<\>\{\}\"\\`, `match("f", u"():<>{}\"\\")`},
		{"escaped whitespace trimmed", `f:\tx\n`, `match("f", u"x")`},
		{"escaped whitespace inside kept", `f:a\tb`, `match("f", u"a\tb")`},
		{"only escaped whitespace", `f:\t`, `match("f", u"")`},
		{"unicode escape", `f:\u00e9t\u00E9`, `match("f", u"été")`},
		{"unicode surrogate pair", `f:\uD83D\uDE00`, `match("f", u"😀")`},
		{"escaped space code trimmed", `f:a\u0020`, `match("f", u"a")`},
		{"non-ASCII", "f:日本語", `match("f", u"日本語")`},
		{"email", "f:user@example.com", `match("f", u"user@example.com")`},

		// Booleans, numbers and null stay text.
		{"true", "f:true", `match("f", u"true")`},
		{"quoted true", `f:"true"`, `match("f", q"true")`},
		{"number", "f:-1.5e3", `match("f", u"-1.5e3")`},
		{"null value", "f:null", `match("f", u"null")`},
		{"quoted null field", `"null":x`, `match("null", u"x")`},
		{"true field", "true:x", `match("true", u"x")`},

		// Ranges.
		{"lt", "f<5", `range("f" < u"5")`},
		{"lte", "f <= 5", `range("f" <= u"5")`},
		{"gt", "f>5", `range("f" > u"5")`},
		{"gte", "f >= 5", `range("f" >= u"5")`},
		{"date", `@timestamp >= "2024-01-01"`, `range("@timestamp" >= q"2024-01-01")`},
		{"date math", "@timestamp < now-1d", `range("@timestamp" < u"now-1d")`},
		{"range value ends at and", "f < 5 and g:b", `and(range("f" < u"5"), match("g", u"b"))`},
		{"range value after newline", "f <\n5", `range("f" < u"5")`},
		{"equals is part of the value", "f< =5", `range("f" < u"=5")`},
		{"wildcard range value", "f<a*", `range("f" < w["a",""])`},
		{"lone star range value is a literal", "f<*", `range("f" < w["",""])`},
		{"wildcard range field", "f*<5", `range(w["f",""] < u"5")`},
		{"negated range", "not f>5", `not(range("f" > u"5"))`},

		// Nested.
		{"nested", "okta.target:{ type:User and alternate_id:x }", `nested("okta.target", and(match("type", u"User"), match("alternate_id", u"x")))`},
		{"nested tight", "a:{b:c}", `nested("a", match("b", u"c"))`},
		{"nested in nested", "a:{ b:{ c:d } }", `nested("a", nested("b", match("c", u"d")))`},
		{"nested with list", "a:{ b:(x or y) }", `nested("a", match("b", vor(u"x", u"y")))`},
		{"nested free text", "a:{ b }", `nested("a", text(u"b"))`},
		{"nested then and", "a:{b:c} and d:e", `and(nested("a", match("b", u"c")), match("d", u"e"))`},

		// Free text.
		{"free text", "foo", `text(u"foo")`},
		{"free text with space", "foo bar", `text(u"foo bar")`},
		{"free phrase", `"foo bar"`, `text(q"foo bar")`},
		{"free exists", "*", `text(exists)`},
		{"free text and", "foo and not bar", `and(text(u"foo"), not(text(u"bar")))`},

		// Empty queries match everything, as *:* does.
		{"empty", "", `match(w["",""], exists)`},
		{"whitespace only", " \n\t\u00a0", `match(w["",""], exists)`},

		// Rule-style multi-line query.
		{"multi-line rule", "data_stream.dataset:okta.system\n    and event.action: (\n        \"user.authentication.sso\" or\n        user.session.start\n    )\n    and not okta.actor.id: okta*\n",
			`and(match("data_stream.dataset", u"okta.system"), match("event.action", vor(q"user.authentication.sso", u"user.session.start")), not(match("okta.actor.id", w["okta",""])))`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n, err := Parse(tt.query)
			if err != nil {
				t.Fatalf("Parse(%q): %v", tt.query, err)
			}
			if got := dump(n); got != tt.want {
				t.Errorf("Parse(%q)\n got: %s\nwant: %s", tt.query, got, tt.want)
			}
		})
	}
}

func TestLiteralText(t *testing.T) {
	tests := []struct {
		query      string
		text       string
		isWildcard bool
	}{
		{"f:*adm\\*in*", "*adm*in*", true},
		{"f:okta*", "okta*", true},
		{"f:a\\*b", "a*b", false},
		{"f:  padded value  ", "padded value", false},
		{`f:"*"`, "*", false},
	}
	for _, tt := range tests {
		n, err := Parse(tt.query)
		if err != nil {
			t.Fatalf("Parse(%q): %v", tt.query, err)
		}
		l, ok := n.(Match).Value.(Literal)
		if !ok {
			t.Fatalf("Parse(%q): value is %T, want Literal", tt.query, n.(Match).Value)
		}
		if l.Text != tt.text || l.IsWildcard() != tt.isWildcard {
			t.Errorf("Parse(%q): Text %q, IsWildcard %v; want %q, %v", tt.query, l.Text, l.IsWildcard(), tt.text, tt.isWildcard)
		}
	}
}

func TestHasWildcardField(t *testing.T) {
	tests := []struct {
		query string
		want  bool
	}{
		{"okta.target.alternate_id:x", false},
		{"okta.*:x", true},
		{"*:x", true},
		{`okta\*:x`, false},
		{`"okta*":x`, false},
		{"f*<5", true},
		{"f<5", false},
		{"a*:{ b:c }", true},
		{"a:{ b:c }", false},
	}
	for _, tt := range tests {
		n, err := Parse(tt.query)
		if err != nil {
			t.Fatalf("Parse(%q): %v", tt.query, err)
		}
		var got bool
		switch n := n.(type) {
		case Match:
			got = n.HasWildcardField()
		case Range:
			got = n.HasWildcardField()
		case Nested:
			got = n.HasWildcardField()
		default:
			t.Fatalf("Parse(%q) = %T", tt.query, n)
		}
		if got != tt.want {
			t.Errorf("Parse(%q).HasWildcardField() = %v, want %v", tt.query, got, tt.want)
		}
	}
}

func TestPositions(t *testing.T) {
	query := "a:b and\n  not (c:{ d:\"x\" } or\n\t e >= 5)"
	n, err := Parse(query)
	if err != nil {
		t.Fatal(err)
	}
	and := n.(And)
	not := and.Children[1].(Not)
	or := not.Child.(Or)
	nested := or.Children[0].(Nested)
	d := nested.Query.(Match)
	rng := or.Children[1].(Range)
	tests := []struct {
		what string
		got  Pos
		want Pos
	}{
		{"and", and.Pos, Pos{0, 1, 1}},
		{"a:b", and.Children[0].Position(), Pos{0, 1, 1}},
		{"b", and.Children[0].(Match).Value.Position(), Pos{2, 1, 3}},
		{"not", not.Pos, Pos{10, 2, 3}},
		{"or", or.Pos, Pos{15, 2, 8}},
		{"nested", nested.Pos, Pos{15, 2, 8}},
		{"d", d.Pos, Pos{19, 2, 12}},
		{`"x"`, d.Value.Position(), Pos{21, 2, 14}},
		{"range", rng.Pos, Pos{32, 3, 3}},
		{"5", rng.Value.Pos, Pos{37, 3, 8}},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("%s: position %+v, want %+v", tt.what, tt.got, tt.want)
		}
	}
}

func TestValueListPositions(t *testing.T) {
	n, err := Parse(`f:(* and not "x")`)
	if err != nil {
		t.Fatal(err)
	}
	and := n.(Match).Value.(ValueAnd)
	want := []Pos{{3, 1, 4}, {3, 1, 4}, {9, 1, 10}, {13, 1, 14}}
	got := []Pos{and.Pos, and.Children[0].Position(), and.Children[1].Position(), and.Children[1].(ValueNot).Child.Position()}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("positions %v, want %v", got, want)
	}
}

func TestDepth(t *testing.T) {
	tests := []struct {
		name   string
		open   string
		close  string
		prefix string
	}{
		{"parentheses", "(", ")", ""},
		{"braces", "a:{", "}", ""},
		{"value lists", "(", ")", "f:"},
		{"not", "not (", ")", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			nest := func(levels int) string {
				return tt.prefix + strings.Repeat(tt.open, levels) + "x" + strings.Repeat(tt.close, levels)
			}
			levels := MaxDepth
			if tt.name == "not" {
				levels = MaxDepth / 2 // each level is a not and a parenthesis
			}
			if _, err := Parse(nest(levels)); err != nil {
				t.Errorf("%d levels: %v", levels, err)
			}
			_, err := Parse(nest(levels + 1))
			var se *SyntaxError
			if !errors.As(err, &se) || !strings.Contains(se.Msg, "nested too deeply") {
				t.Fatalf("%d levels: error %v, want nested too deeply", levels+1, err)
			}
		})
	}
}

func TestWalk(t *testing.T) {
	n, err := Parse("a:1 and not (b:2 or c:{ d:3 }) and e < 4")
	if err != nil {
		t.Fatal(err)
	}
	var fields []string
	Walk(n, func(n Node) bool {
		switch n := n.(type) {
		case Match:
			fields = append(fields, n.Field)
		case Range:
			fields = append(fields, n.Field)
		case Nested:
			fields = append(fields, n.Field)
		}
		return true
	})
	if want := []string{"a", "b", "c", "d", "e"}; !reflect.DeepEqual(fields, want) {
		t.Errorf("Walk visited fields %q, want %q", fields, want)
	}

	visited := 0
	Walk(n, func(Node) bool { visited++; return false })
	if visited != 1 {
		t.Errorf("Walk visited %d nodes after visit returned false, want 1", visited)
	}
	Walk(nil, func(Node) bool { t.Error("Walk visited a nil node"); return true })
}

func TestRangeOpString(t *testing.T) {
	for op, want := range map[RangeOp]string{LT: "<", LTE: "<=", GT: ">", GTE: ">=", 0: "RangeOp(0)", 9: "RangeOp(9)"} {
		if got := op.String(); got != want {
			t.Errorf("RangeOp(%d).String() = %q, want %q", op, got, want)
		}
	}
}

// TestPathologicalInputs parses inputs that make a backtracking parser
// exponential (Kibana's needs its packrat cache for them) or a careless one
// quadratic. Each must finish with the right answer; the test timeout is the
// guard against blow-up.
func TestPathologicalInputs(t *testing.T) {
	tests := []struct {
		name    string
		query   string
		wantErr string
	}{
		{"unclosed parentheses", strings.Repeat("(", MaxDepth) + "d\x03", `expected ")" to close`},
		{"unclosed value lists", "f:" + strings.Repeat("(", MaxDepth) + "d", `expected ")" to close`},
		{"unclosed braces", strings.Repeat("a:{", MaxDepth) + "d", `expected "}" to close`},
		{"too deep", strings.Repeat("(", 100000), "nested too deeply"},
		{"long chain", strings.Repeat("a:b and not c:(d or e*) or\n", 20000) + "f:g", ""},
		{"long literal", "f:" + strings.Repeat("x y ", 100000), ""},
		{"many spaces before a keyword", "f:a" + strings.Repeat(" ", 100000) + "and", ""},
		{"many lines then an error", strings.Repeat("a:b and\n", 50000) + ")", `expected a query after "and" but found ")"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse(tt.query)
			switch {
			case tt.wantErr == "" && err != nil:
				t.Errorf("Parse: %v", err)
			case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
				t.Errorf("Parse error %v, want one containing %q", err, tt.wantErr)
			}
		})
	}
}
