package stream

import (
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"
)

func TestNewValidatesOptions(t *testing.T) {
	valid := []Opt{Topics("in"), AlertsTopic("alerts")}
	noop := func(*kgo.Record) {}
	tests := []struct {
		name string
		opts []Opt
		want []string // substrings of the error; nil means valid
	}{
		{name: "minimal", opts: nil},
		{name: "no topics", opts: []Opt{Topics()}, want: []string{"stream.Topics: no input topic"}},
		{name: "no alerts topic", opts: []Opt{AlertsTopic("")}, want: []string{"stream.AlertsTopic: the alerts topic must be set"}},
		{name: "both missing, both reported", opts: []Opt{Topics(), AlertsTopic("")}, want: []string{"stream.Topics", "stream.AlertsTopic"}},
		{name: "empty broker", opts: []Opt{Brokers("")}, want: []string{"stream.Brokers: empty broker address"}},
		{name: "no broker", opts: []Opt{Brokers()}, want: []string{"stream.Brokers: no broker address"}},
		{name: "empty group", opts: []Opt{Group("")}, want: []string{"stream.Group"}},
		{name: "empty topic entry", opts: []Opt{Topics("in", "")}, want: []string{"stream.Topics: empty topic name"}},
		{name: "bad regex", opts: []Opt{Topics("logs-(okta")}, want: []string{`stream.Topics: "logs-(okta" is not a valid regular expression`}},
		{name: "input is the alerts topic", opts: []Opt{Topics("alerts")}, want: []string{`stream.Topics: "alerts" is also an output topic`}},
		{name: "input is the dead-letter topic", opts: []Opt{DeadLetterTopic("dlq"), Topics("in", "dlq")}, want: []string{`"dlq" is also an output topic`}},
		{name: "dead-letter topic is the alerts topic", opts: []Opt{DeadLetterTopic("alerts")}, want: []string{"stream.DeadLetterTopic: must differ"}},
		{name: "alerts topic pattern", opts: []Opt{AlertsTopic("alerts.*")}, want: []string{"stream.AlertsTopic"}},
		{name: "empty transactional id", opts: []Opt{ExactlyOnce("")}, want: []string{"stream.ExactlyOnce: empty transactional ID"}},
		{name: "unknown protocol", opts: []Opt{GroupProtocol("eager")}, want: []string{`stream.GroupProtocol: "eager" is not "classic" or "consumer"`}},
		{name: "consumer protocol", opts: []Opt{GroupProtocol(ProtocolConsumer)}},
		{name: "zero workers", opts: []Opt{Workers(0)}, want: []string{"stream.Workers: 0 is less than 1"}},
		{name: "zero shutdown timeout", opts: []Opt{ShutdownTimeout(0)}, want: []string{"stream.ShutdownTimeout"}},
		{name: "follow without callback", opts: []Opt{Follow("", time.Hour, 10, nil)}, want: []string{"stream.Follow: nil callback"}},
		{name: "follow without horizon", opts: []Opt{Follow("", 0, 10, noop)}, want: []string{"stream.Follow: horizon 0s is not positive"}},
		{name: "follow without records", opts: []Opt{Follow("", time.Hour, 0, noop)}, want: []string{"stream.Follow: maxRecords 0"}},
		{name: "follow", opts: []Opt{Follow("", time.Hour, 10, noop)}},
		{name: "create topics off", opts: []Opt{CreateTopics(0, 0)}},
		{name: "create topics bad partitions", opts: []Opt{CreateTopics(-2, 3)}, want: []string{"stream.CreateTopics: partitions -2"}},
		{name: "create topics bad replication", opts: []Opt{CreateTopics(6, 0)}, want: []string{"stream.CreateTopics: replication factor 0"}},
		{name: "nil option ignored", opts: []Opt{nil}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := New(newOktaHandler(), append(append([]Opt{}, valid...), tt.opts...)...)
			if tt.want == nil {
				if err != nil {
					t.Fatalf("New: %v", err)
				}
				return
			}
			if err == nil {
				t.Fatal("New accepted invalid options")
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q lacks %q", err, w)
				}
			}
		})
	}
	if _, err := New(nil, valid...); err == nil || !strings.Contains(err.Error(), "nil Handler") {
		t.Errorf("New(nil) returned %v", err)
	}
}

func TestSubscription(t *testing.T) {
	tests := []struct {
		entries []string
		regex   bool
		exprs   []string
		match   []string
		noMatch []string
	}{
		{
			entries: []string{"logs-okta.system-default"},
			exprs:   []string{"logs-okta.system-default"},
			match:   []string{"logs-okta.system-default"},
			noMatch: []string{"logs-okta.system-defaultX", "logs-oktaXsystem-default"},
		},
		{
			entries: []string{"logs-okta.*"},
			regex:   true,
			exprs:   []string{"^(?:logs-okta.*)$"},
			match:   []string{"logs-okta.system-default", "logs-okta.system-eu"},
			noMatch: []string{"x-logs-okta.system", "logs-okt"},
		},
		{
			entries: []string{"plain.topic", "^logs-(okta|duo)$"},
			regex:   true,
			exprs:   []string{`^plain\.topic$`, "^(?:^logs-(okta|duo)$)$"},
			match:   []string{"plain.topic", "logs-okta", "logs-duo"},
			noMatch: []string{"plainXtopic", "logs-okta2"},
		},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.entries, ","), func(t *testing.T) {
			s, err := newSubscription(tt.entries)
			if err != nil {
				t.Fatal(err)
			}
			if s.regex() != tt.regex {
				t.Errorf("regex() = %v", s.regex())
			}
			if strings.Join(s.exprs, " ") != strings.Join(tt.exprs, " ") {
				t.Errorf("exprs %q, want %q", s.exprs, tt.exprs)
			}
			for _, m := range tt.match {
				if !s.matches(m) {
					t.Errorf("%q not matched", m)
				}
			}
			for _, m := range tt.noMatch {
				if s.matches(m) {
					t.Errorf("%q matched", m)
				}
			}
		})
	}
}
