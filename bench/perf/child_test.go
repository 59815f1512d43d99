package perf

import (
	"slices"
	"strings"
	"testing"
)

func TestChildEnv(t *testing.T) {
	in := []string{"PATH=/bin", "OKTADETECT_CONFIG=/etc/prod.yaml", "HOME=/root", "OKTADETECT_EXACTLY_ONCE=true", "XOKTADETECT_KEEP=1"}
	want := []string{"PATH=/bin", "HOME=/root", "XOKTADETECT_KEEP=1"}
	if got := childEnv(in); !slices.Equal(got, want) {
		t.Errorf("childEnv = %q, want %q", got, want)
	}
}

func TestTailBuffer(t *testing.T) {
	tb := &tailBuffer{max: 10}
	if got := tb.excerpt(); got != "" {
		t.Errorf("empty excerpt = %q", got)
	}
	tb.Write([]byte("0123456789"))
	tb.Write([]byte("abc"))
	if got := string(tb.buf); got != "3456789abc" {
		t.Errorf("kept %q, want the last 10 bytes", got)
	}
	tb.Write([]byte(strings.Repeat("x", 25) + "END"))
	if got := string(tb.buf); got != "xxxxxxxEND" {
		t.Errorf("kept %q after a long write", got)
	}
	if got := tb.excerpt(); !strings.HasSuffix(got, "xxxxxxxEND") || !strings.Contains(got, "last output") {
		t.Errorf("excerpt = %q", got)
	}
}

func TestAllLoopback(t *testing.T) {
	tests := []struct {
		addrs []string
		want  bool
	}{
		{[]string{"127.0.0.1:9092"}, true},
		{[]string{"localhost:9092", "[::1]:9092"}, true},
		{[]string{"127.0.0.1:9092", "10.0.0.5:9092"}, false},
		{[]string{"kafka:9092"}, false},
		{nil, false},
	}
	for _, tt := range tests {
		if got := allLoopback(tt.addrs); got != tt.want {
			t.Errorf("allLoopback(%q) = %v, want %v", tt.addrs, got, tt.want)
		}
	}
}
