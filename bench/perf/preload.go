package perf

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/oktadetect/oktadetect/bench/eventgen"
)

// Preload describes the records written before the throughput passes.
type Preload struct {
	Topic          string         `json:"topic"`
	Events         int            `json:"events"`
	Bytes          int64          `json:"bytes"`
	MeanBytes      float64        `json:"mean_bytes"`
	MinBytes       int            `json:"min_bytes"`
	MaxBytes       int            `json:"max_bytes"`
	MatchingEvents int            `json:"matching_events"` // fresh events of a match type: one alert each with the built-in rules
	Duplicates     int            `json:"duplicates"`      // redeliveries of an earlier record
	Shapes         map[string]int `json:"shapes"`
	Seconds        float64        `json:"seconds"`
	EventsPerSec   float64        `json:"events_per_sec"`
	MBPerSec       float64        `json:"mb_per_sec"`
}

// codec maps a Config.Compression name to franz-go's codec.
func codec(name string) (kgo.CompressionCodec, error) {
	switch name {
	case "none":
		return kgo.NoCompression(), nil
	case "gzip":
		return kgo.GzipCompression(), nil
	case "snappy":
		return kgo.SnappyCompression(), nil
	case "lz4":
		return kgo.Lz4Compression(), nil
	case "zstd":
		return kgo.ZstdCompression(), nil
	}
	return kgo.CompressionCodec{}, fmt.Errorf("unknown codec %q (want none, gzip, snappy, lz4 or zstd)", name)
}

// preloadShare is what one generator goroutine wrote.
type preloadShare struct {
	bytes         int64
	minB, maxB    int
	matches, dups int
	shapes        map[eventgen.Shape]int
}

// preload writes cfg.Events generated records to topic, spread evenly over
// its partitions. Generation runs on several goroutines (one generator
// each, with distinct seeds) because a single generator is slower than a
// local broker; the producer batches up to 1 MB per partition and keeps
// several requests in flight, as any bulk loader would.
func (b *bench) preload(ctx context.Context, topic string) (Preload, error) {
	cfg := b.cfg
	comp, _ := codec(cfg.Compression)
	cl, err := kgo.NewClient(
		kgo.SeedBrokers(b.cl.brokers...),
		kgo.ClientID("oktadetect-bench-preload"),
		kgo.DefaultProduceTopic(topic),
		kgo.RecordPartitioner(kgo.ManualPartitioner()),
		kgo.ProducerBatchCompression(comp),
		kgo.ProducerLinger(5*time.Millisecond),
		kgo.MaxBufferedBytes(256<<20),
	)
	if err != nil {
		return Preload{}, fmt.Errorf("preload: %w", err)
	}
	defer cl.Close()

	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	var produced atomic.Int64
	promise := func(_ *kgo.Record, err error) {
		if err != nil {
			cancel(fmt.Errorf("writing to %s: %w", topic, err))
			return
		}
		produced.Add(1)
	}

	workers := max(1, min(runtime.GOMAXPROCS(0), 4, cfg.Events))
	shares := make([]preloadShare, workers)
	start := time.Now()
	stopProgress := b.progressEvery(func() string {
		n := produced.Load()
		return fmt.Sprintf("preload: %s of %s records written (%.0f%%)", count(n), count(int64(cfg.Events)), 100*float64(n)/float64(cfg.Events))
	})
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			shares[w] = generate(ctx, cl, cfg, w, workers, promise)
		})
	}
	wg.Wait()
	if err := cl.Flush(ctx); err != nil && context.Cause(ctx) == nil {
		cancel(fmt.Errorf("flushing: %w", err))
	}
	stopProgress()
	if err := context.Cause(ctx); err != nil {
		return Preload{}, fmt.Errorf("preload: %w", err)
	}
	took := time.Since(start)

	p := Preload{Topic: topic, Events: cfg.Events, Shapes: map[string]int{}, Seconds: took.Seconds()}
	for i, s := range shares {
		p.Bytes += s.bytes
		p.MatchingEvents += s.matches
		p.Duplicates += s.dups
		if i == 0 || s.minB < p.MinBytes {
			p.MinBytes = s.minB
		}
		p.MaxBytes = max(p.MaxBytes, s.maxB)
		for sh, n := range s.shapes {
			p.Shapes[string(sh)] += n
		}
	}
	p.MeanBytes = float64(p.Bytes) / float64(p.Events)
	p.EventsPerSec = float64(p.Events) / took.Seconds()
	p.MBPerSec = float64(p.Bytes) / 1e6 / took.Seconds()
	if int(produced.Load()) != cfg.Events {
		return Preload{}, errors.New("preload: the producer acknowledged fewer records than were written")
	}
	return p, nil
}

// generate writes worker w's share of the records: those whose index i
// has i%workers == w, to partition i%partitions.
func generate(ctx context.Context, cl *kgo.Client, cfg Config, w, workers int, promise func(*kgo.Record, error)) preloadShare {
	gen := eventgen.New(eventgen.Config{
		Seed:      cfg.Seed*1_000_003 + int64(w),
		Start:     time.Now().Add(-time.Hour),
		MatchRate: cfg.MatchRate,
		DupRate:   cfg.DupRate,
		SizeMin:   cfg.SizeMin,
		SizeMax:   cfg.SizeMax,
	})
	s := preloadShare{minB: int(^uint(0) >> 1), shapes: map[eventgen.Shape]int{}}
	for i := w; i < cfg.Events; i += workers {
		if ctx.Err() != nil {
			break
		}
		ev := gen.Next()
		n := len(ev.Value)
		s.bytes += int64(n)
		s.minB, s.maxB = min(s.minB, n), max(s.maxB, n)
		s.shapes[ev.Shape]++
		switch {
		case ev.Dup:
			s.dups++
		case ev.Match:
			s.matches++
		}
		cl.Produce(ctx, &kgo.Record{Value: ev.Value, Partition: int32(i % cfg.Partitions)}, promise)
	}
	return s
}
