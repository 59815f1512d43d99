package eventgen

import "time"

// Timestamp layouts: Okta's published (milliseconds, UTC) and the
// seconds-precision event.ingested the final pipeline writes.
const (
	timeMillis  = "2006-01-02T15:04:05.000Z"
	timeSeconds = "2006-01-02T15:04:05Z"
)

// logEvent is one Okta System Log LogEvent before encoding. Empty strings
// and nil pointers/slices encode as JSON null, as Okta writes absent
// values.
type logEvent struct {
	uuid           string
	published      time.Time
	eventType      string
	legacyType     string
	displayMessage string
	severity       string

	actor   entity
	client  clientContext
	device  *deviceContext
	authn   authnContext
	outcome struct{ result, reason string }
	// security is nil for events Okta does not geolocate (jobs, system).
	security *network
	debug    []kv
	txn      struct {
		typ, id string
		detail  []kv
	}
	ipChain []hop
	targets []entity // empty encodes as null, as Okta writes no targets
}

// kv is one string-valued entry of debugData, detailEntry or
// transaction.detail (Okta writes these values as strings).
type kv struct{ k, v string }

// entity is an actor or a target.
type entity struct {
	id, typ, alternateID, displayName string
	detail                            []kv // nil → null
}

// clientContext is the LogEvent's client. A zero clientContext (events
// raised by Okta itself) encodes with every field null.
type clientContext struct {
	ua     *userAgent
	zone   string
	device string
	id     string
	ip     string
	geo    *place
}

// deviceContext is the managed-device block identity-engine orgs attach
// to sign-ins from registered devices.
type deviceContext struct {
	id, name, platform, version, diskEncryption, screenLock string
	managed, registered, secureHardware                     bool
}

// authnContext is authenticationContext.
type authnContext struct {
	provider, credentialProvider, credentialType, iface string
	issuerID, issuerType                                string
	externalSessionID, rootSessionID                    string
}

// hop is one entry of request.ipChain.
type hop struct {
	ip  string
	geo *place
}

// reset clears e for reuse, keeping slice capacity.
func (e *logEvent) reset() {
	debug, targets, chain := e.debug[:0], e.targets[:0], e.ipChain[:0]
	detail := e.txn.detail[:0]
	*e = logEvent{}
	e.debug, e.targets, e.ipChain, e.txn.detail = debug, targets, chain, detail
}

// appendJSON appends e as Okta's API returns it: every LogEvent key
// present, in the order Okta serialises them.
func (e *logEvent) appendJSON(dst []byte) []byte {
	dst = append(dst, `{"actor":`...)
	dst = e.actor.appendJSON(dst)
	dst = append(dst, `,"client":`...)
	dst = e.client.appendJSON(dst)
	dst = append(dst, `,"device":`...)
	dst = e.device.appendJSON(dst)
	dst = append(dst, `,"authenticationContext":`...)
	dst = e.authn.appendJSON(dst)
	dst = append(dst, ',')
	dst = appendField(dst, "displayMessage", e.displayMessage)
	dst = append(dst, ',')
	dst = appendField(dst, "eventType", e.eventType)
	dst = append(dst, `,"outcome":{`...)
	dst = appendField(dst, "result", e.outcome.result)
	dst = append(dst, ',')
	dst = appendField(dst, "reason", e.outcome.reason)
	dst = append(dst, `},"published":"`...)
	dst = e.published.UTC().AppendFormat(dst, timeMillis)
	dst = append(dst, `","securityContext":`...)
	dst = appendSecurity(dst, e.security)
	dst = append(dst, ',')
	dst = appendField(dst, "severity", e.severity)
	dst = append(dst, `,"debugContext":{"debugData":`...)
	dst = appendKVs(dst, e.debug, false)
	dst = append(dst, `},`...)
	dst = appendField(dst, "legacyEventType", e.legacyType)
	dst = append(dst, `,"transaction":{`...)
	dst = appendField(dst, "type", e.txn.typ)
	dst = append(dst, ',')
	dst = appendField(dst, "id", e.txn.id)
	dst = append(dst, `,"detail":`...)
	dst = appendKVs(dst, e.txn.detail, false)
	dst = append(dst, `},`...)
	dst = appendField(dst, "uuid", e.uuid)
	dst = append(dst, `,"version":"0","request":{"ipChain":[`...)
	for i := range e.ipChain {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = e.ipChain[i].appendJSON(dst)
	}
	dst = append(dst, `]},"target":`...)
	if len(e.targets) == 0 {
		dst = append(dst, "null"...)
	} else {
		dst = append(dst, '[')
		for i := range e.targets {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = e.targets[i].appendJSON(dst)
		}
		dst = append(dst, ']')
	}
	return append(dst, '}')
}

// appendKVs appends an object of string values; nil encodes as null when
// nullable, as {} otherwise.
func appendKVs(dst []byte, kvs []kv, nullable bool) []byte {
	if kvs == nil && nullable {
		return append(dst, "null"...)
	}
	dst = append(dst, '{')
	for i, p := range kvs {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = appendString(dst, p.k)
		dst = append(dst, ':')
		dst = appendString(dst, p.v)
	}
	return append(dst, '}')
}

// kvLen is the encoded size of one more entry in an object written by
// appendKVs (including its separating comma).
func kvLen(p kv) int {
	return stringLen(p.k) + stringLen(p.v) + 2
}

