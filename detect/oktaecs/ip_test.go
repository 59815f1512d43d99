package oktaecs

import "testing"

func TestIsIP(t *testing.T) {
	tests := []struct {
		in   string
		want bool
	}{
		{"175.16.199.1", true},
		{"0.0.0.0", true},
		{"255.255.255.255", true},
		{"null", false},
		{"", false},
		{"010.1.2.3", false}, // leading zero
		{"1.2.3", false},
		{"1.2.3.4.5", false},
		{"256.1.1.1", false},
		{"1..2.3", false},
		{"1.2.3.4 ", false},
		{"::", true},
		{"::1", true},
		{"2001:db8::1", true},
		{"2001:DB8:0:0:8:800:200C:417A", true},
		{"1:2:3:4:5:6:7:8", true},
		{"1:2:3:4:5:6:7:8:9", false},
		{"1:2:3:4:5:6:7::", true},
		{"1:2:3:4:5:6:7:8::", false},
		{"1::2::3", false},
		{":1", false},
		{"1:", false},
		{":::", false},
		{"12345::", false}, // a group above 0xffff
		{"00001::", true},  // five digits, but worth <= 0xffff: Elasticsearch accepts it
		{"fe80::1%eth0", true},
		{"fe80::1%", false},
		{"::ffff:203.0.113.200", true},
		{"::1.2.3.4", true},
		{"1:2:3:4:5:6:1.2.3.4", true},
		{"1:2:3:4:5:6:7:1.2.3.4", false},
		{":1.2.3.4", false},
		{"::1.2.3.04", false},
		{"1.2.3.4:80", false}, // a colon after a dot
		{"g::1", false},
		{"é::1", false},
	}
	for _, tt := range tests {
		if got := isIP(tt.in); got != tt.want {
			t.Errorf("isIP(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
}
