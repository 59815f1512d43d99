package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/oktadetect/oktadetect/detect"
	"github.com/oktadetect/oktadetect/detect/rules"
)

func rulesUsage(w io.Writer) {
	fmt.Fprintln(w, "Usage: oktadetect rules list|validate|test [--rules PATH]... [--format text|json]")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "  list       id, name, type, severity, risk and status of every rule")
	fmt.Fprintln(w, "  validate   exit 0 when every supported rule parses and compiles; otherwise print")
	fmt.Fprintln(w, "             file:line:col for each error and exit 1. Skipped rule types are listed.")
	fmt.Fprintln(w, "  test       run each rule's example events (a match and a no-match case per rule)")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Without --rules the built-in rules are used. --rules takes files or directories")
	fmt.Fprintln(w, "(read recursively) in Elastic's detection-rules TOML format, and may be repeated.")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Examples:")
	fmt.Fprintln(w, "  oktadetect rules validate --rules ./detection-rules/rules/integrations/okta")
	fmt.Fprintln(w, "  oktadetect rules test")
	fmt.Fprintln(w, "  oktadetect rules list --rules ./rules --format json")
}

func rulesCommand(_ context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" {
		rulesUsage(stderr)
		if len(args) == 0 {
			return &exitError{2, errors.New("rules: missing subcommand (list, validate or test)")}
		}
		return nil
	}
	sub := args[0]
	var paths []string
	var format string
	s := newOptionSet("rules " + sub)
	s.listVar(&paths, "rules", nil, "rule file or directory; repeatable (default: the built-in rules)")
	s.stringVar(&format, "format", "text", "output format: text or json")
	if err := s.parse(args[1:], stderr, func(w io.Writer) { rulesUsage(w); fmt.Fprintln(w, "\nOptions:"); s.printOptions(w) }); err != nil {
		return err
	}
	if format != "text" && format != "json" {
		return fmt.Errorf("invalid value %q for --format: want text or json", format)
	}
	set, sources, err := loadRules(paths)
	if err != nil {
		return &exitError{1, err}
	}
	switch sub {
	case "list":
		return rulesList(set, format, stdout)
	case "validate":
		return rulesValidate(set, sources, format, stdout)
	case "test":
		return rulesTest(set, format, stdout)
	}
	rulesUsage(stderr)
	return &exitError{2, fmt.Errorf("rules: unknown subcommand %q", sub)}
}

// ruleStatus is one line of rules list.
type ruleStatus struct {
	ID       string `json:"rule_id"`
	Name     string `json:"name"`
	Type     string `json:"type"`
	Severity string `json:"severity,omitempty"`
	Risk     int    `json:"risk_score,omitempty"`
	Status   string `json:"status"`
	Reason   string `json:"reason,omitempty"`
	Source   string `json:"source"`
}

// compileEach compiles every rule on its own, so that one bad rule does
// not hide the state of the others.
func compileEach(set *rules.Set) []ruleStatus {
	var out []ruleStatus
	for _, r := range set.Rules {
		st := ruleStatus{ID: r.ID, Name: r.Name, Type: r.Type, Severity: r.Severity, Risk: r.RiskScore, Status: "loaded", Source: r.Source}
		if _, err := detect.Compile([]*rules.Rule{r}); err != nil {
			st.Status, st.Reason = "error", err.Error()
		}
		out = append(out, st)
	}
	for _, sk := range set.Skipped {
		out = append(out, ruleStatus{ID: sk.RuleID, Name: sk.Name, Type: sk.Type, Status: "skipped", Reason: sk.Reason, Source: sk.Source})
	}
	return out
}

