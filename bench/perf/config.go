package perf

import (
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/oktadetect/oktadetect/bench/eventgen"
)

// Defaults applied by Run to zero Config fields.
const (
	DefaultEvents          = 300_000
	DefaultPartitions      = 6
	DefaultRounds          = 3
	DefaultLatencyLoad     = 0.5
	DefaultLatencyDuration = 15 * time.Second
	DefaultScrapeInterval  = 100 * time.Millisecond
	DefaultStallTimeout    = time.Minute
)

// DefaultConsumers are the detector process counts of the scaling pass
// when Config.Consumers is empty.
var DefaultConsumers = []int{1, 2, 3}

// Bounds on the values Run accepts.
const (
	maxRecordBytes = 1_000_000 // Kafka's default max.message.bytes, less room for the batch header
	maxConsumers   = 64
)

// Config describes one benchmark run. Binary, and Brokers or Embedded, must
// be set; every other field has a working zero value, documented on the
// field.
type Config struct {
	// Binary is the oktadetect executable to measure. Run starts it as
	// "Binary run ..." for the detector passes and as "Binary bench
	// internal-consume-only ..." for the ceiling (see ConsumeOnlyMain), so
	// the code measured is exactly the code shipped.
	Binary string

	// Brokers are the seed brokers of the Kafka cluster to measure
	// against. With none and Embedded set, Run starts an in-process kfake
	// cluster: fine for checking the harness, meaningless as a figure.
	Brokers  []string
	Embedded bool

	// Events is the number of records preloaded and read by every
	// throughput pass. Zero means DefaultEvents.
	Events int

	// SizeMin and SizeMax bound record sizes in bytes (see ParseSizeMix).
	// Zero means eventgen's defaults, 1000 and 3000.
	SizeMin, SizeMax int

	// MatchRate is the fraction of fresh events a rule matches, and
	// DupRate the fraction of records that are redeliveries; both are
	// handed to eventgen. Zero means none.
	MatchRate, DupRate float64

	// Seed selects the generated streams; the same seed gives the same
	// records.
	Seed int64

	// Partitions is the partition count of the topics Run creates. Zero
	// means DefaultPartitions.
	Partitions int

	// Consumers lists the detector process counts of the scaling pass, in
	// one consumer group each. Empty means DefaultConsumers.
	Consumers []int

	// Rounds is how many times the ceiling and the detector are each
	// timed; the median run of each is reported. They alternate, each
	// going first in every other round, so that drift in the machine or
	// the broker favours neither. Zero means DefaultRounds.
	Rounds int

	// ExactlyOnce also measures the detector with --exactly-once
	// (throughput, Rounds times, and latency).
	ExactlyOnce bool

	// LatencyLoad is the offered load of the latency pass as a fraction of
	// the detector's measured throughput. Zero means DefaultLatencyLoad.
	// LatencyDuration is how long that load is offered, after a warm-up.
	// Zero means DefaultLatencyDuration.
	LatencyLoad     float64
	LatencyDuration time.Duration

	// Compression is the codec of the preloaded and offered records: none,
	// gzip, snappy, lz4 or zstd. Empty means none.
	Compression string

	// Rules are passed to every detector as --rules. Empty means the
	// built-in rules.
	Rules []string

	// ProfileDir, when set, adds a profiled detector pass that writes
	// cpu.pprof and allocs.pprof there. The measured passes are never
	// profiled, so profiling does not skew the figures.
	ProfileDir string

	// KeepTopics leaves the topics and groups Run created on the broker;
	// by default they are deleted at the end.
	KeepTopics bool

	// Version is the oktadetect version recorded in the report.
	Version string

	// Progress receives one line per step and a periodic progress line.
	// Nil means no output.
	Progress io.Writer

	// ScrapeInterval is how often child processes' /metrics are read.
	// Zero means DefaultScrapeInterval. StallTimeout bounds how long a pass
	// may go without progress (start-up included). Zero means
	// DefaultStallTimeout.
	ScrapeInterval time.Duration
	StallTimeout   time.Duration
}

