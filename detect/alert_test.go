package detect

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/oktadetect/oktadetect/detect/rules"
)

const rawAttempt = `{"uuid":"6a2b3c4d-1111-4222-8333-944455566677","published":"2026-11-25T10:00:00.123Z","eventType":"app.generic.unauth_app_access_attempt","version":"0","severity":"WARN","displayMessage":"User attempted unauthorized access to app","actor":{"id":"00u1","type":"User","alternateId":"jane.doe@example.com","displayName":"Jane Doe"},"client":{"ipAddress":"198.51.100.7","zone":"null"},"outcome":{"result":"FAILURE"},"target":[{"id":"0oa1","type":"AppInstance","alternateId":"Payroll","displayName":"Payroll"}],"debugContext":{"debugData":{"requestId":"req-1","riskLevel":"HIGH"}}}`

// alertFor matches rec with the built-in rule and builds its alert.
func alertFor(t *testing.T, rule *rules.Rule, rec string, sup *Suppression) (Alert, map[string]any) {
	t.Helper()
	e, err := Compile([]*rules.Rule{rule})
	if err != nil {
		t.Fatal(err)
	}
	res, err := e.NewMatcher().Match([]byte(rec), "okta-system")
	if err != nil || len(res.Rules) != 1 {
		t.Fatalf("record did not match: %v %v", res.Rules, err)
	}
	doc, err := Document([]byte(rec), res)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)
	a, err := BuildAlert(res.Rules[0], doc, res.EventID, Origin{Topic: "okta-system", Partition: 2, Offset: 42, Shape: res.Shape}, now, sup)
	if err != nil {
		t.Fatal(err)
	}
	var out map[string]any
	if err := json.Unmarshal(a.JSON, &out); err != nil {
		t.Fatalf("alert is not JSON: %v", err)
	}
	return a, out
}

func get(m map[string]any, path string) any {
	var v any = m
	for _, k := range strings.Split(path, ".") {
		mm, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v = mm[k]
	}
	return v
}

func builtinRule(t *testing.T) *rules.Rule {
	t.Helper()
	return rules.Builtin().Rules[0]
}

func TestAlertFromRawOktaEvent(t *testing.T) {
	rule := builtinRule(t)
	a, doc := alertFor(t, rule, rawAttempt, nil)
	want := map[string]any{
		"@timestamp":                         "2026-11-26T12:00:00Z",
		"event.kind":                         "signal",
		"event.action":                       "app.generic.unauth_app_access_attempt",
		"event.id":                           "6a2b3c4d-1111-4222-8333-944455566677",
		"event.outcome":                      "failure",
		"event.dataset":                      "okta.system",
		"user.name":                          "jane.doe",
		"source.ip":                          "198.51.100.7",
		"client.ip":                          "198.51.100.7",
		"okta.actor.alternate_id":            "jane.doe@example.com",
		"okta.outcome.result":                "FAILURE",
		"kibana.alert.original_time":         "2026-11-25T10:00:00.123Z",
		"kibana.alert.original_event.kind":   "event",
		"kibana.alert.original_event.action": "app.generic.unauth_app_access_attempt",
		"kibana.alert.depth":                 float64(1),
		"kibana.alert.status":                "active",
		"kibana.alert.workflow_status":       "open",
		"kibana.alert.severity":              "low",
		"kibana.alert.risk_score":            float64(21),
		"kibana.alert.uuid":                  a.ID,
		"kibana.alert.rule.rule_id":          "4edd3e1a-3aa0-499b-8147-4d2ea43b1613",
		"kibana.alert.rule.version":          float64(411),
		"kibana.alert.rule.type":             "query",
		"kibana.alert.rule.language":         "kuery",
		"kibana.alert.rule.interval":         "5m",
		"kibana.alert.rule.from":             "now-6m",
		"kibana.alert.rule.max_signals":      float64(100),
		"kibana.alert.rule.license":          "Elastic License v2",
		"oktadetect.source.offset":           float64(42),
		"oktadetect.source.shape":            "okta",
		"kibana.alert.reason":                "event with source 198.51.100.7 by jane.doe created low alert Unauthorized Access to an Okta Application.",
	}
	for path, v := range want {
		if got := get(doc, path); !reflect.DeepEqual(got, v) {
			t.Errorf("%s = %#v, want %#v", path, got, v)
		}
	}
	anc, _ := get(doc, "kibana.alert.ancestors").([]any)
	if len(anc) != 1 || !reflect.DeepEqual(anc[0], map[string]any{"id": "6a2b3c4d-1111-4222-8333-944455566677", "type": "event", "index": "okta-system", "depth": float64(0)}) {
		t.Errorf("ancestors = %v", anc)
	}
	threat, _ := get(doc, "kibana.alert.rule.threat").([]any)
	if len(threat) != 4 || get(threat[0].(map[string]any), "tactic.id") != "TA0001" {
		t.Errorf("threat = %v", threat)
	}
	if targets, _ := get(doc, "okta.target").([]any); len(targets) != 1 {
		t.Errorf("okta.target = %v", get(doc, "okta.target"))
	}
}

