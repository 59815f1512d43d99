//go:build !((amd64 && !go1.28) || (arm64 && !go1.28))

package detect

// See sonic_native.go.
const sonicNative = false
