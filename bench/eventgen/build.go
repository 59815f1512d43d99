package eventgen

import (
	"math/rand/v2"
	"strconv"
	"strings"
	"time"
)

// builder fills a logEvent for a spec from the generator's world. It
// writes the event's essential content and lists the optional content
// (extras) the size planner may add to reach the record's target size.
type builder struct {
	r      *rand.Rand
	w      *world
	ev     *logEvent
	extras []extra

	// uniques are the per-event random strings written so far (request
	// ids, token ids, nonces), and expires the token expiry, if any: what
	// a repeat of this event must replace (see repeat.go).
	uniques []uniqueString
	expires time.Time

	app       *application // the application the event is about, if any
	actorUser *person      // the person acting, when there is one
	security  *network     // the network xSecurity would report
	proxied   bool         // the request came through an anonymising proxy
	urlIndex  int          // index of debugData.url, -1 when absent
	scratch   []byte
}

// build writes the event of type s published at t into b.ev.
func (b *builder) build(s *spec, t time.Time, uuid string) {
	ev, r := b.ev, b.r
	ev.reset()
	b.extras = b.extras[:0]
	b.app, b.actorUser, b.security, b.proxied, b.urlIndex = nil, nil, nil, false, -1
	b.uniques, b.expires = b.uniques[:0], time.Time{}

	ev.uuid = uuid
	ev.published = t
	ev.eventType = s.typ
	ev.legacyType = s.legacy
	ev.displayMessage = s.message
	ev.severity = s.severity
	o := s.outcomes[pickOutcome(r, s.outcomes)]
	ev.outcome.result, ev.outcome.reason = o.result, o.reason
	if o.severity != "" {
		ev.severity = o.severity
	}
	if o.legacy != "" {
		ev.legacyType = o.legacy
	}

	switch s.fam {
	case famSignOn:
		b.signOn(s)
	case famSSO:
		b.sso(s)
	case famToken:
		b.token(s)
	case famSession:
		b.session(s)
	case famAdmin:
		b.admin(s)
	default:
		b.system(s)
	}
	r.Shuffle(len(b.extras), func(i, j int) { b.extras[i], b.extras[j] = b.extras[j], b.extras[i] })
}

func pickOutcome(r *rand.Rand, os []outcome) int {
	if len(os) == 1 {
		return 0
	}
	total := 0.0
	for _, o := range os {
		total += o.weight
	}
	x := r.Float64() * total
	for i, o := range os {
		if x < o.weight {
			return i
		}
		x -= o.weight
	}
	return len(os) - 1
}

// person picks an acting user and sets actor, client, network and
// session context from their usual whereabouts, with the occasional
// deviation real traffic shows: roaming IPs, travel, anonymising proxies.
func (b *builder) person(p *person) {
	ev, r := b.ev, b.r
	b.actorUser = p
	ev.actor = entity{id: p.id, typ: "User", alternateID: p.login, displayName: p.name}
	ua, geo, net, ip := p.ua, p.home, p.net, p.ip
	zone := "null"
	switch x := r.IntN(1000); {
	case x < 15: // anonymising VPN or proxy
		b.proxied = true
		net = &hostedNetworks[3+r.IntN(len(hostedNetworks)-3)]
		geo = &cloudPlaces[r.IntN(len(cloudPlaces))]
		ip = randomIPv4(r)
	case x < 50: // travelling
		geo = &places[r.IntN(len(places))]
		net = &homeNetworks[r.IntN(len(homeNetworks))]
		ip = randomIPv4(r)
	case x < 60: // a second device
		ua = &browserAgents[r.IntN(len(browserAgents))]
	case x < 180: // roaming within the home network
		ip = randomIPv4(r)
	case x < 450:
		zone = "Corporate Offices"
	}
	ev.client = clientContext{ua: ua, zone: zone, device: ua.device, ip: ip, geo: geo}
	if b.proxied {
		ev.security = net // what makes a proxy a proxy to Okta
	} else {
		b.security = net
		b.extras = append(b.extras, xSecurity)
	}
	ev.ipChain = append(ev.ipChain, hop{ip: ip, geo: geo})
	ev.authn.externalSessionID = p.session
	if p.rootSession != "" {
		b.extras = append(b.extras, xRootSession)
	}
	if b.proxied {
		b.extras = append(b.extras, xTunnels, xHop)
	}
	// Corporate egress proxies and CDNs in front of the client.
	b.extras = append(b.extras, xHop, xHop)
	if p.device != nil && b.w.identityEngine {
		b.extras = append(b.extras, xDevice)
	}
}

