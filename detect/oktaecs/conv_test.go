package oktaecs

import (
	"slices"
	"strings"
	"testing"
)

func TestConvApply(t *testing.T) {
	tests := []struct {
		conv Conv
		key  string
		in   string
		want []string
	}{
		{Identity, "", "x", []string{"x"}},
		{Identity, "", "0", []string{"0"}},

		{UserName, "", "jdoe@example.com", []string{"jdoe"}},
		{UserName, "", "first.last-2_x@example.com", []string{"first.last-2_x"}},
		{UserName, "", "(system)", []string{"system"}}, // grok is not anchored
		{UserName, "", "Okta System", []string{"Okta"}},
		{UserName, "", "@@@", nil},
		{UserName, "", "0oa2w3e4r5", []string{"0oa2w3e4r5"}},

		{IP, "", "175.16.199.1", []string{"175.16.199.1"}},
		{IP, "", "null", nil},
		{IP, "", "2001:db8::1", []string{"2001:db8::1"}},

		{Outcome, "", "SUCCESS", []string{"success"}},
		{Outcome, "", "allow", []string{"success"}},
		{Outcome, "", "Failure", []string{"failure"}},
		{Outcome, "", "DENY", []string{"failure"}},
		{Outcome, "", "SKIPPED", []string{"unknown"}},
		{Outcome, "", "CHALLENGE", []string{"unknown"}},
		{Outcome, "", "", []string{"unknown"}},

		{Category, "", "user.session.start", []string{"authentication", "session"}},
		{Category, "", "policy.rule.delete", []string{"configuration"}},
		{Category, "", "security.request.blocked", []string{"network"}},
		{Category, "", "system.org.rate_limit.violation", []string{"network"}},
		{Category, "", "user.authentication.auth_via_mfa", nil},
		{Category, "", "app.generic.unauth_app_access_attempt", nil},
		{Type, "", "user.session.end", []string{"end", "info"}},
		{Type, "", "user.lifecycle.create", []string{"info", "creation"}},
		{Type, "", "group.user_membership.remove", []string{"group", "change"}},
		{Type, "", "policy.lifecycle.delete", []string{"deletion"}},
		{Type, "", "system.org.rate_limit.warning", []string{"info"}},
		{Type, "", "policy.rule.delete", nil},

		{Timestamp, "", "2020-02-14T22:18:51.843Z", []string{"2020-02-14T22:18:51.843Z"}},
		{Timestamp, "", "2020-02-14T22:18:51Z", []string{"2020-02-14T22:18:51.000Z"}},
		{Timestamp, "", "nope", nil},

		{JSON, "risk.level", `{"risk":{"level":"HIGH"}}`, []string{"HIGH"}},
		{JSON, "", `{"risk":{"level":"HIGH"}}`, nil},
		{JSON, "", `"quoted"`, []string{"quoted"}},
		{JSON, "", `{broken`, []string{"{broken"}},
		{JSON, "a", `{broken`, nil},
		{JSONFolded, "behaviors.New_Geo_Location", `{"behaviors":{"New Geo-Location":"POSITIVE"}}`, []string{"POSITIVE"}},
		{JSON, "behaviors.New_Geo_Location", `{"behaviors":{"New Geo-Location":"POSITIVE"}}`, nil},

		{KV, "New IP", "{New IP=POSITIVE, New City=NEGATIVE}", []string{"POSITIVE"}},
		{KV, "New_IP", "{New IP=POSITIVE, New City=NEGATIVE}", nil},
		{KVFolded, "New_IP", "{New IP=POSITIVE, New City=NEGATIVE}", []string{"POSITIVE"}},
		{KVFolded, "New IP", "{New IP=POSITIVE}", nil},
		{KV, "a", "{a=1, a=2}", []string{"1", "2"}},
		{KV, "a", "{a=1, b}", nil}, // one piece without '=': kv fails
		{KVUnparsed, "", "{a=1, b}", []string{"a=1, b"}},
		{KVUnparsed, "", "{a=1}", nil},
		{KVUnparsed, "", "plain text", []string{"plain text"}},

		{Risk, "level", "{level=LOW}", []string{"LOW"}},
		{Risk, "reasons", "{reasons=Anomalous Device, Anomalous Location, level=HIGH}", []string{"Anomalous Device, Anomalous Location"}},
		{Risk, "level", "{reasons=Anomalous Device, Anomalous Location, level=HIGH}", []string{"HIGH"}},
		{Risk, "other", "{reasons=A, B, level=HIGH}", nil},
		{RiskFolded, "level", "{level=LOW}", []string{"LOW"}},
		{RiskUnparsed, "", "{level=LOW}", nil},
		{RiskUnparsed, "", "{reasons=A, B, level=HIGH}", nil},
		{RiskUnparsed, "", "{something, else}", []string{"something, else"}},
		{RiskObject, "", "{reasons=A, B, level=HIGH}", []string{"{reasons=A, B, level=HIGH}"}},
		{RiskObject, "", "{level=LOW}", nil},

		{RiskLevel, "", "{level=LOW}", []string{"LOW"}},
		{RiskLevel, "", "{level=HIGH, reasons=A, B}", []string{"HIGH,"}},
		{RiskLevel, "", "{level=}", nil},
		{RiskLevel, "", "{level=LOW, level=HIGH}", []string{"[LOW, HIGH]"}},
		{RiskReasons, "", "{reasons=A, B, level=HIGH}", []string{"A", "B"}},
		{RiskReasons, "", "{level=HIGH, reasons=A,B,, C}", []string{"A", "B", "", "C"}},
		{RiskReasons, "", "{level=LOW}", nil},

		{SecurityDataRiskLevel, "", `{"risk":{"level":"HIGH","reasons":"A, B"}}`, []string{"HIGH"}},
		{SecurityDataRiskLevel, "", `{"risk":{"level":""}}`, nil},
		{SecurityDataRiskLevel, "", `{"risk":{"level":3}}`, []string{"3"}},
		{SecurityDataRiskLevel, "", `[{"risk":{"level":"HIGH"}}]`, nil},
		{SecurityDataRiskReasons, "", `{"risk":{"level":"HIGH","reasons":"A, B"}}`, []string{"A", "B"}},
		{SecurityDataRiskReasons, "", `{"risk":{"reasons":7}}`, nil},
		{SecurityDataRiskReasons, "", `not json`, nil},

		{RiskBehaviors, "", "{New Geo-Location=POSITIVE, New IP=NEGATIVE, Velocity=POSITIVE}", []string{"New Geo-Location", "Velocity"}},
		{RiskBehaviors, "", "{a=POSITIVE, a=POSITIVE, b=positive}", nil},
		{RiskBehaviors, "", "{a=POSITIVE, b}", nil},
	}
	for _, tt := range tests {
		got := Source{Conv: tt.conv, Key: tt.key}.Apply(nil, tt.in)
		if !slices.Equal(got, tt.want) {
			t.Errorf("%v key %q on %q = %q, want %q", tt.conv, tt.key, tt.in, got, tt.want)
		}
		if tt.key == "" {
			if direct := tt.conv.Apply(nil, tt.in); !slices.Equal(direct, got) {
				t.Errorf("%v.Apply(%q) = %q, but Source.Apply gives %q", tt.conv, tt.in, direct, got)
			}
		}
	}
}

