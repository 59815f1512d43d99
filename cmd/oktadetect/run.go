package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"runtime"
	"strings"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"github.com/oktadetect/oktadetect/detect"
	"github.com/oktadetect/oktadetect/stream"
)

// runOptions are the options of oktadetect run.
type runOptions struct {
	config          string
	kafka           kafkaOptions
	detect          detectOptions
	log             logOptions
	group           string
	topics          []string
	alertsTopic     string
	deadLetterTopic string
	dedupeHorizon   time.Duration
	exactlyOnce     bool
	transactionalID string
	groupProtocol   string
	workers         int
	shutdownTimeout time.Duration
	createTopics    bool
	httpAddr        string
	pprof           bool
	summaryInterval time.Duration
	watchRules      time.Duration
}

func (o *runOptions) register(s *optionSet) {
	s.stringVar(&o.config, "config", "", "YAML file of options (keys are the flag names); flags and OKTADETECT_* variables override it")
	s.byName["config"].example = "FILE"
	o.kafka.register(s)
	s.stringVar(&o.group, "group", stream.DefaultGroup, "consumer group; every instance of one deployment uses the same")
	s.listVar(&o.topics, "topics", nil, "input topics, comma-separated; an entry with regex characters is a pattern, e.g. logs-okta.*")
	s.byName["topics"].example = "T1,T2|REGEX"
	s.stringVar(&o.alertsTopic, "alerts-topic", "oktadetect-alerts", "topic alerts are written to")
	s.stringVar(&o.deadLetterTopic, "dead-letter-topic", "", "topic unreadable records are written to, with the reason in headers (default: log and skip them)")
	o.detect.register(s)
	s.durationVar(&o.dedupeHorizon, "dedupe-horizon", 24*time.Hour, "at start, warm the dedupe cache from alerts written this far back")
	s.boolVar(&o.exactlyOnce, "exactly-once", false, "write alerts and commit offsets in Kafka transactions (read_committed readers see each alert once)")
	host, _ := os.Hostname()
	s.stringVar(&o.transactionalID, "transactional-id", "oktadetect-"+host, "transactional id for --exactly-once; stable per instance, unique across instances")
	s.stringVar(&o.groupProtocol, "group-protocol", stream.ProtocolClassic, "group protocol: classic (cooperative-sticky) or consumer (KIP-848, Kafka 4.0+)")
	s.intVar(&o.workers, "workers", 0, "partitions processed at once (0: one per CPU)")
	s.durationVar(&o.shutdownTimeout, "shutdown-timeout", stream.DefaultShutdownTimeout, "bound on a graceful shutdown: finish, flush, commit, leave the group")
	s.boolVar(&o.createTopics, "create-topics", true, "create the alerts and dead-letter topics when missing")
	s.stringVar(&o.httpAddr, "http-addr", "", "serve /metrics, /healthz and /readyz on HOST:PORT (off when empty)")
	s.byName["http-addr"].example = "HOST:PORT"
	s.boolVar(&o.pprof, "pprof", false, "also serve /debug/pprof/ on --http-addr")
	o.log.register(s)
	s.durationVar(&o.summaryInterval, "summary-interval", time.Minute, "how often to log a one-line summary (0: never)")
	s.durationVar(&o.watchRules, "watch-rules", 0, "poll rule files for changes this often and reload (0: reload on SIGHUP only)")
}

func runUsage(s *optionSet) func(io.Writer) {
	return func(w io.Writer) {
		fmt.Fprintln(w, "Usage: oktadetect run --brokers HOST:PORT --topics TOPICS [options]")
		fmt.Fprintln(w)
		fmt.Fprintln(w, "Consume Okta System Log events from Kafka, evaluate the detection rules on every")
		fmt.Fprintln(w, "event, drop redelivered events, and write Elastic-style alerts to --alerts-topic.")
		fmt.Fprintln(w, "Precedence: flag > OKTADETECT_* environment variable > --config file > default.")
		fmt.Fprintln(w, "SIGHUP reloads the rules; SIGTERM or SIGINT shuts down gracefully.")
		fmt.Fprintln(w)
		fmt.Fprintln(w, "Examples:")
		fmt.Fprintln(w, "  oktadetect run --brokers kafka:9092 --topics okta-system --alerts-topic okta-alerts")
		fmt.Fprintln(w, "  oktadetect run --brokers kafka:9092 --topics 'logs-okta.*' --dead-letter-topic okta-dlq \\")
		fmt.Fprintln(w, "      --rules /etc/oktadetect/rules --http-addr :8080 --exactly-once")
		fmt.Fprintln(w, "  OKTADETECT_BROKERS=kafka:9092 OKTADETECT_TOPICS=okta-system oktadetect run --config oktadetect.yaml")
		fmt.Fprintln(w)
		fmt.Fprintln(w, "Options:")
		s.printOptions(w)
	}
}

