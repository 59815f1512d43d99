package eventgen_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"net/netip"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/oktadetect/oktadetect/bench/eventgen"
	"github.com/oktadetect/oktadetect/detect/oktaecs"
)

// shapeEvents returns n events of one shape, with matches, redeliveries
// and repeats mixed in. Records may be up to 7000 bytes, which leaves ECS
// documents room for event.original (the default bounds do not).
func shapeEvents(t *testing.T, s eventgen.Shape, n int) []eventgen.Event {
	t.Helper()
	return generate(t, eventgen.Config{Seed: 21, MatchRate: 0.02, DupRate: 0.02, SizeMax: 7000,
		Shapes: map[eventgen.Shape]float64{s: 1}}, n)
}

func TestShapeOkta(t *testing.T) {
	requests := map[any]bool{}
	for _, ev := range shapeEvents(t, eventgen.ShapeOkta, 3000) {
		raw := decodeObject(t, ev.Value)
		checkRawEvent(t, raw, ev)
		// Every web request has its own id, repeats of an event included.
		if typ, _ := lookup(raw, "transaction", "type"); typ == "WEB" && !ev.Dup {
			id, _ := lookup(raw, "transaction", "id")
			if requests[id] {
				t.Fatalf("request id %v used by two fresh events", id)
			}
			requests[id] = true
		}
	}
}

// checkRawEvent checks a decoded LogEvent against the Event describing it.
func checkRawEvent(t *testing.T, raw map[string]any, ev eventgen.Event) {
	t.Helper()
	for _, k := range logEventKeys {
		if _, ok := raw[k]; !ok {
			t.Fatalf("raw event lacks %q: %v", k, raw)
		}
	}
	if raw["eventType"] != ev.Type || raw["uuid"] != ev.UUID || raw["version"] != "0" {
		t.Fatalf("raw event eventType/uuid/version = %v/%v/%v, want %s/%s/0", raw["eventType"], raw["uuid"], raw["version"], ev.Type, ev.UUID)
	}
	if sev, _ := raw["severity"].(string); !slices.Contains([]string{"DEBUG", "INFO", "WARN", "ERROR"}, sev) {
		t.Fatalf("severity %q", sev)
	}
	res, _ := lookup(raw, "outcome", "result")
	if !slices.Contains([]any{"SUCCESS", "FAILURE", "SKIPPED", "ALLOW", "DENY", "CHALLENGE", "UNKNOWN"}, res) {
		t.Fatalf("outcome.result %v", res)
	}
	if p, _ := raw["published"].(string); !strings.HasSuffix(p, "Z") || len(p) != len("2006-01-02T15:04:05.000Z") {
		t.Fatalf("published %q is not Okta's millisecond UTC format", p)
	}
	checkInventedValues(t, raw)
}

// logEventKeys are the LogEvent's properties in Okta's System Log API.
var logEventKeys = []string{"uuid", "published", "eventType", "version", "severity", "legacyEventType", "displayMessage",
	"actor", "client", "device", "outcome", "target", "transaction", "debugContext", "authenticationContext",
	"securityContext", "request"}

// checkInventedValues checks that addresses and logins are from reserved
// ranges and domains: nothing in a stream may point at a real network or
// person.
func checkInventedValues(t *testing.T, raw map[string]any) {
	t.Helper()
	var ips []any
	if ip, ok := lookup(raw, "client", "ipAddress"); ok && ip != nil {
		ips = append(ips, ip)
	}
	chain, _ := lookup(raw, "request", "ipChain")
	hops, _ := chain.([]any)
	for _, h := range hops {
		if ip, ok := lookup(h.(map[string]any), "ip"); ok {
			ips = append(ips, ip)
		}
	}
	for _, v := range ips {
		s, _ := v.(string)
		a, err := netip.ParseAddr(s)
		if err != nil {
			t.Fatalf("address %q: %v", s, err)
		}
		if !slices.ContainsFunc(documentation, func(p netip.Prefix) bool { return p.Contains(a) }) {
			t.Fatalf("address %s is outside the documentation ranges", a)
		}
	}
	if login, _ := lookup(raw, "actor", "alternateId"); login != nil {
		s, _ := login.(string)
		if _, domain, ok := strings.Cut(s, "@"); ok && !strings.HasSuffix(domain, ".example") && s != "system@okta.com" {
			t.Fatalf("login %q is outside the reserved .example domain", s)
		}
	}
}

var documentation = []netip.Prefix{
	netip.MustParsePrefix("192.0.2.0/24"), netip.MustParsePrefix("198.51.100.0/24"),
	netip.MustParsePrefix("203.0.113.0/24"), netip.MustParsePrefix("2001:db8::/32"),
}

