package stream

import (
	"bytes"
	"context"
	"crypto/rand"
	"errors"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"
)

func header(rec *kgo.Record, key string) (string, bool) {
	for _, h := range rec.Headers {
		if h.Key == key {
			return string(h.Value), true
		}
	}
	return "", false
}

func TestDeadLetterRecord(t *testing.T) {
	src := &kgo.Record{
		Topic:     "logs-okta.system-default",
		Partition: 7,
		Offset:    1234,
		Key:       []byte("key-1"),
		Value:     bytes.Repeat([]byte("v"), 5000),
		Headers:   []kgo.RecordHeader{{Key: "traceparent", Value: bytes.Repeat([]byte("h"), 300)}},
		Timestamp: time.UnixMilli(1_700_000_000_000),
	}
	tests := []struct {
		name      string
		dl        DeadLetter
		limit     int
		wantCut   string // "" means not truncated
		wantMsg   string
		wantValue int // -1: whole value kept; 1: a non-empty strict prefix; 0: a strict prefix, possibly empty
		wantKey   bool
		wantOrigH bool // original headers kept
	}{
		{
			name:      "fits",
			dl:        DeadLetter{Record: src, Reason: "invalid_json", Err: errors.New("unexpected end of input")},
			limit:     1 << 20,
			wantMsg:   "unexpected end of input",
			wantValue: -1, wantKey: true, wantOrigH: true,
		},
		{
			name:      "nil error uses the reason",
			dl:        DeadLetter{Record: src, Reason: "missing_uuid"},
			limit:     1 << 20,
			wantMsg:   "missing_uuid",
			wantValue: -1, wantKey: true, wantOrigH: true,
		},
		{
			name:    "long error message is cut to 1 KiB",
			dl:      DeadLetter{Record: src, Reason: "r", Err: errors.New(strings.Repeat("e", 5000))},
			limit:   1 << 20,
			wantMsg: strings.Repeat("e", 1024), wantValue: -1, wantKey: true, wantOrigH: true,
		},
		{
			name:      "value cut",
			dl:        DeadLetter{Record: src, Reason: "too_big"},
			limit:     2048,
			wantCut:   "value",
			wantMsg:   "too_big",
			wantValue: 1, // some prefix, checked below
			wantKey:   true, wantOrigH: true,
		},
		{
			name:    "value and headers cut",
			dl:      DeadLetter{Record: src, Reason: "too_big"},
			limit:   560,
			wantCut: "value,headers",
			wantMsg: "too_big", wantValue: 0, wantKey: true,
		},
		{
			name:    "value, headers and key cut",
			dl:      DeadLetter{Record: &kgo.Record{Topic: src.Topic, Key: bytes.Repeat([]byte("k"), 400), Value: src.Value}, Reason: "too_big"},
			limit:   420,
			wantCut: "value,headers,key",
			wantMsg: "too_big", wantValue: 0,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec, truncated := deadLetterRecord(tt.dl, "dlq", tt.limit)
			if truncated != (tt.wantCut != "") {
				t.Fatalf("truncated = %v, want %v", truncated, tt.wantCut != "")
			}
			if rec.Topic != "dlq" || !rec.Timestamp.Equal(tt.dl.Record.Timestamp) {
				t.Errorf("topic %q timestamp %v, want dlq and the original timestamp", rec.Topic, rec.Timestamp)
			}
			if size := encodedSizeBound(rec.Key, rec.Value, rec.Headers); size > tt.limit {
				t.Errorf("result needs up to %d bytes, over the %d limit", size, tt.limit)
			}
			for key, want := range map[string]string{
				HeaderErrorReason:     tt.dl.Reason,
				HeaderErrorMessage:    tt.wantMsg,
				HeaderSourceTopic:     tt.dl.Record.Topic,
				HeaderSourcePartition: strconv.Itoa(int(tt.dl.Record.Partition)),
				HeaderSourceOffset:    strconv.FormatInt(tt.dl.Record.Offset, 10),
			} {
				if got, ok := header(rec, key); !ok || got != want {
					t.Errorf("header %s = %.40q (present %v), want %.40q", key, got, ok, want)
				}
			}
			cut, _ := header(rec, HeaderTruncated)
			if cut != tt.wantCut {
				t.Errorf("%s = %q, want %q", HeaderTruncated, cut, tt.wantCut)
			}
			if tt.wantCut != "" {
				if got, _ := header(rec, HeaderOriginalValueSize); got != strconv.Itoa(len(tt.dl.Record.Value)) {
					t.Errorf("%s = %q, want %d", HeaderOriginalValueSize, got, len(tt.dl.Record.Value))
				}
			}
			switch {
			case tt.wantValue < 0 && !bytes.Equal(rec.Value, tt.dl.Record.Value):
				t.Error("value changed although it fits")
			case tt.wantValue > 0 && (len(rec.Value) == 0 || !bytes.HasPrefix(tt.dl.Record.Value, rec.Value) || len(rec.Value) == len(tt.dl.Record.Value)):
				t.Errorf("value of %d bytes is not a strict prefix of the original", len(rec.Value))
			case tt.wantValue == 0 && (!bytes.HasPrefix(tt.dl.Record.Value, rec.Value) || len(rec.Value) == len(tt.dl.Record.Value)):
				t.Errorf("value of %d bytes is not a strict prefix of the original", len(rec.Value))
			}
			if gotKey := bytes.Equal(rec.Key, tt.dl.Record.Key) && rec.Key != nil; gotKey != tt.wantKey {
				t.Errorf("original key kept = %v, want %v", gotKey, tt.wantKey)
			}
			_, gotH := header(rec, "traceparent")
			if gotH != tt.wantOrigH {
				t.Errorf("original headers kept = %v, want %v", gotH, tt.wantOrigH)
			}
		})
	}
}

