package stream

import (
	"context"
	"errors"
	"fmt"
	"runtime/debug"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kgo"
)

// produceFunc is how a cycle writes a record: the client's Produce in
// at-least-once mode, the transact session's in exactly-once mode.
type produceFunc func(rec *kgo.Record, promise func(*kgo.Record, error))

// deliveryContext bounds how long a cycle's records may take to be
// acknowledged. franz-go retries a failing produce forever by default; the
// bound turns a cluster that stays unwritable into an error (and a restart)
// rather than a pipeline stuck holding its partitions. franz-go's own
// RecordDeliveryTimeout cannot be used: it counts from Record.Timestamp,
// and dead letters keep the original record's timestamp (alerts may carry
// the event's), so old records would time out before being sent.
func (r *runner) deliveryContext(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(ctx, r.p.cfg.deliveryTimeout)
}

// work is one batch on its way through a cycle.
type work struct {
	b         *Batch
	start     time.Time
	handleErr error

	acks       sync.WaitGroup // one per record produced
	mu         sync.Mutex
	produceErr error
	tooLarge   []DeadLetter // dead letters the broker refused as too large

	finished bool
}

// outputDone is the promise of an output record.
func (w *work) outputDone(rec *kgo.Record, err error) {
	if err != nil {
		w.setProduceErr(fmt.Errorf("producing to %s: %w", rec.Topic, err))
	}
	w.acks.Done()
}

func (w *work) setProduceErr(err error) {
	w.mu.Lock()
	if w.produceErr == nil {
		w.produceErr = err
	}
	w.mu.Unlock()
}

