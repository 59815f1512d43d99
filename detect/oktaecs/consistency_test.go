package oktaecs

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// resolve computes a field's values from a raw event the way the Source
// documentation tells extractors to: Constant, then each Source in order.
func resolve(ev map[string]any, field string) []string {
	vals, _ := Constant(field)
	for _, s := range Sources(field) {
		if s.Else && len(vals) > 0 {
			continue
		}
		var got []string
		if len(s.Path) == 0 {
			got = s.Apply(got, "")
		} else {
			walkSource(ev, s, 0, func(v string) { got = s.Apply(got, v) })
		}
		for _, v := range got {
			if s.Distinct && slices.Contains(vals, v) {
				continue
			}
			vals = append(vals, v)
		}
	}
	return vals
}

// walkSource calls fn with the text of every raw scalar at s.Path[i:]
// below v: objects by exact key, arrays traversed, Pick applied to the
// value at Path[0], nulls and empty strings skipped.
func walkSource(v any, s Source, i int, fn func(string)) {
	if l, ok := v.([]any); ok {
		for _, e := range l {
			walkSource(e, s, i, fn)
		}
		return
	}
	if i == len(s.Path) {
		if text, ok := scalarText(v); ok && text != "" {
			fn(text)
		}
		return
	}
	m, ok := v.(map[string]any)
	if !ok {
		return
	}
	next, ok := m[s.Path[i]]
	if !ok {
		return
	}
	if i == 0 && s.Pick.Key != "" {
		next = pickElement(next, s.Pick)
		if next == nil {
			return
		}
	}
	walkSource(next, s, i+1, fn)
}

func pickElement(v any, p Pick) any {
	elems, ok := v.([]any)
	if !ok {
		elems = []any{v}
	}
	for _, e := range elems {
		if m, ok := e.(map[string]any); ok {
			if t, ok := scalarText(m[p.Key]); ok && strings.EqualFold(t, p.Value) {
				return m
			}
		}
	}
	return nil
}

// fixtureEvents loads testdata/events/*.json, one raw LogEvent per file.
func fixtureEvents(t *testing.T, useNumber bool) map[string]map[string]any {
	t.Helper()
	files, err := filepath.Glob(filepath.Join("testdata", "events", "*.json"))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatal("no fixtures in testdata/events")
	}
	out := make(map[string]map[string]any)
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		out[strings.TrimSuffix(filepath.Base(f), ".json")] = decodeObject(t, data, useNumber)
	}
	return out
}

// consistencyEvents are every raw event available: the fixtures, decoded
// both ways, and the integration's pipeline test inputs when present.
func consistencyEvents(t *testing.T) map[string]map[string]any {
	t.Helper()
	events := make(map[string]map[string]any)
	for name, ev := range fixtureEvents(t, false) {
		events[name] = ev
	}
	for name, ev := range fixtureEvents(t, true) {
		events[name+"/json.Number"] = ev
	}
	if dir, err := findShared("okta-integration"); err == nil {
		for i, ev := range readNDJSON(t, filepath.Join(dir, "test-okta-system-no-flattened-events.log"), false) {
			events[fmt.Sprintf("integration/%02d", i)] = ev
		}
	} else {
		t.Logf("integration events not included: %v", err)
	}
	return events
}

// TestSourcesAgreeWithToECS is the contract between the two consumers: for
// every field ToECS produces, resolving Sources and Constant against the raw
// event gives the same multiset of values. Outside the debug data, the
// converse holds too: a field ToECS does not produce resolves to nothing.
// (Sources describes both debug data layouts at once, so there a field of
// the other layout may resolve to values.)
func TestSourcesAgreeWithToECS(t *testing.T) {
	events := consistencyEvents(t)
	layouts := map[string]Option{"flattened": FlattenedDebugData(true), "plain": FlattenedDebugData(false)}

	// Every field produced for any event, so that absence is checked too.
	fields := make(map[string]bool)
	docs := make(map[string]map[string][]string)
	for name, ev := range events {
		for layout, opt := range layouts {
			leaves := leafValues(ToECS(ev, opt))
			docs[name+" "+layout] = leaves
			for f := range leaves {
				fields[f] = true
			}
		}
	}
	checked := 0
	for name, ev := range events {
		for layout := range layouts {
			leaves := docs[name+" "+layout]
			for f := range fields {
				want, produced := leaves[f]
				if !produced && strings.HasPrefix(f, debugBase+".") {
					continue
				}
				got := resolve(ev, f)
				if !slices.Equal(sortedCopy(got), sortedCopy(want)) {
					t.Errorf("%s (%s layout): field %s: Sources resolve to %q, ToECS has %q", name, layout, f, got, want)
				}
				checked++
			}
		}
	}
	if checked == 0 {
		t.Fatal("nothing checked")
	}
}
