package perf

import (
	"os"
	"strings"
	"testing"
)

func TestParseMetricsFixture(t *testing.T) {
	f, err := os.Open("testdata/metrics.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	got, err := parseMetrics(f)
	if err != nil {
		t.Fatalf("parseMetrics: %v", err)
	}
	want := counters{
		Events:     200000, // summed over both topics
		Alerts:     15,     // summed over both rules, the odd label included
		Duplicates: 2,
		Mallocs:    1234567,
		CPUSeconds: 12.34,
		GCs:        42,
	}
	if got != want {
		t.Errorf("parseMetrics = %+v\nwant %+v", got, want)
	}
}

func TestParseMetricsLines(t *testing.T) {
	tests := []struct {
		name    string
		text    string
		want    counters
		wantErr string
	}{
		{name: "empty", text: "", want: counters{}},
		{name: "comments and blank lines only", text: "# HELP x y\n\n# TYPE x counter\n", want: counters{}},
		{name: "unlabelled", text: "oktadetect_events_total 7\n", want: counters{Events: 7}},
		{name: "labelled", text: `oktadetect_events_total{topic="a b"} 7` + "\n", want: counters{Events: 7}},
		{name: "escaped backslash before the closing quote", text: `oktadetect_events_total{topic="a\\"} 3` + "\n", want: counters{Events: 3}},
		{name: "timestamp", text: "process_cpu_seconds_total 1.5 1700000000000\n", want: counters{CPUSeconds: 1.5}},
		{name: "family with a longer name is not summed in", text: "oktadetect_events_total_extra 9\noktadetect_events_total 1\n", want: counters{Events: 1}},
		{name: "no value", text: "oktadetect_events_total\n", wantErr: "no value"},
		{name: "unterminated labels", text: `oktadetect_events_total{topic="a} 1` + "\n", wantErr: "unterminated labels"},
		{name: "bad number", text: "oktadetect_events_total x\n", wantErr: "value of oktadetect_events_total"},
		{name: "too many fields", text: "oktadetect_events_total 1 2 3\n", wantErr: "want a value"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parseMetrics(strings.NewReader(tt.text))
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("parseMetrics error = %v, want one containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("parseMetrics: %v", err)
			}
			if got != tt.want {
				t.Errorf("parseMetrics = %+v, want %+v", got, tt.want)
			}
		})
	}
}
