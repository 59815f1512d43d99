package detect

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/bytedance/sonic"

	"github.com/oktadetect/oktadetect/detect/rules"
)

// Origin says where a matched record came from.
type Origin struct {
	Topic     string
	Partition int32
	Offset    int64
	Shape     Shape
}

// Alert is an alert document ready to be written.
type Alert struct {
	// ID is kibana.alert.uuid: a SHA-256 of the rule id and the event id,
	// so a redelivered event yields the same id and indexing by _id is
	// idempotent. Suppressed alerts use their instance's id instead.
	ID      string
	RuleID  string
	EventID string
	// JSON is the alert document (see the package documentation for its
	// layout).
	JSON []byte
}

// Suppression describes the suppression instance an alert belongs to.
type Suppression struct {
	Terms     []SuppressionTerm
	Start     time.Time
	End       time.Time
	DocsCount int // events suppressed into this alert after the first
}

// SuppressionTerm is one field's value(s) in a suppression key.
type SuppressionTerm struct {
	Field string
	Value []any // nil when the event lacks the field
}

// AlertID returns the kibana.alert.uuid for a rule and an event.
func AlertID(ruleID, eventID string) string {
	h := sha256.New()
	h.Write([]byte(ruleID))
	h.Write([]byte{0x1f})
	h.Write([]byte(eventID))
	return hex.EncodeToString(h.Sum(nil))
}

// ContentID identifies an event that carries no id of its own by the
// SHA-256 of its bytes, so that an identical redelivery is still
// recognised.
func ContentID(rec []byte) string {
	sum := sha256.Sum256(rec)
	return "sha256:" + hex.EncodeToString(sum[:])
}

