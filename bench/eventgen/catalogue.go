package eventgen

import "strings"

// family groups event types that share who acts, from where, and what
// debug data Okta records.
type family uint8

const (
	famSignOn  family = iota // a person signing in: policy, factors, sessions
	famSSO                   // a person opening an application
	famToken                 // OAuth 2.0 authorization and token requests
	famSession               // session end and admin-app access
	famAdmin                 // an administrator changing the org
	famSystem                // Okta acting on its own: jobs, limits, threats
)

// targetKind is what a target entry refers to.
type targetKind uint8

const (
	tUser targetKind = iota
	tAppInstance
	tAppUser
	tGroup
	tAppGroup
	tPolicy
	tPolicyRule
	tZone
	tAuthenticator // AuthenticatorEnrollment
	tToken         // the OAuth token or code a grant produced
	tDevice        // UDDevice
	tAPIToken
	tAdminConsole // the Okta Admin Console AppInstance
	tRole
)

// outcome is one possible result of an event type with its relative
// frequency. Severity and legacyEventType change with it for some types.
type outcome struct {
	result, reason string
	weight         float64
	severity       string // "" keeps the spec's
	legacy         string // "" keeps the spec's
}

// spec describes one event type.
type spec struct {
	typ      string
	weight   float64 // per 10,000 catalogue events
	fam      family
	legacy   string
	message  string
	severity string
	outcomes []outcome
	targets  []targetKind
}

var (
	success      = []outcome{{result: "SUCCESS", weight: 1}}
	adminOutcome = []outcome{
		{result: "SUCCESS", weight: 99},
		{result: "FAILURE", reason: "INSUFFICIENT_PERMISSIONS", weight: 1, severity: "WARN"},
	}
)

