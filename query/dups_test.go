package query

import (
	"context"
	"errors"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/iq-search/iq/dedup"
	"github.com/iq-search/iq/internal/corpustest"
)

// clusterOf returns the cluster of the result holding a question that
// starts with prefix, or nil.
func clusterOf(res *DupsResult, prefix string) *DupCluster {
	for i, c := range res.Clusters {
		for _, m := range c.Members {
			if strings.HasPrefix(m.Question, prefix) {
				return &res.Clusters[i]
			}
		}
	}
	return nil
}

func TestDupsSeeds(t *testing.T) {
	s, _ := embeddedSearcher(t)
	res, err := s.Dups(context.Background(), DupsRequest{Limit: MaxDupsLimit})
	if err != nil {
		t.Fatal(err)
	}
	// The pairs issue 4 names, from different seeds.
	for _, pair := range [][2]string{
		{"What is FastAPI, and how does it differ from other Python web frameworks?", "What is FastAPI, and how does it differ from other Python web frameworks like Flask or Django?"},
		{"What is FastAPI's support for WebSocket communication?", "How do you implement WebSocket endpoints in FastAPI?"},
		{"What is middleware in FastAPI, and how can you use it?", "What is middleware in FastAPI and how do you add custom middleware?"},
		{"What is API versioning, and how can you implement it in FastAPI?", "How would you implement an API with versioning in FastAPI?"},
	} {
		c := clusterOf(res, pair[0])
		if c == nil || !slices.ContainsFunc(c.Members, func(m DupMember) bool { return m.Question == pair[1] }) {
			t.Errorf("Dups: %q and %q are not in one cluster (cluster of the first: %+v)", pair[0], pair[1], c)
		}
	}
	if c := clusterOf(res, "What is Pydantic, and how is it used in FastAPI?"); c != nil {
		for _, m := range c.Members {
			if strings.Contains(m.Question, "v2") || strings.Contains(m.Question, "V2") {
				t.Errorf("Dups put %q with %q", "What is Pydantic, and how is it used in FastAPI?", m.Question)
			}
		}
	}
	// Largest first, canonical first with score 1, sizes and counts agree.
	questions := 0
	for i, c := range res.Clusters {
		if c.Size != len(c.Members) || c.Size < 2 {
			t.Errorf("cluster %s: size %d, %d members", c.ID, c.Size, len(c.Members))
		}
		if i > 0 && c.Size > res.Clusters[i-1].Size {
			t.Errorf("cluster %d (size %d) follows a smaller one (%d)", i, c.Size, res.Clusters[i-1].Size)
		}
		if c.Members[0].ID != c.ID || c.Members[0].Score != 1 || c.Question != c.Members[0].Question {
			t.Errorf("cluster %s: first member %+v; want the canonical question with score 1", c.ID, c.Members[0])
		}
		questions += c.Size
	}
	if res.Total != len(res.Clusters) || res.Questions != questions {
		t.Errorf("Total %d, Questions %d; want %d clusters, %d questions", res.Total, res.Questions, len(res.Clusters), questions)
	}
}

// TestDupsAgreeWithIndex checks that the clusters Dups rebuilds from the
// cluster ids stored in the index (which Search collapses on) are the ones
// clustering the records afresh gives: same canonical, members and scores.
func TestDupsAgreeWithIndex(t *testing.T) {
	s, recs := embeddedSearcher(t)
	res, err := s.Dups(context.Background(), DupsRequest{Limit: MaxDupsLimit})
	if err != nil {
		t.Fatal(err)
	}
	fresh := dedup.Find(recs, dedup.Options{})
	if len(fresh) != len(res.Clusters) {
		t.Fatalf("Dups lists %d clusters, clustering afresh gives %d", len(res.Clusters), len(fresh))
	}
	for i, c := range fresh {
		got := res.Clusters[i]
		if got.ID != c.ID || len(got.Members) != len(c.Members) {
			t.Errorf("cluster %d: Dups %s (%d members), afresh %s (%d)", i, got.ID, len(got.Members), c.ID, len(c.Members))
			continue
		}
		for j, m := range c.Members {
			if got.Members[j].ID != m.ID || got.Members[j].Score != round3(m.Score) {
				t.Errorf("cluster %s member %d: Dups %s %.3f, afresh %s %.3f", c.ID, j, got.Members[j].ID, got.Members[j].Score, m.ID, m.Score)
			}
		}
	}
	stored := map[string]string{}
	for _, r := range recs {
		stored[r.ID] = r.Cluster
	}
	n := 0
	for _, c := range res.Clusters {
		for _, m := range c.Members {
			n++
			if stored[m.ID] != c.ID {
				t.Errorf("record %s: Dups puts it in cluster %s, the index in %s", m.ID, c.ID, stored[m.ID])
			}
		}
	}
	multi := 0
	for _, size := range s.clusterSize {
		multi += size
	}
	if n != multi {
		t.Errorf("Dups lists %d clustered questions, the index %d", n, multi)
	}
}

