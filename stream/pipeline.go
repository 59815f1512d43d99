package stream

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/plugin/kslog"
)

// Pipeline consumes the input topics in a consumer group, hands each
// partition's records to a Handler and writes what the handler returns.
// Create it with New, start it with Run.
type Pipeline struct {
	h   Handler
	cfg config
	sub subscription
	log *slog.Logger

	started  atomic.Bool
	joined   atomic.Bool // an assignment arrived in the current group session
	warmedUp atomic.Bool
	broken   atomic.Bool // the producer or a transaction failed for good
	stopping atomic.Bool
}

// New validates the options and returns a pipeline that calls h. It does not
// connect to Kafka; Run does.
func New(h Handler, opts ...Opt) (*Pipeline, error) {
	if h == nil {
		return nil, errors.New("stream.New: nil Handler")
	}
	cfg := defaultConfig()
	for _, o := range opts {
		if o != nil {
			o.apply(&cfg)
		}
	}
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	sub, err := newSubscription(cfg.topics)
	if err != nil {
		return nil, err
	}
	if cfg.logger == nil {
		cfg.logger = slog.Default()
	}
	return &Pipeline{h: h, cfg: cfg, sub: sub, log: cfg.logger.With("component", "stream")}, nil
}

// Ready reports whether the pipeline is doing its job: it has joined the
// group and received an assignment (possibly empty), the alerts follower
// (if any) has finished warming up, and producing has not failed for good.
// It turns false as soon as shutdown starts. It is meant for a readiness
// probe.
func (p *Pipeline) Ready() bool {
	return p.joined.Load() && p.warmedUp.Load() && !p.broken.Load() && !p.stopping.Load()
}

// Run connects, warms up the follower, joins the group and processes
// records until ctx is canceled or a fatal error occurs. It can be called
// once.
//
// On cancellation it shuts down gracefully within ShutdownTimeout: it stops
// polling, lets the batch in flight finish (produce, acknowledgements,
// marking), commits, leaves the group and closes its clients, and returns
// nil. A fatal error (handler error, produce failure, failed transaction,
// authorization failure) goes through the same shutdown and is returned;
// the records it concerned were not committed and are read again after a
// restart.
func (p *Pipeline) Run(ctx context.Context) error {
	if !p.started.CompareAndSwap(false, true) {
		return errors.New("stream: Run called more than once; create a new Pipeline")
	}
	defer p.stopping.Store(true)

	// runCtx ends on cancellation or on the first fatal error. workCtx is
	// what batches, commits and the group leave use: it survives runCtx
	// for at most ShutdownTimeout, so work in flight can finish.
	runCtx, cancelRun := context.WithCancelCause(ctx)
	defer cancelRun(nil)
	workCtx, cancelWork := context.WithCancel(context.WithoutCancel(ctx))
	defer cancelWork()
	var (
		deadlineMu sync.Mutex
		deadline   *time.Timer
	)
	stopWatch := context.AfterFunc(runCtx, func() {
		p.stopping.Store(true)
		deadlineMu.Lock()
		deadline = time.AfterFunc(p.cfg.shutdownTimeout, cancelWork)
		deadlineMu.Unlock()
	})
	defer func() {
		stopWatch()
		deadlineMu.Lock()
		if deadline != nil {
			deadline.Stop()
		}
		deadlineMu.Unlock()
	}()

	r := &runner{p: p, log: p.log, cancelRun: cancelRun}
	err := r.run(runCtx, workCtx)
	if fatal := r.fatalErr(); fatal != nil {
		if errors.Is(err, context.Canceled) {
			err = nil // the fatal error canceled the run; saying so again adds nothing
		}
		return errors.Join(fatal, err)
	}
	if err != nil && ctx.Err() != nil && errors.Is(err, ctx.Err()) {
		return nil // canceled during start-up: nothing to shut down
	}
	return err
}

// runner holds what one Run creates.
type runner struct {
	p   *Pipeline
	log *slog.Logger

	cancelRun context.CancelCauseFunc
	fatalMu   sync.Mutex
	fatal     error

	adminCl  *kgo.Client
	adm      *kadm.Client
	limitsMu sync.Mutex
	limits   map[string]int32 // max.message.bytes of the output topics
	follow   *follower
	catchUp  atomic.Pointer[map[int32]int64] // follower target set by the last assignment
	owned    owned                           // partitions assigned to this instance

	cl   *kgo.Client               // consumer and producer
	sess *kgo.GroupTransactSession // wraps cl in exactly-once mode
}

