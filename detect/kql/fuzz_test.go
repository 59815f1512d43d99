package kql

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// FuzzParse checks that Parse never panics, that its errors are
// *SyntaxError with a position inside the query, and that a parsed tree
// prints to KQL that parses to the same tree and prints the same.
//
// The seed corpus is this package's own queries (testdata/queries and
// testdata/kibana.txt), the Elastic rules' queries when the shared test
// data is present, and the crashers kept in testdata/fuzz/FuzzParse.
func FuzzParse(f *testing.F) {
	for _, q := range seedQueries(f) {
		f.Add(q)
	}
	f.Fuzz(func(t *testing.T, query string) {
		n, err := Parse(query)
		if err != nil {
			if n != nil {
				t.Fatalf("Parse(%q) returned a tree and an error", query)
			}
			var se *SyntaxError
			if !errors.As(err, &se) {
				t.Fatalf("Parse(%q) error is %T, want *SyntaxError", query, err)
			}
			if want := positionOf(query, se.Pos.Offset); se.Pos != want {
				t.Fatalf("Parse(%q) error position %+v, want %+v", query, se.Pos, want)
			}
			return
		}
		if n == nil {
			t.Fatalf("Parse(%q) returned neither a tree nor an error", query)
		}
		s := n.String()
		n2, err := Parse(s)
		if err != nil {
			t.Fatalf("Parse(%q).String() = %q, which does not parse: %v", query, s, err)
		}
		if s2 := n2.String(); s2 != s {
			t.Fatalf("Parse(%q).String() = %q, which prints as %q when parsed again", query, s, s2)
		}
		if got, want := dump(n2), dump(n); got != want {
			t.Fatalf("Parse(%q).String() = %q, which parses to a different tree\n got: %s\nwant: %s", query, s, got, want)
		}
	})
}

// positionOf computes the position of offset off in query the slow way.
func positionOf(query string, off int) Pos {
	if off < 0 || off > len(query) {
		return Pos{Offset: -1}
	}
	line := 1 + strings.Count(query[:off], "\n")
	return Pos{Offset: off, Line: line, Col: off - (strings.LastIndexByte(query[:off], '\n') + 1) + 1}
}

// seedQueries returns the queries of testdata/queries, testdata/kibana.txt
// and, when present, the shared Elastic rules.
func seedQueries(t testing.TB) []string {
	t.Helper()
	var queries []string
	for _, q := range queryFiles(t) {
		queries = append(queries, q.text)
	}
	for _, c := range loadKibanaCases(t) {
		queries = append(queries, c.query)
	}
	if _, err := findSharedTestdata("elastic-rules"); err == nil {
		for _, r := range loadKueryRules(t) {
			queries = append(queries, r.Rule.Query)
		}
	}
	return queries
}

type queryFile struct {
	name, text string
}

// queryFiles returns the queries in testdata/queries/*.kql.
func queryFiles(t testing.TB) []queryFile {
	t.Helper()
	paths, err := filepath.Glob(filepath.Join("testdata", "queries", "*.kql"))
	if err != nil || len(paths) == 0 {
		t.Fatalf("no testdata/queries/*.kql: %v", err)
	}
	var files []queryFile
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, queryFile{filepath.Base(p), string(data)})
	}
	return files
}

// TestQueryFiles checks the hand-written queries in testdata/queries against
// their canonical form and tree in the .golden file beside each.
func TestQueryFiles(t *testing.T) {
	for _, q := range queryFiles(t) {
		t.Run(q.name, func(t *testing.T) {
			n, err := Parse(q.text)
			if err != nil {
				t.Fatal(err)
			}
			got := n.String() + "\n" + dump(n) + "\n"
			golden := filepath.Join("testdata", "queries", strings.TrimSuffix(q.name, ".kql")+".golden")
			if *updateGolden {
				if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatal(err)
			}
			if got != string(want) {
				t.Errorf("%s: got\n%s\nwant\n%s", q.name, got, want)
			}
			checkRoundTrip(t, q.text, n)
		})
	}
}
