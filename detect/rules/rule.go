package rules

import (
	"strings"
	"time"
)

// Defaults applied when a rule file leaves a key out. They are the values
// Kibana's detection engine API fills in for a rule created without them, so
// an alert produced here reports the same schedule Elastic would.
const (
	// DefaultInterval is how often Elastic runs a rule. A stream evaluates
	// every event as it arrives, so for us it is descriptive only.
	DefaultInterval = 5 * time.Minute

	// DefaultFrom is Elastic's look-back, as date math. Kibana's API uses
	// this constant whatever the interval (its UI is what derives "from" as
	// interval plus one minute of extra look-back), so a rule that sets
	// interval = "15m" but no from still reports "now-6m", as in Elastic.
	DefaultFrom = "now-6m"

	// DefaultMaxSignals is Elastic's cap on alerts per rule execution.
	DefaultMaxSignals = 100

	// DefaultVersion is used when [rule] has no version key. Elastic keeps
	// versions of its prebuilt rules in a separate lock file, so their TOML
	// files normally have none.
	DefaultVersion = 1
)

// Rule is one detection rule in Elastic's detection-rules TOML format, as
// loaded from a file's [metadata] and [rule] tables. Only rules the stream
// can run are represented as a Rule: Type is always "query" and Language
// always "kuery". Everything else is reported as a [Skipped].
//
// Field names follow Elastic's keys (rule_id is ID, false_positives is
// FalsePositives, and so on) so that alerts can echo them as Elastic's
// kibana.alert.rule.* fields do.
type Rule struct {
	ID          string // rule_id: stable across versions; alerts and dedupe key on it
	Name        string
	Description string
	Type        string // always "query"
	Language    string // always "kuery"
	Query       string // the KQL text exactly as the file holds it (often with a trailing newline)
	Severity    string // low, medium, high or critical
	License     string
	Note        string // investigation guide, Markdown
	Setup       string // setup guide, Markdown

	Version   int // [rule] version; DefaultVersion when absent
	RiskScore int // 0-100

	// SeverityMapping and RiskScoreMapping let a field of the matched event
	// override Severity and RiskScore, as in Elastic.
	SeverityMapping  []SeverityMapping
	RiskScoreMapping []RiskScoreMapping

	Tags           []string
	References     []string
	Author         []string
	Index          []string // Elastic index patterns; kept for alerts, not used to route events
	FalsePositives []string

	Interval   time.Duration // DefaultInterval when absent
	From       string        // date math such as "now-6m"; DefaultFrom when absent
	MaxSignals int           // DefaultMaxSignals when absent

	// BuildingBlockType is set (Elastic only defines "default") for
	// building-block rules, whose alerts feed other rules and are hidden
	// from analysts by default. See [Rule.IsBuildingBlock].
	BuildingBlockType string

	// TimestampOverride names the field Elastic uses instead of @timestamp
	// to select events by time, typically "event.ingested". A stream has no
	// time window to select by, so it is kept for alerts only.
	TimestampOverride string

	Threat   []Threat
	Metadata Metadata

	// Source is where the rule came from: the file path given to [Load] or
	// [Parse], or "builtin:<file name>" for embedded rules.
	Source string

	// Where the query text starts in Source (1-based line, byte column),
	// so that a KQL error inside the query can be reported in the file.
	queryLine, queryCol int
	// queryPos maps each byte of Query (plus one past the end) to its place
	// in the file. It is only needed, and only set, when the query was
	// written as a basic string whose escapes or line-ending backslashes
	// make the text differ from the bytes in the file.
	queryPos []filePos
}

// filePos is a 1-based line and byte column in a source file.
type filePos struct{ line, col int32 }

// IsBuildingBlock reports whether the rule is a building-block rule.
func (r *Rule) IsBuildingBlock() bool { return r.BuildingBlockType != "" }

// QueryPosition converts a position inside r.Query (1-based line, 1-based
// byte column, as KQL parse errors report them) to the line and column of
// the same byte in r.Source. Positions past the end of a line or of the
// query are extrapolated. A Rule that was not parsed from a file (its zero
// value, say) has no source position, and the input is returned unchanged.
func (r *Rule) QueryPosition(line, col int) (fileLine, fileCol int) {
	line, col = max(line, 1), max(col, 1)
	if r.queryLine == 0 {
		return line, col
	}
	if r.queryPos == nil {
		// The text is byte for byte what the file holds from the
		// starting position on, so only the first line is offset.
		if line == 1 {
			return r.queryLine, r.queryCol + col - 1
		}
		return r.queryLine + line - 1, col
	}
	off, past := queryOffset(r.Query, line, col)
	p := r.queryPos[off]
	return int(p.line), int(p.col) + past
}

// queryOffset finds the byte offset of (line, col) in q. When the position
// lies beyond the end of its line or of q, the offset is clamped to the end
// and past says by how many bytes the position overshoots it.
func queryOffset(q string, line, col int) (off, past int) {
	start := 0
	for l := 1; l < line; l++ {
		nl := strings.IndexByte(q[start:], '\n')
		if nl < 0 {
			return len(q), 0
		}
		start += nl + 1
	}
	end := len(q)
	if nl := strings.IndexByte(q[start:], '\n'); nl >= 0 {
		end = start + nl
	}
	if start+col-1 <= end {
		return start + col - 1, 0
	}
	return end, start + col - 1 - end
}

// SeverityMapping sets the alert severity to Severity when the event's
// Field equals Value.
type SeverityMapping struct {
	Field    string
	Operator string // only "equals" exists in Elastic; the default
	Value    string
	Severity string // low, medium, high or critical
}

// RiskScoreMapping takes the alert risk score from the event's Field,
// which must hold a number from 0 to 100. Elastic's schema gives each
// entry Field, Operator and Value (Value is normally empty) and an
// optional risk_score, which Kibana accepts but does not use to compute
// the score; RiskScore is nil when the key is absent.
type RiskScoreMapping struct {
	Field     string
	Operator  string // only "equals" exists in Elastic; the default
	Value     string
	RiskScore *int
}

// Threat maps a rule to one tactic of a framework such as MITRE ATT&CK,
// and optionally to techniques of that tactic.
type Threat struct {
	Framework  string // "MITRE ATT&CK" in Elastic's rules
	Tactic     Tactic
	Techniques []Technique
}

// Tactic is a framework tactic, e.g. TA0001 Initial Access.
type Tactic struct {
	ID, Name, Reference string
}

// Technique is a framework technique, e.g. T1078 Valid Accounts, with its
// sub-techniques (which have none of their own).
type Technique struct {
	ID, Name, Reference string
	Subtechniques       []Technique
}

// Metadata is the file's [metadata] table: bookkeeping that Elastic keeps
// beside the rule rather than sending to Kibana.
type Metadata struct {
	CreationDate string   // YYYY/MM/DD, as Elastic writes it
	UpdatedDate  string   // YYYY/MM/DD
	Maturity     string   // development, experimental, beta, production or deprecated
	Integration  []string // Elastic integration packages the rule needs, e.g. "okta"
}

// Skipped describes a rule that was read correctly but that the stream does
// not run, and why. Skipping is never an error: a rule directory copied from
// Elastic mixes rule types, and the report says what did not load.
type Skipped struct {
	Source   string
	RuleID   string
	Name     string
	Type     string
	Language string
	Reason   string
}

// Set is the result of loading rules: those that run and those skipped.
type Set struct {
	Rules   []*Rule
	Skipped []Skipped
}
