package dedup_test

import (
	"fmt"

	"github.com/iq-search/iq/dedup"
	"github.com/iq-search/iq/record"
)

func records(questions ...string) []record.Record {
	var recs []record.Record
	for _, q := range questions {
		recs = append(recs, record.Record{ID: record.QuestionID(q), Question: q, Topics: []string{"fastapi"}})
	}
	return recs
}

var bank = records(
	"What is FastAPI, and how does it differ from other Python web frameworks?",
	"What is FastAPI, and how does it differ from other Python web frameworks like Flask or Django?",
	"What is Pydantic, and how is it used in FastAPI?",
	"What are the key differences between Pydantic v1 and v2, and how does FastAPI use Pydantic v2?",
	"How do you handle file uploads in FastAPI?",
	"How do you stream large responses in FastAPI?",
	"How do you test async FastAPI endpoints?",
)

func ExampleFind() {
	for _, c := range dedup.Find(bank, dedup.Options{}) {
		for _, m := range c.Members {
			fmt.Printf("%.2f %s\n", m.Score, m.Question)
		}
	}
	// Output:
	// 1.00 What is FastAPI, and how does it differ from other Python web frameworks like Flask or Django?
	// 0.95 What is FastAPI, and how does it differ from other Python web frameworks?
}

func ExampleIndex_Similar() {
	ix := dedup.NewIndex(bank, dedup.Options{})
	for _, m := range ix.Similar(record.Record{Question: "How can I upload files with FastAPI?"}, 2) {
		fmt.Printf("%.2f %s\n", m.Score, m.Question)
	}
	// Output:
	// 0.99 How do you handle file uploads in FastAPI?
	// 0.07 How do you test async FastAPI endpoints?
}
