package perf

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
	"time"
)

// The binary under test is this module's cmd/oktadetect, built once, on
// first use, into a directory TestMain removes at the end.
var (
	binDir   string
	binOnce  sync.Once
	binPath  string
	buildErr error
)

func TestMain(m *testing.M) {
	var err error
	if binDir, err = os.MkdirTemp("", "perf-test-"); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(binDir)
	os.Exit(code)
}

// oktadetectBinary builds the binary the first time a test needs it.
func oktadetectBinary(t *testing.T) string {
	t.Helper()
	binOnce.Do(func() {
		binPath = filepath.Join(binDir, "oktadetect")
		args := []string{"build", "-o", binPath}
		if raceEnabled {
			args = append(args, "-race")
		}
		cmd := exec.Command("go", append(args, "github.com/oktadetect/oktadetect/cmd/oktadetect")...)
		if out, err := cmd.CombinedOutput(); err != nil {
			buildErr = fmt.Errorf("go build ./cmd/oktadetect: %v\n%s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return binPath
}

// result is what one run of the binary did.
type result struct {
	code           int
	stdout, stderr string
}

// runBinary runs oktadetect with args and no OKTADETECT_* variables, so
// that the developer's environment cannot change the flags under test.
func runBinary(t *testing.T, timeout time.Duration, args ...string) result {
	t.Helper()
	bin := oktadetectBinary(t)
	ctx, cancel := context.WithTimeout(t.Context(), timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Env = childEnv(os.Environ())
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	if ctx.Err() != nil {
		t.Fatalf("oktadetect %q did not finish within %s; stderr:\n%s", args, timeout, stderr.String())
	}
	code := 0
	if err != nil {
		ee, ok := err.(*exec.ExitError)
		if !ok {
			t.Fatalf("running oktadetect: %v", err)
		}
		code = ee.ExitCode()
	}
	return result{code: code, stdout: stdout.String(), stderr: stderr.String()}
}
