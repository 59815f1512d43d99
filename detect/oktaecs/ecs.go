package oktaecs

import "strings"

// ecsVersion is the ecs.version the integration's pipeline stamps.
const ecsVersion = "8.11.0"

// An Option configures ToECS.
type Option interface{ apply(*options) }

type options struct {
	flattened bool
}

type optionFunc func(*options)

func (f optionFunc) apply(o *options) { f(o) }

// FlattenedDebugData sets whether ToECS keeps the copy of debugData under
// okta.debug_context.debug_data.flattened, with its original key spelling.
// The default, true, is the integration's default. With false, ToECS maps
// debugData as the integration does with its "remove_flattened_debug"
// setting: every key directly under okta.debug_context.debug_data, spaces
// and dashes in keys replaced by underscores.
//
// Sources describes both layouts at once (their field names differ), so the
// setting does not affect it.
func FlattenedDebugData(keep bool) Option {
	return optionFunc(func(o *options) { o.flattened = keep })
}

// ToECS returns the ECS document Elastic's Okta integration would index for a
// raw LogEvent decoded with encoding/json-compatible types (map[string]any,
// []any, string, float64 or json.Number, bool, nil). It does not modify ev
// and shares nothing with it.
//
// Values keep the JSON type they had in ev, as the pipeline keeps them
// (okta.security_context.is_proxy stays a boolean, authentication_step a
// number); fields the pipeline fills from templates or string conversions
// (user.full_name, event.id, ...) are strings. JSON embedded in strings
// (logOnlySecurityData, device_integrator) is decoded with numbers as
// json.Number.
//
// The document has no event.original, no tags, no fields that need external
// data (source.geo, source.as, user_agent parsing), and none of the
// constant_keyword fields the index adds (see Constant).
func ToECS(ev map[string]any, opts ...Option) map[string]any {
	o := options{flattened: true}
	for _, opt := range opts {
		opt.apply(&o)
	}
	// The pipeline starts by dropping nulls and empty values everywhere;
	// pruned also gives a private copy that can be taken apart freely.
	p, _ := pruned(ev)
	raw, _ := p.(map[string]any)
	doc := make(map[string]any)
	m := mapper{raw: raw, doc: doc}
	m.run(o)
	return doc
}

// mapper applies the integration's processors, in the pipeline's order where
// the order matters (list order, renames that fail when their target
// exists).
type mapper struct {
	raw map[string]any // the pruned LogEvent
	doc map[string]any // the ECS document
}

// rename moves the raw value at the dotted path from into doc at to, like a
// rename processor with ignore_missing. It reports whether it did.
func (m *mapper) rename(to, from string) bool {
	v, ok := get(m.raw, strings.Split(from, ".")...)
	if !ok || has(m.doc, to) {
		return false
	}
	set(m.doc, to, v)
	return true
}

// text returns the scalar at a dotted document path rendered as text, the
// way templates and "convert to string" render it.
func (m *mapper) text(path string) (string, bool) {
	return getText(m.doc, strings.Split(path, ".")...)
}

// copyText sets to from the document value at from rendered as text, like a
// set processor with a {{{template}}} value or a convert to string.
func (m *mapper) copyText(to, from string) {
	if s, ok := m.text(from); ok {
		set(m.doc, to, s)
	}
}