func TestAlertIDIsDeterministic(t *testing.T) {
	rule := builtinRule(t)
	a1, _ := alertFor(t, rule, rawAttempt, nil)
	a2, _ := alertFor(t, rule, rawAttempt, nil)
	if a1.ID != a2.ID || a1.ID != AlertID(rule.ID, "6a2b3c4d-1111-4222-8333-944455566677") {
		t.Fatalf("ids differ across redeliveries: %s %s", a1.ID, a2.ID)
	}
	if AlertID("other-rule", "6a2b3c4d-1111-4222-8333-944455566677") == a1.ID {
		t.Fatal("two rules share an alert id for one event")
	}
	c1, c2, c3 := ContentID([]byte("a")), ContentID([]byte("a")), ContentID([]byte("b"))
	if c1 == c3 || c1 != c2 {
		t.Fatal("content ids are not a function of the bytes")
	}
}

func TestDocumentShapes(t *testing.T) {
	escaped := strings.ReplaceAll(rawAttempt, `"`, `\"`)
	tests := []struct {
		name  string
		rec   string
		shape Shape
		want  map[string]any
	}{
		{"dotted keys expand", `{"event.action":"x","event.dataset":"okta.system","okta.actor.id":"00u1"}`, ShapeECS,
			map[string]any{"event.action": "x", "okta.actor.id": "00u1"}},
		{"dotted and nested merge", `{"event":{"action":"x"},"event.dataset":"okta.system"}`, ShapeECS,
			map[string]any{"event.action": "x", "event.dataset": "okta.system"}},
		{"envelope keeps its own fields and maps the event", `{"data_stream":{"dataset":"okta.system","namespace":"prod"},"agent":{"name":"a1"},"message":"` + escaped + `"}`, ShapeEnvelope,
			map[string]any{"data_stream.namespace": "prod", "agent.name": "a1", "event.action": "app.generic.unauth_app_access_attempt", "user.name": "jane.doe", "message": nil}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc, err := Document([]byte(tt.rec), Result{Shape: tt.shape, Inner: ShapeOkta})
			if err != nil {
				t.Fatal(err)
			}
			for path, v := range tt.want {
				if got := get(doc, path); !reflect.DeepEqual(got, v) {
					t.Errorf("%s = %#v, want %#v", path, got, v)
				}
			}
		})
	}
}

func TestSeverityMappings(t *testing.T) {
	r := builtinRule(t)
	rule := *r
	rule.SeverityMapping = []rules.SeverityMapping{
		{Field: "okta.debug_context.debug_data.risk_level", Operator: "equals", Value: "MEDIUM", Severity: "medium"},
		{Field: "okta.debug_context.debug_data.risk_level", Operator: "equals", Value: "HIGH", Severity: "high"},
	}
	rule.RiskScoreMapping = []rules.RiskScoreMapping{{Field: "risk.value", Operator: "equals"}}
	doc := map[string]any{"okta": map[string]any{"debug_context": map[string]any{"debug_data": map[string]any{"risk_level": "HIGH"}}}, "risk": map[string]any{"value": json.Number("88")}}
	if sev, risk := Severity(&rule, doc); sev != "high" || risk != 88 {
		t.Fatalf("Severity = %s, %d; want high, 88", sev, risk)
	}
	doc["risk"] = map[string]any{"value": json.Number("188")}
	delete(doc, "okta")
	if sev, risk := Severity(&rule, doc); sev != "low" || risk != 21 {
		t.Fatalf("without matching fields: %s, %d; want the rule's own low, 21", sev, risk)
	}
}

