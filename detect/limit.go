package detect

import (
	"sync"
	"time"

	"github.com/oktadetect/oktadetect/detect/rules"
)

// MaxSignalsWarning is Elastic's warning when a rule execution hits its
// alert cap; the detector logs it, with the count, once per window.
const MaxSignalsWarning = "This rule reached the maximum alert limit for the rule execution. Some alerts were not created."

// Limiter applies Elastic's max_signals cap in a stream: at most
// MaxSignals alerts per rule per window of the rule's Interval, windows
// aligned to the wall clock the way scheduled executions are. What is over
// the cap is counted and reported, never silently lost from the figures.
// Each detector process limits on its own. Limiter is safe for concurrent
// use.
type Limiter struct {
	maxOverride    int
	windowOverride time.Duration

	mu      sync.Mutex
	windows map[string]*capWindow
}

type capWindow struct {
	name   string
	start  time.Time
	end    time.Time
	max    int
	count  int
	capped int
}

// CapReport is one closed (or closing) window in which alerts were capped.
type CapReport struct {
	RuleID, RuleName string
	Start, End       time.Time
	Max              int
	Capped           int
}

// NewLimiter returns a Limiter. A positive maxAlerts or window overrides
// every rule's own max_signals or interval.
func NewLimiter(maxAlerts int, window time.Duration) *Limiter {
	return &Limiter{maxOverride: maxAlerts, windowOverride: window, windows: map[string]*capWindow{}}
}

func (l *Limiter) limits(r *rules.Rule) (int, time.Duration) {
	max, win := r.MaxSignals, r.Interval
	if l.maxOverride > 0 {
		max = l.maxOverride
	}
	if l.windowOverride > 0 {
		win = l.windowOverride
	}
	if max <= 0 {
		max = rules.DefaultMaxSignals
	}
	if win <= 0 {
		win = rules.DefaultInterval
	}
	return max, win
}

// Allow reports whether rule r may raise one more alert at now, and counts
// it either way. When now starts a new window and the previous one capped
// alerts, that window's report is returned for logging.
func (l *Limiter) Allow(r *rules.Rule, now time.Time) (ok bool, closed *CapReport) {
	max, win := l.limits(r)
	l.mu.Lock()
	defer l.mu.Unlock()
	w := l.windows[r.ID]
	if w == nil || !now.Before(w.end) {
		if w != nil && w.capped > 0 {
			closed = w.report(r.ID)
		}
		start := now.Truncate(win)
		w = &capWindow{name: r.Name, start: start, end: start.Add(win), max: max}
		l.windows[r.ID] = w
	}
	if w.count >= w.max {
		w.capped++
		return false, closed
	}
	w.count++
	return true, closed
}

// Release gives back an alert allowed at t that was not delivered (its
// batch failed and will be redelivered).
func (l *Limiter) Release(ruleID string, t time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if w := l.windows[ruleID]; w != nil && !t.Before(w.start) && t.Before(w.end) && w.count > 0 {
		w.count--
	}
}

// Flush returns the reports of windows that ended before now with capped
// alerts, and forgets those windows. Call it periodically so caps are
// reported even when a rule goes quiet.
func (l *Limiter) Flush(now time.Time) []CapReport {
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []CapReport
	for id, w := range l.windows {
		if now.Before(w.end) {
			continue
		}
		if w.capped > 0 {
			out = append(out, *w.report(id))
		}
		delete(l.windows, id)
	}
	return out
}

func (w *capWindow) report(id string) *CapReport {
	return &CapReport{RuleID: id, RuleName: w.name, Start: w.start, End: w.end, Max: w.max, Capped: w.capped}
}