func rulesList(set *rules.Set, format string, w io.Writer) error {
	st := compileEach(set)
	if format == "json" {
		return writeJSONLines(w, st)
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "RULE_ID\tNAME\tTYPE\tSEVERITY\tRISK\tSTATUS")
	for _, s := range st {
		status := s.Status
		if s.Reason != "" {
			status += ": " + s.Reason
		}
		risk := ""
		if s.Status != "skipped" {
			risk = fmt.Sprint(s.Risk)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", s.ID, s.Name, s.Type, s.Severity, risk, status)
	}
	return tw.Flush()
}

func rulesValidate(set *rules.Set, sources []string, format string, w io.Writer) error {
	st := compileEach(set)
	var loaded, skipped, failed int
	for _, s := range st {
		switch s.Status {
		case "loaded":
			loaded++
		case "skipped":
			skipped++
		default:
			failed++
		}
	}
	if format == "json" {
		if err := writeJSONLines(w, st); err != nil {
			return err
		}
	} else {
		for _, s := range st {
			switch s.Status {
			case "error":
				fmt.Fprintf(w, "error: %s\n", s.Reason)
			case "skipped":
				fmt.Fprintf(w, "skipped: %s (%s): %s\n", s.Source, s.Name, s.Reason)
			}
		}
		fmt.Fprintf(w, "%s: %d loaded, %d skipped, %d with errors\n", strings.Join(sources, ", "), loaded, skipped, failed)
	}
	if failed > 0 {
		return &exitError{1, fmt.Errorf("%d rule(s) failed to compile", failed)}
	}
	return nil
}

// exampleResult is one example event's outcome.
type exampleResult struct {
	RuleID string `json:"rule_id"`
	Name   string `json:"name"`
	Case   string `json:"case"` // match or no_match
	Index  int    `json:"index"`
	Pass   bool   `json:"pass"`
	Detail string `json:"detail,omitempty"`
}

func rulesTest(set *rules.Set, format string, w io.Writer) error {
	e, err := detect.Compile(set.Rules)
	if err != nil {
		return &exitError{1, err}
	}
	m := e.NewMatcher()
	var results []exampleResult
	var untested []string
	for _, r := range set.Rules {
		match, noMatch, ok := rules.Examples(r.ID)
		if !ok {
			untested = append(untested, r.ID)
			continue
		}
		for _, c := range []struct {
			name   string
			events [][]byte
			want   bool
		}{{"match", match, true}, {"no_match", noMatch, false}} {
			for i, ev := range c.events {
				res, err := m.Match(ev, "examples")
				got := err == nil && slices.ContainsFunc(res.Rules, func(x *rules.Rule) bool { return x.ID == r.ID })
				er := exampleResult{RuleID: r.ID, Name: r.Name, Case: c.name, Index: i, Pass: got == c.want}
				if !er.Pass {
					er.Detail = fmt.Sprintf("expected match=%v, got match=%v", c.want, got)
					if err != nil {
						er.Detail += " (" + err.Error() + ")"
					}
				}
				results = append(results, er)
			}
		}
	}
	var pass, fail int
	for _, r := range results {
		if r.Pass {
			pass++
		} else {
			fail++
		}
	}
	if format == "json" {
		if err := writeJSONLines(w, results); err != nil {
			return err
		}
	} else {
		for _, r := range results {
			if !r.Pass {
				fmt.Fprintf(w, "FAIL %s (%s) %s[%d]: %s\n", r.RuleID, r.Name, r.Case, r.Index, r.Detail)
			}
		}
		for _, id := range untested {
			fmt.Fprintf(w, "note: rule %s has no example events\n", id)
		}
		fmt.Fprintf(w, "%d rules, %d example events: %d passed, %d failed, %d rules without examples\n",
			len(set.Rules), len(results), pass, fail, len(untested))
	}
	if fail > 0 {
		return &exitError{1, fmt.Errorf("%d example(s) failed", fail)}
	}
	return nil
}

func writeJSONLines[T any](w io.Writer, items []T) error {
	enc := json.NewEncoder(w)
	for _, it := range items {
		if err := enc.Encode(it); err != nil {
			return err
		}
	}
	return nil
}
