package main

import (
	"bytes"
	"context"
	"regexp"
	"strconv"
	"sync"
	"testing"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/oktadetect/oktadetect/bench/eventgen"
)

// demoReport is what demo writes to stderr about its run.
type demoReport struct {
	written, attempts, malformed                  int // from the "wrote" line
	eventsIn, duplicates, decodeErrors, alertsOut int // from the summary
	summary                                       bool
}

var (
	demoWroteRE      = regexp.MustCompile(`demo: wrote (\d+) records to "[^"]+": (\d+) unauthorized-access attempts, \d+ redeliveries, (\d+) malformed`)
	demoEventsRE     = demoSummaryRE("events in")
	demoDuplicatesRE = demoSummaryRE("duplicates dropped")
	demoDecodeRE     = demoSummaryRE("decode errors")
	demoAlertsRE     = demoSummaryRE("alerts out")
)

// demoSummaryRE matches one count of the summary demo prints at the end.
func demoSummaryRE(label string) *regexp.Regexp {
	return regexp.MustCompile(`(?m)^  ` + label + `\s+(\d+)`)
}

func parseDemoReport(t *testing.T, stderr string) demoReport {
	t.Helper()
	var rep demoReport
	m := demoWroteRE.FindStringSubmatch(stderr)
	if m == nil {
		t.Fatalf("demo did not say what it wrote:\n%s", stderr)
	}
	rep.written, rep.attempts, rep.malformed = atoi(t, m[1]), atoi(t, m[2]), atoi(t, m[3])
	num := func(re *regexp.Regexp) int {
		m := re.FindStringSubmatch(stderr)
		if m == nil {
			return -1
		}
		rep.summary = true
		n, _ := strconv.Atoi(m[1])
		return n
	}
	rep.eventsIn, rep.duplicates, rep.decodeErrors, rep.alertsOut = num(demoEventsRE), num(demoDuplicatesRE), num(demoDecodeRE), num(demoAlertsRE)
	return rep
}

// demoAttempts returns the uuids of the unauthorized-access attempts in
// the sample stream demo writes for seed: the events it must alert on,
// once each.
func demoAttempts(seed int64, events int, matchRate, dupRate float64) map[string]bool {
	g := eventgen.New(eventgen.Config{Seed: seed, MatchRate: matchRate, DupRate: dupRate})
	out := map[string]bool{}
	for range events {
		if ev := g.Next(); ev.Match {
			out[ev.UUID] = true
		}
	}
	return out
}

func TestDemo(t *testing.T) {
	r := runCLI(t, "demo", "--events", "2000", "--seed", "7")
	r.wantCode(t, 0)
	rep := parseDemoReport(t, r.stderr)
	if !rep.summary {
		t.Fatalf("no summary on stderr:\n%s", r.stderr)
	}

	alerts := jsonLines(t, r.stdout)
	want := demoAttempts(7, 2000, 0.01, 0.03)
	if len(want) == 0 {
		t.Fatal("the sample stream has no attempts: the test proves nothing")
	}
	seen := map[string]bool{}
	for _, doc := range alerts {
		checkAlertDocument(t, doc)
		if id := str(field(doc, "kibana.alert.rule.rule_id")); id != unauthRuleID {
			t.Errorf("alert from rule %s", id)
		}
		ev := ancestorID(doc)
		if seen[ev] {
			t.Errorf("two alerts for event %s: the redelivery was not dropped", ev)
		}
		seen[ev] = true
		if !want[ev] {
			t.Errorf("alert for event %s, which is not an unauthorized-access attempt", ev)
		}
	}
	if len(seen) != len(want) {
		t.Errorf("%d alerts, want one for each of the %d attempts in the stream", len(seen), len(want))
	}
	if rep.attempts != len(want) || rep.alertsOut != len(alerts) {
		t.Errorf("demo reports %d attempts and %d alerts out; printed %d alert lines for %d attempts", rep.attempts, rep.alertsOut, len(alerts), len(want))
	}
	if rep.eventsIn != rep.written {
		t.Errorf("detector handled %d records of the %d written", rep.eventsIn, rep.written)
	}
	if rep.duplicates <= 0 {
		t.Errorf("demo reports %d duplicates dropped; its stream redelivers attempts", rep.duplicates)
	}
	if rep.malformed == 0 || rep.decodeErrors != rep.malformed {
		t.Errorf("demo wrote %d malformed records and reports %d decode errors", rep.malformed, rep.decodeErrors)
	}
}

