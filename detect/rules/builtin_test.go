package rules

import (
	"reflect"
	"strings"
	"testing"
	"time"
)

const builtinUnauthAppID = "4edd3e1a-3aa0-499b-8147-4d2ea43b1613"

func TestBuiltin(t *testing.T) {
	set := Builtin()
	if len(set.Skipped) != 0 {
		t.Fatalf("built-in rules skipped: %+v", set.Skipped)
	}
	if len(set.Rules) != 1 {
		t.Fatalf("got %d built-in rules, want 1", len(set.Rules))
	}
	r := set.Rules[0]

	checks := []struct {
		field     string
		got, want any
	}{
		{"ID", r.ID, builtinUnauthAppID},
		{"Name", r.Name, "Unauthorized Access to an Okta Application"},
		{"Type", r.Type, "query"},
		{"Language", r.Language, "kuery"},
		{"Query", strings.TrimSpace(r.Query), "event.dataset:okta.system and event.action:app.generic.unauth_app_access_attempt"},
		{"Version", r.Version, 411},
		{"Severity", r.Severity, "low"},
		{"RiskScore", r.RiskScore, 21},
		{"Interval", r.Interval, 5 * time.Minute},
		{"From", r.From, "now-6m"},
		{"MaxSignals", r.MaxSignals, 100},
		{"Index", r.Index, []string{"filebeat-*", "logs-okta*"}},
		{"Author", r.Author, []string{"Elastic", "Austin Songer"}},
		{"License", r.License, "Elastic License v2"},
		{"Tags", r.Tags, []string{"Tactic: Initial Access", "Use Case: Identity and Access Audit", "Data Source: Okta", "Resources: Investigation Guide"}},
		{"References", r.References, []string{
			"https://developer.okta.com/docs/reference/api/system-log/",
			"https://developer.okta.com/docs/reference/api/event-types/",
		}},
		{"TimestampOverride", r.TimestampOverride, ""}, // see the comment in the rule file
		{"BuildingBlockType", r.BuildingBlockType, ""},
		{"Metadata.Maturity", r.Metadata.Maturity, "production"},
		{"Metadata.Integration", r.Metadata.Integration, []string{"okta"}},
		{"Source", r.Source, "builtin:okta_unauthorized_app_access.toml"},
	}
	for _, c := range checks {
		if !reflect.DeepEqual(c.got, c.want) {
			t.Errorf("%s = %#v, want %#v", c.field, c.got, c.want)
		}
	}
	if r.Metadata.CreationDate == "" || r.Metadata.UpdatedDate == "" {
		t.Errorf("metadata dates missing: %+v", r.Metadata)
	}
	if len(r.Description) < 100 {
		t.Errorf("Description is too thin to help an analyst: %q", r.Description)
	}
	for _, section := range []string{"## Triage and analysis", "### Usually benign", "### Response"} {
		if !strings.Contains(r.Note, section) {
			t.Errorf("Note lacks %q", section)
		}
	}
	if r.Setup == "" {
		t.Error("Setup is empty")
	}

	wantThreat := []Threat{{
		Framework: "MITRE ATT&CK",
		Tactic:    Tactic{ID: "TA0001", Name: "Initial Access", Reference: "https://attack.mitre.org/tactics/TA0001/"},
		Techniques: []Technique{{
			ID: "T1078", Name: "Valid Accounts", Reference: "https://attack.mitre.org/techniques/T1078/",
			Subtechniques: []Technique{{ID: "T1078.004", Name: "Cloud Accounts", Reference: "https://attack.mitre.org/techniques/T1078/004/"}},
		}},
	}, {
		Framework: "MITRE ATT&CK",
		Tactic:    Tactic{ID: "TA0005", Name: "Defense Evasion", Reference: "https://attack.mitre.org/tactics/TA0005/"},
	}, {
		Framework: "MITRE ATT&CK",
		Tactic:    Tactic{ID: "TA0003", Name: "Persistence", Reference: "https://attack.mitre.org/tactics/TA0003/"},
	}, {
		Framework: "MITRE ATT&CK",
		Tactic:    Tactic{ID: "TA0004", Name: "Privilege Escalation", Reference: "https://attack.mitre.org/tactics/TA0004/"},
	}}
	normalize(r)
	if !reflect.DeepEqual(r.Threat, wantThreat) {
		t.Errorf("Threat =\n %+v\nwant\n %+v", r.Threat, wantThreat)
	}

	// The query text starts on the line after query = ''' in the file.
	data, err := builtinFS.ReadFile("builtin/okta_unauthorized_app_access.toml")
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(string(data), "\n")
	line, col := r.QueryPosition(1, 1)
	if line < 2 || line > len(lines) || lines[line-2] != "query = '''" || col != 1 ||
		!strings.HasPrefix(lines[line-1], "event.dataset:") {
		t.Errorf("QueryPosition(1, 1) = %d:%d, which is not where the query starts", line, col)
	}
}

func TestBuiltinReturnsIndependentSets(t *testing.T) {
	a := Builtin()
	a.Rules[0].Name = "changed by a caller"
	if b := Builtin(); b.Rules[0].Name == a.Rules[0].Name {
		t.Error("a caller's change to one Builtin() result shows in the next")
	}
}
