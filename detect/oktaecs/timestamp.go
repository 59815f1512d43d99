package oktaecs

import "time"

// esTimeLayout is the date processor's default output format
// (yyyy-MM-dd'T'HH:mm:ss.SSSXXX, in UTC).
const esTimeLayout = "2006-01-02T15:04:05.000Z07:00"

// timestamp converts LogEvent.published the way the integration's date
// processor (format ISO8601, default UTC zone) does, giving the @timestamp
// text. Okta always writes the canonical form, which is returned unchanged
// without allocating; other accepted forms are parsed and reformatted.
func timestamp(v string) (string, bool) {
	if isCanonicalTime(v) {
		return v, true
	}
	t, ok := parseISO8601(v)
	if !ok {
		return "", false
	}
	return t.UTC().Format(esTimeLayout), true
}

// isCanonicalTime reports whether v is exactly yyyy-MM-ddTHH:mm:ss.SSSZ with
// valid field values, i.e. already what the date processor would output.
func isCanonicalTime(v string) bool {
	if len(v) != 24 || v[23] != 'Z' || v[19] != '.' {
		return false
	}
	for _, i := range [...]int{20, 21, 22} {
		if !isDigit(v[i]) {
			return false
		}
	}
	_, rest, ok := parseDateTime(v[:19])
	return ok && rest == ""
}

// parseISO8601 accepts the ISO 8601 forms Elasticsearch's "ISO8601" date
// format accepts in practice: a calendar date, optionally followed by 'T', an
// hour with optional minutes, seconds and a 1-9 digit fraction ('.' or ','),
// and an optional zone: Z, ±HH, ±HHmm or ±HH:mm. A missing zone means UTC.
func parseISO8601(v string) (time.Time, bool) {
	if len(v) == 10 {
		y, m, d, ok := parseDate(v)
		if !ok {
			return time.Time{}, false
		}
		return time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC), true
	}
	t, rest, ok := parseDateTime(v)
	if !ok {
		return time.Time{}, false
	}
	if rest == "" {
		return t, true
	}
	if rest == "Z" {
		return t, true
	}
	sign := 1
	switch rest[0] {
	case '+':
	case '-':
		sign = -1
	default:
		return time.Time{}, false
	}
	rest = rest[1:]
	var hh, mm int
	switch {
	case len(rest) == 2:
		hh, ok = num(rest)
	case len(rest) == 4:
		hh, ok = num(rest[:2])
		if ok {
			mm, ok = num(rest[2:])
		}
	case len(rest) == 5 && rest[2] == ':':
		hh, ok = num(rest[:2])
		if ok {
			mm, ok = num(rest[3:])
		}
	default:
		ok = false
	}
	if !ok || hh > 18 || mm > 59 {
		return time.Time{}, false
	}
	offset := sign * (hh*3600 + mm*60)
	return t.Add(-time.Duration(offset) * time.Second), true
}

// parseDateTime parses yyyy-MM-ddTHH[:mm[:ss[.fraction]]] at the start of v
// as a UTC time and returns what follows.
func parseDateTime(v string) (time.Time, string, bool) {
	if len(v) < 13 || v[10] != 'T' {
		return time.Time{}, "", false
	}
	y, mo, d, ok := parseDate(v[:10])
	if !ok {
		return time.Time{}, "", false
	}
	rest := v[11:]
	var hms [3]int
	n := 0
	for n < 3 {
		if n > 0 {
			if len(rest) < 3 || rest[0] != ':' {
				break
			}
			rest = rest[1:]
		}
		if len(rest) < 2 {
			return time.Time{}, "", false
		}
		x, ok := num(rest[:2])
		if !ok {
			return time.Time{}, "", false
		}
		hms[n] = x
		rest = rest[2:]
		n++
	}
	nanos := 0
	if n == 3 && len(rest) > 0 && (rest[0] == '.' || rest[0] == ',') {
		digits := 0
		for digits < len(rest)-1 && isDigit(rest[1+digits]) {
			digits++
		}
		if digits == 0 || digits > 9 {
			return time.Time{}, "", false
		}
		for i := 0; i < 9; i++ {
			nanos *= 10
			if i < digits {
				nanos += int(rest[1+i] - '0')
			}
		}
		rest = rest[1+digits:]
	}
	if hms[0] > 23 || hms[1] > 59 || hms[2] > 59 {
		return time.Time{}, "", false
	}
	return time.Date(y, time.Month(mo), d, hms[0], hms[1], hms[2], nanos, time.UTC), rest, true
}

// parseDate parses yyyy-MM-dd strictly: February 30th is an error, as it is
// for Elasticsearch's strict resolver.
func parseDate(v string) (y, m, d int, ok bool) {
	if len(v) != 10 || v[4] != '-' || v[7] != '-' {
		return 0, 0, 0, false
	}
	y, ok1 := num(v[:4])
	m, ok2 := num(v[5:7])
	d, ok3 := num(v[8:10])
	if !ok1 || !ok2 || !ok3 || m < 1 || m > 12 || d < 1 || d > daysIn(m, y) {
		return 0, 0, 0, false
	}
	return y, m, d, true
}

func daysIn(m, y int) int {
	switch m {
	case 2:
		if y%4 == 0 && (y%100 != 0 || y%400 == 0) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}

// num parses a short run of ASCII digits.
func num(s string) (int, bool) {
	n := 0
	for i := 0; i < len(s); i++ {
		if !isDigit(s[i]) {
			return 0, false
		}
		n = n*10 + int(s[i]-'0')
	}
	return n, len(s) > 0
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }
