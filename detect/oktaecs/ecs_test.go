package oktaecs

import (
	"encoding/json"
	"reflect"
	"slices"
	"testing"
)

// absent marks a field the document must not have.
var absent []string

// TestToECSFixtures checks, on hand-written events, the mapping decisions
// detection rules depend on.
func TestToECSFixtures(t *testing.T) {
	events := fixtureEvents(t, false)
	tests := []struct {
		fixture string
		plain   bool // map debugData without the flattened copy
		want    map[string][]string
	}{
		{"user_session_start_proxy", false, map[string][]string{
			"@timestamp":                      {"2026-03-02T07:41:19.205Z"},
			"event.category":                  {"authentication", "session"},
			"event.type":                      {"start", "info"},
			"event.outcome":                   {"success"},
			"user.name":                       {"maria.okafor"},
			"related.user":                    {"Maria Okafor", "maria.okafor"},
			"related.ip":                      {"198.51.100.47"},
			"okta.security_context.is_proxy":  {"true"},
			"okta.security_context.as.number": {"64496"},
			"client.domain":                   {"tor-exit.example.net"},
			"okta.request.ip_chain.geographical_context.postal_code": {"3011", "60313"},
			"okta.request.ip_chain.source":                           {"proxy"},
			// kv cannot split "reasons=A, B" (", " also separates
			// entries), so the grok fallback runs; NOTSPACE keeps the comma.
			"okta.debug_context.debug_data.risk_level":                           {"HIGH,"},
			"okta.debug_context.debug_data.risk_reasons":                         {"Anomalous Device", "Anomalous Location", "Velocity"},
			"okta.debug_context.debug_data.flattened.risk_object":                {"{level=HIGH, reasons=Anomalous Device, Anomalous Location, Velocity}"},
			"okta.debug_context.debug_data.risk_behaviors":                       {"New Geo-Location", "New IP", "New State", "New Country", "Velocity", "New City"},
			"okta.debug_context.debug_data.flattened.behaviors.New Geo-Location": {"POSITIVE"},
			"okta.debug_context.debug_data.request_id":                           {"Zk3Tq9dB0wX2lYc4mP1vAAAAB7E"},
			"okta.debug_context.debug_data.behaviors.New_Geo_Location":           absent,
			"client.geo.postal_code":                                             absent,
			"okta.severity":                                                      absent,
		}},
		{"user_session_start_proxy", true, map[string][]string{
			"okta.debug_context.debug_data.behaviors.New_Geo_Location": {"POSITIVE"},
			"okta.debug_context.debug_data.risk.level":                 {"HIGH,"},
			"okta.debug_context.debug_data.risk_object":                {"{level=HIGH, reasons=Anomalous Device, Anomalous Location, Velocity}"},
			"okta.debug_context.debug_data.flattened.risk_object":      absent,
		}},
		{"user_session_access_admin_app", false, map[string][]string{
			"event.action":                          {"user.session.access_admin_app"},
			"event.category":                        absent,
			"event.type":                            absent,
			"okta.target.alternate_id":              {"Okta Admin Console"},
			"okta.target.type":                      {"AppInstance"},
			"okta.client.zone":                      {"Corporate HQ"},
			"okta.debug_context.debug_data.dt_hash": {"4e7a9c2b1f0d8e6a5c3b2a1f0e9d8c7b6a5f4e3d2c1b0a9f8e7d6c5b4a3f2e1d"},
			"user.target.full_name":                 absent,
		}},
		{"auth_via_mfa_fastpass", false, map[string][]string{
			"event.category":                           absent, // as the integration: no category for auth_via_mfa
			"okta.target.detailEntry.methodTypeUsed":   {"Use Okta FastPass"},
			"okta.target.detailEntry.authenticatorKey": absent,
			"user.target.full_name":                    {"Kenji Watanabe"},
			"user.target.id":                           {"00u5a7c9e1g3i5k7m9o1"},
			"source.ip":                                {"2001:db8:4f2a:10::1b"},
			"okta.debug_context.debug_data.factor":     {"SIGNED_NONCE"},
			"okta.debug_context.debug_data.risk_level": {"MEDIUM"},
			// DATA is lazy: the reasons stop before ", level=".
			"okta.debug_context.debug_data.risk_reasons":          {"Anomalous Device", "Anomalous Location"},
			"okta.debug_context.debug_data.risk_behaviors":        {"New Device", "New IP"},
			"okta.authentication_context.authentication_provider": {"FACTOR_PROVIDER"},
			"okta.authentication_context.credential_type":         {"OKTA_VERIFY_PUSH"},
		}},
		{"unauth_app_access_attempt", false, map[string][]string{
			"event.action":                           {"app.generic.unauth_app_access_attempt"},
			"event.outcome":                          {"failure"},
			"event.category":                         absent,
			"okta.outcome.reason":                    {"User is not assigned to this application"},
			"okta.client.ip":                         absent, // Okta's "null"
			"client.ip":                              absent,
			"source.ip":                              absent,
			"related.ip":                             absent,
			"okta.client.zone":                       {"null"},
			"okta.target.detailEntry.signOnModeType": absent,
			"okta.security_context.is_proxy":         absent,
			"okta.debug_context.debug_data.threat_suspected":          {"true"},
			"okta.debug_context.debug_data.flattened.threatSuspected": {"true"},
		}},
		{"policy_rule_update", false, map[string][]string{
			"event.category": {"configuration"},
			"event.type":     {"change"},
			// interface fills authentication_provider when the provider is null.
			"okta.authentication_context.authentication_provider": {"Okta Admin Console"},
			"okta.authentication_context.issuer.type":             {"AuthorizationServer"},
			"okta.target.changeDetails.to.factorMode":             {"1FA"},
			"okta.target.changeDetails.to.requireFactor":          {"false"},
			"okta.target.detailEntry.policyType":                  absent,
			"okta.transaction.detail.request_api_token_id":        {"00T4r5t6y7u8i9o0p1a2"},
			"okta.transaction.detail.rootApiTokenId":              absent,
			"user.target.id":                                      absent,
		}},
		{"zone_update", false, map[string][]string{
			"@timestamp":               {"2026-03-02T12:30:00.000Z"},
			"event.category":           absent,
			"okta.target.display_name": {"Blocked IPs"},
		}},
		{"application_lifecycle_deactivate", false, map[string][]string{
			"event.category": {"configuration"},
			"event.type":     absent,
		}},
		{"user_lifecycle_create", false, map[string][]string{
			"event.category":         {"iam"},
			"event.type":             {"info", "creation"},
			"user.target.full_name":  {"Amara Nwosu"}, // type "USER": case does not matter
			"user.target.email":      {"new.hire@corp.example"},
			"user.target.group.name": {"Engineering"}, // the first UserGroup only
			"user.target.group.id":   {"00g9h8j7k6l5z4x3c2v1"},
			"related.user":           {"SCIM Provisioner", "Amara Nwosu", "scim-provisioner"},
		}},
		{"rate_limit_no_actor", false, map[string][]string{
			"event.category": {"network"},
			"event.type":     {"info"},
			"event.outcome":  {"unknown"},
			"user.name":      absent,
			"okta.actor.id":  absent,
			"related.user":   absent,
			"okta.debug_context.debug_data.flattened.threshold": {"600"},
		}},
		{"security_request_blocked", false, map[string][]string{
			"@timestamp":     {"2026-03-02T15:20:05.123Z"},
			"event.category": {"network"},
			"event.type":     absent,
			"event.outcome":  {"failure"},
			"source.ip":      {"::ffff:203.0.113.200"},
			"user.name":      {"unknown"},
			"okta.request.ip_chain.geographical_context.postal_code": {"1012"},
		}},
		{"sso_log_only_security_data", false, map[string][]string{
			"event.category": {"authentication"},
			"okta.debug_context.debug_data.risk_level":                                               {"HIGH"},
			"okta.debug_context.debug_data.risk_reasons":                                             {"Anomalous Location", "New Device"},
			"okta.debug_context.debug_data.flattened.logOnlySecurityData.behaviors.New Geo-Location": {"POSITIVE"},
			"okta.debug_context.debug_data.flattened.logOnlySecurityData.tunnels.anonymous":          {"true"},
			"okta.debug_context.debug_data.flattened.logOnlySecurityData.score":                      {"87.5"},
			"okta.debug_context.debug_data.risk_behaviors":                                           absent,
			"okta.device.device_integrator.CROWDSTRIKE.zta_score":                                    {"74"},
			"okta.device.managed":   {"true"},
			"okta.device.jailbreak": absent,
			"related.user":          {"lucia.ferri"}, // display name and user name coincide
			"user.target.id":        absent,          // AppUser is not User
		}},
		{"sso_log_only_security_data", true, map[string][]string{
			"okta.debug_context.debug_data.logOnlySecurityData.behaviors.New_Geo_Location": {"POSITIVE"},
			"okta.debug_context.debug_data.logOnlySecurityData.risk.level":                 {"HIGH"},
			"okta.debug_context.debug_data.authnRequestId":                                 {"ZoJ0p1a2s3d4f5g6h7j8kAAAK9m"},
		}},
		{"oauth_client_credentials", false, map[string][]string{
			"okta.authentication_context.authentication_provider": {"OKTA_AUTHENTICATION_PROVIDER"},
			"event.outcome": {"unknown"}, // CHALLENGE
			"okta.debug_context.debug_data.client_secret":             {"redacted-by-okta"},
			"okta.debug_context.debug_data.requested_scopes":          {"okta.logs.read okta.users.read"},
			"okta.debug_context.debug_data.grant_type":                {"client_credentials"},
			"okta.debug_context.debug_data.flattened.requestedScopes": {"okta.logs.read okta.users.read"},
			"okta.debug_context.debug_data.clientAuthType":            absent,
			"okta.target.detailEntry":                                 absent,
		}},
		{"oauth_client_credentials", true, map[string][]string{
			// The plain layout's renames for these four read debugData after
			// it has moved, so the keys stay camelCase.
			"okta.debug_context.debug_data.clientSecret":  {"redacted-by-okta"},
			"okta.debug_context.debug_data.client_secret": absent,
			"okta.debug_context.debug_data.grantType":     {"client_credentials"},
			"okta.debug_context.debug_data.dt_hash":       {"-"},
		}},
		{"odd_values", false, map[string][]string{
			"@timestamp":                           absent, // not a date
			"user.name":                            {"system"},
			"related.user":                         {"system"},
			"client.user.id":                       {"42"},
			"okta.client.ip":                       absent, // leading zero: not an IP for Elasticsearch
			"event.outcome":                        {"unknown"},
			"okta.outcome.reason":                  absent, // empty string
			"okta.client.zone":                     absent,
			"user.target.full_name":                absent, // the first User has no display name
			"user.target.id":                       {"00u3w4e5r6t7y8u9i0o1"},
			"okta.debug_context.debug_data.factor": {"7"},
			"okta.debug_context.debug_data.flattened.risk":                 {""},
			"okta.debug_context.debug_data.flattened.risk_object":          {"{}"},
			"okta.debug_context.debug_data.flattened.behaviors.New IP":     {"POSITIVE", "NEGATIVE"},
			"okta.debug_context.debug_data.risk_behaviors":                 {"New City", "New-Device"},
			"okta.debug_context.debug_data.flattened.logOnlySecurityData":  {"{not json"},
			"okta.debug_context.debug_data.flattened.promptingPolicyTypes": {"OKTA_SIGN_ON", "GLOBAL_SESSION"},
		}},
		{"odd_values", true, map[string][]string{
			"okta.debug_context.debug_data.behaviors.New_Device": {"POSITIVE"},
			"okta.debug_context.debug_data.factor":               {"7"},
		}},
	}
	for _, tt := range tests {
		ev, ok := events[tt.fixture]
		if !ok {
			t.Fatalf("no fixture %q", tt.fixture)
		}
		doc := leafValues(ToECS(ev, FlattenedDebugData(!tt.plain)))
		for field, want := range tt.want {
			got, present := doc[field]
			switch {
			case want == nil && present:
				t.Errorf("%s (plain=%v): %s = %q, want no such field", tt.fixture, tt.plain, field, got)
			case want != nil && !slices.Equal(got, want):
				t.Errorf("%s (plain=%v): %s = %q, want %q", tt.fixture, tt.plain, field, got, want)
			}
		}
	}
}

