package eventgen_test

import (
	"math"
	"strings"
	"testing"

	"github.com/oktadetect/oktadetect/bench/eventgen"
)

// Types Elastic's Okta rules look for that a real org sees rarely; the
// catalogue must have them, rarely, so that a benchmark of the full rule
// set exercises them without flooding it with alerts.
var ruleTypes = []string{
	"policy.lifecycle.update", "policy.rule.update", "zone.update", "user.mfa.factor.reset_all",
	"application.lifecycle.update", "application.lifecycle.deactivate", "system.api_token.create",
	"group.privilege.grant", "user.account.privilege.grant", "user.account.lock",
	"user.mfa.okta_verify.deny_push", "system.org.rate_limit.warning", "security.threat.detected",
	"user.account.report_suspicious_activity_by_enduser",
}

func TestCatalogueShape(t *testing.T) {
	cat := eventgen.New(eventgen.Config{}).Catalogue()
	if len(cat) < 40 {
		t.Errorf("catalogue has %d types, want about 40 or more", len(cat))
	}
	weights := map[string]float64{}
	sum := 0.0
	for _, tw := range cat {
		if _, dup := weights[tw.Type]; dup {
			t.Errorf("type %q listed twice", tw.Type)
		}
		if !(tw.Weight > 0) {
			t.Errorf("type %q has weight %v", tw.Type, tw.Weight)
		}
		weights[tw.Type] = tw.Weight
		sum += tw.Weight
	}
	if math.Abs(sum-1) > 1e-9 {
		t.Errorf("weights sum to %v, want 1", sum)
	}
	if _, ok := weights[eventgen.DefaultMatchType]; ok {
		t.Errorf("catalogue draws the default match type %s", eventgen.DefaultMatchType)
	}
	// Authentication, session and token traffic dominate real System Logs.
	auth := 0.0
	for typ, w := range weights {
		if strings.HasPrefix(typ, "user.authentication.") || strings.HasPrefix(typ, "user.session.") ||
			strings.HasPrefix(typ, "app.oauth2.") || typ == "policy.evaluate_sign_on" ||
			strings.HasPrefix(typ, "system.push.") || strings.HasPrefix(typ, "system.sms.") {
			auth += w
		}
	}
	if auth < 0.85 {
		t.Errorf("authentication, session and token events are %.1f%% of the catalogue, want at least 85%%", 100*auth)
	}
	for _, typ := range ruleTypes {
		w, ok := weights[typ]
		if !ok {
			t.Errorf("catalogue lacks %s", typ)
		} else if w > 0.001 {
			t.Errorf("%s has weight %.4f; configuration changes and alerts-worthy events must stay rare (≤ 0.1%%)", typ, w)
		}
	}
}

func TestCatalogueExcludesMatchTypes(t *testing.T) {
	tests := [][]string{
		{"user.session.start"},
		{"zone.update", "policy.lifecycle.update"},
		{"app.oauth2.as.token.grant"}, // a prefix of four other types
	}
	for _, types := range tests {
		cat := eventgen.New(eventgen.Config{MatchTypes: types}).Catalogue()
		sum := 0.0
		for _, tw := range cat {
			sum += tw.Weight
			for _, m := range types {
				if strings.Contains(tw.Type, m) {
					t.Errorf("match types %v: catalogue has %s", types, tw.Type)
				}
			}
		}
		if math.Abs(sum-1) > 1e-9 {
			t.Errorf("match types %v: weights sum to %v", types, sum)
		}
	}
	// With another match type, the seed rule's type is ordinary traffic.
	found := false
	for _, tw := range eventgen.New(eventgen.Config{MatchTypes: []string{"zone.update"}}).Catalogue() {
		found = found || tw.Type == eventgen.DefaultMatchType
	}
	if !found {
		t.Error("catalogue lacks app.generic.unauth_app_access_attempt when it is not a match type")
	}
}

// The stream's type mix must follow the catalogue, repeats included.
func TestTypeFrequenciesFollowCatalogue(t *testing.T) {
	const n = 100_000
	g := eventgen.New(eventgen.Config{Seed: 17})
	counts := map[string]int{}
	for range n {
		counts[g.Next().Type]++
	}
	weights := map[string]float64{}
	for _, tw := range g.Catalogue() {
		weights[tw.Type] = tw.Weight
	}
	for typ, c := range counts {
		if _, ok := weights[typ]; !ok {
			t.Errorf("type %s (%d events) is not in the catalogue", typ, c)
		}
	}
	for typ, w := range weights {
		got := float64(counts[typ]) / n
		switch {
		case w >= 0.01 && math.Abs(got-w)/w > 0.25:
			t.Errorf("%s: %.2f%% of events, catalogue weight %.2f%%", typ, 100*got, 100*w)
		case w >= 0.001 && counts[typ] == 0:
			t.Errorf("%s (weight %.3f%%) never appeared in %d events", typ, 100*w, n)
		}
	}
}
