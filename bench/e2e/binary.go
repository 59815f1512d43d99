package e2e

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// binaryPath is the oktadetect binary Main built; empty without a broker.
var binaryPath string

// Main is the TestMain of a package of real-Kafka tests. With a broker
// configured (KAFKA_BROKERS), it builds ./cmd/oktadetect once into a
// temporary directory for StartDetector, runs the tests and removes the
// binary. Without one it builds nothing, so that the skipped tests cost
// nothing.
//
//	func TestMain(m *testing.M) { e2e.Main(m) }
func Main(m *testing.M) {
	os.Exit(runMain(m))
}

func runMain(m *testing.M) int {
	if _, ok := BrokerFromEnv(); !ok {
		return m.Run()
	}
	dir, err := os.MkdirTemp("", "oktadetect-e2e-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "e2e:", err)
		return 1
	}
	defer os.RemoveAll(dir)
	if binaryPath, err = build(dir); err != nil {
		fmt.Fprintln(os.Stderr, "e2e:", err)
		return 1
	}
	return m.Run()
}

// build compiles the detector from the module containing the working
// directory.
func build(dir string) (string, error) {
	root, err := RepoRoot()
	if err != nil {
		return "", err
	}
	bin := filepath.Join(dir, "oktadetect")
	cmd := exec.Command("go", "build", "-o", bin, "./cmd/oktadetect")
	cmd.Dir = root
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("building ./cmd/oktadetect: %w\n%s", err, out)
	}
	return bin, nil
}

// RepoRoot returns the directory holding go.mod, found by walking up from
// the working directory.
func RepoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("no go.mod in the working directory or above it")
		}
		dir = parent
	}
}
