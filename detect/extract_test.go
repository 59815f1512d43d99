package detect

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/oktadetect/oktadetect/internal/sharedtest"

	"github.com/oktadetect/oktadetect/bench/eventgen"
)

// The fields the differential tests read, covering nested, dotted, array
// and raw-Okta routes.
var diffQueries = []string{
	`event.dataset:okta.system and event.action:app.generic.unauth_app_access_attempt`,
	`okta.target.alternate_id:"Okta Admin Console" and event.category:authentication`,
	`okta.debug_context.debug_data.flattened.privilegeGranted:*administrator*`,
	`okta.actor.alternate_id:* and user.name:jane and source.ip:198.51.100.7`,
	`okta.target:{ type:User and alternate_id:x }`,
	`a.b.c:x or a.b:y or n >= 3`,
}

// snapshot renders the values an extraction delivered, per set and field,
// order-insensitively within a field.
func snapshot(x *extractor, names []string) string {
	var b strings.Builder
	for s := valueSet(0); s < numSets; s++ {
		for f := range names {
			var vals []string
			for i := x.heads[s][f]; i >= 0; i = x.vals[i].next {
				v := x.vals[i]
				s := v.s
				if v.kind == kindObject {
					s = "" // the fast path keeps the raw text, the walker does not
				}
				vals = append(vals, fmt.Sprintf("%d:%q", v.kind, s))
			}
			if len(vals) > 0 {
				slices.Sort(vals)
				fmt.Fprintf(&b, "%d %s=%s\n", s, names[f], strings.Join(vals, ","))
			}
		}
	}
	return b.String()
}

// checkFastEqualsGeneric decodes rec with the generated types and with the
// generic walker and compares what each delivered.
func checkFastEqualsGeneric(t *testing.T, e *Engine, rec []byte) {
	t.Helper()
	if e.frame(rec) != nil || !json.Valid(rec) || hasDuplicateKeys(rec) {
		// The property holds for documents Elasticsearch would index.
		// The fast path does not validate what it skips (a record that
		// cannot match is not validated at all), and for duplicate keys
		// the decode types see every occurrence while the walker's map
		// keeps the last; Elasticsearch refuses both kinds of document.
		return
	}
	fast := newExtractor(e.routes, e.fields.len())
	r1, err1 := fast.extractRecord(rec, &e.extras, "")

	genericPlan := *e.routes
	genericPlan.generic = true
	slow := newExtractor(&genericPlan, e.fields.len())
	r2, err2 := slow.extractRecord(rec, &e.extras, "")

	if err1 != nil || err2 != nil {
		// An envelope whose message is not JSON fails either way.
		var d1, d2 *DecodeError
		if !errors.As(err1, &d1) || !errors.As(err2, &d2) || d1.Reason != d2.Reason {
			t.Fatalf("decodes disagree: fast %v, walker %v\nrecord: %s", err1, err2, rec)
		}
		return
	}
	if r1 != r2 {
		t.Fatalf("shape differs: fast %+v, generic %+v\nrecord: %s", r1, r2, rec)
	}
	a, b := snapshot(fast, e.fields.names), snapshot(slow, e.fields.names)
	if a != b {
		t.Fatalf("values differ\nfast:\n%s\ngeneric:\n%s\nrecord: %s", a, b, rec)
	}
}

// checkPrefilterNeverMisses compares match results with and without the
// prefilter.
func checkPrefilterNeverMisses(t *testing.T, with, without *Engine, rec []byte) {
	t.Helper()
	r1, err1 := with.NewMatcher().Match(rec, "t")
	r2, err2 := without.NewMatcher().Match(rec, "t")
	if len(r2.Rules) > 0 && err2 == nil && (err1 != nil || len(r1.Rules) != len(r2.Rules)) {
		t.Fatalf("prefilter missed: with %d rules (%v), without %d rules\nrecord: %s", len(r1.Rules), err1, len(r2.Rules), rec)
	}
}

// hasDuplicateKeys reports whether some object in rec repeats a key.
func hasDuplicateKeys(rec []byte) bool {
	dec := json.NewDecoder(bytes.NewReader(rec))
	type frame struct {
		keys    map[string]bool
		inObj   bool
		wantKey bool
	}
	var stack []*frame
	for {
		tok, err := dec.Token()
		if err != nil {
			return false
		}
		var top *frame
		if len(stack) > 0 {
			top = stack[len(stack)-1]
		}
		switch t := tok.(type) {
		case json.Delim:
			switch t {
			case '{', '[':
				if top != nil && top.inObj {
					top.wantKey = true
				}
				stack = append(stack, &frame{keys: map[string]bool{}, inObj: t == '{', wantKey: t == '{'})
			case '}', ']':
				stack = stack[:len(stack)-1]
			}
		case string:
			if top != nil && top.inObj && top.wantKey {
				if top.keys[t] {
					return true
				}
				top.keys[t] = true
				top.wantKey = false
				continue
			}
			if top != nil && top.inObj {
				top.wantKey = true
			}
		default:
			if top != nil && top.inObj {
				top.wantKey = true
			}
		}
	}
}

