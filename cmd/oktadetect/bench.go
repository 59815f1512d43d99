package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/oktadetect/oktadetect/bench/perf"
)

// benchOptions are the options of oktadetect bench.
type benchOptions struct {
	brokers         []string
	events          int
	sizeMix         string
	matchRate       float64
	dupRate         float64
	seed            int
	partitions      int
	rounds          int
	consumers       []string
	report          string
	exactlyOnce     bool
	embedded        bool
	latencyLoad     float64
	latencyDuration time.Duration
	compression     string
	rules           []string
	profile         bool
	keepTopics      bool
}

func (o *benchOptions) register(s *optionSet) {
	s.listVar(&o.brokers, "brokers", nil, "Kafka to measure against, host:port, comma-separated")
	s.byName["brokers"].example = "HOST:PORT[,...]"
	s.intVar(&o.events, "events", perf.DefaultEvents, "records preloaded and read by each throughput pass")
	s.stringVar(&o.sizeMix, "event-size-mix", "1000-3000", "record sizes in bytes, MIN-MAX (real Okta events are 1-3 KB)")
	s.byName["event-size-mix"].example = "MIN-MAX"
	s.floatVar(&o.matchRate, "match-rate", 0.001, "fraction of events a rule matches")
	s.floatVar(&o.dupRate, "dup-rate", 0.01, "fraction of records that are redeliveries of earlier ones")
	s.intVar(&o.seed, "seed", 1, "seed of the generated events (same seed, same records)")
	s.intVar(&o.partitions, "partitions", perf.DefaultPartitions, "partitions of the topics the benchmark creates")
	s.intVar(&o.rounds, "rounds", perf.DefaultRounds, "times the ceiling and the detector are each measured, alternating; medians are reported")
	s.listVar(&o.consumers, "consumers", []string{"1", "2", "3"}, "detector process counts of the scaling pass, comma-separated")
	s.byName["consumers"].example = "N[,N...]"
	s.stringVar(&o.report, "report", "", "write report.json, report.md, throughput.svg and the profiles to this directory")
	s.byName["report"].example = "DIR"
	s.boolVar(&o.exactlyOnce, "exactly-once", false, "also measure the detector with --exactly-once")
	s.boolVar(&o.embedded, "embedded", false, "without --brokers, run an in-process test Kafka (kfake): checks the harness, not a figure to quote")
	s.floatVar(&o.latencyLoad, "latency-load", perf.DefaultLatencyLoad, "offered load of the latency pass, as a fraction of the measured detector throughput")
	s.durationVar(&o.latencyDuration, "latency-duration", perf.DefaultLatencyDuration, "how long the latency pass offers its load")
	s.stringVar(&o.compression, "compression", "none", "codec of the written records: none, gzip, snappy, lz4 or zstd")
	s.listVar(&o.rules, "rules", nil, "rule files or directories every detector loads, as run --rules (default: the built-in rules)")
	s.byName["rules"].example = "PATH"
	s.boolVar(&o.profile, "profile", true, "with --report, add an unmeasured detector pass that saves CPU and allocation profiles")
	s.boolVar(&o.keepTopics, "keep-topics", false, "leave the benchmark's topics and groups on the broker")
}

func benchUsage(s *optionSet) func(io.Writer) {
	return func(w io.Writer) {
		fmt.Fprintln(w, "Usage: oktadetect bench --brokers HOST:PORT [options]")
		fmt.Fprintln(w)
		fmt.Fprintln(w, "Measure how many Okta events per second one oktadetect process handles through a")
		fmt.Fprintln(w, "real broker, against the ceiling of a consumer that only reads, on the same broker")
		fmt.Fprintln(w, "and machine. The benchmark creates fresh topics, preloads --events realistic records,")
		fmt.Fprintln(w, "then times, each in its own process started from this binary: the consume-only")
		fmt.Fprintln(w, "ceiling; \"oktadetect run\" reading the same records; the alert latency at a fixed")
		fmt.Fprintln(w, "load; and 1..N detectors in one group. It deletes its topics at the end. Progress")
		fmt.Fprintln(w, "goes to stderr, the summary table to stdout.")
		fmt.Fprintln(w)
		fmt.Fprintln(w, "Examples:")
		fmt.Fprintln(w, "  oktadetect bench --brokers $(deploy/dev/kafka start | tail -1) --events 300000 --report /tmp/bench-report")
		fmt.Fprintln(w, "  oktadetect bench --brokers kafka:9092 --exactly-once --consumers 1,2,4 --partitions 12 --report out")
		fmt.Fprintln(w, "  oktadetect bench --brokers kafka:9092 --rules ./detection-rules/rules/integrations/okta --event-size-mix 2000-8000")
		fmt.Fprintln(w, "  oktadetect bench --embedded --events 20000 --consumers 1,2   # checks the harness only")
		fmt.Fprintln(w)
		fmt.Fprintln(w, "Options:")
		s.printOptions(w)
	}
}

