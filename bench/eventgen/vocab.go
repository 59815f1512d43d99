package eventgen

// Static vocabulary the synthetic organisation is built from. Everything
// here is invented or public, non-personal reference data (city
// coordinates, autonomous system numbers, browser user-agent formats).
// People, organisations and identifiers are made up.

// place is one geographical context as Okta reports it.
type place struct {
	city, state, country, postalCode string
	lat, lon                         float64
}

// places is where people sign in from. The first entries are weighted
// more heavily by the organisation (see newWorld): most staff sit in a
// few offices.
var places = []place{
	{"Austin", "Texas", "United States", "78701", 30.2711, -97.7437},
	{"Seattle", "Washington", "United States", "98101", 47.6101, -122.3344},
	{"New York", "New York", "United States", "10001", 40.7506, -73.9972},
	{"London", "England", "United Kingdom", "EC2V 7HH", 51.5155, -0.0922},
	{"Berlin", "Land Berlin", "Germany", "10117", 52.517, 13.3889},
	{"Chicago", "Illinois", "United States", "60601", 41.8857, -87.6181},
	{"Denver", "Colorado", "United States", "80202", 39.7525, -104.9995},
	{"Boston", "Massachusetts", "United States", "02110", 42.357, -71.052},
	{"Atlanta", "Georgia", "United States", "30303", 33.7529, -84.3925},
	{"San Jose", "California", "United States", "95113", 37.3333, -121.8907},
	{"Toronto", "Ontario", "Canada", "M5H 2N2", 43.6497, -79.3833},
	{"Manchester", "England", "United Kingdom", "M1 1AD", 53.4794, -2.2453},
	{"Dublin", "Leinster", "Ireland", "D02 X285", 53.3389, -6.2595},
	{"Munich", "Bavaria", "Germany", "80331", 48.1374, 11.5755},
	{"Paris", "Île-de-France", "France", "75002", 48.8683, 2.343},
	{"Amsterdam", "North Holland", "Netherlands", "1012 JS", 52.374, 4.8897},
	{"Madrid", "Madrid", "Spain", "28013", 40.4165, -3.7026},
	{"Stockholm", "Stockholm County", "Sweden", "111 20", 59.3326, 18.0649},
	{"Warsaw", "Mazovia", "Poland", "00-001", 52.2298, 21.0118},
	{"Bengaluru", "Karnataka", "India", "560001", 12.9716, 77.5946},
	{"Singapore", "Central Singapore", "Singapore", "048616", 1.2838, 103.8491},
	{"Tokyo", "Tokyo", "Japan", "100-0005", 35.6812, 139.7671},
	{"Sydney", "New South Wales", "Australia", "2000", -33.8688, 151.2093},
	{"São Paulo", "Sao Paulo", "Brazil", "01310-100", -23.5613, -46.6565},
	{"Mexico City", "Mexico City", "Mexico", "06000", 19.4326, -99.1332},
	{"Zurich", "Zurich", "Switzerland", "8001", 47.3769, 8.5417},
	{"Tel Aviv", "Tel Aviv", "Israel", "6100000", 32.0853, 34.7818},
	{"Johannesburg", "Gauteng", "South Africa", "2001", -26.2041, 28.0473},
}

// cloudPlaces are data-centre locations: where service clients, proxies
// and VPN exits appear to come from.
var cloudPlaces = []place{
	{"Ashburn", "Virginia", "United States", "20147", 39.0438, -77.4874},
	{"Frankfurt am Main", "Hesse", "Germany", "60313", 50.1109, 8.6821},
	{"Boardman", "Oregon", "United States", "97818", 45.8399, -119.7006},
	{"Council Bluffs", "Iowa", "United States", "51501", 41.2619, -95.8608},
}

// network is an Okta securityContext: the autonomous system and ISP an
// address belongs to.
type network struct {
	asNumber      int
	asOrg, isp    string
	domain        string
	proxy, hosted bool
}

