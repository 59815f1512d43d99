// Package bench holds the detector's benchmarks: the per-event hot path
// (BenchmarkHotPath), the cost of a whole rule set (BenchmarkRules) and of
// an alert (BenchmarkAlert), and, in subpackages, the realistic event
// generator (eventgen), the real-Kafka test suite (e2e) and the end-to-end
// benchmark behind "oktadetect bench" (perf).
//
// Speed lives here, never in timed tests. The tests in this package assert
// invariants only: the miss path allocates nothing, and the benchmarks'
// event pools are what they claim to be.
//
//	go test ./bench -run '^$' -bench . -benchmem
package bench
