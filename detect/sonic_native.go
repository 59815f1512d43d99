//go:build (amd64 && !go1.28) || (arm64 && !go1.28)

package detect

// sonicNative reports whether sonic's JIT decoder is available. Where it is
// not, sonic falls back to encoding/json, whose struct decoding matches keys
// case-insensitively; Elasticsearch field names are case-sensitive, so on
// such platforms every document takes the generic walker instead.
const sonicNative = true