// web adds what every request through Okta's web tier has: a request id
// shared with the transaction, the request URI and URL.
func (b *builder) web(uri, query string) {
	ev := b.ev
	id := b.requestID()
	ev.txn.typ, ev.txn.id = "WEB", id
	ev.debug = append(ev.debug, kv{"requestId", id}, kv{"requestUri", uri})
	b.urlIndex = len(ev.debug)
	ev.debug = append(ev.debug, kv{"url", uri + "?" + query})
}

// threat adds debugData.threatSuspected, true for a sliver of requests
// (ThreatInsight flags, always for anonymising proxies some of the time).
func (b *builder) threat() {
	v := "false"
	if b.r.IntN(2000) == 0 || (b.proxied && b.r.IntN(10) == 0) {
		v = "true"
	}
	b.ev.debug = append(b.ev.debug, kv{"threatSuspected", v})
}

// dtHash offers the device token hash Okta records for browser
// sign-ins (mostly in identity-engine orgs).
func (b *builder) dtHash() {
	if b.actorUser != nil {
		b.extras = append(b.extras, xDTHash)
	}
}

func (b *builder) signOn(s *spec) {
	ev, r, w := b.ev, b.r, b.w
	p := &w.users[w.userPick.pick(r)]
	if s.typ == "user.session.start" && ev.outcome.result == "SUCCESS" {
		w.newSession(r, p)
	}
	b.person(p)
	if s.typ == "user.session.start" {
		b.sessionIsUnique(p)
	}
	fi := w.factors.pick(r)
	f := factorTypes[fi]
	var uri, query string
	switch s.typ {
	case "user.session.start", "user.account.lock":
		ev.authn.provider, ev.authn.credentialType = "OKTA_AUTHENTICATION_PROVIDER", "PASSWORD"
		if w.identityEngine {
			uri, query = "/idp/idx/identify", ""
		} else {
			uri, query = "/api/v1/authn", ""
		}
	case "policy.evaluate_sign_on":
		uri, query = "/idp/idx/identify", ""
		if !w.identityEngine {
			uri = "/api/v1/authn"
		}
	case "user.authentication.auth_via_mfa", "user.authentication.verify", "user.mfa.okta_verify.deny_push":
		ev.authn.provider, ev.authn.credentialProvider = "FACTOR_PROVIDER", "OKTA_CREDENTIAL_PROVIDER"
		if f.factor == "OKTA_VERIFY_PUSH" || s.typ == "user.mfa.okta_verify.deny_push" {
			uri, query = "/idp/idx/authenticators/poll", ""
		} else {
			uri, query = "/idp/idx/challenge/answer", ""
		}
		if !w.identityEngine {
			fid := oktaID(r, "opf", w.cell)
			uri = "/api/v1/authn/factors/" + fid + "/verify"
			query = "rememberDevice=false"
		}
		ev.debug = append(ev.debug, kv{"factor", f.factor})
		b.extras = append(b.extras, xFactorIntent)
	case "user.authentication.auth_via_richclient":
		ev.client.ua = &richClientAgents[r.IntN(len(richClientAgents))]
		ev.client.device = ev.client.ua.device
		uri, query = "/api/v1/authn", ""
	case "user.authentication.auth_via_IDP":
		ev.authn.issuerID, ev.authn.issuerType = "https://idp.partner.example/saml2", "SAML2"
		ev.authn.provider = "FEDERATION"
		uri, query = "/sso/saml2/"+oktaID(r, "0oa", w.cell), "RelayState="+b.unique(base64ID, 16)
	case "device.user.add":
		uri, query = "/idp/authenticators", ""
	case "user.account.update_password":
		uri, query = "/api/v1/users/"+p.id+"/credentials/change_password", ""
	case "system.email.password_reset.sent_message":
		uri, query = "/api/v1/authn/recovery/password", ""
	case "user.account.report_suspicious_activity_by_enduser":
		uri, query = "/api/v1/users/"+p.id+"/report", ""
		ev.debug = append(ev.debug,
			kv{"suspiciousActivityEventType", "system.email.new_device_notification.sent_message"},
			kv{"suspiciousActivityEventCity", places[r.IntN(len(places))].city},
			kv{"suspiciousActivityEventIp", randomIPv4(r)})
	default: // push, sms, factor enrolment
		uri, query = "/idp/idx/challenge", ""
		if strings.HasPrefix(s.typ, "user.mfa.factor") {
			uri = "/idp/idx/credential/enroll"
		}
	}
	b.web(uri, query)
	b.threat()
	b.dtHash()
	b.targetsFor(s, p, fi)
	b.extras = append(b.extras, xFingerprint, xAuthnRequest, xBehaviors, xRisk, xLogOnly)
}

