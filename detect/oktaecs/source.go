package oktaecs

import (
	"slices"
	"strings"
)

// A Source says where some of an ECS field's values come from in a raw
// LogEvent and how to convert them. A field's values are what its Sources
// give, taken in order:
//
//  1. Walk Path from the LogEvent root, one object key per element (keys
//     match exactly). An array met anywhere on the way, or at the end, is
//     traversed: every element continues the walk. An empty Path reads
//     nothing; Apply is then called once with v == "".
//  2. For every scalar reached, call Apply with its text: strings as they
//     are (unescaped), numbers and booleans as their JSON literal ("0",
//     "false"). Skip null and the empty string: the integration deletes them
//     before mapping anything. Skip objects; they are either not values in
//     the index or covered by another Source of the same field.
//  3. If Else is set, skip this Source when the Sources before it already
//     gave a value: it is the integration's fallback.
//  4. If Distinct is set, drop values the field already has. The
//     integration deduplicates the related.* fields; matching can ignore
//     this, it only matters to reproduce the exact list.
//
// For every field ToECS produces, these steps give the same values as ToECS
// (nulls aside), compared as multisets of text. The exceptions need input
// Okta does not send: an array where Okta sends a scalar (templated and
// converted fields then differ), an object or array where it sends a
// Java-map or JSON string, a raw key spelled both ways (requestId and
// request_id), or raw keys containing dots, spaces or dashes (see Sources).
type Source struct {
	// Path is the sequence of keys from the LogEvent root.
	Path []string

	// Conv converts each raw value.
	Conv Conv

	// Key parameterises the conversions that pick one entry out of a
	// structured string (JSON, KV, Risk and their variants): the entry's name,
	// or a dotted path for JSON. It is empty otherwise.
	Key string

	// Pick, when its Key is set, narrows the value at Path[0] to one
	// element: the first array element whose member Pick.Key, as text,
	// equals Pick.Value ignoring ASCII case. A value that is not an array is
	// its own single element. It reproduces user.target, taken from the
	// first target of type "User".
	Pick Pick

	// Else marks a fallback: see the type documentation.
	Else bool

	// Distinct marks values deduplicated against the field's earlier ones.
	Distinct bool
}

// Pick selects an array element by the value of one of its members.
type Pick struct {
	Key, Value string
}

// Apply appends the ECS value(s) for the raw value v and returns the
// extended dst. Like Conv.Apply, it does not allocate when dst has room,
// except where the Conv's documentation says otherwise.
func (s Source) Apply(dst []string, v string) []string {
	return s.Conv.apply(dst, v, s.Key)
}

// Sources returns where the values of an ECS field come from in a raw
// LogEvent, or nil when the integration never fills the field from the raw
// event: fields that need external data (source.geo.*, source.as.*,
// user_agent.* other than user_agent.original), fixed values (see Constant),
// and fields it does not know.
//
// Nested fields resolve as deep as the raw data goes: okta.target.id,
// okta.device.os_platform, okta.debug_context.debug_data.flattened.<key>
// (key as Okta spells it), okta.debug_context.debug_data.<key> (the
// non-flattened layout, key with spaces and dashes as underscores). The
// result describes both debug data layouts at once, so it may name raw
// values for a field that the layout ToECS was asked for does not produce.
// Raw keys that themselves contain dots, spaces or dashes are only matched
// inside the structured strings the Conv values parse.
//
// The result is new on every call; computing it allocates.
func Sources(field string) []Source {
	if _, ok := constants[field]; ok {
		return nil
	}
	if srcs, ok := fieldSources[field]; ok {
		return cloneSources(srcs)
	}
	for prefix, fn := range subtreeSources {
		if field == prefix {
			return fn(nil)
		}
		if rest, ok := strings.CutPrefix(field, prefix+"."); ok {
			return fn(strings.Split(rest, "."))
		}
	}
	for _, r := range renames {
		if field == r.ecs {
			return []Source{{Path: r.raw()}}
		}
		if rest, ok := strings.CutPrefix(field, r.ecs+"."); ok {
			return []Source{{Path: r.raw(strings.Split(rest, ".")...)}}
		}
	}
	return nil
}

// Constant returns the values a field has for every Okta event, and
// ok=false for any other field. Of these, the pipeline itself writes
// ecs.version and event.kind (ToECS includes them); event.module and
// event.dataset are constant_keyword values of the integration's index
// template, and data_stream.type and data_stream.dataset name the data
// stream Elastic Agent writes to (none of these four is in the document, so
// an alert builder that wants them must add them). data_stream.namespace is
// a deployment choice and has no constant.
func Constant(field string) (values []string, ok bool) {
	v, ok := constants[field]
	return slices.Clone(v), ok
}