func TestSuppressedAlertSharesOneID(t *testing.T) {
	rule := builtinRule(t)
	s := NewSuppressor([]SuppressRule{{RuleID: rule.ID, Fields: []string{"user.name"}, Window: 5 * time.Minute}})
	doc := map[string]any{"user": map[string]any{"name": "jane"}}
	t0 := time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)
	s1, _ := s.Observe(rule, doc, t0)
	s2, undo := s.Observe(rule, doc, t0.Add(time.Minute))
	if s1.DocsCount != 0 || s2.DocsCount != 1 || !s2.Start.Equal(t0) || !s2.End.Equal(t0.Add(time.Minute)) {
		t.Fatalf("suppression states %+v, %+v", s1, s2)
	}
	a1, _ := BuildAlert(rule, doc, "e1", Origin{}, t0, s1)
	a2, _ := BuildAlert(rule, doc, "e2", Origin{}, t0.Add(time.Minute), s2)
	if a1.ID != a2.ID {
		t.Fatal("repeats within the window got a new alert id")
	}
	var out map[string]any
	json.Unmarshal(a2.JSON, &out)
	if get(out, "kibana.alert.suppression.docs_count") != float64(1) || get(out, "kibana.alert.instance.id") == nil {
		t.Fatalf("suppression fields missing: %v", get(out, "kibana.alert.suppression"))
	}
	s.Undo(undo)
	if again, _ := s.Observe(rule, doc, t0.Add(2*time.Minute)); again.DocsCount != 1 {
		t.Fatalf("undo did not restore the count: %d", again.DocsCount)
	}
	other, _ := s.Observe(rule, map[string]any{"user": map[string]any{"name": "bob"}}, t0.Add(time.Minute))
	if other.DocsCount != 0 {
		t.Fatal("different terms shared a window")
	}
	late, _ := s.Observe(rule, doc, t0.Add(6*time.Minute))
	if late.DocsCount != 0 || !late.Start.Equal(t0.Add(6*time.Minute)) {
		t.Fatal("the window did not end")
	}
	for _, bad := range []string{"x", "x:y", ":a:5m", "r::5m", "r:a:soon", "r:a:-1m"} {
		if _, err := ParseSuppress(bad); err == nil {
			t.Errorf("ParseSuppress(%q) accepted", bad)
		}
	}
	if r, err := ParseSuppress("r1:user.name, source.ip:10m"); err != nil || len(r.Fields) != 2 || r.Window != 10*time.Minute {
		t.Errorf("ParseSuppress = %+v, %v", r, err)
	}
}

func TestLimiterCapsPerWindow(t *testing.T) {
	rule := builtinRule(t)
	l := NewLimiter(3, time.Minute)
	t0 := time.Date(2026, 11, 26, 12, 0, 10, 0, time.UTC)
	var allowed int
	for i := range 5 {
		if ok, _ := l.Allow(rule, t0.Add(time.Duration(i)*time.Second)); ok {
			allowed++
		}
	}
	if allowed != 3 {
		t.Fatalf("allowed %d alerts in a window, want 3", allowed)
	}
	l.Release(rule.ID, t0)
	if ok, _ := l.Allow(rule, t0.Add(10*time.Second)); !ok {
		t.Fatal("a released alert was not given back")
	}
	ok, closed := l.Allow(rule, t0.Add(time.Minute))
	if !ok || closed == nil || closed.Capped != 2 || closed.Max != 3 {
		t.Fatalf("next window: ok=%v report=%+v, want a report of 2 capped", ok, closed)
	}
	for range 4 {
		l.Allow(rule, t0.Add(time.Minute+time.Second))
	}
	reports := l.Flush(t0.Add(3 * time.Minute))
	if len(reports) != 1 || reports[0].Capped != 2 {
		t.Fatalf("Flush = %+v, want one report of 2 capped (5 alerts, 3 allowed)", reports)
	}
	// The rule's own max_signals applies without an override.
	own := NewLimiter(0, 0)
	r := *rule
	r.MaxSignals = 1
	own.Allow(&r, t0)
	if ok, _ := own.Allow(&r, t0); ok {
		t.Fatal("max_signals 1 allowed two alerts")
	}
}
