package perf

import (
	"math"
	"testing"
	"time"
)

// at builds a sample taken ms milliseconds into a pass.
func at(ms int, events float64, stable bool) sample {
	return sample{at: time.Duration(ms) * time.Millisecond, c: counters{Events: events, CPUSeconds: events / 1e5, Mallocs: 2 * events}, stable: stable}
}

func TestMeasureWindow(t *testing.T) {
	tests := []struct {
		name       string
		samples    []sample
		target     float64
		ok         bool
		start, end time.Duration
		events     float64
		coarse     bool
		unsettled  bool
	}{
		{
			name: "start-up excluded, end interpolated",
			samples: []sample{
				at(100, 0, true), at(200, 0, true), // process starting
				at(300, 1000, true), at(400, 3000, true), at(500, 5000, true), at(600, 7000, true),
			},
			target: 6000, ok: true,
			start: 300 * time.Millisecond, end: 550 * time.Millisecond, events: 5000,
		},
		{
			name: "target reached exactly on a scrape",
			samples: []sample{
				at(100, 0, true), at(200, 2000, true), at(300, 4000, true),
			},
			target: 4000, ok: true,
			start: 200 * time.Millisecond, end: 300 * time.Millisecond, events: 2000,
		},
		{
			name: "clock waits for the group to settle",
			samples: []sample{
				at(100, 500, false), at(200, 1500, false), at(300, 3000, true), at(400, 6000, true),
			},
			target: 6000, ok: true,
			start: 300 * time.Millisecond, end: 400 * time.Millisecond, events: 3000,
		},
		{
			name: "never settled: rebalances included, marked",
			samples: []sample{
				at(100, 0, false), at(200, 1000, false), at(300, 2000, false),
			},
			target: 2000, ok: true,
			start: 200 * time.Millisecond, end: 300 * time.Millisecond, events: 1000, unsettled: true,
		},
		{
			name: "done at the first counting scrape: coarse from the scrape before",
			samples: []sample{
				at(100, 0, true), at(200, 0, true), at(300, 5000, true),
			},
			target: 5000, ok: true,
			start: 200 * time.Millisecond, end: 300 * time.Millisecond, events: 5000, coarse: true,
		},
		{
			name:    "done at the very first scrape: coarse from the pass's start",
			samples: []sample{at(50, 5000, true)},
			target:  5000, ok: true,
			start: 0, end: 50 * time.Millisecond, events: 5000, coarse: true,
		},
		{
			name:    "never counted",
			samples: []sample{at(100, 0, true), at(200, 0, true)},
			target:  10, ok: false,
		},
		{
			name:    "never reached the target",
			samples: []sample{at(100, 5, true), at(200, 9, true)},
			target:  10, ok: false,
		},
		{name: "no samples", target: 10, ok: false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w, ok := measureWindow(tt.samples, tt.target)
			if ok != tt.ok {
				t.Fatalf("ok = %v, want %v (window %+v)", ok, tt.ok, w)
			}
			if !ok {
				return
			}
			if w.start != tt.start || w.end != tt.end || w.events != tt.events || w.coarse != tt.coarse || w.unsettled != tt.unsettled {
				t.Errorf("window = start %v end %v events %v coarse %v unsettled %v;\nwant start %v end %v events %v coarse %v unsettled %v",
					w.start, w.end, w.events, w.coarse, w.unsettled, tt.start, tt.end, tt.events, tt.coarse, tt.unsettled)
			}
			// The per-event deltas use the bounding scrapes, so they
			// must divide back to the fixture's 2 mallocs per event.
			if got := w.delta.Mallocs / w.delta.Events; math.Abs(got-2) > 1e-9 {
				t.Errorf("mallocs per event over the window = %v, want 2", got)
			}
		})
	}
}

func TestWindowRate(t *testing.T) {
	w := window{start: time.Second, end: 3 * time.Second, events: 1000}
	if got := w.eventsPerSec(); got != 500 {
		t.Errorf("eventsPerSec = %v, want 500", got)
	}
	if got := (window{events: 10}).eventsPerSec(); got != 0 {
		t.Errorf("eventsPerSec of an empty window = %v, want 0", got)
	}
}

func TestSettledAssignment(t *testing.T) {
	tests := []struct {
		name              string
		state             string
		held              []int
		procs, partitions int
		want              bool
	}{
		{"one process holds all", "Stable", []int{6}, 1, 6, true},
		{"three share six", "Stable", []int{2, 2, 2}, 3, 6, true},
		{"uneven but all holding", "Stable", []int{3, 2, 1}, 3, 6, true},
		{"newcomer holds nothing yet (cooperative first round)", "Stable", []int{6, 0}, 2, 6, false},
		{"partitions revoked, not yet reassigned", "Stable", []int{3, 0}, 2, 6, false},
		{"a member has not joined", "Stable", []int{6}, 2, 6, false},
		{"rebalancing", "PreparingRebalance", []int{3, 3}, 2, 6, false},
		{"more processes than partitions", "Stable", []int{1, 1, 0}, 3, 2, true},
		{"undecodable assignment", "Stable", nil, 1, 6, false},
	}
	for _, tt := range tests {
		if got := settledAssignment(tt.state, tt.held, tt.procs, tt.partitions); got != tt.want {
			t.Errorf("%s: settledAssignment = %v, want %v", tt.name, got, tt.want)
		}
	}
}

func TestMedianPass(t *testing.T) {
	runs := func(rates ...float64) []Pass {
		var out []Pass
		for i, r := range rates {
			out = append(out, Pass{EventsPerSec: r, Scrapes: i})
		}
		return out
	}
	tests := []struct {
		name  string
		runs  []Pass
		want  float64
		which int // Scrapes marks the run's position
	}{
		{"none", nil, 0, 0},
		{"one", runs(5), 5, 0},
		{"odd", runs(30, 10, 20), 20, 2},
		{"even: the lower middle", runs(40, 10, 30, 20), 20, 3},
		{"ties keep the earlier run", runs(7, 7, 7), 7, 1},
	}
	for _, tt := range tests {
		got := medianPass(tt.runs)
		if got.EventsPerSec != tt.want || got.Scrapes != tt.which {
			t.Errorf("%s: medianPass = run %d at %v, want run %d at %v", tt.name, got.Scrapes, got.EventsPerSec, tt.which, tt.want)
		}
	}
	in := runs(3, 1, 2)
	medianPass(in)
	if in[0].EventsPerSec != 3 || in[1].EventsPerSec != 1 {
		t.Error("medianPass reordered its argument")
	}
}
