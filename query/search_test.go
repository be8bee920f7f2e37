package query

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/iq-search/iq/index"
	"github.com/iq-search/iq/record"
)

func mustSearch(t *testing.T, s *Searcher, req Request) *Result {
	t.Helper()
	res, err := s.Search(context.Background(), req)
	if err != nil {
		t.Fatalf("Search(%+v) error: %v", req, err)
	}
	return res
}

func questions(res *Result) []string {
	var qs []string
	for _, h := range res.Hits {
		qs = append(qs, h.Question)
	}
	return qs
}

func TestSearchDependencyInjection(t *testing.T) {
	s, _ := embeddedSearcher(t)
	res := mustSearch(t, s, Request{Text: "dependency injection"})
	if len(res.Hits) < 3 {
		t.Fatalf("Search(dependency injection) = %d hits %q; want at least 3", len(res.Hits), questions(res))
	}
	// Every hit whose question is about DI ranks above every hit whose
	// question is not.
	about := func(h Hit) bool {
		q := strings.ToLower(h.Question)
		return strings.Contains(q, "dependency injection") || strings.Contains(q, "depends")
	}
	seenOther := false
	for i, h := range res.Hits {
		if !about(h) {
			seenOther = true
		} else if seenOther {
			t.Errorf("hit %d %q is about dependency injection but ranks below an unrelated hit; hits: %q", i+1, h.Question, questions(res))
		}
	}
	if !about(res.Hits[0]) || !about(res.Hits[1]) {
		t.Errorf("top hits %q; want dependency-injection questions first", questions(res)[:2])
	}
	// Seed 000 asks "What is dependency injection in FastAPI, and why is
	// it important?" twice (questions 4 and 8): one hit, two sources.
	const twice = "What is dependency injection in FastAPI, and why is it important?"
	n := 0
	for _, h := range res.Hits {
		if h.Question == twice {
			n++
			if len(h.Sources) < 2 || h.AnswerCount < 2 {
				t.Errorf("hit %q has %d sources and %d answers; want both repeats merged", h.Question, len(h.Sources), h.AnswerCount)
			}
			if !strings.Contains(h.QuestionHTML, "<mark>dependency injection</mark>") {
				t.Errorf("QuestionHTML = %q; want the phrase marked", h.QuestionHTML)
			}
		}
	}
	if n != 1 {
		t.Errorf("%q appears %d times in %q; want once", twice, n, questions(res))
	}
}

func TestSearchBeginnerDepends(t *testing.T) {
	s, _ := embeddedSearcher(t)
	res := mustSearch(t, s, Request{Text: "dependency injection", Filters: Filters{"level": {"beginner"}}})
	if len(res.Hits) == 0 {
		t.Fatalf("Search(dependency injection, level beginner) found nothing")
	}
	for _, h := range res.Hits {
		if h.Level != record.LevelBeginner {
			t.Errorf("hit %q has level %q; want beginner only", h.Question, h.Level)
		}
	}
	if first := res.Hits[0].Question; !strings.Contains(first, "role of `Depends`") && !strings.Contains(first, "role of Depends") {
		t.Errorf("first beginner hit = %q; want the question about the role of Depends (hits %q)", first, questions(res))
	}
	if got := res.Facets[record.FieldLevel]; len(got) != 1 || got[0].Value != "beginner" || got[0].Count != int(res.Total) {
		t.Errorf("level facet = %v; want only beginner %d", got, res.Total)
	}
}

func TestSearchTypo(t *testing.T) {
	s, _ := embeddedSearcher(t)
	right := mustSearch(t, s, Request{Text: "dependency injection"})
	for _, typo := range []string{"dependncy injecton", "dependency injecton", "depenedncy injection"} {
		res := mustSearch(t, s, Request{Text: typo})
		if !res.Fuzzy || res.UsedSpelling != "dependency injection" {
			t.Errorf("Search(%q): Fuzzy %v, UsedSpelling %q; want true, %q", typo, res.Fuzzy, res.UsedSpelling, "dependency injection")
		}
		if len(res.Hits) == 0 || res.Hits[0].ID != right.Hits[0].ID {
			t.Errorf("Search(%q) hits %q; want the same first hit as the right spelling, %q", typo, questions(res), right.Hits[0].Question)
		}
	}
	// A known word is not corrected, and nothing is suggested.
	if res := mustSearch(t, s, Request{Text: "pydantic"}); res.Fuzzy || res.Suggestion != "" {
		t.Errorf("Search(pydantic): Fuzzy %v Suggestion %q; want no correction", res.Fuzzy, res.Suggestion)
	}
}