func parseRunOptions(args []string, stderr io.Writer) (*runOptions, *optionSet, error) {
	o := &runOptions{}
	s := newOptionSet("run")
	o.register(s)
	if err := s.parse(args, stderr, runUsage(s)); err != nil {
		return nil, nil, err
	}
	var errs []error
	if len(o.kafka.brokers) == 0 {
		errs = append(errs, errors.New("--brokers is required (or OKTADETECT_BROKERS)"))
	}
	if len(o.topics) == 0 {
		errs = append(errs, errors.New("--topics is required (or OKTADETECT_TOPICS)"))
	}
	if o.exactlyOnce && o.transactionalID == "" {
		errs = append(errs, errors.New("--transactional-id must not be empty with --exactly-once"))
	}
	if o.groupProtocol != stream.ProtocolClassic && o.groupProtocol != stream.ProtocolConsumer {
		errs = append(errs, fmt.Errorf("invalid value %q for %s: want classic or consumer", o.groupProtocol, s.where("group-protocol")))
	}
	if o.dedupeHorizon <= 0 {
		errs = append(errs, fmt.Errorf("invalid value %s for %s: must be positive", o.dedupeHorizon, s.where("dedupe-horizon")))
	}
	if o.shutdownTimeout <= 0 {
		errs = append(errs, fmt.Errorf("invalid value %s for %s: must be positive", o.shutdownTimeout, s.where("shutdown-timeout")))
	}
	if o.workers < 0 {
		errs = append(errs, fmt.Errorf("invalid value %d for %s: must be 0 or more", o.workers, s.where("workers")))
	}
	if err := o.log.check(); err != nil {
		errs = append(errs, err)
	}
	if err := errors.Join(errs...); err != nil {
		return nil, nil, err
	}
	return o, s, nil
}

func runCommand(ctx context.Context, args []string, _, stderr io.Writer) error {
	o, _, err := parseRunOptions(args, stderr)
	if err != nil {
		return err
	}
	log, err := o.log.logger(stderr)
	if err != nil {
		return err
	}
	return runDetector(ctx, o, log, nil)
}

