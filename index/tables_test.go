package index

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"reflect"
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
		if !bytes.HasPrefix(b, tablesMagic) {
			t.Errorf("%s: %s starts %q; want %q", tc.name, tablesFile, b[:min(len(b), len(tablesMagic))], tablesMagic)
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
			// The stored columns (format 3) against those built from the
			// table read from the postings.
			if !bytes.Equal(table.AppendColumns(nil), want.AppendColumns(nil)) {
				t.Errorf("%s: stored facet columns differ from those built from the postings", tc.name)
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
	// A server's preload loads the tables before any search: the damage
	// is its error, and the searches' after it.
	ix2, err := OpenVerify(dir, verifyNone)
	if err != nil {
		t.Fatal(err)
	}
	defer ix2.Close()
	if _, err := ix2.PreloadSearch(context.Background(), nil); !errors.Is(err, ErrCorrupt) || !bytes.Contains([]byte(err.Error()), []byte(tablesFile)) {
		t.Errorf("PreloadSearch over a damaged %s = %v; want ErrCorrupt naming it", tablesFile, err)
	}
	if _, err := ix2.Search(context.Background(), expr.All{}, SearchOptions{Size: 1}); !errors.Is(err, ErrCorrupt) {
		t.Errorf("Search after PreloadSearch found a damaged %s = %v; want ErrCorrupt", tablesFile, err)
	}
}

// TestTablesFileFormat2: an index whose tables file is in format 2 (built
// before the facet columns were stored in it) opens and searches as it did,
// its columns built from the stored table on first use, and answers as the
// same index with format 3's file.
func TestTablesFileFormat2(t *testing.T) {
	recs := loadCorpus(t)
	dir := filepath.Join(t.TempDir(), "index")
	if err := Build(context.Background(), dir, recs, BuildOptions{BatchSize: 16}); err != nil {
		t.Fatal(err)
	}
	facetsAll := map[string]int{}
	for _, f := range tableFields() {
		facetsAll[f] = 5
	}
	queries := []expr.Node{expr.All{}, expr.Term{Field: "question", Term: "fastapi", Boost: 1}, expr.Term{Field: "level", Term: "advanced", Boost: 1}}
	search := func() []*Page {
		ix, err := Open(dir)
		if err != nil {
			t.Fatal(err)
		}
		defer ix.Close()
		var pages []*Page
		for _, q := range queries {
			p, err := ix.Search(context.Background(), q, SearchOptions{Size: 10, Facets: facetsAll})
			if err != nil {
				t.Fatalf("Search(%v) = %v", q, err)
			}
			pages = append(pages, p)
		}
		return pages
	}
	want := search()
	for i, p := range want {
		if p.Total == 0 || len(p.Facets) != len(facetsAll) {
			t.Fatalf("search %v: %d hits, %d facets; want hits and every facet", queries[i], p.Total, len(p.Facets))
		}
	}
	ix, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(ix.gdir, tablesFile))
	if err != nil {
		t.Fatal(err)
	}
	var v2 []byte
	ix.withReader(0, func(r bindex.IndexReader) error {
		shape := scorchx.Shape(r)
		table, order, ok, err := decodeTables(b, shape)
		if !ok || err != nil {
			t.Fatalf("decodeTables = %v, %v; want the tables", ok, err)
		}
		v2 = encodeTables(shape, tableFields(), table, order, false)
		old, oldOrder, ok, err := decodeTables(v2, shape)
		if !ok || err != nil {
			t.Fatalf("decodeTables of format 2 = %v, %v; want the tables", ok, err)
		}
		if !bytes.Equal(old.AppendBinary(nil), table.AppendBinary(nil)) || !slices.Equal(oldOrder, order) {
			t.Errorf("format 2's tables differ from format 3's")
		}
		if !bytes.Equal(old.AppendColumns(nil), table.AppendColumns(nil)) {
			t.Errorf("columns built from format 2's table differ from format 3's stored ones")
		}
		return nil
	})
	ix.Close()
	rewriteTables(t, dir, v2)
	if got := search(); !reflect.DeepEqual(got, want) {
		t.Errorf("searches over format 2's tables file differ from format 3's:\n%+v\nwant\n%+v", got, want)
	}
}

// rewriteTables replaces the tables file of the index in dir with b, and
// its checksum in the generation's metadata (and so the pointer).
func rewriteTables(t *testing.T, dir string, b []byte) {
	t.Helper()
	p, err := readPointer(dir)
	if err != nil {
		t.Fatal(err)
	}
	gdir := filepath.Join(dir, p.Generation)
	dm, err := readGenMeta(gdir, p.MetaCRC)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(gdir, tablesFile)
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
	s, err := sumFile(path, false)
	if err != nil {
		t.Fatal(err)
	}
	s.Path = tablesFile
	i := slices.IndexFunc(dm.Files, func(s fileSum) bool { return s.Path == tablesFile })
	if i < 0 {
		t.Fatalf("%s has no %s", gdir, tablesFile)
	}
	dm.Files[i] = s
	m, err := json.MarshalIndent(dm, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(gdir, metaFile), append(m, '\n'), 0o644); err != nil {
		t.Fatal(err)
	}
	p.MetaCRC = crcOf(append(m, '\n'))
	if err := writePointer(dir, p); err != nil {
		t.Fatal(err)
	}
}