func TestConvApplyAppends(t *testing.T) {
	dst := []string{"kept"}
	got := Category.Apply(dst, "user.session.start")
	if want := []string{"kept", "authentication", "session"}; !slices.Equal(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}
	// The category table must not be aliased by the result.
	got[1] = "changed"
	if again := Category.Apply(nil, "user.session.start"); again[0] != "authentication" {
		t.Errorf("table modified through a result: %q", again)
	}
}

// TestConvApplyDoesNotAllocate covers what the extractor's miss path runs.
func TestConvApplyDoesNotAllocate(t *testing.T) {
	cases := []struct {
		conv Conv
		key  string
		in   string
	}{
		{Identity, "", "x"},
		{UserName, "", "jdoe@example.com"},
		{IP, "", "175.16.199.1"},
		{IP, "", "::ffff:203.0.113.200"},
		{IP, "", "null"},
		{Outcome, "", "SUCCESS"},
		{Category, "", "user.session.start"},
		{Type, "", "user.session.start"},
		{Timestamp, "", "2026-03-02T07:41:19.205Z"},
		{JSON, "risk.level", `{"risk":{"level":"HIGH","reasons":"A, B"},"tunnels":[{"anonymous":true}]}`},
		{JSON, "tunnels.anonymous", `{"tunnels":[{"anonymous":true},{"anonymous":false}]}`},
		{JSONFolded, "behaviors.New_IP", `{"behaviors":{"New IP":"POSITIVE"}}`},
		{JSON, "", `{not json`},
		{KV, "New IP", "{New Geo-Location=NEGATIVE, New IP=POSITIVE}"},
		{KVFolded, "New_IP", "{New Geo-Location=NEGATIVE, New IP=POSITIVE}"},
		{KVUnparsed, "", "{a, b}"},
		{Risk, "reasons", "{reasons=Anomalous Device, Anomalous Location, level=HIGH}"},
		{RiskFolded, "level", "{level=LOW}"},
		{RiskUnparsed, "", "{x}"},
		{RiskObject, "", "{reasons=A, B, level=HIGH}"},
		{RiskLevel, "", "{reasons=A, B, level=HIGH}"},
		{RiskReasons, "", "{reasons=Anomalous Device, Anomalous Location, level=HIGH}"},
		{SecurityDataRiskLevel, "", `{"risk":{"level":"HIGH","reasons":"A, B"}}`},
		{SecurityDataRiskReasons, "", `{"risk":{"level":"HIGH","reasons":"A, B"}}`},
		{RiskBehaviors, "", "{New Geo-Location=POSITIVE, New IP=NEGATIVE, Velocity=POSITIVE}"},
	}
	seen := make(map[Conv]bool)
	for _, c := range cases {
		seen[c.conv] = true
		src := Source{Conv: c.conv, Key: c.key}
		dst := make([]string, 0, 16)
		allocs := testing.AllocsPerRun(100, func() {
			dst = src.Apply(dst[:0], c.in)
		})
		if allocs != 0 {
			t.Errorf("%v key %q on %q: %v allocations per call, want 0", c.conv, c.key, c.in, allocs)
		}
		if c.key == "" {
			allocs = testing.AllocsPerRun(100, func() {
				dst = c.conv.Apply(dst[:0], c.in)
			})
			if allocs != 0 {
				t.Errorf("%v.Apply(%q): %v allocations per call, want 0", c.conv, c.in, allocs)
			}
		}
	}
	for c := Conv(0); c < numConvs; c++ {
		if !seen[c] {
			t.Errorf("%v has no allocation check", c)
		}
	}
}

