package eventgen_test

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/oktadetect/oktadetect/internal/sharedtest"

	"github.com/oktadetect/oktadetect/bench/eventgen"
)

// generate returns the first n events of cfg's stream.
func generate(t testing.TB, cfg eventgen.Config, n int) []eventgen.Event {
	t.Helper()
	g := eventgen.New(cfg)
	out := make([]eventgen.Event, n)
	for i := range out {
		out[i] = g.Next()
	}
	return out
}

// decodeObject decodes a record with encoding/json (independent of the
// generator's encoders) and fails unless it is a JSON object. Numbers
// stay json.Number so that comparisons are exact.
func decodeObject(t testing.TB, b []byte) map[string]any {
	t.Helper()
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	var m map[string]any
	if err := d.Decode(&m); err != nil {
		t.Fatalf("record is not a JSON object: %v\n%.300s", err, b)
	}
	if m == nil {
		t.Fatalf("record is JSON null, want an object")
	}
	return m
}

// lookup returns the value at a dotted path in a nested document.
func lookup(doc map[string]any, path ...string) (any, bool) {
	var cur any = doc
	for _, k := range path {
		m, ok := cur.(map[string]any)
		if !ok {
			return nil, false
		}
		if cur, ok = m[k]; !ok {
			return nil, false
		}
	}
	return cur, true
}

// expand turns any dotted keys of doc into nested objects, so that the
// three ECS layouts can be compared; it fails on conflicting keys.
func expand(t testing.TB, doc map[string]any) map[string]any {
	t.Helper()
	out := map[string]any{}
	for k, v := range doc {
		if sub, ok := v.(map[string]any); ok {
			v = expand(t, sub)
		}
		parts := splitDots(k)
		cur := out
		for _, p := range parts[:len(parts)-1] {
			next, ok := cur[p].(map[string]any)
			if !ok {
				if _, taken := cur[p]; taken {
					t.Fatalf("key %q conflicts with a value at %q", k, p)
				}
				next = map[string]any{}
				cur[p] = next
			}
			cur = next
		}
		last := parts[len(parts)-1]
		if existing, ok := cur[last]; ok {
			a, aok := existing.(map[string]any)
			b, bok := v.(map[string]any)
			if !aok || !bok {
				t.Fatalf("key %q set twice", k)
			}
			for k2, v2 := range b {
				a[k2] = v2
			}
			continue
		}
		cur[last] = v
	}
	return out
}

func splitDots(k string) []string {
	var parts []string
	start := 0
	for i := 0; i < len(k); i++ {
		if k[i] == '.' {
			parts = append(parts, k[start:i])
			start = i + 1
		}
	}
	return append(parts, k[start:])
}

// sharedTestdata returns <repo root>/../shared/testdata/sub, skipping the
// test when it is absent (it lives outside the repository).
func sharedTestdata(t *testing.T, sub string) string {
	t.Helper()
	return sharedtest.Path(t, sub)
}
