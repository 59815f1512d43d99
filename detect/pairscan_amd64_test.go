package detect

import "testing"

// TestIndexPairsSSE2Path covers the SSE2 kernel also on machines that
// take the AVX2 one.
func TestIndexPairsSSE2Path(t *testing.T) {
	if !hasAVX2 {
		t.Skip("AVX2 absent: the SSE2 path is what TestIndexPairsMatchesGeneric ran")
	}
	hasAVX2 = false
	defer func() { hasAVX2 = true }()
	TestIndexPairsMatchesGeneric(t)
	TestIndexControlMatchesGeneric(t)
}
