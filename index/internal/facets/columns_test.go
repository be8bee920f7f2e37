package facets

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
)

// randomTable returns a table of docs documents over two fields: a few
// common values and many rare ones, with a share of documents holding
// neither field (as readTable lays it out: values, then a presence
// ordinal per field).
func randomTable(r *rand.Rand, docs int) *Table {
	t := &Table{}
	for i := range 40 {
		t.values = append(t.values, fmt.Sprintf("v%02d", i))
		t.field = append(t.field, uint8(i%2))
	}
	t.start = make([]uint32, docs+1)
	for d := range docs {
		var ords []uint32
		has := [2]bool{}
		for o := range t.values {
			p := 0.5 // common values: bits
			if o >= 4 {
				p = 0.01 // rare ones: lists
			}
			if r.Float64() < p {
				ords = append(ords, uint32(o))
				has[t.field[o]] = true
			}
		}
		for f, h := range has {
			if h {
				ords = append(ords, uint32(len(t.values)+f))
			}
		}
		t.ords = append(t.ords, ords...)
		t.start[d+1] = uint32(len(t.ords))
	}
	return t
}

// TestCountSetMatchesCount holds counting by value to counting hit by hit,
// over slices of the documents that do not fall on word boundaries and a
// set that runs past the table.
func TestCountSetMatchesCount(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for _, docs := range []int{1, 63, 64, 65, 1000, 5000} {
		tab := randomTable(r, docs)
		for _, density := range []float64{0, 0.01, 0.3, 1} {
			set := make([]uint64, (docs+100)/64+1)
			var hits []uint32
			for d := range uint32(docs + 100) {
				if r.Float64() < density {
					set[d>>6] |= 1 << (d & 63)
					hits = append(hits, d)
				}
			}
			for _, cut := range [][2]uint32{{0, ^uint32(0)}, {0, uint32(docs / 3)}, {uint32(docs / 3), uint32(docs*2/3 + 1)}, {7, 9}, {uint32(docs), ^uint32(0)}} {
				from, to := cut[0], cut[1]
				c := &Counter{fields: []string{"a", "b"}, sizes: []int{100, 100}}
				want, got := c.NewPart(tab), c.NewPart(tab)
				n := 0
				for _, d := range hits {
					if d >= from && d < to {
						want.Count(d)
						n++
					}
				}
				want.SetHits(n)
				got.CountSet(set, from, to)
				got.SetHits(n)
				if !slices.Equal(got.counts, want.counts) {
					t.Errorf("docs %d, density %v, %d..%d: CountSet = %v; want %v", docs, density, from, to, got.counts, want.counts)
				}
			}
		}
	}
}
