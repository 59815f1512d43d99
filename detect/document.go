package detect

import (
	"errors"
	"strings"

	"github.com/bytedance/sonic/decoder"

	"github.com/oktadetect/oktadetect/detect/oktaecs"
)

// Document returns the record as the ECS document Elasticsearch would have
// indexed: a raw Okta event goes through the Okta integration's mapping, an
// envelope's inner event is mapped and merged with the envelope's own
// fields, and dotted keys are expanded into nested objects so that every
// document has one layout. It is the hit path (alert building), so it
// allocates freely. res is what Match reported for rec: its Shape and,
// for an envelope, the Inner shape decide the mapping.
func Document(rec []byte, res Result) (map[string]any, error) {
	doc, err := decodeObject(rec)
	if err != nil {
		return nil, err
	}
	switch res.Shape {
	case ShapeOkta:
		doc = oktaDocument(doc)
	case ShapeEnvelope:
		msg, _ := doc["message"].(string)
		inner, err := decodeObject([]byte(msg))
		if err != nil {
			return nil, &DecodeError{Reason: ReasonInvalidMessage, Err: errors.Unwrap(err)}
		}
		delete(doc, "message")
		doc = expandDotted(doc)
		if res.Inner == ShapeOkta {
			inner = oktaDocument(inner)
		} else {
			inner = expandDotted(inner)
		}
		mergeInto(doc, inner)
		return doc, nil
	}
	return expandDotted(doc), nil
}

func decodeObject(b []byte) (map[string]any, error) {
	var doc map[string]any
	d := decoder.NewDecoder(bytesToString(b))
	d.UseNumber()
	if err := d.Decode(&doc); err != nil {
		return nil, &DecodeError{Reason: ReasonInvalidJSON, Err: jsonError(err)}
	}
	if doc == nil {
		return nil, &DecodeError{Reason: ReasonNotObject, Err: errors.New("not a JSON object")}
	}
	return doc, nil
}

// oktaDocument maps a raw LogEvent to ECS and adds what Elastic's Okta
// indices carry as constant mappings.
func oktaDocument(raw map[string]any) map[string]any {
	doc := expandDotted(oktaecs.ToECS(raw))
	setDefault(doc, "event.dataset", "okta.system")
	setDefault(doc, "event.module", "okta")
	setDefault(doc, "data_stream.dataset", "okta.system")
	return doc
}

// expandDotted turns {"a.b": 1} into {"a": {"b": 1}}, recursively, merging
// with existing objects ({"a": {"c": 2}, "a.b": 1} → {"a": {"b": 1, "c": 2}}).
// Where a dotted key and a nested path set the same leaf, the values are
// combined into an array, which is how Elasticsearch indexes them.
func expandDotted(m map[string]any) map[string]any {
	out := make(map[string]any, len(m))
	for k, v := range m {
		v = expandValue(v)
		if !strings.Contains(k, ".") {
			putPath(out, []string{k}, v)
			continue
		}
		putPath(out, strings.Split(k, "."), v)
	}
	return out
}

func expandValue(v any) any {
	switch v := v.(type) {
	case map[string]any:
		return expandDotted(v)
	case []any:
		out := make([]any, len(v))
		for i, e := range v {
			out[i] = expandValue(e)
		}
		return out
	}
	return v
}

func putPath(m map[string]any, path []string, v any) {
	for _, k := range path[:len(path)-1] {
		next, ok := m[k].(map[string]any)
		if !ok {
			// A scalar where an object is needed ({"a": 1, "a.b": 2})
			// cannot be indexed by Elasticsearch either; the object wins.
			next = map[string]any{}
			m[k] = next
		}
		m = next
	}
	last := path[len(path)-1]
	old, had := m[last]
	if !had {
		m[last] = v
		return
	}
	if om, ok := old.(map[string]any); ok {
		if vm, ok := v.(map[string]any); ok {
			mergeInto(om, vm)
			return
		}
	}
	m[last] = combine(old, v)
}

func combine(a, b any) any {
	var out []any
	for _, x := range []any{a, b} {
		if arr, ok := x.([]any); ok {
			out = append(out, arr...)
		} else {
			out = append(out, x)
		}
	}
	return out
}

// mergeInto copies src into dst; src wins on conflicting leaves.
func mergeInto(dst, src map[string]any) {
	for k, v := range src {
		if dm, ok := dst[k].(map[string]any); ok {
			if sm, ok := v.(map[string]any); ok {
				mergeInto(dm, sm)
				continue
			}
		}
		dst[k] = v
	}
}

// lookup returns the value at a dotted path in a nested document, or nil.
// Arrays of objects along the path yield the values of every element.
func lookup(doc map[string]any, path string) []any {
	var out []any
	var walk func(v any, segs []string)
	walk = func(v any, segs []string) {
		if arr, ok := v.([]any); ok {
			for _, e := range arr {
				walk(e, segs)
			}
			return
		}
		if len(segs) == 0 {
			if v != nil {
				out = append(out, v)
			}
			return
		}
		m, ok := v.(map[string]any)
		if !ok {
			return
		}
		walk(m[segs[0]], segs[1:])
	}
	walk(doc, strings.Split(path, "."))
	return out
}

func setDefault(doc map[string]any, path string, v any) {
	if len(lookup(doc, path)) == 0 {
		putPath(doc, strings.Split(path, "."), v)
	}
}
