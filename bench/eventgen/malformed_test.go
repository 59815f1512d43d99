package eventgen_test

import (
	"bytes"
	"encoding/json"
	"testing"
	"unicode/utf8"

	"github.com/oktadetect/oktadetect/bench/eventgen"
)

func TestMalformed(t *testing.T) {
	tests := []struct {
		kind  string
		check func(t *testing.T, b []byte)
	}{
		{eventgen.MalformedInvalidJSON, func(t *testing.T, b []byte) {
			if json.Valid(b) {
				t.Fatal("valid JSON")
			}
			if !bytes.HasPrefix(b, []byte(`{"actor":`)) || len(b) < 200 {
				t.Fatalf("not a truncated event: %.100s", b)
			}
		}},
		{eventgen.MalformedBinary, func(t *testing.T, b []byte) {
			if utf8.Valid(b) || json.Valid(b) || len(b) == 0 {
				t.Fatal("want non-empty bytes that are neither UTF-8 nor JSON")
			}
		}},
		{eventgen.MalformedDeep, func(t *testing.T, b []byte) {
			if !json.Valid(b) {
				t.Fatal("not valid JSON")
			}
			depth, deepest := 0, 0
			for _, c := range b {
				switch c {
				case '{':
					depth++
					deepest = max(deepest, depth)
				case '}':
					depth--
				case '[':
					t.Fatal("deep record has arrays; it should nest objects only")
				}
			}
			if deepest != eventgen.MalformedDepth || depth != 0 {
				t.Fatalf("objects nest %d deep (balance %d), want %d", deepest, depth, eventgen.MalformedDepth)
			}
		}},
		{eventgen.MalformedHuge, func(t *testing.T, b []byte) {
			if len(b) < 990_000 || len(b) > 1_000_000 {
				t.Fatalf("%d bytes, want just under 1,000,000", len(b))
			}
			raw := decodeObject(t, b)
			if raw["eventType"] == nil || raw["uuid"] == nil {
				t.Fatal("huge record is not an Okta event")
			}
		}},
		{eventgen.MalformedNotObject, func(t *testing.T, b []byte) {
			var v any
			if err := json.Unmarshal(b, &v); err != nil {
				t.Fatal(err)
			}
			if _, ok := v.([]any); !ok {
				t.Fatalf("top level is %T, want an array", v)
			}
		}},
		{eventgen.MalformedEmpty, func(t *testing.T, b []byte) {
			if b == nil || len(b) != 0 {
				t.Fatalf("got %v, want a non-nil empty record", b)
			}
		}},
	}
	if len(tests) != len(eventgen.MalformedKinds()) {
		t.Fatalf("test covers %d kinds, MalformedKinds has %d", len(tests), len(eventgen.MalformedKinds()))
	}
	for _, tt := range tests {
		t.Run(tt.kind, func(t *testing.T) {
			b := eventgen.Malformed(tt.kind)
			tt.check(t, b)
			if !bytes.Equal(b, eventgen.Malformed(tt.kind)) {
				t.Error("two calls returned different records")
			}
		})
	}
	if b := eventgen.Malformed("no-such-kind"); b != nil {
		t.Errorf("unknown kind returned %d bytes, want nil", len(b))
	}
}
