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

// indexControlSSE2 returns the first index of a byte below 0x20 among
// positions 0 to 16*(len(s)/16)-1, or -1.
//
//go:noescape
func indexControlSSE2(s []byte) int

// indexControlAVX2 does the same for positions 0 to 32*(len(s)/32)-1.
//
//go:noescape
func indexControlAVX2(s []byte) int

func indexControlImpl(s []byte) int {
	done := 0
	if hasAVX2 && len(s) >= 32 {
		if i := indexControlAVX2(s); i >= 0 {
			return i
		}
		done = len(s) / 32 * 32
	}
	if rest := s[done:]; len(rest) >= 16 {
		if i := indexControlSSE2(rest); i >= 0 {
			return done + i
		}
		done += len(rest) / 16 * 16
	}
	if i := indexControlGeneric(s[done:]); i >= 0 {
		return done + i
	}
	return -1
}
