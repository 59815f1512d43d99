package perf

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"
)

// Markdown renders the report as a summary with its conditions, ready to
// paste into a README. The chart is referenced by its file name, so keep
// throughput.svg next to it.
func (r *Report) Markdown() []byte {
	var b bytes.Buffer
	w := func(format string, args ...any) { fmt.Fprintf(&b, format, args...) }

	w("## oktadetect bench, %s\n\n", r.Date.UTC().Format("2006-01-02 15:04 MST"))
	w("%s\n\n", r.conditions())
	for _, n := range r.Notes {
		w("> %s\n", n)
	}
	if len(r.Notes) > 0 {
		w("\n")
	}

	w("| Throughput, one process | events/s (median) | range over runs | MB/s | of ceiling | allocs/event | CPU s per 1M events |\n")
	w("|---|--:|--:|--:|--:|--:|--:|\n")
	row := func(name string, p Pass, runs []Pass) {
		w("| %s | %s | %s | %.1f | %.0f%% | %.2f | %.2f |\n", name, rate(p.EventsPerSec), spread(runs), p.MBPerSec,
			100*ratio(p.EventsPerSec, r.Ceiling.EventsPerSec), p.AllocsPerEvent, p.CPUSecondsPerMillion)
	}
	row("Consume-only ceiling", r.Ceiling, r.CeilingRuns)
	row("Detector, at-least-once", r.Detector, r.DetectorRuns)
	if r.ExactlyOnce != nil {
		row("Detector, exactly-once", r.ExactlyOnce.Detector, r.ExactlyOnce.Runs)
	}
	w("\n")

	w("| Latency, event acknowledged → alert readable | offered load | alerts | p50 | p99 | max |\n")
	w("|---|--:|--:|--:|--:|--:|\n")
	lat := func(l Latency) {
		w("| %s | %s events/s (%.0f%%) | %s | %.1f ms | %.1f ms | %.1f ms |\n", l.Mode, rate(l.OfferedEventsPerSec),
			100*l.Load, count(l.Samples), l.P50Ms, l.P99Ms, l.MaxMs)
	}
	lat(r.Latency)
	if r.ExactlyOnce != nil {
		lat(r.ExactlyOnce.Latency)
	}
	w("\n")

	if len(r.Scaling) > 0 {
		w("| Detector processes, one group | events/s | per process | of ceiling | CPU s per 1M events |\n")
		w("|--:|--:|--:|--:|--:|\n")
		for _, s := range r.Scaling {
			w("| %d | %s | %s | %.0f%% | %.2f |\n", s.Consumers, rate(s.EventsPerSec), rate(s.PerProcessEventsPerSec),
				100*ratio(s.EventsPerSec, r.Ceiling.EventsPerSec), s.CPUSecondsPerMillion)
		}
		w("\n")
	}

	t := r.Targets
	w("Targets: detector at least %.0f%% of the ceiling: %s (%.0f%%); latency p99 under %.0f ms at %.0f%% load: %s (%.1f ms).\n\n",
		100*t.ShareOfCeiling, metOrNot(t.ShareOfCeilingMet), 100*r.DetectorShareOfCeiling,
		t.LatencyP99MaxMs, 100*r.Latency.Load, metOrNot(t.LatencyP99Met), r.LatencyP99Ms)
	if p := r.Profiles; p != nil {
		w("Profiles of a separate, unmeasured detector pass: `%s` (%d s of CPU profile) and `%s`; read them with `%s`.\n\n",
			p.CPU, p.CPUSeconds, p.Allocs, p.Hint)
	}
	w("![Throughput: ceiling, detector and scaling](%s)\n\n", ReportChart)
	w("Rates cover the timed window of each pass: from the first scrape that sees events counted (process start-up, group join and warm-up excluded) until the count reaches %s. MB are 10^6 bytes of record values. Run `%s` took %.0f s.\n",
		count(r.Events), r.Params.RunID, r.Seconds)
	return b.Bytes()
}

// conditions is the paragraph saying what was measured, where.
func (r *Report) conditions() string {
	p := r.Params
	rules := "the built-in rules"
	if !(len(p.Rules) == 1 && p.Rules[0] == "builtin") {
		rules = "rules from " + strings.Join(p.Rules, ", ")
	}
	where := "on loopback"
	if !r.Broker.Loopback {
		where = "over the network"
	}
	busy := "idle"
	if r.Machine.Busy {
		busy = "**busy**"
	}
	eos := ""
	if p.ExactlyOnce {
		eos = ", also with --exactly-once"
	}
	compression := "uncompressed"
	if p.Compression != "none" && p.Compression != "" {
		compression = p.Compression + "-compressed"
	}
	brokers := "1 broker"
	if r.Broker.Count != 1 {
		brokers = fmt.Sprintf("%d brokers", r.Broker.Count)
	}
	return fmt.Sprintf("oktadetect %s, %s Okta events of %s–%s bytes (mean %s) in all input shapes, %s matching a rule, %s redelivered, %s, %d partitions, %s%s. "+
		"%s, %s %s. %s, %d cores, %s, %s. Machine %s: load average %.2f at start, %.2f at end.",
		r.Version, count(r.Events), count(p.EventSizeMin), count(p.EventSizeMax), count(int64(r.Preload.MeanBytes)),
		percent(p.MatchRate), percent(p.DupRate), compression, p.Partitions, rules, eos,
		r.Broker.Version, brokers, where, r.Machine.CPUModel, r.Machine.Cores, r.Machine.OS, r.Machine.GoVersion,
		busy, r.Machine.LoadAverageStart[0], r.Machine.LoadAverageEnd[0])
}

func metOrNot(ok bool) string {
	if ok {
		return "**met**"
	}
	return "**not met**"
}

// percent formats a fraction without trailing zeros: 0.001 → "0.1%".
func percent(f float64) string {
	return strings.TrimSuffix(strings.TrimRight(fmt.Sprintf("%.3f", 100*f), "0"), ".") + "%"
}

// spread describes the runs' rates: "3: 398,000–410,000", or "1" for a
// single run.
func spread(runs []Pass) string {
	lo, hi := minMaxRate(runs)
	if len(runs) < 2 {
		return strconv.Itoa(len(runs))
	}
	return fmt.Sprintf("%d: %s–%s", len(runs), rate(lo), rate(hi))
}

// minMaxRate returns the lowest and highest rate of runs.
func minMaxRate(runs []Pass) (lo, hi float64) {
	for i, p := range runs {
		if i == 0 || p.EventsPerSec < lo {
			lo = p.EventsPerSec
		}
		hi = max(hi, p.EventsPerSec)
	}
	return lo, hi
}
