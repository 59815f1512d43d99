package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/oktadetect/oktadetect/dedupe"
	"github.com/oktadetect/oktadetect/stream"
)

// Configuration has four layers: flag > OKTADETECT_* variable > the YAML
// file named by --config (or OKTADETECT_CONFIG) > default. These tests
// check both what run parses (parseRunOptions) and what `oktadetect
// config` reports, layer by layer, for every kind of option.

const layersFile = "testdata/config/layers.yaml"

// configEntry is one line of `oktadetect config`: "name: value  # source".
type configEntry struct{ value, source string }

func parseConfigOutput(t *testing.T, out string) map[string]configEntry {
	t.Helper()
	entries := map[string]configEntry{}
	for _, line := range strings.Split(strings.TrimSuffix(out, "\n"), "\n") {
		name, rest, ok := strings.Cut(line, ": ")
		i := strings.LastIndex(rest, "  # ")
		if !ok || i < 0 {
			t.Fatalf("config line %q is not \"name: value  # source\"", line)
		}
		value, source := rest[:i], rest[i+len("  # "):]
		if strings.HasPrefix(value, `"`) {
			v, err := strconv.Unquote(value)
			if err != nil {
				t.Fatalf("config line %q: bad quoting: %v", line, err)
			}
			value = v
		}
		if _, dup := entries[name]; dup {
			t.Fatalf("config prints %q twice", name)
		}
		entries[name] = configEntry{value, source}
	}
	return entries
}

// layer is one level of configuration, from the lowest.
type layer int

const (
	layerDefault layer = iota
	layerFile
	layerEnv
	layerFlag
)

func (l layer) String() string { return [...]string{"default", "file", "env", "flag"}[l] }

// sourceOf is how config names the place a value of option came from.
func sourceOf(l layer, option string) string {
	switch l {
	case layerFile:
		return option + " in " + layersFile
	case layerEnv:
		return "OKTADETECT_" + strings.ToUpper(strings.ReplaceAll(option, "-", "_"))
	case layerFlag:
		return "--" + option
	}
	return "default"
}

func TestConfigPrecedence(t *testing.T) {
	tests := []struct {
		option string
		kind   string
		env    string   // the value of the env layer
		flags  []string // the arguments of the flag layer
		parsed func(*runOptions) string
		want   [4]string // parsed value per layer: default, file, env, flag
		shown  [4]string // value `oktadetect config` prints per layer
	}{
		{
			option: "group", kind: "string", env: "group-from-env", flags: []string{"--group", "group-from-flag"},
			parsed: func(o *runOptions) string { return o.group },
			want:   [4]string{stream.DefaultGroup, "group-from-file", "group-from-env", "group-from-flag"},
			shown:  [4]string{stream.DefaultGroup, "group-from-file", "group-from-env", "group-from-flag"},
		},
		{
			option: "dedupe-size", kind: "int", env: "222", flags: []string{"--dedupe-size=333"},
			parsed: func(o *runOptions) string { return strconv.Itoa(o.detect.dedupeSize) },
			want:   [4]string{strconv.Itoa(dedupe.DefaultSize), "111", "222", "333"},
			shown:  [4]string{strconv.Itoa(dedupe.DefaultSize), "111", "222", "333"},
		},
		{
			option: "tls", kind: "bool", env: "false", flags: []string{"--tls"},
			parsed: func(o *runOptions) string { return strconv.FormatBool(o.kafka.tls) },
			want:   [4]string{"false", "true", "false", "true"},
			shown:  [4]string{"false", "true", "false", "true"},
		},
		{
			option: "create-topics", kind: "bool defaulting to true", env: "true", flags: []string{"--create-topics=false"},
			parsed: func(o *runOptions) string { return strconv.FormatBool(o.createTopics) },
			want:   [4]string{"true", "false", "true", "false"},
			shown:  [4]string{"true", "false", "true", "false"},
		},
		{
			option: "dedupe-horizon", kind: "duration", env: "2h", flags: []string{"--dedupe-horizon", "3h"},
			parsed: func(o *runOptions) string { return o.dedupeHorizon.String() },
			want:   [4]string{"24h0m0s", "1h0m0s", "2h0m0s", "3h0m0s"},
			shown:  [4]string{"24h0m0s", "1h", "2h", "3h"},
		},
		{
			option: "rules", kind: "comma-separated list", env: "env-a, env-b", flags: []string{"--rules", "flag-a", "--rules", "flag-b,flag-c"},
			parsed: func(o *runOptions) string { return fmt.Sprintf("%q", o.detect.rules) },
			want:   [4]string{`[]`, `["rules-from-file-a" "rules-from-file-b"]`, `["env-a" "env-b"]`, `["flag-a" "flag-b" "flag-c"]`},
			shown:  [4]string{"", "rules-from-file-a,rules-from-file-b", "env-a, env-b", "flag-a,flag-b,flag-c"},
		},
		{
			option: "default-dataset", kind: "repeatable", env: "okta.system", flags: []string{"--default-dataset", "a=okta.system", "--default-dataset", "b=okta.system"},
			parsed: func(o *runOptions) string { return fmt.Sprintf("%q", o.detect.defaultDataset) },
			want:   [4]string{`[]`, `["okta-in=okta.system"]`, `["okta.system"]`, `["a=okta.system" "b=okta.system"]`},
			shown:  [4]string{"", "okta-in=okta.system", "okta.system", "a=okta.system,b=okta.system"},
		},
		{
			option: "sasl-password", kind: "secret", env: "password-from-env", flags: []string{"--sasl-password", "password-from-flag"},
			parsed: func(o *runOptions) string { return o.kafka.saslPassword },
			want:   [4]string{"", "password-from-file", "password-from-env", "password-from-flag"},
			shown:  [4]string{"", "(redacted)", "(redacted)", "(redacted)"},
		},
	}
	for _, tt := range tests {
		for l := layerDefault; l <= layerFlag; l++ {
			t.Run(fmt.Sprintf("%s %s/%s", tt.kind, tt.option, l), func(t *testing.T) {
				// run needs brokers and topics; they come from flags in
				// every layer and do not interfere with the option.
				args := []string{"--brokers", "127.0.0.1:1", "--topics", "okta-system"}
				if l >= layerFile {
					args = append(args, "--config", layersFile)
				}
				if l >= layerEnv {
					t.Setenv(sourceOf(layerEnv, tt.option), tt.env)
				}
				if l >= layerFlag {
					args = append(args, tt.flags...)
				}

				o, s, err := parseRunOptions(args, io.Discard)
				if err != nil {
					t.Fatalf("parseRunOptions(%q): %v", args, err)
				}
				if got := tt.parsed(o); got != tt.want[l] {
					t.Errorf("run parsed %s = %s, want %s", tt.option, got, tt.want[l])
				}
				if got, want := s.source[tt.option], sourceOf(l, tt.option); got != want {
					t.Errorf("run's source of %s = %q, want %q", tt.option, got, want)
				}

				r := runCLI(t, append([]string{"config"}, args...)...)
				r.wantCode(t, 0)
				e, ok := parseConfigOutput(t, r.stdout)[tt.option]
				if !ok {
					t.Fatalf("config does not print %s:\n%s", tt.option, r.stdout)
				}
				if e.value != tt.shown[l] || e.source != sourceOf(l, tt.option) {
					t.Errorf("config prints %s: %q  # %s, want %q  # %s", tt.option, e.value, e.source, tt.shown[l], sourceOf(l, tt.option))
				}
			})
		}
	}
}

