package main

import (
	"fmt"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// Rules in testdata/rules (written for these tests, in Elastic's format).
const (
	svcGrantRuleID     = "7d3c1b1e-5b8a-4f7e-9c55-3a1f0e2d6b01" // query, high, 73
	policyDeleteRuleID = "7d3c1b1e-5b8a-4f7e-9c55-3a1f0e2d6b02" // query, medium, 47
	thresholdRuleID    = "7d3c1b1e-5b8a-4f7e-9c55-3a1f0e2d6b03" // threshold: skipped
)

// listedRule is what `rules list` must say about one rule.
type listedRule struct {
	id, name, typ, severity string
	risk                    int // -1: not shown (skipped rules)
	status                  string
}

var (
	builtinListed   = listedRule{unauthRuleID, "Unauthorized Access to an Okta Application", "query", "low", 21, "loaded"}
	svcGrantListed  = listedRule{svcGrantRuleID, "Okta Admin Privilege Granted by a Service Account", "query", "high", 73, "loaded"}
	policyListed    = listedRule{policyDeleteRuleID, "Okta Policy or Policy Rule Deleted", "query", "medium", 47, "loaded"}
	thresholdListed = listedRule{thresholdRuleID, "Okta Sign-in Failures from One Address", "threshold", "", -1, "skipped"}
)

func TestRulesList(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want []listedRule
	}{
		{"built-in by default", nil, []listedRule{builtinListed}},
		{"builtin named", []string{"--rules", "builtin"}, []listedRule{builtinListed}},
		{"directory", []string{"--rules", "testdata/rules"}, []listedRule{svcGrantListed, policyListed, thresholdListed}},
		{"builtin and directory", []string{"--rules", "builtin,testdata/rules"}, []listedRule{svcGrantListed, policyListed, builtinListed, thresholdListed}},
		{"repeated flag", []string{"--rules", "testdata/rules/okta_policy_deleted.toml", "--rules", "builtin"}, []listedRule{policyListed, builtinListed}},
	}
	for _, tt := range tests {
		t.Run(tt.name+"/text", func(t *testing.T) {
			r := runCLI(t, append([]string{"rules", "list"}, tt.args...)...)
			r.wantCode(t, 0)
			lines := strings.Split(strings.TrimSuffix(r.stdout, "\n"), "\n")
			if !regexp.MustCompile(`^RULE_ID\s+NAME\s+TYPE\s+SEVERITY\s+RISK\s+STATUS$`).MatchString(lines[0]) {
				t.Errorf("header = %q", lines[0])
			}
			if len(lines)-1 != len(tt.want) {
				t.Fatalf("%d rules listed, want %d:\n%s", len(lines)-1, len(tt.want), r.stdout)
			}
			for i, w := range tt.want {
				cols := []string{regexp.QuoteMeta(w.id), regexp.QuoteMeta(w.name), w.typ}
				if w.severity != "" {
					cols = append(cols, w.severity)
				}
				if w.risk >= 0 {
					cols = append(cols, strconv.Itoa(w.risk))
				}
				cols = append(cols, w.status)
				re := regexp.MustCompile("^" + strings.Join(cols, `\s+`) + `(:|$)`)
				if !re.MatchString(lines[i+1]) {
					t.Errorf("row %d = %q, want %s", i+1, lines[i+1], re)
				}
			}
		})
		t.Run(tt.name+"/json", func(t *testing.T) {
			r := runCLI(t, append([]string{"rules", "list", "--format", "json"}, tt.args...)...)
			r.wantCode(t, 0)
			var got []listedRule
			for _, m := range jsonLines(t, r.stdout) {
				risk := -1
				if v, ok := m["risk_score"].(float64); ok {
					risk = int(v)
				}
				sev, _ := m["severity"].(string)
				got = append(got, listedRule{m["rule_id"].(string), m["name"].(string), m["type"].(string), sev, risk, m["status"].(string)})
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("rules list --format json:\n got %+v\nwant %+v", got, tt.want)
			}
		})
	}
}

