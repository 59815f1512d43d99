package stream

import (
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"runtime"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/sasl"
)

// Opt configures a Pipeline. Options are applied in order; a later option
// overrides an earlier one. Invalid values are reported by New, with the
// option's name in the error.
type Opt interface {
	apply(*config)
}

type opt func(*config)

func (o opt) apply(c *config) { o(c) }

// Group protocols accepted by GroupProtocol.
const (
	// ProtocolClassic is the client-driven group protocol with the
	// cooperative-sticky balancer: a rebalance only moves the partitions
	// that change owner, so the others keep being processed.
	ProtocolClassic = "classic"
	// ProtocolConsumer is KIP-848's broker-driven protocol. It needs
	// Kafka 4.0 or newer (franz-go recommends 4.3+).
	ProtocolConsumer = "consumer"
)

// Defaults of the options that have one.
const (
	DefaultBroker          = "localhost:9092"
	DefaultGroup           = "oktadetect"
	DefaultShutdownTimeout = 30 * time.Second
)

// Timings that are not options. They are fields of config (rather than
// constants) only so that tests can shorten them.
const (
	defaultReachTimeout    = 10 * time.Second
	defaultSetupTimeout    = 30 * time.Second
	defaultWarmupTimeout   = 60 * time.Second
	defaultCatchUpTimeout  = 15 * time.Second
	defaultLagInterval     = 15 * time.Second
	defaultCommitTimeout   = 10 * time.Second
	defaultDeliveryTimeout = 2 * time.Minute
	defaultMaxPollRecords  = 50_000
	defaultDiscoverEvery   = 30 * time.Second
)

type config struct {
	brokers          []string
	group            string
	topics           []string
	alertsTopic      string
	deadLetterTopic  string
	transactionalID  *string
	groupProtocol    string
	workers          int
	shutdownTimeout  time.Duration
	tls              *tls.Config
	sasl             sasl.Mechanism
	logger           *slog.Logger
	metrics          *Metrics
	follow           *followConfig
	createPartitions int32
	createReplicas   int16
	clientOpts       []kgo.Opt
	startOffset      kgo.Offset

	reachTimeout    time.Duration
	setupTimeout    time.Duration
	warmupTimeout   time.Duration
	catchUpTimeout  time.Duration
	lagInterval     time.Duration
	commitTimeout   time.Duration
	deliveryTimeout time.Duration
	maxPollRecords  int
	discoverEvery   time.Duration

	// beforeGroup, when set, runs after warm-up and before the group is
	// joined. Tests use it to write to the alerts topic at exactly that
	// point.
	beforeGroup func()
}

type followConfig struct {
	topic      string
	horizon    time.Duration
	maxRecords int
	fn         func(*kgo.Record)
}

func defaultConfig() config {
	return config{
		brokers:          []string{DefaultBroker},
		group:            DefaultGroup,
		groupProtocol:    ProtocolClassic,
		workers:          runtime.GOMAXPROCS(0),
		shutdownTimeout:  DefaultShutdownTimeout,
		createPartitions: -1,
		createReplicas:   -1,
		startOffset:      kgo.NewOffset().AtStart(),

		reachTimeout:    defaultReachTimeout,
		setupTimeout:    defaultSetupTimeout,
		warmupTimeout:   defaultWarmupTimeout,
		catchUpTimeout:  defaultCatchUpTimeout,
		lagInterval:     defaultLagInterval,
		commitTimeout:   defaultCommitTimeout,
		deliveryTimeout: defaultDeliveryTimeout,
		maxPollRecords:  defaultMaxPollRecords,
		discoverEvery:   defaultDiscoverEvery,
	}
}

// Brokers sets the seed brokers, "host:port" each, overriding the default
// DefaultBroker ("localhost:9092"). The rest of the cluster is discovered
// from them.
func Brokers(addrs ...string) Opt { return opt(func(c *config) { c.brokers = addrs }) }

// Group sets the consumer group, overriding the default DefaultGroup
// ("oktadetect"). Every instance of one deployment uses the same group;
// Kafka spreads the input partitions among them.
func Group(name string) Opt { return opt(func(c *config) { c.group = name }) }

// Topics sets the input topics. It is required.
//
// An entry containing any of the characters *+?[](){}|^$\ is a regular
// expression (Go RE2 syntax), anchored at both ends: "logs-okta.*" reads
// every topic whose name starts with "logs-okta", much like an Elasticsearch
// index pattern, and new matching topics are picked up while running. Any
// other entry is an exact topic name; a dot alone does not make a pattern,
// because topic names contain dots. The alerts and dead-letter topics are
// never read, even when a pattern matches them.
func Topics(topics ...string) Opt { return opt(func(c *config) { c.topics = topics }) }