// specs is every event type the generator knows, with the weights the
// catalogue draws non-matching events by. Weights follow the shape of a
// real org's System Log: sign-on, SSO and token traffic dominate;
// configuration changes — which most of Elastic's Okta rules look for —
// are rare. app.generic.unauth_app_access_attempt, the seed rule's event,
// is here for when it is not a match type (Okta puts it at ~0.07% of its
// catalogue; an org without misconfigured assignments sees far fewer).
var specs = []spec{
	// Sign-on flow.
	{typ: "policy.evaluate_sign_on", weight: 1500, fam: famSignOn, message: "Evaluation of sign-on policy", severity: "INFO",
		outcomes: []outcome{
			{result: "ALLOW", reason: "Sign-on policy evaluation resulted in ALLOW", weight: 85},
			{result: "CHALLENGE", reason: "Sign-on policy evaluation resulted in CHALLENGE", weight: 12},
			{result: "DENY", reason: "Sign-on policy evaluation resulted in DENY", weight: 3, severity: "WARN"},
		},
		targets: []targetKind{tPolicy, tPolicyRule}},
	{typ: "user.session.start", weight: 900, fam: famSignOn, legacy: "core.user_auth.login_success", message: "User login to Okta", severity: "INFO",
		outcomes: []outcome{
			{result: "SUCCESS", weight: 90},
			{result: "FAILURE", reason: "INVALID_CREDENTIALS", weight: 7, severity: "WARN", legacy: "core.user_auth.login_failed"},
			{result: "FAILURE", reason: "VERIFICATION_ERROR", weight: 2, severity: "WARN", legacy: "core.user_auth.login_failed"},
			{result: "FAILURE", reason: "LOCKED_OUT", weight: 1, severity: "WARN", legacy: "core.user_auth.account_locked"},
		}},
	{typ: "user.authentication.auth_via_mfa", weight: 700, fam: famSignOn, legacy: "core.user.factor.attempt_success", message: "Authentication of user via MFA", severity: "INFO",
		outcomes: []outcome{
			{result: "SUCCESS", weight: 94},
			{result: "FAILURE", reason: "INVALID_CREDENTIALS", weight: 5.9, severity: "WARN", legacy: "core.user.factor.attempt_fail"},
			{result: "FAILURE", reason: "FastPass declined phishing attempt", weight: 0.1, severity: "WARN", legacy: "core.user.factor.attempt_fail"},
		},
		targets: []targetKind{tUser, tAuthenticator}},
	{typ: "user.authentication.verify", weight: 600, fam: famSignOn, message: "Verify user identity", severity: "INFO",
		outcomes: []outcome{
			{result: "SUCCESS", weight: 93},
			{result: "FAILURE", reason: "INVALID_CREDENTIALS", weight: 5, severity: "WARN"},
			{result: "FAILURE", reason: "VERIFICATION_ERROR", weight: 2, severity: "WARN"},
		}},
	{typ: "system.push.send_factor_verify_push", weight: 300, fam: famSignOn, message: "Push notification sent to Okta Verify", severity: "INFO",
		outcomes: success, targets: []targetKind{tUser}},
	{typ: "system.sms.send_factor_verify_message", weight: 40, fam: famSignOn, message: "Send SMS verification message", severity: "INFO",
		outcomes: success, targets: []targetKind{tUser}},
	{typ: "user.authentication.auth_via_richclient", weight: 60, fam: famSignOn, message: "Authentication of user via Rich Client", severity: "INFO",
		outcomes: []outcome{
			{result: "SUCCESS", weight: 95},
			{result: "FAILURE", reason: "INVALID_CREDENTIALS", weight: 5, severity: "WARN"},
		}},
	{typ: "user.authentication.auth_via_IDP", weight: 30, fam: famSignOn, message: "Authenticate user via IDP", severity: "INFO",
		outcomes: []outcome{
			{result: "SUCCESS", weight: 97},
			{result: "FAILURE", reason: "Unable to validate SAML Response", weight: 3, severity: "WARN"},
		}},
	{typ: "user.mfa.okta_verify.deny_push", weight: 6, fam: famSignOn, message: "User rejected Okta push verify", severity: "WARN",
		outcomes: []outcome{{result: "FAILURE", reason: "User rejected Okta push verify", weight: 1}},
		targets:  []targetKind{tUser}},
	{typ: "user.account.lock", weight: 4, fam: famSignOn, legacy: "core.user_auth.account_locked", message: "Max sign in attempts exceeded", severity: "WARN",
		outcomes: []outcome{{result: "FAILURE", reason: "LOCKED_OUT", weight: 1}}},
	{typ: "device.user.add", weight: 30, fam: famSignOn, message: "Add device to user", severity: "INFO",
		outcomes: success, targets: []targetKind{tDevice}},
	{typ: "user.mfa.factor.activate", weight: 25, fam: famSignOn, legacy: "core.user.factor.activate", message: "Activate factor or authenticator", severity: "INFO",
		outcomes: success, targets: []targetKind{tUser, tAuthenticator}},
	{typ: "user.mfa.factor.update", weight: 12, fam: famSignOn, message: "Update factor or authenticator", severity: "INFO",
		outcomes: success, targets: []targetKind{tUser, tAuthenticator}},
	{typ: "user.account.update_password", weight: 40, fam: famSignOn, legacy: "core.user.config.password_update.success", message: "User update password for Okta", severity: "INFO",
		outcomes: []outcome{
			{result: "SUCCESS", weight: 92},
			{result: "FAILURE", reason: "Password requirements were not met", weight: 8, legacy: "core.user.config.password_update.failure"},
		},
		targets: []targetKind{tUser}},
	{typ: "system.email.password_reset.sent_message", weight: 6, fam: famSignOn, message: "Password reset email sent", severity: "INFO",
		outcomes: success, targets: []targetKind{tUser}},
	{typ: "user.account.report_suspicious_activity_by_enduser", weight: 0.3, fam: famSignOn, legacy: "core.user.account.report_suspicious_activity_by_enduser", message: "User report suspicious activity", severity: "WARN",
		outcomes: success, targets: []targetKind{tUser}},

	// Applications.
	{typ: "user.authentication.sso", weight: 1400, fam: famSSO, legacy: "app.auth.sso", message: "User single sign on to app", severity: "INFO",
		outcomes: []outcome{
			{result: "SUCCESS", weight: 99},
			{result: "FAILURE", reason: "VERIFICATION_ERROR", weight: 1, severity: "WARN"},
		},
		targets: []targetKind{tAppInstance, tAppUser}},
	{typ: "app.generic.unauth_app_access_attempt", weight: 0.5, fam: famSSO, legacy: "app.generic.unauth_app_access_attempt", message: "User attempted unauthorized access to app", severity: "WARN",
		outcomes: []outcome{{result: "FAILURE", weight: 1}},
		targets:  []targetKind{tAppInstance}},

	// OAuth 2.0.
	{typ: "app.oauth2.as.token.grant", weight: 900, fam: famToken, message: "OAuth2 token grant request", severity: "INFO",
		outcomes: []outcome{
			{result: "SUCCESS", weight: 98.5},
			{result: "FAILURE", reason: "invalid_client", weight: 1, severity: "WARN"},
			{result: "FAILURE", reason: "no_matching_scope", weight: 0.5, severity: "WARN"},
		},
		targets: []targetKind{tToken}},
	{typ: "app.oauth2.as.token.grant.access_token", weight: 700, fam: famToken, legacy: "app.oauth2.as.token.grant.access_token_success", message: "OAuth2 access token is granted", severity: "INFO",
		outcomes: []outcome{
			{result: "SUCCESS", weight: 99},
			{result: "FAILURE", reason: "invalid_grant", weight: 1, severity: "WARN", legacy: "app.oauth2.as.token.grant.access_token_failure"},
		},
		targets: []targetKind{tToken}},
	{typ: "app.oauth2.as.token.grant.id_token", weight: 350, fam: famToken, legacy: "app.oauth2.as.token.grant.id_token_success", message: "OAuth2 id token is granted", severity: "INFO",
		outcomes: success, targets: []targetKind{tToken}},
	{typ: "app.oauth2.as.token.grant.refresh_token", weight: 250, fam: famToken, legacy: "app.oauth2.as.token.grant.refresh_token_success", message: "OAuth2 refresh token is granted", severity: "INFO",
		outcomes: success, targets: []targetKind{tToken}},
	{typ: "app.oauth2.as.authorize.code", weight: 300, fam: famToken, legacy: "app.oauth2.as.authorize.code_success", message: "OAuth2 authorization code request", severity: "INFO",
		outcomes: []outcome{
			{result: "SUCCESS", weight: 98},
			{result: "FAILURE", reason: "login_required", weight: 2, severity: "WARN"},
		},
		targets: []targetKind{tToken}},

	// Sessions.
	{typ: "user.session.end", weight: 350, fam: famSession, legacy: "core.user_auth.logout_success", message: "User logout from Okta", severity: "INFO",
		outcomes: success},
	{typ: "user.session.access_admin_app", weight: 40, fam: famSession, legacy: "app.admin_app.access", message: "User accessing Okta admin app", severity: "INFO",
		outcomes: []outcome{
			{result: "SUCCESS", weight: 97},
			{result: "FAILURE", reason: "INSUFFICIENT_PERMISSIONS", weight: 3, severity: "WARN"},
		},
		targets: []targetKind{tAdminConsole}},

	// Administration: lifecycle, membership, configuration.
	{typ: "group.user_membership.add", weight: 60, fam: famAdmin, legacy: "core.user_group_member.user_add", message: "Add user to group membership", severity: "INFO",
		outcomes: adminOutcome, targets: []targetKind{tUser, tGroup}},
	{typ: "group.user_membership.remove", weight: 25, fam: famAdmin, legacy: "core.user_group_member.user_remove", message: "Remove user from group membership", severity: "INFO",
		outcomes: adminOutcome, targets: []targetKind{tUser, tGroup}},
	{typ: "application.user_membership.add", weight: 40, fam: famAdmin, legacy: "app.generic.provision.assign_user_to_app", message: "Add user to application membership", severity: "INFO",
		outcomes: adminOutcome, targets: []targetKind{tAppUser, tAppInstance, tUser}},
	{typ: "application.user_membership.remove", weight: 15, fam: famAdmin, legacy: "app.generic.provision.deactivate_user_from_app", message: "Remove user from application membership", severity: "INFO",
		outcomes: adminOutcome, targets: []targetKind{tAppUser, tAppInstance, tUser}},
	{typ: "user.lifecycle.create", weight: 20, fam: famAdmin, legacy: "core.user.config.user_creation.success", message: "Create Okta user", severity: "INFO",
		outcomes: adminOutcome, targets: []targetKind{tUser}},
	{typ: "user.lifecycle.activate", weight: 18, fam: famAdmin, legacy: "core.user.config.user_activated", message: "Activate Okta user", severity: "INFO",
		outcomes: adminOutcome, targets: []targetKind{tUser}},
	{typ: "user.lifecycle.deactivate", weight: 8, fam: famAdmin, legacy: "core.user.config.user_deactivated", message: "Deactivate Okta user", severity: "INFO",
		outcomes: adminOutcome, targets: []targetKind{tUser}},
	{typ: "user.lifecycle.suspend", weight: 3, fam: famAdmin, legacy: "core.user.config.user_status.suspended", message: "Suspend Okta user", severity: "INFO",
		outcomes: adminOutcome, targets: []targetKind{tUser}},
	{typ: "user.session.clear", weight: 15, fam: famAdmin, message: "Clear user session", severity: "INFO",
		outcomes: adminOutcome, targets: []targetKind{tUser}},
	{typ: "user.account.reset_password", weight: 10, fam: famAdmin, legacy: "core.user.config.password_reset", message: "Fired when the user's Okta password is reset", severity: "INFO",
		outcomes: adminOutcome, targets: []targetKind{tUser}},
	{typ: "user.account.unlock", weight: 4, fam: famAdmin, legacy: "core.user.account.unlock", message: "Unlock user account", severity: "INFO",
		outcomes: adminOutcome, targets: []targetKind{tUser}},
	{typ: "user.mfa.factor.deactivate", weight: 6, fam: famAdmin, legacy: "core.user.factor.deactivate", message: "Reset factor or authenticator", severity: "INFO",
		outcomes: adminOutcome, targets: []targetKind{tUser, tAuthenticator}},
	{typ: "user.mfa.factor.reset_all", weight: 1.5, fam: famAdmin, legacy: "core.user.factor.reset_all", message: "Reset all factors for user", severity: "INFO",
		outcomes: adminOutcome, targets: []targetKind{tUser}},
	{typ: "application.lifecycle.update", weight: 3, fam: famAdmin, legacy: "app.generic.config.app_updated", message: "Update application", severity: "INFO",
		outcomes: adminOutcome, targets: []targetKind{tAppInstance}},
	{typ: "application.lifecycle.create", weight: 1, fam: famAdmin, legacy: "app.generic.config.app_created", message: "Add application", severity: "INFO",
		outcomes: adminOutcome, targets: []targetKind{tAppInstance}},
	{typ: "application.lifecycle.deactivate", weight: 0.4, fam: famAdmin, legacy: "app.generic.config.app_deactivated", message: "Deactivate application", severity: "INFO",
		outcomes: adminOutcome, targets: []targetKind{tAppInstance}},
	{typ: "policy.lifecycle.update", weight: 2, fam: famAdmin, message: "Update policy", severity: "INFO",
		outcomes: adminOutcome, targets: []targetKind{tPolicy}},
	{typ: "policy.rule.update", weight: 2, fam: famAdmin, message: "Update policy rule", severity: "INFO",
		outcomes: adminOutcome, targets: []targetKind{tPolicyRule}},
	{typ: "zone.update", weight: 1, fam: famAdmin, message: "Update network zone", severity: "INFO",
		outcomes: adminOutcome, targets: []targetKind{tZone}},
	{typ: "system.api_token.create", weight: 0.5, fam: famAdmin, legacy: "api.token.create", message: "Create API token", severity: "INFO",
		outcomes: adminOutcome, targets: []targetKind{tAPIToken}},
	{typ: "user.account.privilege.grant", weight: 0.5, fam: famAdmin, legacy: "core.user.admin_privilege.granted", message: "Grant user privilege", severity: "INFO",
		outcomes: adminOutcome, targets: []targetKind{tUser, tRole}},
	{typ: "group.privilege.grant", weight: 0.3, fam: famAdmin, message: "Grant group privilege", severity: "INFO",
		outcomes: adminOutcome, targets: []targetKind{tGroup, tRole}},

	// Okta itself.
	{typ: "app.user_management", weight: 50, fam: famSystem, legacy: "app.user_management.push_profile_success", message: "Push user profile update to app", severity: "INFO",
		outcomes: []outcome{
			{result: "SUCCESS", weight: 97},
			{result: "FAILURE", reason: "Provisioning request was rejected by the app", weight: 3, severity: "WARN", legacy: "app.user_management.push_profile_failure"},
		},
		targets: []targetKind{tAppUser, tAppInstance, tUser}},
	{typ: "system.org.rate_limit.warning", weight: 3, fam: famSystem, legacy: "core.rate_limit.warning", message: "Rate limit warning", severity: "WARN",
		outcomes: success},
	{typ: "security.threat.detected", weight: 3, fam: famSystem, legacy: "security.threat.detected", message: "Request from suspicious actor", severity: "WARN",
		outcomes: []outcome{{result: "DENY", reason: "Request blocked by ThreatInsight", weight: 1}}},
}

