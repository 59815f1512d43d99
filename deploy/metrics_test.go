package deploy_test

import (
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"github.com/oktadetect/oktadetect/stream"
)

// exportedMetricNames returns every metric family name the oktadetect binary
// can export: the pipeline's (stream.MetricNames, which includes franz-go's
// client metrics) and those of client_golang's Go and process collectors,
// which cmd/oktadetect registers on the same registry. The latter are
// gathered from the real collectors rather than listed, so a client_golang
// upgrade that renames one shows up here.
func exportedMetricNames(t *testing.T) []string {
	t.Helper()
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	families, err := reg.Gather()
	if err != nil {
		t.Fatalf("gathering the Go and process collectors: %v", err)
	}
	names := stream.MetricNames()
	for _, f := range families {
		names = append(names, f.GetName())
	}
	return names
}
