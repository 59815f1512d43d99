package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"sort"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"
)

// Configuration comes from four places, in this order of precedence:
// command-line flags, OKTADETECT_* environment variables, a YAML file named
// by --config (or OKTADETECT_CONFIG), and built-in defaults. Every option
// has the same name everywhere: --dedupe-size, OKTADETECT_DEDUPE_SIZE and
// "dedupe-size:" in the file.

// option is one configuration option.
type option struct {
	name    string // flag name; also the file key
	usage   string
	def     string // default, as text ("" for none)
	secret  bool   // never printed
	isBool  bool
	repeat  bool                 // may be given several times; env and file take lists
	set     func(v string) error // parses and stores one value
	reset   func()               // clears a repeatable option before its values are applied
	example string               // value placeholder in help, e.g. HOST:PORT
}

func (o *option) env() string {
	return "OKTADETECT_" + strings.ToUpper(strings.ReplaceAll(o.name, "-", "_"))
}

// optionSet holds a command's options and where each value came from.
type optionSet struct {
	cmd    string
	opts   []*option
	byName map[string]*option
	source map[string]string   // option → where its value came from
	values map[string][]string // values given as flags

	positional bool     // the command takes arguments after its flags
	args       []string // those arguments
	fileText   map[string]string
}

func newOptionSet(cmd string) *optionSet {
	return &optionSet{cmd: cmd, byName: map[string]*option{}, source: map[string]string{}, values: map[string][]string{}, fileText: map[string]string{}}
}

func (s *optionSet) add(o *option) {
	s.opts = append(s.opts, o)
	s.byName[o.name] = o
}

func (s *optionSet) stringVar(p *string, name, def, usage string) {
	*p = def
	s.add(&option{name: name, usage: usage, def: def, set: func(v string) error { *p = v; return nil }})
}

func (s *optionSet) secretVar(p *string, name, usage string) {
	s.add(&option{name: name, usage: usage, secret: true, set: func(v string) error { *p = v; return nil }})
}

func (s *optionSet) boolVar(p *bool, name string, def bool, usage string) {
	*p = def
	s.add(&option{name: name, usage: usage, def: strconv.FormatBool(def), isBool: true, set: func(v string) error {
		b, err := strconv.ParseBool(v)
		if err != nil {
			return fmt.Errorf("want true or false")
		}
		*p = b
		return nil
	}})
}

func (s *optionSet) intVar(p *int, name string, def int, usage string) {
	*p = def
	s.add(&option{name: name, usage: usage, def: strconv.Itoa(def), set: func(v string) error {
		n, err := strconv.Atoi(strings.ReplaceAll(v, "_", ""))
		if err != nil {
			return fmt.Errorf("want a whole number")
		}
		*p = n
		return nil
	}})
}

func (s *optionSet) floatVar(p *float64, name string, def float64, usage string) {
	*p = def
	s.add(&option{name: name, usage: usage, def: strconv.FormatFloat(def, 'g', -1, 64), set: func(v string) error {
		f, err := strconv.ParseFloat(v, 64)
		if err != nil {
			return fmt.Errorf("want a number")
		}
		*p = f
		return nil
	}})
}

func (s *optionSet) durationVar(p *time.Duration, name string, def time.Duration, usage string) {
	*p = def
	d := ""
	if def != 0 {
		d = def.String()
	}
	s.add(&option{name: name, usage: usage, def: d, set: func(v string) error {
		x, err := time.ParseDuration(v)
		if err != nil {
			return fmt.Errorf("want a duration such as 30s, 5m or 24h")
		}
		*p = x
		return nil
	}})
}

// listVar is a comma-separated list; it may also be repeated.
func (s *optionSet) listVar(p *[]string, name string, def []string, usage string) {
	*p = def
	s.add(&option{name: name, usage: usage, def: strings.Join(def, ","), repeat: true,
		reset: func() { *p = nil },
		set: func(v string) error {
			for _, e := range strings.Split(v, ",") {
				if e = strings.TrimSpace(e); e != "" {
					*p = append(*p, e)
				}
			}
			return nil
		}})
}

// repeatVar is repeatable but not split on commas (values may hold them).
func (s *optionSet) repeatVar(p *[]string, name, usage string) {
	s.add(&option{name: name, usage: usage, repeat: true,
		reset: func() { *p = nil },
		set:   func(v string) error { *p = append(*p, v); return nil }})
}

// flagValue adapts an option to the flag package and records its values.
type flagValue struct {
	s *optionSet
	o *option
}

func (f flagValue) String() string   { return "" }
func (f flagValue) IsBoolFlag() bool { return f.o.isBool }
func (f flagValue) Set(v string) error {
	f.s.values[f.o.name] = append(f.s.values[f.o.name], v)
	return nil
}

