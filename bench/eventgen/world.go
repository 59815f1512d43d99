package eventgen

import (
	"math"
	"math/rand/v2"
	"sort"
	"strconv"
	"strings"
)

// world is the synthetic Okta organisation a Generator's events happen
// in: its people, applications, groups, policies and service clients.
// Drawing every event from one stable population gives the stream the
// repetition real traffic has (the same users, devices, IPs and session
// ids recur), which stateful rules (thresholds, new terms) and caches
// depend on.
type world struct {
	slug, domain, cell string
	identityEngine     bool // OIE orgs have "idx" sessions, rootSessionId, dtHash

	users     []person
	admins    []int // indexes into users
	userPick  picker
	apps      []application
	appPick   picker
	services  []serviceClient
	groups    []named
	policies  []policy
	zones     []named
	authz     []named // authorization servers
	system    entity  // Okta's SystemPrincipal
	agents    []agent
	placePick picker
	factors   picker
}

// person is a user of the org with their usual context. Events mostly
// reuse it and occasionally deviate (travel, new IP, VPN).
type person struct {
	id, login, name string
	home            *place
	net             *network
	ip              string
	ua              *userAgent
	device          *deviceContext // nil: unmanaged
	dtHash          string
	fingerprint     string
	session         string // current externalSessionId
	rootSession     string
}

type application struct {
	id, label, name, signOn string
}

type serviceClient struct {
	id, name, scopes string
	ua               *userAgent
	place            *place
	net              *network
	ip               string
}

type named struct{ id, name string }

type policy struct {
	id, name, kind string
	rules          []named
}

// agent is an Elastic Agent that collects the org's System Log.
type agent struct {
	id, ephemeralID, name, version string
}

// picker draws indexes with probability proportional to fixed weights.
type picker struct{ cum []float64 }

func newPicker(weights []float64) picker {
	// Scale by the largest weight so that sums of huge weights cannot
	// overflow to +Inf.
	top := 0.0
	for _, w := range weights {
		if w > top && !math.IsInf(w, 1) {
			top = w
		}
	}
	cum := make([]float64, len(weights))
	total := 0.0
	for i, w := range weights {
		if w > 0 && top > 0 && !math.IsInf(w, 1) {
			total += w / top
		}
		cum[i] = total
	}
	return picker{cum: cum}
}

// pick returns an index; zero-weight entries are never returned. It
// returns 0 for an empty or all-zero picker.
func (p picker) pick(r *rand.Rand) int {
	n := len(p.cum)
	if n == 0 || p.cum[n-1] <= 0 {
		return 0
	}
	x := r.Float64() * p.cum[n-1]
	i := sort.Search(n, func(i int) bool { return p.cum[i] > x })
	if i == n {
		i = n - 1
	}
	return i
}

// worldUsers is the head count of the synthetic org: big enough that
// per-user rules see realistic cardinality, small enough to build fast.
const worldUsers = 1500

