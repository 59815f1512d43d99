package perf

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"time"
)

// Benchmark targets. They are goals to compare against, never test
// assertions: a figure below target is reported, not failed.
const (
	TargetShareOfCeiling = 0.90 // at-least-once detector throughput over the consume-only ceiling
	TargetLatencyP99Ms   = 50.0 // at half the measured throughput, on loopback
)

// Report is the outcome of Run. Its JSON form (report.json) keeps the
// headline figures at the top level, flat, for scripts and dashboards, and
// the details of every pass below them.
type Report struct {
	Date    time.Time `json:"date"`
	Version string    `json:"oktadetect_version"`
	Events  int       `json:"events"`

	CeilingEventsPerSec          float64        `json:"ceiling_events_per_sec"`
	CeilingMBPerSec              float64        `json:"ceiling_mb_per_sec"`
	DetectorEventsPerSec         float64        `json:"detector_events_per_sec"`
	DetectorMBPerSec             float64        `json:"detector_mb_per_sec"`
	DetectorShareOfCeiling       float64        `json:"detector_share_of_ceiling"`
	DetectorAllocsPerEvent       float64        `json:"detector_allocs_per_event"`
	DetectorCPUSecondsPerMillion float64        `json:"detector_cpu_seconds_per_million"`
	LatencyP50Ms                 float64        `json:"latency_p50_ms"`
	LatencyP99Ms                 float64        `json:"latency_p99_ms"`
	LatencyMaxMs                 float64        `json:"latency_max_ms"`
	Scaling                      []ScalingPoint `json:"scaling"`
	ExactlyOnce                  *ExactlyOnce   `json:"exactly_once,omitempty"`

	Targets      Targets   `json:"targets"`
	Notes        []string  `json:"notes,omitempty"`
	Params       Params    `json:"params"`
	Machine      Machine   `json:"machine"`
	Broker       Broker    `json:"broker"`
	Preload      Preload   `json:"preload"`
	Ceiling      Pass      `json:"ceiling"`       // the median of CeilingRuns
	Detector     Pass      `json:"detector"`      // the median of DetectorRuns
	CeilingRuns  []Pass    `json:"ceiling_runs"`  // in the order they ran
	DetectorRuns []Pass    `json:"detector_runs"` // alternating with CeilingRuns
	Latency      Latency   `json:"latency"`
	Profiles     *Profiles `json:"profiles,omitempty"`
	Seconds      float64   `json:"run_seconds"`
}

// ExactlyOnce holds the figures of the detector with --exactly-once.
type ExactlyOnce struct {
	EventsPerSec         float64 `json:"events_per_sec"`
	MBPerSec             float64 `json:"mb_per_sec"`
	ShareOfCeiling       float64 `json:"share_of_ceiling"`
	AllocsPerEvent       float64 `json:"allocs_per_event"`
	CPUSecondsPerMillion float64 `json:"cpu_seconds_per_million"`
	LatencyP50Ms         float64 `json:"latency_p50_ms"`
	LatencyP99Ms         float64 `json:"latency_p99_ms"`
	LatencyMaxMs         float64 `json:"latency_max_ms"`
	Detector             Pass    `json:"detector"` // the median of Runs
	Runs                 []Pass  `json:"runs"`
	Latency              Latency `json:"latency"`
}

// ScalingPoint is the aggregate throughput of several detector processes
// in one group. The entry for one process is the detector pass itself.
type ScalingPoint struct {
	Consumers              int     `json:"consumers"`
	EventsPerSec           float64 `json:"events_per_sec"`
	PerProcessEventsPerSec float64 `json:"per_process_events_per_sec"`
	MBPerSec               float64 `json:"mb_per_sec"`
	CPUSecondsPerMillion   float64 `json:"cpu_seconds_per_million"`
	WindowEvents           float64 `json:"window_events"`
	WindowSeconds          float64 `json:"window_seconds"`
	ExcludedSeconds        float64 `json:"excluded_seconds"`
	Coarse                 bool    `json:"coarse,omitempty"`
	Unsettled              bool    `json:"unsettled,omitempty"`
}