func (m *mapper) run(o options) {
	doc := m.doc
	set(doc, "ecs.version", ecsVersion)
	if s, ok := getText(m.raw, "published"); ok {
		if ts, ok := timestamp(s); ok {
			set(doc, "@timestamp", ts)
		}
	}
	set(doc, "event.kind", "event")
	m.rename("okta.display_message", "displayMessage")
	m.rename("okta.event_type", "eventType")
	if et, ok := get(doc, "okta", "event_type"); ok {
		if et, ok := et.(string); ok {
			for _, c := range eventCategories[et] {
				appendUnique(doc, "event.category", c)
			}
			for _, t := range eventTypes[et] {
				appendUnique(doc, "event.type", t)
			}
		}
	}
	m.rename("okta.uuid", "uuid")

	m.rename("okta.actor.alternate_id", "actor.alternateId")
	if s, ok := m.text("okta.actor.alternate_id"); ok {
		if u, ok := userName(s); ok {
			set(doc, "user.name", u)
			set(doc, "source.user.name", u)
			set(doc, "client.user.name", u)
		}
	}
	m.rename("okta.actor.display_name", "actor.displayName")
	m.rename("okta.actor.id", "actor.id")
	m.rename("okta.actor.type", "actor.type")

	m.rename("okta.client.device", "client.device")
	m.rename("okta.device", "device")
	m.decodeEmbeddedJSON("okta.device.device_integrator")
	m.rename("client.geo.location", "client.geographicalContext.geolocation")
	m.rename("client.geo.city_name", "client.geographicalContext.city")
	m.rename("client.geo.region_name", "client.geographicalContext.state")
	m.rename("client.geo.country_name", "client.geographicalContext.country")
	m.rename("okta.client.id", "client.id")
	if v, ok := get(m.raw, "client", "ipAddress"); ok {
		if s, ok := v.(string); ok && isIP(s) {
			set(doc, "okta.client.ip", s)
		}
	}
	m.rename("okta.client.user_agent.browser", "client.userAgent.browser")
	m.rename("okta.client.user_agent.os", "client.userAgent.os")
	m.rename("okta.client.user_agent.raw_user_agent", "client.userAgent.rawUserAgent")
	m.rename("okta.client.zone", "client.zone")
	m.rename("okta.outcome.reason", "outcome.reason")
	m.rename("okta.outcome.result", "outcome.result")
	m.rename("okta.target", "target")
	m.rename("okta.transaction.id", "transaction.id")
	m.rename("okta.transaction.type", "transaction.type")
	m.rename("okta.transaction.detail.request_api_token_id", "transaction.detail.requestApiTokenId")

	m.debugData(o.flattened)

	m.rename("okta.authentication_context.authentication_provider", "authenticationContext.authenticationProvider")
	m.rename("okta.authentication_context.authentication_step", "authenticationContext.authenticationStep")
	m.rename("okta.authentication_context.credential_provider", "authenticationContext.credentialProvider")
	m.rename("okta.authentication_context.credential_type", "authenticationContext.credentialType")
	m.rename("okta.authentication_context.external_session_id", "authenticationContext.externalSessionId")
	// interface lands on the same field, so it only counts when
	// authenticationProvider is absent: the rename fails otherwise.
	m.rename("okta.authentication_context.authentication_provider", "authenticationContext.interface")
	m.rename("okta.authentication_context.issuer", "authenticationContext.issuer")
	m.rename("okta.security_context.as.number", "securityContext.asNumber")
	m.rename("okta.security_context.as.organization.name", "securityContext.asOrg")
	m.rename("okta.security_context.domain", "securityContext.domain")
	m.rename("okta.security_context.is_proxy", "securityContext.isProxy")
	m.rename("okta.security_context.isp", "securityContext.isp")
	m.rename("okta.request.ip_chain", "request.ipChain")
	m.ipChain()

	m.copyText("user_agent.original", "okta.client.user_agent.raw_user_agent")
	if ip, ok := get(doc, "okta", "client", "ip"); ok {
		set(doc, "client.ip", ip)
		set(doc, "source.ip", ip)
	}
	m.copyText("event.action", "okta.event_type")
	m.copyText("client.as.organization.name", "okta.security_context.as.organization.name")
	m.copyText("client.domain", "okta.security_context.domain")
	m.copyText("source.domain", "okta.security_context.domain")
	m.copyText("event.id", "okta.uuid")
	result, _ := m.text("okta.outcome.result")
	set(doc, "event.outcome", outcome(result))

	m.targets()

	m.copyText("client.user.id", "okta.actor.id")
	m.copyText("source.user.id", "okta.actor.id")
	m.copyText("client.user.full_name", "okta.actor.display_name")
	m.copyText("source.user.full_name", "okta.actor.display_name")
	m.copyText("user.full_name", "okta.actor.display_name")
	for _, from := range []string{"okta.actor.display_name", "user.target.full_name", "user.name"} {
		if s, ok := m.text(from); ok {
			appendUnique(doc, "related.user", s)
		}
	}
	if s, ok := m.text("source.ip"); ok {
		appendUnique(doc, "related.ip", s)
	}
}

