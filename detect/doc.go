// Package detect decides which detection rules an Okta event matches, and
// builds the alerts.
//
// # Input shapes
//
// A record is one JSON object in any of these shapes, detected per record:
//
//   - ECS with nested objects, as Elastic's Okta integration indexes it;
//   - ECS with dotted keys, as Filebeat writes it ({"event.action": ...}),
//     or any mix of dotted and nested keys;
//   - a raw Okta System Log LogEvent, read through the integration's
//     mapping (package oktaecs): eventType is event.action and
//     okta.event_type, uuid is event.id, and the dataset is okta.system;
//   - an Elastic Agent envelope: data_stream.* and friends at the top, the
//     raw event as a JSON string in message.
//
// Fields have Elasticsearch keyword semantics: values compare exactly and
// case-sensitively, JSON escapes are decoded first, a field holding an
// array matches when any element matches, a dotted key and the nested path
// are the same field, and a value of the wrong type (an object where a
// string is expected) matches nothing. event.dataset and
// data_stream.dataset are one field: Elastic's Okta indices hold both as
// the constant okta.system, and Elastic's rules use either.
//
// # Matching
//
// Compile turns a rule set into an Engine. Every field any rule reads is
// numbered, and the fields' JSON locations in every shape (all dot-splits
// of each name, plus the raw Okta paths) become one Go struct type, built
// with reflect.StructOf once per rule set. For each record a Matcher runs
// one sonic decode into a reused value of that type: sonic skips everything
// the rules do not read at SIMD speed, and the struct's leaf fields hand
// the values they receive to a reused store, unescaping into a reused
// arena. Nothing is allocated for a record that matches no rule.
//
// Before decoding, a prefilter scans the record's bytes for literals one of
// which every rule needs (the action name, say); most records are misses
// after one vectorised scan. Escapes that could hide a literal send the
// record to the decoder, so the prefilter never misses a match. After
// decoding, rules are looked up by the exact values they require
// (typically event.action), so a record is only evaluated against rules
// that could match it.
//
// # Malformed records
//
// Every record gets cheap framing checks: size, UTF-8, a JSON object,
// nesting depth. Records that match a rule are validated in full before
// they alert, so a malformed record never raises an alert and is always
// reported when it could have; StrictJSON validates every record. Problems
// come back as a *DecodeError whose Reason is a short, stable code.
//
// # Alerts
//
// BuildAlert makes a document shaped like an Elastic Security alert: the
// source event as ECS with nested objects, event.kind "signal",
// @timestamp the detection time, and kibana.alert.* (uuid, rule, severity,
// risk score, reason, ancestors, original time and event, status). The
// alert id is a SHA-256 of the rule id and the event id, so redeliveries
// produce the same id. Limiter applies each rule's max_signals per
// interval; Suppressor implements alert suppression.
package detect
