package index_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/iq-search/iq/index"
	"github.com/iq-search/iq/index/expr"
	"github.com/iq-search/iq/record"
)

func ExampleBuild() {
	tmp, _ := os.MkdirTemp("", "iq-example")
	defer os.RemoveAll(tmp)
	dir := filepath.Join(tmp, "index")

	q := "What is dependency injection in FastAPI?"
	recs := []record.Record{{
		ID:       record.QuestionID(q),
		Question: q,
		Level:    record.LevelBeginner,
		Answers:  []record.Answer{{Text: "Depends() declares what a path operation needs."}},
		Sources:  []record.Source{{File: "fastapi.md", Line: 12}},
	}}
	if err := index.Build(context.Background(), dir, recs, index.BuildOptions{Fingerprint: "example"}); err != nil {
		fmt.Println(err)
		return
	}
	ix, err := index.Open(dir)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer ix.Close()

	// "DI" is in the shipped synonym list: its term finds "dependency
	// injection".
	a, _ := ix.Analyzer(record.FieldQuestion)
	di := a.Analyze("DI")[0].Term
	page, err := ix.Search(context.Background(), expr.Term{Field: record.FieldQuestion, Term: di, Boost: 1}, index.SearchOptions{Size: 10})
	if err != nil {
		fmt.Println(err)
		return
	}
	rec, _, _ := ix.Record(page.Hits[0].ID)
	fmt.Println(page.Total, rec.Question, index.SourceString(rec.Sources[0]))
	// Output: 1 What is dependency injection in FastAPI? fastapi.md:12
}
