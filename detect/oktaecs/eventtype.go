package oktaecs

// The integration categorises a handful of Okta event types with a series of
// append processors, each adding one value to event.category or event.type
// when okta.event_type is in a fixed list. The rules below are those
// processors in pipeline order; appends do not repeat a value already
// present, so the order of first appearance is the order in the document.
// "network" is a category, not a type, for security.request.blocked and the
// rate-limit events, as fixed in
// elastic/integrations#12380 (earlier releases wrote event.type: [network,
// network]).
//
// Every other event type (user.authentication.auth_via_mfa,
// app.generic.unauth_app_access_attempt, user.session.access_admin_app, ...)
// gets neither field. Later integration releases add a generated table for
// the whole Okta catalogue; this package follows the release whose test
// output is the ground truth (see the package documentation).
var categorisation = []struct {
	field      string // "category" or "type"
	value      string
	eventTypes []string
}{
	{"category", "iam", []string{
		"group.user_membership.add", "group.user_membership.remove",
		"user.lifecycle.activate", "user.lifecycle.create",
		"user.lifecycle.deactivate", "user.lifecycle.suspend",
		"user.lifecycle.unsuspend",
	}},
	{"category", "configuration", []string{
		"policy.lifecycle.activate", "policy.lifecycle.create",
		"policy.lifecycle.deactivate", "policy.lifecycle.delete",
		"policy.lifecycle.update", "policy.rule.activate", "policy.rule.add",
		"policy.rule.deactivate", "policy.rule.delete",
		"application.lifecycle.create", "application.lifecycle.delete",
		"policy.rule.update", "application.lifecycle.activate",
		"application.lifecycle.deactivate", "application.lifecycle.update",
	}},
	{"category", "authentication", []string{
		"user.session.start", "user.session.end", "user.authentication.sso",
		"policy.evaluate_sign_on",
	}},
	{"category", "session", []string{"user.session.start", "user.session.end"}},
	{"type", "info", []string{
		"system.org.rate_limit.warning", "system.org.rate_limit.violation",
		"core.concurrency.org.limit.violation",
	}},
	{"category", "network", []string{"security.request.blocked"}},
	{"category", "network", []string{
		"system.org.rate_limit.warning", "system.org.rate_limit.violation",
		"core.concurrency.org.limit.violation", "security.request.blocked",
	}},
	{"type", "start", []string{"user.session.start"}},
	{"type", "end", []string{"user.session.end"}},
	{"type", "group", []string{"group.user_membership.add", "group.user_membership.remove"}},
	{"type", "info", []string{
		"user.lifecycle.activate", "user.lifecycle.create",
		"user.lifecycle.deactivate", "user.lifecycle.suspend",
		"user.lifecycle.unsuspend", "user.authentication.sso",
		"user.session.start", "user.session.end",
		"application.user_membership.add", "application.user_membership.remove",
		"application.user_membership.change_username",
	}},
	{"type", "change", []string{
		"user.lifecycle.activate", "user.lifecycle.deactivate",
		"user.lifecycle.suspend", "user.lifecycle.unsuspend",
		"group.user_membership.add", "group.user_membership.remove",
		"policy.lifecycle.activate", "policy.lifecycle.deactivate",
		"policy.lifecycle.update", "policy.rule.activate", "policy.rule.add",
		"policy.rule.deactivate", "policy.rule.update",
		"application.user_membership.add", "application.user_membership.remove",
		"application.user_membership.change_username",
	}},
	{"type", "creation", []string{"user.lifecycle.create", "policy.lifecycle.create", "application.lifecycle.create"}},
	{"type", "deletion", []string{"policy.lifecycle.delete", "application.lifecycle.delete"}},
	{"type", "info", []string{"policy.evaluate_sign_on"}},
}

// eventCategories and eventTypes are the rules above folded per event type.
// They are read-only after init; Conv.Apply appends from them directly.
var eventCategories, eventTypes = foldCategorisation()

func foldCategorisation() (categories, types map[string][]string) {
	categories = make(map[string][]string)
	types = make(map[string][]string)
	for _, r := range categorisation {
		m := categories
		if r.field == "type" {
			m = types
		}
		for _, et := range r.eventTypes {
			if !contains(m[et], r.value) {
				m[et] = append(m[et], r.value)
			}
		}
	}
	return categories, types
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}
