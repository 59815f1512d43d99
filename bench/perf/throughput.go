package perf

import (
	"cmp"
	"context"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
)

// rounds times the ceiling and the detector Config.Rounds times each,
// alternating which goes first, and keeps the median run of each.
func (b *bench) rounds(ctx context.Context, in string, r *Report) error {
	n := b.cfg.Rounds
	for i := range n {
		order := []string{"ceiling", "detector"}
		if i%2 == 1 {
			slices.Reverse(order)
		}
		for _, kind := range order {
			name := fmt.Sprintf("%s-%d", kind, i+1)
			var (
				p   Pass
				err error
			)
			if kind == "ceiling" {
				p, err = b.ceilingPass(ctx, in, name)
				r.CeilingRuns = append(r.CeilingRuns, p)
			} else {
				p, err = b.detectorPass(ctx, in, name, 1, false)
				r.DetectorRuns = append(r.DetectorRuns, p)
			}
			if err != nil {
				return err
			}
			b.logf("round %d of %d, %s: %s events/s", i+1, n, kind, rate(p.EventsPerSec))
		}
	}
	r.Ceiling, r.Detector = medianPass(r.CeilingRuns), medianPass(r.DetectorRuns)
	return nil
}

// medianPass returns the run with the median rate; of an even number, the
// lower of the middle two.
func medianPass(runs []Pass) Pass {
	if len(runs) == 0 {
		return Pass{}
	}
	sorted := slices.Clone(runs)
	slices.SortStableFunc(sorted, func(a, b Pass) int { return cmp.Compare(a.EventsPerSec, b.EventsPerSec) })
	return sorted[(len(sorted)-1)/2]
}

// exactlyOnce times the detector with --exactly-once Config.Rounds times
// and keeps the median run.
func (b *bench) exactlyOnce(ctx context.Context, in string) (*ExactlyOnce, error) {
	e := &ExactlyOnce{}
	for i := range b.cfg.Rounds {
		p, err := b.detectorPass(ctx, in, fmt.Sprintf("exactly-once-%d", i+1), 1, true)
		if err != nil {
			return nil, err
		}
		b.logf("exactly-once, run %d of %d: %s events/s", i+1, b.cfg.Rounds, rate(p.EventsPerSec))
		e.Runs = append(e.Runs, p)
	}
	e.Detector = medianPass(e.Runs)
	return e, nil
}

// ceilingPass times the consume-only consumer over the preloaded topic.
func (b *bench) ceilingPass(ctx context.Context, in, name string) (Pass, error) {
	group := b.group(name)
	return b.runPass(ctx, passSpec{
		name:   name,
		group:  group,
		procs:  1,
		target: float64(b.cfg.Events),
		args: func(_ int, addr string) []string {
			return consumeOnlyArgs(b.cl.brokers, in, group, addr)
		},
	})
}

// detectorPass times procs "oktadetect run" processes in one fresh group
// over the preloaded topic, each writing to a fresh alerts topic.
func (b *bench) detectorPass(ctx context.Context, in, name string, procs int, eos bool) (Pass, error) {
	group, alerts := b.group(name), b.topic(name+"-alerts")
	return b.runPass(ctx, passSpec{
		name:   name,
		group:  group,
		procs:  procs,
		target: float64(b.cfg.Events),
		args: func(i int, addr string) []string {
			return b.runArgs(in, group, alerts, addr, eos, fmt.Sprintf("%s-%d", name, i), false)
		},
	})
}

// profilePass repeats the detector pass with /debug/pprof/ on, and saves a
// CPU profile of the busy part and the allocation profile at the end. It
// is a pass of its own so that the profiler's cost stays out of the
// measured figures.
func (b *bench) profilePass(ctx context.Context, in string, detectorRate float64) (*Profiles, error) {
	dir := b.cfg.ProfileDir
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("profiles: %w", err)
	}
	// Profile for most of the expected busy time, so that the profile
	// holds work rather than idling at the end.
	seconds := 1
	if detectorRate > 0 {
		seconds = int(min(max(0.8*float64(b.cfg.Events)/detectorRate, 1), 60))
	}
	prof := &Profiles{CPU: "cpu.pprof", CPUSeconds: seconds, Allocs: "allocs.pprof",
		Hint: "go tool pprof -top cpu.pprof; go tool pprof -sample_index=alloc_objects -top allocs.pprof"}
	dl := &http.Client{} // a CPU profile takes its whole duration: no client timeout
	var (
		wg     sync.WaitGroup
		cpuErr error
	)
	save := func(ctx context.Context, c *child, path, file string) error {
		f, err := os.Create(filepath.Join(dir, file))
		if err != nil {
			return fmt.Errorf("profiles: %w", err)
		}
		err = c.download(ctx, dl, path, f)
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		return err
	}
	group, alerts := b.group("profile"), b.topic("profile-alerts")
	p, err := b.runPass(ctx, passSpec{
		name:   "profiled detector",
		group:  group,
		procs:  1,
		target: float64(b.cfg.Events),
		args: func(_ int, addr string) []string {
			return b.runArgs(in, group, alerts, addr, false, "profile", true)
		},
		onCounting: func(ctx context.Context, c *child) {
			wg.Go(func() { cpuErr = save(ctx, c, "/debug/pprof/profile?seconds="+strconv.Itoa(seconds), prof.CPU) })
		},
		onDone: func(ctx context.Context, c *child) error {
			wg.Wait()
			if cpuErr != nil {
				return cpuErr
			}
			return save(ctx, c, "/debug/pprof/allocs", prof.Allocs)
		},
	})
	wg.Wait()
	if err != nil {
		return nil, err
	}
	prof.Pass = p
	b.logf("profiles: %s (%ds) and %s written to %s", prof.CPU, seconds, prof.Allocs, dir)
	return prof, nil
}

// runArgs is the command line of a detector: the production "run" with
// the harness's topics and group, quiet logs, a loopback HTTP address for
// /metrics, and no alert cap.
func (b *bench) runArgs(in, group, alerts, httpAddr string, eos bool, instance string, pprof bool) []string {
	args := []string{"run",
		"--brokers", strings.Join(b.cl.brokers, ","),
		"--topics", in,
		"--group", group,
		"--alerts-topic", alerts,
		"--http-addr", httpAddr,
		"--log-level", "warn",
		"--summary-interval", "0",
		"--shutdown-timeout", "10s",
		"--max-alerts", strconv.Itoa(maxAlerts),
		"--exactly-once=" + strconv.FormatBool(eos),
		"--pprof=" + strconv.FormatBool(pprof),
	}
	if eos {
		args = append(args, "--transactional-id", b.id+"-"+instance)
	}
	for _, r := range b.cfg.Rules {
		args = append(args, "--rules", r)
	}
	return args
}
