package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/iq-search/iq/index/synth"
	"github.com/iq-search/iq/record"
)

func TestNewDoc(t *testing.T) {
	for _, tc := range []struct {
		name                         string
		r                            record.Record
		answer, code, sources, files string
	}{
		{"bare", record.Record{ID: "a", Question: "Q?"}, "", "", "", ""},
		{"parts and code", record.Record{ID: "b", Question: "Q?", Answers: []record.Answer{
			{Text: "one", HowToAnswer: "how", Code: []record.Code{{Text: "x := 1"}}},
			{ExampleAnswer: "ex", Code: []record.Code{{Text: "y"}, {Text: "z"}}},
		}}, "one\n\nhow\n\nex", "x := 1\n\ny\n\nz", "", ""},
		{"sources, files once", record.Record{ID: "c", Sources: []record.Source{
			{File: "a.md", Line: 3}, {File: "b.md", Line: 1}, {File: "a.md", Line: 9},
		}}, "", "", "a.md:3\nb.md:1\na.md:9", "a.md b.md"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d, err := NewDoc(tc.r)
			if err != nil {
				t.Fatal(err)
			}
			files := ""
			for i, f := range d.Files {
				if i > 0 {
					files += " "
				}
				files += f
			}
			if d.Answer != tc.answer || d.Code != tc.code || d.Sources != tc.sources || files != tc.files {
				t.Errorf("NewDoc = answer %q, code %q, sources %q, files %q; want %q, %q, %q, %q",
					d.Answer, d.Code, d.Sources, files, tc.answer, tc.code, tc.sources, tc.files)
			}
			var back record.Record
			if err := json.Unmarshal([]byte(d.Record), &back); err != nil || !reflect.DeepEqual(back, tc.r) {
				t.Errorf("record JSON %s does not decode to the record (%v)", d.Record, err)
			}
		})
	}
}

// The export is the benchmarks' corpus: synth.Generate(n, seed) in
// order, whatever the chunking, and the query mix the other peers run.
func TestExport(t *testing.T) {
	dir := t.TempDir()
	const n = 10003 // more than one chunk of 10,000
	if err := export(dir, n, 400, 1); err != nil {
		t.Fatal(err)
	}
	want := synth.Generate(n, 1)
	i := 0
	readLines(t, filepath.Join(dir, "records.jsonl"), func(line []byte) {
		var d Doc
		if err := json.Unmarshal(line, &d); err != nil {
			t.Fatalf("line %d: %v", i+1, err)
		}
		if i < n && (d.ID != want[i].ID || d.Question != want[i].Question) {
			t.Fatalf("line %d: %s %q; want %s %q", i+1, d.ID, d.Question, want[i].ID, want[i].Question)
		}
		i++
	})
	if i != n {
		t.Errorf("%d records; want %d", i, n)
	}
	qs := synth.ParsedQueries(400, 1)
	i = 0
	readLines(t, filepath.Join(dir, "queries.jsonl"), func(line []byte) {
		var q Query
		if err := json.Unmarshal(line, &q); err != nil {
			t.Fatalf("query %d: %v", i+1, err)
		}
		if i < len(qs) && (q.Text != qs[i].Text || !reflect.DeepEqual(q.Words, qs[i].Words) ||
			!reflect.DeepEqual(q.Required, qs[i].Required) || q.Phrase != qs[i].Phrase) {
			t.Errorf("query %d = %+v; want %+v", i+1, q, qs[i])
		}
		i++
	})
	if i != len(qs) {
		t.Errorf("%d queries; want %d", i, len(qs))
	}
	if err := export(dir, 0, 400, 1); err == nil {
		t.Error("export of 0 records: no error")
	}
}

func readLines(t *testing.T, path string, f func([]byte)) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	s := bufio.NewScanner(bytes.NewReader(b))
	s.Buffer(nil, 1<<24)
	for s.Scan() {
		f(s.Bytes())
	}
	if err := s.Err(); err != nil {
		t.Fatal(err)
	}
}