func TestShapeECS(t *testing.T) {
	originals := 0
	for _, ev := range shapeEvents(t, eventgen.ShapeECS, 3000) {
		doc := decodeObject(t, ev.Value)
		for k := range doc {
			if strings.Contains(k, ".") {
				t.Fatalf("nested ECS record has dotted key %q", k)
			}
		}
		if checkECS(t, doc, ev) {
			originals++
		}
	}
	if originals == 0 {
		t.Error("no ECS record kept event.original")
	}
}

func TestShapeECSDotted(t *testing.T) {
	for _, ev := range shapeEvents(t, eventgen.ShapeECSDotted, 3000) {
		doc := decodeObject(t, ev.Value)
		if doc["event.action"] != ev.Type {
			t.Fatalf(`"event.action" = %v, want %s`, doc["event.action"], ev.Type)
		}
		for k, v := range doc {
			if m, ok := v.(map[string]any); ok && len(m) > 0 {
				t.Fatalf("dotted record has a nested object at %q", k)
			}
		}
		if _, ok := doc["okta.debug_context.debug_data.flattened"]; ok {
			t.Fatal("Filebeat-style record has the integration's flattened debug data")
		}
		checkECS(t, expand(t, doc), ev)
	}
}

func TestShapeECSMixed(t *testing.T) {
	for _, ev := range shapeEvents(t, eventgen.ShapeECSMixed, 3000) {
		doc := decodeObject(t, ev.Value)
		var nested, dotted bool
		for k, v := range doc {
			if _, ok := v.(map[string]any); ok {
				nested = true
			}
			dotted = dotted || strings.Contains(k, ".")
		}
		if !nested || !dotted {
			t.Fatalf("mixed record is not mixed (nested group: %v, dotted key: %v): %.400s", nested, dotted, ev.Value)
		}
		checkECS(t, expand(t, doc), ev)
	}
}

// checkECS checks a nested ECS document and reports whether it had
// event.original. With event.original, the document must be exactly
// oktaecs's mapping of it plus the fields indexing adds — which holds the
// ECS layouts, repeats included, to the raw event they carry.
func checkECS(t *testing.T, doc map[string]any, ev eventgen.Event) bool {
	t.Helper()
	want := map[string]any{"event.action": ev.Type, "event.id": ev.UUID, "okta.uuid": ev.UUID,
		"event.dataset": "okta.system", "event.module": "okta", "data_stream.dataset": "okta.system",
		"data_stream.type": "logs", "data_stream.namespace": "default"}
	for path, v := range want {
		if got, _ := lookup(doc, splitDots(path)...); got != v {
			t.Fatalf("%s = %v, want %v in %.400s", path, got, v, ev.Value)
		}
	}
	if v, _ := lookup(doc, "ecs", "version"); v == nil {
		t.Fatal("no ecs.version")
	}
	ts, _ := doc["@timestamp"].(string)
	at, err := time.Parse(time.RFC3339Nano, ts)
	if err != nil {
		t.Fatalf("@timestamp %q: %v", ts, err)
	}
	ing, _ := lookup(doc, "event", "ingested")
	s, _ := ing.(string)
	ingested, err := time.Parse(time.RFC3339, s)
	if err != nil || ingested.Before(at.Truncate(time.Second)) {
		t.Fatalf("event.ingested %q is not a time at or after @timestamp %s (%v)", s, ts, err)
	}

	orig, ok := lookup(doc, "event", "original")
	if !ok {
		return false
	}
	rawText, _ := orig.(string)
	raw := decodeObject(t, []byte(rawText))
	checkRawEvent(t, raw, ev)
	tags, _ := doc["tags"].([]any)
	if !slices.Contains(tags, any("preserve_original_event")) {
		t.Fatalf("event.original without the preserve_original_event tag: %v", tags)
	}

	var plain map[string]any
	if err := json.Unmarshal([]byte(rawText), &plain); err != nil {
		t.Fatal(err)
	}
	_, flattened := lookup(doc, "okta", "debug_context", "debug_data", "flattened")
	mapped := normalise(t, oktaecs.ToECS(plain, oktaecs.FlattenedDebugData(flattened)))
	got := normalise(t, doc)
	// What indexing adds to the pipeline's mapping.
	for _, path := range []string{"event.dataset", "event.module", "event.ingested", "event.original", "data_stream",
		"tags", "input", "ecs", "fileset", "service"} {
		parts := splitDots(path)
		if _, inMapping := lookup(mapped, parts...); inMapping {
			continue
		}
		parent := got
		if len(parts) > 1 {
			p, _ := lookup(got, parts[:len(parts)-1]...)
			parent, _ = p.(map[string]any)
		}
		delete(parent, parts[len(parts)-1])
	}
	if !reflect.DeepEqual(got, mapped) {
		gj, _ := json.Marshal(got)
		mj, _ := json.Marshal(mapped)
		t.Fatalf("ECS record is not oktaecs.ToECS of its event.original:\nrecord: %s\nmapped: %s", gj, mj)
	}
	return true
}

