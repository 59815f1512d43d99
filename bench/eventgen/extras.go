package eventgen

import (
	"strings"
)

// extra is optional, realistic content an event may carry. Which extras
// an event type can have is decided when it is built; how many it gets
// is decided by the record's target size. This is how record sizes vary
// the way real ones do — some sign-ins carry risk scoring, device
// context or a proxy chain, others do not — instead of through filler.
type extra uint8

const (
	xHop          extra = iota // one more request.ipChain entry (a proxy in front of the client)
	xTunnels                   // debugData.tunnels: the anonymiser Okta recognised
	xDevice                    // the managed-device context
	xDTHash                    // debugData.dtHash
	xFactorIntent              // debugData.factorIntent
	xFingerprint               // debugData.deviceFingerprint
	xAuthnRequest              // debugData.authnRequestId
	xBehaviors                 // debugData.behaviors: Okta's sign-on behaviour detection
	xRisk                      // debugData.risk: Okta's risk scoring
	xLogOnly                   // debugData.logOnlySecurityData: both, as JSON
	xLongURL                   // the full query string of an authorize or SAML request
	xTarget                    // one more target entry
	xTokenDetails              // token lifetime and audience of an OAuth grant
	xRootSession               // authenticationContext.rootSessionId (identity engine)
	xSecurity                  // securityContext: the client's AS and ISP
)

// mark is the state of a logEvent before an extra was applied; extras
// only append or set, so restoring lengths and two fields undoes them.
type mark struct {
	debug, targets, chain int
	device                *deviceContext
	security              *network
	url, rootSession      string
}

func (b *builder) mark() mark {
	m := mark{debug: len(b.ev.debug), targets: len(b.ev.targets), chain: len(b.ev.ipChain), device: b.ev.device,
		rootSession: b.ev.authn.rootSessionID, security: b.ev.security}
	if b.urlIndex >= 0 {
		m.url = b.ev.debug[b.urlIndex].v
	}
	return m
}

func (b *builder) restore(m mark) {
	ev := b.ev
	ev.debug, ev.ipChain, ev.device = ev.debug[:m.debug], ev.ipChain[:m.chain], m.device
	ev.authn.rootSessionID, ev.security = m.rootSession, m.security
	ev.targets = ev.targets[:m.targets]
	if b.urlIndex >= 0 {
		ev.debug[b.urlIndex].v = m.url
	}
}

// apply adds extra x to the event and returns how many bytes it added to
// the raw encoding (exact for debug entries, within a few bytes
// otherwise). It returns 0 when x does not apply.
func (b *builder) apply(x extra) int {
	ev, r, w := b.ev, b.r, b.w
	switch x {
	case xHop:
		place := &cloudPlaces[r.IntN(len(cloudPlaces))]
		h := hop{ip: randomIPv4(r), geo: place}
		ev.ipChain = append(ev.ipChain, h)
		b.scratch = h.appendJSON(b.scratch[:0])
		return len(b.scratch) + 1
	case xTunnels:
		return b.debug("tunnels", `[{"anonymous":true,"operator":"COMMERCIAL_VPN","type":"VPN"}]`)
	case xDevice:
		if b.actorUser == nil || b.actorUser.device == nil || ev.device != nil {
			return 0
		}
		ev.device = b.actorUser.device
		b.scratch = ev.device.appendJSON(b.scratch[:0])
		return len(b.scratch) - len("null")
	case xDTHash:
		if b.actorUser == nil {
			return 0
		}
		return b.debug("dtHash", b.actorUser.dtHash)
	case xFactorIntent:
		return b.debug("factorIntent", "AUTHENTICATION")
	case xFingerprint:
		if b.actorUser == nil {
			return 0
		}
		return b.debug("deviceFingerprint", b.actorUser.fingerprint)
	case xAuthnRequest:
		return b.debug("authnRequestId", b.requestID())
	case xBehaviors:
		return b.debug("behaviors", b.behaviors(", ", "=", "{", "}"))
	case xRisk:
		return b.debug("risk", b.risk())
	case xLogOnly:
		level := "LOW"
		if b.proxied {
			level = "HIGH"
		}
		return b.debug("logOnlySecurityData",
			`{"risk":{"level":"`+level+`"},"behaviors":`+b.behaviors(",", ":", "{", "}")+`}`)
	case xLongURL:
		if b.urlIndex < 0 {
			return 0
		}
		old := ev.debug[b.urlIndex].v
		host := "app"
		if b.app != nil {
			host = strings.ReplaceAll(b.app.label, "_", "-")
		}
		var u string
		if strings.Contains(old, "/sso/saml") {
			// A signed SAML request with the page to return to.
			u = old + "&RelayState=https%3A%2F%2F" + host + "." + w.domain + "%2Fhome%3Fsession%3D" + b.unique(base64ID, 24) +
				"&SigAlg=http%3A%2F%2Fwww.w3.org%2F2001%2F04%2Fxmldsig-more%23rsa-sha256&Signature=" + b.unique(base64ID, 86)
		} else {
			// An OpenID Connect authorization request with PKCE.
			u = old + "&redirect_uri=https%3A%2F%2F" + host + "." + w.domain + "%2Fauthorization-code%2Fcallback" +
				"&state=" + b.unique(base64ID, 32) + "&nonce=" + b.unique(base64ID, 32) +
				"&code_challenge=" + b.unique(base64ID, 43) + "&code_challenge_method=S256"
		}
		ev.debug[b.urlIndex].v = u
		return stringLen(u) - stringLen(old)
	case xTarget:
		var t entity
		switch {
		case b.actorUser != nil && ev.actor.typ == "PublicClientApp":
			p := b.actorUser
			t = entity{id: p.id, typ: "User", alternateID: p.login, displayName: p.name}
		default:
			g := w.groups[r.IntN(len(w.groups))]
			t = entity{id: g.id, typ: "UserGroup", alternateID: "unknown", displayName: g.name}
		}
		ev.targets = append(ev.targets, t)
		b.scratch = t.appendJSON(b.scratch[:0])
		return len(b.scratch) + 1
	case xRootSession:
		if b.actorUser == nil || ev.authn.rootSessionID != "" {
			return 0
		}
		ev.authn.rootSessionID = b.actorUser.rootSession
		return len(`"rootSessionId":,`) + stringLen(ev.authn.rootSessionID)
	case xSecurity:
		if b.security == nil || ev.security != nil {
			return 0
		}
		before := len(appendSecurity(b.scratch[:0], nil))
		ev.security = b.security
		b.scratch = appendSecurity(b.scratch[:0], ev.security)
		return len(b.scratch) - before
	case xTokenDetails:
		return b.debug("tokenLifetimeSeconds", "3600") + b.debug("audience", "api://"+w.slug)
	}
	return 0
}

