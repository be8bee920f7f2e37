package pipeline

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/iq-search/iq/index"
	"github.com/iq-search/iq/query"
	"github.com/iq-search/iq/record"
)

// A refresh re-reads only what changed, and its index holds exactly what a
// full build of the same files would: exact repeats merged across files,
// near-duplicate clusters, a question gone with its last source, one still
// found elsewhere keeping its other answers and sources (issue 13.2).
func TestRefresh(t *testing.T) {
	isolate(t)
	ctx := context.Background()
	src := filepath.Join(t.TempDir(), "bank")
	dir := filepath.Join(t.TempDir(), "index")
	files := map[string]string{
		"a.md": "# FastAPI\n\n## What is dependency injection in FastAPI?\n\nDepends() declares what a path operation needs.\n\n## What is a path parameter?\n\nA part of the URL path read as an argument.\n",
		"b.md": "# More FastAPI\n\n## What is dependency injection in FastAPI?\n\nFastAPI resolves declared dependencies for each request.\n\n## How do you implement WebSocket endpoints in FastAPI?\n\nWith @app.websocket and await websocket.accept().\n",
		"c.md": "# Python\n\n## What is a generator in Python?\n\nA function that yields values lazily.\n",
	}
	for name, body := range files {
		write(t, filepath.Join(src, name), body)
	}
	step := func(name string, wantRead, wantReused int) {
		t.Helper()
		rep, err := Build(ctx, OpenOptions{IndexDir: dir})
		if err != nil {
			t.Fatalf("%s: refresh: %v", name, err)
		}
		if rep.Refresh == nil || rep.Refresh.FilesRead != wantRead || rep.Refresh.FilesReused != wantReused {
			t.Errorf("%s: refresh %+v; want %d files read, %d reused", name, rep.Refresh, wantRead, wantReused)
		}
		full := filepath.Join(t.TempDir(), "full")
		if _, err := Build(ctx, OpenOptions{IndexDir: full, Sources: []string{src}}); err != nil {
			t.Fatalf("%s: full build: %v", name, err)
		}
		got, want := indexRecords(t, dir), indexRecords(t, full)
		if !slices.Equal(keys(got), keys(want)) {
			t.Fatalf("%s: refreshed index holds %v; a full build %v", name, questions(got), questions(want))
		}
		for id, w := range want {
			if g := got[id]; g != w {
				t.Errorf("%s: record %s after refresh\n%s\nfull build\n%s", name, id, g, w)
			}
		}
		if _, err := Check(ctx, OpenOptions{IndexDir: dir}); err != nil {
			t.Errorf("%s: Check: %v", name, err)
		}
	}
	if _, err := Build(ctx, OpenOptions{IndexDir: dir, Sources: []string{src}}); err != nil {
		t.Fatal(err)
	}
	rec := func(q string) (record.Record, bool) {
		for _, r := range decode(t, indexRecords(t, dir)) {
			if r.Question == q {
				return r, true
			}
		}
		return record.Record{}, false
	}
	const di, ws = "What is dependency injection in FastAPI?", "How do you implement WebSocket endpoints in FastAPI?"
	if r, _ := rec(di); len(r.Sources) != 2 {
		t.Fatalf("%q has %d sources after the first build; want 2 (a.md, b.md)", di, len(r.Sources))
	}

	write(t, filepath.Join(src, "a.md"), files["a.md"]+"\n## What is a query parameter?\n\nA key=value pair after the ? of the URL.\n")
	step("edit a.md", 1, 2)

	write(t, filepath.Join(src, "d.md"), "# Realtime\n\n## How can I implement WebSocket endpoints with FastAPI?\n\nDeclare them with @app.websocket.\n")
	step("add d.md", 1, 3)
	r1, _ := rec(ws)
	r2, _ := rec("How can I implement WebSocket endpoints with FastAPI?")
	if r1.Cluster != r2.Cluster {
		t.Errorf("near-duplicates in b.md and d.md: clusters %q and %q; want one", r1.Cluster, r2.Cluster)
	}

	os.Remove(filepath.Join(src, "b.md"))
	step("remove b.md", 0, 3)
	if r, ok := rec(di); !ok || len(r.Sources) != 1 || len(r.Answers) != 1 || filepath.Base(r.Sources[0].File) != "a.md" {
		t.Errorf("%q after b.md went: %+v; want it kept with a.md's answer and source only", di, r.Sources)
	}
	if _, ok := rec(ws); ok {
		t.Errorf("%q is still there after its only file went", ws)
	}
	if r, _ := rec("How can I implement WebSocket endpoints with FastAPI?"); r.Cluster != r.ID {
		t.Errorf("the WebSocket question is still clustered (%s) after its near-duplicate went", r.Cluster)
	}

	os.Remove(filepath.Join(src, "a.md"))
	step("remove a.md", 0, 2)
	if _, ok := rec(di); ok {
		t.Errorf("%q is still there after its last source went", di)
	}

	rep, err := Build(ctx, OpenOptions{IndexDir: dir})
	if err != nil || rep.Refresh == nil || !rep.Refresh.Unchanged {
		t.Errorf("refresh with nothing changed = %+v, %v; want unchanged", rep, err)
	}
}

