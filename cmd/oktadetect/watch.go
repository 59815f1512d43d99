package main

import (
	"fmt"
	"io/fs"
	"path/filepath"
	"strings"
)

// rulesSignature summarises the rule files under paths (names, sizes and
// modification times), so that polling can tell when they changed.
func rulesSignature(paths []string) string {
	var b strings.Builder
	for _, p := range paths {
		filepath.WalkDir(p, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				fmt.Fprintf(&b, "%s:err;", path)
				return nil
			}
			if d.IsDir() || !strings.HasSuffix(path, ".toml") {
				return nil
			}
			if info, err := d.Info(); err == nil {
				fmt.Fprintf(&b, "%s:%d:%d;", path, info.Size(), info.ModTime().UnixNano())
			}
			return nil
		})
	}
	return b.String()
}
