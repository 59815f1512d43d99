package oktaecs

import "strconv"

// Conv names the transformation the integration applies between a raw
// LogEvent value and the ECS value(s) it indexes. The zero Conv is Identity.
//
// Every Conv is written so that Apply can return substrings of its input or
// static strings: the extractor runs Apply for every candidate event, most of
// which no rule selects, so it must not allocate. The few exceptions are
// documented on the constant concerned and only hit unusual input.
type Conv uint8

const (
	// Identity keeps the raw value. Numbers and booleans keep their JSON text.
	Identity Conv = iota

	// UserName keeps the first run of [A-Za-z0-9._-] in the value: the
	// integration's grok pattern %{USER} is unanchored, so "jdoe@example.com"
	// gives "jdoe" and "(system)" gives "system". No run, no value.
	UserName

	// IP keeps the value only when Elasticsearch accepts it as an IP literal
	// (the "convert to ip" processor); Okta writes the string "null" for
	// clients without an address, and that is dropped. The text is kept as
	// written, not canonicalised.
	IP

	// Outcome maps outcome.result case-insensitively: SUCCESS and ALLOW give
	// "success", FAILURE and DENY give "failure", anything else "unknown".
	// Apply with an empty value also gives "unknown", which is what a
	// Source with an empty Path relies on (see Source).
	Outcome

	// Category gives the event.category values of an Okta event type, from
	// the integration's fixed lists. Unlisted event types give nothing.
	Category

	// Type gives the event.type values of an Okta event type, likewise.
	Type

	// Timestamp renders an ISO 8601 time as the integration's date processor
	// does: UTC, millisecond precision, "2006-01-02T15:04:05.000Z". Okta's own
	// format already is that and is returned as is; any other accepted form
	// is reformatted, which allocates. Unparseable values give nothing.
	Timestamp

	// JSON parses the value as a JSON document (the integration's json
	// processor) and gives the scalars found at Source.Key, a dotted path
	// into the document ("" is the document itself); arrays are traversed.
	// A value that is not valid JSON stays a string in the document, so it
	// is given as is when Key is empty and gives nothing otherwise.
	// Strings containing JSON escapes are unescaped, which allocates.
	JSON

	// JSONFolded is JSON for the non-flattened debug data, whose object keys
	// the integration rewrites with spaces and dashes replaced by
	// underscores: Key is matched against the rewritten keys.
	JSONFolded

	// KV parses an Okta map rendering such as
	// "{New Geo-Location=NEGATIVE, New IP=POSITIVE}" the way the integration
	// does (dissect off the braces, then split on ", " and "="), and gives
	// the values of the entry named Source.Key. When the text does not parse
	// it gives nothing.
	KV

	// KVFolded is KV with Key matched against entry names whose spaces and
	// dashes were replaced by underscores (non-flattened debug data).
	KVFolded

	// KVUnparsed gives the value, braces dissected off, when it does not
	// parse as a KV map: the integration then leaves it as a string.
	KVUnparsed

	// Risk handles debugData.risk, which the integration parses like KV but
	// with a fallback: when the text does not parse it extracts "level=" and
	// "reasons=" with grok patterns. Gives the values of the entry named
	// Source.Key.
	Risk

	// RiskFolded is Risk with Key matched against underscored entry names.
	RiskFolded

	// RiskUnparsed gives the braces-dissected risk text when neither the KV
	// parse nor the grok fallback found anything.
	RiskUnparsed

	// RiskObject gives the raw risk text when it does not parse as a KV map:
	// the integration keeps a copy of it as debug_data.risk_object then.
	RiskObject

	// RiskLevel gives debug_data.risk_level as derived from debugData.risk
	// (entry "level", or the grok fallback), when not empty.
	RiskLevel

	// RiskReasons gives debug_data.risk_reasons as derived from
	// debugData.risk: the "reasons" entry split on /,\s*/.
	RiskReasons

	// SecurityDataRiskLevel gives debug_data.risk_level as derived from the
	// JSON text in debugData.logOnlySecurityData (risk.level), when not
	// empty.
	SecurityDataRiskLevel

	// SecurityDataRiskReasons gives debug_data.risk_reasons as derived from
	// logOnlySecurityData: risk.reasons split on /,\s*/.
	SecurityDataRiskReasons

	// RiskBehaviors gives the names of the debugData.behaviors entries whose
	// value is exactly "POSITIVE".
	RiskBehaviors

	numConvs
)