// fail stops Run with err. Only the first error is kept: later ones are
// usually consequences of it.
func (r *runner) fail(err error) {
	r.fatalMu.Lock()
	if r.fatal == nil {
		r.fatal = err
	}
	r.fatalMu.Unlock()
	r.cancelRun(err)
}

func (r *runner) fatalErr() error {
	r.fatalMu.Lock()
	defer r.fatalMu.Unlock()
	return r.fatal
}

// baseOpts are the options every client shares: where and how to connect,
// and where to log.
func (r *runner) baseOpts(role string) []kgo.Opt {
	cfg := r.p.cfg
	opts := []kgo.Opt{
		kgo.SeedBrokers(cfg.brokers...),
		kgo.ClientID("oktadetect"),
		kgo.WithLogger(kslog.New(franzLogger(cfg.logger).With("component", "kafka", "client", role))),
	}
	if cfg.tls != nil {
		opts = append(opts, kgo.DialTLSConfig(cfg.tls.Clone()))
	}
	if cfg.sasl != nil {
		opts = append(opts, kgo.SASL(cfg.sasl))
	}
	return opts
}

func (r *runner) run(ctx, work context.Context) error {
	cfg := r.p.cfg
	if cfg.tls != nil && cfg.tls.InsecureSkipVerify {
		r.log.Warn("TLS CERTIFICATE VERIFICATION IS OFF: anyone on the network path can impersonate the Kafka brokers and read or forge events and alerts; use this only against a test cluster")
	}
	if err := r.connect(ctx); err != nil {
		if r.adminCl != nil {
			r.adminCl.Close()
		}
		return err
	}
	defer r.adminCl.Close()
	if err := r.prepareTopics(ctx); err != nil {
		return err
	}

	if cfg.follow != nil {
		if err := r.warmUp(ctx); err != nil {
			return err
		}
		defer r.follow.close()
	}
	r.p.warmedUp.Store(true)
	if cfg.beforeGroup != nil {
		cfg.beforeGroup()
	}
	if ctx.Err() != nil {
		return ctx.Err()
	}

	releaseMetrics, err := r.newClient()
	if err != nil {
		return err
	}
	defer releaseMetrics()

	lagCtx, stopLag := context.WithCancel(ctx)
	lagDone := make(chan struct{})
	go func() {
		defer close(lagDone)
		r.lagLoop(lagCtx)
	}()

	r.log.Info("consuming", "group", cfg.group, "topics", cfg.topics, "alerts_topic", cfg.alertsTopic,
		"dead_letter_topic", cfg.deadLetterTopic, "exactly_once", cfg.exactlyOnce(), "group_protocol", cfg.groupProtocol)
	var loopErr error
	if cfg.exactlyOnce() {
		loopErr = r.consumeExactlyOnce(ctx, work)
	} else {
		loopErr = r.consumeAtLeastOnce(ctx, work)
	}
	if loopErr != nil {
		r.fail(loopErr)
	}
	stopLag()
	<-lagDone
	return r.shutdown(work)
}

// warmUp starts the follower and waits until it has read what the followed
// topic held at start.
func (r *runner) warmUp(ctx context.Context) error {
	cfg := r.p.cfg
	start := time.Now()
	f, target, err := startFollower(ctx, r)
	if err != nil {
		return err
	}
	r.follow = f
	caughtUp := f.waitFor(ctx, target, cfg.warmupTimeout)
	took, read := time.Since(start), f.recordsRead()
	cfg.metrics.setWarmup(took, read)
	if caughtUp {
		r.log.Info("alerts follower warmed up", "topic", f.topic, "took", took.Round(time.Millisecond), "records", read)
	} else if ctx.Err() == nil {
		r.log.Warn("alerts follower warm-up incomplete; consuming anyway", "topic", f.topic, "took", took.Round(time.Millisecond), "records", read)
	}
	return nil
}

