package main

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
)

// iq index takes a web page, standard input and a records file beside
// files; the index finds their questions; an index of standard input
// cannot be refreshed, and says so.
func TestIndexInputs(t *testing.T) {
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/react.html" {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "text/html")
		fmt.Fprint(w, `<html><body><main><h1>React</h1><h2>What are React hooks?</h2><p>Functions that let components use state.</p></main></body></html>`)
	}))
	defer ts.Close()
	dir := t.TempDir()
	index := filepath.Join(dir, "index")
	stdin := `{"question":"What is the bias-variance trade-off?","answers":[{"text":"Simple models underfit, complex ones overfit."}],"level":"intermediate"}` + "\n"
	code, stdout, stderr := iqIn(t, stdin, "index", ts.URL+"/react.html", "-", ts.URL+"/missing", "--index", index)
	if code != 0 || !strings.Contains(stdout, "indexed 2 questions from 3 path(s)") {
		t.Fatalf("iq index URL - URL: exit %d\n%s%s", code, stdout, stderr)
	}
	if want := "iq: skipped " + ts.URL + "/missing: unreadable: HTTP 404 Not Found"; !strings.Contains(stderr, want) {
		t.Errorf("stderr %q; want %q", stderr, want)
	}
	for q, source := range map[string]string{"react hooks": ts.URL + "/react.html", "bias variance": "-"} {
		code, out, _ := iq(t, "search", q, "--index", index)
		if code != 0 || !strings.Contains(out, source) {
			t.Errorf("iq search %q: exit %d, %q; want a hit from %s", q, code, out, source)
		}
	}
	code, _, stderr = iq(t, "index", "--index", index)
	if code != 1 || !strings.Contains(stderr, "it was built from standard input, which cannot be read again") {
		t.Errorf("refresh of an index of stdin: exit %d, %q", code, stderr)
	}
	if code, _, stderr := iq(t, "ingest", "--format", "pdf", "-"); code != 2 || !strings.HasPrefix(stderr, `iq: --format: unknown format "pdf", want one of text, markdown, html, jsonl, csv`) {
		t.Errorf("iq ingest --format pdf: exit %d, %q", code, stderr)
	}
	// iq ingest - with a forced format.
	code, stdout, _ = iqIn(t, "What is a closure?\n\nA function with its scope.\n", "ingest", "-", "--format", "markdown")
	if code != 0 || !strings.Contains(stdout, `"question":"What is a closure?"`) {
		t.Errorf("iq ingest - --format markdown: exit %d, %q", code, stdout)
	}
}
