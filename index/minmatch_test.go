package index

import (
	"context"
	"fmt"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search/query"

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
	var sets [][]query.Query
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
func termClauses(words ...string) []query.Query {
	var clauses []query.Query
	for _, w := range words {
		var fieldQs []query.Query
		for _, f := range []string{record.FieldQuestion, record.FieldAnswer} {
			var alts []query.Query
			for _, alt := range strings.Split(w, "|") {
				var conj []query.Query
				for _, term := range strings.Split(alt, "+") {
					q := bleve.NewTermQuery(term)
					q.SetField(f)
					conj = append(conj, q)
				}
				if len(conj) == 1 {
					alts = append(alts, conj[0])
				} else {
					alts = append(alts, bleve.NewConjunctionQuery(conj...))
				}
			}
			fieldQs = append(fieldQs, bleve.NewDisjunctionQuery(alts...))
		}
		clauses = append(clauses, bleve.NewDisjunctionQuery(fieldQs...))
	}
	return clauses
}

func testMinMatch(t *testing.T, ix *Index, texts []string) {
	var sets [][]query.Query
	for _, text := range texts {
		var clauses []query.Query
		for _, w := range strings.Fields(text) {
			clauses = append(clauses, textQuery(w))
		}
		sets = append(sets, clauses)
	}
	testMinMatchClauses(t, ix, texts, sets)
}

func testMinMatchClauses(t *testing.T, ix *Index, texts []string, sets [][]query.Query) {
	for n, text := range texts {
		clauses := sets[n]
		for k := 2; k <= len(clauses)+1; k++ {
			t.Run(fmt.Sprintf("%s/min=%d", text, k), func(t *testing.T) {
				want := bleve.NewDisjunctionQuery(clauses...)
				want.SetMin(float64(k))
				got := newMinMatchQuery(k, clauses...)
				compareQueries(t, ix, got, want)

				phrase := bleve.NewMatchPhraseQuery(text)
				bw, bg := bleve.NewBooleanQuery(), bleve.NewBooleanQuery()
				bw.AddMust(want)
				bw.AddShould(phrase)
				bg.AddMust(got)
				bg.AddShould(phrase)
				compareQueries(t, ix, bg, bw)

				gr, err := ix.searchBleve(context.Background(), bg, SearchOptions{Size: 10, Fields: []string{FieldRecord}, Locations: true})
				if err != nil {
					t.Fatalf("Search() error = %v", err)
				}
				req := bleve.NewSearchRequestOptions(bw, 10, 0, false)
				req.SortBy([]string{"-_score", "_id"})
				req.Fields = []string{FieldRecord}
				req.IncludeLocations = true
				wr, err := ix.search.Search(req)
				if err != nil {
					t.Fatal(err)
				}
				compareHits(t, gr, wr)
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
	compareHits(t, run(got), w)
}

// compareHits requires got to hold Bleve's hits: the same total, IDs in
// the same order, scores, stored fields and term locations.
func compareHits(t *testing.T, got, want *bleve.SearchResult) {
	t.Helper()
	if got.Total != want.Total || len(got.Hits) != len(want.Hits) {
		t.Fatalf("Total = %d, %d hits; Bleve's %d, %d hits", got.Total, len(got.Hits), want.Total, len(want.Hits))
	}
	for i, w := range want.Hits {
		g := got.Hits[i]
		if g.ID != w.ID || g.Score != w.Score {
			t.Errorf("hit %d = %s (%g); Bleve's %s (%g)", i, g.ID, g.Score, w.ID, w.Score)
			continue
		}
		if !reflect.DeepEqual(g.Locations, w.Locations) {
			t.Errorf("hit %d %s locations = %v; Bleve's %v", i, g.ID, g.Locations, w.Locations)
		}
		if !reflect.DeepEqual(g.Fields, w.Fields) {
			t.Errorf("hit %d %s fields = %v; Bleve's %v", i, g.ID, g.Fields, w.Fields)
		}
	}
}
