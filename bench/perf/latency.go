package perf

import (
	"context"
	"fmt"
	"math/rand/v2"
	"sync"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/oktadetect/oktadetect/bench/eventgen"
)

// Latency pass settings.
const (
	// latencySamplesWanted is how many alerts the latency pass aims for:
	// enough for a p99 resting on ten samples or more.
	latencySamplesWanted = 1500
	// latencyMaxMatchRate caps the match rate raised to get those
	// samples: far more matches would make the offered load unlike the
	// one whose throughput was measured.
	latencyMaxMatchRate = 0.1
	// latencyWarmup is offered before recording starts, so that
	// connections, producer ids and fetch sessions are established.
	latencyWarmup = 2 * time.Second
	// latencyPoolSize is the most non-matching records the latency pass
	// generates up front to replay.
	latencyPoolSize = 20_000
	// latencyDrain bounds the wait for the last alerts.
	latencyDrain = 30 * time.Second
	// headerEventID is the alert header naming the event it is about
	// (cmd/oktadetect's HeaderEventID).
	headerEventID = "oktadetect.event_id"
)

// Latency is the outcome of a latency pass: how long after an event is
// acknowledged by Kafka its alert can be read from the alerts topic, at a
// fixed offered load.
type Latency struct {
	Mode                 string  `json:"mode"`
	Load                 float64 `json:"load"` // offered load as a fraction of the measured throughput
	OfferedEventsPerSec  float64 `json:"offered_events_per_sec"`
	AchievedEventsPerSec float64 `json:"achieved_events_per_sec"`
	RecordedSeconds      float64 `json:"recorded_seconds"`
	WarmupSeconds        float64 `json:"warmup_seconds"`
	MatchRate            float64 `json:"match_rate"`
	Events               int     `json:"events"`          // offered while recording
	MatchingEvents       int     `json:"matching_events"` // fresh matches offered and acknowledged while recording
	MissingAlerts        int     `json:"missing_alerts"`  // matching events without an alert by the end
	distribution
}

// latencyPass offers load×throughput events per second for
// Config.LatencyDuration (after a warm-up) to a fresh topic read by one
// detector, records when each matching event's write is acknowledged and
// when its alert (found by the oktadetect.event_id header) is first
// returned by a consumer of the alerts topic.
func (b *bench) latencyPass(ctx context.Context, eos bool, throughput float64) (Latency, error) {
	cfg := b.cfg
	mode, name := "at-least-once", "latency"
	if eos {
		mode, name = "exactly-once", "latency-eos"
	}
	lat := Latency{Mode: mode, Load: cfg.LatencyLoad, OfferedEventsPerSec: cfg.LatencyLoad * throughput}
	if !(lat.OfferedEventsPerSec >= 1) {
		return lat, fmt.Errorf("%s: offered load of %.2f events/s is too low to measure", name, lat.OfferedEventsPerSec)
	}
	warmup := min(latencyWarmup, cfg.LatencyDuration/4)
	lat.WarmupSeconds = warmup.Seconds()
	expected := lat.OfferedEventsPerSec * cfg.LatencyDuration.Seconds()
	lat.MatchRate = max(cfg.MatchRate, min(latencyMaxMatchRate, latencySamplesWanted/expected))

	in, alerts, group := b.topic(name), b.topic(name+"-alerts"), b.group(name)
	for _, t := range []string{in, alerts} {
		if err := b.cl.createTopic(ctx, t, cfg.Partitions); err != nil {
			return lat, fmt.Errorf("%s: %w", name, err)
		}
	}
	b.logf("%s: offering %s events/s (%.0f%% of %s) for %s after a %s warm-up, match rate %.3g",
		name, rate(lat.OfferedEventsPerSec), 100*cfg.LatencyLoad, rate(throughput), cfg.LatencyDuration, warmup, lat.MatchRate)

	det, err := startChild(ctx, cfg.Binary, name+" detector", func(addr string) []string {
		return b.runArgs(in, group, alerts, addr, eos, name, false)
	})
	if err != nil {
		return lat, err
	}
	defer det.stop()
	if err := b.waitReady(ctx, det); err != nil {
		return lat, fmt.Errorf("%s: %w", name, err)
	}

	seen := newArrivals()
	reader, err := b.readAlerts(ctx, alerts, eos, seen)
	if err != nil {
		return lat, fmt.Errorf("%s: %w", name, err)
	}
	defer reader.Close()

	acked := newArrivals()
	offered, err := b.offer(ctx, in, lat, warmup, acked, det)
	if err != nil {
		return lat, fmt.Errorf("%s: %w", name, err)
	}
	lat.Events = offered
	lat.RecordedSeconds = cfg.LatencyDuration.Seconds()
	lat.AchievedEventsPerSec = float64(offered) / cfg.LatencyDuration.Seconds()

	// Wait for the alert of every acknowledged matching event.
	want := acked.snapshot()
	lat.MatchingEvents = len(want)
	deadline := time.Now().Add(latencyDrain)
	for seen.countOf(want) < len(want) && time.Now().Before(deadline) {
		if err := det.failed(); err != nil {
			return lat, fmt.Errorf("%s: %w", name, err)
		}
		if err := sleepCtx(ctx, 20*time.Millisecond); err != nil {
			return lat, err
		}
	}
	got := seen.snapshot()
	ms := make([]float64, 0, len(want))
	for id, ackAt := range want {
		if at, ok := got[id]; ok {
			ms = append(ms, float64(at.Sub(ackAt))/float64(time.Millisecond))
		} else {
			lat.MissingAlerts++
		}
	}
	lat.distribution = summarize(ms)
	if err := det.stop(); err != nil {
		return lat, fmt.Errorf("%s: stopping: %w", name, err)
	}
	return lat, nil
}