// debug adds a debugData entry unless the key is already there.
func (b *builder) debug(k, v string) int {
	for _, p := range b.ev.debug {
		if p.k == k {
			return 0
		}
	}
	e := kv{k, v}
	b.ev.debug = append(b.ev.debug, e)
	return kvLen(e)
}

// behaviorNames are the sign-on behaviours Okta evaluates.
var behaviorNames = [...]string{"New Geo-Location", "New Device", "New IP", "New State", "New Country", "Velocity", "New City"}

// behaviors renders Okta's behaviour evaluation, either in its debugData
// text form ({New IP=POSITIVE, ...}) or as JSON. Travel and proxies make
// location behaviours positive, as they would be.
func (b *builder) behaviors(sep, eq, open, close string) string {
	var s strings.Builder
	s.WriteString(open)
	unusual := b.proxied || b.ev.client.geo != nil && b.actorUser != nil && b.ev.client.geo != b.actorUser.home
	for i, name := range behaviorNames {
		if i > 0 {
			s.WriteString(sep)
		}
		v := "NEGATIVE"
		switch {
		case unusual && i != 1 && i != 5:
			v = "POSITIVE"
		case b.r.IntN(40) == 0:
			v = "POSITIVE"
		}
		if eq == ":" {
			s.WriteString(`"` + name + `":"` + v + `"`)
		} else {
			s.WriteString(name + eq + v)
		}
	}
	s.WriteString(close)
	return s.String()
}

// risk renders debugData.risk: mostly low, with reasons when elevated.
func (b *builder) risk() string {
	if b.proxied {
		return "{reasons=Anomalous Location, New ASN, level=HIGH}"
	}
	if b.r.IntN(12) == 0 {
		return "{reasons=" + riskReasons[b.r.IntN(len(riskReasons))] + ", level=MEDIUM}"
	}
	return "{level=LOW}"
}

// trimGeo drops the client's geographical context (in client and the ip
// chain), as Okta does for addresses its geolocation database cannot
// place, and returns the bytes saved. The size planner uses it, before
// anything else, only for events whose essential content would exceed
// SizeMax: in the layouts that repeat every field under long dotted keys,
// location is the largest part of an event that real events can lack.
func (b *builder) trimGeo() int {
	ev := b.ev
	saved := 0
	if ev.client.geo != nil {
		saved += len(appendPlace(b.scratch[:0], ev.client.geo)) - len("null")
		ev.client.geo = nil
	}
	for i := range ev.ipChain {
		if ev.ipChain[i].geo != nil {
			saved += len(appendPlace(b.scratch[:0], ev.ipChain[i].geo)) - len("null")
			ev.ipChain[i].geo = nil
		}
	}
	return saved
}