func TestConfigFileFromEnvironment(t *testing.T) {
	t.Run("OKTADETECT_CONFIG names the file", func(t *testing.T) {
		t.Setenv("OKTADETECT_CONFIG", "testdata/config/brokers.yaml")
		r := runCLI(t, "config")
		r.wantCode(t, 0)
		got := parseConfigOutput(t, r.stdout)["brokers"]
		want := configEntry{"file-kafka-1:9092,file-kafka-2:9092", "brokers in testdata/config/brokers.yaml"}
		if got != want {
			t.Errorf("brokers = %+v, want %+v", got, want)
		}
	})
	t.Run("--config wins over OKTADETECT_CONFIG", func(t *testing.T) {
		t.Setenv("OKTADETECT_CONFIG", "testdata/config/brokers.yaml")
		r := runCLI(t, "config", "--config", layersFile)
		r.wantCode(t, 0)
		entries := parseConfigOutput(t, r.stdout)
		if got := entries["brokers"]; got.source != "default" {
			t.Errorf("brokers comes from %q: the file named by OKTADETECT_CONFIG was read although --config named another", got.source)
		}
		if got := entries["group"]; got.source != sourceOf(layerFile, "group") {
			t.Errorf("group comes from %q, want %q", got.source, sourceOf(layerFile, "group"))
		}
	})
}

func TestConfigPrintsEveryOptionOnce(t *testing.T) {
	r := runCLI(t, "config")
	r.wantCode(t, 0)
	entries := parseConfigOutput(t, r.stdout)
	var want []string
	for _, name := range runOptionNames() {
		if name != "config" { // the file itself is not a setting of run
			want = append(want, name)
		}
	}
	var got []string
	for name, e := range entries {
		got = append(got, name)
		if e.source != "default" {
			t.Errorf("%s comes from %q with no flags, variables or file", name, e.source)
		}
	}
	slices.Sort(want)
	slices.Sort(got)
	if !slices.Equal(got, want) {
		t.Errorf("config prints options\n%q\nwant run's options\n%q", got, want)
	}
}