// offer writes generated events at the pass's rate for the warm-up and the
// recorded duration, and returns how many were written while recording.
// The acknowledgement time of each fresh matching event written while
// recording goes to acked.
func (b *bench) offer(ctx context.Context, topic string, lat Latency, warmup time.Duration, acked *arrivals, det *child) (int, error) {
	cfg := b.cfg
	comp, _ := codec(cfg.Compression)
	cl, err := kgo.NewClient(
		kgo.SeedBrokers(b.cl.brokers...),
		kgo.ClientID("oktadetect-bench-latency"),
		kgo.DefaultProduceTopic(topic),
		kgo.ProducerBatchCompression(comp),
	)
	if err != nil {
		return 0, err
	}
	defer cl.Close()
	pctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	failed := func(_ *kgo.Record, err error) {
		if err != nil {
			cancel(fmt.Errorf("writing to %s: %w", topic, err))
		}
	}
	// Generating an event costs about 10µs, too much to keep up with a
	// fast detector's load on a small machine. Non-matching records are
	// therefore replayed from a pool generated up front (the detector's
	// work on a record does not depend on having seen it before: only
	// matches are deduplicated), and only matching events, which need
	// fresh uuids to be told apart, are generated as they are sent.
	pool := eventPool(cfg, min(latencyPoolSize, max(1000, int(lat.OfferedEventsPerSec*cfg.LatencyDuration.Seconds()))))
	matches := eventgen.New(eventgen.Config{
		Seed:      cfg.Seed*1_000_003 + 102,
		Start:     time.Now(),
		MatchRate: 1,
		SizeMin:   cfg.SizeMin,
		SizeMax:   cfg.SizeMax,
	})
	pick := rand.New(rand.NewPCG(uint64(cfg.Seed), 103))

	// Pacing: every millisecond, write what the rate says should have
	// been written by now, so that the load stays on schedule whatever
	// the timer's jitter.
	start := time.Now()
	recordFrom := start.Add(warmup)
	end := recordFrom.Add(cfg.LatencyDuration)
	tick := time.NewTicker(time.Millisecond)
	defer tick.Stop()
	sent, recorded := 0, 0
	lastCheck := start
	for now := start; now.Before(end); {
		due := int(lat.OfferedEventsPerSec * now.Sub(start).Seconds())
		recording := !now.Before(recordFrom)
		for ; sent < due; sent++ {
			if recording {
				recorded++
			}
			if pick.Float64() >= lat.MatchRate {
				cl.Produce(pctx, &kgo.Record{Value: pool[sent%len(pool)]}, failed)
				continue
			}
			ev := matches.Next()
			rec := &kgo.Record{Value: ev.Value}
			if !recording {
				cl.Produce(pctx, rec, failed)
				continue
			}
			id := ev.UUID
			cl.Produce(pctx, rec, func(r *kgo.Record, err error) {
				if err == nil {
					acked.add(id, time.Now())
				}
				failed(r, err)
			})
		}
		if now.Sub(lastCheck) > 100*time.Millisecond {
			lastCheck = now
			if err := det.failed(); err != nil {
				return 0, err
			}
		}
		select {
		case <-pctx.Done():
			return 0, context.Cause(pctx)
		case now = <-tick.C:
		}
	}
	if err := cl.Flush(pctx); err != nil {
		return 0, fmt.Errorf("flushing: %w", err)
	}
	if err := context.Cause(pctx); err != nil {
		return 0, err
	}
	return recorded, nil
}

