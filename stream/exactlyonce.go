package stream

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"
)

// consumeExactlyOnce is the loop with transactions: one transaction per
// poll carries the poll's outputs, dead letters and consumed offsets, and
// either all of it becomes visible to read_committed readers or none of it.
//
// Rebalances are not blocked. A revoke or a lost session before End makes
// the session abort the transaction; the batches are reported uncommitted
// and franz-go rewinds to the committed offsets, so the records are read
// again by whoever owns them next. End is only ever called from this loop,
// never from a rebalance callback (that would deadlock the session).
func (r *runner) consumeExactlyOnce(ctx, work context.Context) error {
	for {
		fetches := r.sess.PollRecords(ctx, r.p.cfg.maxPollRecords)
		if fetches.IsClientClosed() {
			return nil
		}
		if err := r.fetchErrors(fetches); err != nil {
			return err
		}
		if batches := batchesOf(fetches); len(batches) > 0 {
			r.awaitCatchUp(ctx)
			if ctx.Err() != nil {
				return nil
			}
			if err := r.cycleExactlyOnce(work, batches); err != nil {
				return err
			}
		}
		if ctx.Err() != nil {
			return nil
		}
	}
}

func (r *runner) cycleExactlyOnce(ctx context.Context, batches []*Batch) error {
	if err := r.sess.Begin(); err != nil {
		r.p.broken.Store(true)
		return fmt.Errorf("stream: beginning a transaction: %w", err)
	}
	// The first failed produce aborts every record still buffered, so a
	// doomed transaction ends quickly instead of flushing first.
	abortOnErr := kgo.AbortingFirstErrPromise(r.sess.Client())
	deliveryCtx, cancel := r.deliveryContext(ctx)
	defer cancel()
	works := newWorks(batches)
	r.handleAll(ctx, works, func(rec *kgo.Record, promise func(*kgo.Record, error)) {
		txnPromise := abortOnErr.Promise()
		r.sess.Produce(deliveryCtx, rec, func(rec *kgo.Record, err error) {
			promise(rec, err)
			txnPromise(rec, err)
		})
	})
	produceErr := abortOnErr.Err()
	var handleErrs []error
	for _, w := range works {
		if w.handleErr != nil {
			handleErrs = append(handleErrs, w.handleErr)
		}
	}
	handleErr := errors.Join(handleErrs...)

	commit := handleErr == nil && produceErr == nil
	committed, endErr := r.sess.End(ctx, kgo.TransactionEndTry(commit))
	for _, w := range works {
		if committed {
			r.p.cfg.metrics.observeProcessing(time.Since(w.start))
		}
		w.finish(committed)
	}
	switch {
	case handleErr != nil:
		return handleErr
	case produceErr != nil:
		r.p.broken.Store(true)
		return fmt.Errorf("stream: producing in a transaction (aborted): %w", produceErr)
	case endErr != nil:
		r.p.broken.Store(true)
		return fmt.Errorf("stream: ending the transaction: %w", endErr)
	case !committed:
		r.log.Info("transaction aborted because the group rebalanced; its records will be read again", "batches", len(works))
	}
	return nil
}