func TestConfigRedactsSecrets(t *testing.T) {
	const envSecret, flagSecret, fileSecret = "hunter2-from-env", "hunter2-from-flag", "hunter2-from-file"
	tests := []struct {
		name string
		env  string
		args []string
	}{
		{"flag", "", []string{"--sasl-password", flagSecret}},
		{"env", envSecret, nil},
		{"file", "", []string{"--config", "testdata/config/secrets.yaml"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.env != "" {
				t.Setenv("OKTADETECT_SASL_PASSWORD", tt.env)
			}
			r := runCLI(t, append([]string{"config"}, tt.args...)...)
			r.wantCode(t, 0)
			for _, secret := range []string{envSecret, flagSecret, fileSecret} {
				if strings.Contains(r.stdout+r.stderr, secret) {
					t.Fatalf("config output contains the password %q:\n%s", secret, r.stdout)
				}
			}
			if got := parseConfigOutput(t, r.stdout)["sasl-password"].value; got != "(redacted)" {
				t.Errorf("sasl-password shown as %q, want (redacted)", got)
			}
		})
	}
	t.Run("run errors", func(t *testing.T) {
		r := runCLI(t, "run", "--brokers", "127.0.0.1:1", "--topics", "t", "--sasl-password", flagSecret, "--workers", "-1")
		if r.code == 0 || strings.Contains(r.stderr, flagSecret) {
			t.Errorf("exit %d; stderr must not show the password:\n%s", r.code, r.stderr)
		}
	})
}

func TestInvalidValuesNameOptionAndSource(t *testing.T) {
	base := []string{"run", "--brokers", "127.0.0.1:1", "--topics", "okta-system"}
	tests := []struct {
		name string
		env  [2]string // variable and value, when set
		args []string  // after base
		want []string  // substrings of stderr
	}{
		{name: "int flag", args: []string{"--dedupe-size", "lots"}, want: []string{`"lots"`, "--dedupe-size"}},
		{name: "int env", env: [2]string{"OKTADETECT_DEDUPE_SIZE", "lots"}, want: []string{`"lots"`, "OKTADETECT_DEDUPE_SIZE"}},
		{name: "int file", args: []string{"--config", "testdata/config/bad-int.yaml"}, want: []string{`"lots"`, "dedupe-size in testdata/config/bad-int.yaml"}},
		{name: "bool flag", args: []string{"--tls=maybe"}, want: []string{`"maybe"`, "--tls"}},
		{name: "bool env", env: [2]string{"OKTADETECT_EXACTLY_ONCE", "maybe"}, want: []string{`"maybe"`, "OKTADETECT_EXACTLY_ONCE"}},
		{name: "bool file", args: []string{"--config", "testdata/config/bad-bool.yaml"}, want: []string{`"maybe"`, "tls in testdata/config/bad-bool.yaml"}},
		{name: "duration flag", args: []string{"--alert-window", "5"}, want: []string{`"5"`, "--alert-window"}},
		{name: "duration env", env: [2]string{"OKTADETECT_SHUTDOWN_TIMEOUT", "soon"}, want: []string{`"soon"`, "OKTADETECT_SHUTDOWN_TIMEOUT"}},
		{name: "duration file", args: []string{"--config", "testdata/config/bad-duration.yaml"}, want: []string{`"86400"`, "dedupe-horizon in testdata/config/bad-duration.yaml"}},
		{name: "unknown file key", args: []string{"--config", "testdata/config/unknown-key.yaml"}, want: []string{"testdata/config/unknown-key.yaml", `unknown option "dedup-size"`}},
		{name: "list for a single value", args: []string{"--config", "testdata/config/list-for-scalar.yaml"}, want: []string{"testdata/config/list-for-scalar.yaml", `"group"`}},
		{name: "file is not a mapping", args: []string{"--config", "testdata/config/not-a-mapping.yaml"}, want: []string{"testdata/config/not-a-mapping.yaml"}},
		{name: "missing file", args: []string{"--config", "testdata/config/absent.yaml"}, want: []string{"testdata/config/absent.yaml"}},
		{name: "missing file from env", env: [2]string{"OKTADETECT_CONFIG", "testdata/config/absent.yaml"}, want: []string{"testdata/config/absent.yaml"}},
		{name: "group protocol flag", args: []string{"--group-protocol", "kip-848"}, want: []string{`"kip-848"`, "--group-protocol"}},
		{name: "negative workers flag", args: []string{"--workers", "-1"}, want: []string{"--workers"}},
		{name: "log level flag", args: []string{"--log-level", "loud"}, want: []string{`"loud"`, "--log-level"}},
		{name: "default dataset flag", args: []string{"--default-dataset", "okta-in="}, want: []string{`"okta-in="`, "--default-dataset"}},
		{name: "suppress syntax", args: []string{"--suppress", unauthRuleID + ":user.name"}, want: []string{"--suppress"}},
		{name: "suppress unknown rule", args: []string{"--suppress", "no-such-rule:user.name:5m"}, want: []string{"--suppress", `"no-such-rule"`}},
		{name: "rules path", args: []string{"--rules", "testdata/no-such-rules"}, want: []string{"testdata/no-such-rules"}},
		{name: "broken rules", args: []string{"--rules", "testdata/rules-broken-kql"}, want: []string{"testdata/rules-broken-kql/escaped_basic_string.toml:12:73"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.env[0] != "" {
				t.Setenv(tt.env[0], tt.env[1])
			}
			r := runCLI(t, append(slices.Clone(base), tt.args...)...)
			r.wantCode(t, 1)
			for _, s := range tt.want {
				if !strings.Contains(r.stderr, s) {
					t.Errorf("stderr lacks %q:\n%s", s, r.stderr)
				}
			}
		})
	}
}

