// Package rules loads detection rules written in Elastic's detection-rules
// TOML format, the format of github.com/elastic/detection-rules and of the
// rules security teams keep beside it.
//
// # The format
//
// A rule file has two tables. [metadata] is bookkeeping (creation and
// update dates, maturity, the integrations the rule needs). [rule] is the
// rule itself:
//
//	[metadata]
//	creation_date = "2026/01/15"
//	updated_date = "2026/01/15"
//	maturity = "production"
//	integration = ["okta"]
//
//	[rule]
//	rule_id = "0f6b9c1e-8d1a-4c55-9f1e-2b7c1d9e4a10"
//	name = "Okta Policy Deleted"
//	description = "An Okta sign-on policy was deleted."
//	type = "query"
//	language = "kuery"
//	severity = "medium"
//	risk_score = 47
//	query = '''
//	event.dataset:okta.system and event.action:policy.lifecycle.delete
//	'''
//
//	[[rule.threat]]
//	framework = "MITRE ATT&CK"
//	[rule.threat.tactic]
//	id = "TA0005"
//	name = "Defense Evasion"
//	reference = "https://attack.mitre.org/tactics/TA0005/"
//
// rule_id, name, description, type, severity (low, medium, high or
// critical) and risk_score (0 to 100) are required; query rules also need
// a query. Everything else has Elastic's defaults: version 1 (Elastic keeps
// versions in a lock file, outside the rule), interval "5m", from "now-6m",
// max_signals 100, language "kuery". Keys this package does not know are
// ignored, because Elastic keeps adding keys; known keys with the wrong type
// or an invalid value are errors.
//
// # What runs and what is skipped
//
// The stream runs query rules written in KQL (type "query", language
// "kuery"). Elastic's rule directories also hold threshold, new_terms, EQL,
// ES|QL and machine-learning rules, which need aggregations, history or
// models that a per-event stream does not have. Loading such a directory
// is not an error: those rules come back in [Set].Skipped, each with the
// reason, so that nothing disappears silently. Lucene query rules, rules
// with Kibana filters and deprecated rules are skipped the same way.
// Building-block rules are loaded; [Rule.IsBuildingBlock] flags them.
//
// # Errors
//
// A file that is not valid TOML, or that breaks the schema, is an [*Error]
// pointing at the offending key or value as file:line:col, the form that
// editors and CI annotations understand. So is a rule_id defined twice,
// which names both places. [Load] reports all problems at once and then
// returns no rules, so that a half-loaded rule set never runs.
//
// KQL errors belong to the query parser, which counts lines and columns
// inside the query text; [Rule.QueryPosition] converts them to positions in
// the rule file.
//
// # Built-in rules and examples
//
// [Builtin] returns the rules compiled into the binary, so the service
// detects something useful with no configuration. [Examples] returns the
// project's example events for a rule: events it must match and events it
// must not, which tests and demos use to show the rule working.
package rules
