package main

import (
	"crypto/tls"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"time"

	"github.com/twmb/franz-go/pkg/sasl"

	"github.com/oktadetect/oktadetect/dedupe"
	"github.com/oktadetect/oktadetect/detect"
	"github.com/oktadetect/oktadetect/detect/rules"
	"github.com/oktadetect/oktadetect/stream"
)

// Option groups shared by several commands.

// logOptions configures logging.
type logOptions struct {
	format, level string
	set           *optionSet
}

func (l *logOptions) register(s *optionSet) {
	l.set = s
	s.stringVar(&l.format, "log-format", "json", "log format: json or text")
	s.stringVar(&l.level, "log-level", "info", "log level: debug, info, warn or error")
}

// check validates the level and the format.
func (l *logOptions) check() error {
	var level slog.Level
	if err := level.UnmarshalText([]byte(l.level)); err != nil {
		return fmt.Errorf("invalid value %q for %s: want debug, info, warn or error", l.level, l.set.where("log-level"))
	}
	if l.format != "json" && l.format != "text" {
		return fmt.Errorf("invalid value %q for %s: want json or text", l.format, l.set.where("log-format"))
	}
	return nil
}

func (l *logOptions) logger(w io.Writer) (*slog.Logger, error) {
	if err := l.check(); err != nil {
		return nil, err
	}
	var level slog.Level
	level.UnmarshalText([]byte(l.level))
	opts := &slog.HandlerOptions{Level: level}
	switch l.format {
	case "json":
		return slog.New(slog.NewJSONHandler(w, opts)), nil
	case "text":
		return slog.New(slog.NewTextHandler(w, opts)), nil
	}
	return nil, fmt.Errorf("invalid value %q for %s: want json or text", l.format, l.set.where("log-format"))
}

// kafkaOptions configures the connection to Kafka.
type kafkaOptions struct {
	brokers []string

	tls              bool
	tlsCAFile        string
	tlsCertFile      string
	tlsKeyFile       string
	tlsServerName    string
	tlsInsecure      bool
	saslMechanism    string
	saslUsername     string
	saslPassword     string
	saslPasswordFile string
	saslTokenFile    string
}

func (k *kafkaOptions) register(s *optionSet) {
	s.listVar(&k.brokers, "brokers", nil, "Kafka bootstrap brokers, host:port, comma-separated")
	s.byName["brokers"].example = "HOST:PORT[,...]"
	s.boolVar(&k.tls, "tls", false, "connect with TLS (implied by any --tls-* file option)")
	s.stringVar(&k.tlsCAFile, "tls-ca-file", "", "PEM file of the CA certificates to trust (default: the system pool)")
	s.stringVar(&k.tlsCertFile, "tls-cert-file", "", "PEM client certificate for mutual TLS")
	s.stringVar(&k.tlsKeyFile, "tls-key-file", "", "PEM private key of --tls-cert-file")
	s.stringVar(&k.tlsServerName, "tls-server-name", "", "server name to verify (default: the broker's host)")
	s.boolVar(&k.tlsInsecure, "tls-insecure-skip-verify", false, "do not verify the broker's certificate (testing only)")
	s.stringVar(&k.saslMechanism, "sasl-mechanism", "", "SASL mechanism: PLAIN, SCRAM-SHA-256, SCRAM-SHA-512 or OAUTHBEARER")
	s.stringVar(&k.saslUsername, "sasl-username", "", "SASL user name")
	s.secretVar(&k.saslPassword, "sasl-password", "SASL password (prefer --sasl-password-file or the environment)")
	s.stringVar(&k.saslPasswordFile, "sasl-password-file", "", "file holding the SASL password")
	s.stringVar(&k.saslTokenFile, "sasl-token-file", "", "file holding the OAUTHBEARER token (re-read when it changes)")
}

// security builds the TLS and SASL settings.
func (k *kafkaOptions) security() (*tls.Config, sasl.Mechanism, error) {
	var tc *tls.Config
	if k.tls || k.tlsCAFile != "" || k.tlsCertFile != "" || k.tlsKeyFile != "" || k.tlsServerName != "" || k.tlsInsecure {
		var err error
		tc, err = stream.TLSConfig(k.tlsCAFile, k.tlsCertFile, k.tlsKeyFile, k.tlsServerName, k.tlsInsecure)
		if err != nil {
			return nil, nil, err
		}
	}
	if k.saslMechanism == "" {
		if k.saslUsername != "" || k.saslPassword != "" || k.saslPasswordFile != "" || k.saslTokenFile != "" {
			return nil, nil, fmt.Errorf("--sasl-mechanism is required when SASL credentials are given")
		}
		return tc, nil, nil
	}
	password := k.saslPassword
	if k.saslPasswordFile != "" {
		b, err := os.ReadFile(k.saslPasswordFile)
		if err != nil {
			return nil, nil, fmt.Errorf("reading --sasl-password-file: %w", err)
		}
		password = strings.TrimRight(string(b), "\r\n")
	}
	mech, err := stream.SASL(k.saslMechanism, k.saslUsername, password, k.saslTokenFile)
	if err != nil {
		return nil, nil, err
	}
	return tc, mech, nil
}

// detectOptions configures detection: rules, dedupe, caps, suppression.
type detectOptions struct {
	rules          []string
	suppress       []string
	defaultDataset []string
	dedupeSize     int
	maxEventBytes  int
	strictJSON     bool
	maxAlerts      int
	alertWindow    time.Duration
	// capByEventTime windows the alert cap and suppression by the events'
	// own time instead of the clock: replay sets it, since it reads
	// history in a fraction of the time the history took.
	capByEventTime bool
	set            *optionSet
}

