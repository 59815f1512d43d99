package detect

import "golang.org/x/sys/cpu"

// indexPairsSSE2 scans 16 positions per step with SSE2, which every amd64
// processor has. It covers positions 0 to 16*((len(s)-1)/16)-1 and returns
// the first match among them, or -1; the caller finishes the tail.
//
//go:noescape
func indexPairsSSE2(s []byte, ps *pairSet) int

// indexPairsAVX2 does the same 32 positions per step, covering positions
// 0 to 32*((len(s)-1)/32)-1.
//
//go:noescape
func indexPairsAVX2(s []byte, ps *pairSet) int

var hasAVX2 = cpu.X86.HasAVX2

func indexPairsImpl(s []byte, ps *pairSet) int {
	done := 0
	if hasAVX2 && len(s) >= 33 {
		if i := indexPairsAVX2(s, ps); i >= 0 {
			return i
		}
		done = (len(s) - 1) / 32 * 32
	}
	if rest := s[done:]; len(rest) >= 17 {
		if i := indexPairsSSE2(rest, ps); i >= 0 {
			return done + i
		}
		done += (len(rest) - 1) / 16 * 16
	}
	if i := indexPairsGeneric(s[done:], ps); i >= 0 {
		return done + i
	}
	return -1
}
