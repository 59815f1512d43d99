package e2e

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// DetectorConfig describes one `oktadetect run` process. Topics, Group and
// AlertsTopic are required; the zero value of every other field leaves the
// binary's default in place unless documented otherwise.
type DetectorConfig struct {
	// Name labels the process in failure output; default "detector".
	Name string

	Topics          []string
	Group           string
	AlertsTopic     string
	DeadLetterTopic string // empty: dead letters are logged and skipped

	// ExactlyOnce adds --exactly-once with TransactionalID, which must
	// then be set (use UniqueName; a restarted instance keeps its id).
	ExactlyOnce     bool
	TransactionalID string

	// GroupProtocol is "classic" or "consumer" (KIP-848); empty keeps
	// the binary's default.
	GroupProtocol string

	// ShutdownTimeout is --shutdown-timeout; default 20s.
	ShutdownTimeout time.Duration

	// Brokers defaults to the broker's plaintext listener.
	Brokers []string

	// Args are further flags, appended last (they win over the ones the
	// harness sets).
	Args []string
}

// unlimitedAlerts lifts the per-rule alert cap (Elastic's max_signals,
// 100 per 5 minutes for the built-in rule). The suite's streams raise far
// more alerts than that in a minute, and the claims under test are about
// delivery, not capping: with the cap in place "every expected alert is
// there" would be false by design.
const unlimitedAlerts = "1000000000"

// patience bounds every wait on a detector: long enough for a slow start
// on a loaded machine (broker connection, warm-up, group join), short
// enough that a hang fails the test instead of the whole run's timeout.
const patience = 90 * time.Second

// Detector is a running `oktadetect run` process. Its stdout and stderr go
// to a file in the test's temporary directory, are parsed as JSON log
// lines, and their tail is printed if the test fails.
type Detector struct {
	name            string
	cmd             *exec.Cmd
	logPath         string
	shutdownTimeout time.Duration

	mu       sync.Mutex
	lines    []LogLine
	changed  chan struct{} // closed and replaced on every new line and at exit
	exited   bool
	exitCode int // -1 when killed by a signal
	httpAddr string

	done chan struct{} // closed once the process has exited and its output is read
}

// LogLine is one line of a detector's output: a JSON log record, or plain
// text (the final error line is plain).
type LogLine struct {
	Raw    string
	Fields map[string]any // nil for plain text
}

// Msg is the line's log message ("msg"), or "" for plain text.
func (l LogLine) Msg() string { return l.Str("msg") }

// Str returns a field as text ("" when absent).
func (l LogLine) Str(key string) string {
	switch v := l.Fields[key].(type) {
	case nil:
		return ""
	case string:
		return v
	default:
		return fmt.Sprint(v)
	}
}

// StartDetector starts `oktadetect run` with cfg and returns once it has
// bound its HTTP address (or exited: see Exited). It does not wait for
// readiness; see WaitReady. The process is killed when the test ends if
// it is still running.
func (b *Broker) StartDetector(t testing.TB, cfg DetectorConfig) *Detector {
	t.Helper()
	if cfg.Name == "" {
		cfg.Name = "detector"
	}
	if cfg.ShutdownTimeout == 0 {
		cfg.ShutdownTimeout = 20 * time.Second
	}
	if len(cfg.Brokers) == 0 {
		cfg.Brokers = b.Addrs
	}
	args := []string{"run",
		"--brokers", strings.Join(cfg.Brokers, ","),
		"--topics", strings.Join(cfg.Topics, ","),
		"--group", cfg.Group,
		"--alerts-topic", cfg.AlertsTopic,
		"--log-format", "json",
		"--http-addr", "127.0.0.1:0",
		"--shutdown-timeout", cfg.ShutdownTimeout.String(),
		"--max-alerts", unlimitedAlerts,
	}
	if cfg.DeadLetterTopic != "" {
		args = append(args, "--dead-letter-topic", cfg.DeadLetterTopic)
	}
	if cfg.ExactlyOnce {
		args = append(args, "--exactly-once", "--transactional-id", cfg.TransactionalID)
	}
	if cfg.GroupProtocol != "" {
		args = append(args, "--group-protocol", cfg.GroupProtocol)
	}
	args = append(args, cfg.Args...)

	d := &Detector{
		name:            cfg.Name,
		logPath:         filepath.Join(t.TempDir(), cfg.Name+".log"),
		shutdownTimeout: cfg.ShutdownTimeout,
		changed:         make(chan struct{}),
		done:            make(chan struct{}),
	}
	logFile, err := os.Create(d.logPath)
	if err != nil {
		t.Fatal(err)
	}
	pr, pw, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	d.cmd = exec.Command(binaryPath, args...)
	d.cmd.Env = detectorEnv()
	d.cmd.Stdout, d.cmd.Stderr = pw, pw
	if err := d.cmd.Start(); err != nil {
		pr.Close()
		pw.Close()
		logFile.Close()
		t.Fatalf("starting %s: %v", cfg.Name, err)
	}
	pw.Close() // the child holds the only write end now: EOF means it exited
	go d.collect(pr, logFile)

	t.Cleanup(func() {
		if !d.Exited() {
			d.cmd.Process.Signal(syscall.SIGKILL)
			<-d.done
		}
		if t.Failed() {
			t.Logf("--- last lines of %s (%s) ---\n%s", d.name, d.exitText(), d.tail(60))
		}
	})

	line, ok := d.waitLine(patience, func(l LogLine) bool { return l.Msg() == "serving HTTP" })
	if ok {
		d.mu.Lock()
		d.httpAddr = line.Str("addr")
		d.mu.Unlock()
	} else if !d.Exited() {
		t.Fatalf("%s did not report its HTTP address within %s", d.name, patience)
	}
	return d
}