// repeats reports whether events of this type recur with the same actor
// and context (see repeat.go). Administrative changes, enrolments and
// account incidents happen once; sign-ins, SSO, tokens and Okta's own
// jobs recur all day.
func (s *spec) repeats() bool {
	if s.fam == famAdmin {
		return false
	}
	switch s.typ {
	case "device.user.add", "user.mfa.factor.activate", "user.mfa.factor.update", "user.account.update_password",
		"user.account.lock", "user.account.report_suspicious_activity_by_enduser":
		return false
	}
	return true
}

// genericSpec describes a match type the generator has no template for:
// a person acting on a user, successfully. Its display message names the
// type, which keeps the type's string in events that are matches only.
func genericSpec(typ string) spec {
	return spec{typ: typ, fam: famAdmin, message: "Okta event " + typ, severity: "INFO",
		outcomes: success, targets: []targetKind{tUser}}
}

// specFor returns the template for typ.
func specFor(typ string) spec {
	for _, s := range specs {
		if s.typ == typ {
			return s
		}
	}
	return genericSpec(typ)
}

// TypeWeight is one entry of a Generator's catalogue.
type TypeWeight struct {
	Type   string  // Okta eventType
	Weight float64 // the probability that a non-matching event has this type; a catalogue's weights sum to 1
}

// catalogueFor returns the specs non-matching events are drawn from: all
// known types except those whose fixed strings (type, legacy type,
// message, outcome reasons) contain a match type, so that no
// non-matching event carries a match type's string by construction. If
// that leaves nothing (a match type such as "user" would), it falls back
// to every spec and relies on the generator's final check alone.
func catalogueFor(matchTypes []string) []spec {
	out := make([]spec, 0, len(specs))
	for _, s := range specs {
		if !s.mentionsAny(matchTypes) {
			out = append(out, s)
		}
	}
	if len(out) == 0 {
		return specs
	}
	return out
}

// mentionsAny reports whether any fixed string of s contains one of subs.
func (s *spec) mentionsAny(subs []string) bool {
	has := func(v string) bool {
		for _, m := range subs {
			if strings.Contains(v, m) {
				return true
			}
		}
		return false
	}
	if has(s.typ) || has(s.legacy) || has(s.message) {
		return true
	}
	for _, o := range s.outcomes {
		if has(o.reason) || has(o.legacy) {
			return true
		}
	}
	return false
}
