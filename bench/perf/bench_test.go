package perf

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// TestBenchEmbedded runs the whole harness through the real command, on
// the embedded broker with a small stream, and checks that the report is
// complete and coherent. The figures themselves are not asserted: speed is
// what the command measures, not what a test can promise.
func TestBenchEmbedded(t *testing.T) {
	dir := t.TempDir()
	res := runBinary(t, 2*time.Minute, "bench", "--embedded",
		"--events", "20000", "--rounds", "1", "--consumers", "1,2", "--latency-duration", "1s", "--exactly-once",
		"--report", dir)
	if res.code != 0 {
		t.Fatalf("bench exited %d; stderr:\n%s", res.code, res.stderr)
	}

	data, err := os.ReadFile(filepath.Join(dir, ReportJSON))
	if err != nil {
		t.Fatal(err)
	}
	var raw map[string]any
	if err := json.Unmarshal(data, &raw); err != nil {
		t.Fatalf("report.json: %v", err)
	}
	for _, key := range []string{
		"date", "events", "ceiling_events_per_sec", "detector_events_per_sec",
		"latency_p50_ms", "latency_p99_ms", "scaling", "machine", "broker", "params",
		"ceiling_mb_per_sec", "detector_mb_per_sec", "detector_allocs_per_event",
		"detector_cpu_seconds_per_million", "exactly_once", "profiles",
	} {
		if _, ok := raw[key]; !ok {
			t.Errorf("report.json lacks %q", key)
		}
	}
	var r Report
	if err := json.Unmarshal(data, &r); err != nil {
		t.Fatalf("report.json: %v", err)
	}

	positive := map[string]float64{
		"ceiling events/s":          r.CeilingEventsPerSec,
		"ceiling MB/s":              r.CeilingMBPerSec,
		"detector events/s":         r.DetectorEventsPerSec,
		"detector MB/s":             r.DetectorMBPerSec,
		"detector allocs/event":     r.DetectorAllocsPerEvent,
		"exactly-once events/s":     r.ExactlyOnce.EventsPerSec,
		"latency p50":               r.LatencyP50Ms,
		"exactly-once latency p50":  r.ExactlyOnce.LatencyP50Ms,
		"preload mean record bytes": r.Preload.MeanBytes,
	}
	for name, v := range positive {
		if !(v > 0) {
			t.Errorf("%s = %v, want > 0", name, v)
		}
	}
	// The kernel accounts CPU time in 10 ms ticks and a 20,000-event pass
	// may finish inside one: zero is possible here, negative is not.
	if r.DetectorCPUSecondsPerMillion < 0 {
		t.Errorf("detector CPU s per 1M = %v, want >= 0", r.DetectorCPUSecondsPerMillion)
	}
	for _, l := range []Latency{r.Latency, r.ExactlyOnce.Latency} {
		if !(l.P50Ms <= l.P99Ms && l.P99Ms <= l.MaxMs) {
			t.Errorf("%s latency percentiles out of order: p50 %v, p99 %v, max %v", l.Mode, l.P50Ms, l.P99Ms, l.MaxMs)
		}
		if l.Samples == 0 || l.MissingAlerts != 0 || l.Samples != l.MatchingEvents {
			t.Errorf("%s latency: %d samples for %d matching events, %d missing alerts", l.Mode, l.Samples, l.MatchingEvents, l.MissingAlerts)
		}
	}
	if r.Events != 20000 || r.Preload.Events != 20000 || r.Params.Events != 20000 {
		t.Errorf("events = %d (preload %d, params %d), want 20000", r.Events, r.Preload.Events, r.Params.Events)
	}
	if time.Since(r.Date) > time.Hour || r.Date.After(time.Now()) {
		t.Errorf("date = %v, want about now", r.Date)
	}

	var consumers []int
	for _, s := range r.Scaling {
		consumers = append(consumers, s.Consumers)
		if !(s.EventsPerSec > 0 && s.PerProcessEventsPerSec > 0) {
			t.Errorf("scaling with %d processes: %+v, want positive rates", s.Consumers, s)
		}
	}
	if !slices.Equal(consumers, []int{1, 2}) {
		t.Errorf("scaling covers %v processes, want [1 2]", consumers)
	}
	if r.Scaling[0].EventsPerSec != r.DetectorEventsPerSec {
		t.Errorf("scaling with one process = %v, want the detector pass's %v", r.Scaling[0].EventsPerSec, r.DetectorEventsPerSec)
	}

	// The detector really detected: with the built-in rules every fresh
	// matching event gives one alert and its redeliveries none.
	if r.Preload.MatchingEvents == 0 {
		t.Fatalf("the preload has no matching event: %+v", r.Preload)
	}
	for _, p := range append(slices.Clone(r.DetectorRuns), r.ExactlyOnce.Runs...) {
		if p.Alerts != float64(r.Preload.MatchingEvents) {
			t.Errorf("a detector pass wrote %v alerts for %d matching events", p.Alerts, r.Preload.MatchingEvents)
		}
	}
	if r.Ceiling.Alerts != 0 {
		t.Errorf("the ceiling reports %v alerts", r.Ceiling.Alerts)
	}
	for _, runs := range []struct {
		name   string
		runs   []Pass
		median float64
	}{
		{"ceiling", r.CeilingRuns, r.CeilingEventsPerSec},
		{"detector", r.DetectorRuns, r.DetectorEventsPerSec},
		{"exactly-once", r.ExactlyOnce.Runs, r.ExactlyOnce.EventsPerSec},
	} {
		if len(runs.runs) != 1 || runs.runs[0].EventsPerSec != runs.median {
			t.Errorf("%s: %v events/s is not its one run %+v", runs.name, runs.median, runs.runs)
		}
	}

	m := r.Machine
	if m.CPUModel == "" || m.Cores < 1 || !strings.HasPrefix(m.GoVersion, "go") || m.OS == "" {
		t.Errorf("machine facts incomplete: %+v", m)
	}
	if !r.Params.Embedded || !strings.HasPrefix(r.Broker.Version, "kfake") || !r.Broker.Loopback {
		t.Errorf("broker = %+v, params.embedded = %v; want the embedded kfake on loopback", r.Broker, r.Params.Embedded)
	}
	if !r.Targets.MeasuredOnEmbedded || !slices.ContainsFunc(r.Notes, func(n string) bool { return strings.Contains(n, "Embedded kfake") }) {
		t.Errorf("an embedded run is not labelled as such: targets %+v, notes %q", r.Targets, r.Notes)
	}

	md, err := os.ReadFile(filepath.Join(dir, ReportMarkdown))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"## oktadetect bench, " + r.Date.Format("2006-01-02"), "| Consume-only ceiling |", "| Detector, exactly-once |", "| 2 |"} {
		if !strings.Contains(string(md), want) {
			t.Errorf("report.md lacks %q", want)
		}
	}
	if !strings.Contains(res.stdout, "| Detector, at-least-once |") {
		t.Errorf("the summary table is not on stdout:\n%s", res.stdout)
	}
	if !strings.Contains(res.stderr, "bench: preload:") {
		t.Errorf("no progress on stderr:\n%s", res.stderr)
	}

	svg, err := os.ReadFile(filepath.Join(dir, ReportChart))
	if err != nil {
		t.Fatal(err)
	}
	if doc := parseSVG(t, svg); doc.elements["rect"] < 3 || doc.elements["circle"] != 2 {
		t.Errorf("chart has %d rects and %d points, want bars for three passes and two points", doc.elements["rect"], doc.elements["circle"])
	}

	for _, name := range []string{r.Profiles.CPU, r.Profiles.Allocs} {
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil || len(b) < 2 || b[0] != 0x1f || b[1] != 0x8b {
			t.Errorf("profile %s is not a gzipped pprof file (%d bytes, err %v)", name, len(b), err)
		}
	}
}