// readAlerts consumes topic from the start in the background and records
// when each alert's event id is first returned. A poll's records are all
// stamped with the moment the poll returned: that is when they became
// readable to this consumer.
func (b *bench) readAlerts(ctx context.Context, topic string, committedOnly bool, seen *arrivals) (*kgo.Client, error) {
	opts := []kgo.Opt{
		kgo.SeedBrokers(b.cl.brokers...),
		kgo.ClientID("oktadetect-bench-alerts"),
		kgo.ConsumeTopics(topic),
		kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()),
	}
	if committedOnly {
		opts = append(opts, kgo.FetchIsolationLevel(kgo.ReadCommitted()))
	}
	cl, err := kgo.NewClient(opts...)
	if err != nil {
		return nil, fmt.Errorf("reading alerts: %w", err)
	}
	go func() {
		for {
			fetches := cl.PollFetches(ctx)
			at := time.Now()
			if fetches.IsClientClosed() || ctx.Err() != nil {
				return
			}
			fetches.EachRecord(func(r *kgo.Record) {
				for _, h := range r.Headers {
					if h.Key == headerEventID {
						seen.addFirst(string(h.Value), at)
					}
				}
			})
		}
	}()
	return cl, nil
}

// waitReady waits until the child's /readyz says it is in its group with
// its partitions assigned and its alerts follower warmed up.
func (b *bench) waitReady(ctx context.Context, c *child) error {
	deadline := time.Now().Add(b.cfg.StallTimeout)
	for !c.ready(ctx, b.hc) {
		if err := c.failed(); err != nil {
			return err
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("%s not ready after %s%s", c.name, b.cfg.StallTimeout, c.stderr.excerpt())
		}
		if err := sleepCtx(ctx, 20*time.Millisecond); err != nil {
			return err
		}
	}
	return nil
}

// arrivals maps event ids to a moment, safely for concurrent use.
type arrivals struct {
	mu sync.Mutex
	at map[string]time.Time
}

func newArrivals() *arrivals { return &arrivals{at: map[string]time.Time{}} }

func (a *arrivals) add(id string, t time.Time) {
	a.mu.Lock()
	a.at[id] = t
	a.mu.Unlock()
}

// addFirst keeps the earliest moment: an alert read twice (a redelivered
// batch in at-least-once mode) was readable the first time.
func (a *arrivals) addFirst(id string, t time.Time) {
	a.mu.Lock()
	if _, ok := a.at[id]; !ok {
		a.at[id] = t
	}
	a.mu.Unlock()
}

func (a *arrivals) snapshot() map[string]time.Time {
	a.mu.Lock()
	defer a.mu.Unlock()
	out := make(map[string]time.Time, len(a.at))
	for k, v := range a.at {
		out[k] = v
	}
	return out
}

// countOf counts the ids of want that have arrived.
func (a *arrivals) countOf(want map[string]time.Time) int {
	a.mu.Lock()
	defer a.mu.Unlock()
	n := 0
	for id := range want {
		if _, ok := a.at[id]; ok {
			n++
		}
	}
	return n
}

// eventPool generates n records that no rule matches, redeliveries
// included at the configured rate.
func eventPool(cfg Config, n int) [][]byte {
	gen := eventgen.New(eventgen.Config{
		Seed:    cfg.Seed*1_000_003 + 101,
		Start:   time.Now(),
		DupRate: cfg.DupRate,
		SizeMin: cfg.SizeMin,
		SizeMax: cfg.SizeMax,
	})
	pool := make([][]byte, n)
	for i := range pool {
		pool[i] = gen.Next().Value
	}
	return pool
}
