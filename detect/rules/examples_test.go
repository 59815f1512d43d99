package rules

import (
	"bytes"
	"encoding/json"
	"io/fs"
	"path"
	"strings"
	"testing"
)

// Every embedded example file must be usable: valid JSON in the documented
// layout, named after the rule it belongs to, with events that are JSON
// objects. Examples silently reports ok=false for a broken file, so this is
// where a broken one is caught.
func TestEmbeddedExampleFiles(t *testing.T) {
	names, err := fs.Glob(examplesFS, "examples/*.json")
	if err != nil {
		t.Fatal(err)
	}
	if len(names) == 0 {
		t.Fatal("no example files embedded")
	}
	for _, name := range names {
		t.Run(path.Base(name), func(t *testing.T) {
			data, err := examplesFS.ReadFile(name)
			if err != nil {
				t.Fatal(err)
			}
			dec := json.NewDecoder(bytes.NewReader(data))
			dec.DisallowUnknownFields()
			var f exampleFile
			if err := dec.Decode(&f); err != nil {
				t.Fatalf("not a valid example file: %v", err)
			}
			if want := strings.TrimSuffix(path.Base(name), ".json"); f.RuleID != want {
				t.Errorf("rule_id %q does not match the file name %q", f.RuleID, want)
			}
			if f.Name == "" {
				t.Error("name is empty")
			}
			if len(f.Match) == 0 {
				t.Error("no events in match")
			}
			for i, ev := range append(f.Match, f.NoMatch...) {
				var obj map[string]json.RawMessage
				if err := json.Unmarshal(ev, &obj); err != nil {
					t.Errorf("event %d is not a JSON object: %v", i, err)
				}
			}

			match, noMatch, ok := Examples(f.RuleID)
			if !ok || len(match) != len(f.Match) || len(noMatch) != len(f.NoMatch) {
				t.Errorf("Examples(%q) = %d, %d, %v; want %d, %d, true", f.RuleID, len(match), len(noMatch), ok, len(f.Match), len(f.NoMatch))
			}
		})
	}
}

func TestExamplesForBuiltinRule(t *testing.T) {
	match, noMatch, ok := Examples(builtinUnauthAppID)
	if !ok || len(match) == 0 || len(noMatch) == 0 {
		t.Fatalf("Examples(built-in rule) = %d match, %d no_match, ok %v; want both lists filled", len(match), len(noMatch), ok)
	}
	// Callers own what they get.
	match[0][0] = 'X'
	again, _, _ := Examples(builtinUnauthAppID)
	if again[0][0] != '{' {
		t.Error("a caller's change to an example event shows in the next call")
	}
}

func TestExamplesUnknown(t *testing.T) {
	for _, id := range []string{"", "no-such-rule", "../builtin/okta_unauthorized_app_access", "./" + builtinUnauthAppID, `..\x`} {
		if m, n, ok := Examples(id); ok || m != nil || n != nil {
			t.Errorf("Examples(%q) = %v, %v, %v; want nothing", id, m, n, ok)
		}
	}
}