var constants = map[string][]string{
	"ecs.version":         {ecsVersion},
	"event.kind":          {"event"},
	"event.module":        {"okta"},
	"event.dataset":       {"okta.system"},
	"data_stream.type":    {"logs"},
	"data_stream.dataset": {"okta.system"},
}

// cloneSources copies a table entry so that callers own what they get.
func cloneSources(srcs []Source) []Source {
	out := make([]Source, len(srcs))
	for i, s := range srcs {
		s.Path = slices.Clone(s.Path)
		out[i] = s
	}
	return out
}

func path(p ...string) []string { return p }

var (
	actorName = []Source{{Path: path("actor", "alternateId"), Conv: UserName}}
	clientIP  = []Source{{Path: path("client", "ipAddress"), Conv: IP}}
	pickUser  = Pick{Key: "type", Value: "user"}
	pickGroup = Pick{Key: "type", Value: "usergroup"}
)

// fieldSources are the fields filled by conversions, templates and scripts:
// their sources are fixed and they have no subfields.
var fieldSources = map[string][]Source{
	"@timestamp":     {{Path: path("published"), Conv: Timestamp}},
	"event.id":       {{Path: path("uuid")}},
	"event.action":   {{Path: path("eventType")}},
	"event.category": {{Path: path("eventType"), Conv: Category}},
	"event.type":     {{Path: path("eventType"), Conv: Type}},
	"event.outcome": {
		{Path: path("outcome", "result"), Conv: Outcome},
		{Conv: Outcome, Else: true}, // no result at all: "unknown"
	},
	"user.name":             actorName,
	"source.user.name":      actorName,
	"client.user.name":      actorName,
	"user.full_name":        {{Path: path("actor", "displayName")}},
	"client.user.full_name": {{Path: path("actor", "displayName")}},
	"source.user.full_name": {{Path: path("actor", "displayName")}},
	"client.user.id":        {{Path: path("actor", "id")}},
	"source.user.id":        {{Path: path("actor", "id")}},
	"okta.client.ip":        clientIP,
	"client.ip":             clientIP,
	"source.ip":             clientIP,
	"related.ip":            {{Path: path("client", "ipAddress"), Conv: IP, Distinct: true}},
	"related.user": {
		{Path: path("actor", "displayName"), Distinct: true},
		{Path: path("target", "displayName"), Pick: pickUser, Distinct: true},
		{Path: path("actor", "alternateId"), Conv: UserName, Distinct: true},
	},
	"user_agent.original":         {{Path: path("client", "userAgent", "rawUserAgent")}},
	"client.as.organization.name": {{Path: path("securityContext", "asOrg")}},
	"client.domain":               {{Path: path("securityContext", "domain")}},
	"source.domain":               {{Path: path("securityContext", "domain")}},
}

// subtreeSources handle fields whose subfields need more than a key
// rename. The functions get the field's path below the prefix.
var subtreeSources = map[string]func(rest []string) []Source{
	"okta.target":                   targetSources,
	"okta.request.ip_chain":         ipChainSources,
	"okta.device":                   deviceSources,
	"okta.debug_context.debug_data": debugSources,
	"user.target":                   userTargetSources,
	"okta.authentication_context.authentication_provider": func(rest []string) []Source {
		return []Source{
			{Path: append(path("authenticationContext", "authenticationProvider"), rest...)},
			{Path: append(path("authenticationContext", "interface"), rest...), Else: true},
		}
	},
}

// rename is a subtree the integration moves from raw to ecs unchanged.
type rename struct {
	ecs string
	raw func(rest ...string) []string
}

func renamed(ecs string, raw ...string) rename {
	return rename{ecs, func(rest ...string) []string {
		return append(slices.Clip(slices.Clone(raw)), rest...)
	}}
}

