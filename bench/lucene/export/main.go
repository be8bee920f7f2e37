// Command export writes the synthetic records and query mix of iq's index
// benchmarks (index/synth, seed 1) as JSON lines, for peers that are not
// written in Go: bench/lucene reads them. A record becomes the document the
// FTS5 peer (bench/fts5) indexes: question, answer (the answers' text, how
// to answer and example answer, joined by blank lines), code (the answers'
// code blocks), level, topics, tags, source files, "file:line" sources and
// the record's JSON, stored as iq and FTS5 store it. A query is
// synth.ParsedQueries' split: its words, which are required, and whether
// it is a quoted phrase.
//
//	go run ./bench/lucene/export -n 100000 -dir /tmp/x  # records.jsonl, queries.jsonl
package main

import (
	"bufio"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/iq-search/iq/index/synth"
	"github.com/iq-search/iq/record"
)

// Doc is one record as a peer indexes it.
type Doc struct {
	ID       string   `json:"id"`
	Question string   `json:"question"`
	Answer   string   `json:"answer"`
	Code     string   `json:"code"`
	Level    string   `json:"level"`
	Topics   []string `json:"topics"`
	Tags     []string `json:"tags"`
	Files    []string `json:"files"`
	Sources  string   `json:"sources"`
	Record   string   `json:"record"`
}

// Query is one query of the mix.
type Query struct {
	Text     string   `json:"text"`
	Words    []string `json:"words"`
	Required []bool   `json:"required"`
	Phrase   bool     `json:"phrase"`
}

// NewDoc flattens r as bench/fts5's Build does.
func NewDoc(r record.Record) (Doc, error) {
	d := Doc{ID: r.ID, Question: r.Question, Level: r.Level, Topics: r.Topics, Tags: r.Tags}
	var answers, code, sources []string
	for _, a := range r.Answers {
		for _, p := range []string{a.Text, a.HowToAnswer, a.ExampleAnswer} {
			if p != "" {
				answers = append(answers, p)
			}
		}
		for _, c := range a.Code {
			code = append(code, c.Text)
		}
	}
	for _, s := range r.Sources {
		sources = append(sources, fmt.Sprintf("%s:%d", s.File, s.Line))
		if !slices.Contains(d.Files, s.File) {
			d.Files = append(d.Files, s.File)
		}
	}
	d.Answer = strings.Join(answers, "\n\n")
	d.Code = strings.Join(code, "\n\n")
	d.Sources = strings.Join(sources, "\n")
	raw, err := json.Marshal(r)
	if err != nil {
		return Doc{}, fmt.Errorf("record %s: %w", r.ID, err)
	}
	d.Record = string(raw)
	return d, nil
}

// WriteRecords writes n synthetic records (seed) to w, one Doc a line.
func WriteRecords(w io.Writer, n int, seed int64) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	g := synth.New(seed)
	// In chunks, so that a million records need not be in memory at once.
	for done := 0; done < n; {
		k := min(10000, n-done)
		for _, r := range g.Records(k) {
			d, err := NewDoc(r)
			if err != nil {
				return err
			}
			if err := enc.Encode(d); err != nil {
				return err
			}
		}
		done += k
	}
	return nil
}

// WriteQueries writes synth.ParsedQueries(n, seed) to w, one Query a line.
func WriteQueries(w io.Writer, n int, seed int64) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	for _, q := range synth.ParsedQueries(n, seed) {
		if err := enc.Encode(Query{Text: q.Text, Words: q.Words, Required: q.Required, Phrase: q.Phrase}); err != nil {
			return err
		}
	}
	return nil
}

func main() {
	n := flag.Int("n", 10000, "records")
	queries := flag.Int("queries", 400, "queries (the benchmarks take 400: 200 after opening, 200 timed)")
	seed := flag.Int64("seed", 1, "seed of the records and queries (the benchmarks' is 1)")
	dir := flag.String("dir", ".", "directory for records.jsonl and queries.jsonl")
	flag.Parse()
	if err := export(*dir, *n, *queries, *seed); err != nil {
		fmt.Fprintln(os.Stderr, "export:", err)
		os.Exit(1)
	}
}

func export(dir string, n, queries int, seed int64) error {
	if n <= 0 || queries <= 0 {
		return fmt.Errorf("-n %d, -queries %d: want positive counts", n, queries)
	}
	write := func(name string, fill func(io.Writer) error) error {
		f, err := os.Create(filepath.Join(dir, name))
		if err != nil {
			return err
		}
		w := bufio.NewWriterSize(f, 1<<20)
		err = fill(w)
		if err == nil {
			err = w.Flush()
		}
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		return err
	}
	if err := write("records.jsonl", func(w io.Writer) error { return WriteRecords(w, n, seed) }); err != nil {
		return err
	}
	return write("queries.jsonl", func(w io.Writer) error { return WriteQueries(w, queries, seed) })
}
