package rules

import (
	"cmp"
	"errors"
	"fmt"
	"slices"
)

// decoder reads typed values out of a TOML document decoded into maps,
// collecting one *Error per problem, positioned with the document's
// positions. Getters report whether a key is present at all, so that a
// wrongly typed key is reported once, as a type error, and not again as a
// missing one.
type decoder struct {
	file string
	pos  *positions
	errs []*Error
}

// table is a TOML table with its path in the document.
type table struct {
	m    map[string]any
	path []string
}

func (t table) at(key string) []string {
	return append(append(make([]string, 0, len(t.path)+1), t.path...), key)
}

// err joins the problems found, in the order they appear in the file, or
// returns nil when there are none.
func (d *decoder) err() error {
	switch len(d.errs) {
	case 0:
		return nil
	case 1:
		return d.errs[0]
	}
	slices.SortStableFunc(d.errs, func(a, b *Error) int {
		return cmp.Or(cmp.Compare(a.Line, b.Line), cmp.Compare(a.Col, b.Col))
	})
	errs := make([]error, len(d.errs))
	for i, e := range d.errs {
		errs[i] = e
	}
	return errors.Join(errs...)
}

func (d *decoder) errorAt(line, col int, format string, args ...any) {
	d.errs = append(d.errs, &Error{File: d.file, Line: line, Col: col, Msg: fmt.Sprintf(format, args...)})
}

// invalid reports a problem with the value at path.
func (d *decoder) invalid(path []string, format string, args ...any) {
	line, col := d.pos.valueAt(path)
	d.errorAt(line, col, "%s: %s", displayPath(path), fmt.Sprintf(format, args...))
}

// missing reports a required key absent from t.
func (d *decoder) missing(t table, key string) {
	line, col := d.pos.tableAt(t.path)
	where := "document"
	if len(t.path) > 0 {
		where = "[" + displayPath(t.path) + "]"
	}
	d.errorAt(line, col, "%s: missing required key %q", where, key)
}

// typeName names the TOML type of a decoded value for error messages.
func typeName(v any) string {
	switch v.(type) {
	case string:
		return "a string"
	case int64:
		return "an integer"
	case float64:
		return "a float"
	case bool:
		return "a boolean"
	case []any:
		return "an array"
	case map[string]any:
		return "a table"
	default: // toml.LocalDate, toml.LocalTime, toml.LocalDateTime, time.Time
		return "a date/time"
	}
}

func (d *decoder) wrongType(path []string, want string, v any) {
	d.invalid(path, "expected %s, found %s", want, typeName(v))
}

// str returns the string at key; ok is false when the key is absent or,
// after reporting it, holds another type.
func (d *decoder) str(t table, key string) (s string, ok bool) {
	v, present := t.m[key]
	if !present {
		return "", false
	}
	if s, ok = v.(string); !ok {
		d.wrongType(t.at(key), "a string", v)
	}
	return s, ok
}

// requiredStr is str for keys that must be present and non-empty.
func (d *decoder) requiredStr(t table, key string) string {
	if _, present := t.m[key]; !present {
		d.missing(t, key)
		return ""
	}
	s, ok := d.str(t, key)
	if ok && s == "" {
		d.invalid(t.at(key), "must not be empty")
	}
	return s
}

// integer returns the integer at key; ok is false when the key is absent
// or, after reporting it, holds another type.
func (d *decoder) integer(t table, key string) (n int64, ok bool) {
	v, present := t.m[key]
	if !present {
		return 0, false
	}
	if n, ok = v.(int64); !ok {
		d.wrongType(t.at(key), "an integer", v)
	}
	return n, ok
}

// strs reads an array of strings.
func (d *decoder) strs(t table, key string) []string {
	v, found := t.m[key]
	if !found {
		return nil
	}
	arr, ok := v.([]any)
	if !ok {
		d.wrongType(t.at(key), "an array of strings", v)
		return nil
	}
	out := make([]string, 0, len(arr))
	for i, e := range arr {
		s, ok := e.(string)
		if !ok {
			d.wrongType(append(t.at(key), indexSegment(i)), "a string", e)
			continue
		}
		out = append(out, s)
	}
	return out
}

// strOrStrs reads a key that Elastic allows to be either one string or an
// array of strings, such as [metadata] integration.
func (d *decoder) strOrStrs(t table, key string) []string {
	switch v := t.m[key].(type) {
	case nil:
		return nil
	case string:
		return []string{v}
	case []any:
		return d.strs(t, key)
	default:
		d.wrongType(t.at(key), "a string or an array of strings", v)
		return nil
	}
}

// table returns the table at key; ok is false when the key is absent or,
// after reporting it, holds another type.
func (d *decoder) table(t table, key string) (sub table, ok bool) {
	v, present := t.m[key]
	if !present {
		return table{}, false
	}
	m, ok := v.(map[string]any)
	if !ok {
		d.wrongType(t.at(key), "a table", v)
		return table{}, false
	}
	return table{m: m, path: t.at(key)}, true
}

// tables reads an array of tables, written either as [[key]] sections or
// as an inline array of inline tables.
func (d *decoder) tables(t table, key string) []table {
	v, found := t.m[key]
	if !found {
		return nil
	}
	arr, ok := v.([]any)
	if !ok {
		d.wrongType(t.at(key), "an array of tables", v)
		return nil
	}
	out := make([]table, 0, len(arr))
	for i, e := range arr {
		path := append(t.at(key), indexSegment(i))
		m, ok := e.(map[string]any)
		if !ok {
			d.wrongType(path, "a table", e)
			continue
		}
		out = append(out, table{m: m, path: path})
	}
	return out
}
