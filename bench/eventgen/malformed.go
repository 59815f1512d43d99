package eventgen

import (
	"bytes"
	"math/rand/v2"
	"strconv"
)

// Poison record kinds accepted by Malformed.
const (
	MalformedInvalidJSON = "invalid-json" // a raw event cut off mid-way
	MalformedBinary      = "binary"       // random bytes that are not UTF-8
	MalformedDeep        = "deep"         // objects nested MalformedDepth deep
	MalformedHuge        = "huge"         // a valid raw event just under 1 MB
	MalformedNotObject   = "not-object"   // valid JSON, but an array
	MalformedEmpty       = "empty"        // zero bytes
)

// MalformedDepth is the nesting depth of the "deep" record: exactly the
// limit encoding/json accepts, far beyond what sonic's decoder does.
const MalformedDepth = 10000

// malformedHugeSize bounds the "huge" record: just under 1,000,000 bytes,
// so that it still fits Kafka's default maximum message size
// (message.max.bytes, 1 MiB plus overhead) and reaches the consumer.
const malformedHugeSize = 1_000_000

// MalformedKinds returns the kinds Malformed accepts, in a fixed order.
func MalformedKinds() []string {
	return []string{MalformedInvalidJSON, MalformedBinary, MalformedDeep, MalformedHuge, MalformedNotObject, MalformedEmpty}
}

// Malformed returns a poison record of the given kind, the same bytes on
// every call: the records a consumer must survive without stalling a
// partition. It returns nil for an unknown kind.
//
//   - "invalid-json": a raw Okta event truncated in the middle.
//   - "binary": 512 random bytes that are not valid UTF-8.
//   - "deep": {"d":{"d":...{}...}}, MalformedDepth objects deep; valid
//     JSON that recursive decoders refuse or overflow on.
//   - "huge": a valid raw Okta event (a provisioning job with thousands of
//     targets) just under 1,000,000 bytes.
//   - "not-object": valid JSON whose top level is an array (holding an
//     event), not an object.
//   - "empty": a zero-length, non-nil record.
func Malformed(kind string) []byte {
	switch kind {
	case MalformedInvalidJSON:
		raw := poisonEvent(0)
		return raw[:len(raw)*3/5]
	case MalformedBinary:
		r := rand.New(rand.NewPCG(0xbad, 0xf00d))
		b := make([]byte, 512)
		for i := range b {
			b[i] = byte(r.Uint32())
		}
		// 0xff never occurs in UTF-8; leading with it also makes the
		// record not start like any JSON value.
		b[0], b[1] = 0xff, 0xfe
		return b
	case MalformedDeep:
		b := make([]byte, 0, MalformedDepth*6)
		for range MalformedDepth - 1 {
			b = append(b, `{"d":`...)
		}
		b = append(b, "{}"...)
		return append(b, bytes.Repeat([]byte{'}'}, MalformedDepth-1)...)
	case MalformedHuge:
		return poisonEvent(malformedHugeSize)
	case MalformedNotObject:
		raw := poisonEvent(0)
		b := make([]byte, 0, len(raw)+2)
		b = append(b, '[')
		b = append(b, raw...)
		return append(b, ']')
	case MalformedEmpty:
		return []byte{}
	}
	return nil
}

// poisonEvent renders a fixed raw provisioning event; with size > 0 it
// adds group targets (as a bulk group push would have) until the next
// would take the record past size.
func poisonEvent(size int) []byte {
	r := rand.New(rand.NewPCG(0x5eed, 0xbad))
	w := newWorld(r)
	var ev logEvent
	b := builder{r: r, w: w, ev: &ev}
	b.build(&specs[specIndex("app.user_management")], DefaultStart, newUUID(r))
	if size <= 0 {
		return ev.appendJSON(nil)
	}
	n := len(ev.appendJSON(nil))
	var buf []byte
	for i := 0; ; i++ {
		g := w.groups[i%len(w.groups)]
		t := entity{id: oktaID(r, "0oG", w.cell), typ: "AppGroup", alternateID: g.name, displayName: g.name,
			detail: []kv{{"source", "PUSH"}, {"sequence", strconv.Itoa(i)}}}
		buf = t.appendJSON(buf[:0])
		if n+len(buf)+1 > size {
			break
		}
		n += len(buf) + 1
		ev.targets = append(ev.targets, t)
	}
	return ev.appendJSON(make([]byte, 0, n))
}

// specIndex returns the index of typ in specs (0 if absent).
func specIndex(typ string) int {
	for i := range specs {
		if specs[i].typ == typ {
			return i
		}
	}
	return 0
}
