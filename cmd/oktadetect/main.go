// Command oktadetect catches attacks on Okta as they happen: it reads Okta
// System Log events from Kafka, evaluates Elastic's detection rules on
// every event, drops redelivered events, and writes alerts shaped like
// Elastic Security's to an output topic.
//
// Commands:
//
//	oktadetect run      consume, detect and alert (the service)
//	oktadetect demo     a self-contained demonstration on an embedded Kafka
//	oktadetect replay   detect on NDJSON files or stdin (backfills, rule tests)
//	oktadetect rules    list, validate and test detection rules
//	oktadetect bench    measure end-to-end throughput and latency against a broker
//	oktadetect config   print the effective configuration of run
//
// Run "oktadetect COMMAND --help" for a command's options.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "dev"

// command is one subcommand.
type command struct {
	name    string
	summary string
	run     func(ctx context.Context, args []string, stdout, stderr io.Writer) error
}

func commands() []command {
	return []command{
		{"run", "consume Okta events from Kafka, detect, and write alerts", runCommand},
		{"demo", "run the detector on sample events in an embedded Kafka", demoCommand},
		{"replay", "detect on NDJSON events from files or stdin, alerts to stdout", replayCommand},
		{"rules", "list, validate and test detection rules", rulesCommand},
		{"bench", "measure end-to-end throughput and latency against a broker", benchCommand},
		{"config", "print the effective configuration of run (secrets redacted)", configCommand},
		{"version", "print the version", func(_ context.Context, args []string, stdout, stderr io.Writer) error {
			if len(args) > 0 {
				if args[0] == "-h" || args[0] == "--help" {
					fmt.Fprint(stderr, "Usage: oktadetect version\n\nPrint the version of this binary.\n")
					return nil
				}
				return &exitError{2, fmt.Errorf("version: unexpected argument %q", args[0])}
			}
			fmt.Fprintln(stdout, "oktadetect", version)
			return nil
		}},
	}
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	os.Exit(realMain(ctx, os.Args[1:], os.Stdout, os.Stderr))
}

// exitError carries a specific exit status.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string { return e.err.Error() }
func (e *exitError) Unwrap() error { return e.err }

func realMain(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		usage(stderr)
		if len(args) == 0 {
			return 2
		}
		return 0
	}
	for _, c := range commands() {
		if c.name != args[0] {
			continue
		}
		err := c.run(ctx, args[1:], stdout, stderr)
		switch {
		case err == nil, errors.Is(err, errHelp):
			return 0
		default:
			fmt.Fprintln(stderr, "oktadetect:", err)
			var ee *exitError
			if errors.As(err, &ee) {
				return ee.code
			}
			return 1
		}
	}
	fmt.Fprintf(stderr, "oktadetect: unknown command %q\n\n", args[0])
	usage(stderr)
	return 2
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "oktadetect detects attacks on Okta in a Kafka stream with Elastic's detection rules.")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Usage: oktadetect COMMAND [options]")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Commands:")
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-8s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, `Run "oktadetect COMMAND --help" for the options of a command.`)
	fmt.Fprintln(w, "Try it without installing anything: go run ./cmd/oktadetect demo")
}
