package rules

import (
	"embed"
	"io/fs"
	"path"
)

// builtinFS holds the rules compiled into the binary, so that the service
// detects something useful before anyone has written a rule file.
//
//go:embed builtin/*.toml
var builtinFS embed.FS

// Builtin returns the rules embedded in the binary (see the builtin
// directory), with Source "builtin:<file name>". It parses them on every
// call, so each caller owns the returned Set.
//
// Builtin does not fail: the package's tests prove the embedded files
// valid. Should one be broken all the same, it is listed in Skipped with
// the error as the reason, rather than stopping the service.
func Builtin() *Set {
	c := newCollector()
	names, _ := fs.Glob(builtinFS, "builtin/*.toml") // sorted; the pattern is valid
	for _, name := range names {
		source := "builtin:" + path.Base(name)
		data, err := builtinFS.ReadFile(name)
		if err != nil {
			c.errs = append(c.errs, err)
		} else {
			c.add(parse(source, data))
		}
		for _, err := range c.errs {
			c.set.Skipped = append(c.set.Skipped, Skipped{Source: source, Reason: "invalid built-in rule: " + err.Error()})
		}
		c.errs = nil
	}
	return c.set
}