// TestDeadLettersWritten checks a dead letter carries the original bytes and
// the error headers, and is counted.
func TestDeadLettersWritten(t *testing.T) {
	c := newTestCluster(t)
	tp := newTopics()
	c.createTopic(t, tp.input, 1, nil)
	events := fixtureEvents(t)
	recs := eventRecords(tp.input, 1, events)
	c.produce(t, recs...)
	bad := recs[10] // the truncated fixture line, at offset 10

	m, err := NewMetrics(nil)
	if err != nil {
		t.Fatal(err)
	}
	h := newOktaHandler()
	p, err := New(h, append(tp.opts(t, c), WithMetrics(m))...)
	if err != nil {
		t.Fatal(err)
	}
	run := start(t, p)
	run.until(t, "all committed", func() bool { return h.committedCount() == len(events) })
	if err := run.stop(t); err != nil {
		t.Fatal(err)
	}
	dead := c.readAll(t, tp.dead, false)
	if len(dead) != 1 {
		t.Fatalf("%d dead letters, want 1", len(dead))
	}
	d := dead[0]
	if !bytes.Equal(d.Key, bad.Key) || !bytes.Equal(d.Value, bad.Value) || !d.Timestamp.Equal(bad.Timestamp) {
		t.Errorf("dead letter key %q value %q ts %v, want the original %q %q %v", d.Key, d.Value, d.Timestamp, bad.Key, bad.Value, bad.Timestamp)
	}
	for key, want := range map[string]string{
		"source":              "fixture",
		HeaderErrorReason:     "invalid_json",
		HeaderErrorMessage:    "not a JSON object",
		HeaderSourceTopic:     tp.input,
		HeaderSourcePartition: "0",
		HeaderSourceOffset:    "10",
	} {
		if got, ok := header(d, key); !ok || got != want {
			t.Errorf("header %s = %q (present %v), want %q", key, got, ok, want)
		}
	}
	if _, ok := header(d, HeaderTruncated); ok {
		t.Error("a dead letter that fits is marked truncated")
	}
	if got := metricValue(t, m.deadLetters.WithLabelValues(tp.input)); got != 1 {
		t.Errorf("%s{topic=%s} = %v, want 1", metricDeadLetters, tp.input, got)
	}
}

