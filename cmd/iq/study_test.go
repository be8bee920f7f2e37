package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/iq-search/iq/index"
	"github.com/iq-search/iq/query"
	"github.com/iq-search/iq/record"
	"github.com/iq-search/iq/study"
)

// iq quiz with a scripted standard input: a key shows the answer, y or n
// says whether it was known, and the progress file keeps it; a second run
// reads and updates the same file.
func TestQuizScripted(t *testing.T) {
	dir := sharedIndex(t)
	state := t.TempDir()
	t.Setenv("XDG_STATE_HOME", state)
	path := filepath.Join(state, "iq", "progress.json")

	code, stdout, stderr := iqIn(t, "\ny\n\nn\nq\n", "quiz", "-t", "fastapi", "-n", "3", "--seed", "1", "--index", dir)
	if code != 0 {
		t.Fatalf("iq quiz: exit %d, %s", code, stderr)
	}
	for _, want := range []string{"Question 1 of 3", "Question 2 of 3", "Question 3 of 3", "Any key shows the answer", "Did you know it?", "You knew 1 of 2. Progress kept in " + path} {
		if !strings.Contains(stdout, want) {
			t.Errorf("iq quiz output lacks %q:\n%s", want, stdout)
		}
	}
	// The answer comes after the key, not with the question.
	q1 := stdout[strings.Index(stdout, "Question 1 of 3"):strings.Index(stdout, "Did you know it?")]
	if strings.Count(q1, "\n") < 4 {
		t.Errorf("no answer shown after the first key:\n%s", q1)
	}
	p, err := study.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	boxes := map[int]int{}
	for _, c := range p.Cards {
		boxes[c.Box]++
	}
	if len(p.Cards) != 2 || boxes[2] != 1 || boxes[1] != 1 {
		t.Fatalf("progress after knew/missed = %d cards, boxes %v; want one in box 2, one in box 1", len(p.Cards), boxes)
	}
	// The same seed asks the same questions; the missed one is still
	// drawn, and the file grows.
	code, stdout, _ = iqIn(t, "\nn\n\ny\n\ny\n", "quiz", "-t", "fastapi", "-n", "3", "--seed", "1", "--index", dir)
	p2, err := study.Load(path)
	if code != 0 || err != nil || !strings.Contains(stdout, "You knew 2 of 3.") {
		t.Fatalf("second run: exit %d, %v:\n%s", code, err, stdout)
	}
	seen := 0
	for _, c := range p2.Cards {
		seen += c.Seen
	}
	if seen != 5 {
		t.Errorf("after two runs the cards were seen %d times; want 5", seen)
	}
	if code, _, stderr := iqIn(t, "", "quiz", "-t", "fastpai", "--index", dir); code != 2 || !strings.Contains(stderr, `unknown topic "fastpai"`) {
		t.Errorf("iq quiz -t fastpai: exit %d, %q; want a usage error", code, stderr)
	}
}

// iq export writes what iq search finds, in each format; JSON lines index
// again to the same records.
func TestExport(t *testing.T) {
	dir := sharedIndex(t)
	_, ids, _ := iq(t, "search", "-t", "fastapi", "--index", dir)
	n := len(lines(ids))
	if n < 10 {
		t.Fatalf("iq search -t fastapi: %d hits", n)
	}

	code, stdout, stderr := iq(t, "export", "-t", "fastapi", "--format", "csv", "--index", dir)
	rows, err := csv.NewReader(strings.NewReader(stdout)).ReadAll()
	if code != 0 || err != nil || len(rows) != n+1 {
		t.Fatalf("iq export --format csv: exit %d (%s), %v, %d rows; want a header and %d", code, stderr, err, len(rows), n)
	}
	if want := []string{"id", "question", "answer", "level", "topics", "tags", "source"}; !reflect.DeepEqual(rows[0], want) {
		t.Errorf("csv header = %q; want %q", rows[0], want)
	}
	for i, l := range lines(ids) {
		if id, _, _ := strings.Cut(l, "\t"); rows[i+1][0] != id || !strings.Contains(rows[i+1][4], "fastapi") {
			t.Errorf("csv row %d = %q; want id %s with topic fastapi", i+1, rows[i+1][:2], id)
		}
	}

	_, stdout, _ = iq(t, "export", "-t", "fastapi", "-l", "beginner", "--format", "anki", "--index", dir)
	ls := lines(stdout)
	if len(ls) < 4 || ls[0] != "#separator:tab" || ls[1] != "#html:true" || ls[2] != "#tags column:3" {
		t.Fatalf("anki export starts %q; want Anki's header lines", ls[:min(3, len(ls))])
	}
	for _, l := range ls[3:] {
		f := strings.Split(l, "\t")
		if len(f) != 3 || !strings.Contains(f[2], "level::beginner") || !strings.Contains(f[2], "topic::fastapi") || f[0] == "" {
			t.Errorf("anki card %q; want question, answer, tags level::beginner topic::fastapi", l)
		}
	}

	_, stdout, _ = iq(t, "export", "-t", "fastapi", "--format", "md", "--index", dir)
	if strings.Count(stdout, "\n### ") != n || !strings.HasPrefix(stdout, "# ") || !strings.Contains(stdout, "\n## beginner\n") {
		t.Errorf("md export: %d questions (want %d), grouped by topic and level:\n%.400s", strings.Count(stdout, "\n### "), n, stdout)
	}

	out := filepath.Join(t.TempDir(), "fastapi.jsonl")
	if code, _, stderr := iq(t, "export", "-t", "fastapi", "-o", out, "--index", dir); code != 0 || !strings.Contains(stderr, "wrote ") {
		t.Fatalf("iq export -o: exit %d, %q", code, stderr)
	}
	raw, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	var recs []record.Record
	dec := json.NewDecoder(bytes.NewReader(raw))
	for dec.More() {
		var r record.Record
		if err := dec.Decode(&r); err != nil {
			t.Fatal(err)
		}
		recs = append(recs, r)
	}
	if len(recs) != n {
		t.Fatalf("jsonl export has %d records; want %d", len(recs), n)
	}
	// Index the exported records again: every record reads back the same.
	again := filepath.Join(t.TempDir(), "again")
	ctx := context.Background()
	if err := index.Build(ctx, again, recs, index.BuildOptions{Fingerprint: "export"}); err != nil {
		t.Fatal(err)
	}
	ix, err := index.Open(again)
	if err != nil {
		t.Fatal(err)
	}
	s2, err := query.NewSearcher(ix)
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	orig := sharedSearcher(t)
	for _, r := range recs {
		want, err := orig.Record(r.ID)
		if err != nil {
			t.Fatal(err)
		}
		got, err := s2.Record(r.ID)
		if err != nil || !reflect.DeepEqual(got, want) {
			t.Errorf("record %s re-indexed from the export = %+v, %v;\nwant %+v", r.ID, got, err, want)
		}
	}

	if code, _, stderr := iq(t, "export", "--format", "pdf", "-t", "fastapi", "--index", dir); code != 2 || !strings.Contains(stderr, `unknown format "pdf", want one of csv, anki, md, jsonl`) {
		t.Errorf("iq export --format pdf: exit %d, %q", code, stderr)
	}
	if code, _, _ := iq(t, "export", "zzzzqqqq", "--index", dir); code != 1 {
		t.Errorf("iq export of a search that matches nothing: exit %d; want 1", code)
	}
}
