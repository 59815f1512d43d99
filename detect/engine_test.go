package detect

import (
	"errors"
	"strings"
	"testing"

	"github.com/oktadetect/oktadetect/detect/rules"
)

// testRule returns a query rule for q.
func testRule(id, q string) *rules.Rule {
	return &rules.Rule{
		ID: id, Name: "rule " + id, Type: "query", Language: "kuery", Query: q,
		Severity: "low", RiskScore: 21, Version: 1, MaxSignals: 100, Interval: rules.DefaultInterval, From: rules.DefaultFrom,
	}
}

func mustCompile(t testing.TB, queries []string, opts ...Option) *Engine {
	t.Helper()
	var rs []*rules.Rule
	for i, q := range queries {
		rs = append(rs, testRule(string(rune('a'+i)), q))
	}
	e, err := Compile(rs, opts...)
	if err != nil {
		t.Fatalf("Compile(%q): %v", queries, err)
	}
	return e
}

// matches reports whether the single rule of e matches doc, checking that
// the prefilter and the decode paths agree.
func matches(t *testing.T, e *Engine, doc string) bool {
	t.Helper()
	res, err := e.NewMatcher().Match([]byte(doc), "okta-system")
	if err != nil {
		t.Fatalf("Match(%s): %v", doc, err)
	}
	return len(res.Rules) > 0
}

const seedQuery = `event.dataset:okta.system and event.action:app.generic.unauth_app_access_attempt`

func TestSeedRuleShapes(t *testing.T) {
	rawEvent := `{"uuid":"6a2b3c4d-1111-4222-8333-944455566677","published":"2026-11-25T10:00:00.000Z","eventType":"app.generic.unauth_app_access_attempt","version":"0","severity":"WARN","actor":{"id":"00u1","type":"User","alternateId":"jane.doe@example.com","displayName":"Jane Doe"},"client":{"ipAddress":"198.51.100.7"},"outcome":{"result":"FAILURE"},"target":[{"id":"0oa1","type":"AppInstance","alternateId":"Payroll","displayName":"Payroll"}]}`
	escaped := strings.ReplaceAll(rawEvent, `"`, `\"`)
	tests := []struct {
		name string
		doc  string
		want bool
	}{
		{"ecs nested", `{"event":{"dataset":"okta.system","action":"app.generic.unauth_app_access_attempt","id":"e1"}}`, true},
		{"ecs dotted", `{"event.dataset":"okta.system","event.action":"app.generic.unauth_app_access_attempt"}`, true},
		{"ecs mixed", `{"event.dataset":"okta.system","event":{"action":"app.generic.unauth_app_access_attempt"}}`, true},
		{"data_stream dataset alias", `{"data_stream":{"dataset":"okta.system"},"event":{"action":"app.generic.unauth_app_access_attempt"}}`, true},
		{"escaped action", `{"event":{"dataset":"okta.system","action":"app.generic.unauth\u005fapp_access_attempt"}}`, true},
		{"escaped key", `{"event":{"dataset":"okta.system","\u0061ction":"app.generic.unauth_app_access_attempt"}}`, true},
		{"action in array", `{"event":{"dataset":"okta.system","action":["user.session.start","app.generic.unauth_app_access_attempt"]}}`, true},
		{"raw okta", rawEvent, true},
		{"envelope", `{"data_stream":{"dataset":"okta.system","type":"logs"},"message":"` + escaped + `"}`, true},
		{"envelope other dataset", `{"data_stream":{"dataset":"generic"},"message":"` + escaped + `"}`, false},
		{"wrong case", `{"event":{"dataset":"okta.system","action":"App.generic.unauth_app_access_attempt"}}`, false},
		{"wrong dataset", `{"event":{"dataset":"okta.other","action":"app.generic.unauth_app_access_attempt"}}`, false},
		{"object instead of string", `{"event":{"dataset":"okta.system","action":{"name":"app.generic.unauth_app_access_attempt"}}}`, false},
		{"missing dataset", `{"event":{"action":"app.generic.unauth_app_access_attempt"}}`, false},
		{"other action", `{"event":{"dataset":"okta.system","action":"user.session.start"}}`, false},
		{"action elsewhere", `{"event":{"dataset":"okta.system","action":"user.session.start"},"note":"app.generic.unauth_app_access_attempt"}`, false},
		{"null action", `{"event":{"dataset":"okta.system","action":null}}`, false},
	}
	for _, prefilter := range []bool{true, false} {
		e := mustCompile(t, []string{seedQuery}, Prefilter(prefilter))
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				if got := matches(t, e, tt.doc); got != tt.want {
					t.Fatalf("prefilter=%v: match = %v, want %v", prefilter, got, tt.want)
				}
			})
		}
	}
}

