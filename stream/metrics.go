package stream

import (
	"errors"
	"fmt"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/plugin/kprom"
)

// Metric family names. Dashboards and alerting rules depend on them: do not
// rename.
const (
	metricEvents         = "oktadetect_events_total"
	metricAlerts         = "oktadetect_alerts_total"
	metricDuplicates     = "oktadetect_duplicates_total"
	metricDecodeErrors   = "oktadetect_decode_errors_total"
	metricAlertsCapped   = "oktadetect_alerts_capped_total"
	metricDeadLetters    = "oktadetect_dead_letter_total"
	metricProcessing     = "oktadetect_processing_seconds"
	metricEventLag       = "oktadetect_event_lag_seconds"
	metricConsumerLag    = "oktadetect_consumer_lag"
	metricWarmupSeconds  = "oktadetect_follow_warmup_seconds"
	metricWarmupRecords  = "oktadetect_follow_warmup_records"
	metricFollowRecords  = "oktadetect_follow_records_total"
	kafkaMetricNamespace = "oktadetect"
	kafkaMetricSubsystem = "kafka"
)

// kafkaMetricNames are the families kprom v1.5.0 registers for one client,
// without the "oktadetect_kafka_" prefix. Histograms are registered even
// when not enabled, so they are listed too.
var kafkaMetricNames = []string{
	"connects_total",
	"connect_errors_total",
	"disconnects_total",
	"write_bytes_total",
	"write_errors_total",
	"write_wait_seconds",
	"write_time_seconds",
	"read_bytes_total",
	"read_errors_total",
	"read_wait_seconds",
	"read_time_seconds",
	"request_duration_e2e_seconds",
	"request_throttled_seconds",
	"produce_compressed_bytes_total",
	"produce_uncompressed_bytes_total",
	"produce_batches_total",
	"produce_records_total",
	"fetch_compressed_bytes_total",
	"fetch_uncompressed_bytes_total",
	"fetch_batches_total",
	"fetch_records_total",
	"buffered_produce_records_total",
	"buffered_produce_bytes",
	"buffered_fetch_records_total",
	"buffered_fetch_bytes",
}

// MetricNames returns the name of every metric family the pipeline can
// export: the pipeline's own, the detection-level ones the handler reports
// through Metrics' methods, and franz-go's client metrics (prefixed
// oktadetect_kafka_). Histograms are listed by family name; their series
// carry the usual _bucket, _sum and _count suffixes.
func MetricNames() []string {
	names := []string{
		metricEvents,
		metricAlerts,
		metricDuplicates,
		metricDecodeErrors,
		metricAlertsCapped,
		metricDeadLetters,
		metricProcessing,
		metricEventLag,
		metricConsumerLag,
		metricWarmupSeconds,
		metricWarmupRecords,
		metricFollowRecords,
	}
	for _, n := range kafkaMetricNames {
		names = append(names, kafkaMetricNamespace+"_"+kafkaMetricSubsystem+"_"+n)
	}
	return names
}

// Metrics holds the pipeline's Prometheus metrics. Create it with NewMetrics
// and pass it to both WithMetrics and the handler, which reports the
// detection-level metrics through the Count* and Observe* methods. All
// methods are safe for concurrent use and do nothing on a nil *Metrics.
//
// One Metrics serves one running Pipeline at a time: franz-go's client
// metrics are registered when the pipeline's client starts and removed when
// it closes. A second pipeline running concurrently with the same Metrics
// reports everything except those client metrics, and logs a warning.
type Metrics struct {
	reg prometheus.Registerer

	events        *prometheus.CounterVec
	alerts        *prometheus.CounterVec
	duplicates    *prometheus.CounterVec
	decodeErrors  *prometheus.CounterVec
	alertsCapped  *prometheus.CounterVec
	deadLetters   *prometheus.CounterVec
	processing    prometheus.Histogram
	eventLag      prometheus.Histogram
	consumerLag   *prometheus.GaugeVec
	warmupSeconds prometheus.Gauge
	warmupRecords prometheus.Gauge
	followRecords prometheus.Counter

	kafkaInUse atomic.Bool
	totalLag   atomic.Int64 // sum of the last consumer-lag measurement
}

// NewMetrics creates the metrics and registers them on reg. A nil reg gets a
// private registry, which is only useful in tests. It fails when a metric of
// the same name is already registered on reg.
func NewMetrics(reg prometheus.Registerer) (*Metrics, error) {
	if reg == nil {
		reg = prometheus.NewRegistry()
	}
	m := &Metrics{
		reg: reg,
		events: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: metricEvents,
			Help: "Input records handed to the handler, by source topic.",
		}, []string{"topic"}),
		alerts: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: metricAlerts,
			Help: "Alerts created, by rule.",
		}, []string{"rule_id"}),
		duplicates: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: metricDuplicates,
			Help: "Alerts suppressed because the same event already produced one, by rule.",
		}, []string{"rule_id"}),
		decodeErrors: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: metricDecodeErrors,
			Help: "Input records that could not be decoded, by source topic and reason.",
		}, []string{"topic", "reason"}),
		alertsCapped: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: metricAlertsCapped,
			Help: "Alerts not created because the rule reached its alert limit, by rule.",
		}, []string{"rule_id"}),
		deadLetters: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: metricDeadLetters,
			Help: "Input records dead-lettered (written to the dead-letter topic, or logged and skipped when there is none), by source topic.",
		}, []string{"topic"}),
		processing: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    metricProcessing,
			Help:    "Time to handle one partition's batch, produce its outputs and mark its offsets.",
			Buckets: prometheus.ExponentialBuckets(0.0001, 4, 10), // 100us .. 26s
		}),
		eventLag: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    metricEventLag,
			Help:    "Time from an event's own timestamp to its processing.",
			Buckets: prometheus.ExponentialBuckets(0.25, 2, 16), // 250ms .. 2.3h
		}),
		consumerLag: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: metricConsumerLag,
			Help: "Records between the group's committed offset and the end of each partition this instance owns.",
		}, []string{"topic", "partition"}),
		warmupSeconds: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: metricWarmupSeconds,
			Help: "How long the alerts-topic follower took to read up to the end offsets that existed at start.",
		}),
		warmupRecords: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: metricWarmupRecords,
			Help: "Records the alerts-topic follower read during warm-up.",
		}),
		followRecords: prometheus.NewCounter(prometheus.CounterOpts{
			Name: metricFollowRecords,
			Help: "Records the alerts-topic follower has read.",
		}),
	}
	for _, c := range []prometheus.Collector{
		m.events, m.alerts, m.duplicates, m.decodeErrors, m.alertsCapped, m.deadLetters,
		m.processing, m.eventLag, m.consumerLag, m.warmupSeconds, m.warmupRecords, m.followRecords,
	} {
		if err := reg.Register(c); err != nil {
			return nil, fmt.Errorf("stream.NewMetrics: %w", err)
		}
	}
	return m, nil
}