func scalingPoint(p Pass) ScalingPoint {
	return ScalingPoint{
		Consumers:              p.Processes,
		EventsPerSec:           p.EventsPerSec,
		PerProcessEventsPerSec: p.EventsPerSec / float64(max(p.Processes, 1)),
		MBPerSec:               p.MBPerSec,
		CPUSecondsPerMillion:   p.CPUSecondsPerMillion,
		WindowEvents:           p.WindowEvents,
		WindowSeconds:          p.WindowSeconds,
		ExcludedSeconds:        p.ExcludedSeconds,
		Coarse:                 p.Coarse,
		Unsettled:              p.Unsettled,
	}
}

// Targets compares the run with the benchmark targets.
type Targets struct {
	ShareOfCeiling     float64 `json:"detector_share_of_ceiling_min"`
	ShareOfCeilingMet  bool    `json:"detector_share_of_ceiling_met"`
	LatencyP99MaxMs    float64 `json:"latency_p99_max_ms"`
	LatencyP99Met      bool    `json:"latency_p99_met"`
	LatencyOnLoopback  bool    `json:"latency_on_loopback"` // the latency target assumes a loopback broker
	MeasuredOnBusyHost bool    `json:"measured_on_busy_host"`
	MeasuredOnEmbedded bool    `json:"measured_on_embedded_broker"`
}

// Params are the parameters of the run, defaults applied.
type Params struct {
	Events                 int      `json:"events"`
	EventSizeMin           int      `json:"event_size_min"`
	EventSizeMax           int      `json:"event_size_max"`
	MatchRate              float64  `json:"match_rate"`
	DupRate                float64  `json:"dup_rate"`
	Seed                   int64    `json:"seed"`
	Partitions             int      `json:"partitions"`
	Rounds                 int      `json:"rounds"`
	Consumers              []int    `json:"consumers"`
	ExactlyOnce            bool     `json:"exactly_once"`
	LatencyLoad            float64  `json:"latency_load"`
	LatencyDurationSeconds float64  `json:"latency_duration_seconds"`
	Compression            string   `json:"compression"`
	Rules                  []string `json:"rules"`
	MaxAlertsPerWindow     int      `json:"max_alerts_per_window"`
	ScrapeIntervalMs       float64  `json:"scrape_interval_ms"`
	Embedded               bool     `json:"embedded"`
	RunID                  string   `json:"run_id"`
}

// Broker describes the Kafka cluster measured against.
type Broker struct {
	Version       string   `json:"version"`
	VersionSource string   `json:"version_source"`
	Count         int      `json:"brokers"`
	ClusterID     string   `json:"cluster_id,omitempty"`
	Addresses     []string `json:"addresses"`
	Loopback      bool     `json:"loopback"`
}

// Profiles names the profiles of the profiled detector pass.
type Profiles struct {
	CPU        string `json:"cpu"`
	CPUSeconds int    `json:"cpu_seconds"`
	Allocs     string `json:"allocs"`
	Pass       Pass   `json:"pass"`
	Hint       string `json:"hint"`
}

// Report file names written by WriteFiles.
const (
	ReportJSON     = "report.json"
	ReportMarkdown = "report.md"
	ReportChart    = "throughput.svg"
)

// WriteFiles writes report.json, report.md and throughput.svg to dir,
// creating it if needed.
func (r *Report) WriteFiles(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("writing the report: %w", err)
	}
	js, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return fmt.Errorf("encoding the report: %w", err)
	}
	files := []struct {
		name string
		data []byte
	}{
		{ReportJSON, append(js, '\n')},
		{ReportMarkdown, r.Markdown()},
		{ReportChart, r.Chart()},
	}
	for _, f := range files {
		if err := os.WriteFile(filepath.Join(dir, f.name), f.data, 0o644); err != nil {
			return fmt.Errorf("writing the report: %w", err)
		}
	}
	return nil
}
