// Package oktaecs maps raw Okta System Log events to ECS the way Elastic's
// Okta integration does, so that Elastic's detection rules can run against
// events that never went through Elasticsearch.
//
// Okta's API returns LogEvent objects (eventType, actor.alternateId,
// client.ipAddress, debugContext.debugData, ...). Elastic's rules are written
// against the fields the integration's ingest pipeline derives from them
// (event.action, user.name, source.ip, okta.debug_context.debug_data.risk_level,
// ...). This package is the one place in the code base that knows that
// mapping, and it serves it in two forms that are tested to agree:
//
//   - ToECS builds the whole ECS document for one event. It allocates freely
//     and is meant for the few events that become alerts.
//   - Sources tells, for one ECS field, where its values live in a raw event
//     and which Conv turns them into ECS values. A rule compiler calls it
//     once per field; an extractor then reads just those raw values and calls
//     Source.Apply, which does not allocate, on every event.
//
// Constant completes Sources with the values every Okta event has
// (event.kind, event.dataset, ...).
//
// # What is reproduced
//
// The reference is the integration's pipeline
// (packages/okta/data_stream/system/elasticsearch/ingest_pipeline/ in
// elastic/integrations: default.yml, use_flattened_debug.yml,
// no_use_flattened_debug.yml) as of the release whose pipeline test output
// is the package's golden data. That covers, among others:
//
//   - nulls and empty strings are dropped from the event before anything
//     else, then fields are renamed into okta.* with snake_case names;
//   - user.name is the first run of [A-Za-z0-9._-] in actor.alternateId
//     (an unanchored grok, so "jdoe@example.com" gives "jdoe");
//   - client.ipAddress is kept only if Elasticsearch accepts it as an IP
//     (Okta sends the string "null" for "no address");
//   - event.outcome maps SUCCESS/ALLOW and FAILURE/DENY, anything else or
//     nothing is "unknown";
//   - event.category and event.type come from fixed lists of 33
//     event types; all others, user.authentication.auth_via_mfa included,
//     have neither field;
//   - targets get snake_case keys, keep only two detailEntry keys, and the
//     first "User" and "UserGroup" targets feed user.target.*;
//   - debugData's Java-map strings (behaviors, risk) are parsed with the
//     pipeline's dissect, kv and grok steps, quirks included (a risk text
//     "level=HIGH, reasons=..." yields the level "HIGH,"), and
//     logOnlySecurityData's JSON is decoded; risk_level, risk_reasons and
//     risk_behaviors are derived from them;
//   - debugData is laid out both ways the integration offers: a flattened
//     copy with Okta's key spelling (the default) plus a few snake_case keys,
//     or all keys directly under okta.debug_context.debug_data with spaces
//     and dashes turned into underscores (FlattenedDebugData(false)).
//
// # What is not
//
// The pipeline also enriches events from data this package does not have:
// GeoIP city and ASN databases (source.geo.*, source.as.*) and the
// user_agent processor's device and OS patterns (user_agent.* except
// user_agent.original). Sources returns nil for those fields; rules that
// depend on them cannot be evaluated here. event.original and tags come
// from the agent configuration, not from the event.
//
// Where the pipeline fails on malformed input (a target without a type, a
// behaviors text that kv cannot split, ...) Elasticsearch stops processing
// and marks the document event.kind: pipeline_error. ToECS instead skips the
// failing step and maps the rest, and never panics. Newer integration
// releases categorise every Okta event type from a generated table and map a
// few more fields (authentication_context.root_session_id, ...); this
// package follows the release that produced its golden data, so rules
// relying on those additions do not match here either.
package oktaecs