func TestRulesValidate(t *testing.T) {
	tests := []struct {
		name      string
		args      []string
		code      int
		stdoutHas []string
		stderrHas []string
	}{
		{
			name: "built-in rules", code: 0,
			stdoutHas: []string{"builtin: 1 loaded, 0 skipped, 0 with errors\n"},
		},
		{
			name: "skipped types are listed, not errors", args: []string{"--rules", "testdata/rules"}, code: 0,
			stdoutHas: []string{
				`skipped: testdata/rules/okta_password_spray_threshold.toml (Okta Sign-in Failures from One Address): type "threshold"`,
				"testdata/rules: 2 loaded, 1 skipped, 0 with errors\n",
			},
		},
		{
			name: "builtin next to a directory", args: []string{"--rules", "builtin,testdata/rules"}, code: 0,
			stdoutHas: []string{"builtin, testdata/rules: 3 loaded, 1 skipped, 0 with errors\n"},
		},
		{
			// Every broken rule is reported, each at the place in its file
			// where the query goes wrong (see the comments in the files).
			name: "KQL errors", args: []string{"--rules", "testdata/rules-broken-kql"}, code: 1,
			stdoutHas: []string{
				`error: testdata/rules-broken-kql/escaped_basic_string.toml:12:73: query: expected a value after "event.action:"`,
				`error: testdata/rules-broken-kql/missing_list_value.toml:21:44: query: expected a value after "or" but found ")"`,
				`error: testdata/rules-broken-kql/unterminated_phrase.toml:13:55: query: unterminated quoted string`,
				"testdata/rules-broken-kql: 0 loaded, 0 skipped, 3 with errors\n",
			},
			stderrHas: []string{"3 rule(s) failed to compile"},
		},
		{
			name: "TOML error", args: []string{"--rules", "testdata/rules-broken-toml"}, code: 1,
			stderrHas: []string{"testdata/rules-broken-toml/unterminated_name.toml:5:20: invalid TOML"},
		},
		{
			name: "missing path", args: []string{"--rules", "testdata/no-such-rules"}, code: 1,
			stderrHas: []string{"testdata/no-such-rules"},
		},
		{
			name: "not a rule file", args: []string{"--rules", "testdata/config/layers.yaml"}, code: 1,
			stderrHas: []string{"testdata/config/layers.yaml", ".toml"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := runCLI(t, append([]string{"rules", "validate"}, tt.args...)...)
			r.wantCode(t, tt.code)
			for _, s := range tt.stdoutHas {
				if !strings.Contains(r.stdout, s) {
					t.Errorf("stdout lacks %q:\n%s", s, r.stdout)
				}
			}
			for _, s := range tt.stderrHas {
				if !strings.Contains(r.stderr, s) {
					t.Errorf("stderr lacks %q:\n%s", s, r.stderr)
				}
			}
		})
	}
}

// TestRulesValidatePositionsPointAtTheError reads each reported
// file:line:col back and checks what the file holds there, so the
// positions are proven against the files rather than against the
// parser's own counting.
func TestRulesValidatePositionsPointAtTheError(t *testing.T) {
	r := runCLI(t, "rules", "validate", "--format", "json", "--rules", "testdata/rules-broken-kql", "--rules", "testdata/rules")
	r.wantCode(t, 1)
	wantAt := map[string]string{
		"testdata/rules-broken-kql/missing_list_value.toml":   ")",       // the list ends without a value
		"testdata/rules-broken-kql/unterminated_phrase.toml":  `"admin@`, // the opening quote of the phrase
		"testdata/rules-broken-kql/escaped_basic_string.toml": "\"\n",    // the string's closing quote: the query ended
	}
	pos := regexp.MustCompile(`^(.+\.toml):(\d+):(\d+): `)
	statuses := map[string]int{}
	for _, m := range jsonLines(t, r.stdout) {
		status := m["status"].(string)
		statuses[status]++
		if status != "error" {
			continue
		}
		reason := m["reason"].(string)
		sm := pos.FindStringSubmatch(reason)
		if sm == nil {
			t.Errorf("reason %q has no file:line:col", reason)
			continue
		}
		file, line, col := sm[1], atoi(t, sm[2]), atoi(t, sm[3])
		want, ok := wantAt[file]
		if !ok {
			t.Errorf("unexpected error in %s: %s", file, reason)
			continue
		}
		delete(wantAt, file)
		if got := textAt(t, file, line, col, len(want)); got != want {
			t.Errorf("%s:%d:%d holds %q, want %q (reason %q)", file, line, col, got, want, reason)
		}
	}
	for file := range wantAt {
		t.Errorf("no error reported for %s", file)
	}
	if want := map[string]int{"error": 3, "loaded": 2, "skipped": 1}; fmt.Sprint(statuses) != fmt.Sprint(want) {
		t.Errorf("statuses %v, want %v", statuses, want)
	}
}