func TestDemoProduceOnly(t *testing.T) {
	t.Run("embedded broker", func(t *testing.T) {
		r := runCLI(t, "demo", "--events", "500", "--produce-only")
		r.wantCode(t, 0)
		if r.stdout != "" {
			t.Errorf("--produce-only printed alerts:\n%s", clip(r.stdout, 500))
		}
		if rep := parseDemoReport(t, r.stderr); rep.summary || rep.written < 500 {
			t.Errorf("want only the write report (>= 500 records), got:\n%s", r.stderr)
		}
	})
	t.Run("given broker", func(t *testing.T) {
		c, err := kfake.NewCluster(kfake.NumBrokers(1), kfake.SeedTopics(1, "okta-demo-in"), kfake.AllowAutoTopicCreation())
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(c.Close)
		addr := c.ListenAddrs()[0]
		r := runCLI(t, "demo", "--events", "500", "--produce-only", "--brokers", addr, "--topic", "okta-demo-in")
		r.wantCode(t, 0)
		rep := parseDemoReport(t, r.stderr)
		if n := countRecords(t, addr, "okta-demo-in"); n != rep.written {
			t.Errorf("topic holds %d records, demo says it wrote %d", n, rep.written)
		}
		if n := countRecords(t, addr, "oktadetect-alerts"); n != 0 {
			t.Errorf("--produce-only wrote %d alerts", n)
		}
	})
}

// countRecords returns how many records topic holds, read from the start
// up to the end offsets listed before reading.
func countRecords(t *testing.T, addr, topic string) int {
	t.Helper()
	cl, err := kgo.NewClient(kgo.SeedBrokers(addr), kgo.ConsumeTopics(topic), kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()))
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	ctx, cancel := context.WithTimeout(context.Background(), cliGuard)
	defer cancel()

	end := endOffsets(ctx, t, cl, topic)
	if end == 0 {
		return 0
	}
	n := 0
	for n < int(end) {
		fs := cl.PollFetches(ctx)
		if err := ctx.Err(); err != nil {
			t.Fatalf("read %d of %d records of %s: %v", n, end, topic, err)
		}
		n += fs.NumRecords()
	}
	return n
}

// endOffsets sums the end offsets of topic's partitions (0 for a topic
// that does not exist).
func endOffsets(ctx context.Context, t *testing.T, cl *kgo.Client, topic string) int64 {
	t.Helper()
	listed, err := kadm.NewClient(cl).ListEndOffsets(ctx, topic)
	if err != nil {
		t.Fatalf("listing the end offsets of %s: %v", topic, err)
	}
	var sum int64
	listed.Each(func(o kadm.ListedOffset) {
		if o.Err == nil && o.Offset > 0 {
			sum += o.Offset
		}
	})
	return sum
}

// lineCanceller is an io.Writer that cancels a context once it has been
// handed a complete line: it stops demo --follow after its first alert.
type lineCanceller struct {
	mu     sync.Mutex
	buf    bytes.Buffer
	cancel context.CancelFunc
}

func (w *lineCanceller) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.buf.Write(p)
	if bytes.IndexByte(w.buf.Bytes(), '\n') >= 0 {
		w.cancel()
	}
	return len(p), nil
}

func TestDemoFollowStopsWhenCancelled(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), cliGuard)
	defer cancel()
	runCtx, stop := context.WithCancel(ctx)
	out := &lineCanceller{cancel: stop}
	var stderr bytes.Buffer
	code := realMain(runCtx, []string{"demo", "--events", "300", "--match-rate", "0.05", "--follow"}, out, &stderr)
	if ctx.Err() != nil {
		t.Fatalf("demo --follow did not stop when its context was cancelled:\n%s", stderr.String())
	}
	if code != 0 {
		t.Fatalf("exit code %d after an interrupt, want 0:\n%s", code, stderr.String())
	}
	if out.buf.Len() == 0 {
		t.Fatal("no alert printed before the interrupt")
	}
	if !parseDemoReport(t, stderr.String()).summary {
		t.Errorf("no summary after the interrupt:\n%s", stderr.String())
	}
}
