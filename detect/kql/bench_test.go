package kql

import (
	"os"
	"strings"
	"testing"
)

// BenchmarkParse parses a representative rule query: multi-line, with
// nested groups, value lists, quoted phrases, exists and wildcards.
func BenchmarkParse(b *testing.B) {
	data, err := os.ReadFile("testdata/queries/federated_login.kql")
	if err != nil {
		b.Fatal(err)
	}
	query := string(data)
	b.SetBytes(int64(len(query)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Parse(query); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkParseOneLine parses the shape most rules have: two conditions.
func BenchmarkParseOneLine(b *testing.B) {
	const query = "data_stream.dataset:okta.system and event.action:user.session.impersonation.initiate"
	b.SetBytes(int64(len(query)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Parse(query); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkParseLong parses a query of 1,000 conditions across 1,000 lines,
// to show that time grows linearly with length.
func BenchmarkParseLong(b *testing.B) {
	query := strings.Repeat("event.action:(a or b*) and\n", 999) + `c:"d"`
	b.SetBytes(int64(len(query)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Parse(query); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkString(b *testing.B) {
	data, err := os.ReadFile("testdata/queries/federated_login.kql")
	if err != nil {
		b.Fatal(err)
	}
	n, err := Parse(string(data))
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		_ = n.String()
	}
}
