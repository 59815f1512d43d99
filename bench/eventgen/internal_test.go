package eventgen

import (
	"encoding/json"
	"math/rand/v2"
	"reflect"
	"testing"
	"time"
)

// toMap must be exactly what decoding appendJSON's output gives, for
// every event type and with every extra applied, since the ECS layouts
// are built from one and event.original holds the other.
func TestToMapMatchesEncoding(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	w := newWorld(r)
	var ev logEvent
	b := builder{r: r, w: w, ev: &ev}
	for round := range 20 {
		for i := range specs {
			b.build(&specs[i], DefaultStart.Add(time.Duration(round)*time.Minute), newUUID(r))
			if round%2 == 1 {
				for _, x := range b.extras {
					b.apply(x)
				}
			}
			if round%5 == 4 {
				b.trimGeo()
			}
			raw := ev.appendJSON(nil)
			var decoded map[string]any
			if err := json.Unmarshal(raw, &decoded); err != nil {
				t.Fatalf("%s: invalid JSON: %v\n%s", specs[i].typ, err, raw)
			}
			if m := ev.toMap(); !reflect.DeepEqual(m, decoded) {
				got, _ := json.Marshal(m)
				t.Fatalf("%s: toMap differs from the encoding:\ntoMap:   %s\nencoded: %s", specs[i].typ, got, raw)
			}
		}
	}
}

// Extras must report the bytes they add, or the size planner misses its
// targets; a few bytes of slack cover separators.
func TestExtrasReportTheirSize(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	w := newWorld(r)
	var ev logEvent
	b := builder{r: r, w: w, ev: &ev}
	for i := range specs {
		b.build(&specs[i], DefaultStart, newUUID(r))
		for _, x := range b.extras {
			before := len(ev.appendJSON(nil))
			d := b.apply(x)
			after := len(ev.appendJSON(nil))
			if diff := after - before - d; diff < -4 || diff > 4 {
				t.Errorf("%s: extra %d reported %d bytes, added %d", specs[i].typ, x, d, after-before)
			}
		}
		before := len(ev.appendJSON(nil))
		saved := b.trimGeo()
		if got := before - len(ev.appendJSON(nil)); got != saved {
			t.Errorf("%s: trimGeo reported %d bytes saved, saved %d", specs[i].typ, saved, got)
		}
	}
}

func TestAppendString(t *testing.T) {
	tests := []struct{ in, want string }{
		{"plain", "plain"},
		{`quote " and \ backslash`, `quote " and \ backslash`},
		{"tab\tnew\nline\r\x00\x1f", "tab\tnew\nline\r\x00\x1f"},
		{"Île-de-France, São Paulo, Jovanović", "Île-de-France, São Paulo, Jovanović"},
		{"bad \xff utf8", "bad \ufffd utf8"},
		{"<html> & co", "<html> & co"},
	}
	for _, tt := range tests {
		enc := appendString(nil, tt.in)
		var got string
		if err := json.Unmarshal(enc, &got); err != nil {
			t.Errorf("%q encodes to invalid JSON %s: %v", tt.in, enc, err)
			continue
		}
		if got != tt.want {
			t.Errorf("%q round-trips to %q, want %q", tt.in, got, tt.want)
		}
		if tt.in == tt.want && stringLen(tt.in) != len(enc) {
			t.Errorf("stringLen(%q) = %d, encoding has %d bytes", tt.in, stringLen(tt.in), len(enc))
		}
	}
}

func TestPicker(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	p := newPicker([]float64{0, 3, 0, 1, -2})
	counts := make([]int, 5)
	for range 40_000 {
		counts[p.pick(r)]++
	}
	if counts[0]+counts[2]+counts[4] != 0 {
		t.Errorf("zero or negative weights picked: %v", counts)
	}
	if ratio := float64(counts[1]) / float64(counts[3]); ratio < 2.7 || ratio > 3.3 {
		t.Errorf("weights 3:1 picked %d:%d", counts[1], counts[3])
	}
	if got := newPicker(nil).pick(r); got != 0 {
		t.Errorf("empty picker returned %d", got)
	}
	if got := newPicker([]float64{0, 0}).pick(r); got != 0 {
		t.Errorf("all-zero picker returned %d", got)
	}
}
