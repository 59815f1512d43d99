package oktaecs

import (
	"encoding/json"
	"strings"
)

// debugBase is where debugContext.debugData lands.
const debugBase = "okta.debug_context.debug_data"

// flattenedRenames are the debugData keys the integration copies next to
// the flattened copy under a snake_case name (use_flattened_debug.yml).
var flattenedRenames = []struct{ from, to string }{
	{"deviceFingerprint", "device_fingerprint"},
	{"requestId", "request_id"},
	{"requestUri", "request_uri"},
	{"threatSuspected", "threat_suspected"},
	{"url", "url"},
	{"dtHash", "dt_hash"},
	{"clientSecret", "client_secret"},
	{"requestedScopes", "requested_scopes"},
	{"grantedScopes", "granted_scopes"},
	{"grantType", "grant_type"},
}

// plainRenames are the keys the non-flattened layout renames in place
// (no_use_flattened_debug.yml). That file also lists clientSecret,
// requestedScopes, grantedScopes and grantType, but reads them from where
// debugData no longer is by then, so those keep their camelCase names.
var plainRenames = []struct{ from, to string }{
	{"deviceFingerprint", "device_fingerprint"},
	{"dtHash", "dt_hash"},
	{"requestId", "request_id"},
	{"requestUri", "request_uri"},
	{"threatSuspected", "threat_suspected"},
}

// debugData maps debugContext.debugData in one of the integration's two
// layouts.
func (m *mapper) debugData(flattened bool) {
	dd, ok := get(m.raw, "debugContext", "debugData")
	if !ok {
		return
	}
	ddm, isObject := dd.(map[string]any)
	if flattened {
		flat := deepCopy(dd)
		if fm, ok := flat.(map[string]any); ok {
			parseDebugStrings(fm)
		}
		set(m.doc, debugBase+".flattened", flat)
		if !isObject {
			return
		}
		for _, r := range flattenedRenames {
			if v, ok := ddm[r.from]; ok {
				set(m.doc, debugBase+"."+r.to, v)
			}
		}
		if s, ok := scalarText(ddm["factor"]); ok {
			set(m.doc, debugBase+".factor", s)
		}
		setDerivedRisk(ddm, func(k string, v any) { set(m.doc, debugBase+"."+k, v) })
		return
	}
	if !isObject {
		set(m.doc, debugBase, dd)
		return
	}
	// The derived fields read the raw strings, so take them before parsing.
	derived := make(map[string]any)
	setDerivedRisk(ddm, func(k string, v any) { derived[k] = v })
	parseDebugStrings(ddm)
	for k, v := range derived {
		ddm[k] = v
	}
	for _, r := range plainRenames {
		renameKey(ddm, r.from, r.to)
	}
	set(m.doc, debugBase, foldKeys(ddm))
}

// setDerivedRisk computes risk_level, risk_reasons and risk_behaviors from
// the raw debugData strings. logOnlySecurityData takes precedence over risk
// for the first two, as in the pipeline, where the risk-based set processors
// only run when the field is still unset.
func setDerivedRisk(dd map[string]any, put func(string, any)) {
	losd, hasLOSD := scalarText(dd["logOnlySecurityData"])
	risk, hasRisk := scalarText(dd["risk"])
	var vals []string
	if hasLOSD {
		vals = appendSecurityDataRisk(vals, losd, "risk.level", false)
	}
	if len(vals) == 0 && hasRisk {
		vals = appendRiskLevel(vals, risk)
	}
	if len(vals) > 0 {
		put("risk_level", vals[0])
	}
	vals = vals[:0]
	if hasLOSD {
		vals = appendSecurityDataRisk(vals, losd, "risk.reasons", true)
	}
	if len(vals) == 0 && hasRisk {
		vals = appendRiskReasons(vals, risk)
	}
	if len(vals) > 0 {
		put("risk_reasons", toAnyList(vals))
	}
	if b, ok := scalarText(dd["behaviors"]); ok {
		if names := appendRiskBehaviors(nil, b); len(names) > 0 {
			put("risk_behaviors", toAnyList(names))
		}
	}
}

// parseDebugStrings takes apart the debugData strings the integration
// parses: logOnlySecurityData (JSON), behaviors (KV) and risk (KV with a
// grok fallback, and a risk_object copy when KV fails).
func parseDebugStrings(dd map[string]any) {
	if s, ok := dd["logOnlySecurityData"].(string); ok {
		if v, ok := decodeJSON(s); ok {
			dd["logOnlySecurityData"] = v
		}
	}
	if s, ok := dd["behaviors"].(string); ok {
		d := dissectBraces(s)
		if kvParses(d) {
			dd["behaviors"] = kvObject(d)
		} else {
			dd["behaviors"] = d
		}
	}
	risk, ok := dd["risk"]
	if !ok {
		return
	}
	s, ok := risk.(string)
	if !ok {
		dd["risk_object"] = deepCopy(risk)
		return
	}
	d := dissectBraces(s)
	if kvParses(d) {
		dd["risk"] = kvObject(d)
		return
	}
	dd["risk_object"] = s
	grokked := make(map[string]any)
	if level, ok := grokLevel(d); ok {
		grokked["level"] = level
	}
	if reasons, ok := grokReasons(d); ok {
		grokked["reasons"] = reasons
	}
	if len(grokked) > 0 {
		dd["risk"] = grokked
	} else {
		dd["risk"] = d
	}
}

