package rules

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// Load reads rule files. Each path is a .toml file or a directory, which is
// read recursively for *.toml files. Files and directories whose names
// start with "." are ignored: editors leave hidden files behind, and
// Kubernetes mounts a ConfigMap as symbolic links next to a hidden "..data"
// directory holding the same files. Symbolic links to files are followed;
// symbolic links to directories are not, so a link cycle cannot trap the
// walk. The order is deterministic: paths in the order given, each
// directory in lexical order. A file named twice (directly and through its
// directory, say) is read once.
//
// Load reports every problem it finds, not only the first: files that
// cannot be read, are not valid TOML or break the rule schema (see
// [Parse]), and rule_ids defined more than once, which name both places.
// The error joins one [*Error] per problem, and the Set is nil: a partial
// rule set must not run by accident. Valid rules the stream does not run
// are not errors; they are listed in Set.Skipped with the reason.
func Load(paths ...string) (*Set, error) {
	c := newCollector()
	for _, p := range paths {
		for _, f := range c.files(p) {
			data, err := os.ReadFile(f)
			if err != nil {
				c.errs = append(c.errs, fileError(f, "cannot read rule file", err))
				continue
			}
			c.add(parse(f, data))
		}
	}
	if len(c.errs) > 0 {
		return nil, errors.Join(c.errs...)
	}
	return c.set, nil
}

// collector accumulates parsed files into a Set, catching rule_ids that
// are defined twice.
type collector struct {
	set  *Set
	errs []error
	ids  map[string]string // rule_id -> "file:line:col" where first defined
	seen map[string]bool   // files already listed, by absolute path
}

func newCollector() *collector {
	return &collector{set: &Set{}, ids: make(map[string]string), seen: make(map[string]bool)}
}

func (c *collector) add(p parsed) {
	if p.err != nil {
		c.errs = append(c.errs, p.err)
		return
	}
	source := ""
	if p.rule != nil {
		source = p.rule.Source
	} else {
		source = p.skipped.Source
	}
	// A skipped rule's id counts too: two files claiming one rule_id are
	// two versions of one rule, and which of them is meant is for a
	// person to decide, whichever of them runs.
	site := fmt.Sprintf("%s:%d:%d", source, p.idLine, p.idCol)
	if first, dup := c.ids[p.id]; dup {
		c.errs = append(c.errs, &Error{
			File: source, Line: p.idLine, Col: p.idCol,
			Msg: fmt.Sprintf("duplicate rule_id %q: already defined at %s", p.id, first),
		})
		return
	}
	c.ids[p.id] = site
	if p.rule != nil {
		c.set.Rules = append(c.set.Rules, p.rule)
	} else {
		c.set.Skipped = append(c.set.Skipped, *p.skipped)
	}
}

// files lists the rule files under path, recording problems in c.errs.
func (c *collector) files(path string) []string {
	info, err := os.Stat(path)
	if err != nil {
		c.errs = append(c.errs, fileError(path, "cannot read rules", err))
		return nil
	}
	if !info.IsDir() {
		if !isTOML(path) {
			c.errs = append(c.errs, &Error{File: path, Msg: "not a rule file: rule files are TOML and their names end in .toml"})
			return nil
		}
		return c.once(path)
	}

	var out []string
	err = filepath.WalkDir(path, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			// Report the unreadable entry and carry on with its siblings.
			c.errs = append(c.errs, fileError(p, "cannot read rules", err))
			if d != nil && d.IsDir() && p != path {
				return fs.SkipDir
			}
			return nil
		}
		if p != path && strings.HasPrefix(d.Name(), ".") {
			if d.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		if d.IsDir() || !isTOML(p) {
			return nil
		}
		if d.Type()&fs.ModeSymlink != 0 {
			target, err := os.Stat(p)
			if err != nil {
				c.errs = append(c.errs, fileError(p, "cannot read rule file", err))
				return nil
			}
			if !target.Mode().IsRegular() {
				return nil
			}
		} else if !d.Type().IsRegular() {
			return nil
		}
		out = append(out, c.once(p)...)
		return nil
	})
	if err != nil { // only returned by the callback, which never fails
		c.errs = append(c.errs, fileError(path, "cannot read rules", err))
	}
	return out
}

// once returns []string{path} the first time a file is seen, nil after.
func (c *collector) once(path string) []string {
	key := path
	if abs, err := filepath.Abs(path); err == nil {
		key = abs
	}
	if c.seen[key] {
		return nil
	}
	c.seen[key] = true
	return []string{path}
}

func isTOML(path string) bool { return filepath.Ext(path) == ".toml" }

// fileError reports a file-level problem. The *fs.PathError that the os
// package returns repeats the path, which Error already names, so only its
// cause goes into the message.
func fileError(path, what string, err error) *Error {
	cause := err
	var pe *fs.PathError
	if errors.As(err, &pe) {
		cause = pe.Err
	}
	return &Error{File: path, Msg: what + ": " + cause.Error(), Err: err}
}