func TestSearchOAuth2PasswordBearer(t *testing.T) {
	s, recs := embeddedSearcher(t)
	// The authentication answers that use it, found by reading the records.
	var want []string
	for _, r := range recs {
		if !strings.Contains(strings.ToLower(r.Question), "auth") {
			continue
		}
		for _, a := range r.Answers {
			text := a.Text
			for _, c := range a.Code {
				text += c.Text
			}
			if strings.Contains(text, "OAuth2PasswordBearer") {
				want = append(want, r.ID)
				break
			}
		}
	}
	if len(want) == 0 {
		t.Fatal("no authentication record mentions OAuth2PasswordBearer; the corpus changed?")
	}
	for _, q := range []string{"OAuth2PasswordBearer", "oauth2 password bearer"} {
		res := mustSearch(t, s, Request{Text: q, Limit: 5})
		var got []string
		for _, h := range res.Hits {
			got = append(got, h.ID)
		}
		for _, id := range want {
			if !slices.Contains(got, id) {
				r, _ := s.Record(id)
				t.Errorf("Search(%q) top 5 %q lacks %q", q, questions(res), r.Question)
			}
		}
	}
}

// facetCounts counts facet values over records, the brute-force way.
func facetCounts(recs []record.Record) map[string]map[string]int {
	out := map[string]map[string]int{}
	for _, f := range facetFields {
		out[f] = map[string]int{}
	}
	for _, r := range recs {
		for _, f := range record.Facets {
			for _, v := range f.Of(r) {
				out[f.Name][v]++
			}
		}
	}
	return out
}

func checkFacets(t *testing.T, name string, got map[string][]FacetCount, want map[string]map[string]int) {
	t.Helper()
	for _, f := range facetFields {
		for _, c := range got[f] {
			if w := want[f][c.Value]; c.Count != w {
				t.Errorf("%s: facet %s %q = %d; brute force counts %d", name, f, c.Value, c.Count, w)
			}
		}
		if len(want[f]) <= facetSize[f] && len(got[f]) != len(want[f]) {
			t.Errorf("%s: facet %s has %d values %v; brute force finds %d %v", name, f, len(got[f]), got[f], len(want[f]), want[f])
		}
	}
}

func TestFacetsMatchRecords(t *testing.T) {
	s, recs := embeddedSearcher(t)
	// A filter alone: the matching records are known without the index.
	for _, lv := range record.Levels {
		var match []record.Record
		for _, r := range recs {
			if r.Level == lv {
				match = append(match, r)
			}
		}
		res := mustSearch(t, s, Request{Filters: Filters{"level": {lv}}, Limit: 1})
		if res.Total != uint64(len(match)) {
			t.Errorf("Search(level %s).Total = %d; %d records have it", lv, res.Total, len(match))
		}
		checkFacets(t, "level "+lv, res.Facets, facetCounts(match))
	}
	// A text query: facets count exactly the records of all its hits.
	byID := map[string]record.Record{}
	for _, r := range recs {
		byID[r.ID] = r
	}
	for _, q := range []string{"dependency injection", "pydantic validation", "async"} {
		req := Request{Text: q, Limit: MaxLimit, All: true}
		first := mustSearch(t, s, req)
		var hits []record.Record
		for off := 0; off < int(first.Total); off += MaxLimit {
			req.Offset = off
			for _, h := range mustSearch(t, s, req).Hits {
				hits = append(hits, byID[h.ID])
			}
		}
		if len(hits) != int(first.Total) {
			t.Fatalf("Search(%q) paged %d hits; Total %d", q, len(hits), first.Total)
		}
		checkFacets(t, q, first.Facets, facetCounts(hits))
	}
}