func (b *builder) sso(s *spec) {
	ev, r, w := b.ev, b.r, b.w
	p := &w.users[w.userPick.pick(r)]
	b.person(p)
	app := &w.apps[w.appPick.pick(r)]
	b.app = app
	var uri, query, mode string
	switch app.signOn {
	case "OPENID_CONNECT":
		uri, mode = "/oauth2/v1/authorize", "OpenID Connect"
		query = "client_id=" + app.id + "&response_type=code&scope=openid+profile+email"
		b.extras = append(b.extras, xLongURL)
	case "WS_FEDERATION":
		uri, mode = "/app/"+app.label+"/"+app.id+"/sso/wsfed/passive", "WS-Federation"
		query = "wa=wsignin1.0&wtrealm=urn%3afederation%3aMicrosoftOnline"
	case "BOOKMARK", "BROWSER_PLUGIN":
		uri, mode = "/home/"+app.label+"/"+app.id+"/"+strconv.Itoa(100+r.IntN(900)), "Secure Web Authentication"
		if app.signOn == "BOOKMARK" {
			mode = "Bookmark"
		}
		query = "fromHome=true"
	default:
		uri, mode = "/app/"+app.label+"/"+app.id+"/sso/saml", "SAML 2.0"
		query = "SAMLRequest=" + b.unique(base64ID, 48)
		b.extras = append(b.extras, xLongURL)
	}
	initiation := "SP_INITIATED"
	if r.IntN(3) == 0 {
		initiation = "IDP_INITIATED"
		query = "fromHome=true"
	}
	ev.debug = append(ev.debug, kv{"initiationType", initiation}, kv{"signOnMode", mode})
	b.web(uri, query)
	b.threat()
	b.dtHash()
	ev.targets = append(ev.targets, b.appInstance(app))
	if len(s.targets) > 1 {
		ev.targets = append(ev.targets, entity{id: oktaID(r, "0ua", w.cell), typ: "AppUser", alternateID: p.login, displayName: p.name})
	}
	b.extras = append(b.extras, xBehaviors, xRisk, xAuthnRequest)
}