// withDefaults returns c with defaults applied, or every reason it cannot
// run.
func (c Config) withDefaults() (Config, error) {
	if c.Events == 0 {
		c.Events = DefaultEvents
	}
	if c.SizeMin == 0 && c.SizeMax == 0 {
		c.SizeMin, c.SizeMax = eventgen.DefaultSizeMin, eventgen.DefaultSizeMax
	}
	if c.Partitions == 0 {
		c.Partitions = DefaultPartitions
	}
	if c.Rounds == 0 {
		c.Rounds = DefaultRounds
	}
	if len(c.Consumers) == 0 {
		c.Consumers = DefaultConsumers
	}
	c.Consumers = slices.Clone(c.Consumers)
	slices.Sort(c.Consumers)
	c.Consumers = slices.Compact(c.Consumers)
	if c.LatencyLoad == 0 {
		c.LatencyLoad = DefaultLatencyLoad
	}
	if c.LatencyDuration == 0 {
		c.LatencyDuration = DefaultLatencyDuration
	}
	if c.Compression == "" {
		c.Compression = "none"
	}
	if c.ScrapeInterval == 0 {
		c.ScrapeInterval = DefaultScrapeInterval
	}
	if c.StallTimeout == 0 {
		c.StallTimeout = DefaultStallTimeout
	}
	if c.Progress == nil {
		c.Progress = io.Discard
	}

	var errs []error
	bad := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }
	if c.Binary == "" {
		bad("Binary: no oktadetect executable to measure")
	}
	if len(c.Brokers) == 0 && !c.Embedded {
		bad("Brokers: no broker address (or set Embedded)")
	}
	if c.Events < 1 {
		bad("Events: %d is less than 1", c.Events)
	}
	if err := checkSizes(c.SizeMin, c.SizeMax); err != nil {
		bad("SizeMin, SizeMax: %v", err)
	}
	if !(c.MatchRate >= 0 && c.MatchRate <= 1) {
		bad("MatchRate: %v is not a fraction between 0 and 1", c.MatchRate)
	}
	if !(c.DupRate >= 0 && c.DupRate < 1) {
		bad("DupRate: %v is not a fraction between 0 and 1 (1 excluded)", c.DupRate)
	}
	if c.Rounds < 1 || c.Rounds > 100 {
		bad("Rounds: %d is not between 1 and 100", c.Rounds)
	}
	if c.Partitions < 1 || c.Partitions > 10_000 {
		bad("Partitions: %d is not between 1 and 10000", c.Partitions)
	}
	for _, n := range c.Consumers {
		if n < 1 || n > maxConsumers {
			bad("Consumers: %d is not between 1 and %d", n, maxConsumers)
		}
	}
	if !(c.LatencyLoad > 0 && c.LatencyLoad <= 1) {
		bad("LatencyLoad: %v is not a fraction above 0 and at most 1", c.LatencyLoad)
	}
	if c.LatencyDuration < time.Second {
		bad("LatencyDuration: %s is shorter than 1s", c.LatencyDuration)
	}
	if _, err := codec(c.Compression); err != nil {
		bad("Compression: %v", err)
	}
	if c.ScrapeInterval < 10*time.Millisecond {
		bad("ScrapeInterval: %s is shorter than 10ms", c.ScrapeInterval)
	}
	if c.StallTimeout < time.Second {
		bad("StallTimeout: %s is shorter than 1s", c.StallTimeout)
	}
	return c, errors.Join(errs...)
}

// ParseSizeMix parses a record size range, "MIN-MAX" in bytes (for
// example "1000-3000"), or a single size "N" meaning N-N. Underscores may
// group digits.
func ParseSizeMix(s string) (min, max int, err error) {
	lo, hi, ranged := strings.Cut(s, "-")
	if !ranged {
		hi = lo
	}
	min, err = parseBytes(lo)
	if err == nil {
		max, err = parseBytes(hi)
	}
	if err == nil {
		err = checkSizes(min, max)
	}
	if err != nil {
		return 0, 0, fmt.Errorf("size mix %q: %w (want MIN-MAX in bytes, e.g. 1000-3000)", s, err)
	}
	return min, max, nil
}

func parseBytes(s string) (int, error) {
	s = strings.ReplaceAll(strings.TrimSpace(s), "_", "")
	if s == "" {
		return 0, errors.New("missing number")
	}
	n, err := strconv.Atoi(s)
	if err != nil {
		return 0, fmt.Errorf("%q is not a whole number of bytes", s)
	}
	return n, nil
}

func checkSizes(min, max int) error {
	switch {
	case min < 1:
		return fmt.Errorf("minimum %d is less than 1 byte", min)
	case max < min:
		return fmt.Errorf("maximum %d is less than minimum %d", max, min)
	case max > maxRecordBytes:
		return fmt.Errorf("maximum %d is above Kafka's default record limit of %d bytes", max, maxRecordBytes)
	}
	return nil
}

// ParseConsumers parses detector process counts, each element holding one
// or more comma-separated whole numbers ("1,2,3" or "1", "2", "3"). The
// result is sorted, without repeats.
func ParseConsumers(list ...string) ([]int, error) {
	var out []int
	for _, elem := range list {
		for _, f := range strings.Split(elem, ",") {
			f = strings.TrimSpace(f)
			if f == "" {
				continue
			}
			n, err := strconv.Atoi(f)
			if err != nil || n < 1 || n > maxConsumers {
				return nil, fmt.Errorf("consumer count %q is not a whole number between 1 and %d", f, maxConsumers)
			}
			out = append(out, n)
		}
	}
	if len(out) == 0 {
		return nil, errors.New("no consumer count (want e.g. 1,2,3)")
	}
	slices.Sort(out)
	return slices.Compact(out), nil
}
