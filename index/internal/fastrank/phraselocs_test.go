package fastrank

import (
	"math/rand/v2"
	"slices"
	"testing"
)

func TestCandidates(t *testing.T) {
	p := func(docs ...uint32) *postings { return &postings{docs: docs} }
	tests := []struct {
		name string
		ps   [][]*postings
		want []uint32
	}{
		{"none", nil, nil},
		{"one position", [][]*postings{{p(1, 5, 9)}}, []uint32{1, 5, 9}},
		{"two words", [][]*postings{{p(1, 3, 5, 7, 9)}, {p(0, 3, 4, 9, 10)}}, []uint32{3, 9}},
		{"no common document", [][]*postings{{p(1, 2)}, {p(3, 4)}}, []uint32{}},
		{"alternatives", [][]*postings{{p(1, 4), p(2, 4, 8)}, {p(2, 3, 8, 9)}}, []uint32{2, 8}},
		{"a gap", [][]*postings{{p(1, 2, 3)}, nil, {p(3, 4)}}, []uint32{3}},
		{"three words", [][]*postings{{p(1, 2, 3, 4)}, {p(2, 3, 4)}, {p(0, 4, 5)}}, []uint32{4}},
		{"an empty word", [][]*postings{{p()}, {p(3, 4)}}, []uint32{}},
	}
	for _, tt := range tests {
		got := candidates(tt.ps)
		if !slices.Equal(got, tt.want) || (got == nil) != (tt.want == nil) {
			t.Errorf("%s: candidates = %v, want %v", tt.name, got, tt.want)
		}
	}
}

// TestCandidatesRandom holds candidates to the intersection, over the
// positions with words, of the union of each position's words.
func TestCandidatesRandom(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for range 2000 {
		ps := make([][]*postings, rng.IntN(5))
		for i := range ps {
			ps[i] = make([]*postings, rng.IntN(4))
			for j := range ps[i] {
				var docs []uint32
				for d := range uint32(64) {
					if rng.IntN(3) > 0 && rng.IntN(8) < 1+i+j {
						docs = append(docs, d)
					}
				}
				ps[i][j] = &postings{docs: docs}
			}
		}
		var want []uint32
		some := false
		for d := range uint32(64) {
			in := true
			for _, pos := range ps {
				if len(pos) == 0 {
					continue
				}
				some = true
				held := false
				for _, p := range pos {
					held = held || slices.Contains(p.docs, d)
				}
				in = in && held
			}
			if in && some {
				want = append(want, d)
			}
		}
		if got := candidates(ps); !slices.Equal(got, want) {
			t.Fatalf("candidates(%v) = %v, want %v", ps, got, want)
		}
	}
}

func TestLocPostingsAt(t *testing.T) {
	l := &locPostings{docs: []uint32{2, 7}, off: []uint32{0, 2, 3}, locs: []uint64{1, 4, 9}}
	for doc, want := range map[uint32][]uint64{0: nil, 2: {1, 4}, 5: nil, 7: {9}, 8: nil} {
		if got := l.at(doc); !slices.Equal(got, want) {
			t.Errorf("at(%d) = %v, want %v", doc, got, want)
		}
	}
}

func TestGallop(t *testing.T) {
	a := []uint32{1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21}
	for j := range len(a) + 1 {
		for x := uint32(0); x < 23; x++ {
			want := j
			for want < len(a) && a[want] < x {
				want++
			}
			if got := gallop(a, j, x); got != want {
				t.Errorf("gallop(a, %d, %d) = %d, want %d", j, x, got, want)
			}
		}
	}
}