// TestToECSKeepsJSONTypes: the pipeline moves values, so booleans and
// numbers stay what they were, while template-built fields are strings.
func TestToECSKeepsJSONTypes(t *testing.T) {
	ev := fixtureEvents(t, false)["user_session_start_proxy"]
	doc := ToECS(ev)
	checks := []struct {
		path []string
		want any
	}{
		{[]string{"okta", "security_context", "is_proxy"}, true},
		{[]string{"okta", "security_context", "as", "number"}, float64(64496)},
		{[]string{"okta", "authentication_context", "authentication_step"}, float64(0)},
		{[]string{"client", "geo", "location", "lat"}, 51.9225},
	}
	for _, c := range checks {
		got, _ := get(doc, c.path...)
		if got != c.want {
			t.Errorf("%v = %#v, want %#v", c.path, got, c.want)
		}
	}
	odd := ToECS(fixtureEvents(t, true)["odd_values"])
	if got, _ := get(odd, "okta", "actor", "id"); got != json.Number("42") {
		t.Errorf("okta.actor.id = %#v, want the number kept", got)
	}
	if got, _ := get(odd, "client", "user", "id"); got != "42" {
		t.Errorf("client.user.id = %#v, want the string a template renders", got)
	}
	// A target without displayName gets an explicit null, like the
	// integration's script.
	targets, _ := get(odd, "okta", "target")
	first := targets.([]any)[0].(map[string]any)
	if v, ok := first["display_name"]; !ok || v != nil {
		t.Errorf("okta.target[0].display_name = %#v (present %v), want null", v, ok)
	}
}

