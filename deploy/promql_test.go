package deploy_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"
)

// promqlMetricNames returns the metric names an expression selects, sorted
// and without duplicates. It is a scanner, not a PromQL parser: it knows just
// enough of the grammar to tell metric names apart from functions,
// aggregations, keywords, label names, strings, durations and Grafana
// variables. It never evaluates anything.
func promqlMetricNames(expr string) ([]string, error) {
	var names []string
	s := expr
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			i++
		case c == '"' || c == '\'' || c == '`':
			end, err := skipString(s, i)
			if err != nil {
				return nil, err
			}
			i = end
		case c == '{':
			end, err := skipGroup(s, i, '{', '}')
			if err != nil {
				return nil, err
			}
			i = end
		case c == '[':
			end, err := skipGroup(s, i, '[', ']')
			if err != nil {
				return nil, err
			}
			i = end
		case c == '$':
			// Grafana variable: $name, ${name} or ${name:format}.
			i++
			if i < len(s) && s[i] == '{' {
				end, err := skipGroup(s, i, '{', '}')
				if err != nil {
					return nil, err
				}
				i = end
			} else {
				for i < len(s) && isIdentChar(s[i]) {
					i++
				}
			}
		case c >= '0' && c <= '9' || c == '.':
			// Number or duration: 0.99, 1e3, 5m, 0x1f.
			for i < len(s) && (isIdentChar(s[i]) || s[i] == '.') {
				i++
			}
		case isIdentStart(c):
			start := i
			for i < len(s) && isIdentChar(s[i]) {
				i++
			}
			word := s[start:i]
			next := skipSpace(s, i)
			followedByParen := next < len(s) && s[next] == '('
			lower := strings.ToLower(word)
			switch {
			case promqlLabelListKeywords[lower]:
				// by (a, b) / on (a) / group_left (b): label names, not metrics.
				if followedByParen {
					end, err := skipGroup(s, next, '(', ')')
					if err != nil {
						return nil, err
					}
					i = end
				}
			case promqlKeywords[lower], promqlAggregations[lower]:
			case followedByParen:
				// A function call.
			default:
				if !slices.Contains(names, word) {
					names = append(names, word)
				}
			}
		case c == '(' || c == ')':
			i++
		default:
			// Operators and separators: + - * / % ^ = ! < > , etc.
			i++
		}
	}
	if err := checkBalanced(expr); err != nil {
		return nil, err
	}
	slices.Sort(names)
	return names, nil
}

var promqlLabelListKeywords = map[string]bool{
	"by": true, "without": true, "on": true, "ignoring": true, "group_left": true, "group_right": true,
}

var promqlKeywords = map[string]bool{
	"and": true, "or": true, "unless": true, "bool": true, "offset": true, "atan2": true,
	"inf": true, "nan": true, "start": true, "end": true,
}

var promqlAggregations = map[string]bool{
	"sum": true, "min": true, "max": true, "avg": true, "group": true, "stddev": true, "stdvar": true,
	"count": true, "count_values": true, "bottomk": true, "topk": true, "quantile": true,
	"limitk": true, "limit_ratio": true,
}

func isIdentStart(c byte) bool {
	return c == '_' || c == ':' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}

func isIdentChar(c byte) bool { return isIdentStart(c) || c >= '0' && c <= '9' }

func skipSpace(s string, i int) int {
	for i < len(s) && strings.IndexByte(" \t\r\n", s[i]) >= 0 {
		i++
	}
	return i
}

// skipString returns the index just past the string literal starting at i.
func skipString(s string, i int) (int, error) {
	quote := s[i]
	for j := i + 1; j < len(s); j++ {
		switch {
		case s[j] == '\\' && quote != '`':
			j++
		case s[j] == quote:
			return j + 1, nil
		}
	}
	return 0, fmt.Errorf("unterminated string at offset %d", i)
}

// skipGroup returns the index just past the bracket that closes the one at
// i, skipping strings and nested brackets of the same kind.
func skipGroup(s string, i int, open, close byte) (int, error) {
	depth := 0
	for j := i; j < len(s); j++ {
		switch s[j] {
		case '"', '\'', '`':
			end, err := skipString(s, j)
			if err != nil {
				return 0, err
			}
			j = end - 1
		case open:
			depth++
		case close:
			depth--
			if depth == 0 {
				return j + 1, nil
			}
		}
	}
	return 0, fmt.Errorf("unclosed %q at offset %d", open, i)
}

// checkBalanced reports parentheses that do not pair up outside strings.
func checkBalanced(s string) error {
	depth := 0
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '"', '\'', '`':
			end, err := skipString(s, i)
			if err != nil {
				return err
			}
			i = end - 1
		case '(':
			depth++
		case ')':
			depth--
			if depth < 0 {
				return fmt.Errorf("unexpected ')' at offset %d", i)
			}
		}
	}
	if depth != 0 {
		return fmt.Errorf("%d unclosed '('", depth)
	}
	return nil
}

func TestPromQLMetricNames(t *testing.T) {
	tests := []struct {
		expr    string
		want    []string
		wantErr bool
	}{
		{expr: `up`, want: []string{"up"}},
		{expr: `sum by (topic) (rate(oktadetect_events_total{job=~"$job", pod=~"$pod"}[$__rate_interval]))`,
			want: []string{"oktadetect_events_total"}},
		{expr: `histogram_quantile(0.99, sum by (le) (rate(x_seconds_bucket{a="b"}[5m])))`,
			want: []string{"x_seconds_bucket"}},
		{expr: `sum(rate(a_sum[1m])) / sum(rate(a_count[1m])) > bool 0.5`, want: []string{"a_count", "a_sum"}},
		{expr: `a * on(pod) group_left(node) b`, want: []string{"a", "b"}},
		{expr: `sum without (instance) (a) unless ignoring (x) b`, want: []string{"a", "b"}},
		{expr: `max(c) by (pod)`, want: []string{"c"}},
		{expr: `topk(10, sum by (rule_id) (increase(alerts_total[$__range])))`, want: []string{"alerts_total"}},
		{expr: `count_values("version", build_info)`, want: []string{"build_info"}},
		{expr: `rate(a[5m] offset 1h)`, want: []string{"a"}},
		{expr: `a{label="}{"} + b{label='[x]'}`, want: []string{"a", "b"}},
		{expr: `a or a and NaN < Inf`, want: []string{"a"}},
		{expr: `ns:metric:rate5m * 1e3`, want: []string{"ns:metric:rate5m"}},
		{expr: `rate(a[${interval}])`, want: []string{"a"}},
		{expr: `sum(rate(a[5m])`, wantErr: true},
		{expr: `a{b="c}`, wantErr: true},
		{expr: `a)`, wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.expr, func(t *testing.T) {
			got, err := promqlMetricNames(tt.expr)
			if tt.wantErr {
				if err == nil {
					t.Fatalf("promqlMetricNames(%q) = %v, want an error", tt.expr, got)
				}
				return
			}
			if err != nil {
				t.Fatalf("promqlMetricNames(%q): %v", tt.expr, err)
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("promqlMetricNames(%q) = %v, want %v", tt.expr, got, tt.want)
			}
		})
	}
}