func TestDefaultDataset(t *testing.T) {
	doc := `{"event":{"action":"app.generic.unauth_app_access_attempt"}}`
	e := mustCompile(t, []string{seedQuery}, DefaultDataset("okta-system", "okta.system"))
	if !matches(t, e, doc) {
		t.Fatal("topic default dataset not applied")
	}
	res, err := e.NewMatcher().Match([]byte(doc), "other-topic")
	if err != nil || len(res.Rules) != 0 {
		t.Fatalf("default for another topic applied: %v %v", res.Rules, err)
	}
	e = mustCompile(t, []string{seedQuery}, DefaultDataset("", "okta.system"))
	if res, _ := e.NewMatcher().Match([]byte(doc), "any"); len(res.Rules) != 1 {
		t.Fatal("all-topics default not applied")
	}
	// A record's own dataset wins over the default.
	if matches(t, e, `{"event":{"dataset":"x","action":"app.generic.unauth_app_access_attempt"}}`) {
		t.Fatal("default overrode the record's dataset")
	}
}

func TestKQLSemantics(t *testing.T) {
	tests := []struct {
		query string
		doc   string
		want  bool
	}{
		{`a:b`, `{"a":"b"}`, true},
		{`a:b`, `{"a":"B"}`, false},
		{`a:b and c:d`, `{"a":"b","c":"d"}`, true},
		{`a:b and c:d`, `{"a":"b"}`, false},
		{`a:b or c:d`, `{"c":"d"}`, true},
		{`not a:b`, `{"c":"d"}`, true},
		{`not a:b`, `{"a":"b"}`, false},
		{`a:(b or c)`, `{"a":"c"}`, true},
		{`a:(b and c)`, `{"a":["b","c"]}`, true},
		{`a:(b and c)`, `{"a":"b"}`, false},
		{`a:(* and not "Okta")`, `{"a":"IdP"}`, true},
		{`a:(* and not "Okta")`, `{"a":"Okta"}`, false},
		{`a:(* and not "Okta")`, `{"b":"x"}`, false},
		{`a:*`, `{"a":""}`, true},
		{`a:*`, `{"a":null}`, false},
		{`a:*`, `{"a":[]}`, false},
		{`a:*`, `{"a":[null]}`, false},
		{`a:*`, `{"a":{"x":1}}`, true},
		{`a:*`, `{"a":{}}`, false},
		{`a:*administrator*`, `{"a":"Super administrator role"}`, true},
		{`a:*administrator*`, `{"a":"Super Administrator"}`, false},
		{`a:okta*`, `{"a":"okta_system"}`, true},
		{`a:okta*`, `{"a":"my okta"}`, false},
		{`a:*admin`, `{"a":"superadmin"}`, true},
		{`a:a*b*c`, `{"a":"aXbYc"}`, true},
		{`a:a*b*c`, `{"a":"acb"}`, false},
		{`a:"a*b"`, `{"a":"a*b"}`, true},
		{`a:"a*b"`, `{"a":"aXb"}`, false},
		{`a:a\*b`, `{"a":"a*b"}`, true},
		{`a:true`, `{"a":true}`, true},
		{`a:true`, `{"a":"true"}`, true},
		{`a:true`, `{"a":false}`, false},
		{`a:0`, `{"a":0}`, true},
		{`a:1`, `{"a":1.0}`, true},
		{`a:10`, `{"a":"10"}`, true},
		{`a.b.c:x`, `{"a":{"b":{"c":"x"}}}`, true},
		{`a.b.c:x`, `{"a.b":{"c":"x"}}`, true},
		{`a.b.c:x`, `{"a":{"b.c":"x"}}`, true},
		{`a.b.c:x`, `{"a.b.c":"x"}`, true},
		{`a.b.c:x`, `{"a":[{"b":{"c":"y"}},{"b":{"c":"x"}}]}`, true},
		{`a.b.c:x`, `{"a":{"b":[{"c":"y"},{"c":["z","x"]}]}}`, true},
		{`a.b:x`, `{"a":"x"}`, false},
		{`a.b:x`, `{"a":{"b":{"x":1}}}`, false},
		{`n >= 10`, `{"n":10}`, true},
		{`n > 10`, `{"n":10}`, false},
		{`n < 10`, `{"n":"9"}`, true},
		{`t >= "2026-01-01"`, `{"t":"2026-03-04T05:06:07.000Z"}`, true},
		{`t < "2026-01-01"`, `{"t":"2026-03-04T05:06:07.000Z"}`, false},
		{`t > now-1000y`, `{"t":"2026-03-04T05:06:07.000Z"}`, true},
		{`t > now+1d`, `{"t":"2026-03-04T05:06:07.000Z"}`, false},
		{`s >= "m"`, `{"s":"okta"}`, true},
		{`okta.target:{ type:User and alternate_id:x }`, `{"okta":{"target":[{"type":"User","alternate_id":"y"},{"type":"App","alternate_id":"x"}]}}`, false},
		{`okta.target:{ type:User and alternate_id:x }`, `{"okta":{"target":[{"type":"App","alternate_id":"y"},{"type":"User","alternate_id":"x"}]}}`, true},
		{`okta.target.type:User and okta.target.alternate_id:x`, `{"okta":{"target":[{"type":"User","alternate_id":"y"},{"type":"App","alternate_id":"x"}]}}`, true},
		{`okta.debug_context.debug_data.flattened.privilegeGranted:*Administrator*`, `{"okta":{"debug_context":{"debug_data":{"flattened":{"privilegeGranted":"Org Administrator"}}}}}`, true},
		{`a:"two words"`, `{"a":"two words"}`, true},
	}
	for _, tt := range tests {
		t.Run(tt.query+" "+tt.doc, func(t *testing.T) {
			for _, pre := range []bool{true, false} {
				e := mustCompile(t, []string{tt.query}, Prefilter(pre))
				if got := matches(t, e, tt.doc); got != tt.want {
					t.Fatalf("prefilter=%v: match = %v, want %v", pre, got, tt.want)
				}
			}
		})
	}
}

