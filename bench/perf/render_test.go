package perf

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"errors"
	"io"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// loadReport reads the hand-made report fixture: a run with exactly-once
// and three scaling points.
func loadReport(t *testing.T) *Report {
	t.Helper()
	data, err := os.ReadFile("testdata/report.json")
	if err != nil {
		t.Fatal(err)
	}
	r := &Report{}
	if err := json.Unmarshal(data, r); err != nil {
		t.Fatalf("decoding testdata/report.json: %v", err)
	}
	return r
}

// svgDoc is what the tests check of a chart: that it is well-formed XML
// with an <svg> root, and its texts and shapes.
type svgDoc struct {
	texts    []string
	elements map[string]int
}

func parseSVG(t *testing.T, data []byte) svgDoc {
	t.Helper()
	doc := svgDoc{elements: map[string]int{}}
	d := xml.NewDecoder(bytes.NewReader(data))
	depth, root := 0, ""
	var inText bool
	for {
		tok, err := d.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatalf("chart is not well-formed XML: %v\n%s", err, data)
		}
		switch tok := tok.(type) {
		case xml.StartElement:
			if depth == 0 {
				root = tok.Name.Local
				if tok.Name.Space != "http://www.w3.org/2000/svg" {
					t.Errorf("root namespace = %q, want the SVG namespace", tok.Name.Space)
				}
			}
			depth++
			doc.elements[tok.Name.Local]++
			inText = tok.Name.Local == "text"
		case xml.EndElement:
			depth--
			inText = false
		case xml.CharData:
			if inText {
				doc.texts = append(doc.texts, string(tok))
			}
		}
	}
	if root != "svg" {
		t.Fatalf("root element = %q, want svg", root)
	}
	return doc
}

func (d svgDoc) hasText(s string) bool {
	for _, t := range d.texts {
		if strings.Contains(t, s) {
			return true
		}
	}
	return false
}

func TestChart(t *testing.T) {
	r := loadReport(t)
	doc := parseSVG(t, r.Chart())
	for _, want := range []string{
		"consume-only", "at-least-once", "exactly-once", // the bars
		"403,000", "386,000 (96%)", "301,000 (75%)", // their values, against the ceiling
		"352,000", // a scaling point
		"Apache Kafka 4.4.0 on loopback", "300,000 events of 1,000–3,000 bytes",
		"consume-only ceiling, 1 process", "linear",
		"One process: median and range of 3 runs",
	} {
		if !doc.hasText(want) {
			t.Errorf("chart lacks text %q; texts: %q", want, doc.texts)
		}
	}
	// Background, one bar per pass.
	if got := doc.elements["rect"]; got != 1+3 {
		t.Errorf("chart has %d rects, want 4 (background and three bars)", got)
	}
	if got := doc.elements["circle"]; got != len(r.Scaling) {
		t.Errorf("chart has %d points, want %d", got, len(r.Scaling))
	}
	if got := doc.elements["polyline"]; got != 1 {
		t.Errorf("chart has %d lines, want 1", got)
	}
	// A whisker (three lines) per bar, grid lines, the baselines and the
	// references: at least the whiskers must be there.
	if got := doc.elements["line"]; got < 3*3 {
		t.Errorf("chart has %d lines, want whiskers on its three bars", got)
	}
}

func TestChartDegenerate(t *testing.T) {
	tests := []struct {
		name   string
		report *Report
		texts  []string
	}{
		{"zero report", &Report{}, []string{"no scaling pass", "consume-only"}},
		{"failed figures", &Report{
			Ceiling:  Pass{EventsPerSec: math.NaN()},
			Detector: Pass{EventsPerSec: math.Inf(1)},
			Scaling:  []ScalingPoint{{Consumers: 1, EventsPerSec: -5}},
			Machine:  Machine{Busy: true, LoadAverageStart: [3]float64{7.5}},
		}, []string{"BUSY machine (load 7.5 at start)"}},
		{"one scaling point without one process", &Report{
			Ceiling: Pass{EventsPerSec: 1000},
			Scaling: []ScalingPoint{{Consumers: 4, EventsPerSec: 2500}},
			Params:  Params{Embedded: true},
		}, []string{"2,500", "embedded kfake"}},
		{"markup in names is escaped", &Report{
			Broker: Broker{Version: `<Kafka & "friends">`},
		}, []string{`<Kafka & "friends">`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out := tt.report.Chart()
			doc := parseSVG(t, out)
			for _, want := range tt.texts {
				if !doc.hasText(want) {
					t.Errorf("chart lacks %q; texts: %q", want, doc.texts)
				}
			}
			for _, bad := range []string{"NaN", "Inf"} {
				if bytes.Contains(out, []byte(bad)) {
					t.Errorf("chart contains %q:\n%s", bad, out)
				}
			}
		})
	}
}