// parseBenchOptions turns the flags into a perf.Config.
func parseBenchOptions(args []string, stderr io.Writer) (perf.Config, *benchOptions, error) {
	o := &benchOptions{}
	s := newOptionSet("bench")
	o.register(s)
	if err := s.parse(args, stderr, benchUsage(s)); err != nil {
		return perf.Config{}, nil, err
	}
	var errs []error
	if len(o.brokers) == 0 && !o.embedded {
		errs = append(errs, errors.New("--brokers is required (or --embedded for an in-process test broker)"))
	}
	if o.events < 1 {
		errs = append(errs, fmt.Errorf("invalid value %d for --events: must be at least 1", o.events))
	}
	sizeMin, sizeMax, err := perf.ParseSizeMix(o.sizeMix)
	if err != nil {
		errs = append(errs, fmt.Errorf("invalid value for --event-size-mix: %w", err))
	}
	if !(o.matchRate >= 0 && o.matchRate <= 1) {
		errs = append(errs, fmt.Errorf("invalid value %v for --match-rate: want a fraction between 0 and 1", o.matchRate))
	}
	if !(o.dupRate >= 0 && o.dupRate < 1) {
		errs = append(errs, fmt.Errorf("invalid value %v for --dup-rate: want a fraction from 0 up to (not including) 1", o.dupRate))
	}
	if o.partitions < 1 {
		errs = append(errs, fmt.Errorf("invalid value %d for --partitions: must be at least 1", o.partitions))
	}
	if o.rounds < 1 || o.rounds > 100 {
		errs = append(errs, fmt.Errorf("invalid value %d for --rounds: must be between 1 and 100", o.rounds))
	}
	consumers, err := perf.ParseConsumers(o.consumers...)
	if err != nil {
		errs = append(errs, fmt.Errorf("invalid value for --consumers: %w", err))
	}
	if !(o.latencyLoad > 0 && o.latencyLoad <= 1) {
		errs = append(errs, fmt.Errorf("invalid value %v for --latency-load: want a fraction above 0, at most 1", o.latencyLoad))
	}
	if o.latencyDuration < time.Second {
		errs = append(errs, fmt.Errorf("invalid value %s for --latency-duration: must be at least 1s", o.latencyDuration))
	}
	if err := errors.Join(errs...); err != nil {
		return perf.Config{}, nil, err
	}
	cfg := perf.Config{
		Brokers:         o.brokers,
		Embedded:        o.embedded,
		Events:          o.events,
		SizeMin:         sizeMin,
		SizeMax:         sizeMax,
		MatchRate:       o.matchRate,
		DupRate:         o.dupRate,
		Seed:            int64(o.seed),
		Partitions:      o.partitions,
		Rounds:          o.rounds,
		Consumers:       consumers,
		ExactlyOnce:     o.exactlyOnce,
		LatencyLoad:     o.latencyLoad,
		LatencyDuration: o.latencyDuration,
		Compression:     o.compression,
		Rules:           o.rules,
		KeepTopics:      o.keepTopics,
		Version:         version,
	}
	if o.report != "" && o.profile {
		cfg.ProfileDir = o.report
	}
	return cfg, o, nil
}

func benchCommand(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	// The ceiling's child process: see perf.ConsumeOnlyMain.
	if len(args) > 0 && args[0] == perf.ConsumeOnlyCommand {
		return perf.ConsumeOnlyMain(ctx, args[1:], stderr)
	}
	cfg, o, err := parseBenchOptions(args, stderr)
	if err != nil {
		return err
	}
	// The detectors are this very binary, so the figures are those of the
	// code that ships, with the same build flags.
	if cfg.Binary, err = os.Executable(); err != nil {
		return fmt.Errorf("bench: finding this executable: %w", err)
	}
	cfg.Progress = stderr
	r, err := perf.Run(ctx, cfg)
	if err != nil {
		return fmt.Errorf("bench: %w", err)
	}
	if o.report != "" {
		if err := r.WriteFiles(o.report); err != nil {
			return fmt.Errorf("bench: %w", err)
		}
		fmt.Fprintf(stderr, "bench: report written to %s (%s, %s, %s)\n", o.report, perf.ReportJSON, perf.ReportMarkdown, perf.ReportChart)
	}
	_, err = stdout.Write(r.Markdown())
	return err
}