// err is the batch's failure, if any.
func (w *work) err() error {
	if w.handleErr != nil {
		return w.handleErr
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.produceErr != nil {
		last := w.b.Records[len(w.b.Records)-1]
		return fmt.Errorf("stream: writing outputs of %s partition %d up to offset %d: %w", w.b.Topic, w.b.Partition, last.Offset, w.produceErr)
	}
	return nil
}

// finish calls the batch's Done once.
func (w *work) finish(committed bool) {
	if w.finished {
		return
	}
	w.finished = true
	if w.b.Done != nil {
		w.b.Done(committed)
	}
}

// batchesOf splits a poll into one batch per partition, in offset order. A
// poll may hold several fetches for the same partition; they are joined.
func batchesOf(fetches kgo.Fetches) []*Batch {
	type key struct {
		topic     string
		partition int32
	}
	var (
		out []*Batch
		idx map[key]int
	)
	fetches.EachPartition(func(fp kgo.FetchTopicPartition) {
		if len(fp.Records) == 0 {
			return
		}
		k := key{fp.Topic, fp.Partition}
		if i, ok := idx[k]; ok {
			// Clip so the append copies instead of writing into
			// the fetch's spare capacity.
			out[i].Records = append(slices.Clip(out[i].Records), fp.Records...)
			return
		}
		if idx == nil {
			idx = make(map[key]int)
		}
		idx[k] = len(out)
		out = append(out, &Batch{Topic: fp.Topic, Partition: fp.Partition, Records: fp.Records})
	})
	return out
}

func newWorks(batches []*Batch) []*work {
	works := make([]*work, len(batches))
	for i, b := range batches {
		works[i] = &work{b: b}
	}
	return works
}

// handleAll runs the handler on every batch, at most Workers at a time, and
// starts producing each batch's outputs as soon as its handler returns. It
// returns once every handler has returned and every output has been handed
// to the producer; acknowledgements are awaited by the caller.
func (r *runner) handleAll(ctx context.Context, works []*work, produce produceFunc) {
	n := min(r.p.cfg.workers, len(works))
	if n <= 1 {
		for _, w := range works {
			r.handleAndProduce(ctx, w, produce)
		}
		return
	}
	var (
		next atomic.Int64
		wg   sync.WaitGroup
	)
	for range n {
		wg.Go(func() {
			for i := next.Add(1) - 1; i < int64(len(works)); i = next.Add(1) - 1 {
				r.handleAndProduce(ctx, works[i], produce)
			}
		})
	}
	wg.Wait()
}

func (r *runner) handleAndProduce(ctx context.Context, w *work, produce produceFunc) {
	b := w.b
	w.start = time.Now()
	r.p.cfg.metrics.countEvents(b.Topic, len(b.Records))
	if err := r.callHandler(ctx, b); err != nil {
		w.handleErr = fmt.Errorf("stream: handling %s partition %d offsets %d-%d: %w",
			b.Topic, b.Partition, b.Records[0].Offset, b.Records[len(b.Records)-1].Offset, err)
		return
	}
	r.produceOutputs(w, produce)
}

// callHandler turns a handler panic into an error, so that a bug in one rule
// stops the pipeline through the normal path (committing what was done)
// rather than killing the process mid-batch.
func (r *runner) callHandler(ctx context.Context, b *Batch) (err error) {
	defer func() {
		if v := recover(); v != nil {
			r.log.Error("handler panicked", "topic", b.Topic, "partition", b.Partition, "panic", v, "stack", string(debug.Stack()))
			err = fmt.Errorf("handler panicked: %v", v)
		}
	}()
	return r.p.h.Handle(ctx, b)
}

func (r *runner) produceOutputs(w *work, produce produceFunc) {
	cfg := r.p.cfg
	for _, out := range w.b.Out {
		if out == nil {
			continue
		}
		if out.Topic == "" {
			out.Topic = cfg.alertsTopic
		}
		w.acks.Add(1)
		produce(out, w.outputDone)
	}
	for _, dl := range w.b.Dead {
		if dl.Record == nil {
			continue
		}
		if cfg.deadLetterTopic == "" {
			r.log.Warn("dead letter skipped (no dead-letter topic configured)", deadLetterAttrs(dl)...)
			cfg.metrics.countDeadLetter(dl.Record.Topic)
			continue
		}
		r.produceDeadLetter(w, dl, r.limit(cfg.deadLetterTopic), produce)
	}
}

func (r *runner) produceDeadLetter(w *work, dl DeadLetter, limit int, produce produceFunc) {
	cfg := r.p.cfg
	rec, truncated := deadLetterRecord(dl, cfg.deadLetterTopic, limit)
	if truncated {
		r.log.Warn("dead letter cut to fit the dead-letter topic's max.message.bytes",
			append(deadLetterAttrs(dl), "limit", limit, "cut", string(headerValue(rec, HeaderTruncated)))...)
	}
	w.acks.Add(1)
	produce(rec, func(_ *kgo.Record, err error) {
		switch {
		case err == nil:
			cfg.metrics.countDeadLetter(dl.Record.Topic)
		case isTooLarge(err) && !cfg.exactlyOnce():
			w.mu.Lock()
			w.tooLarge = append(w.tooLarge, dl)
			w.mu.Unlock()
		default:
			w.setProduceErr(fmt.Errorf("producing a dead letter to %s: %w", cfg.deadLetterTopic, err))
		}
		w.acks.Done()
	})
}

// rewriteTooLarge writes again, cut harder, the dead letters the broker
// refused as too large although they fit the limit we knew: the topic's
// limit was lowered while running, or could not be read at start. Each
// round first asks the broker for the topic's current limit; when that
// does not help it halves the limit it assumes. A dead letter that does not
// fit even at 1 KiB fails the batch. Only at-least-once mode gets here: in
// a transaction the first failure aborts everything.
func (r *runner) rewriteTooLarge(ctx context.Context, w *work, produce produceFunc) {
	topic := r.p.cfg.deadLetterTopic
	limit := r.limit(topic)
	for {
		w.mu.Lock()
		pending := w.tooLarge
		w.tooLarge = nil
		w.mu.Unlock()
		if len(pending) == 0 {
			return
		}
		if current, ok := r.refreshLimit(ctx, topic); ok && current < limit {
			limit = current
		} else {
			limit /= 2
		}
		if limit < 1024 {
			w.setProduceErr(fmt.Errorf("dead letter refused as too large even when cut to 1 KiB: %w", kerr.MessageTooLarge))
			return
		}
		for _, dl := range pending {
			r.log.Error("the broker refused a dead letter as too large; writing it cut shorter", append(deadLetterAttrs(dl), "limit", limit)...)
			r.produceDeadLetter(w, dl, limit, produce)
		}
		w.acks.Wait()
	}
}

func isTooLarge(err error) bool {
	return errors.Is(err, kerr.MessageTooLarge) || errors.Is(err, kerr.RecordListTooLarge)
}

// deadLetterAttrs describe a dead letter for a log line without its content.
func deadLetterAttrs(dl DeadLetter) []any {
	attrs := []any{
		"source_topic", dl.Record.Topic,
		"source_partition", dl.Record.Partition,
		"source_offset", dl.Record.Offset,
		"reason", dl.Reason,
	}
	if dl.Err != nil {
		attrs = append(attrs, "err", dl.Err.Error())
	}
	return attrs
}

func headerValue(rec *kgo.Record, key string) []byte {
	for _, h := range rec.Headers {
		if h.Key == key {
			return h.Value
		}
	}
	return nil
}

// fetchErrors logs the errors of a poll and returns the first fatal one.
// Authorization failures are fatal: nothing fixes them but an operator, and
// a restart loop makes that visible. Everything else is logged, and
// franz-go keeps retrying or moves on.
func (r *runner) fetchErrors(fetches kgo.Fetches) error {
	var fatal error
	fetches.EachError(func(topic string, partition int32, err error) {
		var dataLoss *kgo.ErrDataLoss
		switch {
		case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded), errors.Is(err, kgo.ErrClientClosed):
			// Shutting down.
		case isAuthError(err):
			if fatal == nil {
				fatal = fmt.Errorf("stream: consuming %s: %w", topicPartition(topic, partition), err)
			}
		case errors.As(err, &dataLoss):
			r.log.Warn("the broker lost data this consumer had not read yet; continuing where the broker says", "topic", topic, "partition", partition, "err", err)
		default:
			r.log.Error("consuming", "topic", topic, "partition", partition, "err", err)
		}
	})
	return fatal
}

func isAuthError(err error) bool {
	return errors.Is(err, kerr.TopicAuthorizationFailed) ||
		errors.Is(err, kerr.GroupAuthorizationFailed) ||
		errors.Is(err, kerr.ClusterAuthorizationFailed) ||
		errors.Is(err, kerr.TransactionalIDAuthorizationFailed) ||
		errors.Is(err, kerr.SaslAuthenticationFailed)
}

func topicPartition(topic string, partition int32) string {
	if topic == "" {
		return "the group"
	}
	return fmt.Sprintf("%s partition %d", topic, partition)
}
