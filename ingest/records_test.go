package ingest

import (
	"bytes"
	"context"
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/iq-search/iq/corpus"
	"github.com/iq-search/iq/record"
)

// What `iq ingest` writes, read back as a records file, is the same
// records: a bank kept as data indexes as it was ingested.
func TestRecordsRoundTrip(t *testing.T) {
	want, _, err := FS(context.Background(), corpus.Seeds(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	for _, r := range want {
		if err := enc.Encode(r); err != nil {
			t.Fatal(err)
		}
	}
	got, rep, err := Bytes(context.Background(), "bank.jsonl", b.Bytes(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Dropped) != 0 || len(rep.Skipped) != 0 {
		t.Errorf("report: dropped %v, skipped %v; want nothing", rep.Dropped, rep.Skipped)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("records read back differ: %d records, want %d", len(got), len(want))
		for i := range min(len(got), len(want)) {
			if !reflect.DeepEqual(got[i], want[i]) {
				t.Errorf("first difference, record %d:\n got %+v\nwant %+v", i, got[i], want[i])
				break
			}
		}
	}
}

// A records file's lines are checked one by one: a line that is not a
// record is dropped with its line and why, the rest is read, completed
// (ID from the question, source, topics, level) and kept.
func TestRecordsJSONL(t *testing.T) {
	src := strings.Join([]string{
		`{"id":"0000000000000000","question":"What is a closure in JavaScript?","answers":[{"text":"A function with the scope it was made in."}],"level":"Junior","topics":["javascript"],"sources":[{"file":"notes/js.md","line":12}]}`,
		`{"questoin":"What is hoisting?"}`,
		`not json at all`,
		``,
		`{"question":"   "}`,
		`{"question":"What does useEffect do in React hooks?","level":"wizard","answers":[{"text":""},{"text":"It runs after render."}]}`,
		`{"question":"What is a closure in JavaScript?","answers":[{"text":"Functions remember their scope."}]} {"question":"x"}`,
	}, "\n")
	recs, rep, err := Bytes(context.Background(), "bank.jsonl", []byte(src), Options{})
	if err != nil {
		t.Fatal(err)
	}
	type drop struct {
		line   int
		reason Reason
		text   string
	}
	var drops []drop
	for _, d := range rep.Dropped {
		drops = append(drops, drop{d.Line, d.Reason, d.Text})
	}
	wantDrops := []drop{
		{2, DropInvalidRecord, `not a record: json: unknown field "questoin"`},
		{3, DropInvalidRecord, "not a record: invalid character 'o' in literal null (expecting 'u')"},
		{5, DropEmpty, "a record with no question"},
		{7, DropInvalidRecord, "not a record: more than one JSON value on the line"},
	}
	if !reflect.DeepEqual(drops, wantDrops) {
		t.Errorf("drops = %+v\nwant %+v", drops, wantDrops)
	}
	if len(recs) != 2 {
		t.Fatalf("got %d records; want 2", len(recs))
	}
	c := recs[0]
	if c.ID != record.QuestionID(c.Question) || c.Level != "beginner" || c.LevelLabel != "Junior" ||
		!reflect.DeepEqual(c.Sources, []record.Source{{File: "notes/js.md", Line: 12}}) || c.Answers[0].Source != c.Sources[0] ||
		!reflect.DeepEqual(c.Topics, []string{"javascript"}) || c.Lang != "en" {
		t.Errorf("closure record = %+v", c)
	}
	h := recs[1]
	if h.Level != "" || h.LevelLabel != "wizard" || len(h.Answers) != 1 || h.Sources[0] != (record.Source{File: "bank.jsonl", Line: 6}) || len(h.Tags) == 0 {
		t.Errorf("hooks record = %+v; want no level (label wizard), 1 answer, source bank.jsonl:6, tags", h)
	}
	if len(rep.Warnings) != 1 || rep.Warnings[0].Line != 6 || rep.Warnings[0].Message != `level "wizard" is none of beginner, intermediate, advanced; kept as its label` {
		t.Errorf("warnings = %+v", rep.Warnings)
	}
}

func TestRecordsCSV(t *testing.T) {
	src := "Question,Answer,answer,level,topics,tags,source\n" +
		"\"What is a closure, in JavaScript?\",\"A function, with its scope.\",Also an object.,beginner,javascript;closures,,js.md:4\n" +
		"What is bias and variance?,Errors of a model,,intermediate,machine learning,,\n" +
		"too,few\n" +
		"\"What are React hooks?\",Functions,,,,,\n"
	recs, rep, err := Bytes(context.Background(), "bank.csv", []byte(src), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 3 || len(rep.Dropped) != 1 || rep.Dropped[0].Line != 4 || rep.Dropped[0].Text != "not a record: 2 fields, the header has 7" {
		t.Fatalf("got %d records, drops %+v; want 3 and line 4 dropped", len(recs), rep.Dropped)
	}
	c := recs[0]
	if c.Question != "What is a closure, in JavaScript?" || len(c.Answers) != 2 || c.Answers[1].Text != "Also an object." ||
		!reflect.DeepEqual(c.Topics, []string{"closures", "javascript"}) || c.Sources[0] != (record.Source{File: "js.md", Line: 4}) {
		t.Errorf("closure record = %+v", c)
	}
	if r := recs[2]; r.Sources[0] != (record.Source{File: "bank.csv", Line: 5}) || r.Level != "" {
		t.Errorf("hooks record = %+v; want source bank.csv:5, no level", r)
	}
	// An unknown column names itself and the known ones; the file is
	// skipped, not guessed at.
	_, rep, _ = Bytes(context.Background(), "bad.csv", []byte("question,anwser\nq?,a\n"), Options{})
	if len(rep.Skipped) != 1 || rep.Skipped[0].Reason != SkipSchema ||
		rep.Skipped[0].Detail != `unknown CSV column "anwser", want some of question, answer, level, level_label, context, lang, topics, tags, source, id, cluster` {
		t.Errorf("skipped = %+v", rep.Skipped)
	}
}

// Standard input is read as "-", its format sniffed (or forced).
func TestStdin(t *testing.T) {
	md := "# JavaScript\n\n## What is a closure?\n\nA function with its scope.\n\n## What is hoisting?\n\nDeclarations move up.\n"
	jsonl := `{"question":"What is a closure?","answers":[{"text":"A function with its scope."}]}` + "\n"
	csv := "question,answer\nWhat is a closure?,A function with its scope.\n"
	for _, tt := range []struct {
		name   string
		in     string
		format Format
		want   int
	}{
		{"markdown sniffed", md, 0, 2},
		{"jsonl sniffed", jsonl, 0, 1},
		{"csv sniffed", csv, 0, 1},
		{"markdown forced", "What is a closure?\n\nA function.\n", FormatMarkdown, 1},
	} {
		recs, rep, err := Paths(context.Background(), []string{Stdin}, Options{Stdin: strings.NewReader(tt.in), Format: tt.format})
		if err != nil || len(recs) != tt.want {
			t.Errorf("%s: %d records, %v, report %+v; want %d", tt.name, len(recs), err, rep, tt.want)
			continue
		}
		if recs[0].Sources[0].File != "-" {
			t.Errorf("%s: source %+v; want file -", tt.name, recs[0].Sources[0])
		}
	}
	_, rep, _ := Paths(context.Background(), []string{Stdin}, Options{})
	if len(rep.Skipped) != 1 || rep.Skipped[0].Detail != "no standard input to read" {
		t.Errorf("no stdin: skipped %+v", rep.Skipped)
	}
}

func TestParseFormat(t *testing.T) {
	for _, name := range []string{"text", "markdown", "HTML", "jsonl", "csv"} {
		if f, err := ParseFormat(name); err != nil || !strings.EqualFold(f.String(), name) {
			t.Errorf("ParseFormat(%q) = %v, %v", name, f, err)
		}
	}
	if _, err := ParseFormat("pdf"); err == nil || err.Error() != `unknown format "pdf", want one of text, markdown, html, jsonl, csv` {
		t.Errorf("ParseFormat(pdf) error = %v", err)
	}
}
