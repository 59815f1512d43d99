// Package sharedtest locates the upstream reference material that tests
// may read from <repository>/../shared/testdata: Elastic's detection rules,
// and the Okta integration's and Filebeat's sample events with their
// expected ECS output. That material is not part of the repository and is
// never copied into it; tests that use it skip, with a message, where it is
// absent.
package sharedtest

import (
	"os"
	"path/filepath"
	"testing"
)

// Lookup returns the path of sub under the shared test data and whether it
// exists.
func Lookup(sub string) (string, bool) {
	dir, err := os.Getwd()
	if err != nil {
		return "", false
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			break
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", false
		}
		dir = parent
	}
	p := filepath.Join(dir, "..", "shared", "testdata", sub)
	if _, err := os.Stat(p); err != nil {
		return p, false
	}
	return p, true
}

// Path returns the path of sub under the shared test data, or skips tb
// when it is absent.
func Path(tb testing.TB, sub string) string {
	tb.Helper()
	p, ok := Lookup(sub)
	if !ok {
		tb.Skipf("upstream test data %s is absent (it lives beside the repository, in ../shared/testdata); skipping", filepath.Join("shared", "testdata", sub))
	}
	return p
}
