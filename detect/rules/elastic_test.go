package rules

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/oktadetect/oktadetect/internal/sharedtest"
)

// sharedTestdata returns <repo root>/../shared/testdata/<rel>, the upstream
// material kept beside the repository (never copied into it), or skips the
// test when it is not there.
func sharedTestdata(t *testing.T, rel string) string {
	t.Helper()
	return sharedtest.Path(t, rel)
}

// Elastic's own Okta rules: the loader must take every one of them, run the
// 28 query rules (two of them building blocks) and skip the other 33 for
// their type.
func TestLoadElasticOktaRules(t *testing.T) {
	dir := sharedTestdata(t, "elastic-rules/okta")
	set, err := Load(dir)
	if err != nil {
		t.Fatalf("Load(%s): %v", dir, err)
	}

	if len(set.Rules) != 28 {
		t.Errorf("loaded %d query rules, want 28", len(set.Rules))
	}
	buildingBlocks := 0
	for _, r := range set.Rules {
		if r.Type != "query" || r.Language != "kuery" || strings.TrimSpace(r.Query) == "" {
			t.Errorf("%s: loaded with type %q, language %q, query %q", r.Source, r.Type, r.Language, r.Query)
		}
		if r.IsBuildingBlock() {
			buildingBlocks++
		}
	}
	if buildingBlocks != 2 {
		t.Errorf("%d building-block rules, want 2", buildingBlocks)
	}

	if len(set.Skipped) != 33 {
		t.Errorf("skipped %d rules, want 33", len(set.Skipped))
	}
	byType := map[string]int{}
	for _, s := range set.Skipped {
		byType[s.Type]++
		want := `type "` + s.Type + `" is not supported: only query rules (KQL) run in the stream`
		if s.Reason != want || s.RuleID == "" || s.Name == "" {
			t.Errorf("%s: skipped as %+v, want reason %q", s.Source, s, want)
		}
	}
	wantByType := map[string]int{"threshold": 5, "new_terms": 4, "eql": 5, "esql": 10, "machine_learning": 9}
	for typ, n := range wantByType {
		if byType[typ] != n {
			t.Errorf("skipped %d %s rules, want %d", byType[typ], typ, n)
		}
	}
	if len(byType) != len(wantByType) {
		t.Errorf("skipped types %v, want exactly %v", byType, wantByType)
	}
}

// QueryPosition(1, 1) must land where the query text starts in the file:
// the line after query = ”' (Elastic's layout), at the first byte of the
// text, which the file then holds verbatim.
func TestElasticQueryPositions(t *testing.T) {
	dir := sharedTestdata(t, "elastic-rules/okta")
	set, err := Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range set.Rules {
		data, err := os.ReadFile(r.Source)
		if err != nil {
			t.Fatal(err)
		}
		lines := strings.SplitAfter(string(data), "\n")
		line, col := r.QueryPosition(1, 1)
		if line < 2 || line > len(lines) || col != 1 {
			t.Errorf("%s: QueryPosition(1, 1) = %d:%d, want column 1 of a line after the first", r.Source, line, col)
			continue
		}
		if got := strings.TrimSpace(lines[line-2]); got != "query = '''" {
			t.Errorf("%s: QueryPosition(1, 1) = %d:%d, but line %d is %q, not the query key", r.Source, line, col, line-1, got)
		}
		offset := len(strings.Join(lines[:line-1], ""))
		if !strings.HasPrefix(string(data[offset:]), r.Query) {
			t.Errorf("%s: the file does not hold the query text at %d:%d", r.Source, line, col)
		}

		// The last line of the query maps to the line holding it.
		qlines := strings.Split(r.Query, "\n")
		last := len(qlines) - 1
		if qlines[last] == "" {
			last-- // the newline before the closing '''
		}
		if l, _ := r.QueryPosition(last+1, 1); l != line+last || !strings.HasPrefix(lines[l-1], qlines[last]) {
			t.Errorf("%s: QueryPosition(%d, 1) = line %d, which does not hold %q", r.Source, last+1, l, qlines[last])
		}
	}
}

// Elastic's seed rule in its two historical forms: the dataset field moved
// from event.dataset to data_stream.dataset. Both load; together they are
// one rule_id twice, which Load must refuse.
func TestElasticSeedRule(t *testing.T) {
	dir := sharedTestdata(t, "elastic-rules/seed")
	for file, field := range map[string]string{
		"initial_access_okta_user_attempted_unauthorized_access.toml":                        "data_stream.dataset",
		"initial_access_okta_user_attempted_unauthorized_access.pre-5943-event.dataset.toml": "event.dataset",
	} {
		set, err := Load(filepath.Join(dir, file))
		if err != nil {
			t.Fatalf("%s: %v", file, err)
		}
		if len(set.Rules) != 1 || set.Rules[0].ID != builtinUnauthAppID {
			t.Fatalf("%s: want the rule %s, got %+v", file, builtinUnauthAppID, set)
		}
		want := field + ":okta.system and event.action:app.generic.unauth_app_access_attempt"
		if got := strings.TrimSpace(set.Rules[0].Query); got != want {
			t.Errorf("%s: query %q, want %q", file, got, want)
		}
	}
	if _, err := Load(dir); err == nil || !strings.Contains(err.Error(), "duplicate rule_id") {
		t.Errorf("Load(seed dir) = %v, want a duplicate rule_id error", err)
	}
}
