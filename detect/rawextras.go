package detect

import (
	"encoding/json"
	"strings"

	"github.com/bytedance/sonic/decoder"

	"github.com/oktadetect/oktadetect/detect/oktaecs"
)

// rawExtras is what a raw Okta event gives beyond the values its routes
// deliver: the integration's constants, values of sources that read no
// path, and sources that pick one element of an array.
type rawExtras struct {
	consts   []constant
	defaults []rawDefault
	picks    []pickSource
}

// rawDefault is a source without a path: its values apply to every raw
// event, or (onlyIfEmpty) only to events where the field has no other value,
// like event.outcome's "unknown".
type rawDefault struct {
	field       fieldID
	values      []string
	onlyIfEmpty bool
}

// pickSource reads through the first array element whose member matches
// (user.target.* comes from the first target of type User). The generated
// decode types cannot select elements, so these sources are read from a
// generic decode of the event, which allocates; no Elastic Okta rule uses
// such a field.
type pickSource struct {
	field fieldID
	src   oktaecs.Source
}

// completeRaw adds to the raw event decoded at level everything its routes
// could not deliver. doc is that level's JSON text.
func (x *extractor) completeRaw(level int, doc string, mask uint8, extras *rawExtras) {
	rawSet, elseSet := setFor(level, viewRaw), elseSetFor(level)
	for _, f := range x.touched[elseSet] {
		if x.heads[rawSet][f] >= 0 {
			continue
		}
		for i := x.heads[elseSet][f]; i >= 0; i = x.vals[i].next {
			v := x.vals[i]
			x.push(setSynthetic, f, v.kind, v.s)
		}
	}
	if len(extras.picks) > 0 {
		x.readPicks(rawSet, doc, extras.picks)
	}
	for _, d := range extras.defaults {
		if d.onlyIfEmpty && x.hasAny(mask, d.field) {
			continue
		}
		for _, v := range d.values {
			x.push(setSynthetic, d.field, kindString, v)
		}
	}
	// The two dataset fields are one (see aliasDataset): a constant fills
	// neither when the record names either.
	datasetKnown := x.hasAny(mask, fieldEventDataset) || x.hasAny(mask, fieldDataStreamDataset)
	for _, c := range extras.consts {
		if (c.field == fieldEventDataset || c.field == fieldDataStreamDataset) && datasetKnown {
			continue
		}
		if !x.hasAny(mask, c.field) {
			for _, v := range c.values {
				x.push(setSynthetic, c.field, kindString, v)
			}
		}
	}
}

func (x *extractor) readPicks(set valueSet, doc string, picks []pickSource) {
	var root map[string]any
	d := decoder.NewDecoder(doc)
	d.UseNumber()
	if d.Decode(&root) != nil {
		return
	}
	for _, p := range picks {
		elem := pickElement(root[p.src.Path[0]], p.src.Pick)
		if elem == nil {
			continue
		}
		x.pushPath(set, p.field, p.src, elem, p.src.Path[1:])
	}
}

// pickElement returns the first element of v (or v itself, when it is not
// an array) whose member pick.Key equals pick.Value, ignoring ASCII case.
func pickElement(v any, pick oktaecs.Pick) map[string]any {
	elems, ok := v.([]any)
	if !ok {
		elems = []any{v}
	}
	for _, e := range elems {
		m, ok := e.(map[string]any)
		if !ok {
			continue
		}
		if s, ok := m[pick.Key].(string); ok && strings.EqualFold(s, pick.Value) {
			return m
		}
	}
	return nil
}

func (x *extractor) pushPath(set valueSet, f fieldID, src oktaecs.Source, v any, path []string) {
	switch v := v.(type) {
	case []any:
		for _, e := range v {
			x.pushPath(set, f, src, e, path)
		}
		return
	case map[string]any:
		if len(path) > 0 {
			x.pushPath(set, f, src, v[path[0]], path[1:])
		}
		return
	}
	if len(path) > 0 {
		return
	}
	var text string
	switch v := v.(type) {
	case string:
		text = v
	case json.Number:
		text = v.String()
	case bool:
		text = "false"
		if v {
			text = "true"
		}
	default:
		return
	}
	if text == "" {
		return
	}
	for _, out := range src.Apply(nil, text) {
		x.push(set, f, kindString, out)
	}
}
