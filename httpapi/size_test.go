package httpapi

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/iq-search/iq/internal/apitest"
	"github.com/iq-search/iq/pipeline"
	"github.com/iq-search/iq/query"
	"github.com/iq-search/iq/record"
)

// mergedQuestion is asked mergedTimes in the bank of mergedSearcher, with
// an answer each time.
const (
	mergedQuestion = "What is a closure in JavaScript?"
	mergedTimes    = 3000
)

// mergedSearcher indexes a bank where one question is asked mergedTimes,
// so ingest merges it into one record with that many answers and sources,
// beside a few other questions.
func mergedSearcher(t *testing.T) *query.Searcher {
	t.Helper()
	var b strings.Builder
	b.WriteString("# JavaScript questions\n\n")
	for i := range mergedTimes {
		fmt.Fprintf(&b, "## %s\n\nA closure keeps the variables of its scope alive, take %d.\n\n", mergedQuestion, i)
	}
	b.WriteString("## How does a closure capture loop variables?\n\nEach iteration of a let loop has its own binding.\n\n")
	b.WriteString("## What does a closure in JavaScript remember?\n\nThe variables of the scope it was made in, live.\n\n")
	dir := t.TempDir()
	src := filepath.Join(dir, "bank.md")
	if err := os.WriteFile(src, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	s, err := pipeline.Open(context.Background(), pipeline.OpenOptions{IndexDir: filepath.Join(dir, "index"), Sources: []string{src}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	rec, err := s.Record(record.QuestionID(mergedQuestion))
	if err != nil || len(rec.Sources) != mergedTimes || len(rec.Answers) != mergedTimes {
		t.Fatalf("merged record: %d sources, %d answers (%v); want %d of each", len(rec.Sources), len(rec.Answers), err, mergedTimes)
	}
	return s
}

// A question merged thousands of times does not make answers that grow
// with it: hits list MaxHitSources sources and count the rest, the
// question endpoint MaxRecordAnswers answers and MaxRecordSources sources.
func TestServeAnswerSizeBounded(t *testing.T) {
	s := mergedSearcher(t)
	h := New(s, Options{}).Handler()
	id := record.QuestionID(mergedQuestion)
	more := mergedTimes - query.MaxHitSources

	tests := []struct {
		target string
		check  func(t *testing.T, b []byte)
	}{
		{"/api/search?q=closure&limit=100", func(t *testing.T, b []byte) {
			r := apitest.Decode[query.Result](t, b)
			for _, hit := range r.Hits {
				if hit.ID == id {
					if len(hit.Sources) != query.MaxHitSources || hit.MoreSources != more {
						t.Errorf("hit lists %d sources, %d more; want %d, %d", len(hit.Sources), hit.MoreSources, query.MaxHitSources, more)
					}
					return
				}
			}
			t.Errorf("no hit for %q", mergedQuestion)
		}},
		{"/api/questions/" + id, func(t *testing.T, b []byte) {
			q := apitest.Decode[query.QuestionResult](t, b)
			if len(q.Answers) != query.MaxRecordAnswers || q.MoreAnswers != mergedTimes-query.MaxRecordAnswers ||
				len(q.Sources) != query.MaxRecordSources || q.MoreSources != mergedTimes-query.MaxRecordSources {
				t.Errorf("question: %d answers, %d more, %d sources, %d more; want %d, %d, %d, %d", len(q.Answers), q.MoreAnswers, len(q.Sources), q.MoreSources,
					query.MaxRecordAnswers, mergedTimes-query.MaxRecordAnswers, query.MaxRecordSources, mergedTimes-query.MaxRecordSources)
			}
		}},
		{"/api/similar?q=" + strings.ReplaceAll(mergedQuestion, " ", "+"), func(t *testing.T, b []byte) {
			r := apitest.Decode[query.SimilarResult](t, b)
			found := false
			for _, m := range r.Matches {
				if m.ID == id {
					found = true
					if len(m.Sources) != query.MaxHitSources || m.MoreSources != more {
						t.Errorf("similar match lists %d sources, %d more; want %d, %d", len(m.Sources), m.MoreSources, query.MaxHitSources, more)
					}
				}
			}
			if !found {
				t.Errorf("similar lacks %q: %s", mergedQuestion, b)
			}
		}},
	}
	for _, tt := range tests {
		w := apitest.Get(h, "GET", tt.target)
		if w.Code != 200 {
			t.Fatalf("GET %s = %d %.200s", tt.target, w.Code, w.Body)
		}
		// Whatever the merges, an answer stays small.
		if n := w.Body.Len(); n > 256<<10 {
			t.Errorf("GET %s: %d bytes; want at most 256 KiB", tt.target, n)
		}
		t.Logf("GET %s: %d bytes", tt.target, w.Body.Len())
		tt.check(t, w.Body.Bytes())
	}
	// An ordinary record is shown whole, with no counts of what is left
	// out: the JSON of record.Record.
	other := record.QuestionID("How does a closure capture loop variables?")
	if b := apitest.Get(h, "GET", "/api/questions/"+other).Body.String(); strings.Contains(b, "more_") {
		t.Errorf("ordinary record shows counts of left-out parts: %s", b)
	}
}
