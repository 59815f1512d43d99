package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/oktadetect/oktadetect/internal/sharedtest"
)

// The command-line tests drive realMain exactly as main does, with the
// output captured. Shared helpers live here; each command's tests live in
// <command>_test.go.

// TestMain clears every OKTADETECT_* variable, so that a developer's
// environment (a shell that exported OKTADETECT_BROKERS, say) cannot change
// what the tests see. Tests that need a variable set it with t.Setenv.
func TestMain(m *testing.M) {
	for _, kv := range os.Environ() {
		if name, _, _ := strings.Cut(kv, "="); strings.HasPrefix(name, "OKTADETECT_") {
			os.Unsetenv(name)
		}
	}
	os.Exit(m.Run())
}

// unauthRuleID is the rule_id of the built-in rule (and of Elastic's
// prebuilt "Unauthorized Access to an Okta Application").
const unauthRuleID = "4edd3e1a-3aa0-499b-8147-4d2ea43b1613"

// cliResult is what one invocation of the command produced.
type cliResult struct {
	code           int
	stdout, stderr string
}

// cliGuard bounds every invocation. It is not an assertion about speed: a
// command that wrongly goes on to connect to a broker is stopped and the
// test fails on its output instead of hanging.
const cliGuard = 2 * time.Minute

// runCLI runs "oktadetect args..." in-process and returns its exit code
// and output.
func runCLI(t *testing.T, args ...string) cliResult {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), cliGuard)
	defer cancel()
	return runCLIContext(ctx, t, args...)
}

func runCLIContext(ctx context.Context, t *testing.T, args ...string) cliResult {
	t.Helper()
	var stdout, stderr bytes.Buffer
	code := realMain(ctx, args, &stdout, &stderr)
	return cliResult{code: code, stdout: stdout.String(), stderr: stderr.String()}
}

// wantCode fails the test when the exit code is not want, showing the
// output that explains why.
func (r cliResult) wantCode(t *testing.T, want int) {
	t.Helper()
	if r.code != want {
		t.Fatalf("exit code %d, want %d\nstderr:\n%s\nstdout:\n%s", r.code, want, r.stderr, clip(r.stdout, 2000))
	}
}

func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "..."
}

// jsonLines decodes every line of s as a JSON object.
func jsonLines(t *testing.T, s string) []map[string]any {
	t.Helper()
	var out []map[string]any
	sc := bufio.NewScanner(strings.NewReader(s))
	sc.Buffer(nil, 4<<20)
	for n := 1; sc.Scan(); n++ {
		var m map[string]any
		if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
			t.Fatalf("line %d of the output is not a JSON object: %v\n%s", n, err, clip(sc.Text(), 500))
		}
		out = append(out, m)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// field returns the value at a dotted path of nested objects, or nil.
func field(doc map[string]any, path string) any {
	var cur any = doc
	for _, k := range strings.Split(path, ".") {
		m, ok := cur.(map[string]any)
		if !ok {
			return nil
		}
		cur = m[k]
	}
	return cur
}

// sharedTestdata returns <repo root>/../shared/testdata/<sub>, the upstream
// material kept beside the repository, and skips the test when it is not
// there (it is not part of the repository).
func sharedTestdata(t *testing.T, sub string) string {
	t.Helper()
	return sharedtest.Path(t, sub)
}

func TestRealMainUsageAndExitCodes(t *testing.T) {
	tests := []struct {
		name       string
		args       []string
		code       int
		stdout     string   // exact, when not empty
		stderrHas  []string // substrings of stderr
		usageOnErr bool     // stderr carries the command list
	}{
		{name: "no command", args: nil, code: 2, usageOnErr: true},
		{name: "help", args: []string{"help"}, code: 0, usageOnErr: true},
		{name: "-h", args: []string{"-h"}, code: 0, usageOnErr: true},
		{name: "--help", args: []string{"--help"}, code: 0, usageOnErr: true},
		{name: "unknown command", args: []string{"detect"}, code: 2, stderrHas: []string{`unknown command "detect"`}, usageOnErr: true},
		{name: "flag where the command should be", args: []string{"--brokers", "kafka:9092"}, code: 2, stderrHas: []string{`unknown command "--brokers"`}, usageOnErr: true},
		{name: "version", args: []string{"version"}, code: 0, stdout: "oktadetect " + version + "\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := runCLI(t, tt.args...)
			r.wantCode(t, tt.code)
			if tt.stdout != "" && r.stdout != tt.stdout {
				t.Errorf("stdout = %q, want %q", r.stdout, tt.stdout)
			}
			if tt.stdout == "" && r.stdout != "" {
				t.Errorf("stdout = %q, want nothing (usage and errors go to stderr)", r.stdout)
			}
			for _, s := range tt.stderrHas {
				if !strings.Contains(r.stderr, s) {
					t.Errorf("stderr lacks %q:\n%s", s, r.stderr)
				}
			}
			if tt.usageOnErr {
				if !strings.Contains(r.stderr, "Usage: oktadetect COMMAND") {
					t.Errorf("stderr has no usage line:\n%s", r.stderr)
				}
				for _, c := range commands() {
					if !strings.Contains(r.stderr, "  "+c.name+" ") {
						t.Errorf("usage does not list command %q:\n%s", c.name, r.stderr)
					}
				}
			}
		})
	}
}

