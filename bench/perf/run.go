package perf

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/http"
	"strings"
	"sync"
	"time"
)

// maxAlerts is the --max-alerts every detector runs with: high enough that
// no rule's alert cap (Elastic's max_signals, 100 per window by default)
// ever binds, so every match costs a whole alert, as the worst case does.
const maxAlerts = 1_000_000_000

// bench is one Run in progress.
type bench struct {
	cfg       Config
	id        string // prefix of every topic, group and transactional id
	cl        *cluster
	hc        *http.Client // scrapes and readiness checks
	meanBytes float64

	mu     sync.Mutex
	groups []string
}

// Run measures the detector as described in the package documentation
// and returns the report. It creates topics and groups whose names start
// with "okbench-" and the run's id, and deletes them before returning
// unless Config.KeepTopics is set. Child processes are stopped before it
// returns, also when ctx ends.
func Run(ctx context.Context, cfg Config) (*Report, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, fmt.Errorf("perf: invalid Config: %w", err)
	}
	started := time.Now()
	b := &bench{
		cfg: cfg,
		id:  fmt.Sprintf("okbench-%s-%04x", started.UTC().Format("20060102-150405"), rand.N(1<<16)),
		// Uncompressed scrapes: gzip would cost the children more CPU
		// than the bytes it saves on loopback.
		hc: &http.Client{Timeout: 5 * time.Second, Transport: &http.Transport{DisableCompression: true}},
	}
	r := &Report{
		Date:    started.UTC().Truncate(time.Second),
		Version: cfg.Version,
		Events:  cfg.Events,
		Params:  b.params(),
		Machine: machineFacts(),
	}
	if r.Machine.Busy {
		b.logf("the machine is busy (load average %.2f on %d cores): figures will be labelled as measured on a busy machine",
			r.Machine.LoadAverageStart[0], r.Machine.Cores)
	}

	b.cl, err = connect(ctx, cfg.Brokers, cfg.Embedded)
	if err != nil {
		return nil, err
	}
	defer b.cl.close()
	r.Broker = b.cl.brokerInfo(ctx)
	r.Params.Embedded = b.cl.fake != nil
	b.logf("run %s against %s at %s", b.id, r.Broker.Version, strings.Join(b.cl.brokers, ","))
	if !cfg.KeepTopics {
		defer func() {
			if err := b.cl.cleanup(b.id, b.groupNames()); err != nil {
				b.logf("cleaning up: %v", err)
			}
		}()
	}

	if err := b.measure(ctx, r); err != nil {
		return nil, err
	}
	r.Machine.LoadAverageEnd, _ = loadAverage()
	r.Seconds = time.Since(started).Seconds()
	r.finish()
	return r, nil
}

// measure runs the passes in order: preload, rounds of ceiling and
// detector, the profiled detector, the exactly-once detector, latency,
// scaling.
func (b *bench) measure(ctx context.Context, r *Report) error {
	cfg := b.cfg
	in := b.topic("in")
	if err := b.cl.createTopic(ctx, in, cfg.Partitions); err != nil {
		return err
	}
	b.logf("preload: writing %s records of %d-%d bytes to %s (%d partitions)", count(cfg.Events), cfg.SizeMin, cfg.SizeMax, in, cfg.Partitions)
	var err error
	if r.Preload, err = b.preload(ctx, in); err != nil {
		return err
	}
	b.meanBytes = r.Preload.MeanBytes
	b.logf("preload: %s records, mean %.0f bytes, in %.1fs (%s records/s)", count(r.Preload.Events), r.Preload.MeanBytes, r.Preload.Seconds, rate(r.Preload.EventsPerSec))

	if err := b.rounds(ctx, in, r); err != nil {
		return err
	}
	b.logf("ceiling: %s events/s, %.1f MB/s (median of %d)", rate(r.Ceiling.EventsPerSec), r.Ceiling.MBPerSec, len(r.CeilingRuns))
	b.logf("detector: %s events/s, %.1f MB/s, %.0f%% of the ceiling, %.2f allocs/event, %.2f CPU s per million events (median of %d)",
		rate(r.Detector.EventsPerSec), r.Detector.MBPerSec, 100*ratio(r.Detector.EventsPerSec, r.Ceiling.EventsPerSec),
		r.Detector.AllocsPerEvent, r.Detector.CPUSecondsPerMillion, len(r.DetectorRuns))

	if cfg.ProfileDir != "" {
		if r.Profiles, err = b.profilePass(ctx, in, r.Detector.EventsPerSec); err != nil {
			return err
		}
	}

	if cfg.ExactlyOnce {
		if r.ExactlyOnce, err = b.exactlyOnce(ctx, in); err != nil {
			return err
		}
		b.logf("exactly-once: %s events/s, %.0f%% of the ceiling (median of %d)", rate(r.ExactlyOnce.Detector.EventsPerSec),
			100*ratio(r.ExactlyOnce.Detector.EventsPerSec, r.Ceiling.EventsPerSec), len(r.ExactlyOnce.Runs))
	}

	if r.Latency, err = b.latencyPass(ctx, false, r.Detector.EventsPerSec); err != nil {
		return err
	}
	b.logf("latency: p50 %.1f ms, p99 %.1f ms, max %.1f ms over %s alerts", r.Latency.P50Ms, r.Latency.P99Ms, r.Latency.MaxMs, count(r.Latency.Samples))
	if r.ExactlyOnce != nil {
		if r.ExactlyOnce.Latency, err = b.latencyPass(ctx, true, r.ExactlyOnce.Detector.EventsPerSec); err != nil {
			return err
		}
		l := r.ExactlyOnce.Latency
		b.logf("latency (exactly-once): p50 %.1f ms, p99 %.1f ms, max %.1f ms over %s alerts", l.P50Ms, l.P99Ms, l.MaxMs, count(l.Samples))
	}

	for _, k := range cfg.Consumers {
		p := r.Detector
		if k > 1 {
			if p, err = b.detectorPass(ctx, in, fmt.Sprintf("scaling-%d", k), k, false); err != nil {
				return err
			}
		}
		r.Scaling = append(r.Scaling, scalingPoint(p))
		b.logf("scaling: %d process(es): %s events/s", k, rate(p.EventsPerSec))
	}
	return nil
}

// topic names a topic of this run.
func (b *bench) topic(name string) string { return b.id + "-" + name }

// group names a fresh consumer group of this run and remembers it for
// clean-up.
func (b *bench) group(name string) string {
	g := b.id + "-" + name
	b.mu.Lock()
	b.groups = append(b.groups, g)
	b.mu.Unlock()
	return g
}

func (b *bench) groupNames() []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]string(nil), b.groups...)
}

func (b *bench) params() Params {
	c := b.cfg
	rules := c.Rules
	if len(rules) == 0 {
		rules = []string{"builtin"}
	}
	return Params{
		Events:                 c.Events,
		EventSizeMin:           c.SizeMin,
		EventSizeMax:           c.SizeMax,
		MatchRate:              c.MatchRate,
		DupRate:                c.DupRate,
		Seed:                   c.Seed,
		Partitions:             c.Partitions,
		Rounds:                 c.Rounds,
		Consumers:              c.Consumers,
		ExactlyOnce:            c.ExactlyOnce,
		LatencyLoad:            c.LatencyLoad,
		LatencyDurationSeconds: c.LatencyDuration.Seconds(),
		Compression:            c.Compression,
		Rules:                  rules,
		MaxAlertsPerWindow:     maxAlerts,
		ScrapeIntervalMs:       float64(c.ScrapeInterval) / float64(time.Millisecond),
		RunID:                  b.id,
	}
}