// homeNetworks are residential and office ISPs; hostedNetworks are cloud
// providers and anonymising VPNs (Okta marks the latter as proxies).
var (
	homeNetworks = []network{
		{7922, "comcast", "comcast cable communications llc", "comcast.net", false, false},
		{701, "verizon", "verizon business", "verizon.net", false, false},
		{7018, "at&t corp.", "at&t services inc.", "att.net", false, false},
		{20115, "charter communications", "charter communications inc", "spectrum.com", false, false},
		{3320, "deutsche telekom ag", "deutsche telekom ag", "telekom.de", false, false},
		{2856, "british telecommunications plc", "bt public internet service", "bt.com", false, false},
		{3215, "orange s.a.", "orange", "orange.fr", false, false},
		{6830, "liberty global b.v.", "vodafone ziggo", "ziggo.nl", false, false},
		{577, "bell canada", "bell canada", "bell.ca", false, false},
		{4713, "ntt communications corporation", "ocn", "ocn.ne.jp", false, false},
	}
	hostedNetworks = []network{
		{16509, "amazon.com, inc.", "amazon.com", "amazonaws.com", false, true},
		{8075, "microsoft corporation", "microsoft azure", "microsoft.com", false, true},
		{15169, "google llc", "google cloud", "googleusercontent.com", false, true},
		{9009, "m247 europe srl", "m247 ltd", "m247.com", true, true},
		{212238, "datacamp limited", "cdn77", "cdn77.com", true, true},
	}
)

// userAgent is Okta's client.userAgent: the raw header and Okta's own
// classification of it.
type userAgent struct {
	raw, os, browser string
	device           string // client.device
}

// browserAgents are what people sign in with; the first few dominate.
var browserAgents = []userAgent{
	{"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36", "Windows 10", "CHROME", "Computer"},
	{"Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36", "Mac OS X", "CHROME", "Computer"},
	{"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.2903.86", "Windows 10", "EDGE_CHROMIUM", "Computer"},
	{"Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1.1 Safari/605.1.15", "Mac OS X", "SAFARI", "Computer"},
	{"Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0", "Windows 10", "FIREFOX", "Computer"},
	{"Mozilla/5.0 (iPhone; CPU iPhone OS 18_1_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1.1 Mobile/15E148 Safari/604.1", "iOS", "SAFARI", "Mobile"},
	{"Mozilla/5.0 (Linux; Android 14; Pixel 8 Pro) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.6778.104 Mobile Safari/537.36", "Android", "CHROME", "Mobile"},
	{"Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0", "Linux", "FIREFOX", "Computer"},
	{"Mozilla/5.0 (X11; CrOS x86_64 15917.71.0) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36", "Chrome OS", "CHROME", "Computer"},
	{"Mozilla/5.0 (iPad; CPU OS 17_7 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.7 Mobile/15E148 Safari/604.1", "iOS", "SAFARI", "Tablet"},
}

// richClientAgents are native applications that authenticate directly
// (Okta Verify, mail clients).
var richClientAgents = []userAgent{
	{"Microsoft Office/16.0 (Windows NT 10.0; Microsoft Outlook 16.0.18129; Pro)", "Windows 10", "UNKNOWN", "Computer"},
	{"OktaVerify/9.27.2 (iPhone16,1; iOS 18.1.1) OktaDeviceSDK/1.9.0", "iOS", "UNKNOWN", "Mobile"},
	{"Okta Verify/5.2.1 (Macintosh; Mac OS X 15.1.1) OktaDeviceSDK/2.4.0", "Mac OS X", "UNKNOWN", "Computer"},
}