func TestBenchFlags(t *testing.T) {
	tests := []struct {
		name string
		args []string
		code int
		want []string // in stderr
	}{
		{"help lists every flag with an example", []string{"--help"}, 0, []string{
			"Usage: oktadetect bench", "Examples:", "deploy/dev/kafka start",
			"--brokers", "--events", "--event-size-mix", "--match-rate", "--dup-rate", "--partitions",
			"--consumers", "--report", "--exactly-once", "--embedded", "--latency-load", "--rounds"}},
		{"no broker", nil, 1, []string{"--brokers is required (or --embedded"}},
		{"bad size mix", []string{"--embedded", "--event-size-mix", "3000-1000"}, 1, []string{"--event-size-mix", "maximum 1000 is less than minimum 3000"}},
		{"bad consumers", []string{"--embedded", "--consumers", "1,0"}, 1, []string{"--consumers", `"0"`}},
		{"bad rates", []string{"--embedded", "--match-rate", "2", "--dup-rate", "1"}, 1, []string{"--match-rate", "--dup-rate"}},
		{"bad latency options", []string{"--embedded", "--latency-load", "0", "--latency-duration", "10ms"}, 1, []string{"--latency-load", "--latency-duration"}},
		{"bad events", []string{"--embedded", "--events", "0"}, 1, []string{"--events"}},
		{"bad rounds", []string{"--embedded", "--rounds", "0"}, 1, []string{"--rounds"}},
		{"not a number", []string{"--embedded", "--events", "many"}, 1, []string{`invalid value "many" for --events`}},
		{"unknown flag", []string{"--nope"}, 1, []string{"flag provided but not defined: -nope"}},
		{"stray argument", []string{"--embedded", "extra"}, 1, []string{`unexpected argument "extra"`}},
		{"internal ceiling needs its flags", []string{ConsumeOnlyCommand, "--brokers", "x:1"}, 1, []string{"--topic and --group are required"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := runBinary(t, 30*time.Second, append([]string{"bench"}, tt.args...)...)
			if res.code != tt.code {
				t.Errorf("exit code = %d, want %d; stderr:\n%s", res.code, tt.code, res.stderr)
			}
			for _, w := range tt.want {
				if !strings.Contains(res.stderr, w) {
					t.Errorf("stderr lacks %q:\n%s", w, res.stderr)
				}
			}
		})
	}
}
