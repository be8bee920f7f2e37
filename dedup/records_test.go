package dedup

import (
	"context"
	"os"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/iq-search/iq/corpus"
	"github.com/iq-search/iq/ingest"
	"github.com/iq-search/iq/record"
)

// repoRoot is the module root, found from this file's location.
func repoRoot(t testing.TB) string {
	t.Helper()
	_, file, _, ok := runtimeCaller()
	if !ok {
		t.Fatal("runtime.Caller failed")
	}
	return filepath.Join(filepath.Dir(file), "..")
}

// sharedDir returns ../shared beside the repository, skipping the test when
// it is absent.
func sharedDir(t testing.TB) string {
	t.Helper()
	dir := filepath.Join(repoRoot(t), "..", "shared")
	if _, err := os.Stat(dir); err != nil {
		t.Skipf("shared data not available: %v", err)
	}
	return dir
}

// seedRecords ingests the embedded corpus.
func seedRecords(t testing.TB) []record.Record {
	t.Helper()
	recs, _, err := ingest.FS(context.Background(), corpus.Seeds(), ingest.Options{})
	if err != nil {
		t.Fatalf("ingest embedded corpus: %v", err)
	}
	return recs
}

// corporaFiles are the files of ../shared/corpora the tests need: the
// banks that copy each other's JavaScript and React questions, and
// lydiahallie's hundred "What's the output?".
var corporaFiles = []string{
	"lydiahallie__javascript-questions/README.md",
	"Devinterview-io__react-interview-questions/README.md",
	"Devinterview-io__javascript-interview-questions/README.md",
	"sudheerj__reactjs-interview-questions/README.md",
	"h5bp__Front-end-Developer-Interview-Questions/src/questions/javascript-questions.md",
	"h5bp__Front-end-Developer-Interview-Questions/src/questions/general-questions.md",
	"h5bp__Front-end-Developer-Interview-Questions/src/questions/css-questions.md",
	"h5bp__Front-end-Developer-Interview-Questions/src/questions/html-questions.md",
}

// corporaRecords ingests corporaFiles, skipping the test when
// ../shared is absent.
func corporaRecords(t testing.TB) []record.Record {
	t.Helper()
	dir := filepath.Join(sharedDir(t), "corpora")
	var paths []string
	for _, f := range corporaFiles {
		paths = append(paths, filepath.Join(dir, f))
	}
	recs, _, err := ingest.Paths(context.Background(), paths, ingest.Options{})
	if err != nil {
		t.Fatalf("ingest corpora: %v", err)
	}
	return recs
}

// runtimeCaller is runtime.Caller(0) of this file: the path of the
// package's source directory.
func runtimeCaller() (uintptr, string, int, bool) { return runtime.Caller(0) }
