package rules

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

// parseFixture parses testdata/<name> with its path as the source.
func parseFixture(t *testing.T, name string) (*Rule, *Skipped, error) {
	t.Helper()
	path := filepath.Join("testdata", name)
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return Parse(path, data)
}

// flatten lists every *Error inside err, however deeply joined.
func flatten(t *testing.T, err error) []*Error {
	t.Helper()
	var out []*Error
	var walk func(error)
	walk = func(err error) {
		if joined, ok := err.(interface{ Unwrap() []error }); ok {
			for _, e := range joined.Unwrap() {
				walk(e)
			}
			return
		}
		var e *Error
		if !errors.As(err, &e) {
			t.Fatalf("error %v (%T) is not an *Error", err, err)
		}
		out = append(out, e)
	}
	if err != nil {
		walk(err)
	}
	return out
}

func intPtr(n int) *int { return &n }

func TestParseValid(t *testing.T) {
	tests := []struct {
		file string
		want Rule
	}{{
		file: "valid/full.toml",
		want: Rule{
			ID:          "5b0e3c8a-6f7d-4d1e-9a2b-1c3d4e5f6a70",
			Name:        "Okta Network Zone Removed",
			Description: "An administrator deleted an Okta network zone.",
			Type:        "query",
			Language:    "kuery",
			Query:       "event.dataset:okta.system and\n  event.action:zone.delete\n",
			Severity:    "medium",
			License:     "Apache License 2.0",
			Note:        "## Triage\nCheck who deleted the zone.",
			Setup:       "Requires Okta System Log events.",
			Version:     7,
			RiskScore:   47,
			SeverityMapping: []SeverityMapping{
				{Field: "okta.debug_context.debug_data.risk_level", Operator: "equals", Value: "HIGH", Severity: "high"},
				{Field: "okta.debug_context.debug_data.risk_level", Operator: "equals", Value: "LOW", Severity: "low"},
			},
			RiskScoreMapping: []RiskScoreMapping{
				{Field: "event.risk_score", Operator: "equals", Value: ""},
				{Field: "okta.debug_context.debug_data.risk_score", Operator: "equals", Value: "", RiskScore: intPtr(73)},
			},
			Tags:              []string{"Data Source: Okta", "Tactic: Defense Evasion"},
			References:        []string{"https://developer.okta.com/docs/reference/api/event-types/"},
			Author:            []string{"Security Team", "Jane Analyst"},
			Index:             []string{"logs-okta*"},
			FalsePositives:    []string{"Planned network changes."},
			Interval:          15 * time.Minute,
			From:              "now-20m",
			MaxSignals:        50,
			TimestampOverride: "event.ingested",
			Threat: []Threat{{
				Framework: "MITRE ATT&CK",
				Tactic:    Tactic{ID: "TA0005", Name: "Defense Evasion", Reference: "https://attack.mitre.org/tactics/TA0005/"},
				Techniques: []Technique{{
					ID: "T1562", Name: "Impair Defenses", Reference: "https://attack.mitre.org/techniques/T1562/",
					Subtechniques: []Technique{
						{ID: "T1562.007", Name: "Disable or Modify Cloud Firewall", Reference: "https://attack.mitre.org/techniques/T1562/007/"},
						{ID: "T1562.008", Name: "Disable or Modify Cloud Logs", Reference: "https://attack.mitre.org/techniques/T1562/008/"},
					},
				}, {
					ID: "T1556", Name: "Modify Authentication Process", Reference: "https://attack.mitre.org/techniques/T1556/",
				}},
			}, {
				Framework: "MITRE ATT&CK",
				Tactic:    Tactic{ID: "TA0040", Name: "Impact", Reference: "https://attack.mitre.org/tactics/TA0040/"},
			}},
			Metadata: Metadata{CreationDate: "2025/03/01", UpdatedDate: "2026/02/14", Maturity: "production", Integration: []string{"okta"}},
			Source:   "testdata/valid/full.toml",
			// query = ''' is on line 30; the newline after the delimiter is dropped.
			queryLine: 31, queryCol: 1,
		},
	}, {
		file: "valid/minimal.toml",
		want: Rule{
			ID:          "minimal-rule",
			Name:        "Minimal Rule",
			Description: "Smallest rule the loader accepts.",
			Type:        "query",
			Language:    "kuery",
			Query:       "event.action:user.session.start",
			Severity:    "low",
			Version:     1,
			RiskScore:   0,
			Interval:    5 * time.Minute,
			From:        "now-6m",
			MaxSignals:  100,
			Source:      "testdata/valid/minimal.toml",
			queryLine:   10, queryCol: 10,
		},
	}, {
		file: "valid/building_block.toml",
		want: Rule{
			ID:                "9c1f2e3d-4b5a-4c6d-8e7f-0a1b2c3d4e5f",
			Name:              "Okta Admin Console Sign-in Failure",
			Description:       "Building block: failed sign-ins to the Okta admin console.",
			Type:              "query",
			Language:          "kuery",
			Query:             "event.dataset:okta.system and event.action:user.session.access_admin_app and event.outcome:failure",
			Severity:          "low",
			Version:           1,
			RiskScore:         21,
			Interval:          5 * time.Minute,
			From:              "now-6m",
			MaxSignals:        100,
			BuildingBlockType: "default",
			// integration may be one string instead of a list.
			Metadata:  Metadata{CreationDate: "2025/06/01", UpdatedDate: "2025/06/01", Maturity: "production", Integration: []string{"okta"}},
			Source:    "testdata/valid/building_block.toml",
			queryLine: 16, queryCol: 12,
		},
	}}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			r, skipped, err := parseFixture(t, tt.file)
			if err != nil || skipped != nil {
				t.Fatalf("Parse: skipped %+v, error %v; want a rule", skipped, err)
			}
			// nil and empty slices mean the same here.
			normalize(r)
			normalize(&tt.want)
			if !reflect.DeepEqual(*r, tt.want) {
				t.Errorf("Parse:\n got %+v\nwant %+v", *r, tt.want)
			}
			if got, want := r.IsBuildingBlock(), tt.want.BuildingBlockType != ""; got != want {
				t.Errorf("IsBuildingBlock() = %v, want %v", got, want)
			}
		})
	}
}

