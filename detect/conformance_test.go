package detect

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/oktadetect/oktadetect/detect/rules"
)

// runExamples checks every example event of every rule in rs against an
// engine compiled from rs.
func runExamples(t *testing.T, rs []*rules.Rule, opts ...Option) {
	t.Helper()
	e, err := Compile(rs, opts...)
	if err != nil {
		t.Fatal(err)
	}
	m := e.NewMatcher()
	for _, r := range rs {
		match, noMatch, ok := rules.Examples(r.ID)
		if !ok {
			t.Errorf("rule %s (%s) has no examples", r.ID, r.Name)
			continue
		}
		check := func(kind string, events [][]byte, want bool) {
			for i, ev := range events {
				res, err := m.Match(ev, "okta-system")
				got := err == nil && slices.ContainsFunc(res.Rules, func(x *rules.Rule) bool { return x.ID == r.ID })
				if got != want {
					t.Errorf("rule %s (%s) %s[%d]: matched=%v (err %v), want %v\n%s", r.ID, r.Name, kind, i, got, err, want, ev)
				}
			}
		}
		check("match", match, true)
		check("no_match", noMatch, false)
	}
}

func TestBuiltinRuleExamples(t *testing.T) {
	set := rules.Builtin()
	if len(set.Rules) == 0 || len(set.Skipped) != 0 {
		t.Fatalf("built-in rules: %d loaded, %d skipped", len(set.Rules), len(set.Skipped))
	}
	for _, pre := range []bool{true, false} {
		runExamples(t, set.Rules, Prefilter(pre))
	}
}

// elasticOktaRules loads Elastic's Okta rules from the shared test data.
func elasticOktaRules(t *testing.T) *rules.Set {
	t.Helper()
	dir := sharedTestdata(t)
	if dir == "" {
		t.Skip("../shared/testdata is absent: Elastic's rules are not available")
	}
	set, err := rules.Load(filepath.Join(dir, "elastic-rules", "okta"))
	if err != nil {
		t.Fatal(err)
	}
	return set
}

func TestElasticOktaRules(t *testing.T) {
	set := elasticOktaRules(t)
	if len(set.Rules) != 28 {
		t.Errorf("loaded %d query rules, want 28", len(set.Rules))
	}
	byType := map[string]int{}
	for _, s := range set.Skipped {
		byType[s.Type]++
		if s.Reason == "" {
			t.Errorf("skipped %s without a reason", s.Source)
		}
	}
	want := map[string]int{"threshold": 5, "new_terms": 4, "eql": 5, "esql": 10, "machine_learning": 9}
	for typ, n := range want {
		if byType[typ] != n {
			t.Errorf("skipped %d %s rules, want %d", byType[typ], typ, n)
		}
	}
	// Every rule compiles on its own, with a clear error otherwise.
	for _, r := range set.Rules {
		if _, err := Compile([]*rules.Rule{r}); err != nil {
			t.Errorf("%s: %v", r.Source, err)
		}
	}
	for _, pre := range []bool{true, false} {
		runExamples(t, set.Rules, Prefilter(pre))
	}
	// Both upstream versions of the seed rule (event.dataset and
	// data_stream.dataset) give the same answers.
	dir := sharedTestdata(t)
	seeds, err := filepath.Glob(filepath.Join(dir, "elastic-rules", "seed", "*.toml"))
	if err != nil || len(seeds) != 2 {
		t.Fatalf("seed rule files: %v %v", seeds, err)
	}
	for _, f := range seeds {
		s, err := rules.Load(f)
		if err != nil {
			t.Fatal(err)
		}
		runExamples(t, s.Rules)
	}
}

// conformanceEntry is one line of testdata/conformance/expected.json.
type conformanceEntry struct {
	File      string   `json:"file"`
	Index     int      `json:"index"`
	UUID      string   `json:"uuid"`
	EventType string   `json:"event_type"`
	Rules     []string `json:"rules"`
	Why       string   `json:"why"`
}

// sampleRecord returns record index of a shared sample file, re-encoded
// as one JSON document when it comes from an array of expected documents.
func sampleRecord(t *testing.T, dir, file string, index int) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(dir, file))
	if err != nil {
		t.Fatal(err)
	}
	if strings.HasSuffix(file, ".log") {
		lines := strings.Split(strings.TrimSpace(string(data)), "\n")
		return []byte(lines[index])
	}
	var docs []json.RawMessage
	var wrapped struct {
		Expected []json.RawMessage `json:"expected"`
	}
	if err := json.Unmarshal(data, &wrapped); err == nil && wrapped.Expected != nil {
		docs = wrapped.Expected
	} else if err := json.Unmarshal(data, &docs); err != nil {
		t.Fatalf("%s: %v", file, err)
	}
	return docs[index]
}

func TestConformanceWithUpstreamSamples(t *testing.T) {
	set := elasticOktaRules(t)
	dir := sharedTestdata(t)
	data, err := os.ReadFile(filepath.Join("testdata", "conformance", "expected.json"))
	if err != nil {
		t.Fatal(err)
	}
	var entries []conformanceEntry
	if err := json.Unmarshal(data, &entries); err != nil {
		t.Fatal(err)
	}
	// The integration's documents carry the dataset as an index mapping,
	// not a field: give them the default the index would.
	e, err := Compile(set.Rules, DefaultDataset("", "okta.system"))
	if err != nil {
		t.Fatal(err)
	}
	m := e.NewMatcher()
	for _, en := range entries {
		rec := sampleRecord(t, dir, en.File, en.Index)
		if !strings.Contains(string(rec), en.UUID) {
			t.Fatalf("%s[%d] does not hold uuid %s: the expectation points at the wrong record", en.File, en.Index, en.UUID)
		}
		res, err := m.Match(rec, "okta-system")
		if err != nil {
			t.Errorf("%s[%d]: %v", en.File, en.Index, err)
			continue
		}
		var got []string
		for _, r := range res.Rules {
			got = append(got, r.ID)
		}
		slices.Sort(got)
		want := slices.Clone(en.Rules)
		slices.Sort(want)
		if !slices.Equal(got, want) {
			t.Errorf("%s[%d] (%s): rules %v, want %v (%s)", en.File, en.Index, en.EventType, got, want, en.Why)
		}
	}
}
