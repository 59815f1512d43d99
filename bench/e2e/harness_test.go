package e2e

import (
	"os"
	"strings"
	"testing"

	"github.com/oktadetect/oktadetect/bench/eventgen"
	"github.com/oktadetect/oktadetect/detect"
)

// These tests check the harness itself and need no broker.

func TestParseMetrics(t *testing.T) {
	text, err := os.ReadFile("testdata/metrics.txt")
	if err != nil {
		t.Fatal(err)
	}
	m, err := ParseMetrics(string(text))
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name string
		has  bool
		sum  float64
	}{
		{"oktadetect_events_total", true, 1234},
		{"oktadetect_consumer_lag", true, 7},
		{"oktadetect_decode_errors_total", true, 2},
		{"oktadetect_processing_seconds_count", true, 19},
		{"go_gc_duration_seconds", true, 0}, // NaN is skipped
		{"process_start_time_seconds", true, 1.7645e+09},
		{"oktadetect_alerts_total", false, 0},
		{"oktadetect_processing_seconds", false, 0}, // only its _bucket, _sum and _count exist
	} {
		if got := m.Has(tt.name); got != tt.has {
			t.Errorf("Has(%s) = %v, want %v", tt.name, got, tt.has)
		}
		if got := m.Sum(tt.name); got != tt.sum {
			t.Errorf("Sum(%s) = %v, want %v", tt.name, got, tt.sum)
		}
	}
	for _, s := range m {
		if s.Name == "oktadetect_decode_errors_total" && s.Labels["topic"] != `say "hi", {ok}` {
			t.Errorf("escaped label value read as %q", s.Labels["topic"])
		}
	}
}

func TestParseMetricsRejectsGarbage(t *testing.T) {
	for _, line := range []string{
		`oktadetect_events_total`,
		`oktadetect_events_total{topic="a"}`,
		`oktadetect_events_total{topic="a} 1`,
		`oktadetect_events_total{topic} 1`,
		`oktadetect_events_total one`,
		`oktadetect_events_total 1 2 3`,
		`{topic="a"} 1`,
	} {
		if _, err := ParseMetrics(line + "\n"); err == nil {
			t.Errorf("ParseMetrics(%q) succeeded, want an error", line)
		}
	}
}

func TestDiffAlerts(t *testing.T) {
	alert := func(event string) Alert {
		id := detect.AlertID(BuiltinRuleID, event)
		return Alert{ID: id, RuleID: BuiltinRuleID, EventID: event, UUID: id}
	}
	want := map[string]string{}
	for _, ev := range []string{"ev-1", "ev-2", "ev-3"} {
		want[detect.AlertID(BuiltinRuleID, ev)] = ev
	}
	badUUID := alert("ev-3")
	badUUID.UUID = "something-else"
	badKey := alert("ev-3")
	badKey.EventID = "ev-4"

	for _, tt := range []struct {
		name                                       string
		got                                        []Alert
		missing, unexpected, repeats, inconsistent int
	}{
		{"exact", []Alert{alert("ev-1"), alert("ev-2"), alert("ev-3")}, 0, 0, 0, 0},
		{"repeat", []Alert{alert("ev-1"), alert("ev-2"), alert("ev-3"), alert("ev-2"), alert("ev-2")}, 0, 0, 2, 0},
		{"missing", []Alert{alert("ev-1")}, 2, 0, 0, 0},
		{"unexpected", []Alert{alert("ev-1"), alert("ev-2"), alert("ev-3"), alert("ev-9")}, 0, 1, 0, 0},
		{"document disagrees", []Alert{alert("ev-1"), alert("ev-2"), badUUID}, 0, 0, 0, 1},
		{"key disagrees with headers", []Alert{alert("ev-1"), alert("ev-2"), badKey}, 0, 0, 0, 1},
		{"nothing", nil, 3, 0, 0, 0},
	} {
		t.Run(tt.name, func(t *testing.T) {
			d := DiffAlerts(tt.got, want)
			if len(d.Missing) != tt.missing || len(d.Unexpected) != tt.unexpected ||
				d.RepeatCount() != tt.repeats || len(d.Inconsistent) != tt.inconsistent {
				t.Errorf("got %d missing, %d unexpected, %d repeats, %d inconsistent; want %d, %d, %d, %d (%+v)",
					len(d.Missing), len(d.Unexpected), d.RepeatCount(), len(d.Inconsistent),
					tt.missing, tt.unexpected, tt.repeats, tt.inconsistent, d)
			}
		})
	}
}

func TestUniqueName(t *testing.T) {
	a, b := UniqueName(t, "in/put"), UniqueName(t, "in/put")
	if a == b {
		t.Errorf("two calls gave the same name %q", a)
	}
	for _, name := range []string{a, b} {
		if strings.ContainsAny(name, `*+?[](){}|^$\/.`) {
			t.Errorf("%q holds a character oktadetect --topics would read as a pattern, or Kafka refuses", name)
		}
		if !strings.HasPrefix(name, "e2e-TestUniqueName-in-put-") {
			t.Errorf("%q does not say which test made it", name)
		}
	}
}

func TestWorkload(t *testing.T) {
	var w Workload
	w.Add(event("a", true, false), 0)
	w.Add(event("b", false, false), 1)
	w.Add(event("a", true, true), 0) // same partition: a single consumer's cache catches it
	w.Add(event("a", true, true), 3) // another partition
	w.Add(event("c", true, false), 2)
	if w.Events != 5 || w.Matches != 4 || w.Dups != 2 || len(w.Expected) != 2 ||
		w.MatchingRedeliveries() != 2 || w.CrossPartition != 1 {
		t.Errorf("got %v", w)
	}
	if w.Expected[detect.AlertID(BuiltinRuleID, "a")] != "a" {
		t.Errorf("Expected = %v, want the alert id of event a mapped to a", w.Expected)
	}
}

func event(uuid string, match, dup bool) eventgen.Event {
	return eventgen.Event{UUID: uuid, Match: match, Dup: dup}
}
