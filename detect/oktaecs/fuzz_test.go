package oktaecs

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
)

// FuzzConvApply: no conversion may panic, whatever the value and key.
func FuzzConvApply(f *testing.F) {
	for _, seed := range []struct{ v, key string }{
		{"{New IP=POSITIVE, New City=NEGATIVE}", "New IP"},
		{"{reasons=A, B, level=HIGH}", "reasons"},
		{`{"risk":{"level":"HIGH","reasons":"A, B"}}`, "risk.level"},
		{`{"a":[{"b":"\ud83d\ude00"}]}`, "a.b"},
		{"2001:db8::1.2.3.4%eth0", ""},
		{"2026-03-02T17:20:05.123456+02:00", ""},
		{"jdoe@example.com", ""},
		{"", ""},
	} {
		f.Add(seed.v, seed.key)
	}
	f.Fuzz(func(t *testing.T, v, key string) {
		for c := Conv(0); c <= numConvs; c++ {
			Source{Conv: c, Key: key}.Apply(nil, v)
		}
	})
}

// FuzzToECS: any JSON object maps without panicking, to a document that
// encodes as JSON, leaving the event as it was.
func FuzzToECS(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("testdata", "events", "*.json"))
	for _, file := range files {
		data, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte(`{"target":{"type":7,"detailEntry":"x"},"debugContext":{"debugData":"text"},"request":{"ipChain":{"geographicalContext":1}}}`))
	f.Add([]byte(`{"debugContext":{"debugData":{"risk":{"level":"LOW"},"behaviors":[1,2],"logOnlySecurityData":{"risk":null}}}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		var ev map[string]any
		if err := json.Unmarshal(data, &ev); err != nil {
			return
		}
		before, _ := json.Marshal(ev)
		for _, flat := range []bool{true, false} {
			doc := ToECS(ev, FlattenedDebugData(flat))
			if _, err := json.Marshal(doc); err != nil {
				t.Fatalf("document does not encode: %v", err)
			}
		}
		if after, _ := json.Marshal(ev); string(after) != string(before) {
			t.Fatal("event modified")
		}
	})
}