// normalise round-trips v through encoding/json so that documents built
// by different code compare by their JSON meaning.
func normalise(t *testing.T, v any) map[string]any {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return decodeObject(t, b)
}

func TestShapeEnvelope(t *testing.T) {
	withDataset := 0
	inputs := map[any]int{}
	for _, ev := range shapeEvents(t, eventgen.ShapeEnvelope, 3000) {
		doc := decodeObject(t, ev.Value)
		if _, ok := lookup(doc, "event", "action"); ok {
			t.Fatal("envelope has event.action: the ingest pipeline never ran on it")
		}
		for path, v := range map[string]any{"data_stream.dataset": "okta.system", "data_stream.type": "logs",
			"data_stream.namespace": "default", "agent.type": "filebeat"} {
			if got, _ := lookup(doc, splitDots(path)...); got != v {
				t.Fatalf("%s = %v, want %v", path, got, v)
			}
		}
		if ds, ok := lookup(doc, "event", "dataset"); ok {
			if ds != "okta.system" {
				t.Fatalf("event.dataset = %v", ds)
			}
			withDataset++
		}
		in, _ := lookup(doc, "input", "type")
		inputs[in]++
		tags, _ := doc["tags"].([]any)
		if !slices.Contains(tags, any("forwarded")) {
			t.Fatalf("tags %v lack forwarded", tags)
		}
		msg, ok := doc["message"].(string)
		if !ok {
			t.Fatalf("message is %T, want the raw event as a string", doc["message"])
		}
		raw := decodeObject(t, []byte(msg))
		checkRawEvent(t, raw, ev)
		collected, err1 := time.Parse(time.RFC3339Nano, doc["@timestamp"].(string))
		published, err2 := time.Parse(time.RFC3339Nano, raw["published"].(string))
		if err1 != nil || err2 != nil || collected.Before(published) {
			t.Fatalf("agent @timestamp %v before published %v (%v, %v)", collected, published, err1, err2)
		}
	}
	if withDataset == 0 || withDataset == 3000 {
		t.Errorf("event.dataset present in %d of 3000 envelopes; it should vary", withDataset)
	}
	if inputs["httpjson"] == 0 || inputs["cel"] == 0 || len(inputs) != 2 {
		t.Errorf("input types %v, want both httpjson and cel only", inputs)
	}
}

// Our raw events must have the structure of real ones: the same keys, at
// every level where Okta's schema is fixed, as the Okta integration's
// sample events.
func TestRawStructureMatchesOktaSamples(t *testing.T) {
	dir := sharedTestdata(t, "okta-integration")
	f, err := os.Open(filepath.Join(dir, "test-okta-system-no-flattened-events.log"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	real := map[string]bool{}
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		if len(bytes.TrimSpace(sc.Bytes())) == 0 {
			continue
		}
		collectKeys(decodeObject(t, sc.Bytes()), "", real)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	ours := map[string]bool{}
	for _, ev := range shapeEvents(t, eventgen.ShapeOkta, 2000) {
		collectKeys(decodeObject(t, ev.Value), "", ours)
	}
	for k := range real {
		if !ours[k] {
			t.Errorf("Okta's events have %s; ours never do", k)
		}
	}
	// Okta's schema has these; the samples predate or lack them.
	newer := []string{"authenticationContext.rootSessionId", "authenticationContext.issuer.id", "authenticationContext.issuer.type"}
	for k := range ours {
		if !real[k] && !slices.Contains(newer, k) {
			t.Errorf("our events have %s; Okta's samples never do", k)
		}
	}
}

// collectKeys records the key paths of a LogEvent, skipping the
// free-form objects (debug data, detail entries, device) whose keys vary
// by event.
func collectKeys(v any, prefix string, into map[string]bool) {
	switch x := v.(type) {
	case map[string]any:
		for k, sub := range x {
			p := k
			if prefix != "" {
				p = prefix + "." + k
			}
			into[p] = true
			switch p {
			case "debugContext.debugData", "device", "transaction.detail":
				continue
			}
			if k == "detailEntry" {
				continue
			}
			collectKeys(sub, p, into)
		}
	case []any:
		for _, e := range x {
			collectKeys(e, prefix+"[]", into)
		}
	}
}
