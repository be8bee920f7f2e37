package query

import (
	"context"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"testing"

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
		embedded.recs, _, embedded.err = LoadRecords(context.Background(), nil)
		if embedded.err != nil {
			return
		}
		embedded.s, embedded.err = Open(context.Background(), OpenOptions{IndexDir: embedded.dir})
	})
	if embedded.err != nil {
		t.Fatalf("open embedded index: %v", embedded.err)
	}
	return embedded.s, embedded.recs
}

func TestMain(m *testing.M) {
	code := m.Run()
	if embedded.s != nil {
		embedded.s.Close()
	}
	if embedded.dir != "" {
		os.RemoveAll(filepath.Dir(embedded.dir))
	}
	os.Exit(code)
}
