package stream

import (
	"context"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
	"github.com/twmb/franz-go/pkg/kgo"
)

// recordingRegistry remembers the name of every metric family registered on
// it, including those unregistered later (kprom's go when the client closes).
type recordingRegistry struct {
	*prometheus.Registry
	mu    sync.Mutex
	names map[string]bool
}

var fqName = regexp.MustCompile(`fqName: "([^"]+)"`)

func (r *recordingRegistry) Register(c prometheus.Collector) error {
	ch := make(chan *prometheus.Desc, 16)
	go func() {
		c.Describe(ch)
		close(ch)
	}()
	r.mu.Lock()
	for d := range ch {
		if m := fqName.FindStringSubmatch(d.String()); m != nil {
			r.names[m[1]] = true
		}
	}
	r.mu.Unlock()
	return r.Registry.Register(c)
}

func (r *recordingRegistry) MustRegister(cs ...prometheus.Collector) {
	for _, c := range cs {
		if err := r.Register(c); err != nil {
			panic(err)
		}
	}
}

func (r *recordingRegistry) registered() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []string
	for n := range r.names {
		out = append(out, n)
	}
	slices.Sort(out)
	return out
}

// TestMetricNames runs a pipeline and checks that MetricNames lists exactly
// the families registered (the pipeline's and franz-go's), that everything
// gathered is listed, and that the pipeline counted what it processed.
func TestMetricNames(t *testing.T) {
	c := newTestCluster(t)
	tp := newTopics()
	c.createTopic(t, tp.input, 1, nil)
	events := fixtureEvents(t)
	c.produce(t, eventRecords(tp.input, 1, events)...)

	reg := &recordingRegistry{Registry: prometheus.NewRegistry(), names: map[string]bool{}}
	m, err := NewMetrics(reg)
	if err != nil {
		t.Fatal(err)
	}
	h := newOktaHandler()
	p, err := New(h, append(tp.opts(t, c), WithMetrics(m), Follow("", time.Hour, 10, func(*kgo.Record) {}))...)
	if err != nil {
		t.Fatal(err)
	}
	run := start(t, p)
	run.until(t, "all committed", func() bool { return h.committedCount() == len(events) })

	families, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	listed := MetricNames()
	for _, f := range families {
		if !slices.Contains(listed, f.GetName()) {
			t.Errorf("gathered %s, which MetricNames does not list", f.GetName())
		}
	}
	if err := run.stop(t); err != nil {
		t.Fatal(err)
	}
	slices.Sort(listed)
	if got := reg.registered(); !slices.Equal(got, listed) {
		t.Errorf("registered families:\n%s\nMetricNames:\n%s", strings.Join(got, "\n"), strings.Join(listed, "\n"))
	}
	if got := metricValue(t, m.events.WithLabelValues(tp.input)); got != float64(len(events)) {
		t.Errorf("%s = %v, want %d", metricEvents, got, len(events))
	}
	if got := metricValue(t, m.processing); got == 0 {
		t.Errorf("%s observed nothing", metricProcessing)
	}

	// A second pipeline may use the same Metrics once the first is gone:
	// franz-go's client metrics are registered again without a clash.
	h2 := newOktaHandler()
	p2, err := New(h2, append(tp.opts(t, c), WithMetrics(m))...)
	if err != nil {
		t.Fatal(err)
	}
	run2 := start(t, p2)
	run2.until(t, "second pipeline ready", p2.Ready)
	if err := run2.stop(t); err != nil {
		t.Fatal(err)
	}
}

func TestNewMetricsRegistryConflict(t *testing.T) {
	reg := prometheus.NewRegistry()
	if _, err := NewMetrics(reg); err != nil {
		t.Fatal(err)
	}
	if _, err := NewMetrics(reg); err == nil || !strings.Contains(err.Error(), "stream.NewMetrics") {
		t.Errorf("second NewMetrics on one registry returned %v", err)
	}
}

