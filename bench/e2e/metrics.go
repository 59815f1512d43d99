package e2e

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"testing"
	"time"
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

// Throughput is a processing rate observed from outside a detector.
type Throughput struct {
	Events  int
	Elapsed time.Duration
}

// PerSecond is the rate in events per second.
func (r Throughput) PerSecond() float64 {
	if r.Elapsed <= 0 {
		return 0
	}
	return float64(r.Events) / r.Elapsed.Seconds()
}

func (r Throughput) String() string {
	return fmt.Sprintf("%d events in %s: %.0f events/s", r.Events, r.Elapsed.Round(time.Millisecond), r.PerSecond())
}

// MeasureThroughput follows oktadetect_events_total until it reaches
// total and returns the rate from the first record handled to the last.
// The counter is scraped every 5ms; the interval runs from the last
// scrape that saw 0 to the first that saw total, so it errs long by at
// most two scrape intervals (and the rate errs low). The detector counts
// a batch when it starts handling it, so the interval covers fetching
// everything and handling all but the last batch (at most 10,000
// records). Start it before the detector is assigned its partitions, on
// a topic already holding total records, to measure a backlog being
// worked off.
func (d *Detector) MeasureThroughput(t testing.TB, total int) Throughput {
	t.Helper()
	const every = 5 * time.Millisecond
	var zeroAt time.Time
	deadline := time.Now().Add(10 * patience)
	for {
		at := time.Now()
		if m, err := d.scrape(); err == nil {
			n := m.Sum("oktadetect_events_total")
			switch {
			case n == 0:
				zeroAt = at
			case zeroAt.IsZero():
				t.Fatalf("%s had handled %v events at the first scrape; start measuring earlier", d.name, n)
			case n >= float64(total):
				return Throughput{Events: total, Elapsed: at.Sub(zeroAt)}
			}
		}
		select {
		case <-d.done:
			t.Fatalf("%s exited (%s) while its throughput was measured", d.name, d.exitText())
		case <-time.After(every):
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s did not handle %d events within %s", d.name, total, 10*patience)
		}
	}
}
