package main

import (
	"context"
	"sync/atomic"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/oktadetect/oktadetect/dedupe"
	"github.com/oktadetect/oktadetect/detect"
	"github.com/oktadetect/oktadetect/stream"
)

// Alert record headers. The rule and event ids let any detector rebuild
// the dedupe key of an alert it reads back (see warm).
const (
	HeaderRuleID  = "oktadetect.rule_id"
	HeaderEventID = "oktadetect.event_id"
)

// streamHandler adapts the detector to stream.Handler.
type streamHandler struct {
	d       *detector
	metrics *stream.Metrics // may be nil
	totals  totals
}

// totals are running counts for the periodic summary log and the demo.
type totals struct {
	events, matched, alerts, duplicates, decodeErrors, capped, deadLetters atomic.Int64
}

func (h *streamHandler) Handle(_ context.Context, b *stream.Batch) error {
	rs := h.d.ruleset.Load()
	m := rs.matcher()
	defer rs.release(m)

	out := &batchResult{}
	for i, r := range b.Records {
		h.d.process(m, r.Value, i, detect.Origin{Topic: r.Topic, Partition: r.Partition, Offset: r.Offset}, out)
	}
	// The lag of the newest event in the batch, whether or not it was
	// decoded, keeps the metric honest when most records skip decoding.
	if n := len(b.Records); n > 0 {
		if t, ok := detect.EventTime(b.Records[n-1].Value); ok {
			out.lags = append(out.lags, h.d.now().Sub(t))
		}
	}
	for _, a := range out.alerts {
		b.Out = append(b.Out, alertRecord(a))
	}
	for _, dr := range out.dead {
		b.Dead = append(b.Dead, stream.DeadLetter{Record: b.Records[dr.index], Reason: dr.reason, Err: dr.err})
	}
	topic := b.Topic
	b.Done = func(committed bool) {
		if !committed {
			h.d.undo(out)
			return
		}
		h.report(topic, out)
	}
	return nil
}

func alertRecord(a detect.Alert) *kgo.Record {
	return &kgo.Record{
		Key:   []byte(a.ID),
		Value: a.JSON,
		Headers: []kgo.RecordHeader{
			{Key: HeaderRuleID, Value: []byte(a.RuleID)},
			{Key: HeaderEventID, Value: []byte(a.EventID)},
		},
	}
}

// report counts a delivered batch.
func (h *streamHandler) report(topic string, out *batchResult) {
	t := &h.totals
	t.events.Add(int64(out.events))
	t.matched.Add(int64(out.matched))
	t.alerts.Add(int64(len(out.alerts)))
	t.deadLetters.Add(int64(len(out.dead)))
	for _, n := range out.duplicates {
		t.duplicates.Add(int64(n))
	}
	for _, n := range out.decodeErrs {
		t.decodeErrors.Add(int64(n))
	}
	for _, n := range out.capped {
		t.capped.Add(int64(n))
	}
	m := h.metrics
	if m == nil {
		return
	}
	for rule, n := range out.alertsBy {
		for range n {
			m.CountAlert(rule)
		}
	}
	for rule, n := range out.duplicates {
		for range n {
			m.CountDuplicate(rule)
		}
	}
	for rule, n := range out.capped {
		for range n {
			m.CountAlertCapped(rule)
		}
	}
	for reason, n := range out.decodeErrs {
		for range n {
			m.CountDecodeError(topic, reason)
		}
	}
	for _, l := range out.lags {
		m.ObserveEventLag(l)
	}
}

// warm feeds an alert read back from the alerts topic into the dedupe
// cache, so that an event alerted before a restart, or by another
// instance, does not alert again.
func (d *detector) warm(r *kgo.Record) {
	var rule, ev string
	for _, h := range r.Headers {
		switch h.Key {
		case HeaderRuleID:
			rule = string(h.Value)
		case HeaderEventID:
			ev = string(h.Value)
		}
	}
	if rule != "" && ev != "" {
		d.cache.Add(dedupe.KeyOf(rule, ev))
	}
}