var diffSeeds = []string{
	`{"event":{"dataset":"okta.system","action":"app.generic.unauth_app_access_attempt"}}`,
	`{"event.dataset":"okta.system","event":{"action":["x","app.generic.unauth\u005fapp_access_attempt"]}}`,
	`{"okta":{"target":[{"type":"User","alternate_id":"x"},{"type":"App","alternate_id":"Okta Admin Console"}]},"event":{"category":["authentication"]}}`,
	`{"okta.target":{"type":"User","alternate_id":"x"}}`,
	`{"okta":{"target":"not an object"}}`,
	`{"okta":[{"target":{"alternate_id":"y"}}]}`,
	`{"okta":{"debug_context":{"debug_data":{"flattened":{"privilegeGranted":"Super administrator"}}}}}`,
	`{"a":{"b":{"c":"x"}},"a.b":{"c":"x"},"a.b.c":["x",null,1,true,{"q":1}],"n":3}`,
	`{"a":[[{"b":"y"}],{"b":["y",["y"]]}]}`,
	`{"eventType":"user.session.start","uuid":"u1","actor":{"alternateId":"jane@example.com"},"client":{"ipAddress":"198.51.100.7"},"target":[{"alternateId":"Okta Admin Console","type":"AppInstance"}],"outcome":{"result":"FAILURE"},"debugContext":{"debugData":{"privilegeGranted":"Org administrator"}}}`,
	`{"data_stream":{"dataset":"okta.system"},"message":"{\"eventType\":\"app.generic.unauth_app_access_attempt\",\"uuid\":\"u2\"}"}`,
	`{"message":"not json","event":{"dataset":"x"}}`,
	`{"event":{"action":{"nested":"app.generic.unauth_app_access_attempt"},"dataset":"okta.system"}}`,
	`{"n":"3.5","a":{"b":null}}`,
}

func FuzzExtract(f *testing.F) {
	for _, s := range diffSeeds {
		f.Add([]byte(s))
	}
	// Realistic records of every input shape, matching and not.
	for _, shape := range eventgen.AllShapes() {
		g := eventgen.New(eventgen.Config{Seed: 3, Shapes: map[eventgen.Shape]float64{shape: 1}, MatchRate: 0.5, SizeMin: 600, SizeMax: 1500})
		for range 4 {
			f.Add(g.Next().Value)
		}
	}
	e := mustCompile(f, diffQueries)
	off := mustCompile(f, diffQueries, Prefilter(false))
	f.Fuzz(func(t *testing.T, rec []byte) {
		checkFastEqualsGeneric(t, e, rec)
		checkPrefilterNeverMisses(t, e, off, rec)
	})
}

func TestFastPathMatchesGenericWalker(t *testing.T) {
	e := mustCompile(t, diffQueries)
	off := mustCompile(t, diffQueries, Prefilter(false))
	for _, s := range diffSeeds {
		checkFastEqualsGeneric(t, e, []byte(s))
		checkPrefilterNeverMisses(t, e, off, []byte(s))
	}
	for _, rec := range sharedSamples(t) {
		checkFastEqualsGeneric(t, e, rec)
		checkPrefilterNeverMisses(t, e, off, rec)
	}
}

// sharedSamples returns the upstream sample events (raw lines) when the
// shared test data is present.
func sharedSamples(t *testing.T) [][]byte {
	t.Helper()
	dir := sharedTestdata(t)
	if dir == "" {
		return nil
	}
	var out [][]byte
	for _, name := range []string{"okta-integration/test-okta-system-no-flattened-events.log", "filebeat-okta/okta-system-test.json.log"} {
		data, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		for _, line := range strings.Split(strings.TrimSpace(string(data)), "\n") {
			out = append(out, []byte(line))
		}
	}
	return out
}

// sharedTestdata finds ../shared/testdata next to the repository, or
// returns "" (and logs why) when it is absent.
func sharedTestdata(t testing.TB) string {
	t.Helper()
	p, ok := sharedtest.Lookup("")
	if !ok {
		t.Logf("shared test data not found at %s; skipping the upstream samples", p)
		return ""
	}
	return p
}

func TestMissPathAllocatesNothing(t *testing.T) {
	docs := map[string]string{
		"ecs":      `{"@timestamp":"2026-11-25T10:00:00.000Z","event":{"dataset":"okta.system","action":"user.session.start","id":"e1","original":"{\"eventType\":\"user.session.start\",\"x\":\"a\\u0026b\"}"},"okta":{"target":[{"type":"User","alternate_id":"x"}]},"user":{"name":"jane"}}`,
		"dotted":   `{"@timestamp":"2026-11-25T10:00:00.000Z","event.dataset":"okta.system","event.action":"user.session.start","okta.target":[{"type":"User","alternate_id":"x"}]}`,
		"okta":     `{"uuid":"6a2b3c4d-1111-4222-8333-944455566677","published":"2026-11-25T10:00:00.000Z","eventType":"user.session.start","actor":{"alternateId":"jane@example.com"},"target":[{"alternateId":"Payroll"}],"client":{"ipAddress":"203.0.113.9"},"outcome":{"result":"SUCCESS"}}`,
		"envelope": `{"data_stream":{"dataset":"okta.system"},"message":"{\"eventType\":\"user.session.start\",\"uuid\":\"u1\",\"target\":[{\"alternateId\":\"Pay\\u0072oll\"}]}"}`,
	}
	for _, pre := range []bool{true, false} {
		e := mustCompile(t, append([]string{seedQuery}, diffQueries[1:4]...), Prefilter(pre))
		m := e.NewMatcher()
		for name, doc := range docs {
			rec := []byte(doc)
			if res, err := m.Match(rec, "t"); err != nil || len(res.Rules) != 0 {
				t.Fatalf("%s: expected a miss, got %v, %v", name, res.Rules, err)
			}
			if n := testing.AllocsPerRun(200, func() { m.Match(rec, "t") }); n != 0 {
				t.Errorf("%s (prefilter %v): %v allocations per miss, want 0", name, pre, n)
			}
		}
	}
}
