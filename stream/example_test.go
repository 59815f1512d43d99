package stream_test

import (
	"bytes"
	"context"
	"errors"
	"log"
	"os/signal"
	"syscall"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/oktadetect/oktadetect/stream"
)

// A handler that alerts on every record mentioning an unauthorized app
// access attempt and dead-letters empty records. A real detector also keeps
// a duplicate-suppression cache: it undoes its entries in Done(false) and
// refills the cache from the alerts topic through Follow.
func Example() {
	metrics, err := stream.NewMetrics(prometheus.DefaultRegisterer)
	if err != nil {
		log.Fatal(err)
	}
	handler := stream.HandlerFunc(func(_ context.Context, b *stream.Batch) error {
		for _, r := range b.Records {
			switch {
			case len(r.Value) == 0:
				b.Dead = append(b.Dead, stream.DeadLetter{Record: r, Reason: "empty", Err: errors.New("empty record")})
			case bytes.Contains(r.Value, []byte("app.generic.unauth_app_access_attempt")):
				metrics.CountAlert("unauthorized-app-access")
				b.Out = append(b.Out, &kgo.Record{Key: r.Key, Value: []byte(`{"kibana.alert.rule.name":"Unauthorized access to an Okta application"}`)})
			}
		}
		return nil
	})

	tlsConfig, err := stream.TLSConfig("/etc/kafka/ca.pem", "", "", "", false)
	if err != nil {
		log.Fatal(err)
	}
	mechanism, err := stream.SASL("SCRAM-SHA-512", "oktadetect", "from-a-secret", "")
	if err != nil {
		log.Fatal(err)
	}
	p, err := stream.New(handler,
		stream.Brokers("kafka-0.kafka:9093", "kafka-1.kafka:9093"),
		stream.Topics("logs-okta.*"),
		stream.AlertsTopic("oktadetect-alerts"),
		stream.DeadLetterTopic("oktadetect-dead-letters"),
		stream.Security(tlsConfig, mechanism),
		stream.WithMetrics(metrics),
		stream.Follow("", 48*time.Hour, 1_000_000, func(*kgo.Record) { /* remember the alerted event */ }),
	)
	if err != nil {
		log.Fatal(err)
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, syscall.SIGINT)
	defer stop()
	if err := p.Run(ctx); err != nil {
		log.Fatal(err) // exit non-zero: the restart resumes from the last commit
	}
}