// newClient creates the group consumer and producer.
func (r *runner) newClient() (release func(), err error) {
	cfg := r.p.cfg
	hooks, release, herr := cfg.metrics.kafkaHooks()
	if herr != nil {
		r.log.Warn("not reporting franz-go client metrics", "err", herr)
	}
	opts := r.clientOpts(hooks)
	if cfg.exactlyOnce() {
		r.sess, err = kgo.NewGroupTransactSession(opts...)
		if err == nil {
			r.cl = r.sess.Client()
			err = r.fencePrevious()
		}
	} else {
		r.cl, err = kgo.NewClient(opts...)
	}
	if err != nil {
		release()
		return nil, fmt.Errorf("stream: creating the consumer: %w", err)
	}
	return release, nil
}

func (r *runner) clientOpts(hooks kgo.Opt) []kgo.Opt {
	cfg := r.p.cfg
	opts := append(r.baseOpts("main"),
		kgo.ConsumerGroup(cfg.group),
		kgo.ConsumeTopics(r.p.sub.exprs...),
		kgo.ConsumeStartOffset(cfg.startOffset),
		kgo.OnPartitionsAssigned(r.onAssigned),
		kgo.OnPartitionsRevoked(r.onRevoked),
		kgo.OnPartitionsLost(r.onLost),
		kgo.DefaultProduceTopic(cfg.alertsTopic),
		kgo.RequiredAcks(kgo.AllISRAcks()),
		// Each cycle waits for its outputs to be acknowledged before
		// the next poll (and, in exactly-once mode, before the
		// transaction ends). Alerts are rare, so lingering to fill a
		// batch gains nothing and its default 10ms would be added to
		// every cycle that alerts.
		kgo.ProducerLinger(0),
		kgo.ProducerBatchMaxBytesFn(r.batchMaxBytes),
		// Each cycle ends with a wait (for acknowledgements, or for the
		// transaction to commit), so the records a poll returns set how
		// often that wait is paid. franz-go's default of 1 MiB per
		// partition per fetch gives about 400 Okta events a partition;
		// 8 MiB amortises the wait over eight times as many, which
		// measured about 10% faster at-least-once and twice as fast
		// exactly-once on the dev broker. Memory stays bounded by
		// FetchMaxBytes (50 MiB by default).
		kgo.FetchMaxPartitionBytes(8<<20),
	)
	if r.p.sub.regex() {
		exclude := []string{literal(cfg.alertsTopic)}
		if cfg.deadLetterTopic != "" {
			exclude = append(exclude, literal(cfg.deadLetterTopic))
		}
		opts = append(opts, kgo.ConsumeRegex(), kgo.ConsumeExcludeTopics(exclude...))
	}
	if cfg.groupProtocol == ProtocolConsumer {
		opts = append(opts, kgo.ServerSideBalancer())
	}
	if cfg.exactlyOnce() {
		// franz-go v1.22 always asks for stable offsets (KIP-447): a
		// member that takes over a partition waits for the previous
		// owner's open transaction to end before reading its commit.
		// RequireStableFetchOffsets is a deprecated no-op, so it is
		// not passed.
		opts = append(opts,
			kgo.TransactionalID(*cfg.transactionalID),
			kgo.FetchIsolationLevel(kgo.ReadCommitted()),
		)
	} else {
		opts = append(opts, kgo.BlockRebalanceOnPoll(), kgo.AutoCommitMarks())
	}
	if hooks != nil {
		opts = append(opts, hooks)
	}
	return append(opts, cfg.clientOpts...)
}

// onAssigned marks the pipeline joined and, with a follower, records the
// alerts topic's end offsets as of this assignment: before records of the
// new partitions are handled, the follower must have read that far, so the
// previous owner's last alerts are known.
func (r *runner) onAssigned(ctx context.Context, _ *kgo.Client, assigned map[string][]int32) {
	r.owned.add(assigned)
	r.p.joined.Store(true)
	if len(assigned) == 0 {
		return
	}
	r.log.Info("partitions assigned", "partitions", assigned)
	if r.follow == nil {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, r.p.cfg.catchUpTimeout)
	defer cancel()
	target, err := r.follow.endOffsets(ctx)
	if err != nil {
		r.log.Warn("cannot list the alerts topic's end offsets; handling the new partitions without waiting for the follower", "err", err)
		return
	}
	r.catchUp.Store(&target)
}

