package index

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"testing"

	bindex "github.com/blevesearch/bleve_index_api"

	"github.com/iq-search/iq/index/expr"
	"github.com/iq-search/iq/index/internal/facets"
	"github.com/iq-search/iq/index/internal/fastrank"
	"github.com/iq-search/iq/index/internal/scorchx"
)

// TestTablesFile holds what Build and Update store in tablesFile to what a
// search reads without it: the facet table and the ID order of the
// generation's snapshot as Open sees it, over an index of many segments
// and an updated one (deleted documents in shared segments).
func TestTablesFile(t *testing.T) {
	built, _ := buildCorpus(t)
	updated, _ := updatedCorpus(t)
	for _, tc := range []struct {
		name string
		ix   *Index
	}{{"built", built}, {"updated", updated}} {
		b, err := os.ReadFile(filepath.Join(tc.ix.gdir, tablesFile))
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if !slices.ContainsFunc(tc.ix.sums, func(s fileSum) bool { return s.Path == tablesFile }) {
			t.Errorf("%s: %s has no checksum in %s", tc.name, tablesFile, metaFile)
		}
		err = tc.ix.withReader(0, func(r bindex.IndexReader) error {
			shape := scorchx.Shape(r)
			if len(shape) < 2 {
				t.Errorf("%s: %d segments; want several", tc.name, len(shape))
			}
			table, order, ok, err := decodeTables(b, shape)
			if err != nil || !ok {
				t.Fatalf("%s: decodeTables = %v, %v; want the tables", tc.name, ok, err)
			}
			want, err := facets.Read(r, tableFields())
			if err != nil {
				return err
			}
			if !bytes.Equal(table.AppendBinary(nil), want.AppendBinary(nil)) {
				t.Errorf("%s: stored facet table differs from the one read from the postings", tc.name)
			}
			wantOrder, err := fastrank.IDOrder(r, nil, nil)
			if err != nil {
				return err
			}
			if !slices.Equal(order, wantOrder) {
				t.Errorf("%s: stored ID order differs from the IDs' order", tc.name)
			}
			// Made for another snapshot: not used.
			other := append(slices.Clone(shape[:len(shape)-1]), shape[len(shape)-1]+1)
			if _, _, ok, err := decodeTables(b, other); ok || err != nil {
				t.Errorf("%s: decodeTables for another snapshot = %v, %v; want not ok, no error", tc.name, ok, err)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
}

// TestTablesFileDamaged: a tables file that does not match its checksum
// fails the search with ErrCorrupt, naming it, when Open did not read it
// (large indexes are checked quickly on open); cut or bad encodings are
// errors, never panics.
func TestTablesFileDamaged(t *testing.T) {
	recs := loadCorpus(t)
	dir := filepath.Join(t.TempDir(), "index")
	if err := Build(context.Background(), dir, recs, BuildOptions{BatchSize: 16}); err != nil {
		t.Fatal(err)
	}
	p, err := readPointer(dir)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, p.Generation, tablesFile)
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	ix, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	var shape []uint64
	ix.withReader(0, func(r bindex.IndexReader) error { shape = scorchx.Shape(r); return nil })
	ix.Close()
	if _, _, ok, err := decodeTables(b, shape); !ok || err != nil {
		t.Fatalf("decodeTables = %v, %v; want the tables", ok, err)
	}
	// Without the checksum, a cut or a flipped byte is an error or another
	// snapshot's tables, never a panic; a cut never decodes.
	for n := range len(b) {
		if _, _, ok, _ := decodeTables(b[:n], shape); ok {
			t.Fatalf("decodeTables of the first %d of %d bytes = ok", n, len(b))
		}
		d := slices.Clone(b)
		d[n] ^= 0xff
		decodeTables(d, shape)
	}
	d := slices.Clone(b)
	d[len(d)/2] ^= 0x40
	if err := os.WriteFile(path, d, 0o644); err != nil {
		t.Fatal(err)
	}
	ix, err = OpenVerify(dir, verifyNone)
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	_, err = ix.Search(context.Background(), expr.All{}, SearchOptions{Size: 1, Facets: map[string]int{"level": 3}})
	if !errors.Is(err, ErrCorrupt) || !bytes.Contains([]byte(err.Error()), []byte(tablesFile)) {
		t.Errorf("Search over a damaged %s = %v; want ErrCorrupt naming it", tablesFile, err)
	}
}
