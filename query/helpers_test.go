package query

import (
	"context"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"testing"

	"github.com/iq-search/iq/internal/fuzzkit"

	"github.com/iq-search/iq/corpus"
	"github.com/iq-search/iq/dedup"
	"github.com/iq-search/iq/index"
	"github.com/iq-search/iq/ingest"
	"github.com/iq-search/iq/record"
)

// repoRoot is the module root, found from this file's location.
func repoRoot(t testing.TB) string {
	_, file, _, ok := runtime.Caller(0)
	if !ok {
		t.Fatal("cannot locate the test file")
	}
	return filepath.Dir(filepath.Dir(file))
}

// sharedDir returns ../shared beside the repository, skipping the test when
// it is absent.
func sharedDir(t testing.TB) string {
	d := filepath.Join(repoRoot(t), "..", "shared")
	if _, err := os.Stat(d); err != nil {
		t.Skipf("no shared data at %s: %v", d, err)
	}
	return d
}

var embedded struct {
	once sync.Once
	dir  string
	s    *Searcher
	recs []record.Record
	err  error
}

// embeddedSearcher opens (building once per test binary) an index of the
// embedded corpus, and returns the records it was built from.
func embeddedSearcher(t testing.TB) (*Searcher, []record.Record) {
	t.Helper()
	embedded.once.Do(func() {
		dir, err := os.MkdirTemp("", "iq-query-test-")
		if err != nil {
			embedded.err = err
			return
		}
		embedded.dir = filepath.Join(dir, "index")
		embedded.recs, embedded.err = loadRecords(nil)
		if embedded.err != nil {
			return
		}
		embedded.s, embedded.err = buildSearcher(embedded.dir, embedded.recs)
	})
	if embedded.err != nil {
		t.Fatalf("open embedded index: %v", embedded.err)
	}
	return embedded.s, embedded.recs
}

// loadRecords ingests the given files and folders, or the embedded corpus
// when there are none, and clusters near-duplicates: what package pipeline
// does before indexing (query cannot import it).
func loadRecords(sources []string) ([]record.Record, error) {
	var (
		recs []record.Record
		err  error
	)
	if len(sources) == 0 {
		recs, _, err = ingest.FS(context.Background(), corpus.Seeds(), ingest.Options{})
	} else {
		recs, _, err = ingest.Paths(context.Background(), sources, ingest.Options{})
	}
	if err != nil {
		return nil, err
	}
	dedup.Assign(recs, dedup.Find(recs, dedup.Options{}))
	return recs, nil
}

// buildSearcher builds an index of recs in dir and opens a Searcher on it.
func buildSearcher(dir string, recs []record.Record) (*Searcher, error) {
	if err := index.Build(context.Background(), dir, recs, index.BuildOptions{Fingerprint: "test"}); err != nil {
		return nil, err
	}
	ix, err := index.Open(dir)
	if err != nil {
		return nil, err
	}
	s, err := NewSearcher(ix)
	if err != nil {
		ix.Close()
		return nil, err
	}
	return s, nil
}

// openSearcher opens the index in dir and a Searcher over it, failing the
// test when either fails; the caller closes it.
func openSearcher(t testing.TB, dir string) *Searcher {
	t.Helper()
	ix, err := index.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	s, err := NewSearcher(ix)
	if err != nil {
		ix.Close()
		t.Fatal(err)
	}
	return s
}

// sourcesSearcher builds an index of the given files and folders in a
// temporary directory and opens it, closing it when the test ends.
func sourcesSearcher(t testing.TB, sources ...string) *Searcher {
	t.Helper()
	recs, err := loadRecords(sources)
	if err != nil {
		t.Fatalf("ingest %v: %v", sources, err)
	}
	s, err := buildSearcher(filepath.Join(t.TempDir(), "index"), recs)
	if err != nil {
		t.Fatalf("index %v: %v", sources, err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func TestMain(m *testing.M) {
	fuzzkit.Init()
	code := m.Run()
	if embedded.s != nil {
		embedded.s.Close()
	}
	if embedded.dir != "" {
		os.RemoveAll(filepath.Dir(embedded.dir))
	}
	os.Exit(code)
}
