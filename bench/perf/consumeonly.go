package perf

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/pprof"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"github.com/twmb/franz-go/pkg/kgo"
)

// ConsumeOnlyCommand is the hidden subcommand of "oktadetect bench" that
// runs the consume-only ceiling in a child process:
//
//	oktadetect bench internal-consume-only --brokers B --topic T --group G --http-addr A
//
// The bench command hands its remaining arguments to ConsumeOnlyMain.
const ConsumeOnlyCommand = "internal-consume-only"

// ConsumeOnlyMain runs the ceiling consumer until ctx ends: a plain franz-go
// group consumer with the client's defaults that reads a topic from the
// start and discards every record. It counts them in
// oktadetect_events_total on /metrics, next to the same Go and process
// collectors "oktadetect run" registers, so that the harness measures the
// ceiling and the detector the same way; /debug/pprof/ is served too.
//
// It runs in its own process, started from the same binary as the
// detector, so that both get the same runtime, GOMAXPROCS and share of the
// machine, and neither shares a heap or scheduler with the harness.
func ConsumeOnlyMain(ctx context.Context, args []string, stderr io.Writer) error {
	fs := flag.NewFlagSet(ConsumeOnlyCommand, flag.ContinueOnError)
	fs.SetOutput(stderr)
	brokers := fs.String("brokers", "", "seed brokers, comma-separated")
	topic := fs.String("topic", "", "topic to read")
	group := fs.String("group", "", "consumer group")
	httpAddr := fs.String("http-addr", "127.0.0.1:0", "address of /metrics")
	if err := fs.Parse(args); err != nil {
		return fmt.Errorf("%s: %w", ConsumeOnlyCommand, err)
	}
	if *brokers == "" || *topic == "" || *group == "" || fs.NArg() > 0 {
		return fmt.Errorf("%s: --brokers, --topic and --group are required, and nothing else", ConsumeOnlyCommand)
	}

	reg := prometheus.NewRegistry()
	events := prometheus.NewCounter(prometheus.CounterOpts{
		Name: metricEvents,
		Help: "Records received by the consume-only ceiling consumer.",
	})
	reg.MustRegister(events, collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	mux := http.NewServeMux()
	mux.Handle("/metrics", promhttp.HandlerFor(reg, promhttp.HandlerOpts{Registry: reg}))
	mux.HandleFunc("/readyz", func(w http.ResponseWriter, _ *http.Request) { io.WriteString(w, "ready\n") })
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	ln, err := net.Listen("tcp", *httpAddr)
	if err != nil {
		return fmt.Errorf("%s: --http-addr: %w", ConsumeOnlyCommand, err)
	}
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go srv.Serve(ln)
	defer srv.Close()

	cl, err := kgo.NewClient(
		kgo.SeedBrokers(strings.Split(*brokers, ",")...),
		kgo.ClientID("oktadetect-bench-ceiling"),
		kgo.ConsumerGroup(*group),
		kgo.ConsumeTopics(*topic),
		kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()),
	)
	if err != nil {
		return fmt.Errorf("%s: %w", ConsumeOnlyCommand, err)
	}
	defer cl.Close()
	for {
		fetches := cl.PollFetches(ctx)
		if fetches.IsClientClosed() || ctx.Err() != nil {
			return nil
		}
		fetches.EachError(func(t string, p int32, err error) {
			if !errors.Is(err, context.Canceled) {
				fmt.Fprintf(stderr, "%s: fetching %s[%d]: %v\n", ConsumeOnlyCommand, t, p, err)
			}
		})
		events.Add(float64(fetches.NumRecords()))
	}
}

// consumeOnlyArgs is the command line of a ceiling child.
func consumeOnlyArgs(brokers []string, topic, group, httpAddr string) []string {
	return []string{"bench", ConsumeOnlyCommand,
		"--brokers", strings.Join(brokers, ","), "--topic", topic, "--group", group, "--http-addr", httpAddr}
}