var renames = []rename{
	renamed("okta.display_message", "displayMessage"),
	renamed("okta.event_type", "eventType"),
	renamed("okta.uuid", "uuid"),
	renamed("okta.actor.alternate_id", "actor", "alternateId"),
	renamed("okta.actor.display_name", "actor", "displayName"),
	renamed("okta.actor.id", "actor", "id"),
	renamed("okta.actor.type", "actor", "type"),
	renamed("okta.client.device", "client", "device"),
	renamed("client.geo.location", "client", "geographicalContext", "geolocation"),
	renamed("client.geo.city_name", "client", "geographicalContext", "city"),
	renamed("client.geo.region_name", "client", "geographicalContext", "state"),
	renamed("client.geo.country_name", "client", "geographicalContext", "country"),
	renamed("okta.client.id", "client", "id"),
	renamed("okta.client.user_agent.browser", "client", "userAgent", "browser"),
	renamed("okta.client.user_agent.os", "client", "userAgent", "os"),
	renamed("okta.client.user_agent.raw_user_agent", "client", "userAgent", "rawUserAgent"),
	renamed("okta.client.zone", "client", "zone"),
	renamed("okta.outcome.reason", "outcome", "reason"),
	renamed("okta.outcome.result", "outcome", "result"),
	renamed("okta.transaction.id", "transaction", "id"),
	renamed("okta.transaction.type", "transaction", "type"),
	renamed("okta.transaction.detail.request_api_token_id", "transaction", "detail", "requestApiTokenId"),
	renamed("okta.authentication_context.authentication_step", "authenticationContext", "authenticationStep"),
	renamed("okta.authentication_context.credential_provider", "authenticationContext", "credentialProvider"),
	renamed("okta.authentication_context.credential_type", "authenticationContext", "credentialType"),
	renamed("okta.authentication_context.external_session_id", "authenticationContext", "externalSessionId"),
	renamed("okta.authentication_context.issuer", "authenticationContext", "issuer"),
	renamed("okta.security_context.as.number", "securityContext", "asNumber"),
	renamed("okta.security_context.as.organization.name", "securityContext", "asOrg"),
	renamed("okta.security_context.domain", "securityContext", "domain"),
	renamed("okta.security_context.is_proxy", "securityContext", "isProxy"),
	renamed("okta.security_context.isp", "securityContext", "isp"),
}

func targetSources(rest []string) []Source {
	if len(rest) == 0 {
		return []Source{{Path: path("target")}}
	}
	switch rest[0] {
	case "alternate_id":
		return []Source{{Path: append(path("target", "alternateId"), rest[1:]...)}}
	case "display_name":
		return []Source{{Path: append(path("target", "displayName"), rest[1:]...)}}
	case "alternateId", "displayName":
		return nil // renamed away
	case "detailEntry":
		if len(rest) == 1 || rest[1] != "methodTypeUsed" && rest[1] != "methodUsedVerifiedProperties" {
			return nil // the only entries kept
		}
	}
	return []Source{{Path: append(path("target"), rest...)}}
}

// userTargetSources: user.target.* is copied from the first target of type
// "User", user.target.group.* from the first of type "UserGroup".
func userTargetSources(rest []string) []Source {
	if len(rest) == 0 {
		return nil
	}
	pick, key, rest := pickUser, rest[0], rest[1:]
	if key == "group" {
		if len(rest) == 0 {
			return nil
		}
		pick, key, rest = pickGroup, rest[0], rest[1:]
	}
	var raw string
	switch {
	case key == "full_name" && pick == pickUser, key == "name" && pick == pickGroup:
		raw = "displayName"
	case key == "id":
		raw = "id"
	case key == "email" && pick == pickUser:
		raw = "login"
	default:
		return nil
	}
	return []Source{{Path: append(path("target", raw), rest...), Pick: pick}}
}

func ipChainSources(rest []string) []Source {
	if len(rest) == 0 {
		return []Source{{Path: path("request", "ipChain")}}
	}
	switch rest[0] {
	case "geographicalContext":
		return nil
	case "geographical_context":
		gc := path("request", "ipChain", "geographicalContext")
		if len(rest) > 1 {
			switch rest[1] {
			case "postalCode":
				return nil
			case "postal_code":
				return []Source{{Path: append(append(gc, "postalCode"), rest[2:]...)}}
			}
		}
		return []Source{{Path: append(gc, rest[1:]...)}}
	}
	return []Source{{Path: append(path("request", "ipChain"), rest...)}}
}

func deviceSources(rest []string) []Source {
	if len(rest) > 0 && rest[0] == "device_integrator" {
		return embeddedJSONSources(path("device", "device_integrator"), rest[1:], JSON)
	}
	return []Source{{Path: append(path("device"), rest...)}}
}

// embeddedJSONSources covers a raw string holding JSON: the JSON conversion
// looks inside it, and a plain path covers events carrying an object there
// instead (the json processor then leaves it alone).
func embeddedJSONSources(raw, rest []string, conv Conv) []Source {
	srcs := []Source{{Path: raw, Conv: conv, Key: strings.Join(rest, ".")}}
	if len(rest) > 0 {
		srcs = append(srcs, Source{Path: append(slices.Clip(raw), rest...)})
	}
	return srcs
}
