package rules

import (
	"errors"
	"math"
	"strconv"
	"time"
)

// intervalUnits are the units Elastic accepts in a rule's interval: a
// whole number followed by exactly one of them, as in "5m" or "1h".
var intervalUnits = map[byte]time.Duration{
	's': time.Second,
	'm': time.Minute,
	'h': time.Hour,
	'd': 24 * time.Hour,
}

// parseInterval parses an Elastic rule interval such as "5m". Unlike
// time.ParseDuration it knows days and rejects fractions and compound
// values ("1h30m"), which Elastic does not accept either.
func parseInterval(s string) (time.Duration, error) {
	if s == "" {
		return 0, errIntervalFormat
	}
	num := s[:len(s)-1]
	unit, ok := intervalUnits[s[len(s)-1]]
	if !ok || !allDigits(num) {
		return 0, errIntervalFormat
	}
	n, err := strconv.ParseUint(num, 10, 63)
	if err != nil || n > uint64(math.MaxInt64/unit) {
		return 0, errors.New("too large")
	}
	if n == 0 {
		return 0, errors.New("must be longer than zero")
	}
	return time.Duration(n) * unit, nil
}

var errIntervalFormat = errors.New(`expected a whole number and a unit (s, m, h or d), like "5m"`)

// validFrom reports whether s is a look-back Elastic accepts: date math
// relative to now, such as "now-6m" or "now-1h". Only the subtract-one-
// amount form appears in rules; rounding ("/d") and absolute dates are
// not accepted.
func validFrom(s string) bool {
	if s == "now" {
		return true
	}
	if len(s) < len("now-1m") || s[:4] != "now-" {
		return false
	}
	num, unit := s[4:len(s)-1], s[len(s)-1]
	switch unit {
	case 's', 'm', 'h', 'H', 'd', 'w', 'M', 'y': // Elasticsearch date math units
	default:
		return false
	}
	return allDigits(num)
}

func allDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