// normalize replaces empty slices with nil so that DeepEqual compares
// contents only.
func normalize(r *Rule) {
	nilIfEmpty := func(s []string) []string {
		if len(s) == 0 {
			return nil
		}
		return s
	}
	r.Tags, r.References, r.Author = nilIfEmpty(r.Tags), nilIfEmpty(r.References), nilIfEmpty(r.Author)
	r.Index, r.FalsePositives = nilIfEmpty(r.Index), nilIfEmpty(r.FalsePositives)
	r.Metadata.Integration = nilIfEmpty(r.Metadata.Integration)
	for i := range r.Threat {
		if len(r.Threat[i].Techniques) == 0 {
			r.Threat[i].Techniques = nil
		}
		for j := range r.Threat[i].Techniques {
			if len(r.Threat[i].Techniques[j].Subtechniques) == 0 {
				r.Threat[i].Techniques[j].Subtechniques = nil
			}
		}
	}
}

func TestParseSkipped(t *testing.T) {
	tests := []struct {
		file, typ, language, reason string
	}{
		{"skip/threshold.toml", "threshold", "kuery", `type "threshold" is not supported: only query rules (KQL) run in the stream`},
		{"skip/new_terms.toml", "new_terms", "kuery", `type "new_terms" is not supported: only query rules (KQL) run in the stream`},
		{"skip/eql.toml", "eql", "eql", `type "eql" is not supported: only query rules (KQL) run in the stream`},
		{"skip/esql.toml", "esql", "esql", `type "esql" is not supported: only query rules (KQL) run in the stream`},
		{"skip/machine_learning.toml", "machine_learning", "", `type "machine_learning" is not supported: only query rules (KQL) run in the stream`},
		{"skip/saved_query.toml", "saved_query", "kuery", `type "saved_query" is not supported: only query rules (KQL) run in the stream`},
		{"skip/future_type.toml", "threat_intel_v2", "", `type "threat_intel_v2" is not supported: only query rules (KQL) run in the stream`},
		{"skip/lucene.toml", "query", "lucene", `language "lucene" is not supported: only KQL (language "kuery") query rules run in the stream`},
		{"skip/filters.toml", "query", "kuery", "filters are not supported: the rule's Kibana filters narrow its query, and running the query alone would alert on events the rule does not match"},
		{"skip/deprecated.toml", "query", "kuery", `the rule is deprecated (metadata maturity "deprecated")`},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			r, skipped, err := parseFixture(t, tt.file)
			if err != nil || r != nil {
				t.Fatalf("Parse: rule %v, error %v; want it skipped", r, err)
			}
			name := strings.TrimSuffix(filepath.Base(tt.file), ".toml")
			want := Skipped{
				Source:   filepath.Join("testdata", tt.file),
				RuleID:   "skip-" + name,
				Name:     "Skip " + name,
				Type:     tt.typ,
				Language: tt.language,
				Reason:   tt.reason,
			}
			if *skipped != want {
				t.Errorf("Parse skipped:\n got %+v\nwant %+v", *skipped, want)
			}
		})
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		file string
		want []string // "line:col: message", in file order
	}{{
		file: "invalid/syntax.toml",
		// The newline ends the unterminated string on line 3.
		want: []string{"3:21: invalid TOML: basic strings cannot have new lines"},
	}, {
		file: "invalid/duplicate_key.toml",
		want: []string{"4:1: invalid TOML: key name is already defined"},
	}, {
		file: "invalid/missing_rule_table.toml",
		want: []string{"1:1: missing [rule] table"},
	}, {
		file: "invalid/rule_not_table.toml",
		want: []string{"1:8: rule: expected a table, found a string"},
	}, {
		file: "invalid/missing_required.toml",
		// Missing keys point at the [rule] header.
		want: []string{
			`5:1: [rule]: missing required key "rule_id"`,
			`5:1: [rule]: missing required key "description"`,
			`5:1: [rule]: missing required key "severity"`,
			`5:1: [rule]: missing required key "risk_score"`,
		},
	}, {
		file: "invalid/wrong_types.toml",
		want: []string{
			"6:12: rule.severity: expected a string, found an integer",
			"7:14: rule.risk_score: expected an integer, found a string",
			"8:11: rule.version: expected an integer, found a float",
			"9:15: rule.max_signals: expected an integer, found a boolean",
			"10:12: rule.interval: expected a string, found an integer",
			"11:8: rule.tags: expected an array of strings, found a string",
			"12:17: rule.author[1]: expected a string, found an integer",
			"13:9: rule.query: expected a string, found an array",
			"14:10: rule.threat: expected an array of tables, found a string",
			"17:17: metadata.creation_date: expected a string, found a date/time",
			"18:15: metadata.integration: expected a string or an array of strings, found an integer",
		},
	}, {
		file: "invalid/bad_values.toml",
		want: []string{
			`2:17: metadata.creation_date: expected a date written YYYY/MM/DD, found "2025-01-01"`,
			`3:12: metadata.maturity: must be one of development, experimental, beta, production, deprecated, found "shipped"`,
			`6:11: rule.rule_id: must not start or end with white space`,
			`7:8: rule.name: must not be empty`,
			`10:12: rule.severity: must be one of low, medium, high, critical, found "urgent"`,
			`11:14: rule.risk_score: must be from 0 to 100, found 101`,
			`12:11: rule.version: must be a positive integer, found 0`,
			`13:15: rule.max_signals: must be a positive integer, found 0`,
			`14:12: rule.interval: expected a whole number and a unit (s, m, h or d), like "5m", found "5 minutes"`,
			`15:8: rule.from: expected date math relative to now, like "now-6m", found "yesterday"`,
			`20:12: rule.severity_mapping[0].operator: must be "equals", found "contains"`,
			`21:12: rule.severity_mapping[0].severity: must be one of low, medium, high, critical, found "severe"`,
			`25:14: rule.risk_score_mapping[0].risk_score: must be from 0 to 100, found -1`,
		},
	}, {
		file: "invalid/empty_query.toml",
		want: []string{"8:9: rule.query: must not be empty"},
	}, {
		file: "invalid/no_query.toml",
		want: []string{`1:1: [rule]: missing required key "query"`},
	}, {
		file: "invalid/bad_language.toml",
		want: []string{`6:12: rule.language: must be "kuery" or "lucene" for a query rule, found "sql"`},
	}, {
		file: "invalid/threat_incomplete.toml",
		want: []string{
			`10:1: [rule.threat[0]]: missing required key "tactic"`,
			`13:1: [rule.threat[0].technique[0]]: missing required key "reference"`,
			`19:10: [rule.threat[1].tactic]: missing required key "reference"`,
		},
	}, {
		file: "invalid/skipped_but_invalid.toml",
		want: []string{"9:14: rule.risk_score: must be from 0 to 100, found 500"},
	}}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			r, skipped, err := parseFixture(t, tt.file)
			if r != nil || skipped != nil {
				t.Fatalf("Parse: rule %v, skipped %v; want an error", r, skipped)
			}
			var got []string
			for _, e := range flatten(t, err) {
				if want := filepath.Join("testdata", tt.file); e.File != want {
					t.Errorf("error names file %q, want %q", e.File, want)
				}
				got = append(got, strings.TrimPrefix(e.Error(), e.File+":"))
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("errors:\n got %q\nwant %q", got, tt.want)
			}
		})
	}
}

func TestParseSyntaxErrorWrapsDecodeError(t *testing.T) {
	_, _, err := parseFixture(t, "invalid/syntax.toml")
	var e *Error
	if !errors.As(err, &e) || e.Err == nil {
		t.Fatalf("want an *Error wrapping go-toml's error, got %#v", err)
	}
	if errors.Unwrap(e) != e.Err {
		t.Errorf("Unwrap() = %v, want %v", errors.Unwrap(e), e.Err)
	}
}

func TestQueryPosition(t *testing.T) {
	r, _, err := parseFixture(t, "valid/basic_string_query.toml")
	if err != nil {
		t.Fatal(err)
	}
	const wantQuery = `okta.actor.alternate_id:"svc\u0040example.com" and event.action:user.session.start` + "\n" +
		`  and not source.ip:10.0.0.1`
	if r.Query != wantQuery {
		t.Fatalf("Query = %q, want %q", r.Query, wantQuery)
	}
	col := func(line, sub string) int { return strings.Index(line, sub) + 1 }
	line1 := strings.Split(wantQuery, "\n")[0]

	// The file (lines 10-13):
	//	query = """
	//	okta.actor.alternate_id:\"svc\\u0040example.com\" and \
	//	    event.action:\u0075ser.session.start
	//	  and not source.ip:10.0.0.1"""
	tests := []struct {
		name              string
		line, col         int
		wantLine, wantCol int
	}{
		{"start", 1, 1, 11, 1},
		{"escaped quote", 1, col(line1, `"svc`), 11, 25},
		{"after escapes on the same line", 1, col(line1, "example"), 11, 37},
		{"joined by a line-ending backslash", 1, col(line1, "event.action"), 12, 5},
		{"unicode escape", 1, col(line1, "user.session"), 12, 18},
		{"after a unicode escape", 1, col(line1, "ser.session"), 12, 24},
		{"second line", 2, 3, 13, 3},
		// Text line 1 ends at the newline of file line 12, column 41.
		{"past the end of a line", 1, len(line1) + 3, 12, 43},
		{"past the end of the query", 5, 1, 13, 29},
		{"zero is clamped to 1", 0, 0, 11, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l, c := r.QueryPosition(tt.line, tt.col)
			if l != tt.wantLine || c != tt.wantCol {
				t.Errorf("QueryPosition(%d, %d) = %d:%d, want %d:%d", tt.line, tt.col, l, c, tt.wantLine, tt.wantCol)
			}
		})
	}
}

