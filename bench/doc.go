// Package bench holds the detector's benchmarks: the per-event hot path
// (BenchmarkHotPath), the cost of a whole rule set (BenchmarkRules), and,
// in subpackages, the realistic event generator (eventgen) and the
// end-to-end harness behind "oktadetect bench" (e2e).
//
// Speed lives here, never in timed tests. The tests in this package assert
// invariants only: the miss path allocates nothing, and the benchmarks'
// event pools are what they claim to be.
//
//	go test ./bench -run '^$' -bench . -benchmem
package bench
