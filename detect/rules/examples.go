package rules

import (
	"embed"
	"encoding/json"
	"strings"
)

// examplesFS holds example events for rules, one file per rule named
// <rule_id>.json, of the form
//
//	{"rule_id": "...", "name": "...", "notes": "...",
//	 "match": [{event}, ...], "no_match": [{event}, ...]}
//
// Events are JSON objects in any shape the stream accepts (ECS, Filebeat's
// dotted keys, raw Okta System Log events, envelopes). They document what
// a rule is meant to catch and feed tests, demos and `rules test`.
//
//go:embed examples/*.json
var examplesFS embed.FS

// exampleFile is the layout of an examples/<rule_id>.json file.
type exampleFile struct {
	RuleID  string            `json:"rule_id"`
	Name    string            `json:"name"`
	Notes   string            `json:"notes"`
	Match   []json.RawMessage `json:"match"`
	NoMatch []json.RawMessage `json:"no_match"`
}

// Examples returns the project's example events for the rule with the given
// rule_id: events the rule must match and events it must not. Each event is
// the JSON object exactly as written in the example file (escapes and
// key order included, since some examples test exactly those), in a fresh
// slice the caller may keep or modify. ok is false when there is no example
// file for the rule.
func Examples(ruleID string) (match, noMatch [][]byte, ok bool) {
	// rule_ids are file names here; refuse anything that could name
	// another file.
	if ruleID == "" || strings.ContainsAny(ruleID, `/\`) || strings.HasPrefix(ruleID, ".") {
		return nil, nil, false
	}
	data, err := examplesFS.ReadFile("examples/" + ruleID + ".json")
	if err != nil {
		return nil, nil, false
	}
	var f exampleFile
	if err := json.Unmarshal(data, &f); err != nil || f.RuleID != ruleID {
		// The tests reject such files; a binary never ships one.
		return nil, nil, false
	}
	return rawEvents(f.Match), rawEvents(f.NoMatch), true
}

func rawEvents(msgs []json.RawMessage) [][]byte {
	out := make([][]byte, len(msgs))
	for i, m := range msgs {
		out[i] = m // json.RawMessage already holds a copy of the input
	}
	return out
}