// kvObject builds the object the kv processor would: a repeated name holds
// the list of its values. Names are kept as they are, dots included.
func kvObject(d string) map[string]any {
	obj := make(map[string]any)
	pieces := newKVPieces(d)
	for {
		piece, ok := pieces.next()
		if !ok {
			return obj
		}
		name, value, _ := splitPair(piece)
		switch prev := obj[name].(type) {
		case nil:
			obj[name] = value
		case string:
			obj[name] = []any{prev, value}
		case []any:
			obj[name] = append(prev, value)
		}
	}
}

// decodeJSON decodes a JSON document held in a string, numbers as
// json.Number. It accepts exactly what Conv JSON accepts.
func decodeJSON(s string) (any, bool) {
	w := jsonWalk{s: s}
	if !w.document("") {
		return nil, false
	}
	dec := json.NewDecoder(strings.NewReader(s))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, false
	}
	return v, true
}

func toAnyList(s []string) []any {
	l := make([]any, len(s))
	for i, v := range s {
		l[i] = v
	}
	return l
}

// debugSources answers Sources for okta.debug_context.debug_data[.rest],
// covering both layouts: rest starting with "flattened" is the flattened
// copy (Okta's key spelling), anything else the non-flattened layout or the
// fields both layouts derive.
func debugSources(rest []string) []Source {
	dd := func(keys ...string) []string {
		return append(path("debugContext", "debugData"), keys...)
	}
	if len(rest) == 0 {
		return []Source{{Path: dd()}} // debugData that is not an object
	}
	key, sub := rest[0], rest[1:]
	if key == "flattened" {
		return flattenedSources(sub)
	}
	switch key {
	case "risk_level":
		if len(sub) == 0 {
			return []Source{
				{Path: dd("logOnlySecurityData"), Conv: SecurityDataRiskLevel},
				{Path: dd("risk"), Conv: RiskLevel, Else: true},
			}
		}
		return nil
	case "risk_reasons":
		if len(sub) == 0 {
			return []Source{
				{Path: dd("logOnlySecurityData"), Conv: SecurityDataRiskReasons},
				{Path: dd("risk"), Conv: RiskReasons, Else: true},
			}
		}
		return nil
	case "risk_behaviors":
		if len(sub) == 0 {
			return []Source{{Path: dd("behaviors"), Conv: RiskBehaviors}}
		}
		return nil
	}
	for _, r := range flattenedRenames {
		if key == r.to && r.to != r.from {
			// Both layouts rename the camelCase key; the non-flattened one
			// keeps a raw snake_case key when there is no camelCase one.
			return []Source{
				{Path: dd(append([]string{r.from}, sub...)...)},
				{Path: dd(append([]string{r.to}, sub...)...), Else: true},
			}
		}
	}
	return structuredDebugSources(dd, key, sub, true)
}

// flattenedSources answers Sources below debug_data.flattened.
func flattenedSources(rest []string) []Source {
	dd := func(keys ...string) []string {
		return append(path("debugContext", "debugData"), keys...)
	}
	if len(rest) == 0 {
		return []Source{{Path: dd()}}
	}
	return structuredDebugSources(dd, rest[0], rest[1:], false)
}

// structuredDebugSources maps a debug data key, parsing the entries the
// integration parses. fold selects the non-flattened key spelling.
func structuredDebugSources(dd func(...string) []string, key string, sub []string, fold bool) []Source {
	pick := func(exact, folded Conv) Conv {
		if fold {
			return folded
		}
		return exact
	}
	switch key {
	case "logOnlySecurityData":
		return embeddedJSONSources(dd(key), sub, pick(JSON, JSONFolded))
	case "behaviors":
		if len(sub) == 0 {
			return []Source{{Path: dd(key), Conv: KVUnparsed}}
		}
		return []Source{
			{Path: dd(key), Conv: pick(KV, KVFolded), Key: strings.Join(sub, ".")},
			{Path: dd(append([]string{key}, sub...)...)},
		}
	case "risk":
		if len(sub) == 0 {
			return []Source{{Path: dd(key), Conv: RiskUnparsed}}
		}
		return []Source{
			{Path: dd(key), Conv: pick(Risk, RiskFolded), Key: strings.Join(sub, ".")},
			{Path: dd(append([]string{key}, sub...)...)},
		}
	case "risk_object":
		if len(sub) == 0 {
			return []Source{{Path: dd("risk"), Conv: RiskObject}}
		}
		return []Source{{Path: dd(append([]string{"risk"}, sub...)...)}}
	}
	return []Source{{Path: dd(append([]string{key}, sub...)...)}}
}
