package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/oktadetect/oktadetect/bench/eventgen"
	"github.com/oktadetect/oktadetect/stream"
)

type demoOptions struct {
	run         runOptions
	events      int
	matchRate   float64
	dupRate     float64
	seed        int
	follow      bool
	produceOnly bool
	topic       string
}

func demoUsage(s *optionSet) func(io.Writer) {
	return func(w io.Writer) {
		fmt.Fprintln(w, "Usage: oktadetect demo [options]")
		fmt.Fprintln(w)
		fmt.Fprintln(w, "Start an embedded Kafka (nothing to install), write a realistic mix of Okta events")
		fmt.Fprintln(w, "in every input shape (raw Okta, ECS nested and dotted, Elastic Agent envelopes) with")
		fmt.Fprintln(w, "some unauthorized-access attempts, redelivered duplicates and malformed records,")
		fmt.Fprintln(w, "run the real detector on them, and print each alert as one JSON line on stdout and")
		fmt.Fprintln(w, "a summary on stderr. With --brokers it uses that Kafka instead.")
		fmt.Fprintln(w)
		fmt.Fprintln(w, "Examples:")
		fmt.Fprintln(w, "  go run ./cmd/oktadetect demo")
		fmt.Fprintln(w, "  oktadetect demo --events 20000 --follow")
		fmt.Fprintln(w, "  oktadetect demo --brokers kafka:9092 --produce-only --topic okta-system")
		fmt.Fprintln(w)
		fmt.Fprintln(w, "Options:")
		s.printOptions(w)
	}
}

func demoCommand(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	o := &demoOptions{}
	s := newOptionSet("demo")
	s.listVar(&o.run.kafka.brokers, "brokers", nil, "use this Kafka instead of the embedded one")
	s.stringVar(&o.topic, "topic", "okta-system", "input topic the sample events are written to")
	s.stringVar(&o.run.alertsTopic, "alerts-topic", "oktadetect-alerts", "topic alerts are written to")
	s.stringVar(&o.run.deadLetterTopic, "dead-letter-topic", "oktadetect-dead-letters", "topic malformed records are written to")
	s.intVar(&o.events, "events", 3000, "number of sample events to write")
	s.floatVar(&o.matchRate, "match-rate", 0.01, "fraction of events that are unauthorized-access attempts")
	s.floatVar(&o.dupRate, "dup-rate", 0.03, "fraction of events that are redeliveries of earlier events")
	s.intVar(&o.seed, "seed", 1, "random seed of the sample stream (same seed, same events)")
	s.boolVar(&o.follow, "follow", false, "keep running: write a few events per second and print alerts until interrupted")
	s.boolVar(&o.produceOnly, "produce-only", false, "only write the sample events, then exit")
	s.boolVar(&o.run.exactlyOnce, "exactly-once", false, "run the detector with Kafka transactions")
	o.run.detect.register(s)
	o.run.log.register(s)
	s.byName["log-level"].def = "warn"
	o.run.log.level = "warn"
	if err := s.parse(args, stderr, demoUsage(s)); err != nil {
		return err
	}
	if o.events < 0 || o.matchRate < 0 || o.matchRate > 1 || o.dupRate < 0 || o.dupRate >= 1 {
		return errors.New("demo: --events must be positive and --match-rate/--dup-rate fractions between 0 and 1")
	}
	log, err := o.run.log.logger(stderr)
	if err != nil {
		return err
	}

	brokers := o.run.kafka.brokers
	embedded := len(brokers) == 0
	if embedded {
		c, err := kfake.NewCluster(kfake.NumBrokers(1), kfake.SeedTopics(3, o.topic), kfake.AllowAutoTopicCreation())
		if err != nil {
			return fmt.Errorf("demo: starting the embedded Kafka: %w", err)
		}
		defer c.Close()
		brokers = c.ListenAddrs()
		fmt.Fprintf(stderr, "demo: embedded Kafka listening on %s\n", brokers[0])
	}

	produced, err := produceSamples(ctx, brokers, o, stderr)
	if err != nil {
		return err
	}
	if o.produceOnly {
		return nil
	}

	o.run.kafka.brokers = brokers
	o.run.group = "oktadetect-demo"
	o.run.topics = []string{o.topic}
	o.run.dedupeHorizon = 24 * time.Hour
	o.run.shutdownTimeout = 10 * time.Second
	o.run.createTopics = true
	o.run.transactionalID = "oktadetect-demo"
	o.run.groupProtocol = stream.ProtocolClassic
	o.run.summaryInterval = 0

	runCtx, stopRun := context.WithCancel(ctx)
	defer stopRun()
	handlerCh := make(chan *streamHandler, 1)
	runErr := make(chan error, 1)
	go func() {
		runErr <- runDetector(runCtx, &o.run, log, func(h *streamHandler, _ *stream.Pipeline) { handlerCh <- h })
	}()
	var h *streamHandler
	select {
	case h = <-handlerCh:
	case err := <-runErr:
		return err
	}

	alerts, err := newAlertReader(brokers, o.run.alertsTopic, o.run.exactlyOnce)
	if err != nil {
		return err
	}
	defer alerts.close()

	start := time.Now()
	printed := 0
	var trickle *eventgen.Generator
	var producer *kgo.Client
	if o.follow {
		trickle = eventgen.New(eventgen.Config{Seed: time.Now().UnixNano(), MatchRate: 0.05, DupRate: 0.05, Start: time.Now()})
		producer, err = kgo.NewClient(kgo.SeedBrokers(brokers...), kgo.DefaultProduceTopic(o.topic))
		if err != nil {
			return err
		}
		defer producer.Close()
		fmt.Fprintln(stderr, "demo: following; writing a few events per second (Ctrl-C to stop)")
	}
	tick := time.NewTicker(200 * time.Millisecond)
	defer tick.Stop()
	for {
		n, err := alerts.printAvailable(ctx, stdout)
		printed += n
		if err != nil && ctx.Err() == nil {
			return err
		}
		done := h.totals.events.Load() >= int64(produced) && int64(printed) >= h.totals.alerts.Load()
		if done && !o.follow {
			break
		}
		select {
		case <-ctx.Done():
			done = true
		case err := <-runErr:
			if err != nil {
				return err
			}
			return errors.New("demo: the detector stopped unexpectedly")
		case <-tick.C:
			if trickle != nil {
				for range 2 {
					ev := trickle.Next()
					producer.Produce(ctx, &kgo.Record{Value: ev.Value}, nil)
				}
				produced += 2
			}
		}
		if ctx.Err() != nil {
			break
		}
	}
	stopRun()
	if err := <-runErr; err != nil && !errors.Is(err, context.Canceled) {
		log.Warn("detector stopped with an error", "error", err)
	}
	t := &h.totals
	fmt.Fprintf(stderr, "\ndemo summary (%s):\n", time.Since(start).Round(time.Millisecond))
	fmt.Fprintf(stderr, "  events in            %d\n", t.events.Load())
	fmt.Fprintf(stderr, "  matched a rule       %d\n", t.matched.Load())
	fmt.Fprintf(stderr, "  duplicates dropped   %d\n", t.duplicates.Load())
	fmt.Fprintf(stderr, "  decode errors        %d (written to %s)\n", t.decodeErrors.Load(), o.run.deadLetterTopic)
	fmt.Fprintf(stderr, "  alerts out           %d (read back from %s and printed above)\n", printed, o.run.alertsTopic)
	return nil
}

