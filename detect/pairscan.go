package detect

// A pair is two adjacent bytes. Searching for a pair instead of a single
// byte is what makes the prefilter fast: single bytes of a literal occur
// dozens of times in a record, but a well-chosen pair of adjacent bytes
// ("h_" in app.generic.unauth_app_access_attempt, or "\u" for escapes)
// occurs once or not at all, so the scan rarely stops.
//
// pairSet holds up to four pairs searched in one pass: a[i] followed by
// b[i]. Unused slots repeat a used pair.
type pairSet struct {
	a, b [4]byte
}

func newPairSet(pairs [][2]byte) pairSet {
	var ps pairSet
	for i := range ps.a {
		p := pairs[i%len(pairs)]
		ps.a[i], ps.b[i] = p[0], p[1]
	}
	return ps
}

// indexPairs returns the smallest i such that s[i] == ps.a[k] and
// s[i+1] == ps.b[k] for some k, or -1.
func indexPairs(s []byte, ps *pairSet) int {
	if len(s) < 2 {
		return -1
	}
	return indexPairsImpl(s, ps)
}

// indexPairsGeneric is the portable implementation, and the reference the
// vectorised one is tested against.
func indexPairsGeneric(s []byte, ps *pairSet) int {
	for i := 0; i+1 < len(s); i++ {
		c, d := s[i], s[i+1]
		if (c == ps.a[0] && d == ps.b[0]) || (c == ps.a[1] && d == ps.b[1]) ||
			(c == ps.a[2] && d == ps.b[2]) || (c == ps.a[3] && d == ps.b[3]) {
			return i
		}
	}
	return -1
}

// indexControl returns the first index of a control character (a byte
// below 0x20) in s, or -1. JSON allows none inside strings and only
// white space outside them.
func indexControl(s []byte) int { return indexControlImpl(s) }

func indexControlGeneric(s []byte) int {
	for i, c := range s {
		if c < 0x20 {
			return i
		}
	}
	return -1
}
