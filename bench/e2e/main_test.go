package e2e_test

import (
	"testing"

	"github.com/oktadetect/oktadetect/bench/e2e"
)

func TestMain(m *testing.M) { e2e.Main(m) }
