package perf

import (
	"fmt"
	"slices"
)

// finish fills the headline figures, the targets and the notes from the
// passes.
func (r *Report) finish() {
	r.CeilingEventsPerSec, r.CeilingMBPerSec = r.Ceiling.EventsPerSec, r.Ceiling.MBPerSec
	d := r.Detector
	r.DetectorEventsPerSec, r.DetectorMBPerSec = d.EventsPerSec, d.MBPerSec
	r.DetectorShareOfCeiling = ratio(d.EventsPerSec, r.Ceiling.EventsPerSec)
	r.DetectorAllocsPerEvent, r.DetectorCPUSecondsPerMillion = d.AllocsPerEvent, d.CPUSecondsPerMillion
	r.LatencyP50Ms, r.LatencyP99Ms, r.LatencyMaxMs = r.Latency.P50Ms, r.Latency.P99Ms, r.Latency.MaxMs
	if e := r.ExactlyOnce; e != nil {
		e.EventsPerSec, e.MBPerSec = e.Detector.EventsPerSec, e.Detector.MBPerSec
		e.ShareOfCeiling = ratio(e.EventsPerSec, r.Ceiling.EventsPerSec)
		e.AllocsPerEvent, e.CPUSecondsPerMillion = e.Detector.AllocsPerEvent, e.Detector.CPUSecondsPerMillion
		e.LatencyP50Ms, e.LatencyP99Ms, e.LatencyMaxMs = e.Latency.P50Ms, e.Latency.P99Ms, e.Latency.MaxMs
	}
	r.Targets = Targets{
		ShareOfCeiling:     TargetShareOfCeiling,
		ShareOfCeilingMet:  r.DetectorShareOfCeiling >= TargetShareOfCeiling,
		LatencyP99MaxMs:    TargetLatencyP99Ms,
		LatencyP99Met:      r.Latency.Samples > 0 && r.LatencyP99Ms < TargetLatencyP99Ms,
		LatencyOnLoopback:  r.Broker.Loopback,
		MeasuredOnBusyHost: r.Machine.Busy,
		MeasuredOnEmbedded: r.Params.Embedded,
	}
	r.Notes = r.notes()
}

// notes lists what a reader must know to trust, or distrust, the figures.
func (r *Report) notes() []string {
	var n []string
	if r.Params.Embedded {
		n = append(n, "Embedded kfake broker: this run checks the harness; its figures say nothing about a real Kafka.")
	}
	if r.Machine.Busy {
		n = append(n, fmt.Sprintf("Busy machine: the load average was %.2f on %d cores before the run started; other work competed for the CPU, so the figures are lower than an idle machine gives.",
			r.Machine.LoadAverageStart[0], r.Machine.Cores))
	}
	if !r.Broker.Loopback {
		n = append(n, "The broker is not on this machine: the network is part of every figure, and the latency target (set for loopback) does not apply as such.")
	}
	for _, p := range []struct {
		name string
		runs []Pass
	}{{"ceiling", r.CeilingRuns}, {"detector", r.DetectorRuns}} {
		if slices.ContainsFunc(p.runs, func(x Pass) bool { return x.Coarse }) {
			n = append(n, fmt.Sprintf("A %s run finished within one scrape of starting: its rate is a lower bound. Raise --events.", p.name))
		}
		if lo, hi := minMaxRate(p.runs); lo > 0 && hi/lo > 1.15 {
			n = append(n, fmt.Sprintf("The %s runs varied by %.0f%% (%s to %s events/s): the median is reported, but treat the figures as ±%.0f%%. Longer passes (--events) or a quieter machine steady them.",
				p.name, 100*(hi/lo-1), rate(lo), rate(hi), 50*(hi/lo-1)))
		}
	}
	for _, s := range r.Scaling {
		if s.Unsettled {
			n = append(n, fmt.Sprintf("With %d processes the group never settled before the events ran out: that rate includes the rebalances. Raise --events.", s.Consumers))
		} else if s.Consumers > 1 && s.WindowEvents < 0.25*float64(r.Events) {
			n = append(n, fmt.Sprintf("With %d processes the group settled only after %.0f%% of the events had been read; that rate rests on %s events. Raise --events for a steadier figure.",
				s.Consumers, 100-100*s.WindowEvents/float64(r.Events), count(int64(s.WindowEvents))))
		}
	}
	lats := []Latency{r.Latency}
	if r.ExactlyOnce != nil {
		lats = append(lats, r.ExactlyOnce.Latency)
	}
	for _, l := range lats {
		if l.Samples < 1000 {
			n = append(n, fmt.Sprintf("The %s latency rests on %d alerts (fewer than 1,000): its p99 is rough. Raise --latency-duration.", l.Mode, l.Samples))
		}
		// An acknowledgement handled late by the harness shows as an
		// alert read before its event's write; within a millisecond it
		// is timer noise.
		if l.Samples > 0 && l.MinMs < -1 {
			n = append(n, fmt.Sprintf("In the %s latency pass an alert was read %.1f ms before its event's write was acknowledged: the harness, sharing the machine, handled acknowledgements late, so its latencies are approximate (acknowledgement times run late, latencies short).",
				l.Mode, -l.MinMs))
		}
		if l.MissingAlerts > 0 {
			n = append(n, fmt.Sprintf("%d matching events got no alert within %s in the %s latency pass.", l.MissingAlerts, latencyDrain, l.Mode))
		}
		if l.AchievedEventsPerSec < 0.95*l.OfferedEventsPerSec {
			n = append(n, fmt.Sprintf("The %s latency pass offered only %s of the planned %s events/s: the load generator could not keep up.",
				l.Mode, rate(l.AchievedEventsPerSec), rate(l.OfferedEventsPerSec)))
		}
	}
	if len(r.Params.Rules) == 1 && r.Params.Rules[0] == "builtin" && r.Detector.Alerts != float64(r.Preload.MatchingEvents) {
		n = append(n, fmt.Sprintf("The detector wrote %.0f alerts for %d matching events (the built-in rules should give exactly one each).",
			r.Detector.Alerts, r.Preload.MatchingEvents))
	}
	return n
}

// ratio is a/b, or 0 when b is not positive.
func ratio(a, b float64) float64 {
	if b > 0 {
		return a / b
	}
	return 0
}