func TestStats(t *testing.T) {
	s, recs := embeddedSearcher(t)
	st, err := s.Stats(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if st.Records != uint64(len(recs)) {
		t.Errorf("Stats().Records = %d; want %d", st.Records, len(recs))
	}
	want := facetCounts(recs)
	for _, f := range facetFields {
		if len(st.Facets[f]) != len(want[f]) {
			t.Errorf("Stats() facet %s has %d values; want all %d", f, len(st.Facets[f]), len(want[f]))
		}
	}
	checkFacets(t, "stats", st.Facets, want)
}

func TestSearchOddInput(t *testing.T) {
	s, _ := embeddedSearcher(t)
	for _, q := range []string{
		"?!...", "(((", `"`, `-"`, "-", "~", "/", "*", "std::move", "@app.get", "a:b:c", "AND OR NOT",
		"+foo -bar", `\`, "\x00", "level:", "ü", "🙂", strings.Repeat("a", MaxTextLen), strings.Repeat("ab ", 333),
		"-fastapi", `-"dependency injection"`, "source:fastapi-24-questions-blog.txt injection",
	} {
		res, err := s.Search(context.Background(), Request{Text: q})
		if err != nil {
			t.Errorf("Search(%.30q) error: %v", q, err)
			continue
		}
		if res.Hits == nil || res.Facets == nil {
			t.Errorf("Search(%.30q) returned nil hits or facets", q)
		}
	}
	for _, q := range []string{"?!...", "((( )))", `"?"`} {
		if res := mustSearch(t, s, Request{Text: q}); res.Total != 0 {
			t.Errorf("Search(%q).Total = %d; want 0 (nothing to search for)", q, res.Total)
		}
	}
	_, err := s.Search(context.Background(), Request{Text: strings.Repeat("x", 10000)})
	var qe *Error
	if !errors.As(err, &qe) || qe.Message != "query: text is 10000 characters, want at most 1000" {
		t.Errorf("Search(10000 chars) error = %v; want the query_too_long error", err)
	}
	// Exclusion and inline filters do what they say.
	for _, h := range mustSearch(t, s, Request{Text: "dependency -fastapi", Limit: 100}).Hits {
		rec, _ := s.Record(h.ID)
		if strings.Contains(strings.ToLower(rec.Question+strings.Join(index.AnswerTexts(rec), " ")), "fastapi") {
			t.Errorf("Search(dependency -fastapi) returned %q, which mentions fastapi", h.Question)
		}
	}
	for _, h := range mustSearch(t, s, Request{Text: "source:fastapi-24-questions-blog.txt injection", Limit: 100}).Hits {
		if h.Sources[0].File != "fastapi-24-questions-blog.txt" {
			t.Errorf("source filter returned %q from %v", h.Question, h.Sources)
		}
	}
	if res := mustSearch(t, s, Request{Text: "topic:FASTAPI injection"}); res.Total == 0 {
		t.Errorf("topic:FASTAPI found nothing; filter values should ignore case")
	}
	if res := mustSearch(t, s, Request{Text: "injection", Offset: MaxOffset}); len(res.Hits) != 0 || res.Total == 0 {
		t.Errorf("Search past the last hit = %d hits of %d; want none of some", len(res.Hits), res.Total)
	}
}

func TestSearchCancelled(t *testing.T) {
	s, _ := embeddedSearcher(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := s.Search(ctx, Request{Text: "dependency injection"}); !errors.Is(err, context.Canceled) {
		t.Errorf("Search(cancelled ctx) error = %v; want context.Canceled", err)
	}
}

func TestRecord(t *testing.T) {
	s, recs := embeddedSearcher(t)
	got, err := s.Record(recs[0].ID)
	if err != nil || got.ID != recs[0].ID || got.Question != recs[0].Question {
		t.Errorf("Record(%s) = %q, %v; want %q", recs[0].ID, got.Question, err, recs[0].Question)
	}
	_, err = s.Record("nosuchid")
	var qe *Error
	if !errors.As(err, &qe) || qe.Code != "not_found" || qe.Message != `query: no question with id "nosuchid"` {
		t.Errorf("Record(nosuchid) error = %v; want not_found", err)
	}
}

// A corpus file with markup in it: every piece of it must come out escaped,
// with only the marks as markup.
func TestHighlightEscapes(t *testing.T) {
	src := filepath.Join(t.TempDir(), "evil.txt")
	body := "Questions\n\n1. What does <script>alert(1)</script> do in a closure & why?\n\n" +
		"A closure <img src=x onerror=alert(2)> keeps its scope; a closure & its \"scope\" live on.\n"
	if err := os.WriteFile(src, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	s := sourcesSearcher(t, src)
	res := mustSearch(t, s, Request{Text: "closure script"})
	if len(res.Hits) != 1 {
		t.Fatalf("Search(closure script) on %s = %d hits; want 1", src, len(res.Hits))
	}
	h := res.Hits[0]
	for _, frag := range append([]string{h.QuestionHTML}, h.Fragments...) {
		rest := strings.NewReplacer("<mark>", "", "</mark>", "").Replace(frag)
		if strings.ContainsAny(rest, "<>") || strings.Contains(rest, "\"") {
			t.Errorf("highlight %q has markup besides <mark>", frag)
		}
	}
	if !strings.Contains(h.QuestionHTML, "<mark>closure</mark>") || !strings.Contains(h.QuestionHTML, "&lt;<mark>script</mark>&gt;") {
		t.Errorf("QuestionHTML = %q; want closure and script marked, the tag escaped", h.QuestionHTML)
	}
}

// FuzzSearch: no text makes Search panic or fail with anything but an
// *Error (the HTTP API maps those to 400 and must never answer 500).
func FuzzSearch(f *testing.F) {
	for _, s := range []string{"dependency injection", `"a b" -c level:beginner`, "std::move @app.get", "?!", `-"`, "topic:\"x", "dependncy injecton", "ü🙂"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		s, _ := embeddedSearcher(t)
		res, err := s.Search(context.Background(), Request{Text: text})
		if err != nil {
			var qe *Error
			if !errors.As(err, &qe) {
				t.Fatalf("Search(%q) error %v is not a query *Error", text, err)
			}
			return
		}
		if res.Hits == nil || len(res.Hits) > DefaultLimit {
			t.Fatalf("Search(%q) = %d hits", text, len(res.Hits))
		}
	})
}