func TestEveryCommandHasHelpWithExamples(t *testing.T) {
	tests := []struct {
		args    []string
		usage   string   // the usage line it must start with
		options []string // option names the help must document
	}{
		{[]string{"run", "--help"}, "Usage: oktadetect run", runOptionNames()},
		{[]string{"config", "-h"}, "Usage: oktadetect config", nil},
		{[]string{"replay", "--help"}, "Usage: oktadetect replay", []string{"rules", "suppress", "default-dataset", "max-alerts", "alert-window", "topic", "progress", "strict-json", "dedupe-size"}},
		{[]string{"demo", "--help"}, "Usage: oktadetect demo", []string{"events", "produce-only", "brokers", "follow", "rules", "seed"}},
		{[]string{"rules", "--help"}, "Usage: oktadetect rules", nil},
		{[]string{"rules", "list", "--help"}, "Usage: oktadetect rules", []string{"rules", "format"}},
		{[]string{"rules", "validate", "-h"}, "Usage: oktadetect rules", []string{"rules", "format"}},
		{[]string{"rules", "test", "--help"}, "Usage: oktadetect rules", []string{"rules", "format"}},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			r := runCLI(t, tt.args...)
			r.wantCode(t, 0)
			if r.stdout != "" {
				t.Errorf("help went to stdout: %q", clip(r.stdout, 300))
			}
			if !strings.HasPrefix(r.stderr, tt.usage) {
				t.Errorf("help does not start with %q:\n%s", tt.usage, clip(r.stderr, 500))
			}
			if !strings.Contains(r.stderr, "Example") {
				t.Errorf("help has no examples:\n%s", r.stderr)
			}
			for _, name := range tt.options {
				if !strings.Contains(r.stderr, "  --"+name) {
					t.Errorf("help does not document --%s", name)
				}
			}
		})
	}
}

// runOptionNames lists the options run registers.
func runOptionNames() []string {
	s := newOptionSet("run")
	(&runOptions{}).register(s)
	names := make([]string, len(s.opts))
	for i, o := range s.opts {
		names[i] = o.name
	}
	return names
}

func TestBadFlagsNameTheOption(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want []string // substrings of stderr
	}{
		{"run unknown flag", []string{"run", "--brokers", "127.0.0.1:1", "--topics", "t", "--dedupe-sise", "5"}, []string{"-dedupe-sise", "run --help"}},
		{"run flag without value", []string{"run", "--topics"}, []string{"-topics"}},
		{"run stray argument", []string{"run", "--brokers", "127.0.0.1:1", "okta-system"}, []string{`unexpected argument "okta-system"`}},
		{"replay unknown flag", []string{"replay", "--rule", "x"}, []string{"-rule", "replay --help"}},
		{"replay bad int", []string{"replay", "--max-alerts", "many", os.DevNull}, []string{`"many"`, "--max-alerts"}},
		{"replay bad progress", []string{"replay", "--progress", "sometimes", os.DevNull}, []string{`"sometimes"`, "--progress"}},
		{"demo unknown flag", []string{"demo", "--event", "10"}, []string{"-event", "demo --help"}},
		{"demo bad number", []string{"demo", "--events", "lots"}, []string{`"lots"`, "--events"}},
		{"demo bad rate", []string{"demo", "--match-rate", "1.5"}, []string{"--match-rate"}},
		{"config unknown flag", []string{"config", "--verbose"}, []string{"-verbose"}},
		{"rules unknown flag", []string{"rules", "list", "--output", "json"}, []string{"-output"}},
		{"rules bad format", []string{"rules", "list", "--format", "yaml"}, []string{`"yaml"`, "--format"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := runCLI(t, tt.args...)
			if r.code == 0 {
				t.Fatalf("exit code 0, want failure\nstderr:\n%s", r.stderr)
			}
			for _, s := range tt.want {
				if !strings.Contains(r.stderr, s) {
					t.Errorf("stderr lacks %q:\n%s", s, r.stderr)
				}
			}
		})
	}
}
