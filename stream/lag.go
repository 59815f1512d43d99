package stream

import (
	"context"
	"maps"
	"slices"
	"sync"
	"time"
)

// owned tracks the partitions this instance owns, from the rebalance
// callbacks.
type owned struct {
	mu sync.Mutex
	ps map[string]map[int32]struct{}
}

func (o *owned) add(assigned map[string][]int32) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.ps == nil {
		o.ps = make(map[string]map[int32]struct{})
	}
	for t, ps := range assigned {
		if o.ps[t] == nil {
			o.ps[t] = make(map[int32]struct{})
		}
		for _, p := range ps {
			o.ps[t][p] = struct{}{}
		}
	}
}

func (o *owned) remove(gone map[string][]int32) {
	o.mu.Lock()
	defer o.mu.Unlock()
	for t, ps := range gone {
		for _, p := range ps {
			delete(o.ps[t], p)
		}
		if len(o.ps[t]) == 0 {
			delete(o.ps, t)
		}
	}
}

func (o *owned) snapshot() map[string][]int32 {
	o.mu.Lock()
	defer o.mu.Unlock()
	out := make(map[string][]int32, len(o.ps))
	for t, ps := range o.ps {
		out[t] = slices.Sorted(maps.Keys(ps))
	}
	return out
}

// lagLoop refreshes oktadetect_consumer_lag every lagInterval until ctx is
// done.
func (r *runner) lagLoop(ctx context.Context) {
	if r.p.cfg.metrics == nil {
		return
	}
	t := time.NewTicker(r.p.cfg.lagInterval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			r.updateLag(ctx)
		}
	}
}

// updateLag reports, for each partition this instance owns, the records
// between the group's committed offset and the partition's end (or, with
// nothing committed yet, between the log start and the end), the way
// kadm.Client.Lag computes it. Only owned partitions are reported, so that
// summing over all instances gives the group's lag. kadm.Client.Lag itself
// is not used because it finds partition owners through DescribeGroups,
// which does not report KIP-848 groups' assignments.
func (r *runner) updateLag(ctx context.Context) {
	cfg := r.p.cfg
	ctx, cancel := context.WithTimeout(ctx, cfg.lagInterval)
	defer cancel()
	mine := r.owned.snapshot()
	if len(mine) == 0 {
		cfg.metrics.setConsumerLag(nil)
		return
	}
	topics := slices.Collect(maps.Keys(mine))
	ends, err := r.adm.ListEndOffsets(ctx, topics...)
	if err != nil {
		r.log.Debug("computing consumer lag: listing end offsets", "err", err)
		return
	}
	starts, err := r.adm.ListStartOffsets(ctx, topics...)
	if err != nil {
		r.log.Debug("computing consumer lag: listing start offsets", "err", err)
		return
	}
	commits, err := r.adm.FetchOffsetsForTopics(ctx, cfg.group, topics...)
	if err != nil {
		r.log.Debug("computing consumer lag: fetching committed offsets", "err", err)
		return
	}
	lags := make(map[string]map[int32]int64, len(mine))
	for t, ps := range mine {
		for _, p := range ps {
			end, ok := ends.Lookup(t, p)
			if !ok || end.Err != nil {
				continue
			}
			from := int64(-1)
			if c, ok := commits.Lookup(t, p); ok && c.Err == nil {
				from = c.At
			}
			if from < 0 {
				start, ok := starts.Lookup(t, p)
				if !ok || start.Err != nil {
					continue
				}
				from = start.Offset
			}
			if lags[t] == nil {
				lags[t] = make(map[int32]int64)
			}
			lags[t][p] = max(0, end.Offset-from)
		}
	}
	cfg.metrics.setConsumerLag(lags)
}