// serviceAgents are API clients: SDKs, automation, scripts.
var serviceAgents = []userAgent{
	{"okta-sdk-java/18.0.0 java/21.0.5 Linux/6.1.115-126.197.amzn2023.x86_64", "Linux", "UNKNOWN", "Unknown"},
	{"okta-sdk-golang/5.0.2 golang/go1.23.4 linux/amd64", "Linux", "UNKNOWN", "Unknown"},
	{"python-requests/2.32.3", "Unknown", "UNKNOWN", "Unknown"},
	{"Go-http-client/2.0", "Unknown", "UNKNOWN", "Unknown"},
	{"Terraform/1.10.2 (+https://www.terraform.io) Terraform-Plugin-SDK/2.10.1 terraform-provider-okta/4.12.0", "Unknown", "UNKNOWN", "Unknown"},
	{"Apache-HttpClient/4.5.14 (Java/17.0.13)", "Unknown", "UNKNOWN", "Unknown"},
}

// Given and family names are combined into people; none is meant to be a
// real person.
var (
	givenNames = []string{
		"Avery", "Jordan", "Riley", "Morgan", "Casey", "Quinn", "Rowan", "Emerson",
		"Harper", "Sasha", "Noor", "Kenji", "Amara", "Mateo", "Ingrid", "Tomasz",
		"Leilani", "Dmitri", "Priya", "Oluwaseun", "Zofia", "Henrik", "Camille", "Rafael",
		"Yuki", "Aisling", "Bao", "Farah", "Gustavo", "Hana", "Ilse", "Jonas",
		"Kavya", "Lucía", "Magnus", "Nadia", "Otto", "Paloma", "Ravi", "Søren",
	}
	familyNames = []string{
		"Ashdown", "Brightwater", "Calloway", "Delacroix", "Eastbrook", "Fairweather", "Galloway", "Hartley",
		"Iverson", "Jansen", "Kowalczyk", "Lindqvist", "Marchetti", "Nakamura", "Okonkwo", "Petrov",
		"Quintero", "Rasmussen", "Silvestri", "Thornbury", "Underhill", "Valcourt", "Whitlock", "Xiong",
		"Yamashita", "Zeller", "Abernathy", "Bergström", "Castellanos", "Dunmore", "Esposito", "Featherstone",
		"Grünewald", "Holloway", "Ibarra", "Jovanović", "Kingsley", "Lockhart", "Moreau", "Northcott",
	}
)

// orgNames are the invented organisations a seed picks from; their
// domains live under the reserved .example top-level domain.
var orgNames = []struct{ slug, domain string }{
	{"northwind", "northwind.example"},
	{"bluefjord", "bluefjord.example"},
	{"ambertrail", "ambertrail.example"},
	{"copperleaf", "copperleaf.example"},
	{"quietharbor", "quietharbor.example"},
}

// appDef is an application the organisation has assigned to people.
type appDef struct {
	label, name, signOn string // signOn: Okta signOnModeType
	weight              float64
}

// apps are the organisation's SSO applications, by popularity.
var apps = []appDef{
	{"slack", "Slack", "SAML_2_0", 14},
	{"google", "Google Workspace", "SAML_2_0", 12},
	{"office365", "Microsoft Office 365", "WS_FEDERATION", 11},
	{"zoomus", "Zoom", "SAML_2_0", 8},
	{"atlassian", "Atlassian Cloud", "SAML_2_0", 8},
	{"github_enterprise", "GitHub Enterprise Cloud", "SAML_2_0", 6},
	{"salesforce", "Salesforce", "SAML_2_0", 6},
	{"okta_enduser", "Okta Dashboard", "OPENID_CONNECT", 6},
	{"amazon_aws_sso", "AWS IAM Identity Center", "SAML_2_0", 4},
	{"workday", "Workday", "SAML_2_0", 4},
	{"servicenow_ud", "ServiceNow", "SAML_2_0", 3},
	{"boxnet", "Box", "SAML_2_0", 3},
	{"figma", "Figma", "SAML_2_0", 3},
	{"tableau_online", "Tableau Cloud", "SAML_2_0", 2},
	{"oidc_client", "Expense Portal", "OPENID_CONNECT", 2},
	{"oidc_client", "Internal Wiki", "OPENID_CONNECT", 2},
	{"oidc_client", "Engineering Handbook", "OPENID_CONNECT", 1},
	{"bookmark", "Benefits Portal", "BOOKMARK", 1},
	{"template_swa", "Travel Booking", "BROWSER_PLUGIN", 1},
	{"saasure", "Okta Admin Console", "OPENID_CONNECT", 1},
}

