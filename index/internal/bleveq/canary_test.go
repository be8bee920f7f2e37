package bleveq_test

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/search/query"

	"github.com/iq-search/iq/index"
	"github.com/iq-search/iq/index/internal/bleveq"
	"github.com/iq-search/iq/record"
)

// TestPhraseSynonymBugCanary fails when Bleve fixes the bug ExactPhrase
// works around (phrase.go): with a synonym list, Bleve's phrase searcher
// drops the locations of the words that have no synonym once one word of
// the phrase has some, so "prevent SQL injections" ("sql" has a synonym)
// matches nothing. Seen in v2.5.7 and v2.6.3. When this test fails, check
// the fix, and let phrases go through Bleve's own query again.
func TestPhraseSynonymBugCanary(t *testing.T) {
	m, defs, err := index.NewMapping(index.DefaultSynonyms())
	if err != nil {
		t.Fatal(err)
	}
	// scorch, as iq builds: Bleve's in-memory index keeps no thesaurus.
	bi, err := bleve.NewUsing(filepath.Join(t.TempDir(), "canary"), m, scorch.Name, scorch.Name, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer bi.Close()
	b := bi.NewBatch()
	for i, d := range defs {
		if err := b.IndexSynonym(fmt.Sprintf("synonym-%04d", i), index.SynonymCollection, d); err != nil {
			t.Fatal(err)
		}
	}
	q := "How do you prevent SQL injections in Python?"
	if err := b.Index(record.QuestionID(q), map[string]any{record.FieldQuestion: q}); err != nil {
		t.Fatal(err)
	}
	if err := bi.Batch(b); err != nil {
		t.Fatal(err)
	}

	count := func(q query.Query) uint64 {
		res, err := bi.SearchInContext(context.Background(), bleve.NewSearchRequest(q))
		if err != nil {
			t.Fatal(err)
		}
		return res.Total
	}
	const phrase = "prevent sql injections"
	var terms [][]string
	for _, tok := range m.AnalyzerNamed(index.AnalyzerText).Analyze([]byte(phrase)) {
		if tok.Type != analysis.Shingle { // the synonym list's concept tokens
			terms = append(terms, []string{string(tok.Term)})
		}
	}
	if n := count(&bleveq.ExactPhrase{Field: record.FieldQuestion, Terms: terms, Boost: 1}); n != 1 {
		t.Fatalf("ExactPhrase %q found %d records; want 1 (the test is broken, not Bleve)", phrase, n)
	}
	blevePhrase := func(p string) uint64 {
		mq := bleve.NewMatchPhraseQuery(p)
		mq.SetField(record.FieldQuestion)
		return count(mq)
	}
	// The control: a phrase without a synonym matches through Bleve.
	if n := blevePhrase("do you prevent"); n != 1 {
		t.Fatalf("Bleve's phrase query %q found %d records; want 1 (the test is broken)", "do you prevent", n)
	}
	if n := blevePhrase(phrase); n != 0 {
		t.Errorf("Bleve's phrase query %q found %d records with synonyms on: the phrase/synonym bug is fixed; "+
			"ExactPhrase (index/internal/bleveq/phrase.go) may give way to Bleve's phrase searcher", phrase, n)
	}
}
