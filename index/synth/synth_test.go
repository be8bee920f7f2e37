package synth

import (
	"encoding/json"
	"reflect"
	"testing"

	"github.com/iq-search/iq/record"
)

func TestGenerate(t *testing.T) {
	const n = 2000
	recs := Generate(n, 1)
	if len(recs) != n {
		t.Fatalf("Generate(%d, 1) = %d records", n, len(recs))
	}
	if again := Generate(n, 1); !reflect.DeepEqual(recs, again) {
		t.Errorf("Generate(%d, 1) differs between calls; want deterministic", n)
	}
	var streamed []record.Record
	for r, err := range Stream(n, 1) {
		if err != nil {
			t.Fatal(err)
		}
		streamed = append(streamed, r)
	}
	if !reflect.DeepEqual(recs, streamed) {
		t.Errorf("Stream(%d, 1) differs from Generate(%d, 1)", n, n)
	}
	if other := Generate(10, 2); reflect.DeepEqual(recs[:10], other) {
		t.Errorf("Generate(10, 2) = Generate(10, 1); want the seed to matter")
	}
	ids := map[string]bool{}
	withCode, answerBytes := 0, 0
	levels := map[string]int{}
	for _, r := range recs {
		if r.ID == "" || r.Question == "" || len(r.Answers) == 0 || len(r.Topics) == 0 || len(r.Tags) == 0 || len(r.Sources) == 0 {
			t.Fatalf("record %+v lacks a field", r)
		}
		if ids[r.ID] {
			t.Errorf("duplicate ID %s for %q", r.ID, r.Question)
		}
		ids[r.ID] = true
		levels[r.Level]++
		for _, a := range r.Answers {
			answerBytes += len(a.Text) + len(a.HowToAnswer) + len(a.ExampleAnswer)
			for _, c := range a.Code {
				answerBytes += len(c.Text)
			}
		}
		for _, a := range r.Answers {
			if len(a.Code) > 0 {
				withCode++
				break
			}
		}
	}
	if avg := answerBytes / n; avg < 1000 || avg > 1600 {
		t.Errorf("average answer size = %d bytes; want 1000–1600", avg)
	}
	if f := float64(withCode) / n; f < 0.15 || f > 0.35 {
		t.Errorf("records with code = %.2f; want about a quarter", f)
	}
	for _, l := range []string{"beginner", "intermediate", "advanced", ""} {
		if levels[l] == 0 {
			t.Errorf("no record with level %q", l)
		}
	}
	b, _ := json.Marshal(recs)
	t.Logf("%d records, %d bytes of JSON, %d with code", n, len(b), withCode)
}

func TestQueries(t *testing.T) {
	q := Queries(200, 1)
	if len(q) != 200 || !reflect.DeepEqual(q, Queries(200, 1)) {
		t.Fatalf("Queries(200, 1) = %d queries, or not deterministic", len(q))
	}
	for _, s := range q {
		if s == "" {
			t.Errorf("empty query in Queries(200, 1)")
		}
	}
}