// onRevoked commits what was processed before the partitions go to another
// member, so that member does not redo it. In exactly-once mode offsets are
// committed inside transactions and there is nothing to do: the session
// aborts a transaction a revoke interrupts.
func (r *runner) onRevoked(ctx context.Context, cl *kgo.Client, revoked map[string][]int32) {
	r.owned.remove(revoked)
	if len(revoked) > 0 {
		r.log.Info("partitions revoked", "partitions", revoked)
	}
	if r.p.cfg.exactlyOnce() {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, r.p.cfg.commitTimeout)
	defer cancel()
	if err := cl.CommitMarkedOffsets(ctx); err != nil {
		r.log.Error("committing offsets of revoked partitions; their next owner will process some records again", "err", err)
	}
}

// onLost does not commit: the partitions may already belong to another
// member, and committing could move its offsets backwards.
func (r *runner) onLost(_ context.Context, _ *kgo.Client, lost map[string][]int32) {
	r.owned.remove(lost)
	r.p.joined.Store(false)
	r.log.Warn("partitions lost (group session ended without a clean rebalance); uncommitted work will be redone by their next owner", "partitions", lost)
}

// awaitCatchUp waits, after an assignment, until the follower has read the
// alerts topic up to its end offsets as of the assignment.
func (r *runner) awaitCatchUp(ctx context.Context) {
	if r.follow == nil {
		return
	}
	target := r.catchUp.Swap(nil)
	if target == nil {
		return
	}
	start := time.Now()
	if r.follow.waitFor(ctx, *target, r.p.cfg.catchUpTimeout) {
		r.log.Debug("alerts follower caught up after assignment", "took", time.Since(start))
	}
}

// shutdown commits what was processed, leaves the group and closes the
// client, within what is left of ShutdownTimeout.
func (r *runner) shutdown(work context.Context) error {
	start := time.Now()
	done := make(chan error, 1)
	go func() {
		var err error
		if !r.p.cfg.exactlyOnce() {
			if cerr := r.cl.CommitMarkedOffsets(work); cerr != nil {
				err = fmt.Errorf("stream: committing offsets on shutdown: %w", cerr)
			}
			r.cl.AllowRebalance()
		}
		// Leaving triggers the revoke callback (which commits again,
		// a no-op by now). Close after leaving has nothing to wait for.
		if lerr := r.cl.LeaveGroupContext(work); lerr != nil && err == nil && work.Err() == nil {
			err = fmt.Errorf("stream: leaving the group: %w", lerr)
		}
		r.cl.Close()
		done <- err
	}()
	select {
	case err := <-done:
		if work.Err() != nil {
			return fmt.Errorf("stream: shutdown did not finish within %s", r.p.cfg.shutdownTimeout)
		}
		r.log.Info("stopped", "shutdown_took", time.Since(start).Round(time.Millisecond))
		return err
	case <-work.Done():
		return fmt.Errorf("stream: shutdown did not finish within %s", r.p.cfg.shutdownTimeout)
	}
}

// franzLogger is the logger franz-go's own messages go to. franz-go logs
// every rebalance step and, in exactly-once mode, every transaction at info
// level; the pipeline logs what matters of those itself (assignments,
// revocations, aborted transactions), so franz-go's messages below warn
// are kept for debug logging only.
func franzLogger(l *slog.Logger) *slog.Logger {
	if l.Enabled(context.Background(), slog.LevelDebug) {
		return l
	}
	return slog.New(minLevelHandler{l.Handler(), slog.LevelWarn})
}

// minLevelHandler drops records below min.
type minLevelHandler struct {
	slog.Handler
	min slog.Level
}

func (h minLevelHandler) Enabled(ctx context.Context, l slog.Level) bool {
	return l >= h.min && h.Handler.Enabled(ctx, l)
}

func (h minLevelHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	return minLevelHandler{h.Handler.WithAttrs(attrs), h.min}
}

func (h minLevelHandler) WithGroup(name string) slog.Handler {
	return minLevelHandler{h.Handler.WithGroup(name), h.min}
}

// fencePrevious initialises the transactional producer now rather than at
// the first transaction. A previous instance killed between committing a
// transaction's offsets and ending it leaves that transaction open; until it
// is aborted, this member's offset fetch is refused as unstable (KIP-447),
// so without fencing it waits for the transaction timeout (about 40s)
// before it can start. Initialising the producer id aborts it at once.
func (r *runner) fencePrevious() error {
	ctx, cancel := context.WithTimeout(context.Background(), r.p.cfg.reachTimeout)
	defer cancel()
	if _, _, err := r.cl.ProducerID(ctx); err != nil {
		r.sess.Close()
		return fmt.Errorf("initialising the transactional producer: %w", err)
	}
	return nil
}