func TestCompileErrors(t *testing.T) {
	tests := []struct {
		query, want string
	}{
		{`event.action:(a or`, "query"},
		{`free text`, "without a field name"},
		{`okta.*:x`, "wildcards in field names"},
	}
	for _, tt := range tests {
		_, err := Compile([]*rules.Rule{testRule("x", tt.query)})
		var ce *CompileError
		if !errors.As(err, &ce) || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("Compile(%q) = %v, want a CompileError mentioning %q", tt.query, err, tt.want)
		}
	}
	r := testRule("x", "a:b")
	r.Type = "eql"
	if _, err := Compile([]*rules.Rule{r}); err == nil {
		t.Error("an eql rule compiled")
	}
}

func TestMalformedRecords(t *testing.T) {
	e := mustCompile(t, []string{seedQuery}, MaxEventBytes(1000), MaxDepth(8))
	deep := strings.Repeat(`{"a":`, 20) + "1" + strings.Repeat("}", 20)
	tests := []struct {
		name, rec, reason string
	}{
		{"empty", "  ", ReasonEmpty},
		{"binary", "\xff\xfe\x00\x01", ReasonInvalidUTF8},
		{"array", `["a"]`, ReasonNotObject},
		{"text", `hello`, ReasonNotObject},
		{"truncated", `{"event":{"action":"app.generic.unauth_app_access_attempt"`, ReasonInvalidJSON},
		{"too large", `{"a":"` + strings.Repeat("x", 2000) + `"}`, ReasonTooLarge},
		{"too deep", deep, ReasonTooDeep},
		{"matching but invalid", `{"event":{"dataset":"okta.system","action":"app.generic.unauth_app_access_attempt"},"x":[1,2,]}`, ReasonInvalidJSON},
		{"matching with bad escape", `{"event":{"dataset":"okta.system","action":"app.generic.unauth_app_access_attempt"},"x":"\q"}`, ReasonInvalidJSON},
		{"envelope with broken message", `{"data_stream":{"dataset":"okta.system"},"message":"{\"eventType\":\"app.generic.unauth_app_access_attempt\","}`, ReasonInvalidMessage},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := e.NewMatcher().Match([]byte(tt.rec), "t")
			var de *DecodeError
			if !errors.As(err, &de) || de.Reason != tt.reason {
				t.Fatalf("err = %v, want reason %s", err, tt.reason)
			}
			if strings.Contains(de.Error(), "unauth") {
				t.Fatalf("error text quotes the record: %v", de)
			}
		})
	}
	// A malformed record that cannot match any rule costs only the
	// framing checks and is not reported unless strict.
	odd := `{"event":{"action":"user.session.start"},"x":[1,2,]}`
	if _, err := e.NewMatcher().Match([]byte(odd), "t"); err != nil {
		t.Fatalf("non-matching record reported without strict mode: %v", err)
	}
	strict := mustCompile(t, []string{seedQuery}, StrictJSON(true))
	if _, err := strict.NewMatcher().Match([]byte(odd), "t"); err == nil {
		t.Fatal("strict mode accepted invalid JSON")
	}
}