func atoi(t *testing.T, s string) int {
	t.Helper()
	n, err := strconv.Atoi(s)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// textAt returns n bytes of file from 1-based line and byte column.
func textAt(t *testing.T, file string, line, col, n int) string {
	t.Helper()
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.SplitAfter(string(data), "\n")
	if line < 1 || line > len(lines) || col < 1 || col > len(lines[line-1]) {
		return fmt.Sprintf("<outside the file: %d:%d>", line, col)
	}
	rest := lines[line-1][col-1:]
	return rest[:min(n, len(rest))]
}

func TestRulesTest(t *testing.T) {
	t.Run("built-in rules pass", func(t *testing.T) {
		r := runCLI(t, "rules", "test")
		r.wantCode(t, 0)
		if !regexp.MustCompile(`^1 rules, \d+ example events: \d+ passed, 0 failed, 0 rules without examples\n$`).MatchString(r.stdout) {
			t.Errorf("rules test:\n%s", r.stdout)
		}
		assertExamplesPass(t, []string{unauthRuleID})
	})
	t.Run("rules without examples are noted", func(t *testing.T) {
		r := runCLI(t, "rules", "test", "--rules", "testdata/rules")
		r.wantCode(t, 0)
		for _, s := range []string{
			"note: rule " + svcGrantRuleID + " has no example events",
			"note: rule " + policyDeleteRuleID + " has no example events",
			"2 rules, 0 example events: 0 passed, 0 failed, 2 rules without examples",
		} {
			if !strings.Contains(r.stdout, s) {
				t.Errorf("stdout lacks %q:\n%s", s, r.stdout)
			}
		}
	})
	t.Run("broken rules fail", func(t *testing.T) {
		r := runCLI(t, "rules", "test", "--rules", "testdata/rules-broken-kql")
		r.wantCode(t, 1)
		if !strings.Contains(r.stderr, ".toml:") {
			t.Errorf("stderr names no rule file:\n%s", r.stderr)
		}
	})
}

// assertExamplesPass runs `rules test --format json` with extra args and
// checks that every rule in want ran at least one match and one no-match
// example, and that every example passed.
func assertExamplesPass(t *testing.T, want []string, args ...string) {
	t.Helper()
	r := runCLI(t, append([]string{"rules", "test", "--format", "json"}, args...)...)
	r.wantCode(t, 0)
	cases := map[string]map[string]int{} // rule → case → count
	for _, m := range jsonLines(t, r.stdout) {
		id, c := m["rule_id"].(string), m["case"].(string)
		if pass, _ := m["pass"].(bool); !pass {
			t.Errorf("%s %s[%v] failed: %v", id, c, m["index"], m["detail"])
		}
		if cases[id] == nil {
			cases[id] = map[string]int{}
		}
		cases[id][c]++
	}
	for _, id := range want {
		if cases[id]["match"] == 0 || cases[id]["no_match"] == 0 {
			t.Errorf("rule %s ran %d match and %d no_match examples, want at least one of each", id, cases[id]["match"], cases[id]["no_match"])
		}
	}
	if len(cases) != len(want) {
		t.Errorf("examples ran for %d rules, want %d", len(cases), len(want))
	}
}

// TestElasticOktaRules loads Elastic's own Okta rule directory: every query
// rule must compile and pass its examples, and every other type must be
// listed as skipped.
func TestElasticOktaRules(t *testing.T) {
	dir := sharedTestdata(t, "elastic-rules/okta")

	r := runCLI(t, "rules", "validate", "--rules", dir)
	r.wantCode(t, 0)
	if want := dir + ": 28 loaded, 33 skipped, 0 with errors\n"; !strings.HasSuffix(r.stdout, want) {
		t.Errorf("validate summary: want %q, got:\n%s", want, r.stdout)
	}
	skipped := 0
	for _, line := range strings.Split(r.stdout, "\n") {
		if strings.HasPrefix(line, "skipped: ") {
			skipped++
		}
	}
	if skipped != 33 {
		t.Errorf("%d skipped rules listed, want 33", skipped)
	}

	r = runCLI(t, "rules", "list", "--format", "json", "--rules", dir)
	r.wantCode(t, 0)
	var loaded []string
	for _, m := range jsonLines(t, r.stdout) {
		if m["status"] == "loaded" {
			loaded = append(loaded, m["rule_id"].(string))
		}
	}
	if len(loaded) != 28 {
		t.Fatalf("%d rules loaded, want 28", len(loaded))
	}

	r = runCLI(t, "rules", "test", "--rules", dir)
	r.wantCode(t, 0)
	if !regexp.MustCompile(`(^|\n)28 rules, \d+ example events: \d+ passed, 0 failed, 0 rules without examples\n$`).MatchString(r.stdout) {
		t.Errorf("rules test:\n%s", r.stdout)
	}
	assertExamplesPass(t, loaded, "--rules", dir)
}

func TestRulesSubcommandErrors(t *testing.T) {
	tests := []struct {
		name string
		args []string
		code int
		want string
	}{
		{"missing", []string{"rules"}, 2, "missing subcommand"},
		{"unknown", []string{"rules", "check"}, 2, `unknown subcommand "check"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := runCLI(t, tt.args...)
			r.wantCode(t, tt.code)
			if !strings.Contains(r.stderr, tt.want) || !strings.Contains(r.stderr, "Usage: oktadetect rules") {
				t.Errorf("stderr:\n%s", r.stderr)
			}
		})
	}
}
