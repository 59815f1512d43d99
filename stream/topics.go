package stream

import (
	"fmt"
	"regexp"
	"strings"
)

// regexMeta are the characters that turn a Topics entry into a regular
// expression. A dot is deliberately absent: Kafka topic names contain dots
// ("logs-okta.system-default"), and treating every such name as a pattern
// would make it match more than the one topic it names.
const regexMeta = `*+?[](){}|^$\`

// isPattern reports whether a Topics entry is a regular expression.
func isPattern(entry string) bool { return strings.ContainsAny(entry, regexMeta) }

// subscription is the parsed form of the Topics option.
type subscription struct {
	// names are the entries without regex metacharacters.
	names []string
	// patterns are the compiled, anchored regular expressions, one per
	// pattern entry. Empty when every entry is a plain name.
	patterns []*regexp.Regexp
	// exprs are what franz-go is given: the plain names when there is no
	// pattern, otherwise every entry as an anchored expression (franz-go
	// treats either all entries as regular expressions or none).
	exprs []string
}

// newSubscription parses Topics entries. A pattern is anchored at both
// ends, so "logs-okta.*" means "names starting with logs-okta" (as an index
// pattern would) rather than "names containing logs-okt".
func newSubscription(entries []string) (subscription, error) {
	var s subscription
	for _, e := range entries {
		if e == "" {
			return subscription{}, fmt.Errorf("stream.Topics: empty topic name")
		}
		if !isPattern(e) {
			s.names = append(s.names, e)
			continue
		}
		expr := anchor(e)
		re, err := regexp.Compile(expr)
		if err != nil {
			return subscription{}, fmt.Errorf("stream.Topics: %q is not a valid regular expression: %w", e, err)
		}
		s.patterns = append(s.patterns, re)
	}
	if len(s.patterns) == 0 {
		s.exprs = s.names
		return s, nil
	}
	for _, e := range entries {
		if isPattern(e) {
			s.exprs = append(s.exprs, anchor(e))
		} else {
			s.exprs = append(s.exprs, literal(e))
		}
	}
	return s, nil
}

// regex reports whether the subscription needs regex consuming.
func (s subscription) regex() bool { return len(s.patterns) > 0 }

// matches reports whether topic is subscribed to.
func (s subscription) matches(topic string) bool {
	for _, n := range s.names {
		if n == topic {
			return true
		}
	}
	for _, re := range s.patterns {
		if re.MatchString(topic) {
			return true
		}
	}
	return false
}

func anchor(expr string) string { return "^(?:" + expr + ")$" }

func literal(name string) string { return "^" + regexp.QuoteMeta(name) + "$" }
