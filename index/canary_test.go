package index

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/blevesearch/bleve/v2"

	"github.com/iq-search/iq/index/expr"
	"github.com/iq-search/iq/record"
)

// TestPhraseSynonymBugCanary fails when Bleve fixes the bug exactPhrase
// works around (phrase.go): with a synonym list, Bleve's phrase searcher
// drops the locations of the words that have no synonym once one word of
// the phrase has some, so "prevent SQL injections" ("sql" has a synonym)
// matches nothing. Seen in v2.5.7 and v2.6.3. When this test fails, check
// the fix, and let phrases go through Bleve's own query again.
func TestPhraseSynonymBugCanary(t *testing.T) {
	q := "How do you prevent SQL injections in Python?"
	recs := []record.Record{{
		ID: record.QuestionID(q), Question: q,
		Answers: []record.Answer{{Text: "Use parameterised queries."}},
		Sources: []record.Source{{File: "canary.md", Line: 1}},
	}}
	dir := filepath.Join(t.TempDir(), "index")
	if err := Build(context.Background(), dir, recs, BuildOptions{Fingerprint: "canary"}); err != nil {
		t.Fatal(err)
	}
	ix, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()

	const phrase = "prevent sql injections"
	a, err := ix.Analyzer(record.FieldQuestion)
	if err != nil {
		t.Fatal(err)
	}
	var terms [][]string
	for _, tok := range a.Analyze(phrase) {
		if !tok.Concept {
			terms = append(terms, []string{tok.Term})
		}
	}
	exact, err := ix.Search(context.Background(), expr.Phrase{Field: record.FieldQuestion, Terms: terms, Boost: 1}, SearchOptions{Size: 10})
	if err != nil {
		t.Fatal(err)
	}
	if exact.Total != 1 {
		t.Fatalf("exactPhrase %q found %d records; want 1 (the test is broken, not Bleve)", phrase, exact.Total)
	}
	blevePhrase := func(p string) uint64 {
		mq := bleve.NewMatchPhraseQuery(p)
		mq.SetField(record.FieldQuestion)
		res, err := ix.search.Search(bleve.NewSearchRequest(mq))
		if err != nil {
			t.Fatal(err)
		}
		return res.Total
	}
	// The control: a phrase without a synonym matches through Bleve.
	if n := blevePhrase("do you prevent"); n != 1 {
		t.Fatalf("Bleve's phrase query %q found %d records; want 1 (the test is broken)", "do you prevent", n)
	}
	if n := blevePhrase(phrase); n != 0 {
		t.Errorf("Bleve's phrase query %q found %d records with synonyms on: the phrase/synonym bug is fixed; "+
			"exactPhrase (index/phrase.go) may give way to Bleve's phrase searcher", phrase, n)
	}
}
