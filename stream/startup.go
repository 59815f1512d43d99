package stream

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kgo"
)

// kafkaDefaultMaxMessageBytes is Kafka's default message.max.bytes, used
// when a topic's limit cannot be read.
const kafkaDefaultMaxMessageBytes = 1_048_588

// franzDefaultBatchMaxBytes is franz-go's default ProducerBatchMaxBytes,
// used for output topics whose limit we did not look up.
const franzDefaultBatchMaxBytes = 1_000_012

// deadLetterTopicMaxMessageBytes is max.message.bytes for a dead-letter topic
// this package creates: twice Kafka's default, so a record at the default
// limit still fits once the error headers are added.
const deadLetterTopicMaxMessageBytes = 2 << 20

// dialErrors remembers the last failed connection attempt, because a
// request that times out only says "context deadline exceeded" while the
// reason (refused, no route, TLS handshake) is in the dial error.
type dialErrors struct {
	mu   sync.Mutex
	last error
}

// OnBrokerConnect implements kgo.HookBrokerConnect.
func (d *dialErrors) OnBrokerConnect(_ kgo.BrokerMetadata, _ time.Duration, _ net.Conn, err error) {
	if err != nil {
		d.mu.Lock()
		d.last = err
		d.mu.Unlock()
	}
}

func (d *dialErrors) lastErr() error {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.last
}

// connect creates the admin client and checks that the brokers answer.
func (r *runner) connect(ctx context.Context) error {
	cfg := r.p.cfg
	dials := new(dialErrors)
	cl, err := kgo.NewClient(append(r.baseOpts("admin"),
		kgo.WithHooks(dials),
		// kadm answers topic and partition questions from cached
		// metadata up to this old; the default 5s would hide a new
		// partition from the follower's discovery for that long. The
		// admin client asks rarely, so fresher costs little.
		kgo.MetadataMinAge(time.Second),
	)...)
	if err != nil {
		return fmt.Errorf("stream: creating the Kafka client: %w", err)
	}
	r.adminCl, r.adm = cl, kadm.NewClient(cl)

	probeCtx, cancel := context.WithTimeout(ctx, cfg.reachTimeout)
	defer cancel()
	probeStart := time.Now()
	_, err = r.adm.BrokerMetadata(probeCtx)
	if err == nil {
		return nil
	}
	if ctx.Err() != nil {
		return ctx.Err()
	}
	addrs := strings.Join(cfg.brokers, ",")
	cause := err
	if dialErr := dials.lastErr(); dialErr != nil && (errors.Is(err, context.DeadlineExceeded) || isDialError(err)) {
		cause = dialErr
	}
	if cfg.sasl != nil && (errors.Is(cause, kerr.SaslAuthenticationFailed) || errors.Is(cause, kerr.IllegalSaslState) || errors.Is(cause, kerr.UnsupportedSaslMechanism)) {
		return fmt.Errorf("cannot authenticate to Kafka at %s: the broker rejected the SASL %s credentials: %w", addrs, cfg.sasl.Name(), cause)
	}
	if cfg.sasl != nil && errors.Is(cause, io.EOF) {
		// Some brokers drop the connection instead of answering a
		// failed authentication with an error code.
		return fmt.Errorf("cannot authenticate to Kafka at %s: the broker closed the connection during SASL %s authentication (wrong credentials, or a mechanism it does not enable): %w",
			addrs, cfg.sasl.Name(), cause)
	}
	// The net error reads best on its own ("dial tcp 127.0.0.1:9:
	// connect: connection refused"); franz-go's "unable to dial:" prefix
	// adds nothing to it.
	var opErr *net.OpError
	if errors.As(cause, &opErr) {
		cause = opErr
	}
	if time.Since(probeStart) >= cfg.reachTimeout {
		return fmt.Errorf("cannot reach Kafka at %s within %s: %w", addrs, cfg.reachTimeout, cause)
	}
	return fmt.Errorf("cannot reach Kafka at %s: %w", addrs, cause)
}

func isDialError(err error) bool {
	var opErr *net.OpError
	return errors.As(err, &opErr) && opErr.Op == "dial"
}

// prepareTopics creates missing output topics, reads their size limits and
// warns about input topics that do not exist.
func (r *runner) prepareTopics(ctx context.Context) error {
	cfg := r.p.cfg
	ctx, cancel := context.WithTimeout(ctx, cfg.setupTimeout)
	defer cancel()

	outputs := []string{cfg.alertsTopic}
	if cfg.deadLetterTopic != "" {
		outputs = append(outputs, cfg.deadLetterTopic)
	}
	existing, err := r.adm.ListTopics(ctx)
	if err != nil {
		return fmt.Errorf("stream: listing topics: %w", err)
	}
	if cfg.createPartitions != 0 {
		for _, t := range outputs {
			if existing.Has(t) {
				continue
			}
			if err := r.createTopic(ctx, t); err != nil {
				return err
			}
		}
	}
	for _, t := range outputs {
		if !existing.Has(t) && cfg.createPartitions == 0 {
			r.log.Warn("output topic does not exist and topic creation is off; producing to it will fail unless the broker creates it", "topic", t)
		}
	}
	r.limits = r.topicLimits(ctx, outputs)
	r.checkInputs(existing)
	return nil
}

