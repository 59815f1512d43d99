package oktaecs

import (
	"slices"
	"testing"
)

func TestDissectBraces(t *testing.T) {
	tests := []struct{ in, want string }{
		{"{a=1, b=2}", "a=1, b=2"},
		{"{a={b}, c=d}", "a={b"}, // the first '}' ends the capture
		{"{}", ""},
		{"{", "{"},
		{"{no end", "{no end"},
		{"a=1}", "a=1}"},
		{"", ""},
	}
	for _, tt := range tests {
		if got := dissectBraces(tt.in); got != tt.want {
			t.Errorf("dissectBraces(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestKVPieces(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{"a=1, b=2", []string{"a=1", "b=2"}},
		{"a=1", []string{"a=1"}},
		{"", []string{""}},           // no separator: one (empty) piece
		{"a=1, , ", []string{"a=1"}}, // trailing empty pieces vanish
		{", , ", nil},
		{", a=1", []string{"", "a=1"}}, // a leading empty piece stays
		{"a=1,, b=2", []string{"a=1,", "b=2"}},
		{"a=1,b=2", []string{"a=1,b=2"}},
	}
	for _, tt := range tests {
		var got []string
		p := newKVPieces(tt.in)
		for {
			piece, ok := p.next()
			if !ok {
				break
			}
			got = append(got, piece)
		}
		if !slices.Equal(got, tt.want) {
			t.Errorf("pieces of %q = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestKVParses(t *testing.T) {
	tests := []struct {
		in   string
		want bool
	}{
		{"a=1, b=2", true},
		{"a=", true},
		{"a=b=c", true},
		{"a=1, b", false},
		{"=1", false},
		{"", false},
		{", , ", false},
		{"level=HIGH, reasons=A, B", false},
	}
	for _, tt := range tests {
		if got := kvParses(tt.in); got != tt.want {
			t.Errorf("kvParses(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
}

func TestGrokLevel(t *testing.T) {
	tests := []struct {
		in, want string
		ok       bool
	}{
		{"reasons=A, B, level=HIGH", "HIGH", true},
		{"level=HIGH, reasons=A, B", "HIGH,", true},
		{"level= x, level=LOW", "LOW", true}, // the first "level=" has no value
		{"risklevel=MEDIUM", "MEDIUM", true}, // not anchored
		{"level=", "", false},
		{"level=\u00a0LOW", "", false}, // a no-break space is white space for grok
		{"nothing here", "", false},
	}
	for _, tt := range tests {
		got, ok := grokLevel(tt.in)
		if got != tt.want || ok != tt.ok {
			t.Errorf("grokLevel(%q) = %q, %v, want %q, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

func TestGrokReasons(t *testing.T) {
	tests := []struct {
		in, want string
		ok       bool
	}{
		{"reasons=Anomalous Device, Anomalous Location, level=HIGH", "Anomalous Device, Anomalous Location", true},
		{"level=HIGH, reasons=Anomalous Device, Anomalous Location", "Anomalous Device, Anomalous Location", true},
		{"reasons=A, b=1, c=2", "A", true},
		{"reasons=, x=1", "", true},
		{"reasons=A, =1", "A, =1", true}, // "=" alone is not %{NOTSPACE}=
		{"reasons=A, ==1", "A", true},
		{"reasons=A\nB, x=1", "A", true}, // DATA stops at the end of the line
		{"no reasons", "", false},
	}
	for _, tt := range tests {
		got, ok := grokReasons(tt.in)
		if got != tt.want || ok != tt.ok {
			t.Errorf("grokReasons(%q) = %q, %v, want %q, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

func TestSplitReasons(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{"Anomalous Device, Anomalous Location", []string{"Anomalous Device", "Anomalous Location"}},
		{"A,B,\tC", []string{"A", "B", "C"}},
		{"A", []string{"A"}},
		{"A, ", []string{"A"}},
		{", A", []string{"", "A"}},
		{"A,, B", []string{"A", "", "B"}},
		{", ", nil},
	}
	for _, tt := range tests {
		if got := appendSplitReasons([]string{"prefix"}, tt.in); !slices.Equal(got[1:], tt.want) || got[0] != "prefix" {
			t.Errorf("split(%q) = %q, want prefix + %q", tt.in, got, tt.want)
		}
	}
}
