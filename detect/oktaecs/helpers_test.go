package oktaecs

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/oktadetect/oktadetect/internal/sharedtest"
)

// findShared locates <repo root>/../shared/testdata/<sub>, the repository
// root being the first directory above the test with a go.mod.
func findShared(sub string) (string, error) {
	p, ok := sharedtest.Lookup(sub)
	if !ok {
		return "", fmt.Errorf("%s is absent", p)
	}
	return p, nil
}

// sharedTestdata is findShared that skips the test when the reference
// folder is absent.
func sharedTestdata(t *testing.T, sub string) string {
	t.Helper()
	p, err := findShared(sub)
	if err != nil {
		t.Skipf("reference data shared/testdata/%s not available next to the repository: %v", sub, err)
	}
	return p
}

// readNDJSON decodes one JSON object per non-empty line.
func readNDJSON(t *testing.T, file string, useNumber bool) []map[string]any {
	t.Helper()
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	var out []map[string]any
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(nil, 1<<24)
	for sc.Scan() {
		line := bytes.TrimSpace(sc.Bytes())
		if len(line) == 0 {
			continue
		}
		out = append(out, decodeObject(t, line, useNumber))
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

func decodeObject(t *testing.T, data []byte, useNumber bool) map[string]any {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(data))
	if useNumber {
		dec.UseNumber()
	}
	var m map[string]any
	if err := dec.Decode(&m); err != nil {
		t.Fatalf("decoding %.80s: %v", data, err)
	}
	return m
}

// normalise round-trips v through encoding/json, so that documents built
// from json.Number and from float64 compare equal.
func normalise(t *testing.T, v any) any {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	var out any
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatal(err)
	}
	return out
}

// leafValues flattens a document into dotted field names and the text of
// their scalar values (strings as is, numbers and booleans as JSON text),
// arrays flattened. Nulls are not values: the index ignores them.
func leafValues(doc map[string]any) map[string][]string {
	out := make(map[string][]string)
	var walk func(prefix string, v any)
	walk = func(prefix string, v any) {
		switch v := v.(type) {
		case map[string]any:
			for k, e := range v {
				name := k
				if prefix != "" {
					name = prefix + "." + k
				}
				walk(name, e)
			}
		case []any:
			for _, e := range v {
				walk(prefix, e)
			}
		default:
			if s, ok := scalarText(v); ok {
				out[prefix] = append(out[prefix], s)
			}
		}
	}
	walk("", doc)
	return out
}

// diffLeaves describes how two documents differ, field by field.
func diffLeaves(got, want map[string]any) string {
	g, w := leafValues(got), leafValues(want)
	var lines []string
	for _, f := range unionKeys(g, w) {
		gv, wv := sortedCopy(g[f]), sortedCopy(w[f])
		if !slices.Equal(gv, wv) {
			lines = append(lines, fmt.Sprintf("  %s: got %q, want %q", f, gv, wv))
		}
	}
	return strings.Join(lines, "\n")
}

func unionKeys(a, b map[string][]string) []string {
	var keys []string
	for k := range a {
		keys = append(keys, k)
	}
	for k := range b {
		if _, ok := a[k]; !ok {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	return keys
}

func sortedCopy(s []string) []string {
	c := slices.Clone(s)
	slices.Sort(c)
	return c
}

// deletePath removes a dotted path from doc and prunes objects it leaves
// empty.
func deletePath(doc map[string]any, path string) {
	head, tail, nested := strings.Cut(path, ".")
	if !nested {
		delete(doc, head)
		return
	}
	sub, ok := doc[head].(map[string]any)
	if !ok {
		return
	}
	deletePath(sub, tail)
	if len(sub) == 0 {
		delete(doc, head)
	}
}
