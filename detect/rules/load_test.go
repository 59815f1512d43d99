package rules

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func sources(set *Set) (rules, skipped []string) {
	for _, r := range set.Rules {
		rules = append(rules, filepath.ToSlash(r.Source))
	}
	for _, s := range set.Skipped {
		skipped = append(skipped, filepath.ToSlash(s.Source))
	}
	return rules, skipped
}

func TestLoad(t *testing.T) {
	tests := []struct {
		name        string
		paths       []string
		wantRules   []string
		wantSkipped []string
	}{{
		name:  "directory: recursive, lexical, hidden and non-TOML files ignored",
		paths: []string{"testdata/load"},
		wantRules: []string{
			"testdata/load/a.toml",
			"testdata/load/sub/b.toml",
			"testdata/load/z.toml",
		},
		wantSkipped: []string{"testdata/load/sub/deeper/c.toml"},
	}, {
		name:        "paths in the order given",
		paths:       []string{"testdata/load/z.toml", "testdata/load/sub"},
		wantRules:   []string{"testdata/load/z.toml", "testdata/load/sub/b.toml"},
		wantSkipped: []string{"testdata/load/sub/deeper/c.toml"},
	}, {
		name:  "a file named twice is read once",
		paths: []string{"testdata/load/a.toml", "testdata/load", "./testdata/load/a.toml"},
		wantRules: []string{
			"testdata/load/a.toml",
			"testdata/load/sub/b.toml",
			"testdata/load/z.toml",
		},
		wantSkipped: []string{"testdata/load/sub/deeper/c.toml"},
	}, {
		name:  "directories and files mixed",
		paths: []string{"testdata/valid", "testdata/skip/eql.toml"},
		wantRules: []string{
			"testdata/valid/basic_string_query.toml",
			"testdata/valid/building_block.toml",
			"testdata/valid/full.toml",
			"testdata/valid/minimal.toml",
		},
		wantSkipped: []string{"testdata/skip/eql.toml"},
	}, {
		name:  "no paths",
		paths: nil,
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			set, err := Load(tt.paths...)
			if err != nil {
				t.Fatalf("Load: %v", err)
			}
			rules, skipped := sources(set)
			if !reflect.DeepEqual(rules, tt.wantRules) {
				t.Errorf("rules from %q, want %q", rules, tt.wantRules)
			}
			if !reflect.DeepEqual(skipped, tt.wantSkipped) {
				t.Errorf("skipped from %q, want %q", skipped, tt.wantSkipped)
			}
		})
	}
}

func TestLoadDuplicateRuleID(t *testing.T) {
	set, err := Load("testdata/duplicate")
	if set != nil {
		t.Errorf("Load returned a set despite the error")
	}
	errs := flatten(t, err)
	if len(errs) != 1 {
		t.Fatalf("want 1 error, got %v", err)
	}
	want := `testdata/duplicate/b_second.toml:5:11: duplicate rule_id "same-id": already defined at testdata/duplicate/a_first.toml:2:11`
	if got := errs[0].Error(); filepath.ToSlash(got) != want {
		t.Errorf("error:\n got %s\nwant %s", got, want)
	}
}

func TestLoadReportsEveryBadFile(t *testing.T) {
	entries, err := os.ReadDir("testdata/invalid")
	if err != nil {
		t.Fatal(err)
	}
	set, err := Load("testdata/valid", "testdata/invalid")
	if set != nil {
		t.Errorf("Load returned a set despite errors")
	}
	bad := map[string]bool{}
	for _, e := range flatten(t, err) {
		if !strings.HasPrefix(filepath.ToSlash(e.File), "testdata/invalid/") {
			t.Errorf("unexpected error for a valid file: %v", e)
		}
		bad[e.File] = true
	}
	if len(bad) != len(entries) {
		t.Errorf("errors name %d files, want all %d files under testdata/invalid", len(bad), len(entries))
	}
}

func TestLoadFileErrors(t *testing.T) {
	tests := []struct {
		path    string
		wantMsg string
		wantIs  error
	}{
		{"testdata/does-not-exist", "cannot read rules: no such file or directory", fs.ErrNotExist},
		{"testdata/load/notes.txt", "not a rule file: rule files are TOML and their names end in .toml", nil},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			_, err := Load(tt.path)
			errs := flatten(t, err)
			if len(errs) != 1 {
				t.Fatalf("want 1 error, got %v", err)
			}
			e := errs[0]
			if e.File != tt.path || e.Line != 0 || e.Msg != tt.wantMsg {
				t.Errorf("got %+v, want file %q, no line, message %q", *e, tt.path, tt.wantMsg)
			}
			if tt.wantIs != nil && !errors.Is(err, tt.wantIs) {
				t.Errorf("errors.Is(%v, %v) = false", err, tt.wantIs)
			}
		})
	}
}

func TestLoadHiddenDirectoryNamedExplicitly(t *testing.T) {
	// The walk skips hidden directories it finds, not one it is given.
	_, err := Load("testdata/load/.hidden")
	errs := flatten(t, err)
	if len(errs) != 1 || filepath.ToSlash(errs[0].File) != "testdata/load/.hidden/d.toml" {
		t.Errorf("want the invalid file in the hidden directory reported, got %v", err)
	}
}

// Kubernetes mounts a ConfigMap as a hidden timestamped directory, a hidden
// "..data" link to it, and one visible link per file into "..data". Each
// rule must load exactly once, through its visible link.
func TestLoadConfigMapLayout(t *testing.T) {
	dir := t.TempDir()
	data, err := os.ReadFile("testdata/valid/minimal.toml")
	if err != nil {
		t.Fatal(err)
	}
	stamped := filepath.Join(dir, "..2026_11_26_10_00_00.123456789")
	if err := os.Mkdir(stamped, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(stamped, "minimal.toml"), data, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(filepath.Base(stamped), filepath.Join(dir, "..data")); err != nil {
		t.Skipf("cannot create symbolic links here: %v", err)
	}
	if err := os.Symlink(filepath.Join("..data", "minimal.toml"), filepath.Join(dir, "minimal.toml")); err != nil {
		t.Fatal(err)
	}

	set, err := Load(dir)
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	if len(set.Rules) != 1 || set.Rules[0].Source != filepath.Join(dir, "minimal.toml") {
		rules, _ := sources(set)
		t.Errorf("rules from %q, want one, from the visible link", rules)
	}
}

func TestLoadBrokenLink(t *testing.T) {
	dir := t.TempDir()
	link := filepath.Join(dir, "gone.toml")
	if err := os.Symlink(filepath.Join(dir, "missing.toml"), link); err != nil {
		t.Skipf("cannot create symbolic links here: %v", err)
	}
	_, err := Load(dir)
	errs := flatten(t, err)
	if len(errs) != 1 || errs[0].File != link || !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("want one not-exist error for %s, got %v", link, err)
	}
}
