package e2e

import (
	"context"
	"fmt"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// DevBroker controls the broker under test through deploy/dev/kafka, for
// the tests that restart or pause it. It exists only when that script
// runs the broker the tests talk to.
type DevBroker struct {
	script string
	addr   string
	paused int // pid of the paused broker, 0 when not paused
}

// devScriptTimeout bounds a `kafka restart`: the script's own stop (30s)
// and start (120s) bounds, plus slack.
const devScriptTimeout = 3 * time.Minute

// DevBroker returns the deploy/dev/kafka instance serving the broker under
// test, or skips t when the broker is not one (see LookupDevBroker).
func (b *Broker) DevBroker(t testing.TB) *DevBroker {
	t.Helper()
	d, err := b.LookupDevBroker()
	if err != nil {
		t.Skipf("needs the broker at %s to be deploy/dev/kafka's, to restart or pause it: %v", b.Addrs[0], err)
	}
	return d
}

// LookupDevBroker returns the deploy/dev/kafka instance serving the broker
// under test. The script's status (run with the test's environment, so
// the same OKTADETECT_KAFKA_DIR) must report it running on the first
// address of KAFKA_BROKERS: tests must never restart or pause a cluster
// they were merely pointed at.
func (b *Broker) LookupDevBroker() (*DevBroker, error) {
	root, err := RepoRoot()
	if err != nil {
		return nil, err
	}
	d := &DevBroker{script: filepath.Join(root, "deploy", "dev", "kafka"), addr: b.Addrs[0]}
	if _, err := d.pid(); err != nil {
		return nil, err
	}
	return d, nil
}

// pid returns the broker's process id from `kafka status`, after checking
// that the script's broker is the one under test.
func (d *DevBroker) pid() (int, error) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	out, err := exec.CommandContext(ctx, d.script, "status").CombinedOutput()
	status := strings.TrimSpace(string(out))
	if err != nil {
		return 0, fmt.Errorf("deploy/dev/kafka status: %v: %s", err, status)
	}
	// running 127.0.0.1:PORT (pid N, Kafka V, log PATH)
	prefix := "running " + d.addr + " (pid "
	if !strings.HasPrefix(status, prefix) {
		return 0, fmt.Errorf("deploy/dev/kafka status says %q", status)
	}
	rest := status[len(prefix):]
	end := strings.IndexAny(rest, ",)")
	if end < 0 {
		return 0, fmt.Errorf("no pid in %q", status)
	}
	pid, err := strconv.Atoi(rest[:end])
	if err != nil {
		return 0, fmt.Errorf("no pid in %q", status)
	}
	return pid, nil
}

// Restart runs `deploy/dev/kafka restart`: the broker stops (SIGTERM, a
// controlled shutdown) and starts again on the same ports with the same
// data. It returns once the broker serves requests again, and how long
// that took.
func (d *DevBroker) Restart(t testing.TB) time.Duration {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), devScriptTimeout)
	defer cancel()
	start := time.Now()
	out, err := exec.CommandContext(ctx, d.script, "restart").CombinedOutput()
	if err != nil {
		t.Fatalf("deploy/dev/kafka restart: %v\n%s", err, out)
	}
	return time.Since(start)
}

// Pause stops the broker process (SIGSTOP) so that every request to it
// hangs, until Resume or the end of the test. The kernel still accepts
// connections, so clients see a broker that does not answer, not one
// that is gone.
func (d *DevBroker) Pause(t testing.TB) {
	t.Helper()
	pid, err := d.pid()
	if err != nil {
		t.Fatal(err)
	}
	if err := syscall.Kill(pid, syscall.SIGSTOP); err != nil {
		t.Fatalf("pausing the broker (pid %d): %v", pid, err)
	}
	d.paused = pid
	// Resume even if the test fails while the broker is paused: every
	// later test needs it.
	t.Cleanup(func() { syscall.Kill(pid, syscall.SIGCONT) })
}

// Resume continues a paused broker.
func (d *DevBroker) Resume(t testing.TB) {
	t.Helper()
	if d.paused == 0 {
		t.Fatal("Resume without Pause")
	}
	if err := syscall.Kill(d.paused, syscall.SIGCONT); err != nil {
		t.Fatalf("resuming the broker (pid %d): %v", d.paused, err)
	}
	d.paused = 0
}
