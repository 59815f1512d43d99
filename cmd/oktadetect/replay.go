package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"

	"github.com/oktadetect/oktadetect/detect"
)

type replayOptions struct {
	detect   detectOptions
	topic    string
	progress string
}

func replayUsage(s *optionSet) func(io.Writer) {
	return func(w io.Writer) {
		fmt.Fprintln(w, "Usage: oktadetect replay [options] [FILE...]")
		fmt.Fprintln(w)
		fmt.Fprintln(w, "Detect on newline-delimited JSON events (any input shape) read from the files, or")
		fmt.Fprintln(w, "from stdin when none is given or FILE is -. Alerts go to stdout, one JSON document")
		fmt.Fprintln(w, "per line; a summary goes to stderr. Malformed lines are reported with their line")
		fmt.Fprintln(w, "numbers and the rest is processed. Detection and dedupe are the same as run's.")
		fmt.Fprintln(w)
		fmt.Fprintln(w, "Examples:")
		fmt.Fprintln(w, "  oktadetect replay okta-2026-11-25.ndjson > alerts.ndjson")
		fmt.Fprintln(w, "  zcat export.ndjson.gz | oktadetect replay --rules ./rules --default-dataset okta.system")
		fmt.Fprintln(w)
		fmt.Fprintln(w, "Options:")
		s.printOptions(w)
	}
}

// replayStats are the figures of a replay.
type replayStats struct {
	events, matched, alerts, duplicates, malformed, capped int64
}

func replayCommand(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	o := &replayOptions{}
	s := newOptionSet("replay")
	s.positional = true
	o.detect.register(s)
	// A replay reads its input once, offline, and promises to report every
	// malformed line: validate each one, not only those a rule could match.
	o.detect.strictJSON = true
	s.byName["strict-json"].def = "true"
	// It reads history faster than it happened: cap and suppress by the
	// events' own time.
	o.detect.capByEventTime = true
	s.stringVar(&o.topic, "topic", "replay", "name recorded as the alerts' source index (kibana.alert.ancestors.index)")
	s.stringVar(&o.progress, "progress", "auto", "progress bar on stderr: auto (when stderr is a terminal), always or never")
	if err := s.parse(args, stderr, replayUsage(s)); err != nil {
		return err
	}
	switch o.progress {
	case "auto", "always", "never":
	default:
		return fmt.Errorf("invalid value %q for --progress: want auto, always or never", o.progress)
	}
	log := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	d, err := o.detect.build(log)
	if err != nil {
		return err
	}
	files := s.args
	if len(files) == 0 {
		files = []string{"-"}
	}
	showBar := o.progress == "always" || (o.progress == "auto" && isTerminal(stderr))

	out := bufio.NewWriterSize(stdout, 1<<20)
	var st replayStats
	start := time.Now()
	for _, name := range files {
		if err := ctx.Err(); err != nil {
			break
		}
		if err := replayFile(ctx, d, name, o.topic, out, stderr, showBar, &st); err != nil {
			out.Flush()
			return err
		}
	}
	if err := out.Flush(); err != nil {
		return fmt.Errorf("writing alerts: %w", err)
	}
	d.flushCaps()
	el := time.Since(start)
	fmt.Fprintf(stderr, "replay: %d events in %s (%.0f events/s): %d matched, %d alerts, %d duplicates dropped, %d capped, %d malformed lines\n",
		st.events, el.Round(time.Millisecond), float64(st.events)/el.Seconds(), st.matched, st.alerts, st.duplicates, st.capped, st.malformed)
	return nil
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// replayFile detects on one NDJSON input.
func replayFile(ctx context.Context, d *detector, name, topic string, out *bufio.Writer, stderr io.Writer, showBar bool, st *replayStats) error {
	var r io.Reader
	label := name
	var size int64 = -1
	if name == "-" {
		r, label = os.Stdin, "stdin"
	} else {
		f, err := os.Open(name)
		if err != nil {
			return fmt.Errorf("replay: %w", err)
		}
		defer f.Close()
		if fi, err := f.Stat(); err == nil {
			size = fi.Size()
		}
		r = f
	}
	if showBar {
		bar := progressbar.NewOptions64(size,
			progressbar.OptionSetWriter(stderr), progressbar.OptionSetDescription(label),
			progressbar.OptionShowBytes(true), progressbar.OptionThrottle(100*time.Millisecond),
			progressbar.OptionClearOnFinish())
		defer bar.Finish()
		r = io.TeeReader(r, bar)
	}

	return replayLines(ctx, d, bufio.NewReaderSize(r, 1<<20), label, topic, out, stderr, st)
}

// Replay matches lines on every CPU and decides on them in input order.
// Matching is where the time goes and is independent per line; dedupe,
// the cap and suppression depend on order (the first copy of an event
// alerts, later ones are duplicates), so they run on one goroutine, over
// the few lines that matched or failed.

// replayChunk is a run of input lines, with the bytes they need.
type replayChunk struct {
	seq     int
	buf     []byte
	lines   []replayLine
	results []lineResult // lines that matched a rule or could not be read
}

type replayLine struct {
	start, end int
	num        int64
}

type lineResult struct {
	i   int // index in lines
	res detect.Result
	err error
}

const (
	chunkLines = 2048
	chunkBytes = 4 << 20
)

func replayLines(ctx context.Context, d *detector, br *bufio.Reader, label, topic string, out *bufio.Writer, stderr io.Writer, st *replayStats) error {
	rs := d.ruleset.Load()
	workers := runtime.GOMAXPROCS(0)
	work := make(chan *replayChunk, workers)
	done := make(chan *replayChunk, workers)
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			m := rs.matcher()
			defer rs.release(m)
			for c := range work {
				matchChunk(m, c, topic)
				done <- c
			}
		}()
	}
	// Chunks are recycled: allocating fresh megabytes per chunk costs
	// more in page faults than matching the lines in them.
	free := make(chan *replayChunk, 2*workers+2)
	readErr := make(chan error, 1)
	go func() {
		readErr <- readChunks(ctx, br, label, work, free)
		close(work)
		wg.Wait()
		close(done)
	}()

	res := &batchResult{}
	pending := map[int]*replayChunk{}
	next := 0
	var werr error
	for c := range done {
		pending[c.seq] = c
		for c := pending[next]; c != nil; c = pending[next] {
			delete(pending, next)
			next++
			if werr == nil {
				werr = decideChunk(d, c, label, topic, res, out, stderr, st)
			}
			select {
			case free <- c:
			default:
			}
		}
	}
	if err := <-readErr; err != nil {
		return err
	}
	if werr != nil {
		return werr
	}
	return flushReplay(res, out, st)
}