// produceSamples writes the sample stream and a few malformed records.
func produceSamples(ctx context.Context, brokers []string, o *demoOptions, stderr io.Writer) (int, error) {
	cl, err := kgo.NewClient(kgo.SeedBrokers(brokers...), kgo.DefaultProduceTopic(o.topic),
		kgo.AllowAutoTopicCreation(), kgo.ProducerBatchMaxBytes(4<<20))
	if err != nil {
		return 0, fmt.Errorf("demo: %w", err)
	}
	defer cl.Close()
	gen := eventgen.New(eventgen.Config{Seed: int64(o.seed), MatchRate: o.matchRate, DupRate: o.dupRate, Start: time.Now().Add(-time.Hour)})
	var recs []*kgo.Record
	var attacks [][]byte
	matches, dups := 0, 0
	shapes := map[eventgen.Shape]int{}
	for i := 0; i < o.events; i++ {
		ev := gen.Next()
		if ev.Match && !ev.Dup {
			matches++
			attacks = append(attacks, ev.Value)
		}
		if ev.Dup {
			dups++
		}
		shapes[ev.Shape]++
		recs = append(recs, &kgo.Record{Value: ev.Value})
		// Sprinkle a malformed record in now and then, as a real bus has.
		if i%1000 == 500 {
			recs = append(recs, &kgo.Record{Value: eventgen.Malformed("invalid-json")})
		}
	}
	// Okta and Kafka both redeliver: send a few attacks again, late, so
	// the demo shows them dropped as duplicates.
	for i := 0; i < len(attacks) && i < 5; i++ {
		recs = append(recs, &kgo.Record{Value: attacks[i]})
		dups++
	}
	recs = append(recs, &kgo.Record{Value: eventgen.Malformed("binary")}, &kgo.Record{Value: eventgen.Malformed("not-object")})
	if err := cl.ProduceSync(ctx, recs...).FirstErr(); err != nil {
		return 0, fmt.Errorf("demo: writing sample events to %s: %w", o.topic, err)
	}
	fmt.Fprintf(stderr, "demo: wrote %d records to %q: %d unauthorized-access attempts, %d redeliveries, %d malformed; shapes:",
		len(recs), o.topic, matches, dups, len(recs)-o.events-min(len(attacks), 5))
	for _, sh := range eventgen.AllShapes() {
		fmt.Fprintf(stderr, " %s=%d", sh, shapes[sh])
	}
	fmt.Fprintln(stderr)
	return len(recs), nil
}

// alertReader prints alerts from the alerts topic.
type alertReader struct {
	cl *kgo.Client
}

func newAlertReader(brokers []string, topic string, committedOnly bool) (*alertReader, error) {
	opts := []kgo.Opt{kgo.SeedBrokers(brokers...), kgo.ConsumeTopics(topic), kgo.ConsumeResetOffset(kgo.NewOffset().AtStart())}
	if committedOnly {
		opts = append(opts, kgo.FetchIsolationLevel(kgo.ReadCommitted()))
	}
	cl, err := kgo.NewClient(opts...)
	if err != nil {
		return nil, fmt.Errorf("demo: reading alerts: %w", err)
	}
	return &alertReader{cl: cl}, nil
}

func (a *alertReader) printAvailable(ctx context.Context, w io.Writer) (int, error) {
	pctx, cancel := context.WithTimeout(ctx, 100*time.Millisecond)
	defer cancel()
	fs := a.cl.PollFetches(pctx)
	n := 0
	var firstErr error
	fs.EachError(func(_ string, _ int32, err error) {
		if !errors.Is(err, context.DeadlineExceeded) && !errors.Is(err, context.Canceled) && firstErr == nil {
			firstErr = err
		}
	})
	fs.EachRecord(func(r *kgo.Record) {
		w.Write(r.Value)
		w.Write([]byte{'\n'})
		n++
	})
	return n, firstErr
}

func (a *alertReader) close() { a.cl.Close() }
