package rules_test

import (
	"errors"
	"fmt"

	"github.com/oktadetect/oktadetect/detect/rules"
)

func ExampleParse() {
	src := []byte(`
[rule]
rule_id = "0f6b9c1e-8d1a-4c55-9f1e-2b7c1d9e4a10"
name = "Okta Policy Deleted"
description = "An Okta sign-on policy was deleted."
type = "query"
severity = "medium"
risk_score = 47
query = '''
event.dataset:okta.system and
  event.action:policy.lifecycle.delete
'''
`)
	r, _, err := rules.Parse("policy_deleted.toml", src)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(r.Name, r.Language, r.Interval, r.From, r.MaxSignals)

	// A KQL error at line 2, column 3 of the query is at line 11 of the file.
	line, col := r.QueryPosition(2, 3)
	fmt.Printf("%s:%d:%d\n", r.Source, line, col)
	// Output:
	// Okta Policy Deleted kuery 5m0s now-6m 100
	// policy_deleted.toml:11:3
}

func ExampleParse_skipped() {
	src := []byte(`
[rule]
rule_id = "2c4d6e8f-1a3b-4c5d-8e9f-0a1b2c3d4e5f"
name = "Okta Sign-in Burst"
description = "Many sign-ins from one address."
type = "threshold"
language = "kuery"
severity = "medium"
risk_score = 47
query = "event.action:user.session.start"
`)
	_, skipped, _ := rules.Parse("burst.toml", src)
	fmt.Println(skipped.Reason)
	// Output:
	// type "threshold" is not supported: only query rules (KQL) run in the stream
}

func ExampleError() {
	src := []byte(`
[rule]
rule_id = "3d5f7a9b-2c4e-4f6a-8b0c-1d2e3f4a5b6c"
name = "Bad Severity"
description = "Severity must be low, medium, high or critical."
type = "query"
severity = "urgent"
risk_score = 47
query = "event.action:user.session.start"
`)
	_, _, err := rules.Parse("bad.toml", src)
	var e *rules.Error
	if errors.As(err, &e) {
		fmt.Println(e.Line, e.Col)
	}
	fmt.Println(err)
	// Output:
	// 7 12
	// bad.toml:7:12: rule.severity: must be one of low, medium, high, critical, found "urgent"
}