func TestResultIdentity(t *testing.T) {
	e := mustCompile(t, []string{seedQuery})
	m := e.NewMatcher()
	raw := `{"uuid":"6a2b3c4d-1111-4222-8333-944455566677","published":"2026-11-25T10:00:00.000Z","eventType":"app.generic.unauth_app_access_attempt"}`
	res, err := m.Match([]byte(raw), "t")
	if err != nil || len(res.Rules) != 1 {
		t.Fatalf("raw event did not match: %v %v", res.Rules, err)
	}
	if res.Shape != ShapeOkta || res.EventID != "6a2b3c4d-1111-4222-8333-944455566677" || res.Time.IsZero() {
		t.Fatalf("result = %+v", res)
	}
	ecs := `{"@timestamp":"2026-11-25T10:00:00.000Z","okta":{"uuid":"u-2"},"event":{"dataset":"okta.system","action":"app.generic.unauth_app_access_attempt"}}`
	res, _ = m.Match([]byte(ecs), "t")
	if res.Shape != ShapeECS || res.EventID != "u-2" {
		t.Fatalf("ECS result = %+v", res)
	}
}

func TestIndexSelectsCandidates(t *testing.T) {
	e := mustCompile(t, []string{
		`event.dataset:okta.system and event.action:zone.delete`,
		`event.dataset:okta.system and event.action:(policy.rule.update or policy.rule.delete)`,
		`event.dataset:okta.system and okta.debug_context.debug_data.risk_behaviors:*`,
	})
	// The exists rule has only its dataset to be indexed by: every Okta
	// event carries it, but an event without it still skips the rule.
	var names []string
	for _, f := range e.indexFields {
		names = append(names, e.fields.names[f])
	}
	if len(e.unindexed) != 0 || strings.Join(names, ",") != "event.action,event.dataset" {
		t.Fatalf("unindexed = %v, index fields = %v", e.unindexed, names)
	}
	m := e.NewMatcher()
	res, err := m.Match([]byte(`{"event":{"dataset":"okta.system","action":"policy.rule.delete"}}`), "t")
	if err != nil || len(res.Rules) != 1 || res.Rules[0].ID != "b" {
		t.Fatalf("got %v, %v", res.Rules, err)
	}
}

// When most records pass the literal scan anyway, the Matcher stops
// scanning for a while: the decode would follow regardless.
func TestPrefilterPausesWhenItRarelyRejects(t *testing.T) {
	e := mustCompile(t, []string{`event.action:user.session.start`})
	if e.pre == nil {
		t.Fatal("no prefilter for a single literal")
	}
	m := e.NewMatcher()
	passing := []byte(`{"event":{"action":"user.session.end"},"note":"user.session.start"}`)
	for range probeWindow {
		m.Match(passing, "t")
	}
	if m.skipScans == 0 {
		t.Fatal("the prefilter kept scanning records it could not reject")
	}
	m2 := e.NewMatcher()
	rejected := []byte(`{"event":{"action":"user.session.end"}}`)
	for range probeWindow {
		m2.Match(rejected, "t")
	}
	if m2.skipScans != 0 {
		t.Fatal("the prefilter paused although it rejected everything")
	}
	// Paused or not, answers are the same.
	hit := []byte(`{"event":{"action":"user.session.start"}}`)
	if res, _ := m.Match(hit, "t"); len(res.Rules) != 1 {
		t.Fatal("a paused prefilter changed the answer")
	}
}
