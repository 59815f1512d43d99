package stream

import (
	"context"
	"io"
	"log/slog"
	"os"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"
)

// The benchmarks push b.N fixture-sized records (about 300 bytes, in 4
// partitions, written beforehand) through a pipeline whose handler does
// nothing, or writes one alert per alertEvery records, and report records/s
// from Run's start to the last batch reported committed. Start-up (admin
// checks, group join) is included, so use a count large enough to make it
// negligible, for example
//
//	go test ./stream -run '^$' -bench . -benchtime 200000x
//
// The poll-100 variants cap a cycle (and, exactly-once, a transaction) at
// 100 records, which is what a pipeline that keeps up with a slow trickle
// of events sees; they show the fixed cost of a cycle.
func BenchmarkAtLeastOnce(b *testing.B) {
	b.Run("noop", func(b *testing.B) { benchmarkPipeline(b, false, 0, 0) })
	b.Run("alert-every-100", func(b *testing.B) { benchmarkPipeline(b, false, 100, 0) })
	b.Run("noop-poll-100", func(b *testing.B) { benchmarkPipeline(b, false, 0, 100) })
	b.Run("alert-every-100-poll-100", func(b *testing.B) { benchmarkPipeline(b, false, 100, 100) })
}

func BenchmarkExactlyOnce(b *testing.B) {
	b.Run("noop", func(b *testing.B) { benchmarkPipeline(b, true, 0, 0) })
	b.Run("alert-every-100", func(b *testing.B) { benchmarkPipeline(b, true, 100, 0) })
	b.Run("noop-poll-100", func(b *testing.B) { benchmarkPipeline(b, true, 0, 100) })
	b.Run("alert-every-100-poll-100", func(b *testing.B) { benchmarkPipeline(b, true, 100, 100) })
}

// countingHandler counts committed records and closes done when it has seen
// want of them.
type countingHandler struct {
	alertEvery int
	want       int64
	committed  atomic.Int64
	done       chan struct{}
}

func (h *countingHandler) Handle(_ context.Context, b *Batch) error {
	if h.alertEvery > 0 {
		for _, r := range b.Records {
			if r.Offset%int64(h.alertEvery) == 0 {
				b.Out = append(b.Out, &kgo.Record{Value: []byte("alert")})
			}
		}
	}
	n := int64(len(b.Records))
	b.Done = func(committed bool) {
		if committed && h.committed.Add(n) == h.want {
			close(h.done)
		}
	}
	return nil
}

func benchmarkPipeline(b *testing.B, exactlyOnce bool, alertEvery, pollRecords int) {
	const partitions = 4
	brokers := benchBrokers(b)
	cl, err := kgo.NewClient(kgo.SeedBrokers(brokers...), kgo.RecordPartitioner(kgo.RoundRobinPartitioner()))
	if err != nil {
		b.Fatal(err)
	}
	defer cl.Close()
	input := uniqueName("bench-in")
	ctx := context.Background()
	if _, err := kadm.NewClient(cl).CreateTopic(ctx, partitions, 1, nil, input); err != nil {
		b.Fatal(err)
	}
	events := fixtureEvents(b)
	var produceErr atomic.Value
	for i := range b.N {
		cl.Produce(ctx, &kgo.Record{Topic: input, Value: events[i%len(events)]}, func(_ *kgo.Record, err error) {
			if err != nil {
				produceErr.Store(err)
			}
		})
	}
	if err := cl.Flush(ctx); err != nil {
		b.Fatal(err)
	}
	if err, _ := produceErr.Load().(error); err != nil {
		b.Fatal(err)
	}

	h := &countingHandler{alertEvery: alertEvery, want: int64(b.N), done: make(chan struct{})}
	opts := []Opt{
		Brokers(brokers...),
		Group(uniqueName("bench")),
		Topics(input),
		AlertsTopic(uniqueName("bench-alerts")),
		WithLogger(slog.New(slog.NewTextHandler(io.Discard, nil))),
	}
	if exactlyOnce {
		opts = append(opts, ExactlyOnce(uniqueName("bench-txn")))
	}
	if pollRecords > 0 {
		opts = append(opts, testOpt(func(c *config) { c.maxPollRecords = pollRecords }))
	}
	p, err := New(h, opts...)
	if err != nil {
		b.Fatal(err)
	}
	runCtx, cancel := context.WithCancel(ctx)
	runErr := make(chan error, 1)
	b.ResetTimer()
	started := time.Now()
	go func() { runErr <- p.Run(runCtx) }()
	select {
	case <-h.done:
	case err := <-runErr:
		b.Fatalf("Run returned early: %v", err)
	}
	elapsed := time.Since(started)
	b.StopTimer()
	cancel()
	if err := <-runErr; err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(float64(b.N)/elapsed.Seconds(), "records/s")
}

func benchBrokers(b *testing.B) []string {
	if env := os.Getenv("KAFKA_BROKERS"); env != "" {
		return strings.Split(env, ",")
	}
	c, err := kfake.NewCluster(kfake.NumBrokers(1))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(c.Close)
	return c.ListenAddrs()
}
