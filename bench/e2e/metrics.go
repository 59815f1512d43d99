package e2e

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"testing"
)

// Sample is one series of a Prometheus text exposition.
type Sample struct {
	Name   string
	Labels map[string]string
	Value  float64
}

// Metrics is a scrape of a detector's /metrics.
type Metrics []Sample

// ParseMetrics reads the Prometheus text exposition format (version
// 0.0.4), which is what the detector serves without content negotiation.
// Comments and blank lines are skipped; a line it cannot read is an
// error, so that a format change fails loudly instead of reading as zero.
func ParseMetrics(text string) (Metrics, error) {
	var out Metrics
	for i, line := range strings.Split(text, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || line[0] == '#' {
			continue
		}
		s, err := parseSample(line)
		if err != nil {
			return nil, fmt.Errorf("metrics line %d %q: %w", i+1, line, err)
		}
		out = append(out, s)
	}
	return out, nil
}

func parseSample(line string) (Sample, error) {
	var s Sample
	end := strings.IndexAny(line, "{ ")
	if end <= 0 {
		return s, fmt.Errorf("no metric name")
	}
	s.Name, line = line[:end], line[end:]
	if line[0] == '{' {
		s.Labels = map[string]string{}
		line = line[1:]
		for {
			line = strings.TrimLeft(line, " ,")
			if strings.HasPrefix(line, "}") {
				line = line[1:]
				break
			}
			eq := strings.Index(line, `="`)
			if eq <= 0 {
				return s, fmt.Errorf("malformed label")
			}
			name := line[:eq]
			line = line[eq+2:]
			var val strings.Builder
			closed := false
			for i := 0; i < len(line); i++ {
				c := line[i]
				if c == '\\' && i+1 < len(line) {
					i++
					switch line[i] {
					case 'n':
						val.WriteByte('\n')
					default:
						val.WriteByte(line[i])
					}
					continue
				}
				if c == '"' {
					line, closed = line[i+1:], true
					break
				}
				val.WriteByte(c)
			}
			if !closed {
				return s, fmt.Errorf("unterminated label value")
			}
			s.Labels[name] = val.String()
		}
	}
	fields := strings.Fields(line)
	if len(fields) == 0 || len(fields) > 2 {
		return s, fmt.Errorf("want a value and an optional timestamp")
	}
	v, err := strconv.ParseFloat(fields[0], 64)
	if err != nil {
		return s, fmt.Errorf("value: %w", err)
	}
	s.Value = v
	return s, nil
}

// Has reports whether any series of the metric is present.
func (m Metrics) Has(name string) bool {
	for _, s := range m {
		if s.Name == name {
			return true
		}
	}
	return false
}

// Sum adds the values of every series of the metric (0 when absent). NaN
// values are skipped.
func (m Metrics) Sum(name string) float64 {
	total := 0.0
	for _, s := range m {
		if s.Name == name && !math.IsNaN(s.Value) {
			total += s.Value
		}
	}
	return total
}

// Metrics scrapes the process's /metrics. It fails the test if the
// scrape fails or cannot be read.
func (d *Detector) Metrics(t testing.TB) Metrics {
	t.Helper()
	m, err := d.scrape()
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func (d *Detector) scrape() (Metrics, error) {
	status, body, err := d.Get("/metrics")
	if err == nil && status != 200 {
		err = fmt.Errorf("status %d", status)
	}
	if err != nil {
		return nil, fmt.Errorf("scraping %s's /metrics: %w", d.name, err)
	}
	m, err := ParseMetrics(body)
	if err != nil {
		return nil, fmt.Errorf("%s's /metrics: %w", d.name, err)
	}
	return m, nil
}

// WaitMetric waits until the sum of a metric's series satisfies cond and
// returns that sum. what describes the condition for the failure message.
func (d *Detector) WaitMetric(t testing.TB, name, what string, cond func(float64) bool) float64 {
	t.Helper()
	var v float64
	d.poll(t, "to report "+name+" "+what, func() bool {
		m, err := d.scrape()
		if err != nil {
			return false // exited (poll reports it) or not answering yet
		}
		v = m.Sum(name)
		return cond(v)
	})
	return v
}
