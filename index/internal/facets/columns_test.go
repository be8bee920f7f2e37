package facets

import (
	"encoding/binary"
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

// TestColumnsRoundTrip: the columns AppendColumns writes decode to the
// same columns, which count a set as the columns built from the table do;
// a cut encoding is an error, a flipped byte an error or a table that
// counts without panicking.
func TestColumnsRoundTrip(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for _, docs := range []int{1, 64, 1000, 5000} {
		tab := randomTable(r, docs)
		// Behind a byte, as in a file, so that the arrays' padding is not
		// that of the start.
		b := tab.AppendColumns([]byte{0})
		decode := func(b []byte) (*Table, error) {
			got := &Table{values: tab.values, field: tab.field, start: tab.start, ords: tab.ords}
			rest, err := got.DecodeColumns(b[1:], 2)
			if err == nil && len(rest) != 0 {
				t.Fatalf("docs %d: %d bytes left after the columns", docs, len(rest))
			}
			return got, err
		}
		got, err := decode(b)
		if err != nil {
			t.Fatalf("docs %d: DecodeColumns = %v", docs, err)
		}
		if again := got.AppendColumns([]byte{0}); !slices.Equal(again, b) {
			t.Errorf("docs %d: decoded columns encode differently", docs)
		}
		set := make([]uint64, docs/64+1)
		for d := range docs {
			if r.Float64() < 0.3 {
				set[d>>6] |= 1 << (d & 63)
			}
		}
		c := &Counter{fields: []string{"a", "b"}, sizes: []int{100, 100}}
		want, have := c.NewPart(tab), c.NewPart(got)
		want.CountSet(set, 0, uint32(docs))
		have.CountSet(set, 0, uint32(docs))
		if !slices.Equal(have.counts, want.counts) {
			t.Errorf("docs %d: CountSet over decoded columns = %v; want %v", docs, have.counts, want.counts)
		}
		if docs > 1000 {
			continue
		}
		for n := 1; n < len(b); n++ {
			if _, err := decode(b[:n]); err == nil {
				t.Fatalf("docs %d: DecodeColumns of %d of %d bytes = no error", docs, n-1, len(b)-1)
			}
			d := slices.Clone(b)
			d[n] ^= 0xff
			if got, err := decode(d); err == nil {
				p := c.NewPart(got)
				p.CountSet(set, 0, uint32(docs))
			}
		}
	}
}

// TestDecodeWordsCopies: values that do not sit at a multiple of their
// size decode by copy to the same values as aliased ones.
func TestDecodeWordsCopies(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	want32 := make([]uint32, 257)
	want64 := make([]uint64, 129)
	for i := range want32 {
		want32[i] = r.Uint32()
	}
	for i := range want64 {
		want64[i] = r.Uint64()
	}
	enc := appendWords(nil, len(want32), 4)
	for _, v := range want32 {
		enc = binary.LittleEndian.AppendUint32(enc, v)
	}
	enc = appendWords(enc, len(want64), 8)
	for _, v := range want64 {
		enc = binary.LittleEndian.AppendUint64(enc, v)
	}
	for _, shift := range []int{0, 1, 3} {
		// enc at shift bytes past an 8-aligned address.
		buf := make([]byte, len(enc)+shift)[shift:]
		copy(buf, enc)
		d := decoder{b: buf}
		got32, got64 := d.uint32s(), d.uint64s()
		if d.err != nil || len(d.b) != 0 {
			t.Fatalf("shift %d: decode = %v, %d bytes left", shift, d.err, len(d.b))
		}
		if !slices.Equal(got32, want32) || !slices.Equal(got64, want64) {
			t.Errorf("shift %d: decoded values differ from those encoded", shift)
		}
	}
}