// TestRunValidationNamesSource covers the checks run makes after parsing
// (group protocol, workers, log level, ...). The product requires every bad
// value to be reported with where it came from.
//
// BUG: parseRunOptions and logOptions.logger always write "--<option>",
// even when the value came from an OKTADETECT_* variable or the config
// file, so an operator hunting a bad setting is sent to the command line
// when the culprit is a Kubernetes env entry or a ConfigMap.
func TestRunValidationNamesSource(t *testing.T) {
	base := []string{"run", "--brokers", "127.0.0.1:1", "--topics", "okta-system"}
	tests := []struct {
		name string
		env  [2]string
		args []string
		want string
	}{
		{name: "workers from env", env: [2]string{"OKTADETECT_WORKERS", "-1"}, want: "OKTADETECT_WORKERS"},
		{name: "group protocol from file", args: []string{"--config", "testdata/config/bad-group-protocol.yaml"}, want: "group-protocol in testdata/config/bad-group-protocol.yaml"},
		{name: "log level from env", env: [2]string{"OKTADETECT_LOG_LEVEL", "loud"}, want: "OKTADETECT_LOG_LEVEL"},
		{name: "dedupe horizon from env", env: [2]string{"OKTADETECT_DEDUPE_HORIZON", "-1h"}, want: "OKTADETECT_DEDUPE_HORIZON"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.env[0] != "" {
				t.Setenv(tt.env[0], tt.env[1])
			}
			r := runCLI(t, append(slices.Clone(base), tt.args...)...)
			r.wantCode(t, 1)
			if !strings.Contains(r.stderr, tt.want) {
				t.Errorf("BUG: the error does not say the value came from %s:\n%s", tt.want, r.stderr)
			}
		})
	}
}

func TestRunRequiresBrokersAndTopics(t *testing.T) {
	tests := []struct {
		name    string
		args    []string
		want    []string
		notWant []string
	}{
		{"neither", nil, []string{"--brokers is required", "--topics is required"}, nil},
		{"no topics", []string{"--brokers", "127.0.0.1:1"}, []string{"--topics is required"}, []string{"--brokers is required"}},
		{"no brokers", []string{"--topics", "okta-system"}, []string{"--brokers is required"}, []string{"--topics is required"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := runCLI(t, append([]string{"run"}, tt.args...)...)
			r.wantCode(t, 1)
			for _, s := range tt.want {
				if !strings.Contains(r.stderr, s) {
					t.Errorf("stderr lacks %q:\n%s", s, r.stderr)
				}
			}
			for _, s := range tt.notWant {
				if strings.Contains(r.stderr, s) {
					t.Errorf("stderr has %q:\n%s", s, r.stderr)
				}
			}
		})
	}
}

// TestConfigOutputIsAConfigFile feeds what `oktadetect config` prints back
// to it as --config, as its help promises ("usable with --config").
//
// BUG: options whose default is a zero duration (alert-window,
// watch-rules) print as "", and "" read back from the file is not a
// duration, so the printed configuration is rejected.
func TestConfigOutputIsAConfigFile(t *testing.T) {
	first := runCLI(t, "config", "--brokers", "kafka-1:9092,kafka-2:9092", "--topics", "logs-okta.*", "--tls")
	first.wantCode(t, 0)
	path := filepath.Join(t.TempDir(), "oktadetect.yaml")
	if err := os.WriteFile(path, []byte(first.stdout), 0o600); err != nil {
		t.Fatal(err)
	}
	second := runCLI(t, "config", "--config", path)
	if second.code != 0 {
		t.Fatalf("BUG: config rejects its own output (exit %d):\n%s", second.code, second.stderr)
	}
	want, got := parseConfigOutput(t, first.stdout), parseConfigOutput(t, second.stdout)
	for name, w := range want {
		if got[name].value != w.value {
			t.Errorf("%s: %q after the round trip, want %q", name, got[name].value, w.value)
		}
	}
}