// A filter value the index does not hold is an error naming the closest
// values it does hold, as an unknown level is (issue 13.7); what the index
// holds in another case, a folder or a file's base name is no error.
func TestUnknownFilterValue(t *testing.T) {
	s, _ := embeddedSearcher(t)
	for _, tc := range []struct {
		req  Request
		want string
	}{
		{Request{Text: "x", Filters: Filters{"topic": {"fastpai"}}}, `query: unknown topic "fastpai", want one of the 12 known, such as "fastapi", `},
		{Request{Text: "x topic:pyhton"}, `query: unknown topic "pyhton", want one of the 12 known, such as "python", `},
		{Request{Filters: Filters{"tag": {"validaton"}}}, `query: unknown tag "validaton", want one of the `},
		{Request{Filters: Filters{"source": {"fastapi-blog.txt"}}}, `query: unknown source "fastapi-blog.txt", want one of the 3 known, such as "fastapi-`},
	} {
		_, err := s.Search(context.Background(), tc.req)
		var qe *Error
		if !errors.As(err, &qe) || qe.Code != CodeUnknownValue || !strings.HasPrefix(qe.Message, tc.want) {
			t.Errorf("Search(%+v) error = %v; want %s starting %q", tc.req, err, CodeUnknownValue, tc.want)
		}
	}
	for _, req := range []Request{
		{Filters: Filters{"topic": {"FASTAPI"}}},
		{Filters: Filters{"source": {"FASTAPI-24-questions-blog.txt"}}},
		{Text: "topic:Python dependency"},
	} {
		if _, err := s.Search(context.Background(), req); err != nil {
			t.Errorf("Search(%+v) error: %v; want none (the index holds it)", req, err)
		}
	}
}
