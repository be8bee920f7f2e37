package index_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/blevesearch/bleve/v2"

	"github.com/iq-search/iq/index"
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

	// "DI" is in the shipped synonym list.
	mq := bleve.NewMatchQuery("DI")
	mq.SetField(record.FieldQuestion)
	res, _ := ix.Bleve().Search(bleve.NewSearchRequest(mq))
	rec, _, _ := ix.Record(res.Hits[0].ID)
	fmt.Println(res.Total, rec.Question, index.SourceString(rec.Sources[0]))
	// Output: 1 What is dependency injection in FastAPI? fastapi.md:12
}
