package pipeline

import (
	"context"
	"encoding/json"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/iq-search/iq/dedup"
	"github.com/iq-search/iq/index"
	"github.com/iq-search/iq/query"
	"github.com/iq-search/iq/record"
)

// TestDupsDecisions: a maintainer's decisions file is applied at the build,
// remembered by the index and applied again at a refresh, and listed by
// Dups; acronyms the collection spells out reach search.
func TestDupsDecisions(t *testing.T) {
	isolate(t)
	src := filepath.Join(t.TempDir(), "bank")
	write(t, filepath.Join(src, "a.md"), "# Python\n\n## What is the Global Interpreter Lock (GIL) in Python?\n\nA mutex that lets one thread run Python bytecode at a time.\n\n## How does Python manage memory?\n\nReference counting and a cyclic garbage collector.\n\n## What is a closure in Python?\n\nA function that keeps the variables of its enclosing scope.\n")
	write(t, filepath.Join(src, "b.md"), "# More Python\n\n## How does Python's garbage collection work?\n\nReference counting, and a generational collector for cycles.\n\n## Explain closures in Python.\n\nA nested function that remembers its enclosing scope's variables.\n")
	decisions := filepath.Join(t.TempDir(), "dups.json")
	write(t, decisions, `{
  "duplicates": [[{"question": "How does Python manage memory?"}, {"question": "How does Python's garbage collection work?"}]],
  "not_duplicates": [[{"question": "What is a closure in Python?"}, {"question": "Explain closures in Python."}]],
  "alone": [{"question": "What is a decorator?"}]
}`)
	dir := filepath.Join(t.TempDir(), "idx")
	ctx := context.Background()
	check := func(when string) {
		t.Helper()
		s, err := Open(ctx, OpenOptions{IndexDir: dir})
		if err != nil {
			t.Fatalf("%s: Open: %v", when, err)
		}
		defer s.Close()
		res, err := s.Dups(ctx, query.DupsRequest{})
		if err != nil {
			t.Fatalf("%s: Dups: %v", when, err)
		}
		var clusters [][]string
		for _, c := range res.Clusters {
			var qs []string
			for _, m := range c.Members {
				qs = append(qs, m.Question)
			}
			slices.Sort(qs)
			clusters = append(clusters, qs)
		}
		want := [][]string{{"How does Python manage memory?", "How does Python's garbage collection work?"}}
		if !slices.EqualFunc(clusters, want, slices.Equal) {
			t.Errorf("%s: clusters = %q; want %q (joined by the decisions, closures kept apart)", when, clusters, want)
		}
		if len(res.Decisions) != 3 || res.Decisions[1].Kind != "alone" || len(res.Decisions[1].Missing) != 1 {
			t.Errorf("%s: Dups decisions = %+v; want the three, the decorator missing", when, res.Decisions)
		}
		if hits := hits(t, s, "GIL"); len(hits) == 0 || !strings.Contains(hits[0], "Global Interpreter Lock") {
			t.Errorf("%s: search GIL = %q; want the GIL question", when, hits)
		}
	}
	if _, err := Build(ctx, OpenOptions{IndexDir: dir, Sources: []string{src}, Decisions: decisions}); err != nil {
		t.Fatal(err)
	}
	check("build")
	if _, err := Build(ctx, OpenOptions{IndexDir: dir}); err != nil {
		t.Fatal(err)
	}
	check("refresh")
	// A new decisions file alone (no source changed) reaches the index.
	write(t, decisions, `{"not_duplicates": [[{"question": "How does Python manage memory?"}, {"question": "How does Python's garbage collection work?"}]]}`)
	rep, err := Build(ctx, OpenOptions{IndexDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Refresh != nil && rep.Refresh.Unchanged {
		t.Errorf("refresh after the decisions changed: unchanged; want a new generation")
	}
	s, err := Open(ctx, OpenOptions{IndexDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	res, err := s.Dups(ctx, query.DupsRequest{})
	s.Close()
	if err != nil || len(res.Decisions) != 1 || res.Decisions[0].Kind != "not_duplicates" {
		t.Errorf("refresh after the decisions changed: decisions %+v, %v; want the new one", res.Decisions, err)
	}
	write(t, decisions, `{"duplicates": [[{"question": "How does Python manage memory?"}]]}`)
	if _, err := Build(ctx, OpenOptions{IndexDir: dir}); err == nil || !strings.Contains(err.Error(), "duplicates[0]: 1 questions, want two or more") {
		t.Errorf("refresh with a bad decisions file: error %v; want it to name the bad group", err)
	}
}

// TestFeaturesStored: a build stores the duplicate features of its
// records, made by this code, loadable over the records as the index
// returns them; a refresh stores them again.
func TestFeaturesStored(t *testing.T) {
	isolate(t)
	src := filepath.Join(t.TempDir(), "bank")
	write(t, filepath.Join(src, "a.md"), "# Go\n\n## What is a goroutine?\n\nA function running concurrently with others.\n\n## What is a channel in Go?\n\nA typed pipe between goroutines.\n")
	dir := filepath.Join(t.TempDir(), "idx")
	ctx := context.Background()
	check := func(when string, want int) {
		t.Helper()
		ix, err := index.Open(dir)
		if err != nil {
			t.Fatal(err)
		}
		defer ix.Close()
		var recs []record.Record
		if err := ix.Records(ctx, func(r record.Record) error { recs = append(recs, r); return nil }); err != nil {
			t.Fatal(err)
		}
		data, err := ix.Attachment(query.FeaturesAttachment)
		if err != nil {
			t.Fatalf("%s: %v", when, err)
		}
		var opts dedup.Options
		if b, err := ix.Attachment(query.DedupAttachment); err != nil || json.Unmarshal(b, &opts) != nil {
			t.Fatalf("%s: read %s: %v", when, query.DedupAttachment, err)
		}
		dd, err := dedup.LoadIndex(ctx, data, buildID(), opts)
		if err != nil || len(recs) != want || dd.Len() != want {
			t.Fatalf("%s: load the stored features of %d records: %v; want %d records loaded", when, len(recs), err, want)
		}
		for _, r := range recs {
			if _, ok := dd.Lookup(r.ID); !ok {
				t.Errorf("%s: no stored features for record %s", when, r.ID)
			}
		}
	}
	if _, err := Build(ctx, OpenOptions{IndexDir: dir, Sources: []string{src}}); err != nil {
		t.Fatal(err)
	}
	check("build", 2)
	write(t, filepath.Join(src, "b.md"), "# Go\n\n## What is a slice in Go?\n\nA view of an array.\n")
	if _, err := Build(ctx, OpenOptions{IndexDir: dir}); err != nil {
		t.Fatal(err)
	}
	check("refresh", 3)
}

// TestServingClusterSizes: a searcher opened to serve (Serving) takes the
// sizes of the near-duplicate clusters it collapses by from the stored
// duplicate features once they are loaded, or counts them on its first
// search; both give the searches of a searcher that counts them when it
// opens, hit for hit, with the same collapsed and similar counts.
func TestServingClusterSizes(t *testing.T) {
	isolate(t)
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "idx")
	opts := OpenOptions{IndexDir: dir, Embedded: true}
	if _, err := Build(ctx, opts); err != nil {
		t.Fatal(err)
	}
	answers := func(s *query.Searcher) []string {
		t.Helper()
		var out []string
		collapsed := 0
		for _, q := range []string{"", "python", "closure", "database index", "react", "what is", "level:beginner"} {
			for _, all := range []bool{false, true} {
				res := mustSearch(t, s, query.Request{Text: q, Limit: 50, All: all})
				res.TookMS = 0
				b, err := json.Marshal(res)
				if err != nil {
					t.Fatal(err)
				}
				out = append(out, string(b))
				collapsed += res.Collapsed
			}
		}
		if collapsed == 0 {
			t.Fatalf("no search collapsed a cluster: nothing compared")
		}
		return out
	}
	open := func(o OpenOptions, prepare bool) []string {
		t.Helper()
		s, err := Open(ctx, o)
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		if prepare {
			if ok, err := s.PrepareDups(ctx); !ok || err != nil {
				t.Fatalf("PrepareDups = %v, %v; want the stored features loaded", ok, err)
			}
		}
		return answers(s)
	}
	want := open(opts, false)
	serving := opts
	serving.Serving = true
	for _, prepare := range []bool{true, false} {
		if got := open(serving, prepare); !slices.Equal(got, want) {
			t.Errorf("serving, features loaded first %v: searches differ\n%q\nwant\n%q", prepare, got, want)
		}
	}
}

// TestDupsDecisionsShown: over the seed documents of the embedded corpus,
// a member a maintainer's decision joins to a cluster says so (its score
// against the canonical question is low, and its guards alone would read
// as a reason to part them), and so does a canonical question a decision
// chose; other members carry no decision.
func TestDupsDecisionsShown(t *testing.T) {
	isolate(t)
	seeds, err := filepath.Glob(filepath.Join("..", "corpus", "fastapi-*"))
	if err != nil || len(seeds) == 0 {
		t.Fatalf("seed documents: %v, %d found", err, len(seeds))
	}
	const (
		handlers = "How does FastAPI handle exceptions, and how can you create custom exception handlers?"
		errs     = "How can you handle errors and exceptions in FastAPI?"
		chosen   = "What are the key advantages of using FastAPI?"
	)
	decisions := filepath.Join(t.TempDir(), "dups.json")
	write(t, decisions, `{"duplicates": [[{"question": "`+handlers+`"}, {"question": "`+errs+`"}]], "canonical": [{"question": "`+chosen+`"}]}`)
	dir := filepath.Join(t.TempDir(), "idx")
	ctx := context.Background()
	if _, err := Build(ctx, OpenOptions{IndexDir: dir, Sources: seeds, Decisions: decisions}); err != nil {
		t.Fatal(err)
	}
	s, err := Open(ctx, OpenOptions{IndexDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	res, err := s.Dups(ctx, query.DupsRequest{Limit: query.MaxDupsLimit})
	if err != nil {
		t.Fatal(err)
	}
	found := map[string]bool{}
	for _, c := range res.Clusters {
		for k, m := range c.Members {
			want := ""
			switch {
			case m.Question == chosen:
				if k != 0 {
					t.Errorf("cluster %q: the chosen canonical question %q is member %d", c.Question, chosen, k)
				}
				want = query.DecisionCanonical
			case m.Question == errs && c.Question == handlers, m.Question == handlers && c.Question == errs:
				want = query.DecisionDuplicates
				if !strings.HasPrefix(m.Reason, "the same by a maintainer's decision; score: ") {
					t.Errorf("member %q: reason %q; want it to start with the decision", m.Question, m.Reason)
				}
			}
			if m.Decision != want {
				t.Errorf("cluster %q, member %q: decision %q; want %q (score %.3f, reason %q)", c.Question, m.Question, m.Decision, want, m.Score, m.Reason)
			}
			if want != "" {
				found[want] = true
			}
		}
	}
	if !found[query.DecisionCanonical] || !found[query.DecisionDuplicates] {
		t.Errorf("decisions shown: %v; want both the canonical and the joined member", found)
	}

	// The sources given again without the decisions: the build says it
	// does not use them any more.
	rep, err := Build(ctx, OpenOptions{IndexDir: dir, Sources: seeds})
	if err != nil {
		t.Fatal(err)
	}
	if want := []NotKept{{Flag: "--dups-decisions", Path: decisions}}; !slices.Equal(rep.NotKept, want) {
		t.Errorf("build without the decisions: NotKept = %+v; want %+v", rep.NotKept, want)
	}
	if rep, err = Build(ctx, OpenOptions{IndexDir: dir, Sources: seeds}); err != nil || len(rep.NotKept) != 0 {
		t.Errorf("build again: NotKept = %+v, %v; want none", rep.NotKept, err)
	}
}
