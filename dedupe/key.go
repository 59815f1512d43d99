package dedupe

import (
	"crypto/sha256"
	"hash/fnv"
)

// Key identifies one (rule, event) pair.
type Key struct {
	Event [16]byte // the event's UUID, or a hash of its id
	Rule  uint64   // FNV-1a of the rule id
}

// KeyOf returns the key for an event id and a rule id.
func KeyOf(ruleID, eventID string) Key {
	return Key{Event: EventKey(eventID), Rule: RuleKey(ruleID)}
}

// RuleKey hashes a rule id. Callers on a hot path compute it once per
// rule.
func RuleKey(ruleID string) uint64 {
	h := fnv.New64a()
	h.Write([]byte(ruleID))
	return h.Sum64()
}

// EventKey returns the 16 bytes of id when id is a UUID in its canonical
// text form (either case), and the first 16 bytes of its SHA-256
// otherwise. The two cannot collide in practice: a hash output that is
// also the UUID of another event is a 2^-128 event.
func EventKey(id string) [16]byte {
	if k, ok := parseUUID(id); ok {
		return k
	}
	sum := sha256.Sum256([]byte(id))
	var k [16]byte
	copy(k[:], sum[:16])
	return k
}

// parseUUID reads xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx.
func parseUUID(s string) (k [16]byte, ok bool) {
	if len(s) != 36 || s[8] != '-' || s[13] != '-' || s[18] != '-' || s[23] != '-' {
		return k, false
	}
	j := 0
	for i := 0; i < 36; {
		if s[i] == '-' {
			i++
			continue
		}
		hi, lo := unhex[s[i]], unhex[s[i+1]]
		if hi|lo == 0xff {
			return k, false
		}
		k[j] = hi<<4 | lo
		j++
		i += 2
	}
	return k, true
}

// unhex maps a hex digit to its value and every other byte to 0xff.
var unhex = func() (t [256]byte) {
	for i := range t {
		t[i] = 0xff
	}
	for c := byte('0'); c <= '9'; c++ {
		t[c] = c - '0'
	}
	for c := byte('a'); c <= 'f'; c++ {
		t[c] = c - 'a' + 10
		t[c-'a'+'A'] = c - 'a' + 10
	}
	return t
}()
