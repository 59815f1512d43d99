package perf

import (
	"context"
	"fmt"
	"net/http"
	"sync"
	"sync/atomic"
	"time"
)

// fastScrapeInterval is the scrape interval around the moments that bound
// a timed window, its start and its end, so that they are placed within
// about 10ms without scraping that often throughout.
const fastScrapeInterval = 10 * time.Millisecond

// Pass is the outcome of one throughput pass: processes reading the
// preloaded topic from the start in a fresh consumer group. Rates cover
// the timed window (see the package documentation); totals cover the
// whole pass.
type Pass struct {
	Processes            int     `json:"processes"`
	EventsPerSec         float64 `json:"events_per_sec"`
	MBPerSec             float64 `json:"mb_per_sec"`
	AllocsPerEvent       float64 `json:"allocs_per_event"`
	CPUSecondsPerMillion float64 `json:"cpu_seconds_per_million"`
	GCsPerMillion        float64 `json:"gc_cycles_per_million"`
	WindowEvents         float64 `json:"window_events"`
	WindowSeconds        float64 `json:"window_seconds"`
	ExcludedSeconds      float64 `json:"excluded_seconds"` // from process start to the window's start
	Scrapes              int     `json:"scrapes"`
	Coarse               bool    `json:"coarse,omitempty"`    // finished within one scrape: a lower bound
	Unsettled            bool    `json:"unsettled,omitempty"` // the group never settled: rebalances included
	Alerts               float64 `json:"alerts"`
	DuplicatesDropped    float64 `json:"duplicates_dropped"`
}

// passSpec describes a throughput pass.
type passSpec struct {
	name   string
	group  string
	procs  int
	args   func(i int, httpAddr string) []string
	target float64

	// onCounting runs once, when events are first counted; onDone runs
	// when the target is reached, before the children stop. Both get the
	// first child. The profiled pass uses them.
	onCounting func(ctx context.Context, c *child)
	onDone     func(ctx context.Context, c *child) error
}

// runPass starts the children, scrapes them until they have counted the
// target, stops them and measures the timed window.
func (b *bench) runPass(ctx context.Context, spec passSpec) (Pass, error) {
	var children []*child
	defer func() { stopAll(children) }()
	for i := range spec.procs {
		name := spec.name
		if spec.procs > 1 {
			name = fmt.Sprintf("%s process %d of %d", spec.name, i+1, spec.procs)
		}
		c, err := startChild(ctx, b.cfg.Binary, name, func(addr string) []string { return spec.args(i, addr) })
		if err != nil {
			return Pass{}, err
		}
		children = append(children, c)
	}
	start := time.Now()
	var latest atomic.Int64
	stopProgress := b.progressEvery(func() string {
		n := latest.Load()
		return fmt.Sprintf("%s: %s of %s events (%.0f%%)", spec.name, count(n), count(int64(spec.target)), 100*float64(n)/spec.target)
	})
	defer stopProgress()

	var (
		samples      []sample
		settled      = spec.procs == 1
		counting     = false
		lastProgress = start
	)
	for {
		for _, c := range children {
			if err := c.failed(); err != nil {
				return Pass{}, fmt.Errorf("%s: %w", spec.name, err)
			}
		}
		at, sum, ok := scrapeAll(ctx, b.hc, children)
		if ctx.Err() != nil {
			return Pass{}, ctx.Err()
		}
		if ok {
			if !settled && sum.Events > 0 {
				settled = b.cl.settled(ctx, spec.group, spec.procs, b.cfg.Partitions)
			}
			if len(samples) == 0 || sum.Events > samples[len(samples)-1].c.Events {
				lastProgress = time.Now()
			}
			samples = append(samples, sample{at: at.Sub(start), c: sum, stable: settled})
			latest.Store(int64(sum.Events))
			if !counting && sum.Events > 0 {
				counting = true
				if spec.onCounting != nil {
					spec.onCounting(ctx, children[0])
				}
			}
			if sum.Events >= spec.target {
				break
			}
		}
		if stalled := time.Since(lastProgress); stalled > b.cfg.StallTimeout {
			return Pass{}, fmt.Errorf("%s: no progress for %s (%s of %s events counted)",
				spec.name, stalled.Round(time.Second), count(latest.Load()), count(int64(spec.target)))
		}
		if err := sleepCtx(ctx, b.nextScrape(samples, spec.target, settled)); err != nil {
			return Pass{}, err
		}
	}
	stopProgress()
	final, err := b.quiesce(ctx, children)
	if err != nil {
		return Pass{}, fmt.Errorf("%s: %w", spec.name, err)
	}
	if spec.onDone != nil {
		if err := spec.onDone(ctx, children[0]); err != nil {
			return Pass{}, fmt.Errorf("%s: %w", spec.name, err)
		}
	}
	err = stopAll(children)
	children = nil
	if err != nil {
		return Pass{}, fmt.Errorf("%s: stopping: %w", spec.name, err)
	}

	w, ok := measureWindow(samples, spec.target)
	if !ok {
		return Pass{}, fmt.Errorf("%s: no timed window in %d scrapes", spec.name, len(samples))
	}
	p := Pass{
		Processes:         spec.procs,
		EventsPerSec:      w.eventsPerSec(),
		WindowEvents:      w.events,
		WindowSeconds:     w.seconds(),
		ExcludedSeconds:   w.start.Seconds(),
		Scrapes:           w.scrapes,
		Coarse:            w.coarse,
		Alerts:            final.Alerts,
		DuplicatesDropped: final.Duplicates,
	}
	p.MBPerSec = p.EventsPerSec * b.meanBytes / 1e6
	if n := w.delta.Events; n > 0 {
		p.AllocsPerEvent = w.delta.Mallocs / n
		p.CPUSecondsPerMillion = w.delta.CPUSeconds / n * 1e6
		p.GCsPerMillion = w.delta.GCs / n * 1e6
	}
	return p, nil
}

