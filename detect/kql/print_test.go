package kql

import (
	"testing"
)

func TestString(t *testing.T) {
	tests := []struct {
		query, want string
	}{
		{"data_stream.dataset:okta.system", "data_stream.dataset:okta.system"},
		{"a :  b", "a:b"},
		{"a:1\n  AND b:2", "a:1 and b:2"},
		{"a:1 and b:2 or c:3", "a:1 and b:2 or c:3"},
		{"a:1 and (b:2 or c:3)", "a:1 and (b:2 or c:3)"},
		{"(a:1 and b:2) and c:3", "(a:1 and b:2) and c:3"},
		{"(a:1 or b:2) or c:3", "(a:1 or b:2) or c:3"},
		{"((a:1))", "a:1"},
		{"NOT a:1", "not a:1"},
		{"not (a:1 and b:2)", "not (a:1 and b:2)"},
		{"not (not a:1)", "not (not a:1)"},
		{"f: ( a or b )", "f:(a or b)"},
		{"f:(a or b and not c)", "f:(a or b and not c)"},
		{"f:((a or b) and not c)", "f:((a or b) and not c)"},
		{"f:(not (a or b))", "f:(not (a or b))"},
		{"f:(not (not a))", "f:(not (not a))"},
		{"f:(a)", "f:a"},
		{`f:(* and not "Okta")`, `f:(* and not "Okta")`},
		{"f:*", "f:*"},
		{"f:*admin*", "f:*admin*"},
		{`f:*adm\*in*`, `f:*adm\*in*`},
		{`f:"a \"b\" \\ c"`, `f:"a \"b\" \\ c"`},
		{`f:"C:\Windows"`, `f:"C:\\Windows"`},
		{"f:\"tab\there\"", `f:"tab\there"`},
		{`f:"\u0001"`, `f:"\u0001"`},
		{"f:a b", "f:a b"},
		{`f:a\tb`, `f:a\tb`},
		{`f:\(x\)`, `f:\(x\)`},
		{`f:a\:b`, `f:a\:b`},
		{`f:a \or b`, `f:a \or b`},
		{`f:\OR`, "f:OR"},
		{`f:\NOT x`, `f:\NOT x`},
		{`f:n\u006ft x`, `f:\u006eot x`},
		{"f:cannot", "f:cannot"},
		{"g:h and f:cannot", "g:h and f:cannot"},
		{`f:canno\u0074 x and g:h`, `f:can\u006eot x and g:h`},
		{"a:{ b:canno\\u0074 }", `a:{ b:can\u006eot }`},
		{"f:b or", "f:b or"},
		{"f:(b or) or g:h", `f:b \or or g:h`},
		{`f:\t`, `f:\t`},
		{"foo bar", "foo bar"},
		{`"free phrase"`, `"free phrase"`},
		{"*", "*"},
		{"", "*:*"},
		{"okta.*:x", "okta.*:x"},
		{`okta\*:x`, `okta\*:x`},
		{`"okta*":x`, `okta\*:x`},
		{`"a b":c`, "a b:c"},
		{`" a":c`, `" a":c`},
		{`"null":x`, `"null":x`},
		{"true:x", "true:x"},
		{"f>=5", "f >= 5"},
		{`@timestamp < "2024-01-01"`, `@timestamp < "2024-01-01"`},
		{"f< =5", "f < =5"},
		{"okta.target : {type:User and alternate_id:x}", "okta.target:{ type:User and alternate_id:x }"},
		{"data_stream.dataset: \"okta.system\"\n    and event.action: (\n        \"a\" or\n        b\n    )\n", `data_stream.dataset:"okta.system" and event.action:("a" or b)`},
	}
	for _, tt := range tests {
		n, err := Parse(tt.query)
		if err != nil {
			t.Errorf("Parse(%q): %v", tt.query, err)
			continue
		}
		if got := n.String(); got != tt.want {
			t.Errorf("Parse(%q).String() = %q, want %q", tt.query, got, tt.want)
		}
		checkRoundTrip(t, tt.query, n)
	}
}

func TestValueString(t *testing.T) {
	tests := []struct {
		value Value
		want  string
	}{
		{Literal{Text: "a b"}, "a b"},
		{Literal{Text: "a b", Quoted: true}, `"a b"`},
		{Literal{Text: "a*", Parts: []string{"a", ""}}, "a*"},
		{Literal{Text: "a*"}, `a\*`},
		{Literal{Text: "not"}, `\u006eot`},
		{Exists{}, "*"},
		{ValueNot{Child: Literal{Text: "x"}}, "(not x)"},
		{ValueOr{Children: []Value{Literal{Text: "a"}, ValueAnd{Children: []Value{Exists{}, ValueNot{Child: Literal{Text: "b"}}}}}}, "(a or * and not b)"},
		{ValueAnd{Children: []Value{ValueOr{Children: []Value{Literal{Text: "a"}, Literal{Text: "b"}}}, Literal{Text: "c"}}}, "((a or b) and c)"},
	}
	for _, tt := range tests {
		if got := tt.value.String(); got != tt.want {
			t.Errorf("%#v.String() = %q, want %q", tt.value, got, tt.want)
		}
	}
}

// TestStringRoundTrip checks that every query of the Kibana conformance
// fixture that parses prints to KQL that parses to the same tree.
func TestStringRoundTrip(t *testing.T) {
	for _, c := range loadKibanaCases(t) {
		n, err := Parse(c.query)
		if err != nil {
			continue
		}
		checkRoundTrip(t, c.query, n)
	}
}

// checkRoundTrip checks that n, parsed from query, prints to KQL that
// parses to the same tree and prints the same again.
func checkRoundTrip(t *testing.T, query string, n Node) {
	t.Helper()
	s := n.String()
	n2, err := Parse(s)
	if err != nil {
		t.Errorf("Parse(%q).String() = %q, which does not parse: %v", query, s, err)
		return
	}
	if got, want := dump(n2), dump(n); got != want {
		t.Errorf("Parse(%q).String() = %q, which parses to a different tree\n got: %s\nwant: %s", query, s, got, want)
	}
	if s2 := n2.String(); s2 != s {
		t.Errorf("Parse(%q).String() = %q, but printing it again gives %q", query, s, s2)
	}
}