// parse resolves the options from args, the environment and the config
// file named by --config, in that order of precedence.
func (s *optionSet) parse(args []string, stderr io.Writer, usage func(io.Writer)) error {
	fs := flag.NewFlagSet(s.cmd, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	for _, o := range s.opts {
		fs.Var(flagValue{s, o}, o.name, o.usage)
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			usage(stderr)
			return errHelp
		}
		return fmt.Errorf("%s: %w (see oktadetect %s --help)", s.cmd, err, s.cmd)
	}
	if fs.NArg() > 0 && !s.positional {
		return fmt.Errorf("%s: unexpected argument %q (see oktadetect %s --help)", s.cmd, fs.Arg(0), s.cmd)
	}
	s.args = fs.Args()

	fileVals := map[string][]string{}
	cfgPath := ""
	if v := s.values["config"]; len(v) > 0 {
		cfgPath = v[len(v)-1]
	} else if v, ok := os.LookupEnv("OKTADETECT_CONFIG"); ok && s.byName["config"] != nil {
		cfgPath = v
	}
	if cfgPath != "" {
		var err error
		if fileVals, err = s.readFile(cfgPath); err != nil {
			return err
		}
		for k, v := range fileVals {
			s.fileText[k] = strings.Join(v, ",")
		}
	}
	for _, o := range s.opts {
		var vals []string
		var src string
		switch {
		case len(s.values[o.name]) > 0:
			vals, src = s.values[o.name], "--"+o.name
		case os.Getenv(o.env()) != "":
			v := os.Getenv(o.env())
			vals, src = []string{v}, o.env()
		case len(fileVals[o.name]) > 0:
			vals, src = fileVals[o.name], fmt.Sprintf("%s in %s", o.name, cfgPath)
		default:
			s.source[o.name] = "default"
			continue
		}
		if o.repeat && o.reset != nil {
			o.reset()
		}
		for _, v := range vals {
			if err := o.set(v); err != nil {
				return fmt.Errorf("invalid value %q for %s: %v", displayValue(o, v), src, err)
			}
		}
		s.source[o.name] = src
	}
	return nil
}

// where names the place an option's value came from, for error messages
// about values that parse but make no sense: its flag, its environment
// variable or its entry in the config file. A nil set (options built in
// code) names the flag.
func (s *optionSet) where(name string) string {
	if s != nil {
		if src := s.source[name]; src != "" && src != "default" {
			return src
		}
	}
	return "--" + name
}

func displayValue(o *option, v string) string {
	if o.secret {
		return "(redacted)"
	}
	return v
}

// readFile reads a YAML mapping of option names to values.
func (s *optionSet) readFile(path string) (map[string][]string, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("reading config file: %w", err)
	}
	var raw map[string]any
	if err := yaml.Unmarshal(data, &raw); err != nil {
		return nil, fmt.Errorf("config file %s: %w", path, err)
	}
	out := map[string][]string{}
	keys := make([]string, 0, len(raw))
	for k := range raw {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		o := s.byName[k]
		if o == nil || k == "config" {
			return nil, fmt.Errorf("config file %s: unknown option %q (options are the flag names of oktadetect %s --help)", path, k, s.cmd)
		}
		switch v := raw[k].(type) {
		case []any:
			if !o.repeat {
				return nil, fmt.Errorf("config file %s: option %q takes one value, not a list", path, k)
			}
			for _, e := range v {
				out[k] = append(out[k], fmt.Sprint(e))
			}
		case map[string]any:
			return nil, fmt.Errorf("config file %s: option %q takes a value, not a mapping", path, k)
		case nil:
		case string:
			// An empty value means "not set", as an empty OKTADETECT_*
			// variable does; `oktadetect config` prints unset options so.
			if v != "" {
				out[k] = []string{v}
			}
		default:
			out[k] = []string{fmt.Sprint(v)}
		}
	}
	return out, nil
}

var errHelp = errors.New("help requested")

// printOptions writes the options in help format.
func (s *optionSet) printOptions(w io.Writer) {
	for _, o := range s.opts {
		name := "--" + o.name
		if !o.isBool {
			ph := o.example
			if ph == "" {
				ph = "VALUE"
			}
			name += " " + ph
		}
		fmt.Fprintf(w, "  %s\n", name)
		fmt.Fprintf(w, "        %s\n", o.usage)
		extra := "env " + o.env()
		if o.def != "" && !o.secret {
			extra += ", default " + o.def
		}
		if o.repeat {
			extra += ", repeatable"
		}
		fmt.Fprintf(w, "        (%s)\n", extra)
	}
}

// effective returns the resolved options as name → value text, secrets
// redacted, for `oktadetect config`.
func (s *optionSet) effective() [][3]string {
	var out [][3]string
	for _, o := range s.opts {
		if o.name == "config" {
			continue
		}
		var v string
		switch src := s.source[o.name]; {
		case src == "default":
			v = o.def
		case o.secret && s.currentText(o) != "":
			v = "(redacted)"
		default:
			v = s.currentText(o)
		}
		if o.secret && s.source[o.name] == "default" {
			v = ""
		}
		out = append(out, [3]string{o.name, v, s.source[o.name]})
	}
	return out
}

func (s *optionSet) currentText(o *option) string {
	if vals := s.values[o.name]; len(vals) > 0 {
		return strings.Join(vals, ",")
	}
	if v := os.Getenv(o.env()); v != "" {
		return v
	}
	return s.fileText[o.name]
}
