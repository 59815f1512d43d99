package e2e

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/oktadetect/oktadetect/detect"
)

// Alert record headers the detector writes (cmd/oktadetect's handler).
const (
	HeaderRuleID  = "oktadetect.rule_id"
	HeaderEventID = "oktadetect.event_id"
)

// Isolation selects which records of transactional producers a read sees.
type Isolation int8

const (
	// ReadUncommitted sees every record written, those of aborted and
	// open transactions included.
	ReadUncommitted Isolation = iota
	// ReadCommitted sees what a downstream consumer with
	// isolation.level=read_committed sees: only committed transactions,
	// up to the last stable offset.
	ReadCommitted
)

func (i Isolation) String() string {
	if i == ReadCommitted {
		return "read_committed"
	}
	return "read_uncommitted"
}

// Alert is one record read back from an alerts topic.
type Alert struct {
	ID        string // the record key: the alert id
	RuleID    string // header oktadetect.rule_id
	EventID   string // header oktadetect.event_id
	UUID      string // kibana.alert.uuid in the document
	Partition int32
	Offset    int64
}

func (a Alert) String() string {
	return fmt.Sprintf("%s (event %s, partition %d offset %d)", a.ID, a.EventID, a.Partition, a.Offset)
}

// AlertFromRecord reads what the checks need from an alert record. A
// document that is not JSON leaves UUID empty, which CheckAlerts reports.
func AlertFromRecord(r *kgo.Record) Alert {
	a := Alert{ID: string(r.Key), Partition: r.Partition, Offset: r.Offset}
	for _, h := range r.Headers {
		switch h.Key {
		case HeaderRuleID:
			a.RuleID = string(h.Value)
		case HeaderEventID:
			a.EventID = string(h.Value)
		}
	}
	var doc struct {
		Kibana struct {
			Alert struct {
				UUID string `json:"uuid"`
			} `json:"alert"`
		} `json:"kibana"`
	}
	if json.Unmarshal(r.Value, &doc) == nil {
		a.UUID = doc.Kibana.Alert.UUID
	}
	return a
}

// ReadAlerts reads topic from the start up to its end as of the call (the
// last stable offset under ReadCommitted) and returns the alerts in it.
func (b *Broker) ReadAlerts(t testing.TB, topic string, iso Isolation) []Alert {
	t.Helper()
	var alerts []Alert
	if err := b.readTopic(topic, iso, func(r *kgo.Record) { alerts = append(alerts, AlertFromRecord(r)) }); err != nil {
		t.Fatal(err)
	}
	return alerts
}

// WaitAlerts reads topic (as ReadAlerts does) until the alerts satisfy
// until, and returns them. what describes the condition for the failure
// message.
func (b *Broker) WaitAlerts(t testing.TB, topic string, iso Isolation, what string, until func([]Alert) bool) []Alert {
	t.Helper()
	deadline := time.Now().Add(patience)
	for {
		alerts := b.ReadAlerts(t, topic, iso)
		if until(alerts) {
			return alerts
		}
		if time.Now().After(deadline) {
			t.Fatalf("waited %s for %s in %s (%s); have %d alerts", patience, what, topic, iso, len(alerts))
		}
		time.Sleep(250 * time.Millisecond) // polling a topic; nothing to be notified by
	}
}

// ReadRecords reads topic from the start up to its end as of the call and
// returns its records (control records excluded).
func (b *Broker) ReadRecords(t testing.TB, topic string, iso Isolation) []*kgo.Record {
	t.Helper()
	var recs []*kgo.Record
	if err := b.readTopic(topic, iso, func(r *kgo.Record) { recs = append(recs, r) }); err != nil {
		t.Fatal(err)
	}
	return recs
}

