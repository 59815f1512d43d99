package oktaecs

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

// notReproduced are the fields of the integration's expected output that
// ToECS leaves out on purpose:
//   - event.original and tags come from the pipeline test's harness (the
//     raw message, preserve_original_event), not from the LogEvent mapping;
//   - source.geo and source.as come from GeoIP databases, the user_agent
//     fields other than user_agent.original from the user_agent processor's
//     device/OS regexes: external data this package does not have.
var notReproduced = []string{
	"event.original",
	"tags",
	"source.geo",
	"source.as",
	"user_agent.name",
	"user_agent.version",
	"user_agent.os",
	"user_agent.device",
}

func integrationCases(t *testing.T) (inputs, inputsNumber []map[string]any, expected []map[string]any) {
	t.Helper()
	dir := sharedTestdata(t, "okta-integration")
	base := filepath.Join(dir, "test-okta-system-no-flattened-events.log")
	inputs = readNDJSON(t, base, false)
	inputsNumber = readNDJSON(t, base, true)

	data, err := os.ReadFile(base + "-expected.json")
	if err != nil {
		t.Fatal(err)
	}
	var exp struct {
		Expected []map[string]any `json:"expected"`
	}
	if err := json.Unmarshal(data, &exp); err != nil {
		t.Fatal(err)
	}
	if len(exp.Expected) != len(inputs) || len(inputs) != 25 {
		t.Fatalf("got %d inputs and %d expected documents, want 25 of each", len(inputs), len(exp.Expected))
	}
	for _, doc := range exp.Expected {
		for _, f := range notReproduced {
			deletePath(doc, f)
		}
	}
	return inputs, inputsNumber, exp.Expected
}

// TestIntegrationGolden runs the Okta integration's own pipeline test
// events (configured with remove_flattened_debug) through ToECS and compares
// with the documents Elasticsearch produced, minus notReproduced.
func TestIntegrationGolden(t *testing.T) {
	inputs, inputsNumber, expected := integrationCases(t)
	for i, in := range inputs {
		got := ToECS(in, FlattenedDebugData(false))
		if !reflect.DeepEqual(normalise(t, got), normalise(t, expected[i])) {
			t.Errorf("event %d (%v): ToECS differs from the integration:\n%s", i, in["eventType"], diffLeaves(got, expected[i]))
		}
		// The same event decoded with json.Number must map the same way.
		gotNumber := ToECS(inputsNumber[i], FlattenedDebugData(false))
		if !reflect.DeepEqual(normalise(t, gotNumber), normalise(t, got)) {
			t.Errorf("event %d: json.Number input maps differently from float64 input:\n%s", i, diffLeaves(gotNumber, got))
		}
	}
}