func TestQueryPositionVerbatim(t *testing.T) {
	r, _, err := parseFixture(t, "valid/full.toml")
	if err != nil {
		t.Fatal(err)
	}
	// Lines 31-32 of the file hold the query text verbatim:
	//	event.dataset:okta.system and
	//	  event.action:zone.delete
	tests := []struct{ line, col, wantLine, wantCol int }{
		{1, 1, 31, 1},
		{1, 15, 31, 15},
		{2, 3, 32, 3},
		{3, 1, 33, 1},
	}
	for _, tt := range tests {
		if l, c := r.QueryPosition(tt.line, tt.col); l != tt.wantLine || c != tt.wantCol {
			t.Errorf("QueryPosition(%d, %d) = %d:%d, want %d:%d", tt.line, tt.col, l, c, tt.wantLine, tt.wantCol)
		}
	}

	// A query on the line of its key is offset on its first line only.
	bb, _, err := parseFixture(t, "valid/building_block.toml")
	if err != nil {
		t.Fatal(err)
	}
	if l, c := bb.QueryPosition(1, 7); l != 16 || c != 18 {
		t.Errorf("QueryPosition(1, 7) = %d:%d, want 16:18", l, c)
	}
}

func TestQueryPositionWithoutSource(t *testing.T) {
	var r Rule
	if l, c := r.QueryPosition(3, 4); l != 3 || c != 4 {
		t.Errorf("zero Rule: QueryPosition(3, 4) = %d:%d, want 3:4", l, c)
	}
}