func (b *builder) token(s *spec) {
	ev, r, w := b.ev, b.r, b.w
	authz := &w.authz[r.IntN(len(w.authz))]
	grant, tokenType, tokenName, prefix := "authorization_code", "access_token", "Access Token", "AT."
	switch s.typ {
	case "app.oauth2.as.token.grant.id_token":
		tokenType, tokenName, prefix = "id_token", "ID Token", "ID."
	case "app.oauth2.as.token.grant.refresh_token":
		grant, tokenType, tokenName, prefix = "refresh_token", "refresh_token", "Refresh Token", "RT."
	case "app.oauth2.as.authorize.code":
		tokenType, tokenName, prefix = "authorization_code", "Authorization Code", "AC."
	}
	var subject, scopes string
	if s.typ == "app.oauth2.as.token.grant" {
		// Machine-to-machine: a service client with its own credentials.
		c := &w.services[r.IntN(len(w.services))]
		grant, subject, scopes = "client_credentials", c.id, c.scopes
		ev.actor = entity{id: c.id, typ: "PublicClientApp", alternateID: c.name, displayName: c.name}
		ev.client = clientContext{ua: c.ua, zone: "null", device: c.ua.device, id: c.id, ip: c.ip, geo: c.place}
		ev.security = c.net
		ev.ipChain = append(ev.ipChain, hop{ip: c.ip, geo: c.place})
		ev.authn.externalSessionID = "unknown"
		if ev.outcome.result == "FAILURE" && ev.outcome.reason == "no_matching_scope" {
			scopes = "okta.users.manage"
		}
		auth := "private_key_jwt"
		if r.IntN(3) == 0 {
			auth = "client_secret_basic"
		}
		ev.debug = append(ev.debug, kv{"grantType", grant}, kv{"clientAuthType", auth})
	} else {
		// A person using an OIDC application: the app is the actor.
		p := &w.users[w.userPick.pick(r)]
		b.person(p)
		app := b.oidcApp()
		b.app = app
		ev.actor = entity{id: app.id, typ: "PublicClientApp", alternateID: app.name, displayName: app.name}
		ev.client.id = app.id
		subject, scopes = p.id, "openid profile email"
		if r.IntN(4) == 0 {
			scopes += " offline_access"
		}
		ev.debug = append(ev.debug, kv{"grantType", grant})
		b.extras = append(b.extras, xTarget)
	}
	ev.debug = append(ev.debug, kv{"requestedScopes", scopes})
	if ev.outcome.result == "SUCCESS" {
		ev.debug = append(ev.debug, kv{"grantedScopes", scopes})
	}
	uri := "/oauth2/" + authz.id + "/v1/token"
	query := ""
	if s.typ == "app.oauth2.as.authorize.code" {
		uri = "/oauth2/" + authz.id + "/v1/authorize"
		query = "client_id=" + ev.actor.id + "&response_type=code&response_mode=query"
		b.extras = append(b.extras, xLongURL)
	}
	b.web(uri, query)
	if ev.outcome.result == "SUCCESS" {
		b.expires = ev.published.Add(time.Hour)
		exp := b.expires.UTC().Format(timeMillis)
		ev.targets = append(ev.targets, entity{
			id: prefix + b.unique(base64ID, 43), typ: tokenType, alternateID: authz.name, displayName: tokenName,
			detail: []kv{{"expires", exp}, {"subject", subject}, {"hash", b.unique(base64ID, 22)}},
		})
	}
	b.extras = append(b.extras, xHop, xTokenDetails)
}

// oidcApp returns one of the org's OpenID Connect applications.
func (b *builder) oidcApp() *application {
	for range 8 {
		a := &b.w.apps[b.w.appPick.pick(b.r)]
		if a.signOn == "OPENID_CONNECT" {
			return a
		}
	}
	for i := range b.w.apps {
		if b.w.apps[i].signOn == "OPENID_CONNECT" {
			return &b.w.apps[i]
		}
	}
	return &b.w.apps[0]
}

func (b *builder) session(s *spec) {
	ev, r, w := b.ev, b.r, b.w
	var p *person
	if s.typ == "user.session.access_admin_app" && ev.outcome.result == "SUCCESS" {
		p = &w.users[w.admins[r.IntN(len(w.admins))]]
	} else {
		p = &w.users[w.userPick.pick(r)]
	}
	b.person(p)
	if s.typ == "user.session.end" {
		b.sessionIsUnique(p)
		b.web("/login/signout", "message=login_page_messages.session_has_expired")
		b.extras = append(b.extras, xAuthnRequest)
	} else {
		b.web("/admin/sso/callback", "code="+b.unique(base64ID, 43)+"&state="+b.unique(base64ID, 32))
		ev.targets = append(ev.targets, b.adminConsole())
	}
	b.threat()
	b.dtHash()
	b.extras = append(b.extras, xBehaviors)
}

func (b *builder) admin(s *spec) {
	ev, r, w := b.ev, b.r, b.w
	admin := &w.users[w.admins[r.IntN(len(w.admins))]]
	b.person(admin)
	viaAPI := r.IntN(10) < 3 // automation with an API token rather than the console
	if viaAPI {
		ua := &serviceAgents[r.IntN(len(serviceAgents))]
		ev.client.ua, ev.client.device = ua, ua.device
		ev.txn.detail = append(ev.txn.detail, kv{"requestApiTokenId", oktaID(r, "00T", w.cell)})
	}
	b.targetsFor(s, nil, w.factors.pick(r))
	uri := adminPath(s.typ, ev.targets)
	if !viaAPI {
		uri = "/admin" + strings.TrimPrefix(uri, "/api/v1")
	}
	b.web(uri, "")
	if s.typ == "group.privilege.grant" || s.typ == "user.account.privilege.grant" {
		ev.debug = append(ev.debug, kv{"privilegeGranted", adminRoles[r.IntN(len(adminRoles))]})
	}
	b.dtHash()
	// Bulk changes act on several groups at once.
	b.extras = append(b.extras, xTarget, xTarget, xTarget, xFingerprint)
}