// ruleUUID stands in for Kibana's rule saved-object id: stable per rule id.
func ruleUUID(ruleID string) string {
	sum := sha256.Sum256([]byte("rule\x1f" + ruleID))
	b := sum[:16]
	b[6] = b[6]&0x0f | 0x50 // version 5 layout (name-based, SHA)
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

// ruleJSON caches each rule's kibana.alert.rule object, encoded: it is
// the same in every alert of the rule and is most of an alert's encoding
// work. Rules are immutable once loaded, so the pointer is the key.
var ruleJSON sync.Map // *rules.Rule → json.RawMessage

// alertJSON encodes alerts: keys sorted (stable output), HTML characters
// escaped like encoding/json, and the cached rule object copied as is
// (it was produced by this same encoder, so compacting and validating it
// again on every alert would only cost time).
var alertJSON = sonic.Config{
	EscapeHTML:              true,
	SortMapKeys:             true,
	ValidateString:          true,
	NoValidateJSONMarshaler: true,
	NoEncoderNewline:        true,
}.Froze()

func encodedRule(r *rules.Rule) (json.RawMessage, error) {
	if v, ok := ruleJSON.Load(r); ok {
		return v.(json.RawMessage), nil
	}
	b, err := alertJSON.Marshal(ruleFields(r))
	if err != nil {
		return nil, err
	}
	v, _ := ruleJSON.LoadOrStore(r, json.RawMessage(b))
	return v.(json.RawMessage), nil
}

// ForgetRules drops the cached encodings of rules that are no longer
// loaded (after a reload).
func ForgetRules(rs []*rules.Rule) {
	for _, r := range rs {
		ruleJSON.Delete(r)
	}
}

// BuildAlert builds the alert that rule raises on doc (as returned by
// Document). now is the detection time. sup is nil unless the rule
// suppresses alerts.
func BuildAlert(rule *rules.Rule, doc map[string]any, eventID string, from Origin, now time.Time, sup *Suppression) (Alert, error) {
	a := Alert{RuleID: rule.ID, EventID: eventID, ID: AlertID(rule.ID, eventID)}
	severity, risk := Severity(rule, doc)

	out := make(map[string]any, len(doc)+4)
	for k, v := range doc {
		out[k] = v
	}
	var original map[string]any
	if ev, ok := doc["event"].(map[string]any); ok {
		original = ev
		signal := make(map[string]any, len(ev)+1)
		for k, v := range ev {
			signal[k] = v
		}
		signal["kind"] = "signal"
		out["event"] = signal
	} else {
		out["event"] = map[string]any{"kind": "signal"}
	}
	out["@timestamp"] = now.UTC().Format(time.RFC3339Nano)

	alert := map[string]any{
		"uuid":            a.ID,
		"ancestors":       []any{map[string]any{"id": eventID, "type": "event", "index": from.Topic, "depth": 0}},
		"depth":           1,
		"status":          "active",
		"workflow_status": "open",
		"reason":          reason(rule, doc, severity),
		"severity":        severity,
		"risk_score":      risk,
	}
	rj, err := encodedRule(rule)
	if err != nil {
		return Alert{}, fmt.Errorf("encoding rule %s: %w", rule.ID, err)
	}
	alert["rule"] = rj
	if t, ok := doc["@timestamp"]; ok {
		alert["original_time"] = t
	}
	if original != nil {
		alert["original_event"] = original
	}
	if rule.IsBuildingBlock() {
		alert["building_block_type"] = rule.BuildingBlockType
	}
	if sup != nil {
		inst := suppressionInstance(rule.ID, sup.Terms)
		a.ID = AlertID(rule.ID, inst+"\x1f"+strconv.FormatInt(sup.Start.UnixNano(), 10))
		alert["uuid"] = a.ID
		terms := make([]any, len(sup.Terms))
		for i, t := range sup.Terms {
			terms[i] = map[string]any{"field": t.Field, "value": t.Value}
		}
		alert["suppression"] = map[string]any{
			"terms":      terms,
			"start":      sup.Start.UTC().Format(time.RFC3339Nano),
			"end":        sup.End.UTC().Format(time.RFC3339Nano),
			"docs_count": sup.DocsCount,
		}
		alert["instance"] = map[string]any{"id": inst}
		alert["last_detected"] = now.UTC().Format(time.RFC3339Nano)
	}
	out["kibana"] = map[string]any{"alert": alert}
	out["oktadetect"] = map[string]any{"source": map[string]any{
		"topic": from.Topic, "partition": from.Partition, "offset": from.Offset, "shape": from.Shape.String(),
	}}
	b, err := alertJSON.Marshal(out)
	if err != nil {
		return Alert{}, fmt.Errorf("encoding alert for rule %s: %w", rule.ID, err)
	}
	a.JSON = b
	return a, nil
}

// suppressionInstance is kibana.alert.instance.id: a hash of the rule and
// the suppression terms.
func suppressionInstance(ruleID string, terms []SuppressionTerm) string {
	h := sha256.New()
	h.Write([]byte(ruleID))
	for _, t := range terms {
		h.Write([]byte{0x1f})
		h.Write([]byte(t.Field))
		h.Write([]byte{0x1e})
		v, _ := json.Marshal(t.Value)
		h.Write(v)
	}
	return hex.EncodeToString(h.Sum(nil))
}

func ruleFields(r *rules.Rule) map[string]any {
	threat := make([]any, 0, len(r.Threat))
	for _, t := range r.Threat {
		techniques := make([]any, 0, len(t.Techniques))
		for _, tq := range t.Techniques {
			subs := make([]any, 0, len(tq.Subtechniques))
			for _, s := range tq.Subtechniques {
				subs = append(subs, map[string]any{"id": s.ID, "name": s.Name, "reference": s.Reference})
			}
			tm := map[string]any{"id": tq.ID, "name": tq.Name, "reference": tq.Reference}
			if len(subs) > 0 {
				tm["subtechnique"] = subs
			}
			techniques = append(techniques, tm)
		}
		tm := map[string]any{
			"framework": t.Framework,
			"tactic":    map[string]any{"id": t.Tactic.ID, "name": t.Tactic.Name, "reference": t.Tactic.Reference},
		}
		if len(techniques) > 0 {
			tm["technique"] = techniques
		}
		threat = append(threat, tm)
	}
	m := map[string]any{
		"rule_id":     r.ID,
		"uuid":        ruleUUID(r.ID),
		"name":        r.Name,
		"version":     r.Version,
		"type":        r.Type,
		"query":       strings.TrimSpace(r.Query),
		"language":    r.Language,
		"severity":    r.Severity,
		"risk_score":  r.RiskScore,
		"description": r.Description,
		"references":  stringsOrEmpty(r.References),
		"tags":        stringsOrEmpty(r.Tags),
		"threat":      threat,
		"author":      stringsOrEmpty(r.Author),
		"license":     r.License,
		"interval":    formatInterval(r.Interval),
		"from":        r.From,
		"max_signals": r.MaxSignals,
		"index":       stringsOrEmpty(r.Index),
	}
	if r.Note != "" {
		m["note"] = r.Note
	}
	if r.BuildingBlockType != "" {
		m["building_block_type"] = r.BuildingBlockType
	}
	if r.TimestampOverride != "" {
		m["timestamp_override"] = r.TimestampOverride
	}
	if len(r.FalsePositives) > 0 {
		m["false_positives"] = r.FalsePositives
	}
	return m
}

func stringsOrEmpty(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// formatInterval writes a duration the way Elastic's rules do ("5m").
func formatInterval(d time.Duration) string {
	switch {
	case d <= 0:
		return ""
	case d%(24*time.Hour) == 0:
		return strconv.FormatInt(int64(d/(24*time.Hour)), 10) + "d"
	case d%time.Hour == 0:
		return strconv.FormatInt(int64(d/time.Hour), 10) + "h"
	case d%time.Minute == 0:
		return strconv.FormatInt(int64(d/time.Minute), 10) + "m"
	}
	return strconv.FormatInt(int64(d/time.Second), 10) + "s"
}

var severityRank = map[string]int{"low": 1, "medium": 2, "high": 3, "critical": 4}

// Severity returns the alert's severity and risk score: the rule's own,
// unless a severity_mapping entry matches the event (the highest matching
// severity wins, as in Kibana) or a risk_score_mapping field holds a
// number from 0 to 100.
func Severity(r *rules.Rule, doc map[string]any) (string, int) {
	sev, risk := r.Severity, r.RiskScore
	best := 0
	for _, m := range r.SeverityMapping {
		if m.Operator != "" && m.Operator != "equals" {
			continue
		}
		for _, v := range lookup(doc, m.Field) {
			if scalarText(v) == m.Value && severityRank[m.Severity] > best {
				best, sev = severityRank[m.Severity], m.Severity
			}
		}
	}
	for _, m := range r.RiskScoreMapping {
		vals := lookup(doc, m.Field)
		if len(vals) == 0 {
			continue
		}
		if f, err := strconv.ParseFloat(scalarText(vals[0]), 64); err == nil && f >= 0 && f <= 100 {
			risk = int(f)
			break
		}
	}
	return sev, risk
}

func scalarText(v any) string {
	switch v := v.(type) {
	case string:
		return v
	case json.Number:
		return v.String()
	case bool:
		return strconv.FormatBool(v)
	case float64:
		return strconv.FormatFloat(v, 'f', -1, 64)
	}
	return ""
}

// reason writes Kibana's alert reason: "{category} event with source
// {source.ip} by {user.name} on {host.name} created {severity} alert
// {rule name}.", leaving out what the event does not have.
func reason(r *rules.Rule, doc map[string]any, severity string) string {
	var b strings.Builder
	if cats := textValues(doc, "event.category"); len(cats) > 0 {
		b.WriteString(strings.Join(cats, ", "))
		b.WriteString(" event")
	} else {
		b.WriteString("event")
	}
	if ips := textValues(doc, "source.ip"); len(ips) > 0 {
		b.WriteString(" with source ")
		b.WriteString(ips[0])
		if ports := textValues(doc, "source.port"); len(ports) > 0 {
			b.WriteString(":" + ports[0])
		}
	}
	if users := textValues(doc, "user.name"); len(users) > 0 {
		b.WriteString(" by ")
		b.WriteString(users[0])
	}
	if hosts := textValues(doc, "host.name"); len(hosts) > 0 {
		b.WriteString(" on ")
		b.WriteString(hosts[0])
	}
	fmt.Fprintf(&b, " created %s alert %s.", severity, r.Name)
	return b.String()
}

func textValues(doc map[string]any, path string) []string {
	var out []string
	for _, v := range lookup(doc, path) {
		if s := scalarText(v); s != "" {
			out = append(out, s)
		}
	}
	return out
}
