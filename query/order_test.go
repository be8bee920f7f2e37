package query

import (
	"cmp"
	"context"
	"slices"
	"testing"

	"github.com/iq-search/iq/record"
)

// pages collects every hit of req by paging Search, MaxLimit at a time.
func pages(t *testing.T, s *Searcher, req Request) []Hit {
	t.Helper()
	req.Limit = MaxLimit
	var hits []Hit
	for req.Offset = 0; ; req.Offset += MaxLimit {
		res := mustSearch(t, s, req)
		hits = append(hits, res.Hits...)
		if len(res.Hits) < MaxLimit {
			return hits
		}
	}
}

func streamed(t *testing.T, s *Searcher, req Request) (*Result, []Hit) {
	t.Helper()
	var hits []Hit
	res, err := s.Stream(context.Background(), req, func(h Hit) error {
		hits = append(hits, h)
		return nil
	})
	if err != nil {
		t.Fatalf("Stream(%+v) error: %v", req, err)
	}
	return res, hits
}

func ids(hits []Hit) []string {
	var out []string
	for _, h := range hits {
		out = append(out, h.ID)
	}
	return out
}

// Stream lists what paging Search lists, hit for hit (scores,
// highlighting, near-duplicates collapsed the same way), for every order.
func TestStreamMatchesPages(t *testing.T) {
	s, _ := embeddedSearcher(t)
	for _, req := range []Request{
		{Text: "dependency injection"},
		{Text: "dependency injection", All: true},
		{Text: "async", Sort: SortLevel},
		{Text: "fastapi", Sort: SortSource},
		{Text: "dependncy injecton"}, // fuzzy: the stream follows the used spelling
		{Filters: Filters{"level": {"beginner"}}},
		{Filters: Filters{"topic": {"fastapi"}}, All: true},
		{Text: "zzzzqqqq"},
		// Being typed: "route" is a word and starts router (two tiers);
		// "webso" only starts words.
		{Text: "route"},
		{Text: "route", All: true},
		{Text: "route", Sort: SortSource},
		{Text: "webso"},
	} {
		want := pages(t, s, req)
		res, got := streamed(t, s, req)
		if int(res.Total) < len(got) || res.Limit != 0 || len(res.Hits) != 0 {
			t.Errorf("Stream(%+v) = total %d, limit %d, %d hits in the result; want total ≥ %d streamed, limit 0, none", req, res.Total, res.Limit, len(res.Hits), len(got))
		}
		if !slices.Equal(ids(got), ids(want)) {
			t.Errorf("Stream(%+v) = %d hits %v;\npaging Search gives %d %v", req, len(got), ids(got), len(want), ids(want))
			continue
		}
		for i := range got {
			if got[i].Score != want[i].Score || got[i].QuestionHTML != want[i].QuestionHTML || !slices.Equal(got[i].Fragments, want[i].Fragments) || got[i].Similar != want[i].Similar {
				t.Errorf("Stream(%+v) hit %d = %+v; Search gives %+v", req, i, got[i], want[i])
			}
		}
		// An offset skips that many hits of the stream.
		req.Offset = 3
		if _, off := streamed(t, s, req); !slices.Equal(ids(off), ids(want[min(3, len(want)):])) {
			t.Errorf("Stream(%+v) = %v; want the stream without its first 3", req, ids(off))
		}
	}
}

// Browsing without text lists questions in file and line order; --sort
// level by level, relevance within a level; relevance stays the default
// for a text.
func TestSortOrders(t *testing.T) {
	s, recs := embeddedSearcher(t)
	byID := map[string]record.Record{}
	for _, r := range recs {
		byID[r.ID] = r
	}
	sourceKey := func(h Hit) record.Source { return byID[h.ID].Sources[0] }
	inSourceOrder := func(hits []Hit) bool {
		return slices.IsSortedFunc(hits, func(a, b Hit) int {
			sa, sb := sourceKey(a), sourceKey(b)
			return cmp.Or(cmp.Compare(sa.File, sb.File), cmp.Compare(sa.Line, sb.Line))
		})
	}
	browse := mustSearch(t, s, Request{Filters: Filters{"topic": {"fastapi"}}, Limit: MaxLimit, All: true})
	if browse.Sort != SortSource || len(browse.Hits) < 20 || !inSourceOrder(browse.Hits) {
		t.Errorf("browsing topic fastapi: sort %q, %d hits, in source order %v; want source order", browse.Sort, len(browse.Hits), inSourceOrder(browse.Hits))
	}
	// Paging through a sorted list gives the same list.
	page2 := mustSearch(t, s, Request{Filters: Filters{"topic": {"fastapi"}}, Limit: 10, Offset: 10, All: true})
	if !slices.Equal(ids(page2.Hits), ids(browse.Hits[10:20])) {
		t.Errorf("second page of the source-ordered browse = %v; want %v", ids(page2.Hits), ids(browse.Hits[10:20]))
	}

	res := mustSearch(t, s, Request{Text: "fastapi", Limit: MaxLimit, Sort: SortSource, All: true})
	if !inSourceOrder(res.Hits) {
		t.Errorf("Search(fastapi, sort source) is not in source order: %v", ids(res.Hits))
	}
	rel := mustSearch(t, s, Request{Text: "fastapi", Limit: MaxLimit, All: true})
	if rel.Sort != SortRelevance || !slices.IsSortedFunc(rel.Hits, func(a, b Hit) int { return cmp.Compare(b.Score, a.Score) }) {
		t.Errorf("Search(fastapi) sort %q is not by score", rel.Sort)
	}
	if a, b := slices.Sorted(slices.Values(ids(rel.Hits))), slices.Sorted(slices.Values(ids(res.Hits))); !slices.Equal(a, b) {
		t.Errorf("sorting by source changed which hits are listed")
	}

	lv := mustSearch(t, s, Request{Text: "fastapi", Limit: MaxLimit, Sort: SortLevel, All: true})
	rank := func(h Hit) int {
		if i := slices.Index(record.Levels, h.Level); i >= 0 {
			return i
		}
		return len(record.Levels)
	}
	sorted := slices.IsSortedFunc(lv.Hits, func(a, b Hit) int {
		return cmp.Or(cmp.Compare(rank(a), rank(b)), cmp.Compare(b.Score, a.Score))
	})
	levels := map[string]bool{}
	for _, h := range lv.Hits {
		levels[h.Level] = true
	}
	if !sorted || len(levels) < 2 {
		t.Errorf("Search(fastapi, sort level): sorted %v over levels %v; want by level, then score", sorted, levels)
	}
}