// readTopic calls fn for every data record of topic from the log start
// to the end offsets listed at the call. Control records (transaction
// markers) are read too, only to know when a partition's end is reached:
// under read_committed the last offset below the stable offset is often a
// marker.
func (b *Broker) readTopic(topic string, iso Isolation, fn func(*kgo.Record)) error {
	ctx, cancel := context.WithTimeout(context.Background(), patience)
	defer cancel()
	adm, _, err := newAdmin(b)
	if err != nil {
		return err
	}
	defer adm.Close()
	list := adm.ListEndOffsets
	if iso == ReadCommitted {
		list = adm.ListCommittedOffsets
	}
	ends, err := list(ctx, topic)
	if err == nil {
		err = ends.Error()
	}
	if errors.Is(err, kerr.UnknownTopicOrPartition) {
		return nil // not created yet (detectors create their output topics): nothing in it
	}
	if err != nil {
		return fmt.Errorf("listing end offsets of %s: %w", topic, err)
	}
	starts, err := adm.ListStartOffsets(ctx, topic)
	if err == nil {
		err = starts.Error()
	}
	if err != nil {
		return fmt.Errorf("listing start offsets of %s: %w", topic, err)
	}
	pending := map[int32]int64{}
	assign := map[int32]kgo.Offset{}
	ends.Each(func(o kadm.ListedOffset) {
		if s, ok := starts.Lookup(topic, o.Partition); ok && o.Offset > s.Offset {
			pending[o.Partition] = o.Offset
			assign[o.Partition] = kgo.NewOffset().At(s.Offset)
		}
	})
	if len(pending) == 0 {
		return nil
	}
	opts := []kgo.Opt{
		kgo.SeedBrokers(b.Addrs...),
		kgo.ConsumePartitions(map[string]map[int32]kgo.Offset{topic: assign}),
		kgo.KeepControlRecords(),
		kgo.FetchMaxWait(500 * time.Millisecond),
	}
	if iso == ReadCommitted {
		opts = append(opts, kgo.FetchIsolationLevel(kgo.ReadCommitted()))
	}
	cl, err := kgo.NewClient(opts...)
	if err != nil {
		return err
	}
	defer cl.Close()
	for len(pending) > 0 {
		fs := cl.PollFetches(ctx)
		if ctx.Err() != nil {
			return fmt.Errorf("reading %s (%s): partitions %v not read to their end within %s", topic, iso, pending, patience)
		}
		var ferr error
		fs.EachError(func(_ string, p int32, err error) { ferr = fmt.Errorf("reading %s partition %d: %w", topic, p, err) })
		if ferr != nil {
			return ferr
		}
		fs.EachRecord(func(r *kgo.Record) {
			end, ok := pending[r.Partition]
			if !ok || r.Offset >= end {
				return // read past the end listed at the call
			}
			if !r.Attrs.IsControl() {
				fn(r)
			}
			if r.Offset+1 >= end {
				delete(pending, r.Partition)
			}
		})
	}
	return nil
}

// Repeats says whether an alert id may be read more than once.
type Repeats bool

const (
	// NoRepeats: every alert id must appear exactly once.
	NoRepeats Repeats = false
	// AllowRepeats: an alert may be written again (at-least-once
	// delivery), with the same id; only the set of ids is checked.
	AllowRepeats Repeats = true
)

// Mode is a delivery mode of the detector and what it promises a reader
// of the alerts topic.
type Mode struct {
	Name        string
	ExactlyOnce bool
	Read        Isolation // how to read the alerts topic
	Repeats     Repeats   // what a crash or restart may cause
}

// Modes are the detector's two delivery modes.
var Modes = []Mode{
	{Name: "at-least-once", ExactlyOnce: false, Read: ReadUncommitted, Repeats: AllowRepeats},
	{Name: "exactly-once", ExactlyOnce: true, Read: ReadCommitted, Repeats: NoRepeats},
}

// DetectorConfigFor returns a detector configuration reading topics in
// mode, with a fresh group, alerts topic and transactional id.
func DetectorConfigFor(t testing.TB, mode Mode, topics ...string) DetectorConfig {
	t.Helper()
	return DetectorConfig{
		Topics:          topics,
		Group:           UniqueName(t, "group"),
		AlertsTopic:     UniqueName(t, "alerts"),
		ExactlyOnce:     mode.ExactlyOnce,
		TransactionalID: UniqueName(t, "txn"),
	}
}