// TestDeadLetterWithoutTopic checks that without a dead-letter topic a dead
// letter is logged without its content, counted, and committed.
func TestDeadLetterWithoutTopic(t *testing.T) {
	c := newTestCluster(t)
	tp := newTopics()
	c.createTopic(t, tp.input, 1, nil)
	events := fixtureEvents(t)
	c.produce(t, eventRecords(tp.input, 1, events)...)

	logs := new(syncBuffer)
	m, err := NewMetrics(nil)
	if err != nil {
		t.Fatal(err)
	}
	h := newOktaHandler()
	p, err := New(h,
		Brokers(c.brokers...), Group(tp.group), Topics(tp.input), AlertsTopic(tp.alerts),
		WithMetrics(m), WithLogger(testLogger(t, logs)), fastTimings())
	if err != nil {
		t.Fatal(err)
	}
	run := start(t, p)
	run.until(t, "all committed", func() bool { return h.committedCount() == len(events) })
	if err := run.stop(t); err != nil {
		t.Fatal(err)
	}
	var line string
	for l := range strings.Lines(logs.String()) {
		if strings.Contains(l, "dead letter skipped") {
			line = l
		}
	}
	if line == "" {
		t.Fatal("no log line for the dead letter")
	}
	for _, want := range []string{"source_offset=10", "reason=invalid_json", "source_topic=" + tp.input} {
		if !strings.Contains(line, want) {
			t.Errorf("log line %q lacks %q", line, want)
		}
	}
	if strings.Contains(line, "0b5e6c1a-000b") {
		t.Errorf("log line %q contains record content", line)
	}
	if got := metricValue(t, m.deadLetters.WithLabelValues(tp.input)); got != 1 {
		t.Errorf("dead letters counted %v, want 1", got)
	}
	if got, want := c.committed(t, tp.group, tp.input), c.endOffsets(t, tp.input); !mapsEqual(got, want) {
		t.Errorf("committed %v, want %v", got, want)
	}
}

// TestDeadLetterTooLarge dead-letters records bigger than the dead-letter
// topic allows. The first is cut up front, because the limit read at start
// says it cannot fit. The second is cut after the broker refuses it: the
// topic's limit is lowered while the pipeline runs.
func TestDeadLetterTooLarge(t *testing.T) {
	c := newTestCluster(t)
	c.needFake(t) // altering topic configs on a shared broker is rude
	tp := newTopics()
	c.createTopic(t, tp.input, 1, nil)
	c.createTopic(t, tp.dead, 1, map[string]*string{"max.message.bytes": kadm.StringPtr("65536")})

	h := newOktaHandler()
	p, err := New(h, tp.opts(t, c)...)
	if err != nil {
		t.Fatal(err)
	}
	run := start(t, p)
	run.until(t, "ready", p.Ready)

	// Random bytes: not JSON (so dead-lettered) and incompressible (so
	// the broker sees their full size).
	big := func(n int) []byte {
		b := make([]byte, n)
		_, _ = rand.Read(b)
		return b
	}
	c.produce(t, &kgo.Record{Topic: tp.input, Value: big(100_000)})
	run.until(t, "first committed", func() bool { return h.committedCount() == 1 })

	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if _, err := c.adm.AlterTopicConfigs(ctx, []kadm.AlterConfig{{Name: "max.message.bytes", Value: kadm.StringPtr("4096")}}, tp.dead); err != nil {
		t.Fatal(err)
	}
	c.produce(t, &kgo.Record{Topic: tp.input, Value: big(20_000)})
	run.until(t, "second committed", func() bool { return h.committedCount() == 2 })
	if err := run.stop(t); err != nil {
		t.Fatal(err)
	}

	dead := c.readAll(t, tp.dead, false)
	if len(dead) != 2 {
		t.Fatalf("%d dead letters, want 2", len(dead))
	}
	for i, tc := range []struct {
		original, limit int
	}{{100_000, 65536}, {20_000, 4096}} {
		d := dead[i]
		if cut, _ := header(d, HeaderTruncated); cut != "value" {
			t.Errorf("dead letter %d: %s = %q, want value", i, HeaderTruncated, cut)
		}
		if size, _ := header(d, HeaderOriginalValueSize); size != strconv.Itoa(tc.original) {
			t.Errorf("dead letter %d: original size %q, want %d", i, size, tc.original)
		}
		if len(d.Value) == 0 || len(d.Value) >= tc.limit {
			t.Errorf("dead letter %d: %d value bytes kept under a %d limit", i, len(d.Value), tc.limit)
		}
		if reason, _ := header(d, HeaderErrorReason); reason != "invalid_json" {
			t.Errorf("dead letter %d: reason %q", i, reason)
		}
	}
}
