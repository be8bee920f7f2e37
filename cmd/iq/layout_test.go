package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"
	"github.com/muesli/termenv"

	"github.com/iq-search/iq/pipeline"
	"github.com/iq-search/iq/query"
	"github.com/iq-search/iq/record"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/layout")

// The layout fixtures hold what real records hold and what breaks
// layouts: long questions, an identifier longer than a narrow terminal, a
// deep path, wide (CJK) characters, many topics, three-digit hit numbers,
// scores such as 0.79 that a narrow column splits.
var (
	layoutSearch = &query.Result{
		Query: "dependency injection", Total: 142, TookMS: 1.5, Limit: 2, Offset: 98, Sort: query.SortRelevance,
		Hits: []query.Hit{{
			ID: "92fcbbbf622708df", Question: "What is dependency injection in FastAPI, and why is it important when you test endpoints that talk to a database?",
			Level: "beginner", Topics: []string{"fastapi", "python", "testing", "databases", "web-frameworks"},
			Sources:      []record.Source{{File: "Devinterview-io__python-interview-questions/chapters/very/deep/folder/structure/README.md", Line: 1042}, {File: "blog.txt", Line: 74}},
			QuestionHTML: "What is <mark>dependency injection</mark> in FastAPI, and why is it important when you test endpoints that talk to a database?",
			Fragments:    []string{"<mark>Dependency injection</mark> lets FastAPI build what an endpoint needs (a session, the current user) and hand it over through Depends, so a test can override it. " + strings.Repeat("More words follow here. ", 20)},
			Similar:      3,
		}, {
			ID: "3139a8fb71833382", Question: "Explain OAuth2PasswordBearerWithAVeryLongIdentifierThatDoesNotFitANarrowTerminal and 依赖注入 (dependency injection).",
			Topics: []string{"fastapi"}, Sources: []record.Source{{File: "fastapi.md", Line: 7}},
			QuestionHTML: "Explain OAuth2PasswordBearerWithAVeryLongIdentifierThatDoesNotFitANarrowTerminal and 依赖注入 (<mark>dependency injection</mark>).",
			Snippet:      "The identifier names a class; 依赖注入 is the Chinese for dependency injection.",
		}},
		Facets: map[string][]query.FacetCount{
			"level": {{Value: "beginner", Count: 60}, {Value: "intermediate", Count: 50}, {Value: "advanced", Count: 32}},
			"topic": {{Value: "fastapi", Count: 90}, {Value: "python", Count: 40}, {Value: "testing", Count: 9}, {Value: "databases", Count: 3}},
		},
	}
	layoutRefs = []query.QuestionRef{
		{ID: "a175a6de27954381", Question: "How do you implement WebSocket endpoints in FastAPI?", Topics: []string{"fastapi"}, Sources: []record.Source{{File: "fastapi-best-practices-qa-page.txt", Line: 68}}},
		{ID: "8215e798d99e457b", Question: "What is FastAPI's support for WebSocket communication, and how would you use it to build a chat application with rooms?", Level: "intermediate", Topics: []string{"fastapi"}, Sources: []record.Source{{File: "Devinterview-io__python-interview-questions/chapters/very/deep/folder/structure/README.md", Line: 122}, {File: "b.md", Line: 1}}},
	}
	layoutDups = &query.DupsResult{MinScore: 0.6, Total: 1, Questions: 2, TookMS: 2.25, Clusters: []query.DupCluster{{
		ID: layoutRefs[0].ID, Question: layoutRefs[0].Question, Size: 2,
		Members: []query.DupMember{{QuestionRef: layoutRefs[0], Score: 1}, {QuestionRef: layoutRefs[1], Score: 0.79}},
	}}}
	layoutSimilar = &query.SimilarResult{ID: layoutRefs[0].ID, Question: layoutRefs[0].Question, TookMS: 0.5, Matches: []query.SimilarHit{
		{QuestionRef: layoutRefs[1], Score: 0.79, Duplicate: true, Why: query.Why{Reason: "same question in other words: websocket, endpoint, fastapi"}},
		{QuestionRef: query.QuestionRef{ID: "06b2798f0ee94ec6", Question: "What is middleware?", Topics: []string{}, Sources: []record.Source{{File: "x.txt", Line: 3}}}, Score: 0.123},
	}}
	layoutRecord = record.Record{
		ID: "92fcbbbf622708df", Question: layoutSearch.Hits[0].Question, Level: "beginner", LevelLabel: "Junior",
		Topics: []string{"fastapi", "python"}, Tags: []string{"dependency-injection", "testing", "database", "routing", "validation"},
		Sources: layoutSearch.Hits[0].Sources, Cluster: "92fcbbbf622708df",
		Answers: []record.Answer{{
			Text:   "Dependency injection lets FastAPI build what an endpoint needs and hand it over:\n- a database session\n- the current user",
			Source: record.Source{File: "blog.txt", Line: 76}, HowToAnswer: "Say what Depends does, then show a test that overrides it.",
			Code: []record.Code{{Lang: "python", Text: "app.dependency_overrides[get_db] = lambda: FakeSessionWithAnExtraordinarilyLongNameThatRunsPastTheEdge()\n\tassert client.get('/items').status_code == 200"}},
		}},
	}
)

