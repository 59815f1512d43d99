package kql

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/oktadetect/oktadetect/internal/sharedtest"

	"github.com/pelletier/go-toml/v2"
)

// elasticRule is the part of a detection-rules TOML file that matters here.
type elasticRule struct {
	Rule struct {
		Name     string `toml:"name"`
		Type     string `toml:"type"`
		Language string `toml:"language"`
		Query    string `toml:"query"`
	} `toml:"rule"`
}

// kueryRule is one rule whose query is KQL.
type kueryRule struct {
	path string // relative to the rules folder
	elasticRule
}

// sharedTestdata returns <repo root>/../shared/testdata/<name>, skipping the
// test when that folder is absent (it is reference material kept beside the
// repository, not in it).
func sharedTestdata(t testing.TB, name string) string {
	t.Helper()
	path, err := findSharedTestdata(name)
	if err != nil {
		t.Skipf("shared test data is absent: %v", err)
	}
	return path
}

// findSharedTestdata finds <repo root>/../shared/testdata/<name>, the repo
// root being the nearest directory above with a go.mod.
func findSharedTestdata(name string) (string, error) {
	p, ok := sharedtest.Lookup(name)
	if !ok {
		return "", fmt.Errorf("%s is absent", p)
	}
	return p, nil
}

// loadKueryRules reads every .toml file under the shared Elastic rules
// folder and returns the rules whose language is kuery.
func loadKueryRules(t testing.TB) []kueryRule {
	t.Helper()
	root := sharedTestdata(t, "elastic-rules")
	var rules []kueryRule
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".toml") {
			return err
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		var r kueryRule
		if err := toml.Unmarshal(data, &r.elasticRule); err != nil {
			t.Errorf("%s: %v", path, err)
			return nil
		}
		if r.Rule.Language == "kuery" {
			r.path, _ = filepath.Rel(root, path)
			rules = append(rules, r)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return rules
}

func TestElasticRules(t *testing.T) {
	rules := loadKueryRules(t)
	types := map[string]int{}
	for _, r := range rules {
		if strings.HasPrefix(r.path, "okta"+string(filepath.Separator)) {
			types[r.Rule.Type]++
		}
		n, err := Parse(r.Rule.Query)
		if err != nil {
			t.Errorf("%s (%s): %v\nquery:\n%s", r.path, r.Rule.Name, err, r.Rule.Query)
			continue
		}
		checkRoundTrip(t, r.Rule.Query, n)
		Walk(n, func(n Node) bool {
			if m, ok := n.(Match); ok && (m.IsFreeText() || m.HasWildcardField()) {
				t.Errorf("%s: unexpected free-text or wildcard-field condition %s", r.path, m)
			}
			return true
		})
	}
	// The snapshot's Okta folder has 28 query rules and 9 threshold and
	// new_terms rules in KQL; fewer means some were not read.
	t.Logf("parsed %d kuery rules; Okta folder by type: %v", len(rules), types)
	if types["query"] != 28 || types["threshold"]+types["new_terms"] != 9 {
		t.Errorf("Okta kuery rules by type: %v; want 28 query and 9 threshold or new_terms", types)
	}
}
