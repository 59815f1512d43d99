package perf

import (
	"bufio"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// Metric families read from a child's /metrics. The first three are
// oktadetect's own; the ceiling consumer exports the first under the same
// name so that both are measured the same way. The others come from
// client_golang's Go and process collectors, which both children register.
const (
	metricEvents     = "oktadetect_events_total"
	metricAlerts     = "oktadetect_alerts_total"
	metricDuplicates = "oktadetect_duplicates_total"
	metricMallocs    = "go_memstats_mallocs_total"
	metricCPU        = "process_cpu_seconds_total"
	metricGCs        = "go_gc_duration_seconds_count"
)

// counters are the cumulative values of one scrape, each summed over its
// label sets (events are counted per input topic, alerts per rule).
type counters struct {
	Events     float64
	Alerts     float64
	Duplicates float64
	Mallocs    float64
	CPUSeconds float64
	GCs        float64
}

func (c counters) plus(o counters) counters {
	return counters{c.Events + o.Events, c.Alerts + o.Alerts, c.Duplicates + o.Duplicates,
		c.Mallocs + o.Mallocs, c.CPUSeconds + o.CPUSeconds, c.GCs + o.GCs}
}

func (c counters) minus(o counters) counters {
	return counters{c.Events - o.Events, c.Alerts - o.Alerts, c.Duplicates - o.Duplicates,
		c.Mallocs - o.Mallocs, c.CPUSeconds - o.CPUSeconds, c.GCs - o.GCs}
}

// parseMetrics reads the Prometheus text exposition format and sums the
// families counters holds. Families it does not know are skipped; a sample
// line it cannot read is an error, since a silently missing counter would
// turn into a wrong figure.
func parseMetrics(r io.Reader) (counters, error) {
	var c counters
	fields := map[string]*float64{
		metricEvents:     &c.Events,
		metricAlerts:     &c.Alerts,
		metricDuplicates: &c.Duplicates,
		metricMallocs:    &c.Mallocs,
		metricCPU:        &c.CPUSeconds,
		metricGCs:        &c.GCs,
	}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64<<10), 1<<20)
	for line := 1; sc.Scan(); line++ {
		text := strings.TrimSpace(sc.Text())
		if text == "" || text[0] == '#' {
			continue
		}
		name, value, err := sampleOf(text)
		if err != nil {
			return counters{}, fmt.Errorf("metrics line %d: %w", line, err)
		}
		if p := fields[name]; p != nil {
			*p += value
		}
	}
	if err := sc.Err(); err != nil {
		return counters{}, fmt.Errorf("reading metrics: %w", err)
	}
	return c, nil
}

// sampleOf splits a sample line, name{labels} value [timestamp], into its
// metric name and value. Label values may hold spaces, braces and escaped
// quotes.
func sampleOf(line string) (name string, value float64, err error) {
	end := strings.IndexAny(line, "{ \t")
	if end <= 0 {
		return "", 0, fmt.Errorf("no value in %q", truncate(line, 80))
	}
	name, rest := line[:end], line[end:]
	if rest[0] == '{' {
		close := labelsEnd(rest)
		if close < 0 {
			return "", 0, fmt.Errorf("unterminated labels in %q", truncate(line, 80))
		}
		rest = rest[close+1:]
	}
	f := strings.Fields(rest)
	if len(f) == 0 || len(f) > 2 {
		return "", 0, fmt.Errorf("want a value and an optional timestamp after %s in %q", name, truncate(line, 80))
	}
	value, err = strconv.ParseFloat(f[0], 64)
	if err != nil {
		return "", 0, fmt.Errorf("value of %s: %w", name, err)
	}
	return name, value, nil
}

// labelsEnd returns the index of the brace closing the label set s starts
// with, skipping quoted values, or -1.
func labelsEnd(s string) int {
	quoted := false
	for i := 1; i < len(s); i++ {
		switch c := s[i]; {
		case quoted && c == '\\':
			i++
		case c == '"':
			quoted = !quoted
		case !quoted && c == '}':
			return i
		}
	}
	return -1
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "..."
}
