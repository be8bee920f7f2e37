package index

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search/query"

	"github.com/iq-search/iq/index/expr"
	"github.com/iq-search/iq/index/internal/bleveq"
	"github.com/iq-search/iq/index/synth"
	"github.com/iq-search/iq/record"
)

// TestMinMatchMatchesDisjunction checks that minMatchQuery gives what
// Bleve's DisjunctionQuery with the same Min gives: the same hits, scores
// and term locations, alone, inside a boolean query, and through
// Index.Search (whose page pass runs the query again).
func TestMinMatchMatchesDisjunction(t *testing.T) {
	ix, _ := buildCorpus(t)
	testMinMatch(t, ix, []string{
		"dependency injection python",     // a concept and a word
		"DI fastapi the",                  // a synonym and a function word everywhere
		"what is a closure in javascript", // mostly common words
		"oauth2 password bearer token",
		"sql join index transaction zzzzqqqq", // one word nowhere
	})
}

// TestMinMatchSynthetic is TestMinMatchMatchesDisjunction over 2,000
// synthetic records, whose common words have long posting lists.
func TestMinMatchSynthetic(t *testing.T) {
	if testing.Short() {
		t.Skip("builds an index of 2,000 records")
	}
	dir := filepath.Join(t.TempDir(), "index")
	if err := Build(context.Background(), dir, synth.Generate(2000, 1), BuildOptions{}); err != nil {
		t.Fatal(err)
	}
	ix, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	testMinMatch(t, ix, []string{
		"error wrapping used",
		"generator function JavaScript",
		"context API and on",
		"OAuth2PasswordBearer each thread",
	})
	// Clauses of terms, whose costs minMatchQuery estimates: the
	// rarest clauses by estimate are not the first in Bleve's order.
	words := [][]string{
		{"union", "type", "typescript|type+script"},
		{"generat", "function", "javascript|java+script"},
		{"error", "wrap", "use", "the"},
		{"oauth2passwordbear|oauth2+password+bearer", "each", "thread", "di"},
	}
	var texts []string
	var sets [][]expr.Node
	for _, ws := range words {
		texts = append(texts, strings.Join(ws, " "))
		sets = append(sets, termClauses(ws...))
	}
	testMinMatchClauses(t, ix, texts, sets)
}

// termClauses builds clauses as package query does: each clause is a word
// that matches as any of its alternatives in the question or the answer,
// an alternative being one term or all of an identifier's parts
// ("type+script").
func termClauses(words ...string) []expr.Node {
	var clauses []expr.Node
	for _, w := range words {
		var fieldQs []expr.Node
		for _, f := range []string{record.FieldQuestion, record.FieldAnswer} {
			var alts []expr.Node
			for _, alt := range strings.Split(w, "|") {
				var conj []expr.Node
				for _, term := range strings.Split(alt, "+") {
					conj = append(conj, expr.Term{Field: f, Term: term, Boost: 1})
				}
				if len(conj) == 1 {
					alts = append(alts, conj[0])
				} else {
					alts = append(alts, expr.And{Clauses: conj})
				}
			}
			fieldQs = append(fieldQs, expr.Or{Clauses: alts})
		}
		clauses = append(clauses, expr.Or{Clauses: fieldQs})
	}
	return clauses
}

func testMinMatch(t *testing.T, ix *Index, texts []string) {
	var sets [][]expr.Node
	for _, text := range texts {
		var clauses []expr.Node
		for _, w := range strings.Fields(text) {
			clauses = append(clauses, textTree(t, ix, w))
		}
		sets = append(sets, clauses)
	}
	testMinMatchClauses(t, ix, texts, sets)
}

// testMinMatchClauses compares bleveq.MinMatchQuery with Bleve's
// disjunction of the same minimum, alone and in a boolean query with a
// phrase, through Bleve; then the tree of that boolean query through
// Search, ranked by Bleve's searchers and by the fast ranker.
func testMinMatchClauses(t *testing.T, ix *Index, texts []string, sets [][]expr.Node) {
	for n, text := range texts {
		clauses := sets[n]
		var bcl []query.Query
		for _, c := range clauses {
			q, err := bleveq.Query(c, allRecords())
			if err != nil {
				t.Fatal(err)
			}
			bcl = append(bcl, q)
		}
		ph := phraseTree(t, ix, record.FieldQuestion, text)
		bph, err := bleveq.Query(ph, allRecords())
		if err != nil {
			t.Fatal(err)
		}
		for k := 2; k <= len(clauses)+1; k++ {
			t.Run(fmt.Sprintf("%s/min=%d", text, k), func(t *testing.T) {
				want := bleve.NewDisjunctionQuery(bcl...)
				want.SetMin(float64(k))
				got := bleveq.NewMinMatchQuery(k, bcl...)
				compareQueries(t, ix, got, want)

				bw, bg := bleve.NewBooleanQuery(), bleve.NewBooleanQuery()
				bw.AddMust(want)
				bw.AddShould(bph)
				bg.AddMust(got)
				bg.AddShould(bph)
				compareQueries(t, ix, bg, bw)

				req := bleve.NewSearchRequestOptions(bw, 10, 0, false)
				req.SortBy([]string{"-_score", "_id"})
				req.Fields = []string{FieldRecord}
				req.IncludeLocations = true
				wr, err := ix.search.Search(req)
				if err != nil {
					t.Fatal(err)
				}
				tree := expr.Bool{Must: []expr.Node{expr.Or{Clauses: clauses, Min: k}}, Should: []expr.Node{ph}}
				for _, fast := range []bool{false, true} {
					ix.SetFastRanking(fast)
					gr, err := ix.searchTree(context.Background(), tree, SearchOptions{Size: 10, Fields: []string{FieldRecord}, Locations: true})
					ix.SetFastRanking(true)
					if err != nil {
						t.Fatalf("Search() error = %v", err)
					}
					compareHits(t, gr, wr, fast)
				}
			})
		}
	}
}

func compareQueries(t *testing.T, ix *Index, got, want query.Query) {
	t.Helper()
	run := func(q query.Query) *bleve.SearchResult {
		req := bleve.NewSearchRequestOptions(q, 10000, 0, false)
		req.SortBy([]string{"-_score", "_id"})
		req.IncludeLocations = true
		res, err := ix.search.Search(req)
		if err != nil {
			t.Fatalf("Search() error = %v", err)
		}
		return res
	}
	w := run(want)
	if testing.Verbose() {
		t.Logf("%d hits", w.Total)
	}
	compareHits(t, run(got), w, false)
}

// compareHits requires got to hold Bleve's hits: the same total, IDs in
// the same order, scores, stored fields and term locations. With
// moreAnswers (after the fast ranker), got's answer locations need only
// hold Bleve's (versus_test.go's diffResults says why).
func compareHits(t *testing.T, got, want *bleve.SearchResult, moreAnswers bool) {
	t.Helper()
	g, w := *got, *want
	g.Facets, w.Facets = nil, nil // compared by the callers that ask for them
	for _, d := range diffResults("Search", &g, &w, moreAnswers) {
		t.Error(d)
	}
}
