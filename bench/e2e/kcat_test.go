package e2e_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/oktadetect/oktadetect/bench/e2e"
	"github.com/oktadetect/oktadetect/bench/eventgen"
	"github.com/twmb/franz-go/pkg/kgo"
)

// TestRealKafkaKcat checks interoperability with a client that is not
// franz-go: kcat (librdkafka) produces the events from an NDJSON file, as
// an operator piping a log export into Kafka would, and reads the alerts
// back. kcat must be installed (Debian package kcat; `make test` installs
// it): the test fails rather than skips without it, so that CI never
// silently loses the check.
func TestRealKafkaKcat(t *testing.T) {
	b := e2e.RequireBroker(t)
	kcat, err := exec.LookPath("kcat")
	if err != nil {
		t.Fatal("kcat is not installed: run `apt-get install kcat` (make test does it when it can); this test must run in CI")
	}
	in := b.NewTopic(t, "in", 6)
	cfg := e2e.DetectorConfig{
		Topics:      []string{in},
		Group:       e2e.UniqueName(t, "group"),
		AlertsTopic: e2e.UniqueName(t, "alerts"),
	}
	b.RemoveAtEnd(t, cfg.AlertsTopic)

	// Every shape, 2% matching, some redeliveries: the file is what a
	// log export would hold.
	gen := eventgen.New(eventgen.Config{Seed: 6, MatchRate: 0.02, DupRate: 0.01})
	var (
		w    e2e.Workload
		file bytes.Buffer
	)
	for range 3000 {
		ev := gen.Next()
		if bytes.IndexByte(ev.Value, '\n') >= 0 {
			t.Fatalf("event %s holds a newline; it cannot go into an NDJSON file", ev.UUID)
		}
		file.Write(ev.Value)
		file.WriteByte('\n')
		w.Add(ev, -1) // librdkafka picks the partition
	}
	ndjson := filepath.Join(t.TempDir(), "events.ndjson")
	if err := os.WriteFile(ndjson, file.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	broker := strings.Join(b.Addrs, ",")
	runKcat(t, kcat, "-P", "-b", broker, "-t", in, "-l", ndjson)
	t.Logf("kcat produced %v", w)

	d := b.StartDetector(t, cfg)
	b.WaitCaughtUp(t, cfg.Group, in, 2*time.Minute)
	if n := d.Metrics(t).Sum("oktadetect_events_total"); int(n) != w.Events {
		t.Errorf("the detector handled %v records, want the %d lines of the file", n, w.Events)
	}

	out := runKcat(t, kcat, "-C", "-b", broker, "-t", cfg.AlertsTopic, "-o", "beginning", "-e", "-q", "-J")
	var got []e2e.Alert
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(nil, 16<<20)
	for sc.Scan() {
		if len(bytes.TrimSpace(sc.Bytes())) == 0 {
			continue
		}
		got = append(got, alertFromKcat(t, sc.Bytes()))
	}
	e2e.CheckAlerts(t, got, w.Expected, e2e.NoRepeats)
}

// alertFromKcat reads one line of `kcat -C -J`: a JSON envelope whose
// headers are a flat [name, value, name, value...] array and whose
// payload is the record value as a string.
func alertFromKcat(t *testing.T, line []byte) e2e.Alert {
	t.Helper()
	var env struct {
		Partition int32    `json:"partition"`
		Offset    int64    `json:"offset"`
		Key       string   `json:"key"`
		Headers   []string `json:"headers"`
		Payload   string   `json:"payload"`
	}
	if err := json.Unmarshal(line, &env); err != nil {
		t.Fatalf("kcat output %q: %v", line, err)
	}
	if !json.Valid([]byte(env.Payload)) {
		t.Errorf("alert at partition %d offset %d is not JSON", env.Partition, env.Offset)
	}
	r := &kgo.Record{Key: []byte(env.Key), Value: []byte(env.Payload), Partition: env.Partition, Offset: env.Offset}
	for i := 0; i+1 < len(env.Headers); i += 2 {
		r.Headers = append(r.Headers, kgo.RecordHeader{Key: env.Headers[i], Value: []byte(env.Headers[i+1])})
	}
	return e2e.AlertFromRecord(r)
}

// runKcat runs kcat and returns its standard output, failing the test
// with its standard error if it fails.
func runKcat(t *testing.T, kcat string, args ...string) []byte {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	var stderr bytes.Buffer
	cmd := exec.CommandContext(ctx, kcat, args...)
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("kcat %s: %v\n%s", strings.Join(args, " "), err, stderr.Bytes())
	}
	return out
}
