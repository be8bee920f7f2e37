package pipeline_test

import (
	"context"
	"fmt"
	"log"
	"os"
	"path/filepath"

	"github.com/iq-search/iq/pipeline"
	"github.com/iq-search/iq/query"
)

// Open builds an index of your own files the first time and opens it; a
// search then goes through the Searcher it returns, as iq search does.
func ExampleOpen() {
	dir, err := os.MkdirTemp("", "iq-example-")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	bank := filepath.Join(dir, "go.md")
	os.WriteFile(bank, []byte("# Go\n\n## What is a goroutine?\n\nA function running concurrently.\n\n"+
		"## What is a channel?\n\nA typed conduit between goroutines.\n\n## Junior\n\n### What does defer do?\n\nIt runs a call when the function returns.\n"), 0o644)

	ctx := context.Background()
	s, err := pipeline.Open(ctx, pipeline.OpenOptions{IndexDir: filepath.Join(dir, "index"), Sources: []string{bank}})
	if err != nil {
		log.Fatal(err)
	}
	defer s.Close()
	res, err := s.Search(ctx, query.Request{Text: "goroutines", Limit: 10})
	if err != nil {
		log.Fatal(err)
	}
	for _, h := range res.Hits {
		fmt.Printf("%s %s:%d\n", h.Question, filepath.Base(h.Sources[0].File), h.Sources[0].Line)
	}
	res, _ = s.Search(ctx, query.Request{Filters: query.Filters{"level": {"beginner"}}, Limit: 10})
	for _, h := range res.Hits {
		fmt.Println(h.Level, h.Question)
	}
	// Output:
	// What is a goroutine? go.md:3
	// What is a channel? go.md:7
	// beginner What does defer do?
}