func (n *entity) appendJSON(dst []byte) []byte {
	dst = append(dst, '{')
	dst = appendField(dst, "id", n.id)
	dst = append(dst, ',')
	dst = appendField(dst, "type", n.typ)
	dst = append(dst, ',')
	dst = appendField(dst, "alternateId", n.alternateID)
	dst = append(dst, ',')
	dst = appendField(dst, "displayName", n.displayName)
	dst = append(dst, `,"detailEntry":`...)
	dst = appendKVs(dst, n.detail, true)
	return append(dst, '}')
}

func (c *clientContext) appendJSON(dst []byte) []byte {
	dst = append(dst, `{"userAgent":`...)
	if c.ua == nil {
		dst = append(dst, "null"...)
	} else {
		dst = append(dst, '{')
		dst = appendField(dst, "rawUserAgent", c.ua.raw)
		dst = append(dst, ',')
		dst = appendField(dst, "os", c.ua.os)
		dst = append(dst, ',')
		dst = appendField(dst, "browser", c.ua.browser)
		dst = append(dst, '}')
	}
	dst = append(dst, ',')
	dst = appendField(dst, "zone", c.zone)
	dst = append(dst, ',')
	dst = appendField(dst, "device", c.device)
	dst = append(dst, ',')
	dst = appendField(dst, "id", c.id)
	dst = append(dst, ',')
	dst = appendField(dst, "ipAddress", c.ip)
	dst = append(dst, `,"geographicalContext":`...)
	dst = appendPlace(dst, c.geo)
	return append(dst, '}')
}

func appendPlace(dst []byte, p *place) []byte {
	if p == nil {
		return append(dst, "null"...)
	}
	dst = append(dst, '{')
	dst = appendField(dst, "city", p.city)
	dst = append(dst, ',')
	dst = appendField(dst, "state", p.state)
	dst = append(dst, ',')
	dst = appendField(dst, "country", p.country)
	dst = append(dst, ',')
	dst = appendField(dst, "postalCode", p.postalCode)
	dst = append(dst, `,"geolocation":{"lat":`...)
	dst = appendFloat(dst, p.lat)
	dst = append(dst, `,"lon":`...)
	dst = appendFloat(dst, p.lon)
	return append(dst, "}}"...)
}

func (d *deviceContext) appendJSON(dst []byte) []byte {
	if d == nil {
		return append(dst, "null"...)
	}
	dst = append(dst, '{')
	dst = appendField(dst, "id", d.id)
	dst = append(dst, ',')
	dst = appendField(dst, "name", d.name)
	dst = append(dst, ',')
	dst = appendField(dst, "os_platform", d.platform)
	dst = append(dst, ',')
	dst = appendField(dst, "os_version", d.version)
	dst = append(dst, `,"managed":`...)
	dst = appendBool(dst, d.managed)
	dst = append(dst, `,"registered":`...)
	dst = appendBool(dst, d.registered)
	dst = append(dst, `,"device_integrator":null,`...)
	dst = appendField(dst, "disk_encryption_type", d.diskEncryption)
	dst = append(dst, ',')
	dst = appendField(dst, "screen_lock_type", d.screenLock)
	dst = append(dst, `,"jailbreak":null,"secure_hardware_present":`...)
	dst = appendBool(dst, d.secureHardware)
	return append(dst, '}')
}

func (a *authnContext) appendJSON(dst []byte) []byte {
	dst = append(dst, '{')
	dst = appendField(dst, "authenticationProvider", a.provider)
	dst = append(dst, ',')
	dst = appendField(dst, "credentialProvider", a.credentialProvider)
	dst = append(dst, ',')
	dst = appendField(dst, "credentialType", a.credentialType)
	dst = append(dst, `,"issuer":`...)
	if a.issuerID == "" {
		dst = append(dst, "null"...)
	} else {
		dst = append(dst, '{')
		dst = appendField(dst, "id", a.issuerID)
		dst = append(dst, ',')
		dst = appendField(dst, "type", a.issuerType)
		dst = append(dst, '}')
	}
	dst = append(dst, ',')
	dst = appendField(dst, "interface", a.iface)
	dst = append(dst, `,"authenticationStep":0,`...)
	if a.rootSessionID != "" {
		dst = appendField(dst, "rootSessionId", a.rootSessionID)
		dst = append(dst, ',')
	}
	dst = appendField(dst, "externalSessionId", a.externalSessionID)
	return append(dst, '}')
}

func appendSecurity(dst []byte, n *network) []byte {
	if n == nil {
		return append(dst, `{"asNumber":null,"asOrg":null,"isp":null,"domain":null,"isProxy":null}`...)
	}
	dst = append(dst, `{"asNumber":`...)
	dst = appendInt(dst, n.asNumber)
	dst = append(dst, ',')
	dst = appendField(dst, "asOrg", n.asOrg)
	dst = append(dst, ',')
	dst = appendField(dst, "isp", n.isp)
	dst = append(dst, ',')
	dst = appendField(dst, "domain", n.domain)
	dst = append(dst, `,"isProxy":`...)
	dst = appendBool(dst, n.proxy)
	return append(dst, '}')
}

func (h *hop) appendJSON(dst []byte) []byte {
	dst = append(dst, '{')
	dst = appendField(dst, "ip", h.ip)
	dst = append(dst, `,"geographicalContext":`...)
	dst = appendPlace(dst, h.geo)
	dst = append(dst, `,"version":`...)
	if isIPv6(h.ip) {
		dst = append(dst, `"V6"`...)
	} else {
		dst = append(dst, `"V4"`...)
	}
	return append(dst, `,"source":null}`...)
}

// isIPv6 reports whether the textual address is IPv6 (contains a colon).
func isIPv6(ip string) bool {
	for i := 0; i < len(ip); i++ {
		if ip[i] == ':' {
			return true
		}
	}
	return false
}
