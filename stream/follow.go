package stream

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"slices"
	"sync"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kgo"
)

// follower reads one topic (the alerts topic) from a direct, non-group
// consumer, hands every record to fn from a single goroutine, and tracks how
// far it has read so that others can wait until it has seen everything
// written up to some point.
//
// Positions are advanced by records, including transaction control records
// (the client keeps them for exactly this reason: a committed transaction
// ends with a marker at the offset just before the high watermark, and
// without it the follower would look one offset behind forever).
type follower struct {
	topic   string
	fn      func(*kgo.Record)
	cl      *kgo.Client
	adm     *kadm.Client
	log     *slog.Logger
	metrics *Metrics

	// listEnds lists the offsets the follower can read up to: the high
	// watermark, or in exactly-once mode the last stable offset. A
	// transaction still open past the LSO cannot matter: its input
	// offsets are committed in the same transaction, so if it commits,
	// its records are not handled again, and if it aborts, its alerts
	// never existed for a read_committed reader.
	listEnds func(context.Context, ...string) (kadm.ListedOffsets, error)

	mu       sync.Mutex
	next     map[int32]int64 // next offset to read, per partition
	advanced chan struct{}   // closed and replaced whenever next changes
	read     int64           // records handed to fn

	loopDone chan struct{}
	stop     context.CancelFunc
}

// startFollower computes where to start on every partition of the topic,
// starts reading, and returns the end offsets that existed at start (the
// warm-up target).
func startFollower(ctx context.Context, r *runner) (*follower, map[int32]int64, error) {
	cfg := r.p.cfg
	topic := cfg.followTopic()
	f := &follower{
		topic:    topic,
		fn:       cfg.follow.fn,
		adm:      r.adm,
		listEnds: r.adm.ListEndOffsets,
		log:      r.log.With("follow_topic", topic),
		metrics:  cfg.metrics,
		next:     make(map[int32]int64),
		advanced: make(chan struct{}),
		loopDone: make(chan struct{}),
	}
	if cfg.exactlyOnce() {
		f.listEnds = r.adm.ListCommittedOffsets
	}

	ends, err := listOffsets(ctx, f.listEnds, topic)
	if err != nil {
		return nil, nil, fmt.Errorf("stream: follow %s: listing end offsets: %w", topic, err)
	}
	starts, err := listOffsets(ctx, r.adm.ListStartOffsets, topic)
	if err != nil {
		return nil, nil, fmt.Errorf("stream: follow %s: listing start offsets: %w", topic, err)
	}
	since := time.Now().Add(-cfg.follow.horizon).UnixMilli()
	after, err := listOffsets(ctx, func(ctx context.Context, topics ...string) (kadm.ListedOffsets, error) {
		return r.adm.ListOffsetsAfterMilli(ctx, since, topics...)
	}, topic)
	if err != nil {
		return nil, nil, fmt.Errorf("stream: follow %s: listing offsets after %s: %w", topic, cfg.follow.horizon, err)
	}

	perPartition := int64(cfg.follow.maxRecords)
	if len(ends) > 0 {
		perPartition = max(1, perPartition/int64(len(ends)))
	}
	assign := make(map[int32]kgo.Offset, len(ends))
	for p, end := range ends {
		start := end
		if o, ok := after[p]; ok && o >= 0 && o < start {
			start = o
		}
		start = max(start, end-perPartition, starts[p])
		f.next[p] = start
		assign[p] = kgo.NewOffset().At(start)
	}

	opts := append(r.baseOpts("follower"),
		kgo.ConsumePartitions(map[string]map[int32]kgo.Offset{topic: assign}),
		kgo.KeepControlRecords(),
		// A reset only happens when retention deleted what we were
		// about to read; the oldest remaining record is the right
		// place to continue.
		kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()),
		// Partitions added by discover need fresh metadata before they
		// can be read; the default 5s floor between refreshes would
		// delay the catch-up waits that name them.
		kgo.MetadataMinAge(time.Second),
	)
	if cfg.exactlyOnce() {
		opts = append(opts, kgo.FetchIsolationLevel(kgo.ReadCommitted()))
	}
	f.cl, err = kgo.NewClient(opts...)
	if err != nil {
		return nil, nil, fmt.Errorf("stream: follow %s: %w", topic, err)
	}
	loopCtx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	f.stop = cancel
	go f.loop(loopCtx, r.fail)
	go f.discoverLoop(loopCtx, cfg.discoverEvery)
	return f, ends, nil
}

