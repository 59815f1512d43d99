// Package dedupe remembers which (rule, event) pairs have already alerted,
// so that an event Kafka or Okta delivers twice does not alert twice.
//
// Okta delivers System Log events at least once and tells consumers to
// deduplicate on the event's uuid; Kafka producers and consumers add their
// own redeliveries (retries, rebalances, restarts). The detector checks the
// cache only for events that matched a rule. Matches are rare, so a bounded
// LRU covers a long history of alerts in little memory, and the check costs
// nothing on the path every other event takes.
//
// Keys are fixed-size: the event's UUID parsed into 16 bytes (any other id
// is hashed to 16 bytes) plus a 64-bit hash of the rule id. A key never
// points into a record buffer, so the cache pins no Kafka memory, and the
// same (rule, event) pair always yields the same key in every process,
// which lets a restarted detector warm its cache from the alerts it wrote
// before.
package dedupe
