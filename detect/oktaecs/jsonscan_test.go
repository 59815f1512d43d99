package oktaecs

import (
	"slices"
	"strings"
	"testing"
)

func TestAppendJSON(t *testing.T) {
	tests := []struct {
		doc, key string
		fold     bool
		want     []string
	}{
		{`{"a":{"b":"x"}}`, "a.b", false, []string{"x"}},
		{`{"a":{"b":1.5e3}}`, "a.b", false, []string{"1.5e3"}},
		{`{"a":[{"b":true},{"b":false},{"b":null}]}`, "a.b", false, []string{"true", "false"}},
		{`{"a":[[1,2],[3]]}`, "a", false, []string{"1", "2", "3"}},
		{`{"a":{"b":"x"}}`, "a", false, nil}, // objects are not values
		{`{"a.b":"dotted"}`, "a.b", false, []string{"dotted"}},
		{`{"a":{"b c":"x"}}`, "a.b_c", true, []string{"x"}},
		{`{"a":{"b_c":"x"}}`, "a.b c", true, nil},
		{`{"\u0061":"escaped key"}`, "a", false, []string{"escaped key"}},
		{`{"k":"line\nbreak \u00e9 \ud83d\ude00"}`, "k", false, []string{"line\nbreak é 😀"}},
		{`{"k":"lone \ud800"}`, "k", false, []string{"lone \ufffd"}},
		{`{"":"empty key"}`, "", false, nil},
		{` "top" `, "", false, []string{"top"}},
		{`{"a":1}`, "b", false, nil},
		{`{"a":1} trailing`, "", false, []string{`{"a":1} trailing`}},
		{`{"a":01}`, "", false, []string{`{"a":01}`}},
		{`{"a":"ctl` + "\x01" + `"}`, "", false, []string{`{"a":"ctl` + "\x01" + `"}`}},
		{`{"a":[1,]}`, "a", false, nil},
		{`{"a":tru}`, "a", false, nil},
		{``, "", false, []string{``}},
	}
	for _, tt := range tests {
		if got := appendJSON(nil, tt.doc, tt.key, tt.fold); !slices.Equal(got, tt.want) {
			t.Errorf("appendJSON(%q, %q, fold=%v) = %q, want %q", tt.doc, tt.key, tt.fold, got, tt.want)
		}
	}
}

func TestJSONDepthLimit(t *testing.T) {
	deep := strings.Repeat("[", maxJSONDepth+2) + strings.Repeat("]", maxJSONDepth+2)
	if _, ok := decodeJSON(deep); ok {
		t.Error("document nested beyond the limit accepted")
	}
	shallow := strings.Repeat("[", 10) + "1" + strings.Repeat("]", 10)
	if got := appendJSON(nil, shallow, "", false); !slices.Equal(got, []string{"1"}) {
		t.Errorf("nested arrays = %q, want [1]", got)
	}
}

// TestDecodeJSONAgreesWithWalk: ToECS decodes what the walk accepts, and
// only that, so the document and the extractor see the same values.
func TestDecodeJSONAgreesWithWalk(t *testing.T) {
	for _, doc := range []string{`{"a":[1,{"b":"c"}]}`, `null`, `"s"`, `{"a":1}x`, `{`, `[1,2`, `{"a":"\x"}`} {
		w := jsonWalk{s: doc}
		valid := w.document("")
		_, decoded := decodeJSON(doc)
		if valid != decoded {
			t.Errorf("%q: walk valid=%v, decodeJSON ok=%v", doc, valid, decoded)
		}
	}
}