func TestNiceScale(t *testing.T) {
	tests := []struct {
		v, max, step float64
	}{
		{403000, 500000, 100000},
		{386000, 400000, 100000},
		{100000, 100000, 20000},
		{1, 1, 0.2},
		{0.7, 0.8, 0.2},
		{12, 12.5, 2.5},
		{999, 1000, 200},
		{0, 1, 0.25},
		{math.NaN(), 1, 0.25},
		{math.Inf(1), 1, 0.25},
	}
	for _, tt := range tests {
		max, step := niceScale(tt.v)
		if math.Abs(max-tt.max) > 1e-9 || math.Abs(step-tt.step) > 1e-9 {
			t.Errorf("niceScale(%v) = %v, %v; want %v, %v", tt.v, max, step, tt.max, tt.step)
		}
		if ticks := max / step; ticks < 4-1e-9 || ticks > 6+1e-9 {
			t.Errorf("niceScale(%v) gives %v ticks, want 4 to 6", tt.v, ticks)
		}
	}
}

func TestNumberFormats(t *testing.T) {
	for _, tt := range []struct{ got, want string }{
		{count(0), "0"},
		{count(999), "999"},
		{count(1000), "1,000"},
		{count(int64(-1234567)), "-1,234,567"},
		{rate(386123.4), "386,000"},
		{rate(1234.5), "1,230"},
		{rate(math.NaN()), "n/a"},
		{short(0), "0"},
		{short(750), "750"},
		{short(12500), "12.5k"},
		{short(400000), "400k"},
		{short(1250000), "1.25M"},
		{percent(0.001), "0.1%"},
		{percent(0.01), "1%"},
		{percent(0.5), "50%"},
	} {
		if tt.got != tt.want {
			t.Errorf("got %q, want %q", tt.got, tt.want)
		}
	}
}

func TestMarkdown(t *testing.T) {
	r := loadReport(t)
	md := string(r.Markdown())
	for _, want := range []string{
		"## oktadetect bench, 2026-03-02 09:30 UTC",
		"uncompressed, 6 partitions, the built-in rules, also with --exactly-once",
		"Apache Kafka 4.4.0, 1 broker on loopback",
		"Example CPU @ 3.0GHz, 2 cores",
		"Machine idle: load average 0.20 at start",
		"| Consume-only ceiling | 403,000 | 3: 398,000–410,000 | 1034.2 | 100% |",
		"| Detector, at-least-once | 386,000 | 3: 379,000–391,000 | 990.6 | 96% | 0.73 | 2.20 |",
		"| Detector, exactly-once | 301,000 |",
		"| at-least-once | 193,000 events/s (50%) | 998 | 2.9 ms | 7.8 ms | 12.0 ms |",
		"| exactly-once |",
		"| 3 | 301,000 | 100,000 | 75% | 3.60 |",
		"at least 90% of the ceiling: **met** (96%)",
		"> The at-least-once latency rests on 998 alerts",
		"![Throughput: ceiling, detector and scaling](throughput.svg)",
		"`cpu.pprof` (3 s of CPU profile)",
	} {
		if !strings.Contains(md, want) {
			t.Errorf("report.md lacks %q:\n%s", want, md)
		}
	}

	r.Machine.Busy = true
	r.Targets.ShareOfCeilingMet = false
	md = string(r.Markdown())
	for _, want := range []string{"Machine **busy**", "**not met** (96%)"} {
		if !strings.Contains(md, want) {
			t.Errorf("report.md of a busy run lacks %q", want)
		}
	}
}

func TestWriteFiles(t *testing.T) {
	r := loadReport(t)
	dir := filepath.Join(t.TempDir(), "new", "dir")
	if err := r.WriteFiles(dir); err != nil {
		t.Fatalf("WriteFiles: %v", err)
	}
	data, err := os.ReadFile(filepath.Join(dir, ReportJSON))
	if err != nil {
		t.Fatal(err)
	}
	back := &Report{}
	if err := json.Unmarshal(data, back); err != nil {
		t.Fatalf("report.json does not decode: %v", err)
	}
	if back.DetectorEventsPerSec != r.DetectorEventsPerSec || len(back.Scaling) != len(r.Scaling) || back.Latency.P99Ms != r.Latency.P99Ms {
		t.Errorf("report.json does not round-trip: %+v", back)
	}
	for _, name := range []string{ReportMarkdown, ReportChart} {
		if fi, err := os.Stat(filepath.Join(dir, name)); err != nil || fi.Size() == 0 {
			t.Errorf("%s not written: %v", name, err)
		}
	}

	r.Latency.MeanMs = math.NaN() // JSON has no NaN: the encoder must refuse, not write garbage
	if err := r.WriteFiles(t.TempDir()); err == nil {
		t.Error("WriteFiles accepted a NaN figure")
	}
}
