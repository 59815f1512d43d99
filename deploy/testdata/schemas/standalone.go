//go:build ignore

// standalone turns the "local-strict" Kubernetes JSON schemas shipped in the
// kubernetes-validate Python package (one file per kind, with $refs into a
// shared _definitions.json) into self-contained "standalone-strict" schemas:
// the layout kubeconform reads from a local folder. See SOURCE.md.
//
//	go run standalone.go <dir>/v1.33.0-local-strict <outdir> configmap-v1.json ...
//
// Every $ref is inlined, and "description" strings are dropped: they are
// documentation, carry no validation rule, and would triple the file sizes.
package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

func main() {
	if len(os.Args) < 4 {
		fmt.Fprintln(os.Stderr, "usage: go run standalone.go <local-strict dir> <out dir> <schema file>...")
		os.Exit(2)
	}
	if err := run(os.Args[1], os.Args[2], os.Args[3:]); err != nil {
		fmt.Fprintln(os.Stderr, "standalone:", err)
		os.Exit(1)
	}
}

func run(in, out string, files []string) error {
	var defs struct {
		Defs map[string]any `json:"$defs"`
	}
	if err := readJSON(filepath.Join(in, "_definitions.json"), &defs); err != nil {
		return err
	}
	for _, name := range files {
		var schema any
		if err := readJSON(filepath.Join(in, name), &schema); err != nil {
			return err
		}
		inlined, err := inline(schema, defs.Defs, nil)
		if err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		b, err := json.MarshalIndent(inlined, "", "  ")
		if err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(out, name), append(b, '\n'), 0o644); err != nil {
			return err
		}
	}
	return nil
}

func readJSON(path string, v any) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	if err := json.Unmarshal(b, v); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return nil
}

// inline returns a copy of node with every {"$ref": ".../#/$defs/X"} replaced
// by definition X (itself inlined). stack guards against recursive
// definitions, which a standalone file cannot express.
func inline(node any, defs map[string]any, stack []string) (any, error) {
	switch n := node.(type) {
	case map[string]any:
		if ref, ok := n["$ref"].(string); ok {
			_, name, found := strings.Cut(ref, "#/$defs/")
			if !found {
				return nil, fmt.Errorf("unsupported $ref %q", ref)
			}
			for _, s := range stack {
				if s == name {
					return nil, fmt.Errorf("recursive definition %s", name)
				}
			}
			def, ok := defs[name]
			if !ok {
				return nil, fmt.Errorf("unknown definition %s", name)
			}
			return inline(def, defs, append(stack, name))
		}
		outMap := make(map[string]any, len(n))
		for k, v := range n {
			if _, isDoc := v.(string); isDoc && k == "description" {
				continue
			}
			c, err := inline(v, defs, stack)
			if err != nil {
				return nil, err
			}
			outMap[k] = c
		}
		return outMap, nil
	case []any:
		outList := make([]any, len(n))
		for i, v := range n {
			c, err := inline(v, defs, stack)
			if err != nil {
				return nil, err
			}
			outList[i] = c
		}
		return outList, nil
	default:
		return node, nil
	}
}