// AlertsTopic sets the topic that output records without a topic of their
// own are written to. It is required.
func AlertsTopic(name string) Opt { return opt(func(c *config) { c.alertsTopic = name }) }

// DeadLetterTopic sets the topic dead letters are written to. There is no
// default.
//
// When no dead-letter topic is set, a dead letter is logged (topic,
// partition, offset, reason and error; never the record's content), counted
// in oktadetect_dead_letter_total, and its offset is committed like any
// other: the record is skipped.
func DeadLetterTopic(name string) Opt { return opt(func(c *config) { c.deadLetterTopic = name }) }

// ExactlyOnce switches the pipeline from at-least-once (the default) to
// exactly-once processing with Kafka transactions under the given
// transactional ID. Every running instance needs its own stable ID (a
// StatefulSet pod name works well): two live instances sharing an ID fence
// each other. See the package documentation for what exactly-once costs.
func ExactlyOnce(transactionalID string) Opt {
	return opt(func(c *config) { c.transactionalID = &transactionalID })
}

// GroupProtocol selects the consumer group protocol: ProtocolClassic
// ("classic", the default; cooperative-sticky balancing) or ProtocolConsumer
// ("consumer", KIP-848, Kafka 4.0+).
func GroupProtocol(protocol string) Opt { return opt(func(c *config) { c.groupProtocol = protocol }) }

// Workers bounds how many partitions are handled at the same time,
// overriding the default runtime.GOMAXPROCS(0).
func Workers(n int) Opt { return opt(func(c *config) { c.workers = n }) }

// ShutdownTimeout bounds a graceful shutdown (finishing the batch in flight,
// committing and leaving the group), overriding the default 30s.
func ShutdownTimeout(d time.Duration) Opt { return opt(func(c *config) { c.shutdownTimeout = d }) }

// Security sets TLS and SASL for every connection the pipeline makes. Either
// may be nil; both nil (the default) means plaintext without
// authentication. See TLSConfig and SASL for building them from files and
// flags. A tls.Config with InsecureSkipVerify is accepted, but Run logs a
// warning that certificate verification is off.
func Security(tlsConfig *tls.Config, mechanism sasl.Mechanism) Opt {
	return opt(func(c *config) { c.tls, c.sasl = tlsConfig, mechanism })
}

// WithLogger sets where the pipeline logs, overriding the default
// slog.Default(). franz-go's own log lines go to the same logger (through
// kslog) with the attribute component=kafka: warnings and errors always,
// its (chatty) info and debug lines only when l has debug enabled.
func WithLogger(l *slog.Logger) Opt { return opt(func(c *config) { c.logger = l }) }

// WithMetrics sets where the pipeline reports metrics. The default is none.
func WithMetrics(m *Metrics) Opt { return opt(func(c *config) { c.metrics = m }) }

// Follow sets up the alerts-topic follower, off by default.
//
// A separate, non-group consumer reads topic (empty means the alerts topic)
// and calls fn for each record, from a single goroutine, starting for every
// partition at the first record written in the last horizon, but at most
// maxRecords/partitions records before the partition's end, and then keeps
// following new records and new partitions. In exactly-once mode it reads
// only committed records. fn typically warms a duplicate-suppression cache;
// it runs concurrently with Handler.Handle, so what it shares with the
// handler must be safe for concurrent use. fn may keep the record.
//
// Run does not consume input until the follower has read up to the end
// offsets that existed when it started (waiting at most 60s, then logging a
// warning). On every partition assignment, before handling records of the
// new partitions, Run waits (at most 15s) until the follower has read up to
// the end offsets as of the assignment, so alerts written by the previous
// owner of a partition are seen before its records are handled again.
func Follow(topic string, horizon time.Duration, maxRecords int, fn func(*kgo.Record)) Opt {
	return opt(func(c *config) {
		c.follow = &followConfig{topic: topic, horizon: horizon, maxRecords: maxRecords, fn: fn}
	})
}