// layoutWidths are the terminal widths the golden files are rendered at.
var layoutWidths = []int{60, 80, 120}

// renderAll renders every styled view at a terminal width.
func renderAll(t *testing.T, width int, profile termenv.Profile) string {
	t.Helper()
	var b bytes.Buffer
	w := min(width, maxWidth)
	o := &output{w: &b, errOut: &b, mode: modeStyled, width: w, styles: newStyles(&b, w, profile)}
	for _, section := range []struct {
		name  string
		print func() error
	}{
		{"search", func() error { return o.searchResult(layoutSearch) }},
		{"dups", func() error { return o.dupsResult(layoutDups) }},
		{"similar", func() error { return o.similarResult(layoutSimilar) }},
		{"show", func() error { return o.record(layoutRecord) }},
	} {
		fmt.Fprintf(&b, "──── iq %s ────\n", section.name)
		if err := section.print(); err != nil {
			t.Fatalf("%s at %d: %v", section.name, width, err)
		}
	}
	return b.String()
}

// TestLayoutGolden renders search, dups, similar and show at 60, 80 and
// 120 columns, without and with colour, against golden files
// (testdata/layout; rewrite with `go test ./cmd/iq -run TestLayout
// -update` and review the diff). Every line fits the width, colour never
// changes the layout, and a score is never split.
func TestLayoutGolden(t *testing.T) {
	for _, width := range layoutWidths {
		plain := renderAll(t, width, termenv.Ascii)
		colour := renderAll(t, width, termenv.ANSI256)
		if !strings.Contains(colour, "\x1b[") || strings.Contains(plain, "\x1b") {
			t.Errorf("width %d: colour output has no escape codes, or plain output has some", width)
		}
		if got := ansi.Strip(colour); got != plain {
			t.Errorf("width %d: colour changes the layout:\n%s\nvs\n%s", width, got, plain)
		}
		checkFits(t, fmt.Sprintf("layout at %d", width), plain, min(width, maxWidth))
		for _, score := range []string{"1.00 How do you implement", "0.79 What is FastAPI's", "0.12 What is middleware?"} {
			if !strings.Contains(plain, "\n"+score) {
				t.Errorf("width %d: no line starts with %q: a score column is split or misplaced:\n%s", width, score, plain)
			}
		}
		for name, text := range map[string]string{fmt.Sprintf("w%d.txt", width): plain, fmt.Sprintf("w%d-colour.txt", width): colour} {
			golden(t, filepath.Join("testdata", "layout", name), text)
		}
	}
}

// checkFits fails for every line of out wider than width cells.
func checkFits(t *testing.T, what, out string, width int) {
	t.Helper()
	for i, l := range strings.Split(out, "\n") {
		if w := ansi.StringWidth(l); w > width {
			t.Errorf("%s: line %d is %d cells wide, more than %d: %q", what, i+1, w, width, ansi.Strip(l))
		}
		if strings.HasSuffix(ansi.Strip(l), " ") {
			t.Errorf("%s: line %d ends in a space: %q", what, i+1, ansi.Strip(l))
		}
	}
}

func golden(t *testing.T, path, got string) {
	t.Helper()
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if string(want) != got {
		t.Errorf("%s differs (rerun with -update and review the diff):\n%s", path, got)
	}
}

// The real index, at every width: what iq prints for the embedded corpus
// fits the terminal too.
func TestLayoutFitsRealOutput(t *testing.T) {
	dir := sharedIndex(t)
	s, err := pipeline.Open(context.Background(), pipeline.OpenOptions{IndexDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ctx := context.Background()
	res, err := s.Search(ctx, query.Request{Text: "fastapi", Limit: query.MaxLimit})
	if err != nil {
		t.Fatal(err)
	}
	dups, err := s.Dups(ctx, query.DupsRequest{Limit: query.MaxDupsLimit})
	if err != nil {
		t.Fatal(err)
	}
	sim, err := s.Similar(ctx, query.SimilarRequest{ID: res.Hits[0].ID, Limit: query.MaxSimilarLimit})
	if err != nil {
		t.Fatal(err)
	}
	scoreLine := regexp.MustCompile(`^\d\.\d\d \S`)
	for _, width := range layoutWidths {
		var b bytes.Buffer
		o := &output{w: &b, errOut: &b, mode: modeStyled, width: min(width, maxWidth), styles: newStyles(&b, min(width, maxWidth), termenv.Ascii)}
		if err := o.searchResult(res); err != nil {
			t.Fatal(err)
		}
		if err := o.dupsResult(dups); err != nil {
			t.Fatal(err)
		}
		if err := o.similarResult(sim); err != nil {
			t.Fatal(err)
		}
		for _, h := range res.Hits {
			r, err := s.Record(h.ID)
			if err != nil {
				t.Fatal(err)
			}
			if err := o.record(r); err != nil {
				t.Fatal(err)
			}
		}
		checkFits(t, fmt.Sprintf("real output at %d", width), b.String(), min(width, maxWidth))
		scores := 0
		for _, l := range strings.Split(b.String(), "\n") {
			if scoreLine.MatchString(l) {
				scores++
			}
		}
		if want := dups.Questions + len(sim.Matches); scores != want {
			t.Errorf("width %d: %d lines start with a score; want %d (every dups member and similar match)", width, scores, want)
		}
	}
}