func TestDupsFilters(t *testing.T) {
	s, _ := embeddedSearcher(t)
	ctx := context.Background()
	all, err := s.Dups(ctx, DupsRequest{Limit: MaxDupsLimit})
	if err != nil {
		t.Fatal(err)
	}
	beg, err := s.Dups(ctx, DupsRequest{Levels: []string{"Beginner"}, Limit: MaxDupsLimit})
	if err != nil {
		t.Fatal(err)
	}
	if beg.Total == 0 || beg.Total >= all.Total {
		t.Fatalf("Dups(level beginner) = %d clusters of %d; want some, not all", beg.Total, all.Total)
	}
	for _, c := range beg.Clusters {
		if !slices.ContainsFunc(c.Members, func(m DupMember) bool { return m.Level == "beginner" }) {
			t.Errorf("Dups(level beginner) lists cluster %s with no beginner question", c.ID)
		}
	}
	// A topic the index does not hold is the caller's mistake (issue 13.7).
	var qe *Error
	if _, err := s.Dups(ctx, DupsRequest{Topics: []string{"fastpai"}}); !errors.As(err, &qe) || qe.Code != CodeUnknownValue || !strings.Contains(qe.Message, `"fastapi"`) {
		t.Errorf("Dups(topic fastpai) error = %v; want %s naming fastapi", err, CodeUnknownValue)
	}
	page, err := s.Dups(ctx, DupsRequest{Limit: 2, Offset: 1})
	if err != nil {
		t.Fatal(err)
	}
	if page.Total != all.Total || len(page.Clusters) != 2 || page.Clusters[0].ID != all.Clusters[1].ID {
		t.Errorf("Dups(limit 2, offset 1) = total %d, %d clusters; want total %d and clusters 2-3", page.Total, len(page.Clusters), all.Total)
	}
	strict, err := s.Dups(ctx, DupsRequest{MinScore: 0.95, Limit: MaxDupsLimit})
	if err != nil {
		t.Fatal(err)
	}
	if strict.Questions >= all.Questions {
		t.Errorf("Dups(min_score 0.95) holds %d questions, default %d; want fewer", strict.Questions, all.Questions)
	}
	for _, c := range strict.Clusters {
		for _, m := range c.Members[1:] {
			if m.Score < 0.95 && len(c.Members) == 2 {
				t.Errorf("Dups(min_score 0.95): pair %q / %q scores %.3f", c.Question, m.Question, m.Score)
			}
		}
	}
}

func TestSimilar(t *testing.T) {
	s, recs := embeddedSearcher(t)
	ctx := context.Background()
	var di string
	for _, r := range recs {
		if r.Question == corpustest.TwiceAsked {
			di = r.ID
		}
	}
	res, err := s.Similar(ctx, SimilarRequest{ID: di, Limit: 5})
	if err != nil {
		t.Fatal(err)
	}
	if res.ID != di || len(res.Matches) == 0 {
		t.Fatalf("Similar(%s) = %+v; want matches", di, res)
	}
	top := res.Matches[0]
	if !corpustest.IsDIQuestion(top.Question) || !top.Duplicate || top.Score < dedup.DefaultMinScore {
		t.Errorf("Similar(DI question) top = %q (%.3f, duplicate %v); want another dependency-injection question, a duplicate", top.Question, top.Score, top.Duplicate)
	}
	for i, m := range res.Matches {
		if m.ID == di {
			t.Errorf("Similar lists the question itself")
		}
		if m.Score < MinSimilarScore {
			t.Errorf("Similar lists %q at %.3f, under MinSimilarScore", m.Question, m.Score)
		}
		if i > 0 && m.Score > res.Matches[i-1].Score {
			t.Errorf("Similar: match %d scores %.3f above match %d (%.3f)", i, m.Score, i-1, res.Matches[i-1].Score)
		}
	}
	// A curator's new text, not in the index.
	res, err = s.Similar(ctx, SimilarRequest{Text: "How can I implement WebSocket endpoints with FastAPI?", Limit: 3})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Matches) == 0 || res.Matches[0].Question != "How do you implement WebSocket endpoints in FastAPI?" {
		t.Errorf("Similar(text) = %+v; want the WebSocket endpoints question first", res.Matches)
	}
	_, err = s.Similar(ctx, SimilarRequest{ID: "0000000000000000"})
	var qe *Error
	if !errors.As(err, &qe) || qe.Code != ErrNotFound.Code {
		t.Errorf("Similar(unknown id) error = %v; want not_found", err)
	}
}