// decodeEmbeddedJSON replaces the string at path by the JSON it holds, like
// a json processor. A string that is not valid JSON stays as it is.
func (m *mapper) decodeEmbeddedJSON(path string) {
	v, ok := get(m.doc, strings.Split(path, ".")...)
	if !ok {
		return
	}
	if s, ok := v.(string); ok {
		if x, ok := decodeJSON(s); ok {
			set(m.doc, path, x)
		}
	}
}

// targets mirrors the integration's script over okta.target: camelCase keys
// become snake_case (an absent key becomes an explicit null), detailEntry
// keeps only methodTypeUsed and methodUsedVerifiedProperties, and the first
// target of type "user" and of type "usergroup" (any case) feed user.target.
//
// A lone object in place of the array is treated as a one-element array,
// and a target without a type is never selected; the integration's script
// fails on both, flagging the event as a pipeline error.
func (m *mapper) targets() {
	var elems []any
	t, _ := get(m.doc, "okta", "target")
	switch t := t.(type) {
	case []any:
		elems = t
	case map[string]any:
		elems = []any{t}
	default:
		return
	}
	for _, e := range elems {
		t, ok := e.(map[string]any)
		if !ok {
			continue
		}
		t["alternate_id"] = t["alternateId"]
		delete(t, "alternateId")
		t["display_name"] = t["displayName"]
		delete(t, "displayName")
		if de, ok := t["detailEntry"]; ok {
			kept := make(map[string]any)
			if dem, ok := de.(map[string]any); ok {
				for _, k := range []string{"methodTypeUsed", "methodUsedVerifiedProperties"} {
					if v, ok := dem[k]; ok {
						kept[k] = v
					}
				}
			}
			if len(kept) == 0 {
				delete(t, "detailEntry")
			} else {
				t["detailEntry"] = kept
			}
		}
	}
	if u := firstOfType(elems, "user"); u != nil {
		m.copyFrom(u, "display_name", "user.target.full_name")
		m.copyFrom(u, "id", "user.target.id")
		m.copyFrom(u, "login", "user.target.email")
	}
	if g := firstOfType(elems, "usergroup"); g != nil {
		m.copyFrom(g, "display_name", "user.target.group.name")
		m.copyFrom(g, "id", "user.target.group.id")
	}
}

func (m *mapper) copyFrom(obj map[string]any, key, to string) {
	if v, ok := obj[key]; ok && v != nil {
		set(m.doc, to, deepCopy(v))
	}
}

func firstOfType(elems []any, typ string) map[string]any {
	for _, e := range elems {
		if t, ok := e.(map[string]any); ok {
			if s, ok := scalarText(t["type"]); ok && equalFoldASCII(s, typ) {
				return t
			}
		}
	}
	return nil
}

// ipChain renames geographicalContext and its postalCode in every
// okta.request.ip_chain entry; a rename whose target exists is skipped.
func (m *mapper) ipChain() {
	v, _ := get(m.doc, "okta", "request", "ip_chain")
	var elems []any
	switch v := v.(type) {
	case []any:
		elems = v
	case map[string]any:
		elems = []any{v}
	}
	for _, e := range elems {
		entry, ok := e.(map[string]any)
		if !ok {
			continue
		}
		renameKey(entry, "geographicalContext", "geographical_context")
		if gc, ok := entry["geographical_context"].(map[string]any); ok {
			renameKey(gc, "postalCode", "postal_code")
		}
	}
}

// renameKey renames an object key unless the new key is taken.
func renameKey(obj map[string]any, from, to string) {
	v, ok := obj[from]
	if !ok {
		return
	}
	if _, taken := obj[to]; taken {
		return
	}
	obj[to] = v
	delete(obj, from)
}