// TestToECSDoesNotTouchInput: ToECS neither modifies the event nor returns
// parts of it (the caller may reuse or mutate either afterwards).
func TestToECSDoesNotTouchInput(t *testing.T) {
	for name, ev := range fixtureEvents(t, true) {
		before, err := json.Marshal(ev)
		if err != nil {
			t.Fatal(err)
		}
		for _, flat := range []bool{true, false} {
			scribble(ToECS(ev, FlattenedDebugData(flat)))
		}
		after, _ := json.Marshal(ev)
		if string(before) != string(after) {
			t.Errorf("%s: event changed by ToECS", name)
		}
	}
}

// scribble overwrites every scalar and appends to every array in v.
func scribble(v any) {
	switch v := v.(type) {
	case map[string]any:
		for k, e := range v {
			switch e.(type) {
			case map[string]any, []any:
				scribble(e)
			default:
				v[k] = "scribbled"
			}
		}
	case []any:
		for i, e := range v {
			switch e.(type) {
			case map[string]any, []any:
				scribble(e)
			default:
				v[i] = "scribbled"
			}
		}
	}
}

func TestToECSEmptyEvent(t *testing.T) {
	want := map[string]any{
		"ecs":   map[string]any{"version": "8.11.0"},
		"event": map[string]any{"kind": "event", "outcome": "unknown"},
	}
	for _, ev := range []map[string]any{nil, {}, {"actor": nil, "uuid": "", "target": []any{}}} {
		if got := ToECS(ev); !reflect.DeepEqual(got, want) {
			t.Errorf("ToECS(%v) = %v, want %v", ev, got, want)
		}
	}
}

// TestPlainLayoutFoldsKeys: without the flattened copy, the integration
// rewrites spaces and dashes in every debug data key, nested ones included.
func TestPlainLayoutFoldsKeys(t *testing.T) {
	ev := map[string]any{"debugContext": map[string]any{"debugData": map[string]any{
		"per-app settings": map[string]any{"max age": "12h", "list": []any{map[string]any{"a-b": "c"}}},
		"requestId":        "r1",
	}}}
	got := leafValues(ToECS(ev, FlattenedDebugData(false)))
	for field, want := range map[string]string{
		"okta.debug_context.debug_data.per_app_settings.max_age":  "12h",
		"okta.debug_context.debug_data.per_app_settings.list.a_b": "c",
		"okta.debug_context.debug_data.request_id":                "r1",
	} {
		if !slices.Equal(got[field], []string{want}) {
			t.Errorf("%s = %q, want %q", field, got[field], want)
		}
	}
	flat := leafValues(ToECS(ev))
	if v := flat["okta.debug_context.debug_data.flattened.per-app settings.max age"]; !slices.Equal(v, []string{"12h"}) {
		t.Errorf("flattened copy = %q, want the original key spelling", v)
	}
}
