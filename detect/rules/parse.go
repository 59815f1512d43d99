package rules

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/pelletier/go-toml/v2"
)

// severities are the values Elastic allows for severity, lowest first.
var severities = []string{"low", "medium", "high", "critical"}

// maturities are the values Elastic allows for [metadata] maturity.
var maturities = []string{"development", "experimental", "beta", "production", "deprecated"}

// Parse reads one rule file's content; source names it in errors and in the
// result (a path, or "builtin:<name>"). Exactly one of the results is
// non-nil:
//
//   - a *Rule when the file holds a rule the stream runs: type "query" with
//     language "kuery" (the default when language is absent, as in Kibana);
//   - a *Skipped when the file holds a valid rule the stream does not run,
//     with the reason: another type (threshold, new_terms, eql, esql,
//     machine_learning, ...), another query language (lucene), additional
//     Kibana filters, or a deprecated rule;
//   - an error otherwise, joining one [*Error] per problem found.
//
// The keys every Elastic rule shares (rule_id, name, description, type,
// severity, risk_score and, when present, the others of [Rule]) are
// checked whatever the type, because a file that breaks them is broken,
// not merely unsupported. Keys this package does not know are ignored:
// Elastic adds keys over time, and type-specific ones such as
// [rule.threshold] belong to rules that are skipped anyway.
func Parse(source string, data []byte) (*Rule, *Skipped, error) {
	res := parse(source, data)
	return res.rule, res.skipped, res.err
}

// parsed is the outcome of parsing one file, with where its rule_id is
// written so that Load can point a duplicate at it.
type parsed struct {
	rule    *Rule
	skipped *Skipped
	err     error
	id      string
	idLine  int
	idCol   int
}

func parse(source string, data []byte) (res parsed) {
	defer func() {
		// go-toml's unstable API documents panics on misuse; rule files
		// come from users, and one bad file must not take the service
		// down, so any panic on the way becomes an error about the file.
		if p := recover(); p != nil {
			res = parsed{err: &Error{File: source, Line: 1, Col: 1, Msg: fmt.Sprintf("internal error reading rule: %v", p)}}
		}
	}()

	var doc map[string]any
	if err := toml.Unmarshal(data, &doc); err != nil {
		return parsed{err: syntaxError(source, err)}
	}
	d := &decoder{file: source, pos: indexPositions(data)}
	root := table{m: doc}

	meta := d.metadata(root)
	rt, ok := d.table(root, "rule")
	if !ok {
		if _, present := root.m["rule"]; !present {
			d.errorAt(1, 1, "missing [rule] table")
		}
		return parsed{err: d.err()}
	}

	r := &Rule{Source: source, Metadata: meta}
	d.rule(rt, r)
	res.id = r.ID
	res.idLine, res.idCol = d.pos.valueAt(rt.at("rule_id"))

	// Decide whether the stream runs the rule. Type comes first: it is
	// what makes every other difference.
	skip := func(reason string) parsed {
		res.skipped = &Skipped{Source: source, RuleID: r.ID, Name: r.Name, Type: r.Type, Language: r.Language, Reason: reason}
		return res
	}
	if r.Type != "" && r.Type != "query" {
		if res.err = d.err(); res.err != nil {
			return res
		}
		return skip(fmt.Sprintf("type %q is not supported: only query rules (KQL) run in the stream", r.Type))
	}
	switch r.Language {
	case "":
		if _, present := rt.m["language"]; !present {
			r.Language = "kuery" // Kibana's default for query rules
		}
	case "kuery", "lucene":
	default:
		d.invalid(rt.at("language"), `must be "kuery" or "lucene" for a query rule, found %q`, r.Language)
	}
	if r.Language == "kuery" && strings.TrimSpace(r.Query) == "" {
		// Kibana would run an empty query as match-all: an alert for
		// every event is never what the author meant.
		if _, present := rt.m["query"]; !present {
			d.missing(rt, "query")
		} else if _, isString := rt.m["query"].(string); isString {
			d.invalid(rt.at("query"), "must not be empty")
		}
	}
	hasFilters := false
	if v, present := rt.m["filters"]; present {
		filters, ok := v.([]any)
		if !ok {
			d.wrongType(rt.at("filters"), "an array of tables", v)
		}
		hasFilters = len(filters) > 0
	}
	if res.err = d.err(); res.err != nil {
		return res
	}
	if r.Language == "lucene" {
		return skip(`language "lucene" is not supported: only KQL (language "kuery") query rules run in the stream`)
	}
	if hasFilters {
		return skip("filters are not supported: the rule's Kibana filters narrow its query, and running the query alone would alert on events the rule does not match")
	}
	if meta.Maturity == "deprecated" {
		return skip(`the rule is deprecated (metadata maturity "deprecated")`)
	}

	if s, ok := d.pos.values[pathKey(rt.at("query"))]; ok {
		r.queryLine, r.queryCol, r.queryPos = locateString(d.pos, s, r.Query)
	}
	res.rule = r
	return res
}