// runDetector runs the service until ctx ends. ready, when not nil,
// receives the handler once the pipeline is built (demo uses it to read the
// totals).
func runDetector(ctx context.Context, o *runOptions, log *slog.Logger, ready func(*streamHandler, *stream.Pipeline)) error {
	d, err := o.detect.build(log)
	if err != nil {
		return err
	}
	rs := d.ruleset.Load()
	log.Info("rules loaded", "rules", len(rs.engine.Rules()), "skipped", len(rs.skipped),
		"sources", strings.Join(rs.sources, ","), "fields", len(rs.engine.Fields()),
		"prefilter_literals", len(rs.engine.PrefilterLiterals()))
	for _, sk := range rs.skipped {
		log.Info("rule skipped", "rule_id", sk.RuleID, "name", sk.Name, "source", sk.Source, "reason", sk.Reason)
	}

	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	metrics, err := stream.NewMetrics(reg)
	if err != nil {
		return fmt.Errorf("setting up metrics: %w", err)
	}
	tlsCfg, mech, err := o.kafka.security()
	if err != nil {
		return err
	}
	h := &streamHandler{d: d, metrics: metrics}
	workers := o.workers
	if workers == 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	opts := []stream.Opt{
		stream.Brokers(o.kafka.brokers...),
		stream.Group(o.group),
		stream.Topics(o.topics...),
		stream.AlertsTopic(o.alertsTopic),
		stream.GroupProtocol(o.groupProtocol),
		stream.Workers(workers),
		stream.ShutdownTimeout(o.shutdownTimeout),
		stream.Security(tlsCfg, mech),
		stream.WithLogger(log),
		stream.WithMetrics(metrics),
		stream.Follow("", o.dedupeHorizon, o.detect.dedupeSize, d.warm),
	}
	if o.deadLetterTopic != "" {
		opts = append(opts, stream.DeadLetterTopic(o.deadLetterTopic))
	}
	if o.exactlyOnce {
		opts = append(opts, stream.ExactlyOnce(o.transactionalID))
	}
	if !o.createTopics {
		opts = append(opts, stream.CreateTopics(0, -1))
	}
	p, err := stream.New(h, opts...)
	if err != nil {
		return err
	}
	if ready != nil {
		ready(h, p)
	}

	var shuttingDown atomic.Bool
	if o.httpAddr != "" {
		srv, err := startHTTP(o.httpAddr, reg, o.pprof, func() bool { return !shuttingDown.Load() && p.Ready() }, log)
		if err != nil {
			return err
		}
		defer srv.close()
	}

	bg, stopBG := context.WithCancel(context.Background())
	defer stopBG()
	go reloadLoop(bg, o, d, log)
	go summaryLoop(bg, o.summaryInterval, h, metrics, log)

	log.Info("oktadetect starting", "version", version, "brokers", strings.Join(o.kafka.brokers, ","),
		"group", o.group, "topics", strings.Join(o.topics, ","), "alerts_topic", o.alertsTopic,
		"dead_letter_topic", o.deadLetterTopic, "exactly_once", o.exactlyOnce, "group_protocol", o.groupProtocol)
	runCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	go func() {
		<-ctx.Done()
		shuttingDown.Store(true)
	}()
	err = p.Run(runCtx)
	shuttingDown.Store(true)
	d.flushCaps()
	t := &h.totals
	log.Info("oktadetect stopped", "events", t.events.Load(), "alerts", t.alerts.Load(),
		"duplicates", t.duplicates.Load(), "decode_errors", t.decodeErrors.Load(), "capped", t.capped.Load())
	return err
}

// reloadLoop reloads the rules on SIGHUP, and on file changes when
// --watch-rules is set. A rule set that fails to load or compile is
// rejected with a log line; the running one stays.
func reloadLoop(ctx context.Context, o *runOptions, d *detector, log *slog.Logger) {
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	defer signal.Stop(hup)
	var tick <-chan time.Time
	var lastSig string
	if o.watchRules > 0 && len(o.detect.rules) > 0 {
		t := time.NewTicker(o.watchRules)
		defer t.Stop()
		tick = t.C
		lastSig = rulesSignature(o.detect.rules)
	}
	flush := time.NewTicker(30 * time.Second)
	defer flush.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-flush.C:
			d.flushCaps()
			continue
		case <-hup:
			log.Info("SIGHUP: reloading rules")
		case <-tick:
			sig := rulesSignature(o.detect.rules)
			if sig == lastSig {
				continue
			}
			lastSig = sig
			log.Info("rule files changed: reloading rules")
		}
		d.reload(&o.detect, log)
	}
}

// reload compiles the rules again and swaps them in. A rule set that fails
// to load or compile is rejected with a log line and the running one stays.
func (d *detector) reload(o *detectOptions, log *slog.Logger) error {
	rs, err := o.compile()
	if err != nil {
		log.Error("rule reload rejected; the previous rules keep running", "error", err)
		return err
	}
	old := d.ruleset.Swap(rs)
	detect.ForgetRules(old.engine.Rules())
	log.Info("rules reloaded", "rules", len(rs.engine.Rules()), "skipped", len(rs.skipped))
	return nil
}

// summaryLoop logs one line of throughput and totals per interval.
func summaryLoop(ctx context.Context, every time.Duration, h *streamHandler, m *stream.Metrics, log *slog.Logger) {
	if every <= 0 {
		return
	}
	t := time.NewTicker(every)
	defer t.Stop()
	last, lastAt := h.totals.events.Load(), time.Now()
	for {
		select {
		case <-ctx.Done():
			return
		case now := <-t.C:
			ev := h.totals.events.Load()
			rate := float64(ev-last) / now.Sub(lastAt).Seconds()
			last, lastAt = ev, now
			log.Info("summary", "events_per_sec", int64(rate), "events", ev, "alerts", h.totals.alerts.Load(),
				"duplicates", h.totals.duplicates.Load(), "decode_errors", h.totals.decodeErrors.Load(),
				"capped", h.totals.capped.Load(), "consumer_lag", m.TotalLag())
		}
	}
}