// AlertDiff is how the alerts read back differ from the expected ones.
type AlertDiff struct {
	Missing      []string       // expected alert ids never read
	Unexpected   []Alert        // alerts whose id no produced event explains
	Repeated     map[string]int // ids read more than once, with their count
	Inconsistent []string       // alerts whose key, headers and document disagree
	Read         int            // alerts read
}

// DiffAlerts compares alerts read back with the expected alert ids (alert
// id → event uuid, see Workload.Expected). An alert is consistent when its
// key is detect.AlertID of its rule and event headers, equals its
// document's kibana.alert.uuid, and its event is the expected one.
func DiffAlerts(got []Alert, want map[string]string) AlertDiff {
	d := AlertDiff{Read: len(got)}
	seen := map[string]int{}
	for _, a := range got {
		seen[a.ID]++
		uuid, expected := want[a.ID]
		if !expected {
			d.Unexpected = append(d.Unexpected, a)
		}
		switch {
		case a.ID != detect.AlertID(a.RuleID, a.EventID):
			d.Inconsistent = append(d.Inconsistent, fmt.Sprintf("%s: key is not the alert id of rule %q and event %q", a, a.RuleID, a.EventID))
		case a.UUID != a.ID:
			d.Inconsistent = append(d.Inconsistent, fmt.Sprintf("%s: kibana.alert.uuid is %q", a, a.UUID))
		case expected && a.EventID != uuid:
			d.Inconsistent = append(d.Inconsistent, fmt.Sprintf("%s: event header %q, want %q", a, a.EventID, uuid))
		}
	}
	for id := range want {
		if seen[id] == 0 {
			d.Missing = append(d.Missing, id)
		}
	}
	slices.Sort(d.Missing)
	for id, n := range seen {
		if n > 1 {
			if d.Repeated == nil {
				d.Repeated = map[string]int{}
			}
			d.Repeated[id] = n
		}
	}
	return d
}

// RepeatCount is how many alerts were read beyond the first of each id.
func (d AlertDiff) RepeatCount() int {
	n := 0
	for _, c := range d.Repeated {
		n += c - 1
	}
	return n
}

// CheckAlerts fails the test unless got holds every expected alert id,
// nothing else, every alert is consistent (see DiffAlerts), and, with
// NoRepeats, no id twice. It returns the diff for further reporting.
func CheckAlerts(t testing.TB, got []Alert, want map[string]string, repeats Repeats) AlertDiff {
	t.Helper()
	d := DiffAlerts(got, want)
	if len(d.Missing) > 0 {
		var sb strings.Builder
		for i, id := range d.Missing {
			if i == 20 {
				fmt.Fprintf(&sb, "\n  ... and %d more", len(d.Missing)-i)
				break
			}
			fmt.Fprintf(&sb, "\n  %s (event %s)", id, want[id])
		}
		t.Errorf("%d of %d expected alerts missing:%s", len(d.Missing), len(want), sb.String())
	}
	if len(d.Unexpected) > 0 {
		t.Errorf("%d alerts no produced event explains, e.g. %v", len(d.Unexpected), d.Unexpected[:min(5, len(d.Unexpected))])
	}
	if len(d.Inconsistent) > 0 {
		t.Errorf("%d inconsistent alerts, e.g.\n  %s", len(d.Inconsistent), strings.Join(d.Inconsistent[:min(5, len(d.Inconsistent))], "\n  "))
	}
	if repeats == NoRepeats && len(d.Repeated) > 0 {
		var ex []string
		for id, n := range d.Repeated {
			if len(ex) < 5 {
				ex = append(ex, fmt.Sprintf("%s ×%d", id, n))
			}
		}
		slices.Sort(ex)
		t.Errorf("%d alert ids read more than once (%d repeats), e.g. %v", len(d.Repeated), d.RepeatCount(), ex)
	}
	return d
}