func (b *builder) system(s *spec) {
	ev, r, w := b.ev, b.r, b.w
	switch s.typ {
	case "security.threat.detected":
		// An unauthenticated client ThreatInsight blocked.
		b.proxied = true
		ua := &serviceAgents[2]
		place := &cloudPlaces[r.IntN(len(cloudPlaces))]
		ip := randomIPv4(r)
		ev.actor = entity{id: "unknown", typ: "User", alternateID: "unknown", displayName: "unknown"}
		ev.client = clientContext{ua: ua, zone: "null", device: ua.device, ip: ip, geo: place}
		ev.security = &hostedNetworks[3+r.IntN(len(hostedNetworks)-3)]
		ev.ipChain = append(ev.ipChain, hop{ip: ip, geo: place})
		ev.authn.externalSessionID = "unknown"
		b.web("/api/v1/authn", "")
		ev.debug = append(ev.debug, kv{"threatSuspected", "true"},
			kv{"threatDetections", `{"Password Spray":"HIGH","Login failures":"MEDIUM"}`})
		b.extras = append(b.extras, xTunnels, xHop)
	case "system.org.rate_limit.warning":
		ev.actor = w.system
		ev.txn.typ, ev.txn.id = "WEB", b.requestID()
		ev.debug = append(ev.debug, kv{"requestId", ev.txn.id}, kv{"rateLimitBucketUri", "/api/v1/users"},
			kv{"rateLimitScopeType", "ORG"}, kv{"rateLimitSecondsToReset", strconv.Itoa(1 + r.IntN(59))},
			kv{"threshold", "60"})
	default: // provisioning job
		ev.actor = w.system
		ev.txn.typ, ev.txn.id = "JOB", "wrk"+randString(r, base62, 17)
		ev.authn.externalSessionID = randString(r, "0123456789abcdefghijklmnopqrstuvwxyz", 32)
		b.targetsFor(s, &w.users[w.userPick.pick(r)], 0)
		ev.debug = append(ev.debug, kv{"pushProfileChangesToApp", "true"})
		b.extras = append(b.extras, xTarget, xTarget, xTarget)
	}
}

// targetsFor appends the spec's targets. subject is the user the event
// is about (nil: pick one); factor indexes factorTypes.
func (b *builder) targetsFor(s *spec, subject *person, factor int) {
	ev, r, w := b.ev, b.r, b.w
	if subject == nil {
		subject = &w.users[r.IntN(len(w.users))]
	}
	var pol *policy // a rule target belongs to the policy target, if any
	for _, k := range s.targets {
		switch k {
		case tUser:
			ev.targets = append(ev.targets, entity{id: subject.id, typ: "User", alternateID: subject.login, displayName: subject.name})
		case tAppInstance:
			ev.targets = append(ev.targets, b.appInstance(&w.apps[w.appPick.pick(r)]))
		case tAppUser:
			ev.targets = append(ev.targets, entity{id: oktaID(r, "0ua", w.cell), typ: "AppUser", alternateID: subject.login, displayName: subject.name})
		case tGroup:
			g := w.groups[r.IntN(len(w.groups))]
			ev.targets = append(ev.targets, entity{id: g.id, typ: "UserGroup", alternateID: "unknown", displayName: g.name})
		case tAppGroup:
			g := w.groups[r.IntN(len(w.groups))]
			ev.targets = append(ev.targets, entity{id: oktaID(r, "0oG", w.cell), typ: "AppGroup", alternateID: g.name, displayName: g.name})
		case tPolicy:
			pol = &w.policies[r.IntN(len(w.policies))]
			ev.targets = append(ev.targets, entity{id: pol.id, typ: "PolicyEntity", alternateID: "unknown", displayName: pol.name,
				detail: []kv{{"policyType", pol.kind}}})
		case tPolicyRule:
			if pol == nil {
				pol = &w.policies[r.IntN(len(w.policies))]
			}
			rule := pol.rules[r.IntN(len(pol.rules))]
			ev.targets = append(ev.targets, entity{id: rule.id, typ: "PolicyRule", alternateID: pol.id, displayName: rule.name})
		case tZone:
			z := w.zones[r.IntN(len(w.zones))]
			ev.targets = append(ev.targets, entity{id: z.id, typ: "NetworkZone", alternateID: "unknown", displayName: z.name,
				detail: []kv{{"zoneType", "IP"}, {"zoneUsage", "POLICY"}}})
		case tAuthenticator:
			f := factorTypes[factor]
			ev.targets = append(ev.targets, entity{id: oktaID(r, "pfd", w.cell), typ: "AuthenticatorEnrollment", alternateID: "unknown",
				displayName: f.authenticator, detail: []kv{{"methodTypeUsed", f.factor}, {"methodUsedVerifiedProperties", "[USER_VERIFYING, HARDWARE_PROTECTED]"}}})
		case tDevice:
			ua := b.ev.client.ua
			if ua == nil {
				ua = &browserAgents[0]
			}
			d := newDevice(r, ua, w.cell)
			ev.targets = append(ev.targets, entity{id: d.id, typ: "UDDevice", alternateID: "unknown", displayName: d.name,
				detail: []kv{{"deviceStatus", "CREATED"}, {"managed", strconv.FormatBool(d.managed)}, {"osPlatform", d.platform}, {"osVersion", d.version}}})
		case tAPIToken:
			ev.targets = append(ev.targets, entity{id: oktaID(r, "00T", w.cell), typ: "Token", alternateID: "unknown", displayName: "terraform-" + randString(r, base62[:36], 6)})
		case tAdminConsole:
			ev.targets = append(ev.targets, b.adminConsole())
		case tRole:
			ev.targets = append(ev.targets, entity{id: oktaID(r, "ra1", w.cell), typ: "ROLE", alternateID: "unknown", displayName: adminRoles[r.IntN(len(adminRoles))]})
		case tToken:
			// Written by token(): it knows the grant.
		}
	}
}