// syntaxError converts go-toml's error for a document that is not valid
// TOML (or redefines a key or table) into an *Error at its position.
func syntaxError(source string, err error) *Error {
	e := &Error{File: source, Line: 1, Col: 1, Msg: "invalid TOML: " + err.Error(), Err: err}
	var de *toml.DecodeError
	if errors.As(err, &de) {
		e.Line, e.Col = de.Position()
		e.Msg = "invalid TOML: " + strings.TrimPrefix(de.Error(), "toml: ")
	}
	return e
}

// rule reads the [rule] table into r.
func (d *decoder) rule(t table, r *Rule) {
	r.ID = d.requiredStr(t, "rule_id")
	if r.ID != "" && strings.TrimSpace(r.ID) != r.ID {
		d.invalid(t.at("rule_id"), "must not start or end with white space")
	}
	r.Name = d.requiredStr(t, "name")
	r.Description = d.requiredStr(t, "description")
	r.Type = d.requiredStr(t, "type")
	r.Language, _ = d.str(t, "language")
	r.Query, _ = d.str(t, "query")
	r.License, _ = d.str(t, "license")
	r.Note, _ = d.str(t, "note")
	r.Setup, _ = d.str(t, "setup")
	r.BuildingBlockType, _ = d.str(t, "building_block_type")
	r.TimestampOverride, _ = d.str(t, "timestamp_override")

	r.Severity = d.requiredStr(t, "severity")
	if r.Severity != "" && !slices.Contains(severities, r.Severity) {
		d.invalid(t.at("severity"), "must be one of %s, found %q", strings.Join(severities, ", "), r.Severity)
	}

	if _, present := t.m["risk_score"]; !present {
		d.missing(t, "risk_score")
	} else if n, ok := d.integer(t, "risk_score"); ok {
		if n < 0 || n > 100 {
			d.invalid(t.at("risk_score"), "must be from 0 to 100, found %d", n)
		}
		r.RiskScore = int(n)
	}

	r.Version = DefaultVersion
	if n, ok := d.integer(t, "version"); ok {
		if n < 1 || n > math.MaxInt32 {
			d.invalid(t.at("version"), "must be a positive integer, found %d", n)
		}
		r.Version = int(n)
	}

	r.MaxSignals = DefaultMaxSignals
	if n, ok := d.integer(t, "max_signals"); ok {
		if n < 1 || n > math.MaxInt32 {
			d.invalid(t.at("max_signals"), "must be a positive integer, found %d", n)
		}
		r.MaxSignals = int(n)
	}

	r.Interval = DefaultInterval
	if s, ok := d.str(t, "interval"); ok {
		iv, err := parseInterval(s)
		if err != nil {
			d.invalid(t.at("interval"), "%v, found %q", err, s)
		}
		r.Interval = iv
	}

	r.From = DefaultFrom
	if s, ok := d.str(t, "from"); ok {
		if !validFrom(s) {
			d.invalid(t.at("from"), `expected date math relative to now, like "now-6m", found %q`, s)
		}
		r.From = s
	}

	r.Tags = d.strs(t, "tags")
	r.References = d.strs(t, "references")
	r.Author = d.strs(t, "author")
	r.Index = d.strs(t, "index")
	r.FalsePositives = d.strs(t, "false_positives")

	for _, m := range d.tables(t, "severity_mapping") {
		sm := SeverityMapping{
			Field:    d.requiredStr(m, "field"),
			Operator: d.operator(m),
		}
		sm.Value, _ = d.str(m, "value")
		sm.Severity = d.requiredStr(m, "severity")
		if sm.Severity != "" && !slices.Contains(severities, sm.Severity) {
			d.invalid(m.at("severity"), "must be one of %s, found %q", strings.Join(severities, ", "), sm.Severity)
		}
		r.SeverityMapping = append(r.SeverityMapping, sm)
	}

	for _, m := range d.tables(t, "risk_score_mapping") {
		rm := RiskScoreMapping{
			Field:    d.requiredStr(m, "field"),
			Operator: d.operator(m),
		}
		rm.Value, _ = d.str(m, "value")
		if n, ok := d.integer(m, "risk_score"); ok {
			if n < 0 || n > 100 {
				d.invalid(m.at("risk_score"), "must be from 0 to 100, found %d", n)
			}
			score := int(n)
			rm.RiskScore = &score
		}
		r.RiskScoreMapping = append(r.RiskScoreMapping, rm)
	}

	for _, tt := range d.tables(t, "threat") {
		r.Threat = append(r.Threat, d.threat(tt))
	}
}

