package detect

import (
	"time"

	"github.com/bytedance/sonic/ast"
)

var (
	pathTimestamp = []any{"@timestamp"}
	pathPublished = []any{"published"}
)

// EventTime reads a record's own event time without decoding it: the
// top-level @timestamp (ECS documents and Agent envelopes), or published
// (raw Okta events). sonic's searcher skips to the key at SIMD speed, so
// this is cheap enough to sample once per batch for the event-lag metric.
func EventTime(rec []byte) (time.Time, bool) {
	doc := bytesToString(rec)
	for _, p := range [...][]any{pathTimestamp, pathPublished} {
		s := ast.NewSearcher(doc)
		s.ValidateJSON = false
		n, err := s.GetByPath(p...)
		if err != nil {
			continue
		}
		v, err := n.StrictString()
		if err != nil {
			continue
		}
		if t, ok := parseDate(v); ok {
			return t, true
		}
	}
	return time.Time{}, false
}
