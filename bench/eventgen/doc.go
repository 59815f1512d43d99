// Package eventgen generates realistic, reproducible streams of Okta
// System Log events for demos, benchmarks and tests, in every input shape
// the detector accepts, with a controlled rate of rule matches and of
// redelivered duplicates.
//
// # Using it
//
//	g := eventgen.New(eventgen.Config{Seed: 1, MatchRate: 0.001, DupRate: 0.01})
//	for range 300_000 {
//		ev := g.Next()
//		produce(ev.Value) // ev.Match and ev.Dup say what the detector should do with it
//	}
//
// The zero Config is usable: seed 0, all shapes in equal parts, no
// matches, no redeliveries, records of 1000–3000 bytes, published times
// from DefaultStart at 100 events per second. The same Config always gives
// the same bytes in the same order: the generator draws from math/rand/v2
// PCG sources seeded by Config.Seed and never looks at the clock, the
// environment or map iteration order.
//
// # Shapes
//
// A record is one of five layouts of the same event (see Shape): the raw
// LogEvent Okta's API returns ("okta"); the document Elastic's Okta
// integration indexes, produced with oktaecs.ToECS plus the fields the
// agent, index and final pipeline add ("ecs"); that document with dotted
// keys as Filebeat writes it ("ecs-dotted") or with a mix of nested and
// dotted groups ("ecs-mixed"); and the Elastic Agent envelope that carries
// the raw event as a string in "message" when the agent writes to Kafka
// without the ingest pipeline ("envelope"). ECS records vary as
// deployments do: some keep event.original (preserve_original_event) when
// the size bounds leave room for it, most keep the flattened copy of
// debug data; Filebeat-style records never have it.
//
// # What the events look like
//
// Events happen in one invented organisation per seed: 1,500 people with
// their usual city, network, browser, device and session; twenty SSO
// applications; OAuth service clients; groups, policies and network
// zones. Names and identifiers are made up, domains are under .example,
// IP addresses come from the documentation ranges (192.0.2.0/24,
// 198.51.100.0/24, 203.0.113.0/24, 2001:db8::/32).
//
// Event types come from a weighted catalogue of about fifty types (see
// Generator.Catalogue) shaped like a real org's traffic: sign-on policy
// evaluations, SSO, OAuth token grants, sessions and MFA make up nearly
// all of it; lifecycle and membership changes are occasional; the
// configuration changes most of Elastic's Okta rules look for (policy,
// zone and application changes, factor resets, API tokens, privilege
// grants) are rare. Each type has plausible outcomes (with their reasons,
// severities and legacy types), targets and debug data. People are
// mostly where they usually are; some travel, some roam between
// addresses, about 1.5% come through anonymising proxies (with Okta's
// proxy flag, behaviour and risk signals to match), and a sliver are
// flagged by ThreatInsight.
//
// Okta traffic is repetitive — services fetch tokens every few minutes,
// people open the same applications all day — and so is the stream: nine
// in ten events of recurring types repeat one of the last few renderings
// of their type and shape (same actor and context) with new ids and
// timestamps; see repeat.go. The type, shape and match mix stay exactly
// as configured. This also keeps generation fast: rendering an ECS
// record from scratch goes through oktaecs.ToECS and generic maps (about
// 50 µs), a repeat is a copy and a few in-place writes (about 2 µs). The
// default mix runs at about 100,000 events per second on one core.
//
// # Matches and redeliveries
//
// A fraction Config.MatchRate of fresh events have one of
// Config.MatchTypes as their type (by default
// app.generic.unauth_app_access_attempt, the seed rule's). They appear
// only that way: the catalogue leaves out every type containing a match
// type, and a non-matching record never contains a match type's string
// anywhere in its bytes (for match types that are event types rather
// than fragments such as "user", which the generator cannot avoid).
//
// A fraction Config.DupRate of emitted events are redeliveries: a byte
// copy of one of the last Config.DupWindow fresh events, the same uuid
// included, as a consumer restarting from its last committed offset would
// see. Event.Dup marks them, so a test can check exactly what a dedupe
// stage drops.
//
// # Sizes
//
// Each event draws a target size in [Config.SizeMin, Config.SizeMax] and
// reaches it with content real events carry only sometimes — risk and
// behaviour scoring, device context, extra targets, proxy hops, full
// authorize URLs, security context — never with filler. When the
// essential content of an event is already too big for SizeMax (dotted
// ECS repeats every field under a long key), event.original and then the
// flattened debug data are dropped, and as a last resort the client's
// location (Okta leaves it empty for addresses it cannot place). With the
// default bounds about 98% of records land within them (all raw,
// envelope and nested ECS records; about 92% of dotted ones), and no ECS
// record has room for event.original, which doubles a document; it comes
// back as the bounds grow (with 4000–8000, on about a quarter of ECS
// records).
//
// # Poison records
//
// Malformed returns records a consumer must survive: truncated JSON,
// binary garbage, objects nested 10,000 deep, a valid event just under
// 1 MB, JSON that is not an object, and an empty record.
//
// A Generator is not safe for concurrent use; use one per goroutine, with
// distinct seeds.
package eventgen
