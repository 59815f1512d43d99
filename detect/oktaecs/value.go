package oktaecs

import (
	"encoding/json"
	"maps"
	"math"
	"slices"
	"strconv"
	"strings"
)

// Helpers over encoding/json-shaped values (map[string]any, []any, string,
// float64 or json.Number, bool, nil).

// scalarText renders a scalar as the extractor sees it and as the
// integration's templates and string conversions render it: strings as they
// are, numbers and booleans as their JSON text. ok is false for nil, objects
// and arrays.
func scalarText(v any) (string, bool) {
	switch v := v.(type) {
	case string:
		return v, true
	case bool:
		if v {
			return "true", true
		}
		return "false", true
	case json.Number:
		return string(v), true
	case float64:
		return formatFloat(v, 64)
	case float32:
		return formatFloat(float64(v), 32)
	case int:
		return strconv.Itoa(v), true
	case int64:
		return strconv.FormatInt(v, 10), true
	case int32:
		return strconv.FormatInt(int64(v), 10), true
	case uint64:
		return strconv.FormatUint(v, 10), true
	}
	return "", false
}

// formatFloat formats like encoding/json, so that a float64 decoded from
// an event renders as the literal the event carried in the usual cases.
func formatFloat(f float64, bits int) (string, bool) {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return "", false
	}
	abs := math.Abs(f)
	format := byte('f')
	if abs != 0 && (bits == 64 && (abs < 1e-6 || abs >= 1e21) || bits == 32 && (float32(abs) < 1e-6 || float32(abs) >= 1e21)) {
		format = 'e'
	}
	s := strconv.FormatFloat(f, format, -1, bits)
	if format == 'e' {
		// "1e-07" becomes "1e-7", as encoding/json writes it.
		if n := len(s); n >= 4 && s[n-4] == 'e' && s[n-3] == '-' && s[n-2] == '0' {
			s = s[:n-2] + s[n-1:]
		}
	}
	return s, true
}

// pruned returns a deep copy of v without nulls, empty strings, and the
// objects and arrays that end up empty: the integration's first script
// removes those from the whole event before any mapping. ok is false when
// nothing is left.
func pruned(v any) (any, bool) {
	switch v := v.(type) {
	case nil:
		return nil, false
	case string:
		return v, v != ""
	case json.Number:
		return v, v != ""
	case map[string]any:
		m := make(map[string]any, len(v))
		for k, e := range v {
			if pe, ok := pruned(e); ok {
				m[k] = pe
			}
		}
		return m, len(m) > 0
	case []any:
		l := make([]any, 0, len(v))
		for _, e := range v {
			if pe, ok := pruned(e); ok {
				l = append(l, pe)
			}
		}
		return l, len(l) > 0
	}
	return v, true
}

// deepCopy copies objects and arrays so that no part of the returned
// document is shared with another field or with the caller's event.
func deepCopy(v any) any {
	switch v := v.(type) {
	case map[string]any:
		m := make(map[string]any, len(v))
		for k, e := range v {
			m[k] = deepCopy(e)
		}
		return m
	case []any:
		l := make([]any, len(v))
		for i, e := range v {
			l[i] = deepCopy(e)
		}
		return l
	}
	return v
}

// get walks keys through nested objects.
func get(v any, keys ...string) (any, bool) {
	for _, k := range keys {
		m, ok := v.(map[string]any)
		if !ok {
			return nil, false
		}
		if v, ok = m[k]; !ok {
			return nil, false
		}
	}
	return v, true
}

// getText is get followed by scalarText.
func getText(v any, keys ...string) (string, bool) {
	x, ok := get(v, keys...)
	if !ok {
		return "", false
	}
	return scalarText(x)
}

// set stores v at a dotted path in doc, creating objects on the way. Like
// the ingest pipeline, it cannot go through a value that is not an object,
// and then does nothing.
func set(doc map[string]any, path string, v any) {
	for {
		i := strings.IndexByte(path, '.')
		if i < 0 {
			doc[path] = v
			return
		}
		next, ok := doc[path[:i]]
		if !ok {
			m := make(map[string]any)
			doc[path[:i]] = m
			doc, path = m, path[i+1:]
			continue
		}
		m, ok := next.(map[string]any)
		if !ok {
			return
		}
		doc, path = m, path[i+1:]
	}
}

// has reports whether a dotted path exists in doc.
func has(doc map[string]any, path string) bool {
	_, ok := get(doc, strings.Split(path, ".")...)
	return ok
}

// appendUnique appends text to the list at path unless present: the
// integration's append processors with allow_duplicates false.
func appendUnique(doc map[string]any, path, text string) {
	list, _ := get(doc, strings.Split(path, ".")...)
	l, _ := list.([]any)
	if slices.Contains(l, any(text)) {
		return
	}
	set(doc, path, append(l, text))
}

// foldKeys rewrites every object key below m with spaces and dashes replaced
// by underscores, descending into objects and into objects held directly in
// arrays, as the integration's non-flattened debug data script does. Keys are
// visited in sorted order so that a collision ("a b" and "a_b") resolves the
// same way every time.
func foldKeys(m map[string]any) map[string]any {
	out := make(map[string]any, len(m))
	for _, k := range slices.Sorted(maps.Keys(m)) {
		v := m[k]
		switch x := v.(type) {
		case map[string]any:
			v = foldKeys(x)
		case []any:
			for i, e := range x {
				if em, ok := e.(map[string]any); ok {
					x[i] = foldKeys(em)
				}
			}
		}
		out[foldKey(k)] = v
	}
	return out
}

func foldKey(k string) string {
	return strings.Map(func(r rune) rune {
		if r == ' ' || r == '-' {
			return '_'
		}
		return r
	}, k)
}
