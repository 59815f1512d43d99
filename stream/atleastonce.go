package stream

import (
	"context"
	"errors"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"
)

// consumeAtLeastOnce is the default loop. Rebalances are blocked from the
// moment a poll returns records until AllowRebalance, so every offset marked
// in a cycle belongs to a partition this member still owns, and the revoke
// callback (which commits) runs only between cycles.
func (r *runner) consumeAtLeastOnce(ctx, work context.Context) error {
	for {
		fetches := r.cl.PollRecords(ctx, r.p.cfg.maxPollRecords)
		if fetches.IsClientClosed() {
			r.cl.AllowRebalance()
			return nil
		}
		if err := r.fetchErrors(fetches); err != nil {
			r.cl.AllowRebalance()
			return err
		}
		var err error
		if batches := batchesOf(fetches); len(batches) > 0 {
			r.awaitCatchUp(ctx)
			// Records polled but not yet handled when shutdown
			// starts are dropped: they are not committed, so they
			// are read again later, and handling them now could
			// outrun the follower.
			if ctx.Err() == nil {
				err = r.cycleAtLeastOnce(work, batches)
			}
		}
		r.cl.AllowRebalance()
		if err != nil {
			return err
		}
		if ctx.Err() != nil {
			return nil
		}
	}
}

// cycleAtLeastOnce handles one poll: handlers, produce, wait for every
// acknowledgement, then mark. A batch's offsets are marked only once all
// of its outputs are acknowledged; a batch that failed is not marked, and
// the first failure is returned (fatal). Other batches of the same poll
// that succeeded are marked: their partitions are independent.
func (r *runner) cycleAtLeastOnce(ctx context.Context, batches []*Batch) error {
	deliveryCtx, cancel := r.deliveryContext(ctx)
	defer cancel()
	produce := func(rec *kgo.Record, promise func(*kgo.Record, error)) {
		r.cl.Produce(deliveryCtx, rec, promise)
	}
	works := newWorks(batches)
	r.handleAll(ctx, works, produce)
	var errs []error
	for _, w := range works {
		if w.handleErr == nil {
			w.acks.Wait()
			r.rewriteTooLarge(ctx, w, produce)
		}
		if err := w.err(); err != nil {
			if w.handleErr == nil {
				// A produce that fails after franz-go's retries
				// leaves the producer in a state we do not try to
				// repair: restart from the last commit instead.
				r.p.broken.Store(true)
			}
			w.finish(false)
			errs = append(errs, err)
			continue
		}
		r.cl.MarkCommitRecords(w.b.Records[len(w.b.Records)-1])
		r.p.cfg.metrics.observeProcessing(time.Since(w.start))
		w.finish(true)
	}
	return errors.Join(errs...)
}
