package rules

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// FuzzParse checks that no input makes Parse panic (Parse turns a panic
// into an "internal error", which counts as a failure here), that exactly
// one result comes back, and that every position it reports lies inside
// the input.
func FuzzParse(f *testing.F) {
	for _, pattern := range []string{"testdata/*/*.toml", "builtin/*.toml"} {
		files, _ := filepath.Glob(pattern)
		for _, file := range files {
			data, err := os.ReadFile(file)
			if err != nil {
				f.Fatal(err)
			}
			f.Add(data)
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		r, skipped, err := Parse("fuzz.toml", data)
		n := 0
		for _, present := range []bool{r != nil, skipped != nil, err != nil} {
			if present {
				n++
			}
		}
		if n != 1 {
			t.Fatalf("Parse returned rule %v, skipped %v, error %v: want exactly one", r != nil, skipped != nil, err)
		}
		lines := bytes.Count(data, []byte("\n")) + 1
		if err != nil {
			if strings.Contains(err.Error(), "internal error") {
				t.Fatalf("Parse panicked: %v", err)
			}
			for _, e := range flatten(t, err) {
				if e.File != "fuzz.toml" || e.Line < 1 || e.Line > lines || e.Col < 1 {
					t.Errorf("error position out of the input (%d lines): %v", lines, e)
				}
				if errors.Unwrap(e) == nil && e.Msg == "" {
					t.Errorf("error without a message: %#v", e)
				}
			}
			return
		}
		if r == nil {
			return
		}
		for i, text := range strings.Split(r.Query, "\n") {
			for _, col := range []int{1, len(text) + 1} {
				if l, c := r.QueryPosition(i+1, col); l < 1 || l > lines || c < 1 {
					t.Errorf("QueryPosition(%d, %d) = %d:%d, outside the input (%d lines)", i+1, col, l, c, lines)
				}
			}
		}
	})
}