// serviceClients are OAuth 2.0 service applications that call APIs with
// the client-credentials grant.
var serviceClients = []struct{ name, scopes string }{
	{"SIEM Log Collector", "okta.logs.read"},
	{"HR Provisioning Sync", "okta.users.manage okta.groups.manage"},
	{"Terraform Automation", "okta.apps.manage okta.groups.manage okta.policies.manage"},
	{"Build Pipeline", "api.deploy.write api.artifacts.read"},
	{"Billing Service", "billing.invoices.read billing.invoices.write"},
	{"Data Warehouse Loader", "warehouse.load"},
	{"Access Review Bot", "okta.users.read okta.groups.read okta.apps.read"},
	{"Status Page Probe", "api.health.read"},
}

// groupNames are the organisation's groups; the admin ones are where
// privilege changes happen.
var groupNames = []string{
	"Everyone", "Engineering", "Product", "Design", "Sales", "Sales Engineering", "Marketing",
	"Finance", "People Operations", "Legal", "Customer Support", "Security", "IT Operations",
	"Contractors", "Interns", "Managers", "London Office", "Berlin Office", "Austin Office",
	"Remote Staff", "AWS-Developers", "AWS-ReadOnly", "AWS-Admins", "GitHub-Maintainers",
	"Slack-Guests", "Zoom-Webinar-Hosts", "Salesforce-Users", "Workday-Approvers",
	"Okta Help Desk Admins", "Okta Read Only Admins",
}

// policyDef is a sign-on or authentication policy with its rules.
type policyDef struct {
	name, kind string // kind: Okta policyType
	rules      []string
}

var policyDefs = []policyDef{
	{"Default Policy", "OktaSignOn", []string{"Default Rule"}},
	{"Global Session Policy", "OktaSignOn", []string{"Require MFA off network", "Trusted network session", "Default Rule"}},
	{"Contractor Sign-On", "OktaSignOn", []string{"Contractors - always MFA", "Default Rule"}},
	{"Okta Dashboard", "ACCESS_POLICY", []string{"Phishing-resistant factors", "Catch-all Rule"}},
	{"Any two factors", "ACCESS_POLICY", []string{"Any two factors", "Catch-all Rule"}},
	{"Admin Console Access", "ACCESS_POLICY", []string{"Admins - FIDO2 only", "Catch-all Rule"}},
	{"Default Password Policy", "PASSWORD", []string{"Default Rule"}},
	{"Authenticator Enrollment", "MFA_ENROLL", []string{"Enroll Okta Verify", "Default Rule"}},
}

// zoneNames are the organisation's network zones.
var zoneNames = []string{"Corporate Offices", "Corporate VPN", "BlockedIpZone", "LegacyIpZone"}

// factorTypes are the MFA factors people verify with, by popularity.
var factorTypes = []struct {
	factor, authenticator string
	weight                float64
}{
	{"OKTA_VERIFY_PUSH", "Okta Verify", 45},
	{"SIGNED_NONCE", "Okta Verify", 25},
	{"FIDO_WEBAUTHN", "Security Key or Biometric", 12},
	{"OKTA_VERIFY_TOTP", "Okta Verify", 8},
	{"SMS_FACTOR", "Phone", 6},
	{"EMAIL_FACTOR", "Email", 4},
}

// riskReasons feed debugData.risk for the events Okta scores.
var riskReasons = []string{
	"Anomalous Device", "Anomalous Location", "Anomalous Device, Anomalous Location",
	"New ASN", "Impossible travel", "Anomalous Geo-Distance",
}

// adminRoles are roles an administrator can grant.
var adminRoles = []string{
	"Help Desk Administrator", "Read-only Administrator", "Application Administrator",
	"Group Membership Administrator", "Report Administrator",
}
