package ingest_test

import (
	"context"
	"fmt"

	"github.com/iq-search/iq/ingest"
)

func ExampleBytes() {
	page := []byte(`Go Interview Questions

1. What is a goroutine?

A function running concurrently with others in the same address space.

Invest now!!! Get your $5 bonus when you sign up!

2. What is a goroutine?

A lightweight thread managed by the Go runtime.

Comments
`)
	recs, rep, err := ingest.Bytes(context.Background(), "go-questions.txt", page, ingest.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, r := range recs {
		fmt.Printf("%s %q topics=%v tags=%v\n", r.ID, r.Question, r.Topics, r.Tags)
		for _, a := range r.Answers {
			fmt.Printf("  line %d: %s\n", a.Source.Line, a.Text)
		}
	}
	for _, d := range rep.Dropped {
		fmt.Printf("dropped line %d (%s): %s\n", d.Line, d.Reason, d.Text)
	}
	// Output:
	// 05b0903fd8965e7c "What is a goroutine?" topics=[go] tags=[async concurrency]
	//   line 5: A function running concurrently with others in the same address space.
	//   line 11: A lightweight thread managed by the Go runtime.
	// dropped line 1 (preamble): Go Interview Questions
	// dropped line 7 (ad): Invest now!!! Get your $5 bonus when you sign up!
	// dropped line 13 (navigation): Comments
	// dropped line 9 (duplicate): What is a goroutine?
}
