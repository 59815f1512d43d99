package perf

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"sync"
	"time"
)

// progressInterval is how often a running step reports.
const progressInterval = 2 * time.Second

// logf writes one progress line.
func (b *bench) logf(format string, args ...any) {
	fmt.Fprintf(b.cfg.Progress, "bench: "+format+"\n", args...)
}

// progressEvery logs line() every progressInterval until stop is called;
// stop may be called more than once.
func (b *bench) progressEvery(line func() string) (stop func()) {
	done := make(chan struct{})
	var (
		wg   sync.WaitGroup
		once sync.Once
	)
	wg.Go(func() {
		t := time.NewTicker(progressInterval)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
				b.logf("%s", line())
			}
		}
	})
	return func() {
		once.Do(func() { close(done) })
		wg.Wait()
	}
}

// count formats a whole number with thousands separators: 1,234,567.
func count[T int | int64](n T) string {
	s := strconv.FormatInt(int64(n), 10)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var out []byte
	for i, c := range []byte(s) {
		if i > 0 && (len(s)-i)%3 == 0 {
			out = append(out, ',')
		}
		out = append(out, c)
	}
	if neg {
		return "-" + string(out)
	}
	return string(out)
}

// rate formats events per second rounded to three significant digits
// (measurements are not more precise than that), with separators.
func rate(v float64) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return "n/a"
	}
	return count(int64(roundSig(v, 3)))
}

// roundSig rounds v to n significant digits.
func roundSig(v float64, n int) float64 {
	if v == 0 || math.IsNaN(v) || math.IsInf(v, 0) {
		return v
	}
	p := math.Pow(10, float64(n)-math.Ceil(math.Log10(math.Abs(v))))
	return math.Round(v*p) / p
}
