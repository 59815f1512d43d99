package e2e

import (
	"testing"
	"time"
)

// Eventually checks cond every 100ms until it holds, and fails the test if
// it does not within patience (90s). what describes the condition for the
// failure message. It is for conditions nothing notifies about (a broker's
// state, a log of several processes); waits on one detector should use
// its methods, which also stop when the process exits.
func Eventually(t testing.TB, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(patience)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("waited %s for %s", patience, what)
		}
		time.Sleep(100 * time.Millisecond)
	}
}