// detectorEnv is the test's environment without OKTADETECT_* variables,
// which the binary would read as options: a developer's shell (or the dev
// broker's OKTADETECT_KAFKA_DIR) must not change what a test runs.
func detectorEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "OKTADETECT_") {
			env = append(env, kv)
		}
	}
	return env
}

// collect copies the process's output to the log file and to d.lines,
// then reaps the process.
func (d *Detector) collect(r io.ReadCloser, logFile *os.File) {
	defer close(d.done)
	br := bufio.NewReaderSize(r, 64<<10)
	for {
		raw, err := br.ReadBytes('\n')
		if len(raw) > 0 {
			logFile.Write(raw)
			line := LogLine{Raw: string(bytes.TrimRight(raw, "\r\n"))}
			if json.Unmarshal(raw, &line.Fields) != nil {
				line.Fields = nil
			}
			d.mu.Lock()
			d.lines = append(d.lines, line)
			d.notifyLocked()
			d.mu.Unlock()
		}
		if err != nil {
			break
		}
	}
	r.Close()
	logFile.Close()
	err := d.cmd.Wait()
	code := d.cmd.ProcessState.ExitCode()
	var ee *exec.ExitError
	if err != nil && !errors.As(err, &ee) {
		code = -1
	}
	d.mu.Lock()
	d.exited, d.exitCode = true, code
	d.notifyLocked()
	d.mu.Unlock()
}

func (d *Detector) notifyLocked() {
	close(d.changed)
	d.changed = make(chan struct{})
}

// Name is the process's label.
func (d *Detector) Name() string { return d.name }

// HTTPAddr is the address of the process's /metrics, /healthz and
// /readyz; empty if it exited before serving them.
func (d *Detector) HTTPAddr() string {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.httpAddr
}

// Exited reports whether the process has exited.
func (d *Detector) Exited() bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.exited
}

// Logs returns the lines the process has written so far.
func (d *Detector) Logs() []LogLine {
	d.mu.Lock()
	defer d.mu.Unlock()
	return slices.Clone(d.lines)
}

// Output returns everything the process has written so far.
func (d *Detector) Output() string {
	var sb strings.Builder
	for _, l := range d.Logs() {
		sb.WriteString(l.Raw)
		sb.WriteByte('\n')
	}
	return sb.String()
}

// waitLine waits until a line satisfies match, whether written before or
// after the call. ok is false if the process exited or timeout passed
// first.
func (d *Detector) waitLine(timeout time.Duration, match func(LogLine) bool) (line LogLine, ok bool) {
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	seen := 0
	for {
		d.mu.Lock()
		lines, exited, changed := d.lines[seen:], d.exited, d.changed
		seen = len(d.lines)
		d.mu.Unlock()
		for _, l := range lines {
			if match(l) {
				return l, true
			}
		}
		if exited {
			return LogLine{}, false
		}
		select {
		case <-changed:
		case <-deadline.C:
			return LogLine{}, false
		}
	}
}

// WaitLog waits until the process logs a line satisfying match (earlier
// lines count), and fails the test if it exits or patience runs out
// first. what describes the line for the failure message.
func (d *Detector) WaitLog(t testing.TB, what string, match func(LogLine) bool) LogLine {
	t.Helper()
	l, ok := d.waitLine(patience, match)
	if !ok {
		t.Fatalf("%s (%s) never logged %s", d.name, d.exitText(), what)
	}
	return l
}