func newWorld(r *rand.Rand) *world {
	w := &world{}
	org := orgNames[r.IntN(len(orgNames))]
	w.slug, w.domain = org.slug, org.domain
	w.cell = randString(r, base62[:10], 1) + randString(r, base62[10:36], 1) + randString(r, base62[:10], 1)
	w.identityEngine = r.IntN(4) != 0

	// Offices: the first places carry most staff.
	pw := make([]float64, len(places))
	for i := range pw {
		pw[i] = 1 / float64(i+1)
	}
	w.placePick = newPicker(pw)

	fw := make([]float64, len(factorTypes))
	for i, f := range factorTypes {
		fw[i] = f.weight
	}
	w.factors = newPicker(fw)

	taken := map[string]int{}
	w.users = make([]person, worldUsers)
	uw := make([]float64, worldUsers)
	for i := range w.users {
		given := givenNames[r.IntN(len(givenNames))]
		family := familyNames[r.IntN(len(familyNames))]
		local := asciiLower(given) + "." + asciiLower(family)
		if n := taken[local]; n > 0 {
			taken[local] = n + 1
			local += strconv.Itoa(n + 1)
		} else {
			taken[local] = 1
		}
		p := &w.users[i]
		p.id = oktaID(r, "00u", w.cell)
		p.login = local + "@" + w.domain
		p.name = given + " " + family
		p.home = &places[w.placePick.pick(r)]
		p.net = &homeNetworks[r.IntN(len(homeNetworks))]
		if r.IntN(10) == 0 {
			p.ip = randomIPv6(r)
		} else {
			p.ip = randomIPv4(r)
		}
		p.ua = &browserAgents[pickSkewed(r, len(browserAgents))]
		if r.IntN(5) < 2 {
			p.device = newDevice(r, p.ua, w.cell)
		}
		p.dtHash = randString(r, hexLower, 64)
		p.fingerprint = randString(r, hexLower, 32)
		w.newSession(r, p)
		// Activity is heavy-tailed: a few people generate much of the
		// traffic (integrations test accounts, on-call engineers).
		uw[i] = 1 / float64(i%97+1)
	}
	w.userPick = newPicker(uw)
	for i := 0; i < 8; i++ {
		w.admins = append(w.admins, r.IntN(worldUsers))
	}

	aw := make([]float64, len(apps))
	w.apps = make([]application, len(apps))
	for i, a := range apps {
		w.apps[i] = application{id: oktaID(r, "0oa", w.cell), label: a.label, name: a.name, signOn: a.signOn}
		aw[i] = a.weight
	}
	w.appPick = newPicker(aw)

	for _, s := range serviceClients {
		ua := &serviceAgents[r.IntN(len(serviceAgents))]
		net := &hostedNetworks[r.IntN(3)] // cloud providers, never VPNs
		w.services = append(w.services, serviceClient{
			id: oktaID(r, "0oa", w.cell), name: s.name, scopes: s.scopes, ua: ua,
			place: &cloudPlaces[r.IntN(len(cloudPlaces))], net: net, ip: randomIPv4(r),
		})
	}
	for _, g := range groupNames {
		w.groups = append(w.groups, named{oktaID(r, "00g", w.cell), g})
	}
	for _, p := range policyDefs {
		pol := policy{id: oktaID(r, "00p", w.cell), name: p.name, kind: p.kind}
		for _, rule := range p.rules {
			pol.rules = append(pol.rules, named{oktaID(r, "0pr", w.cell), rule})
		}
		w.policies = append(w.policies, pol)
	}
	for _, z := range zoneNames {
		w.zones = append(w.zones, named{oktaID(r, "nzo", w.cell), z})
	}
	w.authz = []named{{"default", "default"}, {oktaID(r, "aus", w.cell), "Customer API"}, {oktaID(r, "aus", w.cell), "Internal Services"}}
	w.system = entity{id: oktaID(r, "spr", w.cell), typ: "SystemPrincipal", alternateID: "system@okta.com", displayName: "Okta System"}
	for i := 0; i < 3; i++ {
		w.agents = append(w.agents, agent{
			id: newUUID(r), ephemeralID: newUUID(r),
			name:    "okta-collector-" + strconv.Itoa(i+1),
			version: []string{"8.15.3", "8.16.1", "8.17.0"}[i],
		})
	}
	return w
}

// newSession starts a new Okta session for p (new session ids).
func (w *world) newSession(r *rand.Rand, p *person) {
	if w.identityEngine {
		p.session = "idx" + randString(r, base64ID, 22)
		p.rootSession = "idx" + randString(r, base64ID, 22)
	} else {
		p.session = "102" + randString(r, base64ID, 22)
	}
}

// pickSkewed returns an index in [0, n) favouring low indexes.
func pickSkewed(r *rand.Rand, n int) int {
	f := r.Float64()
	return int(f * f * float64(n))
}

func newDevice(r *rand.Rand, ua *userAgent, cell string) *deviceContext {
	d := &deviceContext{id: oktaID(r, "guo", cell), managed: r.IntN(3) != 0, registered: true, secureHardware: true,
		diskEncryption: "ALL_INTERNAL_VOLUMES", screenLock: "BIOMETRIC"}
	switch ua.os {
	case "Windows 10":
		d.platform, d.version = "WINDOWS", "10.0.22631"
		d.name = "LT-" + randString(r, base62[:36], 7)
	case "Mac OS X":
		d.platform, d.version = "OSX", "15.1.1"
		d.name = "MacBookPro18," + strconv.Itoa(1+r.IntN(4))
	case "iOS":
		d.platform, d.version = "IOS", "18.1.1"
		d.name = "iPhone16," + strconv.Itoa(1+r.IntN(2))
		d.screenLock = "PASSCODE"
	case "Android":
		d.platform, d.version = "ANDROID", "14"
		d.name = "Pixel 8 Pro"
	default:
		d.platform, d.version = "LINUX", "6.8.0"
		d.name = "ws-" + randString(r, base62[:36], 6)
		d.secureHardware = false
		d.diskEncryption = "USER"
		d.screenLock = "PASSCODE"
	}
	return d
}

// asciiLower lower-cases s and drops characters that do not belong in a
// login's local part (accents are transliterated crudely).
func asciiLower(s string) string {
	var b strings.Builder
	for _, c := range s {
		switch {
		case c >= 'A' && c <= 'Z':
			b.WriteRune(c + 'a' - 'A')
		case c >= 'a' && c <= 'z':
			b.WriteRune(c)
		case c == 'ö' || c == 'ø':
			b.WriteByte('o')
		case c == 'ü' || c == 'ú':
			b.WriteByte('u')
		case c == 'í':
			b.WriteByte('i')
		case c == 'á' || c == 'å' || c == 'ä':
			b.WriteByte('a')
		case c == 'é':
			b.WriteByte('e')
		case c == 'ć':
			b.WriteByte('c')
		}
	}
	return b.String()
}
