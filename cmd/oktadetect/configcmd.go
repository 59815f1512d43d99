package main

import (
	"context"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// configCommand prints the configuration run would use: every option, its
// effective value and where the value came from. Secrets are redacted.
func configCommand(_ context.Context, args []string, stdout, stderr io.Writer) error {
	o := &runOptions{}
	s := newOptionSet("config")
	o.register(s)
	usage := func(w io.Writer) {
		fmt.Fprintln(w, "Usage: oktadetect config [run options]")
		fmt.Fprintln(w)
		fmt.Fprintln(w, "Print the effective configuration of oktadetect run as YAML (usable with --config),")
		fmt.Fprintln(w, "with the source of each value: flag, environment variable, config file or default.")
		fmt.Fprintln(w, "Secrets are redacted.")
		fmt.Fprintln(w)
		fmt.Fprintln(w, "Example:")
		fmt.Fprintln(w, "  OKTADETECT_BROKERS=kafka:9092 oktadetect config --config oktadetect.yaml")
		fmt.Fprintln(w)
		fmt.Fprintln(w, "Options: those of oktadetect run (see oktadetect run --help).")
	}
	if err := s.parse(args, stderr, usage); err != nil {
		return err
	}
	for _, e := range s.effective() {
		name, value, source := e[0], e[1], e[2]
		fmt.Fprintf(stdout, "%s: %s  # %s\n", name, yamlScalar(value), source)
	}
	return nil
}

// yamlScalar quotes a value when YAML would otherwise read it differently.
func yamlScalar(v string) string {
	if v == "" || strings.ContainsAny(v, ":#{}[]&*!|>'\"%@`,") || strings.TrimSpace(v) != v {
		return strconv.Quote(v)
	}
	return v
}