func (r *runner) createTopic(ctx context.Context, topic string) error {
	cfg := r.p.cfg
	var configs map[string]*string
	if topic == cfg.deadLetterTopic {
		configs = map[string]*string{"max.message.bytes": kadm.StringPtr(strconv.Itoa(deadLetterTopicMaxMessageBytes))}
	}
	resp, err := r.adm.CreateTopic(ctx, cfg.createPartitions, cfg.createReplicas, configs, topic)
	switch {
	case err == nil:
		r.log.Info("created topic", "topic", topic, "partitions", resp.NumPartitions, "replication_factor", resp.ReplicationFactor)
		return nil
	case errors.Is(err, kerr.TopicAlreadyExists):
		return nil // another instance won the race
	case errors.Is(err, kerr.TopicAuthorizationFailed), errors.Is(err, kerr.ClusterAuthorizationFailed):
		r.log.Warn("not authorised to create topic; continuing, producing to it will fail unless it is created", "topic", topic, "err", err)
		return nil
	default:
		return fmt.Errorf("stream: creating topic %s: %w", topic, err)
	}
}

// topicLimits reads max.message.bytes of the output topics. A topic whose
// limit cannot be read gets Kafka's default, which is what most clusters
// run with; a wrong guess is caught when the broker refuses a record.
func (r *runner) topicLimits(ctx context.Context, topics []string) map[string]int32 {
	limits := make(map[string]int32, len(topics))
	for _, t := range topics {
		limits[t] = kafkaDefaultMaxMessageBytes
	}
	described, err := r.adm.DescribeTopicConfigs(ctx, topics...)
	if err != nil {
		r.log.Warn("cannot read max.message.bytes of the output topics; assuming Kafka's default", "default", kafkaDefaultMaxMessageBytes, "err", err)
		return limits
	}
	for _, rc := range described {
		if rc.Err != nil {
			r.log.Warn("cannot read max.message.bytes; assuming Kafka's default", "topic", rc.Name, "default", kafkaDefaultMaxMessageBytes, "err", rc.Err)
			continue
		}
		for _, c := range rc.Configs {
			if c.Key != "max.message.bytes" {
				continue
			}
			if n, err := strconv.ParseInt(c.MaybeValue(), 10, 32); err == nil && n > 0 {
				limits[rc.Name] = int32(n)
			}
		}
	}
	r.log.Debug("output topic size limits", "max_message_bytes", limits)
	return limits
}

// checkInputs warns about input topics that do not exist. A missing topic
// is not an error: the consumer starts reading it once it is created.
func (r *runner) checkInputs(existing kadm.TopicDetails) {
	sub := r.p.sub
	for _, name := range sub.names {
		if !existing.Has(name) {
			r.log.Warn("input topic does not exist yet; it will be read once created", "topic", name)
		}
	}
	if !sub.regex() {
		return
	}
	matched := 0
	for name := range existing {
		if sub.matches(name) && name != r.p.cfg.alertsTopic && name != r.p.cfg.deadLetterTopic {
			matched++
		}
	}
	if matched == 0 {
		r.log.Info("no existing topic matches the input patterns yet; matching topics are picked up when created", "topics", r.p.cfg.topics)
	} else {
		r.log.Info("input patterns match existing topics", "topics", r.p.cfg.topics, "matched", matched)
	}
}

// batchMaxBytes gives franz-go the size limit for batches to each topic. The
// output topics' limits come from the broker, so that a dead letter near
// the limit is cut by us rather than refused after the fact.
func (r *runner) batchMaxBytes(topic string) int32 {
	r.limitsMu.Lock()
	defer r.limitsMu.Unlock()
	if limit, ok := r.limits[topic]; ok {
		return min(max(limit, 512), 1<<30)
	}
	return franzDefaultBatchMaxBytes
}

// limit returns the known max.message.bytes of an output topic.
func (r *runner) limit(topic string) int {
	r.limitsMu.Lock()
	defer r.limitsMu.Unlock()
	if limit, ok := r.limits[topic]; ok {
		return int(limit)
	}
	return franzDefaultBatchMaxBytes
}

// refreshLimit reads an output topic's max.message.bytes again, after the
// broker refused a record we thought fit, and remembers it so later dead
// letters are cut before they are sent. franz-go keeps the limit it was
// given at start for its own check, which is fine: it is only ever larger.
func (r *runner) refreshLimit(ctx context.Context, topic string) (int, bool) {
	ctx, cancel := context.WithTimeout(ctx, r.p.cfg.reachTimeout)
	defer cancel()
	described, err := r.adm.DescribeTopicConfigs(ctx, topic)
	if err != nil {
		return 0, false
	}
	rc, err := described.On(topic, nil)
	if err != nil {
		return 0, false
	}
	for _, c := range rc.Configs {
		if c.Key != "max.message.bytes" {
			continue
		}
		n, err := strconv.ParseInt(c.MaybeValue(), 10, 32)
		if err != nil || n <= 0 {
			return 0, false
		}
		r.limitsMu.Lock()
		r.limits[topic] = int32(n)
		r.limitsMu.Unlock()
		return int(n), true
	}
	return 0, false
}
