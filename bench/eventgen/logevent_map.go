package eventgen

// toMap returns e as encoding/json would decode appendJSON's output
// (objects as map[string]any, arrays as []any, numbers as float64), the
// input oktaecs.ToECS takes. Building it directly skips a decode of the
// bytes just written; a test holds the two equal.
func (e *logEvent) toMap() map[string]any {
	m := make(map[string]any, 20)
	m["actor"] = e.actor.toMap()
	m["client"] = e.client.toMap()
	m["device"] = e.device.toMap()
	m["authenticationContext"] = e.authn.toMap()
	m["displayMessage"] = nullable(e.displayMessage)
	m["eventType"] = nullable(e.eventType)
	m["outcome"] = map[string]any{"result": nullable(e.outcome.result), "reason": nullable(e.outcome.reason)}
	m["published"] = e.published.UTC().Format(timeMillis)
	m["securityContext"] = securityMap(e.security)
	m["severity"] = nullable(e.severity)
	m["debugContext"] = map[string]any{"debugData": kvMap(e.debug, false)}
	m["legacyEventType"] = nullable(e.legacyType)
	m["transaction"] = map[string]any{"type": nullable(e.txn.typ), "id": nullable(e.txn.id), "detail": kvMap(e.txn.detail, false)}
	m["uuid"] = nullable(e.uuid)
	m["version"] = "0"
	chain := make([]any, len(e.ipChain))
	for i := range e.ipChain {
		h := &e.ipChain[i]
		version := "V4"
		if isIPv6(h.ip) {
			version = "V6"
		}
		chain[i] = map[string]any{"ip": nullable(h.ip), "geographicalContext": placeMap(h.geo), "version": version, "source": nil}
	}
	m["request"] = map[string]any{"ipChain": chain}
	if len(e.targets) == 0 {
		m["target"] = nil
	} else {
		targets := make([]any, len(e.targets))
		for i := range e.targets {
			targets[i] = e.targets[i].toMap()
		}
		m["target"] = targets
	}
	return m
}

// nullable is appendField's rule: an empty string is null.
func nullable(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func kvMap(kvs []kv, isNullable bool) any {
	if kvs == nil && isNullable {
		return nil
	}
	m := make(map[string]any, len(kvs))
	for _, p := range kvs {
		m[p.k] = p.v
	}
	return m
}

func (n *entity) toMap() map[string]any {
	return map[string]any{"id": nullable(n.id), "type": nullable(n.typ), "alternateId": nullable(n.alternateID),
		"displayName": nullable(n.displayName), "detailEntry": kvMap(n.detail, true)}
}

func (c *clientContext) toMap() map[string]any {
	var ua any
	if c.ua != nil {
		ua = map[string]any{"rawUserAgent": nullable(c.ua.raw), "os": nullable(c.ua.os), "browser": nullable(c.ua.browser)}
	}
	return map[string]any{"userAgent": ua, "zone": nullable(c.zone), "device": nullable(c.device), "id": nullable(c.id),
		"ipAddress": nullable(c.ip), "geographicalContext": placeMap(c.geo)}
}

func placeMap(p *place) any {
	if p == nil {
		return nil
	}
	return map[string]any{"city": nullable(p.city), "state": nullable(p.state), "country": nullable(p.country),
		"postalCode": nullable(p.postalCode), "geolocation": map[string]any{"lat": p.lat, "lon": p.lon}}
}

func (d *deviceContext) toMap() any {
	if d == nil {
		return nil
	}
	return map[string]any{"id": nullable(d.id), "name": nullable(d.name), "os_platform": nullable(d.platform),
		"os_version": nullable(d.version), "managed": d.managed, "registered": d.registered, "device_integrator": nil,
		"disk_encryption_type": nullable(d.diskEncryption), "screen_lock_type": nullable(d.screenLock), "jailbreak": nil,
		"secure_hardware_present": d.secureHardware}
}

func (a *authnContext) toMap() map[string]any {
	m := map[string]any{"authenticationProvider": nullable(a.provider), "credentialProvider": nullable(a.credentialProvider),
		"credentialType": nullable(a.credentialType), "issuer": nil, "interface": nullable(a.iface),
		"authenticationStep": float64(0), "externalSessionId": nullable(a.externalSessionID)}
	if a.issuerID != "" {
		m["issuer"] = map[string]any{"id": a.issuerID, "type": nullable(a.issuerType)}
	}
	if a.rootSessionID != "" {
		m["rootSessionId"] = a.rootSessionID
	}
	return m
}

func securityMap(n *network) map[string]any {
	if n == nil {
		return map[string]any{"asNumber": nil, "asOrg": nil, "isp": nil, "domain": nil, "isProxy": nil}
	}
	return map[string]any{"asNumber": float64(n.asNumber), "asOrg": nullable(n.asOrg), "isp": nullable(n.isp),
		"domain": nullable(n.domain), "isProxy": n.proxy}
}