// readChunks splits the input into chunks of lines.
func readChunks(ctx context.Context, br *bufio.Reader, label string, work chan<- *replayChunk, free <-chan *replayChunk) error {
	seq := 0
	newChunk := func() *replayChunk {
		select {
		case c := <-free:
			*c = replayChunk{seq: seq, buf: c.buf[:0], lines: c.lines[:0], results: c.results[:0]}
			return c
		default:
			return &replayChunk{seq: seq}
		}
	}
	c := newChunk()
	num := int64(0)
	for {
		start := len(c.buf)
		line, err := br.ReadSlice('\n')
		c.buf = append(c.buf, line...)
		for errors.Is(err, bufio.ErrBufferFull) {
			// A line longer than the reader's buffer (rare).
			line, err = br.ReadSlice('\n')
			c.buf = append(c.buf, line...)
		}
		if len(c.buf) > start {
			num++
			c.lines = append(c.lines, replayLine{start: start, end: len(c.buf), num: num})
		}
		if len(c.lines) >= chunkLines || len(c.buf) >= chunkBytes || (err != nil && len(c.lines) > 0) {
			if ctx.Err() != nil {
				return nil
			}
			work <- c
			seq++
			c = newChunk()
		}
		if err != nil {
			if errors.Is(err, io.EOF) {
				return nil
			}
			return fmt.Errorf("replay: reading %s: %w", label, err)
		}
	}
}

// matchChunk matches every line of c, keeping the results that need a
// decision. A Result points into the Matcher, so what is kept is copied.
func matchChunk(m *detect.Matcher, c *replayChunk, topic string) {
	for i, l := range c.lines {
		rec := trimNewline(c.buf[l.start:l.end])
		if len(trimBlank(rec)) == 0 {
			continue
		}
		res, err := m.Match(rec, topic)
		if err == nil && len(res.Rules) == 0 {
			continue
		}
		res.Rules = slices.Clone(res.Rules)
		res.EventID = strings.Clone(res.EventID)
		c.results = append(c.results, lineResult{i: i, res: res, err: err})
	}
}

// decideChunk runs the ordered stages on a matched chunk and writes what
// it produced.
func decideChunk(d *detector, c *replayChunk, label, topic string, res *batchResult, out *bufio.Writer, stderr io.Writer, st *replayStats) error {
	r := 0
	for i, l := range c.lines {
		rec := trimNewline(c.buf[l.start:l.end])
		if len(trimBlank(rec)) == 0 {
			continue
		}
		if r < len(c.results) && c.results[r].i == i {
			lr := c.results[r]
			r++
			before := len(res.dead)
			d.decide(rec, lr.res, lr.err, int(l.num), detect.Origin{Topic: topic, Offset: l.num - 1}, res)
			for _, dr := range res.dead[before:] {
				fmt.Fprintf(stderr, "%s:%d: skipped: %v\n", label, l.num, dr.err)
			}
			continue
		}
		res.events++
	}
	return flushReplay(res, out, st)
}

// flushReplay writes the alerts gathered so far and folds the counts into
// the totals. A replay writes to a file, so its alerts are delivered once
// written: nothing is undone.
func flushReplay(res *batchResult, out *bufio.Writer, st *replayStats) error {
	for _, a := range res.alerts {
		out.Write(a.JSON)
		if err := out.WriteByte('\n'); err != nil {
			return fmt.Errorf("writing alerts: %w", err)
		}
	}
	st.events += int64(res.events)
	st.matched += int64(res.matched)
	st.alerts += int64(len(res.alerts))
	st.malformed += int64(len(res.dead))
	for _, n := range res.duplicates {
		st.duplicates += int64(n)
	}
	for _, n := range res.capped {
		st.capped += int64(n)
	}
	*res = batchResult{alerts: res.alerts[:0], dead: res.dead[:0], undoKeys: res.undoKeys[:0], undoCaps: res.undoCaps[:0], undoSup: res.undoSup[:0], lags: res.lags[:0]}
	return nil
}

func trimNewline(b []byte) []byte {
	for len(b) > 0 && (b[len(b)-1] == '\n' || b[len(b)-1] == '\r') {
		b = b[:len(b)-1]
	}
	return b
}

func trimBlank(b []byte) []byte {
	for len(b) > 0 && (b[0] == ' ' || b[0] == '\t') {
		b = b[1:]
	}
	return b
}
