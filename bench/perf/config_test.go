package perf

import (
	"slices"
	"strings"
	"testing"
	"time"
)

func TestParseSizeMix(t *testing.T) {
	tests := []struct {
		in       string
		min, max int
		wantErr  string
	}{
		{in: "1000-3000", min: 1000, max: 3000},
		{in: " 1000 - 3000 ", min: 1000, max: 3000},
		{in: "1_000-3_000", min: 1000, max: 3000},
		{in: "2500", min: 2500, max: 2500},
		{in: "2500-2500", min: 2500, max: 2500},
		{in: "1-1000000", min: 1, max: 1000000},
		{in: "", wantErr: "missing number"},
		{in: "-3000", wantErr: "missing number"},
		{in: "1000-", wantErr: "missing number"},
		{in: "1k-3k", wantErr: `"1k" is not a whole number`},
		{in: "0-3000", wantErr: "minimum 0 is less than 1"},
		{in: "3000-1000", wantErr: "maximum 1000 is less than minimum 3000"},
		{in: "1000-2000000", wantErr: "above Kafka's default record limit"},
		{in: "1000-2000-3000", wantErr: "is not a whole number"},
	}
	for _, tt := range tests {
		min, max, err := ParseSizeMix(tt.in)
		if tt.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("ParseSizeMix(%q) error = %v, want one containing %q", tt.in, err, tt.wantErr)
			}
			continue
		}
		if err != nil || min != tt.min || max != tt.max {
			t.Errorf("ParseSizeMix(%q) = %d, %d, %v; want %d, %d", tt.in, min, max, err, tt.min, tt.max)
		}
	}
}

func TestParseConsumers(t *testing.T) {
	tests := []struct {
		in      []string
		want    []int
		wantErr string
	}{
		{in: []string{"1,2,3"}, want: []int{1, 2, 3}},
		{in: []string{"3", "1", "2"}, want: []int{1, 2, 3}},
		{in: []string{"2, 1,2,,"}, want: []int{1, 2}},
		{in: []string{"64"}, want: []int{64}},
		{in: nil, wantErr: "no consumer count"},
		{in: []string{" , "}, wantErr: "no consumer count"},
		{in: []string{"0"}, wantErr: `"0" is not a whole number between 1 and 64`},
		{in: []string{"65"}, wantErr: `"65"`},
		{in: []string{"1,two"}, wantErr: `"two"`},
		{in: []string{"-1"}, wantErr: `"-1"`},
	}
	for _, tt := range tests {
		got, err := ParseConsumers(tt.in...)
		if tt.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("ParseConsumers(%q) error = %v, want one containing %q", tt.in, err, tt.wantErr)
			}
			continue
		}
		if err != nil || !slices.Equal(got, tt.want) {
			t.Errorf("ParseConsumers(%q) = %v, %v; want %v", tt.in, got, err, tt.want)
		}
	}
}

func TestConfigDefaults(t *testing.T) {
	got, err := Config{Binary: "oktadetect", Embedded: true, Consumers: []int{3, 1, 3}}.withDefaults()
	if err != nil {
		t.Fatalf("withDefaults: %v", err)
	}
	checks := []struct {
		name string
		ok   bool
	}{
		{"Events", got.Events == DefaultEvents},
		{"SizeMin/SizeMax", got.SizeMin == 1000 && got.SizeMax == 3000},
		{"Partitions", got.Partitions == DefaultPartitions},
		{"Consumers sorted without repeats", slices.Equal(got.Consumers, []int{1, 3})},
		{"LatencyLoad", got.LatencyLoad == DefaultLatencyLoad},
		{"LatencyDuration", got.LatencyDuration == DefaultLatencyDuration},
		{"Compression", got.Compression == "none"},
		{"ScrapeInterval", got.ScrapeInterval == DefaultScrapeInterval},
		{"StallTimeout", got.StallTimeout == DefaultStallTimeout},
		{"Progress", got.Progress != nil},
		{"MatchRate stays zero", got.MatchRate == 0},
	}
	for _, c := range checks {
		if !c.ok {
			t.Errorf("default %s not applied: %+v", c.name, got)
		}
	}

	defaults, err := Config{Binary: "x", Brokers: []string{"b:9092"}}.withDefaults()
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(defaults.Consumers, DefaultConsumers) {
		t.Errorf("Consumers = %v, want %v", defaults.Consumers, DefaultConsumers)
	}
	defaults.Consumers[0] = 99
	if DefaultConsumers[0] != 1 {
		t.Fatal("withDefaults shares DefaultConsumers' backing array")
	}
}

func TestConfigInvalid(t *testing.T) {
	valid := Config{Binary: "oktadetect", Brokers: []string{"localhost:9092"}}
	tests := []struct {
		name   string
		modify func(*Config)
		want   string
	}{
		{"zero Config", func(c *Config) { *c = Config{} }, "Binary: no oktadetect executable"},
		{"no broker", func(c *Config) { c.Brokers = nil }, "Brokers: no broker address"},
		{"negative events", func(c *Config) { c.Events = -1 }, "Events: -1"},
		{"sizes reversed", func(c *Config) { c.SizeMin, c.SizeMax = 3000, 1000 }, "maximum 1000 is less than minimum 3000"},
		{"match rate above 1", func(c *Config) { c.MatchRate = 1.5 }, "MatchRate"},
		{"dup rate of 1", func(c *Config) { c.DupRate = 1 }, "DupRate"},
		{"negative partitions", func(c *Config) { c.Partitions = -2 }, "Partitions"},
		{"zero consumers", func(c *Config) { c.Consumers = []int{0, 2} }, "Consumers: 0"},
		{"latency load above 1", func(c *Config) { c.LatencyLoad = 2 }, "LatencyLoad"},
		{"latency too short", func(c *Config) { c.LatencyDuration = time.Millisecond }, "LatencyDuration"},
		{"unknown codec", func(c *Config) { c.Compression = "brotli" }, `unknown codec "brotli"`},
		{"scrapes too often", func(c *Config) { c.ScrapeInterval = time.Millisecond }, "ScrapeInterval"},
	}
	for _, tt := range tests {
		c := valid
		tt.modify(&c)
		_, err := c.withDefaults()
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: error = %v, want one containing %q", tt.name, err, tt.want)
		}
	}
	if _, err := valid.withDefaults(); err != nil {
		t.Errorf("valid Config rejected: %v", err)
	}
}
