package oktaecs

import (
	"reflect"
	"slices"
	"testing"
)

func TestSources(t *testing.T) {
	dd := func(keys ...string) []string { return append([]string{"debugContext", "debugData"}, keys...) }
	tests := []struct {
		field string
		want  []Source
	}{
		{"event.action", []Source{{Path: []string{"eventType"}}}},
		{"event.category", []Source{{Path: []string{"eventType"}, Conv: Category}}},
		{"event.outcome", []Source{
			{Path: []string{"outcome", "result"}, Conv: Outcome},
			{Conv: Outcome, Else: true},
		}},
		{"user.name", []Source{{Path: []string{"actor", "alternateId"}, Conv: UserName}}},
		{"source.ip", []Source{{Path: []string{"client", "ipAddress"}, Conv: IP}}},
		{"@timestamp", []Source{{Path: []string{"published"}, Conv: Timestamp}}},
		{"okta.actor.alternate_id", []Source{{Path: []string{"actor", "alternateId"}}}},
		{"okta.target.alternate_id", []Source{{Path: []string{"target", "alternateId"}}}},
		{"okta.target.changeDetails.to.factorMode", []Source{{Path: []string{"target", "changeDetails", "to", "factorMode"}}}},
		{"okta.target.alternateId", nil},
		{"okta.target.detailEntry.policyType", nil},
		{"okta.target.detailEntry.methodTypeUsed", []Source{{Path: []string{"target", "detailEntry", "methodTypeUsed"}}}},
		{"user.target.full_name", []Source{{Path: []string{"target", "displayName"}, Pick: Pick{"type", "user"}}}},
		{"user.target.group.name", []Source{{Path: []string{"target", "displayName"}, Pick: Pick{"type", "usergroup"}}}},
		{"user.target.email", []Source{{Path: []string{"target", "login"}, Pick: Pick{"type", "user"}}}},
		{"user.target.group.email", nil},
		{"okta.security_context.is_proxy", []Source{{Path: []string{"securityContext", "isProxy"}}}},
		{"okta.authentication_context.authentication_provider", []Source{
			{Path: []string{"authenticationContext", "authenticationProvider"}},
			{Path: []string{"authenticationContext", "interface"}, Else: true},
		}},
		{"okta.request.ip_chain.geographical_context.postal_code", []Source{{Path: []string{"request", "ipChain", "geographicalContext", "postalCode"}}}},
		{"okta.request.ip_chain.ip", []Source{{Path: []string{"request", "ipChain", "ip"}}}},
		{"client.geo.location.lat", []Source{{Path: []string{"client", "geographicalContext", "geolocation", "lat"}}}},
		{"okta.device.os_platform", []Source{{Path: []string{"device", "os_platform"}}}},
		{"okta.device.device_integrator.CROWDSTRIKE.zta_score", []Source{
			{Path: []string{"device", "device_integrator"}, Conv: JSON, Key: "CROWDSTRIKE.zta_score"},
			{Path: []string{"device", "device_integrator", "CROWDSTRIKE", "zta_score"}},
		}},
		{"okta.debug_context.debug_data.risk_level", []Source{
			{Path: dd("logOnlySecurityData"), Conv: SecurityDataRiskLevel},
			{Path: dd("risk"), Conv: RiskLevel, Else: true},
		}},
		{"okta.debug_context.debug_data.request_id", []Source{
			{Path: dd("requestId")},
			{Path: dd("request_id"), Else: true},
		}},
		{"okta.debug_context.debug_data.url", []Source{{Path: dd("url")}}},
		{"okta.debug_context.debug_data.authnRequestId", []Source{{Path: dd("authnRequestId")}}},
		{"okta.debug_context.debug_data.flattened.requestedScopes", []Source{{Path: dd("requestedScopes")}}},
		{"okta.debug_context.debug_data.flattened.behaviors.New IP", []Source{
			{Path: dd("behaviors"), Conv: KV, Key: "New IP"},
			{Path: dd("behaviors", "New IP")},
		}},
		{"okta.debug_context.debug_data.behaviors.New_IP", []Source{
			{Path: dd("behaviors"), Conv: KVFolded, Key: "New_IP"},
			{Path: dd("behaviors", "New_IP")},
		}},
		{"okta.debug_context.debug_data.flattened.risk", []Source{{Path: dd("risk"), Conv: RiskUnparsed}}},
		{"okta.debug_context.debug_data.risk_object", []Source{{Path: dd("risk"), Conv: RiskObject}}},
		{"okta.debug_context.debug_data.risk_behaviors", []Source{{Path: dd("behaviors"), Conv: RiskBehaviors}}},
		{"okta.debug_context.debug_data.logOnlySecurityData.risk.level", []Source{
			{Path: dd("logOnlySecurityData"), Conv: JSONFolded, Key: "risk.level"},
			{Path: dd("logOnlySecurityData", "risk", "level")},
		}},
		// External enrichment, constants, unknown fields.
		{"source.geo.country_iso_code", nil},
		{"source.as.number", nil},
		{"user_agent.name", nil},
		{"user_agent.os.name", nil},
		{"event.kind", nil},
		{"event.dataset", nil},
		{"okta.severity", nil},
		{"okta.debug_context", nil},
		{"no.such.field", nil},
		{"", nil},
	}
	for _, tt := range tests {
		if got := Sources(tt.field); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("Sources(%q) =\n  %+v\nwant\n  %+v", tt.field, got, tt.want)
		}
	}
}

// TestSourcesIsolated: callers own the result and may modify it.
func TestSourcesIsolated(t *testing.T) {
	for _, pair := range [][2]string{
		{"okta.actor.id", "okta.actor.id"},
		{"user.name", "client.user.name"}, // built from the same table entry
		{"related.user", "related.user"},
		{"okta.debug_context.debug_data.risk_level", "okta.debug_context.debug_data.risk_level"},
	} {
		first := Sources(pair[0])
		first[0].Path[0] = "mutated"
		first[0] = Source{}
		if got := Sources(pair[1]); got[0].Path[0] == "mutated" || len(got[0].Path) == 0 {
			t.Errorf("Sources(%q) affected by a change to the result of Sources(%q): %+v", pair[1], pair[0], got[0])
		}
	}
}

func TestConstant(t *testing.T) {
	tests := []struct {
		field string
		want  []string
	}{
		{"ecs.version", []string{"8.11.0"}},
		{"event.kind", []string{"event"}},
		{"event.module", []string{"okta"}},
		{"event.dataset", []string{"okta.system"}},
		{"data_stream.dataset", []string{"okta.system"}},
		{"data_stream.type", []string{"logs"}},
		{"data_stream.namespace", nil},
		{"event.action", nil},
	}
	for _, tt := range tests {
		got, ok := Constant(tt.field)
		if ok != (tt.want != nil) || !slices.Equal(got, tt.want) {
			t.Errorf("Constant(%q) = %q, %v, want %q", tt.field, got, ok, tt.want)
		}
	}
	v, _ := Constant("event.kind")
	v[0] = "mutated"
	if again, _ := Constant("event.kind"); again[0] != "event" {
		t.Error("Constant returns shared storage")
	}
}