// Kill sends SIGKILL, as a crash or an OOM kill would, and waits until the
// process is gone.
func (d *Detector) Kill(t testing.TB) {
	t.Helper()
	if err := d.cmd.Process.Signal(syscall.SIGKILL); err != nil && !d.Exited() {
		t.Fatalf("killing %s: %v", d.name, err)
	}
	<-d.done
}

// Terminate sends SIGTERM, which starts a graceful shutdown, and returns
// at once; see Wait.
func (d *Detector) Terminate(t testing.TB) {
	t.Helper()
	if err := d.cmd.Process.Signal(syscall.SIGTERM); err != nil && !d.Exited() {
		t.Fatalf("sending SIGTERM to %s: %v", d.name, err)
	}
}

// Stop sends SIGTERM and waits for the process to exit, at most its
// --shutdown-timeout plus 10s for the process itself to end, and returns
// the exit code.
func (d *Detector) Stop(t testing.TB) int {
	t.Helper()
	d.Terminate(t)
	return d.Wait(t, d.shutdownTimeout+10*time.Second)
}

// ShutdownTimeout is the process's --shutdown-timeout.
func (d *Detector) ShutdownTimeout() time.Duration { return d.shutdownTimeout }

// LogPath is the file the process's output goes to (in the test's
// temporary directory, removed with it).
func (d *Detector) LogPath() string { return d.logPath }

// Wait waits for the process to exit and returns its exit code (-1 when
// a signal killed it). It fails the test if the process is still running
// after timeout.
func (d *Detector) Wait(t testing.TB, timeout time.Duration) int {
	t.Helper()
	select {
	case <-d.done:
	case <-time.After(timeout):
		t.Fatalf("%s still running %s after it was asked to stop", d.name, timeout)
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.exitCode
}

// Done is closed once the process has exited.
func (d *Detector) Done() <-chan struct{} { return d.done }

func (d *Detector) exitText() string {
	d.mu.Lock()
	defer d.mu.Unlock()
	if !d.exited {
		return "running"
	}
	return "exit code " + strconv.Itoa(d.exitCode)
}

func (d *Detector) tail(n int) string {
	lines := d.Logs()
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	var sb strings.Builder
	for _, l := range lines {
		sb.WriteString(l.Raw)
		sb.WriteByte('\n')
	}
	return sb.String()
}

// Owned returns the partitions of topic the process owns according to its
// own log ("partitions assigned", "partitions revoked", "partitions
// lost"), sorted.
func (d *Detector) Owned(topic string) []int32 {
	owned := map[int32]bool{}
	for _, l := range d.Logs() {
		var add bool
		switch l.Msg() {
		case "partitions assigned":
			add = true
		case "partitions revoked", "partitions lost":
		default:
			continue
		}
		ps, _ := l.Fields["partitions"].(map[string]any)
		list, _ := ps[topic].([]any)
		for _, p := range list {
			if f, ok := p.(float64); ok {
				if add {
					owned[int32(f)] = true
				} else {
					delete(owned, int32(f))
				}
			}
		}
	}
	out := make([]int32, 0, len(owned))
	for p := range owned {
		out = append(out, p)
	}
	slices.Sort(out)
	return out
}

// httpClient bounds every request to a detector: a process that accepts
// connections but does not answer is a failure, not a hang.
var httpClient = &http.Client{Timeout: 10 * time.Second}

// Get requests path (e.g. "/readyz") from the process's HTTP server and
// returns the status code and body.
func (d *Detector) Get(path string) (status int, body string, err error) {
	addr := d.HTTPAddr()
	if addr == "" {
		return 0, "", fmt.Errorf("%s serves no HTTP (%s)", d.name, d.exitText())
	}
	resp, err := httpClient.Get("http://" + addr + path)
	if err != nil {
		return 0, "", err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b), err
}

// WaitReady waits until /readyz answers 200: the process is in its group
// with an assignment and warmed up. It fails the test if the process
// exits first.
func (d *Detector) WaitReady(t testing.TB) {
	t.Helper()
	d.poll(t, "to become ready", func() bool {
		status, _, _ := d.Get("/readyz")
		return status == http.StatusOK
	})
}

// poll checks cond every 100ms until it holds, failing the test if the
// process exits or patience runs out first.
func (d *Detector) poll(t testing.TB, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(patience)
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	for !cond() {
		select {
		case <-d.done:
			t.Fatalf("%s exited (%s) while waiting for it %s", d.name, d.exitText(), what)
		case <-tick.C:
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: waited %s for it %s", d.name, patience, what)
		}
	}
}
