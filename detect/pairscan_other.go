//go:build !amd64

package detect

func indexPairsImpl(s []byte, ps *pairSet) int { return indexPairsGeneric(s, ps) }

func indexControlImpl(s []byte) int { return indexControlGeneric(s) }