// CountAlert counts one alert created by the rule.
func (m *Metrics) CountAlert(ruleID string) {
	if m != nil {
		m.alerts.WithLabelValues(ruleID).Inc()
	}
}

// CountDuplicate counts one alert the rule did not create because the event
// had already produced one.
func (m *Metrics) CountDuplicate(ruleID string) {
	if m != nil {
		m.duplicates.WithLabelValues(ruleID).Inc()
	}
}

// CountDecodeError counts one input record from topic that could not be
// decoded. reason is a short code such as "invalid_json".
func (m *Metrics) CountDecodeError(topic, reason string) {
	if m != nil {
		m.decodeErrors.WithLabelValues(topic, reason).Inc()
	}
}

// CountAlertCapped counts one alert the rule did not create because it hit
// its alert limit.
func (m *Metrics) CountAlertCapped(ruleID string) {
	if m != nil {
		m.alertsCapped.WithLabelValues(ruleID).Inc()
	}
}

// ObserveEventLag records how old an event was when it was processed: now
// minus the event's own timestamp.
func (m *Metrics) ObserveEventLag(lag time.Duration) {
	if m != nil {
		m.eventLag.Observe(lag.Seconds())
	}
}

func (m *Metrics) countEvents(topic string, n int) {
	if m != nil {
		m.events.WithLabelValues(topic).Add(float64(n))
	}
}

func (m *Metrics) countDeadLetter(sourceTopic string) {
	if m != nil {
		m.deadLetters.WithLabelValues(sourceTopic).Inc()
	}
}

func (m *Metrics) observeProcessing(d time.Duration) {
	if m != nil {
		m.processing.Observe(d.Seconds())
	}
}

func (m *Metrics) countFollowed(n int) {
	if m != nil && n > 0 {
		m.followRecords.Add(float64(n))
	}
}

func (m *Metrics) setWarmup(d time.Duration, records int64) {
	if m != nil {
		m.warmupSeconds.Set(d.Seconds())
		m.warmupRecords.Set(float64(records))
	}
}

// setConsumerLag replaces the consumer-lag series with lags, so partitions
// this instance no longer owns disappear.
func (m *Metrics) setConsumerLag(lags map[string]map[int32]int64) {
	if m == nil {
		return
	}
	m.consumerLag.Reset()
	var total int64
	for topic, ps := range lags {
		for p, lag := range ps {
			m.consumerLag.WithLabelValues(topic, strconv.Itoa(int(p))).Set(float64(lag))
			total += lag
		}
	}
	m.totalLag.Store(total)
}

// TotalLag returns the consumer lag of this instance's partitions, summed,
// as last measured (every 15s while running); 0 before the first
// measurement.
func (m *Metrics) TotalLag() int64 {
	if m == nil {
		return 0
	}
	return m.totalLag.Load()
}

// errKafkaMetricsInUse is returned by kafkaHooks when another running client
// already reports franz-go metrics through this Metrics.
var errKafkaMetricsInUse = errors.New("franz-go client metrics are already reported by another running pipeline using the same stream.Metrics")

// kafkaHooks returns the franz-go hooks that report client metrics, and a
// release function to call once the client is closed. kprom registers its
// collectors when the client is created and unregisters them when it
// closes, so only one client at a time can own them.
func (m *Metrics) kafkaHooks() (kgo.Opt, func(), error) {
	if m == nil {
		return nil, func() {}, nil
	}
	if !m.kafkaInUse.CompareAndSwap(false, true) {
		return nil, func() {}, errKafkaMetricsInUse
	}
	km := kprom.NewMetrics(kafkaMetricNamespace,
		kprom.Subsystem(kafkaMetricSubsystem),
		kprom.Registerer(lenientRegisterer{m.reg}),
		kprom.FetchAndProduceDetail(kprom.ByNode, kprom.ByTopic, kprom.Records, kprom.Batches,
			kprom.UncompressedBytes, kprom.CompressedBytes, kprom.ConsistentNaming),
		kprom.Histograms(kprom.RequestDurationE2E),
	)
	return kgo.WithHooks(km), func() { m.kafkaInUse.Store(false) }, nil
}

// lenientRegisterer keeps kprom from panicking: kprom registers through
// promauto, which panics when a name is already taken on the registry (say,
// by an unrelated collector of the application). Losing client metrics is
// better than losing the process.
type lenientRegisterer struct{ prometheus.Registerer }

func (l lenientRegisterer) MustRegister(cs ...prometheus.Collector) {
	for _, c := range cs {
		_ = l.Register(c)
	}
}
