package e2e

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/oktadetect/oktadetect/bench/eventgen"
	"github.com/oktadetect/oktadetect/detect"
)

// BuiltinRuleID is the rule_id of the rule the detector runs when given no
// --rules ("Unauthorized Access to an Okta Application"); eventgen's
// matching events are the ones it alerts on.
const BuiltinRuleID = "4edd3e1a-3aa0-499b-8147-4d2ea43b1613"

// Workload is what was produced to an input topic, and therefore which
// alerts must come out.
type Workload struct {
	Events  int // records produced
	Matches int // matching records, redeliveries included
	Dups    int // redeliveries (eventgen's Dup)

	// Expected maps the id of every alert the workload must raise to the
	// uuid of its event: one per distinct uuid among matching records,
	// since redeliveries of an event repeat its uuid and hence its
	// alert id.
	Expected map[string]string

	// MatchShapes counts matching records by input shape.
	MatchShapes map[eventgen.Shape]int

	// CrossPartition counts matching redeliveries that were written to
	// another partition than the first copy of their event: the copies
	// only one shared dedupe cache (or the alerts follower) catches.
	CrossPartition int

	firstPartition map[string]int32 // matching uuid → partition of its first copy
}

// Add accounts for one produced event, written to partition.
func (w *Workload) Add(ev eventgen.Event, partition int32) {
	w.Events++
	if ev.Dup {
		w.Dups++
	}
	if !ev.Match {
		return
	}
	w.Matches++
	if w.Expected == nil {
		w.Expected = map[string]string{}
		w.MatchShapes = map[eventgen.Shape]int{}
		w.firstPartition = map[string]int32{}
	}
	w.MatchShapes[ev.Shape]++
	w.Expected[detect.AlertID(BuiltinRuleID, ev.UUID)] = ev.UUID
	if first, ok := w.firstPartition[ev.UUID]; !ok {
		w.firstPartition[ev.UUID] = partition
	} else if first != partition {
		w.CrossPartition++
	}
}

// MatchingRedeliveries is how many matching records repeat an event
// already produced: what a detector must count as duplicates.
func (w Workload) MatchingRedeliveries() int { return w.Matches - len(w.Expected) }

func (w Workload) String() string {
	return fmt.Sprintf("%d events, %d matching (%d of them redeliveries, %d on another partition than the original), %d redelivered in all, %d distinct alerts expected",
		w.Events, w.Matches, w.MatchingRedeliveries(), w.CrossPartition, w.Dups, len(w.Expected))
}

// Produce writes records synchronously and returns them with their
// partitions and offsets filled in. It fails the test on any error.
func Produce(t testing.TB, cl *kgo.Client, recs ...*kgo.Record) []*kgo.Record {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), patience)
	defer cancel()
	if err := cl.ProduceSync(ctx, recs...).FirstErr(); err != nil {
		t.Fatalf("producing %d records: %v", len(recs), err)
	}
	return recs
}

// FeedConfig describes a stream of generated events.
type FeedConfig struct {
	// Events configures the generator (seed, match and redelivery
	// rates, shapes).
	Events eventgen.Config
	// Count stops the feed after this many records; 0 runs it until
	// Stop.
	Count int
	// Rate is records per second; 0 produces as fast as the broker
	// acknowledges.
	Rate float64
}

// Feed produces generated events to a topic in the background, without
// keys and round-robin over the partitions, so that a redelivered copy
// usually lands on another partition than its original, as it does when
// an upstream shipper retries. Round-robin rather than Kafka's sticky
// default makes where each record goes depend only on its position in
// the stream, so a seed gives the same placement on every run.
type Feed struct {
	topic string
	count int
	stop  chan struct{}
	done  chan struct{}

	mu  sync.Mutex
	w   Workload
	err error
}

// feedChunk is how many records a feed without a rate produces per
// synchronous round trip: large enough to fill batches, small enough that
// Stop returns quickly.
const feedChunk = 2000

// StartFeed starts producing to topic. The feed is stopped when the test
// ends; call Wait or Stop to get its Workload.
func (b *Broker) StartFeed(t testing.TB, topic string, cfg FeedConfig) *Feed {
	t.Helper()
	cl := b.Client(t, kgo.DefaultProduceTopic(topic), kgo.RecordPartitioner(kgo.RoundRobinPartitioner()),
		kgo.ProducerLinger(5*time.Millisecond))
	f := &Feed{topic: topic, count: cfg.Count, stop: make(chan struct{}), done: make(chan struct{})}
	go f.run(cl, cfg)
	t.Cleanup(func() { f.halt() })
	return f
}

func (f *Feed) run(cl *kgo.Client, cfg FeedConfig) {
	defer close(f.done)
	gen := eventgen.New(cfg.Events)
	chunk := feedChunk
	var tick *time.Ticker
	if cfg.Rate > 0 {
		const perSecond = 10
		chunk = max(1, int(cfg.Rate/perSecond))
		tick = time.NewTicker(time.Second / perSecond)
		defer tick.Stop()
	}
	events := make([]eventgen.Event, 0, chunk)
	recs := make([]*kgo.Record, 0, chunk)
	for produced := 0; cfg.Count == 0 || produced < cfg.Count; {
		select {
		case <-f.stop:
			return
		default:
		}
		n := chunk
		if cfg.Count > 0 {
			n = min(n, cfg.Count-produced)
		}
		events, recs = events[:0], recs[:0]
		for range n {
			ev := gen.Next()
			events = append(events, ev)
			recs = append(recs, &kgo.Record{Value: ev.Value})
		}
		// No context deadline: during a broker restart the produce
		// waits for the broker to come back, as a shipper would.
		if err := cl.ProduceSync(context.Background(), recs...).FirstErr(); err != nil {
			f.mu.Lock()
			f.err = fmt.Errorf("producing to %s after %d records: %w", f.topic, produced, err)
			f.mu.Unlock()
			return
		}
		f.mu.Lock()
		for i, ev := range events {
			f.w.Add(ev, recs[i].Partition)
		}
		f.mu.Unlock()
		produced += n
		if tick != nil {
			select {
			case <-f.stop:
				return
			case <-tick.C:
			}
		}
	}
}

func (f *Feed) halt() {
	select {
	case <-f.stop:
	default:
		close(f.stop)
	}
	<-f.done
}

// Produced returns how many records have been acknowledged so far.
func (f *Feed) Produced() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.w.Events
}

// Done is closed when the feed has produced Count records (or failed, or
// was stopped).
func (f *Feed) Done() <-chan struct{} { return f.done }

// Wait waits until the feed has produced its Count records and returns
// what it produced. It fails the test if producing failed.
func (f *Feed) Wait(t testing.TB) Workload {
	t.Helper()
	if f.count == 0 {
		t.Fatal("Wait on a feed without a Count would never return; use Stop")
	}
	<-f.done
	return f.result(t)
}

// Stop stops the feed after the round trip in flight (every record it
// reports was acknowledged) and returns what it produced.
func (f *Feed) Stop(t testing.TB) Workload {
	t.Helper()
	f.halt()
	return f.result(t)
}

func (f *Feed) result(t testing.TB) Workload {
	t.Helper()
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.err != nil {
		t.Fatal(f.err)
	}
	return f.w
}
