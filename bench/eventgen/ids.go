package eventgen

import (
	"math/rand/v2"
	"net/netip"
	"strconv"
)

const (
	base62   = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	base64ID = base62 + "-_"
	hexLower = "0123456789abcdef"
)

// randString returns n characters drawn from alphabet.
func randString(r *rand.Rand, alphabet string, n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = alphabet[r.IntN(len(alphabet))]
	}
	return string(b)
}

// oktaID returns an Okta object id: a three-character type prefix ("00u"
// users, "0oa" applications, "00g" groups, ...), fourteen random
// characters and the org's three-character cell suffix, twenty in all.
func oktaID(r *rand.Rand, prefix, suffix string) string {
	b := make([]byte, 0, 20)
	b = append(b, prefix...)
	for len(b) < 17 {
		b = append(b, base62[r.IntN(len(base62))])
	}
	b = append(b, suffix...)
	return string(b)
}

// appendUUID appends a random UUID in the time-based (version 1) layout
// Okta's System Log uses. Its 122 random bits make a collision within any
// stream this package can produce practically impossible; the dedupe
// tests rely on fresh events never sharing a uuid.
func appendUUID(dst []byte, r *rand.Rand) []byte {
	hi, lo := r.Uint64(), r.Uint64()
	hi = hi&^0xf000 | 0x1000           // version 1
	lo = lo&^(0xc000<<48) | 0x8000<<48 // RFC 4122 variant
	var u [16]byte
	for i := 0; i < 8; i++ {
		u[i] = byte(hi >> (56 - 8*i))
		u[8+i] = byte(lo >> (56 - 8*i))
	}
	for i, c := range u {
		if i == 4 || i == 6 || i == 8 || i == 10 {
			dst = append(dst, '-')
		}
		dst = append(dst, hexLower[c>>4], hexLower[c&0xf])
	}
	return dst
}

// newUUID returns a UUID string (see appendUUID).
func newUUID(r *rand.Rand) string {
	var b [36]byte
	return string(appendUUID(b[:0], r))
}

// requestID returns an Okta request id: 27 URL-safe characters, the tail
// of which encodes the serving node.
func requestID(r *rand.Rand) string {
	return randString(r, base64ID, 23) + "AAA" + string(base62[r.IntN(len(base62))])
}

// ipv4In returns a random host address in the /24 documentation network
// prefix (192.0.2.0, 198.51.100.0 or 203.0.113.0), avoiding .0 and .255.
func ipv4In(r *rand.Rand, prefix string) string {
	return prefix + strconv.Itoa(1+r.IntN(254))
}

// docNetworks are the IPv4 documentation ranges (RFC 5737); every IPv4
// address the generator writes comes from one of them.
var docNetworks = [...]string{"192.0.2.", "198.51.100.", "203.0.113."}

// randomIPv4 returns an address in a random documentation network.
func randomIPv4(r *rand.Rand) string {
	return ipv4In(r, docNetworks[r.IntN(len(docNetworks))])
}

// randomIPv6 returns an address in the IPv6 documentation prefix
// 2001:db8::/32 (RFC 3849), in canonical form.
func randomIPv6(r *rand.Rand) string {
	var a [16]byte
	a[0], a[1], a[2], a[3] = 0x20, 0x01, 0x0d, 0xb8
	for i := 4; i < 16; i++ {
		if i >= 8 && i < 14 && r.IntN(3) == 0 {
			continue // leave zero runs, as real interface ids often have
		}
		a[i] = byte(r.Uint32())
	}
	return netip.AddrFrom16(a).String()
}