// listOffsets calls list for one topic and flattens the answer.
func listOffsets(ctx context.Context, list func(context.Context, ...string) (kadm.ListedOffsets, error), topic string) (map[int32]int64, error) {
	listed, err := list(ctx, topic)
	if err != nil {
		return nil, err
	}
	if err := listed.Error(); err != nil {
		if errors.Is(err, kerr.UnknownTopicOrPartition) {
			// Not created yet: nothing to read, and discovery picks
			// its partitions up once it exists.
			return map[int32]int64{}, nil
		}
		return nil, err
	}
	out := make(map[int32]int64)
	listed.Each(func(o kadm.ListedOffset) {
		if o.Topic == topic && o.Partition >= 0 {
			out[o.Partition] = o.Offset
		}
	})
	return out, nil
}

// loop polls and hands records to fn until ctx is canceled. A panic in fn
// stops the pipeline with an error rather than the process.
func (f *follower) loop(ctx context.Context, fail func(error)) {
	defer close(f.loopDone)
	defer func() {
		if v := recover(); v != nil {
			fail(fmt.Errorf("stream: follow callback panicked: %v", v))
		}
	}()
	for {
		fetches := f.cl.PollFetches(ctx)
		if ctx.Err() != nil || fetches.IsClientClosed() {
			return
		}
		fetches.EachError(func(t string, p int32, err error) {
			f.log.Warn("reading the followed topic", "topic", t, "partition", p, "err", err)
		})
		n := 0
		advanced := make(map[int32]int64)
		fetches.EachPartition(func(fp kgo.FetchTopicPartition) {
			if len(fp.Records) == 0 {
				return
			}
			for _, rec := range fp.Records {
				if !rec.Attrs.IsControl() {
					f.fn(rec)
					n++
				}
			}
			advanced[fp.Partition] = fp.Records[len(fp.Records)-1].Offset + 1
		})
		if len(advanced) == 0 {
			continue
		}
		f.metrics.countFollowed(n)
		f.mu.Lock()
		for p, next := range advanced {
			f.next[p] = max(f.next[p], next)
		}
		f.read += int64(n)
		close(f.advanced)
		f.advanced = make(chan struct{})
		f.mu.Unlock()
	}
}

// discoverLoop picks up partitions added to the topic while running.
func (f *follower) discoverLoop(ctx context.Context, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			f.discover(ctx)
		}
	}
}

// discover starts reading partitions the follower does not know yet, from
// their beginning: a partition created after start holds only new records.
func (f *follower) discover(ctx context.Context) {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	starts, err := listOffsets(ctx, f.adm.ListStartOffsets, f.topic)
	if err != nil {
		f.log.Debug("listing partitions of the followed topic", "err", err)
		return
	}
	f.mu.Lock()
	add := make(map[int32]kgo.Offset)
	for p, start := range starts {
		if _, known := f.next[p]; !known {
			f.next[p] = start
			add[p] = kgo.NewOffset().At(start)
		}
	}
	f.mu.Unlock()
	if len(add) > 0 {
		f.log.Info("following new partitions", "partitions", slices.Sorted(maps.Keys(add)))
		f.cl.AddConsumePartitions(map[string]map[int32]kgo.Offset{f.topic: add})
	}
}

// endOffsets lists the topic's current end offsets: a catch-up target.
func (f *follower) endOffsets(ctx context.Context) (map[int32]int64, error) {
	return listOffsets(ctx, f.listEnds, f.topic)
}

// waitFor blocks until the follower has read up to target on every
// partition, timeout passes, or ctx is done. It reports whether the target
// was reached, and logs which partitions were behind when it was not.
func (f *follower) waitFor(ctx context.Context, target map[int32]int64, timeout time.Duration) bool {
	timer := time.NewTimer(timeout)
	defer timer.Stop()
	discovered := false
	for {
		f.mu.Lock()
		behind, unknown := f.behindLocked(target)
		ch := f.advanced
		f.mu.Unlock()
		if len(behind) == 0 {
			return true
		}
		if unknown && !discovered {
			// The target names partitions created since the last
			// discovery; look now rather than at the next tick.
			discovered = true
			f.discover(ctx)
			continue
		}
		select {
		case <-ch:
		case <-timer.C:
			f.log.Warn("alerts follower did not catch up in time; continuing, so an event redelivered from these partitions may alert twice",
				"timeout", timeout, "behind", behind)
			return false
		case <-ctx.Done():
			return false
		}
	}
}

// behindLocked returns, for partitions not yet read up to target, how many
// offsets are left, and whether any of them is unknown to the follower.
func (f *follower) behindLocked(target map[int32]int64) (map[int32]int64, bool) {
	var behind map[int32]int64
	unknown := false
	for p, end := range target {
		next, known := f.next[p]
		if !known {
			unknown = true
		}
		if end > next {
			if behind == nil {
				behind = make(map[int32]int64)
			}
			behind[p] = end - next
		}
	}
	return behind, unknown
}

// recordsRead returns how many records the follower has handed to fn.
func (f *follower) recordsRead() int64 {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.read
}

// close stops reading and waits for the callback goroutine to return.
func (f *follower) close() {
	f.stop()
	f.cl.Close()
	<-f.loopDone
}