var convNames = [numConvs]string{
	Identity:                "Identity",
	UserName:                "UserName",
	IP:                      "IP",
	Outcome:                 "Outcome",
	Category:                "Category",
	Type:                    "Type",
	Timestamp:               "Timestamp",
	JSON:                    "JSON",
	JSONFolded:              "JSONFolded",
	KV:                      "KV",
	KVFolded:                "KVFolded",
	KVUnparsed:              "KVUnparsed",
	Risk:                    "Risk",
	RiskFolded:              "RiskFolded",
	RiskUnparsed:            "RiskUnparsed",
	RiskObject:              "RiskObject",
	RiskLevel:               "RiskLevel",
	RiskReasons:             "RiskReasons",
	SecurityDataRiskLevel:   "SecurityDataRiskLevel",
	SecurityDataRiskReasons: "SecurityDataRiskReasons",
	RiskBehaviors:           "RiskBehaviors",
}

// String returns the constant's name.
func (c Conv) String() string {
	if c < numConvs {
		return convNames[c]
	}
	return "Conv(" + strconv.Itoa(int(c)) + ")"
}

// Apply appends the ECS value(s) the integration derives from the raw value v
// and returns the extended dst. For the conversions that select an entry by
// name (JSON, KV, Risk and their variants) it is Source.Apply with an empty
// Key. It does not allocate when dst has room, except where the constant's
// documentation says otherwise.
func (c Conv) Apply(dst []string, v string) []string {
	return c.apply(dst, v, "")
}

func (c Conv) apply(dst []string, v, key string) []string {
	switch c {
	case Identity:
		return append(dst, v)
	case UserName:
		if u, ok := userName(v); ok {
			return append(dst, u)
		}
	case IP:
		if isIP(v) {
			return append(dst, v)
		}
	case Outcome:
		return append(dst, outcome(v))
	case Category:
		return append(dst, eventCategories[v]...)
	case Type:
		return append(dst, eventTypes[v]...)
	case Timestamp:
		if ts, ok := timestamp(v); ok {
			return append(dst, ts)
		}
	case JSON, JSONFolded:
		return appendJSON(dst, v, key, c == JSONFolded)
	case KV, KVFolded:
		return appendKV(dst, v, key, c == KVFolded)
	case KVUnparsed:
		if d := dissectBraces(v); !kvParses(d) {
			return append(dst, d)
		}
	case Risk, RiskFolded:
		return appendRisk(dst, v, key, c == RiskFolded)
	case RiskUnparsed:
		if d := dissectBraces(v); !kvParses(d) {
			if _, ok := grokLevel(d); !ok {
				if _, ok := grokReasons(d); !ok {
					return append(dst, d)
				}
			}
		}
	case RiskObject:
		if !kvParses(dissectBraces(v)) {
			return append(dst, v)
		}
	case RiskLevel:
		return appendRiskLevel(dst, v)
	case RiskReasons:
		return appendRiskReasons(dst, v)
	case SecurityDataRiskLevel:
		return appendSecurityDataRisk(dst, v, "risk.level", false)
	case SecurityDataRiskReasons:
		return appendSecurityDataRisk(dst, v, "risk.reasons", true)
	case RiskBehaviors:
		return appendRiskBehaviors(dst, v)
	}
	return dst
}

// userName implements the integration's grok %{USER:user.name} on
// okta.actor.alternate_id: USER is [a-zA-Z0-9._-]+ and grok does not anchor,
// so the first such run anywhere in the value wins.
func userName(v string) (string, bool) {
	start := -1
	for i := 0; i < len(v); i++ {
		if isUserChar(v[i]) {
			if start < 0 {
				start = i
			}
		} else if start >= 0 {
			return v[start:i], true
		}
	}
	if start >= 0 {
		return v[start:], true
	}
	return "", false
}

func isUserChar(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '_' || c == '-'
}

// outcome mirrors the integration: it lowercases outcome.result and compares
// with four words. Java's lowercasing only turns ASCII letters into the
// letters of those words, so an ASCII case-insensitive match is exact.
func outcome(v string) string {
	switch {
	case equalFoldASCII(v, "success"), equalFoldASCII(v, "allow"):
		return "success"
	case equalFoldASCII(v, "failure"), equalFoldASCII(v, "deny"):
		return "failure"
	}
	return "unknown"
}

func equalFoldASCII(a, b string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := 0; i < len(a); i++ {
		if lowerASCII(a[i]) != lowerASCII(b[i]) {
			return false
		}
	}
	return true
}

func lowerASCII(c byte) byte {
	if c >= 'A' && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}
