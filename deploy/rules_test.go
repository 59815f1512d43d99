package deploy_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/oktadetect/oktadetect/detect"
	"github.com/oktadetect/oktadetect/detect/rules"
)

// TestBaseRulesRun loads the rules folder that the base packs into the
// oktadetect-rules ConfigMap exactly as the detector does (next to the
// built-in rules), compiles it, and runs each rule on its example events in
// testdata/rules/<file>.json.
func TestBaseRulesRun(t *testing.T) {
	dir := filepath.Join(baseDir, "rules")
	set, err := rules.Load(dir)
	if err != nil {
		t.Fatalf("rules.Load(%s): %v", dir, err)
	}
	for _, s := range set.Skipped {
		t.Errorf("%s: rule %s skipped: %s (only KQL query rules run in the stream)", s.Source, s.RuleID, s.Reason)
	}
	if len(set.Rules) == 0 {
		t.Fatalf("no rules in %s", dir)
	}
	engine, err := detect.Compile(set.Rules)
	if err != nil {
		t.Fatalf("detect.Compile: %v", err)
	}
	matcher := engine.NewMatcher()

	for _, r := range set.Rules {
		name := strings.TrimSuffix(filepath.Base(r.Source), ".toml")
		t.Run(name, func(t *testing.T) {
			if len(r.Threat) == 0 {
				t.Error("no MITRE ATT&CK mapping: analysts triage by tactic")
			}
			b, err := os.ReadFile(filepath.Join("testdata", "rules", name+".json"))
			if err != nil {
				t.Fatalf("every base rule needs example events: %v", err)
			}
			var ex struct {
				RuleID  string            `json:"rule_id"`
				Match   []json.RawMessage `json:"match"`
				NoMatch []json.RawMessage `json:"no_match"`
			}
			if err := json.Unmarshal(b, &ex); err != nil {
				t.Fatal(err)
			}
			if ex.RuleID != r.ID {
				t.Fatalf("examples are for rule %s, the rule is %s", ex.RuleID, r.ID)
			}
			if len(ex.Match) == 0 || len(ex.NoMatch) == 0 {
				t.Fatal("want events that match and events that do not")
			}
			for _, c := range []struct {
				events []json.RawMessage
				want   bool
			}{{ex.Match, true}, {ex.NoMatch, false}} {
				for i, ev := range c.events {
					res, err := matcher.Match(ev, "okta-system")
					if err != nil {
						t.Errorf("event %d: %v", i, err)
						continue
					}
					got := false
					for _, hit := range res.Rules {
						got = got || hit.ID == r.ID
					}
					if got != c.want {
						t.Errorf("match=%v event %d: rule fired = %v, want %v:\n%s", c.want, i, got, c.want, ev)
					}
				}
			}
		})
	}
}