// indexRecords reads every record of the index in dir as JSON, by ID.
func indexRecords(t *testing.T, dir string) map[string]string {
	t.Helper()
	ix, err := index.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	m := map[string]string{}
	err = ix.Records(context.Background(), func(r record.Record) error {
		b, _ := json.Marshal(r)
		m[r.ID] = string(b)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func decode(t *testing.T, m map[string]string) []record.Record {
	var out []record.Record
	for _, s := range m {
		var r record.Record
		if err := json.Unmarshal([]byte(s), &r); err != nil {
			t.Fatal(err)
		}
		out = append(out, r)
	}
	return out
}

func keys(m map[string]string) []string {
	k := make([]string, 0, len(m))
	for id := range m {
		k = append(k, id)
	}
	slices.Sort(k)
	return k
}

func questions(m map[string]string) []string {
	var q []string
	for _, s := range m {
		var r record.Record
		json.Unmarshal([]byte(s), &r)
		q = append(q, r.Question)
	}
	slices.Sort(q)
	return q
}

// An index built with --taxonomy and --synonyms remembers them: a refresh
// uses them again, and a change to either is seen (issue 13.4).
func TestTaxonomySynonymsRemembered(t *testing.T) {
	isolate(t)
	ctx := context.Background()
	src := notes(t)
	tax := filepath.Join(t.TempDir(), "topics.json")
	syn := filepath.Join(t.TempDir(), "synonyms.txt")
	write(t, tax, `{"topics": {"concurrency": ["goroutine*", "channel*"]}, "tags": {}}`)
	write(t, syn, "# mine\ngr, goroutine\n")
	dir := filepath.Join(t.TempDir(), "index")
	if _, err := Build(ctx, OpenOptions{IndexDir: dir, Sources: []string{src}, Taxonomy: tax, Synonyms: syn}); err != nil {
		t.Fatal(err)
	}
	check := func(step, word, wantQ string) {
		t.Helper()
		s, err := Open(ctx, OpenOptions{IndexDir: dir})
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		res := mustSearch(t, s, query.Request{Text: word})
		if len(res.Hits) == 0 || res.Hits[0].Question != wantQ {
			t.Errorf("%s: search %q = %d hits; want %q first (the synonym list)", step, word, len(res.Hits), wantQ)
		}
		if !slices.Contains(res.Hits[0].Topics, "concurrency") {
			t.Errorf("%s: %q has topics %v; want concurrency (the taxonomy)", step, wantQ, res.Hits[0].Topics)
		}
		m := s.Index().Meta()
		o, _ := originOf(m)
		if o.Taxonomy != tax || o.Synonyms != syn || m.Synonyms != syn {
			t.Errorf("%s: origin %+v, synonyms %s; want %s and %s remembered", step, o, m.Synonyms, tax, syn)
		}
	}
	check("build", "gr", "What is a goroutine?")
	write(t, filepath.Join(src, "go.md"), "# Go\n\n## What is a goroutine?\n\nA lightweight thread.\n")
	if _, err := Build(ctx, OpenOptions{IndexDir: dir}); err != nil {
		t.Fatal(err)
	}
	check("refresh", "gr", "What is a goroutine?")
	write(t, syn, "gor, goroutine\n")
	rep, err := Build(ctx, OpenOptions{IndexDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Refresh != nil && rep.Refresh.Unchanged {
		t.Errorf("a changed synonym list left the index unchanged")
	}
	check("synonyms changed", "gor", "What is a goroutine?")
	// A changed taxonomy makes the cached ingest results stale: every
	// file is read again with it.
	write(t, tax, `{"topics": {"concurrency": ["goroutine*"], "parallelism": ["goroutine*"]}, "tags": {}}`)
	if _, err := Build(ctx, OpenOptions{IndexDir: dir}); err != nil {
		t.Fatal(err)
	}
	s, err := Open(ctx, OpenOptions{IndexDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if res := mustSearch(t, s, query.Request{Text: "goroutine"}); len(res.Hits) == 0 || !slices.Contains(res.Hits[0].Topics, "parallelism") {
		t.Errorf("taxonomy changed: hits %+v; want the goroutine question with topic parallelism", res.Hits)
	}
}