// quiesceFor and quiesceMax bound the wait for a pass's totals to settle.
const (
	quiesceFor = 200 * time.Millisecond
	quiesceMax = 10 * time.Second
)

// quiesce returns the children's totals once they stop changing. A batch
// is counted in oktadetect_events_total when handling starts, but its
// alerts and dropped duplicates only once its alerts are acknowledged, so
// the totals a pass reports are read when the counters have been still for
// quiesceFor (or after quiesceMax, if a process keeps counting).
func (b *bench) quiesce(ctx context.Context, children []*child) (counters, error) {
	var (
		last       counters
		stillSince time.Time // when last was first read; zero before any read
		deadline   = time.Now().Add(quiesceMax)
	)
	for {
		for _, ch := range children {
			if err := ch.failed(); err != nil {
				return counters{}, err
			}
		}
		at, c, ok := scrapeAll(ctx, b.hc, children)
		if ctx.Err() != nil {
			return counters{}, ctx.Err()
		}
		if ok {
			if stillSince.IsZero() || c.Events != last.Events || c.Alerts != last.Alerts || c.Duplicates != last.Duplicates {
				last, stillSince = c, at
			} else if at.Sub(stillSince) >= quiesceFor {
				return c, nil
			}
		}
		if time.Now().After(deadline) {
			if stillSince.IsZero() {
				return counters{}, fmt.Errorf("no scrape succeeded in %s after the last event", quiesceMax)
			}
			return last, nil
		}
		if err := sleepCtx(ctx, 5*fastScrapeInterval); err != nil {
			return counters{}, err
		}
	}
}

// nextScrape is the pause before the next scrape: short while the window's
// start is not fixed yet and when the end is expected within a few
// regular intervals, the regular interval otherwise. The end is predicted
// from the rate since counting began: the last interval alone is too
// noisy, since events are counted a poll (thousands of records) at a time.
func (b *bench) nextScrape(samples []sample, target float64, settled bool) time.Duration {
	slow := b.cfg.ScrapeInterval
	fast := min(fastScrapeInterval, slow)
	n := len(samples)
	if n == 0 || !settled || samples[n-1].c.Events == 0 {
		return fast
	}
	first := 0
	for samples[first].c.Events == 0 {
		first++
	}
	from, last := samples[first], samples[n-1]
	dt := (last.at - from.at).Seconds()
	dn := last.c.Events - from.c.Events
	if dt <= 0 || dn <= 0 {
		return fast
	}
	remaining := time.Duration((target - last.c.Events) / (dn / dt) * float64(time.Second))
	if remaining < 3*slow {
		return fast
	}
	return slow
}

// scrapeAll scrapes every child at once. at is the middle of the round, the
// best estimate of when the counters were read; ok is false if any scrape
// failed (a child still starting, most likely).
func scrapeAll(ctx context.Context, hc *http.Client, children []*child) (at time.Time, sum counters, ok bool) {
	before := time.Now()
	results := make([]counters, len(children))
	errs := make([]error, len(children))
	var wg sync.WaitGroup
	for i, c := range children {
		wg.Go(func() { results[i], errs[i] = c.scrape(ctx, hc) })
	}
	wg.Wait()
	after := time.Now()
	for i := range children {
		if errs[i] != nil {
			return time.Time{}, counters{}, false
		}
		sum = sum.plus(results[i])
	}
	return before.Add(after.Sub(before) / 2), sum, true
}

// sleepCtx sleeps for d or until ctx ends.
func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
