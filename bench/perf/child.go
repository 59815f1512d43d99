package perf

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"time"
)

// childStopTimeout bounds a child's graceful shutdown (it is started with a
// shorter --shutdown-timeout) before it is killed.
const childStopTimeout = 20 * time.Second

// child is one process started from Config.Binary: a detector ("run") or
// the ceiling consumer. It serves /metrics (and /readyz) on addr.
type child struct {
	name   string
	addr   string
	cmd    *exec.Cmd
	stderr *tailBuffer
	exited chan struct{} // closed once the process has exited and err is set
	err    error
	cancel context.CancelFunc

	stopOnce sync.Once
	stopErr  error
}

// startChild starts binary with the arguments args returns for a free
// loopback HTTP address. The child gets the parent's environment without
// OKTADETECT_* variables, so that a variable meant for a production
// instance (a config file, exactly-once, other rules) cannot change what
// is measured: everything a child needs is on its command line.
func startChild(ctx context.Context, binary, name string, args func(httpAddr string) []string) (*child, error) {
	addr, err := freeLoopbackAddr()
	if err != nil {
		return nil, fmt.Errorf("starting %s: %w", name, err)
	}
	cctx, cancel := context.WithCancel(ctx)
	cmd := exec.CommandContext(cctx, binary, args(addr)...)
	cmd.Env = childEnv(os.Environ())
	cmd.Stdout = io.Discard
	stderr := &tailBuffer{max: 8 << 10}
	cmd.Stderr = stderr
	cmd.SysProcAttr = childSysProcAttr()
	// Stopping is SIGTERM, which "run" answers with a graceful shutdown;
	// Kill comes only if that takes too long.
	cmd.Cancel = func() error { return cmd.Process.Signal(syscall.SIGTERM) }
	cmd.WaitDelay = childStopTimeout
	if err := cmd.Start(); err != nil {
		cancel()
		return nil, fmt.Errorf("starting %s (%s): %w", name, binary, err)
	}
	c := &child{name: name, addr: addr, cmd: cmd, stderr: stderr, exited: make(chan struct{}), cancel: cancel}
	go func() {
		c.err = cmd.Wait()
		close(c.exited)
	}()
	return c, nil
}

// stop shuts the child down and waits for it to exit. A child that had
// already failed reports its failure. Later calls return the first one's
// result.
func (c *child) stop() error {
	c.stopOnce.Do(func() { c.stopErr = c.shutdown() })
	return c.stopErr
}

func (c *child) shutdown() error {
	select {
	case <-c.exited:
		c.cancel()
		return c.exitErr()
	default:
	}
	c.cancel()
	<-c.exited
	switch st := c.cmd.ProcessState; {
	case st != nil && st.Success():
		// Wait reports the cancellation even when the child shut down
		// cleanly on our SIGTERM: that is the expected end.
		return nil
	case st != nil && !st.Exited():
		return fmt.Errorf("%s did not stop within %s of SIGTERM and was killed", c.name, childStopTimeout)
	}
	return c.exitErr()
}

// exitErr describes an exit with a failure status, with the end of the
// child's stderr, which holds its error.
func (c *child) exitErr() error {
	if c.err == nil {
		return nil
	}
	return fmt.Errorf("%s exited: %w%s", c.name, c.err, c.stderr.excerpt())
}

// failed reports a child that exited on its own while it should be running.
func (c *child) failed() error {
	select {
	case <-c.exited:
		if err := c.exitErr(); err != nil {
			return err
		}
		return fmt.Errorf("%s exited early with status 0%s", c.name, c.stderr.excerpt())
	default:
		return nil
	}
}

// scrape reads the child's counters.
func (c *child) scrape(ctx context.Context, hc *http.Client) (counters, error) {
	resp, err := c.get(ctx, hc, "/metrics")
	if err != nil {
		return counters{}, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return counters{}, fmt.Errorf("%s /metrics: %s", c.name, resp.Status)
	}
	cs, err := parseMetrics(resp.Body)
	if err != nil {
		return counters{}, fmt.Errorf("%s /metrics: %w", c.name, err)
	}
	return cs, nil
}

// ready reports whether the child's /readyz answers 200.
func (c *child) ready(ctx context.Context, hc *http.Client) bool {
	resp, err := c.get(ctx, hc, "/readyz")
	if err != nil {
		return false
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode == http.StatusOK
}

// download writes the body of path to w.
func (c *child) download(ctx context.Context, hc *http.Client, path string, w io.Writer) error {
	resp, err := c.get(ctx, hc, path)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("%s %s: %s", c.name, path, resp.Status)
	}
	if _, err := io.Copy(w, resp.Body); err != nil {
		return fmt.Errorf("%s %s: %w", c.name, path, err)
	}
	return nil
}

func (c *child) get(ctx context.Context, hc *http.Client, path string) (*http.Response, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+c.addr+path, nil)
	if err != nil {
		return nil, err
	}
	return hc.Do(req)
}

// stopAll stops children concurrently and returns their errors.
func stopAll(children []*child) error {
	errs := make([]error, len(children))
	var wg sync.WaitGroup
	for i, c := range children {
		wg.Go(func() { errs[i] = c.stop() })
	}
	wg.Wait()
	return errors.Join(errs...)
}

// freeLoopbackAddr returns a loopback address with a port nobody listens
// on. The port is free when returned; in the moment before the child binds
// it another process could take it, in which case the child fails with
// "address already in use" and the pass reports it.
func freeLoopbackAddr() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", fmt.Errorf("finding a free port: %w", err)
	}
	defer ln.Close()
	return ln.Addr().String(), nil
}

// childEnv drops OKTADETECT_* variables from env.
func childEnv(env []string) []string {
	out := make([]string, 0, len(env))
	for _, kv := range env {
		if !strings.HasPrefix(kv, "OKTADETECT_") {
			out = append(out, kv)
		}
	}
	return out
}

// tailBuffer keeps the last max bytes written to it.
type tailBuffer struct {
	mu  sync.Mutex
	max int
	buf []byte
}

func (t *tailBuffer) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.buf = append(t.buf, p...)
	if over := len(t.buf) - t.max; over > 0 {
		t.buf = append(t.buf[:0], t.buf[over:]...)
	}
	return len(p), nil
}

// excerpt is the kept output, prefixed for appending to an error, or ""
// when there is none.
func (t *tailBuffer) excerpt() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	s := strings.TrimSpace(string(t.buf))
	if s == "" {
		return ""
	}
	return "; its last output:\n" + s
}
