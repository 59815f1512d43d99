package oktaecs

// isIP reports whether Elasticsearch's convert processor accepts s as an IP
// literal (type "ip"). The rules follow Elasticsearch's own parser rather
// than net/netip, because the two disagree at the edges and the point is to
// drop exactly what the integration drops:
//
//   - IPv4 is four dot-separated decimal octets, no leading zeros, each <= 255;
//   - IPv6 is up to eight hex groups with at most one "::", optionally ending
//     in a dotted IPv4 quad; a group is any hex digits worth <= 0xffff;
//   - a "%scope" suffix is ignored, but not an empty one;
//   - anything non-ASCII, or neither a dot nor a colon, is rejected.
func isIP(s string) bool {
	lastColon := -1
	hasDot := false
	n := len(s)
	for i := 0; i < n; i++ {
		switch c := s[i]; {
		case c >= 0x80:
			return false
		case c == '.':
			hasDot = true
		case c == ':':
			if hasDot {
				return false // a colon after a dot
			}
			lastColon = i
		case c == '%':
			if i == n-1 {
				return false // empty scope
			}
			n = i
		}
	}
	s = s[:n]
	switch {
	case lastColon >= 0 && hasDot:
		// The trailing quad stands for the last two groups.
		if !isIPv4(s[lastColon+1:]) {
			return false
		}
		return isIPv6(s[:lastColon+1], true)
	case lastColon >= 0:
		return isIPv6(s, false)
	case hasDot:
		return isIPv4(s)
	}
	return false
}

func isIPv4(s string) bool {
	octets, digits, cur := 0, 0, 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '.':
			if octets >= 3 || digits == 0 || cur > 255 {
				return false
			}
			octets++
			digits, cur = 0, 0
		case c >= '0' && c <= '9':
			if digits != 0 && cur == 0 {
				return false // leading zero
			}
			cur = cur*10 + int(c-'0')
			if cur > 255 {
				return false
			}
			digits++
		default:
			return false
		}
	}
	return octets == 3 && digits != 0
}

// isIPv6 checks the colon-separated form. With quad set, s is the part
// before an embedded IPv4 quad (ending with its colon) and the quad counts as
// two more groups: Elasticsearch rewrites "a::1.2.3.4" as "a::102:304" before
// parsing, and simulating those two groups avoids building that string.
func isIPv6(s string, quad bool) bool {
	n := len(s)
	if quad {
		n += 9 // the two hex groups the quad becomes, with their colon
	}
	if n < 2 {
		return false
	}
	second := byte('0') // a quad's first group starts with a hex digit
	if len(s) > 1 {
		second = s[1]
	}
	if s[0] == ':' && second != ':' {
		return false // a single leading colon
	}
	if !quad && s[n-1] == ':' && s[n-2] != ':' {
		return false // a single trailing colon
	}
	compressed := -1
	groups := 0
	groupStart := 0
	cur := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == ':':
			if groupStart == i {
				if compressed >= 0 && i != 1 {
					return false // a second "::"
				}
				compressed = groups
			} else {
				if groups >= 8 || cur > 0xffff {
					return false
				}
				groups++
				cur = 0
			}
			groupStart = i + 1
			continue
		case c >= '0' && c <= '9':
			cur = cur*16 + int(c-'0')
		case c >= 'a' && c <= 'f':
			cur = cur*16 + int(c-'a'+10)
		case c >= 'A' && c <= 'F':
			cur = cur*16 + int(c-'A'+10)
		default:
			return false
		}
		if cur > 0xffff {
			cur = 0x10000 // saturate: only "too big" matters from here on
		}
	}
	if quad {
		for range 2 {
			if groups >= 8 {
				return false
			}
			groups++
		}
	} else if groupStart < len(s) {
		if groups >= 8 || cur > 0xffff {
			return false
		}
		groups++
	}
	if compressed >= 0 {
		return groups < 8
	}
	return groups == 8
}
