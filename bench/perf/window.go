package perf

import "time"

// sample is one scrape of a pass's children, summed over them.
type sample struct {
	at     time.Duration // since the pass started
	c      counters
	stable bool // the group has settled: every child that can hold a partition holds one
}

// window is the stretch of a pass that is timed.
type window struct {
	start, end time.Duration // since the pass started
	events     float64       // events counted between start and end
	delta      counters      // counters between the scrapes bounding the window
	scrapes    int           // scrapes inside the window
	coarse     bool          // the pass ended within one scrape of its start: a lower bound
	unsettled  bool          // the group never settled: the window includes rebalances
}

func (w window) seconds() float64 { return (w.end - w.start).Seconds() }

func (w window) eventsPerSec() float64 {
	if s := w.seconds(); s > 0 {
		return w.events / s
	}
	return 0
}

// measureWindow finds the timed window of a pass that counts target
// events, from its scrapes in time order.
//
// The clock starts at the first scrape that sees the group settled and
// events counted. Everything before it is excluded: process start-up,
// connecting, the alerts follower's warm-up, joining the group, the first
// fetch and, with several processes, the rebalances until each holds its
// partitions. The clock stops when the count reaches target, placed by
// linear interpolation between the two scrapes around that moment.
// Allocation and CPU deltas run from the starting scrape to the first
// scrape at or past target, and are divided by the events counted between
// those same two scrapes.
//
// If the group never settled before the count reached target (several
// processes joining a short pass), the clock starts at the first scrape
// with events counted instead, and the result is marked unsettled.
//
// If the count reaches target at the very scrape that starts the clock,
// there is no rate to interpolate with: the window then runs from the
// scrape before (or from the pass's start), and the result is marked
// coarse, a lower bound. ok is false when the count never reached target.
func measureWindow(samples []sample, target float64) (w window, ok bool) {
	first := func(settled bool) int {
		for i, x := range samples {
			if x.c.Events > 0 && (x.stable || !settled) {
				return i
			}
		}
		return -1
	}
	s, unsettled := first(true), false
	if s < 0 {
		s, unsettled = first(false), true
	}
	if s < 0 {
		return window{}, false
	}
	j := -1
	for i := s; i < len(samples); i++ {
		if samples[i].c.Events >= target {
			j = i
			break
		}
	}
	if j < 0 {
		return window{}, false
	}
	if j == s {
		var from sample // the pass's start: nothing counted yet
		if s > 0 {
			from = samples[s-1]
		}
		return window{
			start:     from.at,
			end:       samples[j].at,
			events:    samples[j].c.Events - from.c.Events,
			delta:     samples[j].c.minus(from.c),
			scrapes:   1,
			coarse:    true,
			unsettled: unsettled,
		}, true
	}
	prev, last := samples[j-1], samples[j]
	frac := (target - prev.c.Events) / (last.c.Events - prev.c.Events)
	end := prev.at + time.Duration(frac*float64(last.at-prev.at))
	return window{
		start:     samples[s].at,
		end:       end,
		events:    target - samples[s].c.Events,
		delta:     last.c.minus(samples[s].c),
		scrapes:   j - s + 1,
		unsettled: unsettled,
	}, true
}
