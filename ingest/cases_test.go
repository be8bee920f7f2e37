package ingest

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// caseWant is a hand-made edge case's expected outcome
// (testdata/cases/<name>/want.json, as go-readability keeps its cases):
// every record in order, with the start of its first answer (or all of
// it); the drops that
// must be among the report's (others may be there too); how many warnings.
type caseWant struct {
	Records []struct {
		Line        int    `json:"line"`
		Question    string `json:"question"`
		AnswerStart string `json:"answer_start"`
		Answer      string `json:"answer"` // when set, the whole first answer
		Context     string `json:"context"`
	} `json:"records"`
	Drops []struct {
		Line   int    `json:"line"`
		Reason Reason `json:"reason"`
	} `json:"drops"`
	Warnings int `json:"warnings"`
}

// TestCases ingests each hand-made page under testdata/cases and compares
// the records, drops and warnings with its want.json.
func TestCases(t *testing.T) {
	dirs, err := filepath.Glob(filepath.Join("testdata", "cases", "*"))
	if err != nil || len(dirs) == 0 {
		t.Fatalf("no cases under testdata/cases: %v", err)
	}
	for _, dir := range dirs {
		t.Run(filepath.Base(dir), func(t *testing.T) {
			inputs, _ := filepath.Glob(filepath.Join(dir, "input.*"))
			if len(inputs) != 1 {
				t.Fatalf("want one input.* in %s, have %q", dir, inputs)
			}
			data, err := os.ReadFile(inputs[0])
			if err != nil {
				t.Fatal(err)
			}
			raw, err := os.ReadFile(filepath.Join(dir, "want.json"))
			if err != nil {
				t.Fatal(err)
			}
			var want caseWant
			if err := json.Unmarshal(raw, &want); err != nil {
				t.Fatalf("want.json: %v", err)
			}
			name := filepath.Base(inputs[0])
			recs, rep, err := Bytes(context.Background(), name, data, Options{})
			if err != nil {
				t.Fatal(err)
			}
			n := max(len(recs), len(want.Records))
			for i := range n {
				switch {
				case i >= len(recs):
					t.Errorf("record %d missing; want line %d %q", i, want.Records[i].Line, want.Records[i].Question)
					continue
				case i >= len(want.Records):
					t.Errorf("extra record %d: line %d %q", i, recs[i].Sources[0].Line, recs[i].Question)
					continue
				}
				r, w := recs[i], want.Records[i]
				if r.Question != w.Question || r.Sources[0].Line != w.Line {
					t.Errorf("record %d = line %d %q; want line %d %q", i, r.Sources[0].Line, r.Question, w.Line, w.Question)
				}
				answer := ""
				if len(r.Answers) > 0 {
					answer = r.Answers[0].Text
				}
				if w.Answer != "" && answer != w.Answer {
					t.Errorf("record %d %q answer = %q; want %q", i, r.Question, answer, w.Answer)
				}
				if !strings.HasPrefix(answer, w.AnswerStart) {
					t.Errorf("record %d %q answer = %.80q; want it to start with %q", i, r.Question, answer, w.AnswerStart)
				}
				if r.Context != w.Context {
					t.Errorf("record %d %q context = %q; want %q", i, r.Question, r.Context, w.Context)
				}
			}
			for _, d := range want.Drops {
				found := false
				for _, g := range rep.Dropped {
					if g.Line == d.Line && g.Reason == d.Reason {
						found = true
						break
					}
				}
				if !found {
					t.Errorf("no %s drop at line %d among the %d drops", d.Reason, d.Line, len(rep.Dropped))
				}
			}
			if len(rep.Warnings) != want.Warnings {
				t.Errorf("%d warnings %+v; want %d", len(rep.Warnings), rep.Warnings, want.Warnings)
			}
		})
	}
}