func TestSearchCollapsesClusters(t *testing.T) {
	s, _ := embeddedSearcher(t)
	const a, b = "What is FastAPI's support for WebSocket communication?", "How do you implement WebSocket endpoints in FastAPI?"
	has := func(res *Result, q string) *Hit {
		for i := range res.Hits {
			if res.Hits[i].Question == q {
				return &res.Hits[i]
			}
		}
		return nil
	}
	res := mustSearch(t, s, Request{Text: "websocket"})
	ha, hb := has(res, a), has(res, b)
	if (ha == nil) == (hb == nil) {
		t.Fatalf("Search(websocket) hits %q; want exactly one of the WebSocket pair", questions(res))
	}
	shown := ha
	if shown == nil {
		shown = hb
	}
	if shown.Similar != 1 {
		t.Errorf("hit %q: Similar = %d; want 1", shown.Question, shown.Similar)
	}
	all := mustSearch(t, s, Request{Text: "websocket", All: true})
	if has(all, a) == nil || has(all, b) == nil {
		t.Errorf("Search(websocket, all) hits %q; want both of the pair", questions(all))
	}
	if all.Total != res.Total || !equalFacets(all.Facets, res.Facets) {
		t.Errorf("collapsing changed total or facets: %d %v vs %d %v", res.Total, res.Facets, all.Total, all.Facets)
	}
}

func equalFacets(a, b map[string][]FacetCount) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if !slices.Equal(v, b[k]) {
			return false
		}
	}
	return true
}

func TestParseSimilarAndDupsRequest(t *testing.T) {
	for _, tc := range []struct {
		name, query, code string
		dups              bool
	}{
		{"neither", "", CodeBadParam, false},
		{"both", "id=abc&q=what", CodeBadParam, false},
		{"unknown param", "q=x&level=beginner", CodeBadParam, false},
		{"limit zero", "q=x&limit=0", CodeBadLimit, false},
		{"limit big", "q=x&limit=1000", CodeBadLimit, false},
		{"limit text", "q=x&limit=ten", CodeBadLimit, false},
		{"long text", "q=" + strings.Repeat("a", MaxTextLen+1), CodeQueryTooLong, false},
		{"min_score text", "min_score=high", CodeBadValue, true},
		{"min_score zero", "min_score=0", CodeBadValue, true},
		{"min_score above 1", "min_score=1.5", CodeBadValue, true},
		{"min_score NaN", "min_score=NaN", CodeBadValue, true},
		{"bad level", "level=expert", CodeBadLevel, true},
		{"negative offset", "offset=-1", CodeBadOffset, true},
		{"unknown dups param", "q=x", CodeBadParam, true},
		{"repeated limit", "limit=1&limit=2", CodeBadParam, true},
	} {
		v, err := url.ParseQuery(tc.query)
		if err != nil {
			t.Fatal(err)
		}
		if tc.dups {
			_, err = ParseDupsRequest(v)
		} else {
			_, err = ParseSimilarRequest(v)
		}
		var qe *Error
		if !errors.As(err, &qe) || qe.Code != tc.code {
			t.Errorf("%s: parse %q error = %v; want code %s", tc.name, tc.query, err, tc.code)
		}
	}
	r, err := ParseDupsRequest(url.Values{"level": {"Beginner,advanced"}, "min_score": {"0.7"}})
	if err != nil || r.MinScore != 0.7 || !slices.Equal(r.Levels, []string{"beginner", "advanced"}) || r.Limit != DefaultDupsLimit {
		t.Errorf("ParseDupsRequest = %+v, %v", r, err)
	}
	sr, err := ParseSimilarRequest(url.Values{"id": {" 92fcbbbf622708df "}})
	if err != nil || sr.ID != "92fcbbbf622708df" || sr.Limit != DefaultSimilarLimit {
		t.Errorf("ParseSimilarRequest = %+v, %v", sr, err)
	}
}

// TestDupsWithoutStoredClusters: records indexed without cluster ids (as
// index.Build alone stores them) form no clusters, not one of everything.
func TestDupsWithoutStoredClusters(t *testing.T) {
	_, recs := embeddedSearcher(t)
	bare := slices.Clone(recs)
	for i := range bare {
		bare[i].Cluster = ""
	}
	if cs := clustersOf(dedup.NewIndex(bare, dedup.Options{}), bare); len(cs) != 0 {
		t.Errorf("clustersOf over records without cluster ids = %d clusters (first of %d members); want none", len(cs), len(cs[0].Members))
	}
}
