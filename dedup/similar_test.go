package dedup

import (
	"cmp"
	"context"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/iq-search/iq/record"
)

func TestSimilar(t *testing.T) {
	recs := seedRecords(t)
	ix := NewIndex(recs, Options{})
	for _, tc := range []struct {
		target string
		want   string // in the best match
	}{
		{"How can I use websockets with FastAPI?", "WebSocket"},
		{"How to version an API in FastAPI?", "versioning"},
		{"What is middleware in FastAPI?", "middleware"},
		{"Why is dependency injection useful in FastAPI?", "dependency injection"},
	} {
		ms := ix.Similar(record.Record{Question: tc.target}, 3)
		if len(ms) == 0 || !strings.Contains(ms[0].Question, tc.want) {
			t.Errorf("Similar(%q)[0] = %v; want %q", tc.target, ms, tc.want)
		}
		for i := 1; i < len(ms); i++ {
			if ms[i].Score > ms[i-1].Score {
				t.Errorf("Similar(%q): score %v after %v; want best first", tc.target, ms[i].Score, ms[i-1].Score)
			}
		}
	}
	// A record of the collection is not its own match.
	self := recs[0]
	for _, m := range ix.Similar(self, 5) {
		if m.ID == self.ID {
			t.Errorf("Similar(%q) returned the record itself", self.Question)
		}
	}
}

// TestSimilarPruned: Similar, which scores a candidate only as far as it
// could beat the k-th best, gives the matches of scoring every candidate
// in full (the records sharing a token with the target), with the same
// details, for a computed Index and one loaded from stored features of
// the current format and of format 3.
func TestSimilarPruned(t *testing.T) {
	recs := append(seedRecords(t), corporaRecords(t)...)
	ix := NewIndex(recs, Options{})
	cs := ix.Clusters()
	data, err := ix.MarshalFeatures("k", cs)
	if err != nil {
		t.Fatal(err)
	}
	old, err := ix.marshalFormat3("k", cs)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	lx, err := LoadIndex(ctx, data, "k", Options{})
	if err != nil {
		t.Fatal(err)
	}
	ox, err := LoadIndex(ctx, old, "k", Options{})
	if err != nil {
		t.Fatal(err)
	}
	// every is Similar as it was: every candidate scored in full.
	every := func(ft *features, self string, k int) []Match {
		seen := map[int32]bool{}
		var sc featScratch
		var ms []Match
		consider := func(h uint64) {
			for _, i := range ix.posting(h) {
				if seen[i] {
					continue
				}
				seen[i] = true
				if id := ix.ID(int(i)); id != self {
					if d := score(ft, ix.feat(int(i), &sc), true); d.Score > 0 {
						ms = append(ms, Match{Index: int(i), ID: id, Question: ix.question(int(i)), Score: d.Score, Detail: d})
					}
				}
			}
		}
		for _, tk := range ft.toks {
			consider(tk.h)
		}
		if ft.generic {
			for _, e := range ft.a.e {
				consider(e.h)
			}
		}
		slices.SortFunc(ms, func(a, b Match) int {
			if c := cmp.Compare(b.Score, a.Score); c != 0 {
				return c
			}
			return cmp.Compare(a.ID, b.ID)
		})
		return ms[:min(k, len(ms))]
	}
	checked := 0
	// Scored on one core, and split among workers at any count (scoreAll).
	defer func(p int) { parallelFrom = p }(parallelFrom)
	for _, from := range []int{parallelFrom, 1} {
		parallelFrom = from
		for i := 0; i < len(recs); i += max(1, len(recs)/150) {
			for _, k := range []int{1, 5, 20} {
				want := every(&ix.feats[i], recs[i].ID, k)
				for name, x := range map[string]*Index{"computed": ix, "loaded": lx, "format 3": ox} {
					got, err := x.SimilarToContext(ctx, i, k)
					if err != nil || !reflect.DeepEqual(got, want) {
						t.Fatalf("%s, parallel from %d: SimilarToContext(%d, %d) =\n%+v, %v\nwant\n%+v", name, from, i, k, got, err, want)
					}
				}
				checked += len(want)
			}
		}
	}
	probe := record.Record{Question: "What are the benefits of the GIL in Python?"}
	ft := newFeatures(&probe, ix.st)
	if want, got := every(&ft, "", 10), ix.Similar(probe, 10); !reflect.DeepEqual(got, want) {
		t.Errorf("Similar(%q) = %+v; want %+v", probe.Question, got, want)
	}
	if checked == 0 {
		t.Fatal("no matches compared")
	}
}

// TestSimilarCandidates: past the records it may score, Similar still
// returns its best matches, best first, each with its exact score, taken
// from the records of the target's rarer tokens; how many of the exact
// matches it keeps is logged (BENCHMARKS.md measures it at 1M, where the
// cap is reached; below it Similar is exact: TestSimilarPruned).
func TestSimilarCandidates(t *testing.T) {
	recs := append(seedRecords(t), corporaRecords(t)...)
	ix := NewIndex(recs, Options{})
	ctx := context.Background()
	kept, exact := 0, 0
	for i := 0; i < len(recs); i += max(1, len(recs)/100) {
		ix.SetSimilarCandidates(0)
		want, err := ix.SimilarToContext(ctx, i, 10)
		if err != nil {
			t.Fatal(err)
		}
		ix.SetSimilarCandidates(100)
		got, err := ix.SimilarToContext(ctx, i, 10)
		if err != nil {
			t.Fatal(err)
		}
		// The first 100 split among workers: the same matches.
		from := parallelFrom
		parallelFrom = 1
		split, err := ix.SimilarToContext(ctx, i, 10)
		parallelFrom = from
		if err != nil || !reflect.DeepEqual(split, got) {
			t.Fatalf("SimilarToContext(%d) with 100 candidates split among workers =\n%+v, %v\nwant\n%+v", i, split, err, got)
		}
		var sc featScratch
		for k, m := range got {
			if d := score(&ix.feats[i], ix.feat(m.Index, &sc), true); d.Score != m.Score || m.Score <= 0 {
				t.Fatalf("SimilarToContext(%d) with 100 candidates: match %s scores %v; its score is %v", i, m.ID, m.Score, d.Score)
			}
			if k > 0 && (m.Score > got[k-1].Score || m.Score == got[k-1].Score && m.ID < got[k-1].ID) {
				t.Fatalf("SimilarToContext(%d) with 100 candidates: not best first: %+v", i, got)
			}
		}
		for _, w := range want {
			exact++
			if slices.ContainsFunc(got, func(m Match) bool { return m.ID == w.ID }) {
				kept++
			}
		}
	}
	if exact == 0 {
		t.Fatal("no matches compared")
	}
	t.Logf("with 100 candidates at most, %d of the %d exact matches kept (%.0f%%)", kept, exact, 100*float64(kept)/float64(exact))
}
