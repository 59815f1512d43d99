package dedupe

import (
	"sync"
	"sync/atomic"
	"testing"
)

func TestEventKey(t *testing.T) {
	tests := []struct {
		name string
		a, b string
		same bool
	}{
		{"identical uuid", "faf7398a-4f77-11ea-97fb-5925e98228bd", "faf7398a-4f77-11ea-97fb-5925e98228bd", true},
		{"uuid case-insensitive", "FAF7398A-4F77-11EA-97FB-5925E98228BD", "faf7398a-4f77-11ea-97fb-5925e98228bd", true},
		{"different uuid", "faf7398a-4f77-11ea-97fb-5925e98228bd", "faf7398a-4f77-11ea-97fb-5925e98228be", false},
		{"non-uuid ids hash", "evt-1", "evt-1", true},
		{"non-uuid ids differ", "evt-1", "evt-2", false},
		{"malformed uuid is hashed", "faf7398a-4f77-11ea-97fb-5925e98228bz", "faf7398a-4f77-11ea-97fb-5925e98228bd", false},
		{"empty", "", "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := EventKey(tt.a) == EventKey(tt.b); got != tt.same {
				t.Fatalf("EventKey(%q)==EventKey(%q) is %v, want %v", tt.a, tt.b, got, tt.same)
			}
		})
	}
}

func TestParseUUIDBytes(t *testing.T) {
	k, ok := parseUUID("00112233-4455-6677-8899-aabbccddeeff")
	if !ok {
		t.Fatal("canonical uuid not parsed")
	}
	want := [16]byte{0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff}
	if k != want {
		t.Fatalf("got %x, want %x", k, want)
	}
	for _, bad := range []string{"", "00112233445566778899aabbccddeeff", "00112233-4455-6677-8899-aabbccddeef", "0011223g-4455-6677-8899-aabbccddeeff", "00112233_4455-6677-8899-aabbccddeeff"} {
		if _, ok := parseUUID(bad); ok {
			t.Errorf("parseUUID(%q) accepted", bad)
		}
	}
}

func TestKeyOfSeparatesRules(t *testing.T) {
	const ev = "faf7398a-4f77-11ea-97fb-5925e98228bd"
	if KeyOf("rule-a", ev) == KeyOf("rule-b", ev) {
		t.Fatal("same event under two rules must have two keys")
	}
	first, again := KeyOf("rule-a", ev), KeyOf("rule-a", ev)
	if first != again {
		t.Fatal("key is not deterministic")
	}
}

func TestCacheSeenForgetEvict(t *testing.T) {
	c, err := New(2)
	if err != nil {
		t.Fatal(err)
	}
	a, b, d := KeyOf("r", "a"), KeyOf("r", "b"), KeyOf("r", "d")
	if c.Seen(a) {
		t.Fatal("new key reported seen")
	}
	if !c.Seen(a) {
		t.Fatal("repeat not reported seen")
	}
	c.Forget(a)
	if c.Seen(a) {
		t.Fatal("forgotten key reported seen")
	}
	c.Seen(b)
	c.Seen(d) // evicts a, the least recently used
	if c.Contains(a) {
		t.Fatal("LRU did not evict the oldest key")
	}
	if c.Len() != 2 {
		t.Fatalf("Len = %d, want 2", c.Len())
	}
	if _, err := New(0); err == nil {
		t.Fatal("New(0) accepted")
	}
}

// Of many goroutines racing on one key, exactly one must win.
func TestCacheSeenIsAtomic(t *testing.T) {
	c, _ := New(100)
	k := KeyOf("r", "e")
	var winners atomic.Int32
	var wg sync.WaitGroup
	for range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if !c.Seen(k) {
				winners.Add(1)
			}
		}()
	}
	wg.Wait()
	if winners.Load() != 1 {
		t.Fatalf("%d goroutines saw the key as new, want 1", winners.Load())
	}
}

func TestEventKeyAllocs(t *testing.T) {
	allocs := testing.AllocsPerRun(100, func() { _ = EventKey("faf7398a-4f77-11ea-97fb-5925e98228bd") })
	if allocs != 0 {
		t.Fatalf("EventKey on a uuid allocates %v times", allocs)
	}
}

func BenchmarkEventKeyUUID(b *testing.B) {
	for b.Loop() {
		_ = EventKey("faf7398a-4f77-11ea-97fb-5925e98228bd")
	}
}

func BenchmarkCacheSeenRepeat(b *testing.B) {
	c, _ := New(DefaultSize)
	k := KeyOf("r", "faf7398a-4f77-11ea-97fb-5925e98228bd")
	c.Seen(k)
	b.ReportAllocs()
	for b.Loop() {
		c.Seen(k)
	}
}