// TestMetricsMethods checks the handler-facing methods count what they say,
// and do nothing on a nil *Metrics.
func TestMetricsMethods(t *testing.T) {
	var none *Metrics
	none.CountAlert("r")
	none.CountDuplicate("r")
	none.CountDecodeError("t", "invalid_json")
	none.CountAlertCapped("r")
	none.ObserveEventLag(time.Second)

	m, err := NewMetrics(nil)
	if err != nil {
		t.Fatal(err)
	}
	m.CountAlert("rule-1")
	m.CountAlert("rule-1")
	m.CountDuplicate("rule-1")
	m.CountDecodeError("in", "invalid_json")
	m.CountAlertCapped("rule-2")
	m.ObserveEventLag(90 * time.Second)
	for _, tt := range []struct {
		name string
		c    prometheus.Collector
		want float64
	}{
		{metricAlerts, m.alerts.WithLabelValues("rule-1"), 2},
		{metricDuplicates, m.duplicates.WithLabelValues("rule-1"), 1},
		{metricDecodeErrors, m.decodeErrors.WithLabelValues("in", "invalid_json"), 1},
		{metricAlertsCapped, m.alertsCapped.WithLabelValues("rule-2"), 1},
		{metricEventLag, m.eventLag, 1},
	} {
		if got := metricValue(t, tt.c); got != tt.want {
			t.Errorf("%s = %v, want %v", tt.name, got, tt.want)
		}
	}
}

// TestConsumerLagMetric holds the first batch in the handler and checks the
// lag gauge shows the unprocessed records, then drops to zero once they
// are committed.
func TestConsumerLagMetric(t *testing.T) {
	for _, protocol := range []string{ProtocolClassic, ProtocolConsumer} {
		t.Run(protocol, func(t *testing.T) { testConsumerLagMetric(t, protocol) })
	}
}

func testConsumerLagMetric(t *testing.T, protocol string) {
	c := newTestCluster(t)
	tp := newTopics()
	c.createTopic(t, tp.input, 1, nil)
	events := fixtureEvents(t)
	c.produce(t, eventRecords(tp.input, 1, events)...)

	m, err := NewMetrics(nil)
	if err != nil {
		t.Fatal(err)
	}
	entered, release := make(chan struct{}), make(chan struct{})
	var once sync.Once
	h := newOktaHandler()
	h.hook = func(context.Context, *Batch) error {
		once.Do(func() {
			close(entered)
			<-release
		})
		return nil
	}
	p, err := New(h, append(tp.opts(t, c), WithMetrics(m), GroupProtocol(protocol))...)
	if err != nil {
		t.Fatal(err)
	}
	run := start(t, p)
	<-entered
	lagIs := func(want float64) func() bool {
		return func() bool {
			got, ok := seriesValue(t, m.consumerLag, map[string]string{"topic": tp.input, "partition": "0"})
			return ok && got == want
		}
	}
	run.until(t, "lag to show the unprocessed records", lagIs(float64(len(events))))
	close(release)
	run.until(t, "lag to drop to zero", lagIs(0))
	if err := run.stop(t); err != nil {
		t.Fatal(err)
	}
}

// seriesValue returns the value of the series with exactly these labels,
// without creating it (as WithLabelValues would).
func seriesValue(t *testing.T, c prometheus.Collector, labels map[string]string) (float64, bool) {
	t.Helper()
	ch := make(chan prometheus.Metric, 64)
	go func() {
		c.Collect(ch)
		close(ch)
	}()
	var (
		value float64
		found bool
	)
	for m := range ch {
		var d dto.Metric
		if err := m.Write(&d); err != nil {
			t.Fatal(err)
		}
		match := len(d.Label) == len(labels)
		for _, l := range d.Label {
			if labels[l.GetName()] != l.GetValue() {
				match = false
			}
		}
		if match && d.Gauge != nil {
			value, found = d.Gauge.GetValue(), true
		}
	}
	return value, found
}