func (d *detectOptions) register(s *optionSet) {
	d.set = s
	s.listVar(&d.rules, "rules", nil, "rule file or directory (read recursively) in Elastic's detection-rules TOML format; replaces the built-in rules unless \"builtin\" is also named")
	s.byName["rules"].example = "PATH"
	s.repeatVar(&d.suppress, "suppress", "suppress repeats of a rule's alerts: RULE_ID:FIELD[,FIELD...]:WINDOW, e.g. 4edd3e1a-3aa0-499b-8147-4d2ea43b1613:user.name:5m")
	s.repeatVar(&d.defaultDataset, "default-dataset", "dataset for records that carry none: DATASET for every topic or TOPIC=DATASET, e.g. okta.system")
	s.intVar(&d.dedupeSize, "dedupe-size", dedupe.DefaultSize, "how many (rule, event) pairs the duplicate cache remembers")
	s.intVar(&d.maxEventBytes, "max-event-bytes", 512<<10, "records larger than this are dead-lettered unread")
	s.boolVar(&d.strictJSON, "strict-json", false, "validate every record as JSON in full (by default only records that could match a rule are; ~1 µs per 2.5 KB record)")
	s.intVar(&d.maxAlerts, "max-alerts", 0, "alerts per rule per window; 0 uses each rule's max_signals (Elastic's default is 100)")
	s.durationVar(&d.alertWindow, "alert-window", 0, "window of --max-alerts; 0 uses each rule's interval (Elastic's default is 5m)")
}

// builtinRules is the --rules value that names the built-in rules, so
// that they can run next to a rule directory.
const builtinRules = "builtin"

// loadRules reads the rule set: the named files and directories (and the
// built-in rules where "builtin" is named), or the built-in rules alone
// when nothing is named.
func loadRules(paths []string) (*rules.Set, []string, error) {
	if len(paths) == 0 {
		return rules.Builtin(), []string{builtinRules}, nil
	}
	var files []string
	withBuiltin := false
	for _, p := range paths {
		if p == builtinRules {
			withBuiltin = true
		} else {
			files = append(files, p)
		}
	}
	set := &rules.Set{}
	if len(files) > 0 {
		var err error
		if set, err = rules.Load(files...); err != nil {
			return nil, nil, err
		}
	}
	if withBuiltin {
		b := rules.Builtin()
		seen := map[string]string{}
		for _, r := range set.Rules {
			seen[r.ID] = r.Source
		}
		for _, r := range b.Rules {
			if src, dup := seen[r.ID]; dup {
				return nil, nil, fmt.Errorf("rule_id %s is both built in (%s) and in %s: drop one of them", r.ID, r.Source, src)
			}
			set.Rules = append(set.Rules, r)
		}
		set.Skipped = append(set.Skipped, b.Skipped...)
	}
	return set, paths, nil
}

// compile loads and compiles the rules.
func (d *detectOptions) compile() (*ruleset, error) {
	set, sources, err := loadRules(d.rules)
	if err != nil {
		return nil, err
	}
	if len(set.Rules) == 0 {
		return nil, fmt.Errorf("no runnable rules in %s (%d skipped: only query rules in KQL run)", strings.Join(sources, ", "), len(set.Skipped))
	}
	opts := []detect.Option{detect.MaxEventBytes(d.maxEventBytes), detect.StrictJSON(d.strictJSON)}
	for _, dd := range d.defaultDataset {
		topic, dataset, ok := strings.Cut(dd, "=")
		if !ok {
			topic, dataset = "", dd
		}
		if dataset == "" {
			return nil, fmt.Errorf("invalid value %q for %s: want DATASET or TOPIC=DATASET", dd, d.set.where("default-dataset"))
		}
		opts = append(opts, detect.DefaultDataset(topic, dataset))
	}
	e, err := detect.Compile(set.Rules, opts...)
	if err != nil {
		return nil, err
	}
	return newRuleset(e, set.Skipped, sources), nil
}

// build makes a detector from the options.
func (d *detectOptions) build(log *slog.Logger) (*detector, error) {
	if d.dedupeSize <= 0 {
		return nil, fmt.Errorf("invalid value %d for %s: must be positive", d.dedupeSize, d.set.where("dedupe-size"))
	}
	if d.maxEventBytes <= 0 {
		return nil, fmt.Errorf("invalid value %d for %s: must be positive", d.maxEventBytes, d.set.where("max-event-bytes"))
	}
	var sup []detect.SuppressRule
	for _, s := range d.suppress {
		r, err := detect.ParseSuppress(s)
		if err != nil {
			return nil, fmt.Errorf("invalid value for %s: %w", d.set.where("suppress"), err)
		}
		sup = append(sup, r)
	}
	rs, err := d.compile()
	if err != nil {
		return nil, err
	}
	known := map[string]bool{}
	for _, r := range rs.engine.Rules() {
		known[r.ID] = true
	}
	for _, s := range sup {
		if !known[s.RuleID] {
			return nil, fmt.Errorf("invalid value for %s: no loaded rule has id %q", d.set.where("suppress"), s.RuleID)
		}
	}
	cache, err := dedupe.New(d.dedupeSize)
	if err != nil {
		return nil, err
	}
	det := newDetector(rs, cache, detect.NewLimiter(d.maxAlerts, d.alertWindow), detect.NewSuppressor(sup), log)
	det.capByEventTime = d.capByEventTime
	return det, nil
}