// CreateTopics sets how the alerts and dead-letter topics are created when
// they do not exist. By default they are created with the broker's default
// partition count and replication factor (-1 for either means the broker's
// default). partitions == 0 turns creation off. When the pipeline is not
// authorised to create topics it logs a warning and continues.
//
// A dead-letter topic created here gets max.message.bytes of 2 MiB, so that
// a record at Kafka's default 1 MiB limit still fits with the error headers
// added.
func CreateTopics(partitions int32, replicationFactor int16) Opt {
	return opt(func(c *config) { c.createPartitions, c.createReplicas = partitions, replicationFactor })
}

// ClientOpts appends raw franz-go options to the consumer/producer client.
// It is an escape hatch for settings this package does not model (rack,
// fetch sizes, timeouts, a custom dialer). Options that change what the
// pipeline relies on (group, topics, commit mode, transactions, rebalance
// callbacks) break its guarantees. They are not applied to the follower or
// to the admin client.
func ClientOpts(opts ...kgo.Opt) Opt {
	return opt(func(c *config) { c.clientOpts = append(c.clientOpts, opts...) })
}

// StartOffset sets where a partition without a committed offset is read
// from, overriding the default kgo.NewOffset().AtStart(): the oldest record
// still in the topic. A detector must not skip events, so a new group reads
// everything retained; pass kgo.NewOffset().AtEnd() to start from new
// records only.
func StartOffset(o kgo.Offset) Opt { return opt(func(c *config) { c.startOffset = o }) }

// validate reports every invalid option at once.
func (c *config) validate() error {
	var errs []error
	bad := func(option, format string, args ...any) {
		errs = append(errs, fmt.Errorf("stream.%s: %s", option, fmt.Sprintf(format, args...)))
	}
	if len(c.brokers) == 0 {
		bad("Brokers", "no broker address")
	}
	for _, b := range c.brokers {
		if b == "" {
			bad("Brokers", "empty broker address")
		}
	}
	if c.group == "" {
		bad("Group", "empty group name")
	}
	if len(c.topics) == 0 {
		bad("Topics", "no input topic")
	}
	if c.alertsTopic == "" {
		bad("AlertsTopic", "the alerts topic must be set")
	} else if isPattern(c.alertsTopic) {
		bad("AlertsTopic", "%q is not a valid topic name", c.alertsTopic)
	}
	if c.deadLetterTopic != "" && isPattern(c.deadLetterTopic) {
		bad("DeadLetterTopic", "%q is not a valid topic name", c.deadLetterTopic)
	}
	if c.deadLetterTopic != "" && c.deadLetterTopic == c.alertsTopic {
		bad("DeadLetterTopic", "must differ from the alerts topic %q", c.alertsTopic)
	}
	for _, t := range c.topics {
		if t != "" && (t == c.alertsTopic || t == c.deadLetterTopic) {
			bad("Topics", "%q is also an output topic; reading it would feed outputs back as input", t)
		}
	}
	if c.transactionalID != nil && *c.transactionalID == "" {
		bad("ExactlyOnce", "empty transactional ID")
	}
	if c.groupProtocol != ProtocolClassic && c.groupProtocol != ProtocolConsumer {
		bad("GroupProtocol", "%q is not %q or %q", c.groupProtocol, ProtocolClassic, ProtocolConsumer)
	}
	if c.workers < 1 {
		bad("Workers", "%d is less than 1", c.workers)
	}
	if c.shutdownTimeout <= 0 {
		bad("ShutdownTimeout", "%s is not positive", c.shutdownTimeout)
	}
	if f := c.follow; f != nil {
		if f.fn == nil {
			bad("Follow", "nil callback")
		}
		if f.horizon <= 0 {
			bad("Follow", "horizon %s is not positive", f.horizon)
		}
		if f.maxRecords < 1 {
			bad("Follow", "maxRecords %d is less than 1", f.maxRecords)
		}
		if isPattern(f.topic) {
			bad("Follow", "%q is not a valid topic name", f.topic)
		}
	}
	if c.createPartitions < -1 {
		bad("CreateTopics", "partitions %d is invalid (want -1, 0 or more)", c.createPartitions)
	}
	if c.createPartitions != 0 && (c.createReplicas == 0 || c.createReplicas < -1) {
		bad("CreateTopics", "replication factor %d is invalid (want -1 or at least 1)", c.createReplicas)
	}
	return errors.Join(errs...)
}

// exactlyOnce reports whether transactions are on.
func (c *config) exactlyOnce() bool { return c.transactionalID != nil }

// followTopic is the topic the follower reads.
func (c *config) followTopic() string {
	if c.follow.topic != "" {
		return c.follow.topic
	}
	return c.alertsTopic
}