func TestConvString(t *testing.T) {
	for c := Conv(0); c < numConvs; c++ {
		if s := c.String(); s == "" || strings.HasPrefix(s, "Conv(") {
			t.Errorf("Conv %d has no name", c)
		}
	}
	if got := numConvs.String(); got != "Conv(21)" {
		t.Errorf("out of range Conv = %q", got)
	}
	if got := Conv(99).Apply([]string{"a"}, "x"); !slices.Equal(got, []string{"a"}) {
		t.Errorf("unknown Conv appended %q", got)
	}
}

func BenchmarkConvApply(b *testing.B) {
	cases := []struct {
		name string
		src  Source
		in   string
	}{
		{"UserName", Source{Conv: UserName}, "kenji.watanabe@corp.example"},
		{"IP", Source{Conv: IP}, "198.51.100.47"},
		{"Category", Source{Conv: Category}, "user.session.start"},
		{"RiskLevel", Source{Conv: RiskLevel}, "{reasons=Anomalous Device, Anomalous Location, level=HIGH}"},
		{"KVFolded", Source{Conv: KVFolded, Key: "New_City"}, "{New Geo-Location=NEGATIVE, New Device=POSITIVE, New IP=NEGATIVE, New State=NEGATIVE, New Country=NEGATIVE, Velocity=POSITIVE, New City=NEGATIVE}"},
		{"SecurityDataRiskLevel", Source{Conv: SecurityDataRiskLevel}, `{"risk":{"reasons":"Anomalous Location, Anomalous Device","level":"HIGH"},"behaviors":{"New Geo-Location":"POSITIVE","New Device":"BAD_REQUEST","New IP":"POSITIVE","New State":"POSITIVE","New Country":"POSITIVE","Velocity":"NEGATIVE","New City":"POSITIVE"}}`},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			dst := make([]string, 0, 16)
			b.ReportAllocs()
			for b.Loop() {
				dst = c.src.Apply(dst[:0], c.in)
			}
		})
	}
}
