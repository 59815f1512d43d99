package eventgen_test

import (
	"crypto/sha256"
	"encoding/hex"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/oktadetect/oktadetect/bench/eventgen"
)

var update = flag.Bool("update", false, "rewrite testdata/stream.sha256 from the current generator")

// A seed must select the same stream on every machine and Go version, so
// that benchmark results stay comparable across runs and commits. The
// digest covers the shapes the generator writes itself; the ECS shapes
// also depend on oktaecs's mapping and change with it. Run with -update
// after a deliberate change to the stream, and say so in the commit.
func TestGoldenStream(t *testing.T) {
	g := eventgen.New(eventgen.Config{Seed: 42, MatchRate: 0.01, DupRate: 0.02,
		Shapes: map[eventgen.Shape]float64{eventgen.ShapeOkta: 1, eventgen.ShapeEnvelope: 1}})
	h := sha256.New()
	for range 3000 {
		ev := g.Next()
		h.Write(ev.Value)
		h.Write([]byte{0})
	}
	got := hex.EncodeToString(h.Sum(nil))
	path := filepath.Join("testdata", "stream.sha256")
	if *update {
		if err := os.WriteFile(path, []byte(got+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if got != strings.TrimSpace(string(want)) {
		t.Errorf("stream for seed 42 changed: digest %s, want %s (run with -update if the change is deliberate)", got, want)
	}
}
