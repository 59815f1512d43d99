package main

import (
	"errors"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/oktadetect/oktadetect/dedupe"
	"github.com/oktadetect/oktadetect/detect"
	"github.com/oktadetect/oktadetect/detect/rules"
)

// detector runs the detection stages on records, in the order the design
// fixes: match (detect) → drop repeats (dedupe) → cap → build alerts
// (detect). run, demo and replay all go through it, so they give the same
// answers.
type detector struct {
	ruleset    atomic.Pointer[ruleset]
	cache      *dedupe.Cache
	limiter    *detect.Limiter
	suppressor *detect.Suppressor
	log        *slog.Logger
	now        func() time.Time
	// capByEventTime: see detectOptions.capByEventTime.
	capByEventTime bool
}

// ruleset is one compiled rule set with its pool of matchers. A reload
// swaps the whole ruleset; batches in flight finish on the old one.
type ruleset struct {
	engine   *detect.Engine
	matchers sync.Pool
	skipped  []rules.Skipped
	sources  []string
}

func newRuleset(e *detect.Engine, skipped []rules.Skipped, sources []string) *ruleset {
	rs := &ruleset{engine: e, skipped: skipped, sources: sources}
	rs.matchers.New = func() any { return e.NewMatcher() }
	return rs
}

func (rs *ruleset) matcher() *detect.Matcher  { return rs.matchers.Get().(*detect.Matcher) }
func (rs *ruleset) release(m *detect.Matcher) { rs.matchers.Put(m) }

func newDetector(rs *ruleset, cache *dedupe.Cache, limiter *detect.Limiter, sup *detect.Suppressor, log *slog.Logger) *detector {
	d := &detector{cache: cache, limiter: limiter, suppressor: sup, log: log, now: time.Now}
	d.ruleset.Store(rs)
	return d
}

// batchResult collects what a batch of records produced, and what to undo
// if its outputs are not delivered.
type batchResult struct {
	alerts []detect.Alert
	dead   []deadRecord

	events     int
	matched    int
	duplicates map[string]int // by rule id
	capped     map[string]int
	decodeErrs map[string]int // by reason
	alertsBy   map[string]int
	lags       []time.Duration

	undoKeys []dedupe.Key
	undoCaps []capUndo
	undoSup  []detect.SuppressUndo
}

type deadRecord struct {
	index  int // position in the batch
	reason string
	err    error
}

type capUndo struct {
	ruleID string
	at     time.Time
}

// unreadable records a record that is not a readable event, to be
// dead-lettered with the reason.
func (b *batchResult) unreadable(index int, err error) {
	reason := detect.ReasonInvalidJSON
	var de *detect.DecodeError
	if errors.As(err, &de) {
		reason = de.Reason
	}
	b.count(&b.decodeErrs, reason)
	b.dead = append(b.dead, deadRecord{index: index, reason: reason, err: err})
}

func (b *batchResult) count(m *map[string]int, key string) {
	if *m == nil {
		*m = map[string]int{}
	}
	(*m)[key]++
}

// process runs one record through the stages. index is the record's place
// in its batch; origin says where it came from.
func (d *detector) process(m *detect.Matcher, rec []byte, index int, origin detect.Origin, out *batchResult) {
	res, err := m.Match(rec, origin.Topic)
	d.decide(rec, res, err, index, origin, out)
}

// decide runs the stages after matching on one record's match result.
// Matching can run in parallel (replay does); decide must see records in
// order, since dedupe keeps the first copy of an event and the cap the
// first alerts of a window.
func (d *detector) decide(rec []byte, res detect.Result, err error, index int, origin detect.Origin, out *batchResult) {
	out.events++
	if err != nil {
		out.unreadable(index, err)
		return
	}
	if !res.Time.IsZero() {
		out.lags = append(out.lags, d.now().Sub(res.Time))
	}
	if len(res.Rules) == 0 {
		return
	}
	out.matched++
	origin.Shape = res.Shape
	eventID := res.EventID
	if eventID == "" {
		eventID = detect.ContentID(rec)
	} else {
		eventID = string([]byte(eventID)) // detach from the record buffer
	}
	// The document is built once per record, and only if some rule
	// survives dedupe and the cap.
	var doc map[string]any
	now := d.now()
	at := now // the time the cap and suppression windows count in
	if d.capByEventTime && !res.Time.IsZero() {
		at = res.Time
	}
	for _, r := range res.Rules {
		key := dedupe.KeyOf(r.ID, eventID)
		if d.cache.Seen(key) {
			out.count(&out.duplicates, r.ID)
			continue
		}
		out.undoKeys = append(out.undoKeys, key)
		ok, closed := d.limiter.Allow(r, at)
		if closed != nil {
			d.logCapped(*closed)
		}
		if !ok {
			out.count(&out.capped, r.ID)
			continue
		}
		out.undoCaps = append(out.undoCaps, capUndo{r.ID, at})
		if doc == nil {
			doc, err = detect.Document(rec, res)
			if err != nil {
				// Match validated the record, so this is an envelope
				// whose message cannot be mapped; report it.
				out.unreadable(index, err)
				return
			}
		}
		sup, undo := d.suppressor.Observe(r, doc, at)
		if sup != nil {
			out.undoSup = append(out.undoSup, undo)
		}
		a, err := detect.BuildAlert(r, doc, eventID, origin, now, sup)
		if err != nil {
			d.log.Error("building alert failed", "rule_id", r.ID, "error", err)
			out.count(&out.decodeErrs, "alert_build")
			out.dead = append(out.dead, deadRecord{index: index, reason: "alert_build", err: err})
			continue
		}
		out.alerts = append(out.alerts, a)
		out.count(&out.alertsBy, r.ID)
	}
}

// undo reverts the state a batch changed, in reverse order, so that its
// records, redelivered, are processed as if for the first time.
func (d *detector) undo(out *batchResult) {
	for i := len(out.undoSup) - 1; i >= 0; i-- {
		d.suppressor.Undo(out.undoSup[i])
	}
	for i := len(out.undoCaps) - 1; i >= 0; i-- {
		d.limiter.Release(out.undoCaps[i].ruleID, out.undoCaps[i].at)
	}
	for _, k := range out.undoKeys {
		d.cache.Forget(k)
	}
}

func (d *detector) logCapped(r detect.CapReport) {
	d.log.Warn(detect.MaxSignalsWarning,
		"rule_id", r.RuleID, "rule", r.RuleName, "max_signals", r.Max, "alerts_not_created", r.Capped,
		"window_start", r.Start.UTC().Format(time.RFC3339), "window_end", r.End.UTC().Format(time.RFC3339))
}

// flushCaps reports windows that closed while a rule was quiet.
func (d *detector) flushCaps() {
	for _, r := range d.limiter.Flush(d.now()) {
		d.logCapped(r)
	}
	d.suppressor.Expire(d.now())
}
