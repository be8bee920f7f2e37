package index

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/iq-search/iq/index/expr"
	"github.com/iq-search/iq/index/synth"
	"github.com/iq-search/iq/record"
)

// TestReleaseMapped releases the mapped pages of an open index between
// reads: the records read after it are those read before.
func TestReleaseMapped(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("ReleaseMapped does nothing elsewhere")
	}
	ix, recs := buildCorpus(t)
	read := func() []string {
		var out []string
		for _, r := range recs[:min(len(recs), 20)] {
			got, ok, err := ix.Record(r.ID)
			if err != nil || !ok {
				t.Fatalf("Record(%s) = %v, %v", r.ID, ok, err)
			}
			out = append(out, fmt.Sprint(got))
		}
		return out
	}
	before := read()
	n, err := ix.ReleaseMapped()
	if err != nil {
		t.Fatalf("ReleaseMapped() of %s error = %v", ix.Dir(), err)
	}
	if n == 0 {
		maps, _ := os.ReadFile("/proc/self/maps")
		t.Fatalf("ReleaseMapped() of %s released 0 bytes; want the mapped segments:\n%s", ix.Dir(), maps)
	}
	if after := read(); !reflect.DeepEqual(after, before) {
		t.Errorf("records read after ReleaseMapped differ from those before")
	}
	n, err = PageOutMapped(ix.Dir())
	if err != nil || n == 0 {
		t.Fatalf("PageOutMapped(%s) = %d, %v; want the mapped segments", ix.Dir(), n, err)
	}
	if after := read(); !reflect.DeepEqual(after, before) {
		t.Errorf("records read after PageOutMapped differ from those before")
	}
	if n, err := PageOutMapped(t.TempDir()); err != nil || n != 0 {
		t.Errorf("PageOutMapped(an empty directory) = %d, %v; want 0, nil", n, err)
	}
	if err := ix.Close(); err != nil {
		t.Fatal(err)
	}
	if n, err := ix.ReleaseMapped(); err != nil || n != 0 {
		t.Errorf("ReleaseMapped() after Close = %d, %v; want 0, nil", n, err)
	}
}

// TestPostingBudget: a postings budget too small to keep anything gives
// the same pages as the default.
func TestPostingBudget(t *testing.T) {
	ix, _ := buildCorpus(t)
	trees := []expr.Node{
		expr.Term{Field: record.FieldQuestion, Term: "fastapi", Boost: 1},
		expr.Or{Clauses: []expr.Node{
			expr.Term{Field: record.FieldQuestion, Term: "depend", Boost: 3},
			expr.Term{Field: record.FieldAnswer, Term: "inject", Boost: 1},
		}},
		expr.Phrase{Field: record.FieldQuestion, Terms: [][]string{{"depend"}, {"inject"}}, Boost: 1},
	}
	opts := SearchOptions{Size: 10, Locations: true, Facets: map[string]int{record.FieldLevel: 5}}
	run := func() []*Page {
		var out []*Page
		for _, q := range trees {
			for range 2 { // the second from what the first kept
				p, err := ix.Search(context.Background(), q, opts)
				if err != nil {
					t.Fatalf("Search(%v) error = %v", q, err)
				}
				out = append(out, p)
			}
		}
		return out
	}
	want := run()
	ix.SetPostingBudget(1)
	defer ix.SetPostingBudget(0)
	if got := run(); !reflect.DeepEqual(got, want) {
		t.Errorf("pages with a postings budget of 1 byte differ from the default's")
	}
	for _, p := range want[:2] {
		if len(p.Hits) == 0 {
			t.Errorf("the test's query found nothing: it checks nothing")
		}
	}
}

// TestPageOutMappedWhileBuilding builds the same records twice, once with
// PageOutMapped called on the index directory over and over while scorch
// writes and merges its segments (as iq index does every two seconds),
// once without: both indexes hold the same records and the same terms.
func TestPageOutMappedWhileBuilding(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("PageOutMapped does nothing elsewhere")
	}
	const n = 1500
	build := func(release bool) (*Index, int64) {
		dir := filepath.Join(t.TempDir(), "index")
		done := make(chan struct{})
		var released atomic.Int64
		var wg sync.WaitGroup
		if release {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for {
					select {
					case <-done:
						return
					default:
					}
					m, err := PageOutMapped(dir)
					if err != nil {
						t.Errorf("PageOutMapped(%s) while building: %v", dir, err)
						return
					}
					released.Add(m)
					time.Sleep(time.Millisecond)
				}
			}()
		}
		// Small batches make many segments for scorch to merge.
		err := BuildStream(context.Background(), dir, synth.Stream(n, 1), BuildOptions{Fingerprint: "release-test", BatchSize: 25})
		close(done)
		wg.Wait()
		if err != nil {
			t.Fatalf("BuildStream(%s) error = %v", dir, err)
		}
		ix, err := Open(dir)
		if err != nil {
			t.Fatalf("Open(%s) error = %v", dir, err)
		}
		t.Cleanup(func() { ix.Close() })
		return ix, released.Load()
	}
	want, _ := build(false)
	got, released := build(true)
	t.Logf("PageOutMapped advised %d MB of mappings while building", released>>20)
	if released == 0 {
		t.Fatalf("PageOutMapped released nothing while the index was built; want the segments scorch mapped")
	}
	records := func(ix *Index) map[string]string {
		out := map[string]string{}
		if err := ix.Records(context.Background(), func(r record.Record) error {
			out[r.ID] = fmt.Sprintf("%+v", r)
			return nil
		}); err != nil {
			t.Fatalf("Records: %v", err)
		}
		return out
	}
	if g, w := records(got), records(want); len(g) != n || !reflect.DeepEqual(g, w) {
		t.Errorf("built with PageOutMapped: %d records, %v equal to those built without (%d)", len(g), reflect.DeepEqual(g, w), len(w))
	}
	for _, f := range []string{record.FieldQuestion, record.FieldAnswer, record.FieldCode, record.FieldLevel, record.FieldTopic, record.FieldTag} {
		g, err1 := got.Terms(f)
		w, err2 := want.Terms(f)
		if err1 != nil || err2 != nil {
			t.Fatalf("Terms(%s): %v, %v", f, err1, err2)
		}
		if len(w) == 0 || !reflect.DeepEqual(g, w) {
			t.Errorf("Terms(%s) built with PageOutMapped differ from those built without (%d terms against %d)", f, len(g), len(w))
		}
	}
}