func (b *builder) appInstance(a *application) entity {
	return entity{id: a.id, typ: "AppInstance", alternateID: a.name, displayName: a.name,
		detail: []kv{{"signOnModeType", a.signOn}}}
}

func (b *builder) adminConsole() entity {
	for i := range b.w.apps {
		if b.w.apps[i].label == "saasure" {
			return b.appInstance(&b.w.apps[i])
		}
	}
	return b.appInstance(&b.w.apps[0])
}

// adminPath returns the management API path an administrative event's
// request went to: the collection of the type's resource, the target of
// that kind, and the user for membership changes
// (/api/v1/groups/{group}/users/{user}).
func adminPath(typ string, targets []entity) string {
	coll := resource(typ)
	kind := map[string]string{"users": "User", "groups": "UserGroup", "apps": "AppInstance",
		"policies": "PolicyEntity", "zones": "NetworkZone", "api-tokens": "Token"}[coll]
	var id, user string
	for _, t := range targets {
		if t.typ == kind && id == "" {
			id = t.id
		}
		if t.typ == "User" && user == "" {
			user = t.id
		}
	}
	if id == "" && len(targets) > 0 {
		id = targets[0].id
	}
	p := "/api/v1/" + coll
	if id != "" {
		p += "/" + id
	}
	if strings.Contains(typ, "user_membership") && user != "" && user != id {
		p += "/users/" + user
	}
	return p
}

// resource returns the REST collection an administrative event type acts
// on ("group.user_membership.add" → "groups").
func resource(typ string) string {
	head, _, _ := strings.Cut(typ, ".")
	switch head {
	case "application":
		return "apps"
	case "policy":
		return "policies"
	case "system":
		return "api-tokens"
	case "user", "group", "zone":
		return head + "s"
	}
	return head
}

// unique returns a random string that identifies this event alone and
// records it for repeats.
func (b *builder) unique(alphabet string, n int) string {
	v := randString(b.r, alphabet, n)
	b.uniques = append(b.uniques, uniqueString{v, alphabet, 0})
	return v
}

// requestID returns a new Okta request id (see requestID), recorded as
// unique.
func (b *builder) requestID() string {
	v := requestID(b.r)
	b.uniques = append(b.uniques, uniqueString{v, "", 0})
	return v
}

// sessionIsUnique records p's session ids as unique to this event: a
// repeat of a session start or end is another session.
func (b *builder) sessionIsUnique(p *person) {
	b.uniques = append(b.uniques, uniqueString{p.session, base64ID, 3})
	if p.rootSession != "" {
		b.uniques = append(b.uniques, uniqueString{p.rootSession, base64ID, 3})
	}
}
