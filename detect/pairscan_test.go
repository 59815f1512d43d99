package detect

import (
	"bytes"
	"math/rand/v2"
	"testing"
)

func TestIndexPairsMatchesGeneric(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	alphabet := []byte(`ab\u"_h`)
	for n := 0; n < 200; n++ {
		for trial := 0; trial < 50; trial++ {
			s := make([]byte, n)
			for i := range s {
				s[i] = alphabet[r.IntN(len(alphabet))]
			}
			var pairs [][2]byte
			for k := 0; k <= r.IntN(4); k++ {
				pairs = append(pairs, [2]byte{alphabet[r.IntN(len(alphabet))], alphabet[r.IntN(len(alphabet))]})
			}
			ps := newPairSet(pairs)
			if got, want := indexPairs(s, &ps), indexPairsGeneric(s, &ps); got != want {
				t.Fatalf("indexPairs(%q, %v) = %d, want %d", s, pairs, got, want)
			}
		}
	}
}

func FuzzIndexPairs(f *testing.F) {
	f.Add([]byte(`{"a":"app.generic.unauth_app_access_attempt"}`), byte('h'), byte('_'), byte('\\'), byte('u'))
	f.Add(bytes.Repeat([]byte("x"), 40), byte('x'), byte('y'), byte('y'), byte('x'))
	f.Fuzz(func(t *testing.T, s []byte, a1, b1, a2, b2 byte) {
		ps := newPairSet([][2]byte{{a1, b1}, {a2, b2}})
		if got, want := indexPairs(s, &ps), indexPairsGeneric(s, &ps); got != want {
			t.Fatalf("indexPairs = %d, generic = %d", got, want)
		}
	})
}

func BenchmarkIndexPairs(b *testing.B) {
	s := bytes.Repeat([]byte(`{"eventType":"user.session.start","x":"\"y\""}`), 50)
	ps := newPairSet([][2]byte{{'h', '_'}, {'\\', 'u'}})
	b.SetBytes(int64(len(s)))
	for b.Loop() {
		indexPairs(s, &ps)
	}
}

func TestIndexControlMatchesGeneric(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for n := 0; n < 200; n++ {
		for trial := 0; trial < 30; trial++ {
			s := bytes.Repeat([]byte{'a'}, n)
			if n > 0 && trial%3 != 0 {
				s[r.IntN(n)] = byte(r.IntN(0x20))
			}
			if n > 1 && trial%5 == 0 {
				s[r.IntN(n)] = byte(0xe0 + r.IntN(0x20)) // high bits set: not control
			}
			if got, want := indexControl(s), indexControlGeneric(s); got != want {
				t.Fatalf("indexControl(%q) = %d, want %d", s, got, want)
			}
		}
	}
}