func TestParseQueryWithCRLF(t *testing.T) {
	src := "[rule]\r\nrule_id = \"crlf\"\r\nname = \"CRLF\"\r\ndescription = \"Written on Windows.\"\r\n" +
		"type = \"query\"\r\nseverity = \"low\"\r\nrisk_score = 21\r\nquery = '''\r\nevent.action:a or\r\n  event.action:b\r\n'''\r\n"
	r, _, err := Parse("crlf.toml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	if l, c := r.QueryPosition(2, 3); l != 10 || c != 3 {
		t.Errorf("QueryPosition(2, 3) = %d:%d, want 10:3", l, c)
	}
}

func TestErrorString(t *testing.T) {
	tests := []struct {
		err  Error
		want string
	}{
		{Error{File: "rules/a.toml", Line: 3, Col: 7, Msg: "boom"}, "rules/a.toml:3:7: boom"},
		{Error{File: "rules/a.toml", Msg: "cannot read rule file: permission denied"}, "rules/a.toml: cannot read rule file: permission denied"},
	}
	for _, tt := range tests {
		if got := tt.err.Error(); got != tt.want {
			t.Errorf("Error() = %q, want %q", got, tt.want)
		}
	}
}

func TestParseInterval(t *testing.T) {
	tests := []struct {
		in      string
		want    time.Duration
		wantErr bool
	}{
		{"30s", 30 * time.Second, false},
		{"5m", 5 * time.Minute, false},
		{"2h", 2 * time.Hour, false},
		{"1d", 24 * time.Hour, false},
		{"0m", 0, true},
		{"5", 0, true},
		{"m", 0, true},
		{"", 0, true},
		{"1.5h", 0, true},
		{"1h30m", 0, true},
		{"-5m", 0, true},
		{"+5m", 0, true},
		{"5M", 0, true},
		{"99999999999999999999d", 0, true},
		{"9999999d", 0, true},
	}
	for _, tt := range tests {
		got, err := parseInterval(tt.in)
		if (err != nil) != tt.wantErr || got != tt.want {
			t.Errorf("parseInterval(%q) = %v, %v; want %v, error %v", tt.in, got, err, tt.want, tt.wantErr)
		}
	}
}

func TestValidFrom(t *testing.T) {
	tests := map[string]bool{
		"now":        true,
		"now-6m":     true,
		"now-21660s": true,
		"now-3h":     true,
		"now-1M":     true,
		"now-":       false,
		"now-6":      false,
		"now+6m":     false,
		"now-6m/m":   false,
		"6m":         false,
		"yesterday":  false,
		"":           false,
	}
	for in, want := range tests {
		if got := validFrom(in); got != want {
			t.Errorf("validFrom(%q) = %v, want %v", in, got, want)
		}
	}
}

func BenchmarkParse(b *testing.B) {
	for _, file := range []string{"builtin/okta_unauthorized_app_access.toml", "testdata/valid/full.toml"} {
		data, err := os.ReadFile(file)
		if err != nil {
			b.Fatal(err)
		}
		b.Run(filepath.Base(file), func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			b.ReportAllocs()
			for b.Loop() {
				if _, _, err := Parse(file, data); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
