//go:build race

package perf

// raceEnabled builds the binary under test with the race detector too, so
// that "go test -race" also checks the harness and the detector it runs.
const raceEnabled = true