// operator reads a mapping's operator; Elastic only defines "equals".
func (d *decoder) operator(t table) string {
	if _, present := t.m["operator"]; !present {
		return "equals"
	}
	op, ok := d.str(t, "operator")
	if ok && op != "equals" {
		d.invalid(t.at("operator"), `must be "equals", found %q`, op)
	}
	return op
}

func (d *decoder) threat(t table) Threat {
	th := Threat{Framework: d.requiredStr(t, "framework")}
	if _, present := t.m["tactic"]; !present {
		d.missing(t, "tactic")
	} else if tt, ok := d.table(t, "tactic"); ok {
		e := d.threatEntry(tt)
		th.Tactic = Tactic{ID: e.ID, Name: e.Name, Reference: e.Reference}
	}
	for _, tt := range d.tables(t, "technique") {
		tech := d.threatEntry(tt)
		for _, st := range d.tables(tt, "subtechnique") {
			tech.Subtechniques = append(tech.Subtechniques, d.threatEntry(st))
		}
		th.Techniques = append(th.Techniques, tech)
	}
	return th
}

// threatEntry reads the id, name and reference that tactics, techniques
// and sub-techniques all have; Elastic and Kibana require all three.
func (d *decoder) threatEntry(t table) Technique {
	return Technique{
		ID:        d.requiredStr(t, "id"),
		Name:      d.requiredStr(t, "name"),
		Reference: d.requiredStr(t, "reference"),
	}
}

// metadata reads the optional [metadata] table.
func (d *decoder) metadata(root table) Metadata {
	var md Metadata
	t, ok := d.table(root, "metadata")
	if !ok {
		return md
	}
	date := func(key string) string {
		s, ok := d.str(t, key)
		if ok {
			if _, err := time.Parse("2006/01/02", s); err != nil {
				d.invalid(t.at(key), "expected a date written YYYY/MM/DD, found %q", s)
			}
		}
		return s
	}
	md.CreationDate = date("creation_date")
	md.UpdatedDate = date("updated_date")
	md.Maturity, _ = d.str(t, "maturity")
	if md.Maturity != "" && !slices.Contains(maturities, md.Maturity) {
		d.invalid(t.at("maturity"), "must be one of %s, found %q", strings.Join(maturities, ", "), md.Maturity)
	}
	md.Integration = d.strOrStrs(t, "integration")
	return md
}
