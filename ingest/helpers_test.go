package ingest

import (
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/iq-search/iq/corpus"
	"github.com/iq-search/iq/record"
)

// sharedDir returns ../shared beside the repository, or skips the test when
// it is absent (a clone without the shared data).
func sharedDir(t testing.TB) string {
	t.Helper()
	dir := filepath.Join("..", "..", "shared")
	if _, err := os.Stat(filepath.Join(dir, "corpora")); err != nil {
		t.Skipf("shared data not found at %s: %v", dir, err)
	}
	return dir
}

// ingestSeed ingests one embedded seed file on its own.
func ingestSeed(t testing.TB, name string) ([]record.Record, *Report) {
	t.Helper()
	data, err := fs.ReadFile(corpus.Seeds(), name)
	if err != nil {
		t.Fatalf("read seed %s: %v", name, err)
	}
	recs, rep, err := Bytes(context.Background(), name, data, Options{})
	if err != nil {
		t.Fatalf("Bytes(%s): %v", name, err)
	}
	return recs, rep
}

// ingestFile ingests one file below ../shared, named relative to it.
func ingestFile(t testing.TB, rel string) ([]record.Record, *Report) {
	t.Helper()
	dir := sharedDir(t)
	data, err := os.ReadFile(filepath.Join(dir, rel))
	if err != nil {
		t.Fatalf("read %s: %v", rel, err)
	}
	recs, rep, err := Bytes(context.Background(), rel, data, Options{})
	if err != nil {
		t.Fatalf("Bytes(%s): %v", rel, err)
	}
	return recs, rep
}

// find returns the first record whose question starts with prefix.
func find(recs []record.Record, prefix string) (record.Record, bool) {
	for _, r := range recs {
		if strings.HasPrefix(r.Question, prefix) {
			return r, true
		}
	}
	return record.Record{}, false
}

// recordTexts returns every text field of a record, for "contains no X"
// checks.
func recordTexts(r record.Record) []string {
	out := []string{r.Question, r.LevelLabel}
	for _, a := range r.Answers {
		out = append(out, a.Text, a.HowToAnswer, a.ExampleAnswer)
		for _, c := range a.Code {
			out = append(out, c.Text)
		}
	}
	return out
}

func firstAnswer(r record.Record) string {
	if len(r.Answers) == 0 {
		return ""
	}
	return r.Answers[0].Text
}

func levelCounts(recs []record.Record) map[string]int {
	m := map[string]int{}
	for _, r := range recs {
		m[r.Level]++
	}
	return m
}
