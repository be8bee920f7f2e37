package ingest

import (
	"bytes"
	"context"
	"encoding/json"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/iq-search/iq/corpus"
	"github.com/iq-search/iq/internal/fuzzkit"
	"github.com/iq-search/iq/record"
)

// The fuzz tests run the whole pipeline on one file of each format: no
// panic (a recovered parser panic shows up as a parse-error skip and fails
// too), valid UTF-8 everywhere, every record with an ID and a question, and
// the same output when run twice. Run one at a time for 30 seconds:
//
//	go test ./ingest -run '^$' -fuzz FuzzIngestText -fuzztime 30s
//
// A run tries tens of thousands of inputs (RELIABILITY.md has the counts):
// TestMain caps the minimising of a new input (fuzzkit.MinimizeBudget),
// the seeds are pieces of real files of at most fuzzSeedBytes, and inputs
// past fuzzMaxBytes are skipped. Before, with whole files as seeds and
// Go's 60 s of minimising per input, the Markdown and HTML targets tried
// 8 to 45 inputs in 30 s. Large inputs are covered by the corpus and
// golden tests, and the cost of hostile ones by parse's depth tests.
const (
	fuzzSeedBytes = 1 << 10
	fuzzMaxBytes  = 8 << 10
)

func FuzzIngestText(f *testing.F) {
	addSeeds(f, ".txt")
	f.Add([]byte("Title\n\n1. What is X?\n\nX is.\n\nAreaBest\nFooBar baz\nQuxQuux\n# a\n# b\n"))
	f.Fuzz(func(t *testing.T, data []byte) { checkIngest(t, "fuzz.txt", data) })
}

func FuzzIngestMarkdown(f *testing.F) {
	addSeeds(f, ".md")
	f.Add([]byte("---\ntitle: x\n---\n\n## 1. What is X? 👶\n\n<details><summary>Answer</summary>\n\nIt is.\n\n</details>\n\n1. **Why?**\n   - because\n"))
	f.Fuzz(func(t *testing.T, data []byte) { checkIngest(t, "fuzz.md", data) })
}

func FuzzIngestHTML(f *testing.F) {
	addSeeds(f, ".html", ".htm")
	f.Add([]byte(`<html><body><nav><a href="/">Home</a></nav><h3>1) What is Java?</h3><p>A language.</p><ins class="adsbygoogle"></ins><section class="toggle"><label>What is JVM?</label><div class="toggle-content">A VM.</div></section></body></html>`))
	f.Fuzz(func(t *testing.T, data []byte) { checkIngest(t, "fuzz.html", data) })
}

// addSeeds seeds a fuzz test with pieces of the embedded corpus and, when
// present, of the shared corpora files of the given extensions: up to three
// pieces of fuzzSeedBytes per file (its start, middle and end, cut at line
// ends), from at most 12 files.
func addSeeds(f *testing.F, exts ...string) {
	match := func(name string) bool {
		for _, e := range exts {
			if strings.HasSuffix(strings.ToLower(name), e) {
				return true
			}
		}
		return false
	}
	files := 0
	add := func(src []byte) {
		files++
		for _, p := range fuzzkit.Pieces(src, fuzzSeedBytes) {
			f.Add(p)
		}
	}
	_ = fs.WalkDir(corpus.FS(), ".", func(name string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && match(name) {
			if data, err := fs.ReadFile(corpus.FS(), name); err == nil {
				add(data)
			}
		}
		return nil
	})
	root := filepath.Join("..", "..", "shared", "corpora")
	_ = filepath.WalkDir(root, func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !match(name) || files >= 12 {
			return nil
		}
		if data, err := os.ReadFile(name); err == nil {
			add(data)
		}
		return nil
	})
}

func checkIngest(t *testing.T, name string, data []byte) {
	if len(data) > fuzzMaxBytes {
		t.Skip("larger than fuzzMaxBytes")
	}
	ctx := context.Background()
	recs, rep, err := Bytes(ctx, name, data, Options{})
	if err != nil {
		t.Fatalf("Bytes(%s): %v", name, err)
	}
	for _, s := range rep.Skipped {
		if s.Reason == SkipParse {
			t.Fatalf("parse failed: %s", s.Detail)
		}
	}
	for _, r := range recs {
		if r.ID == "" || strings.TrimSpace(r.Question) == "" {
			t.Fatalf("record without ID or question: %+v", r)
		}
		if r.ID != record.QuestionID(r.Question) {
			t.Fatalf("record ID %s != QuestionID(%q)", r.ID, r.Question)
		}
		for _, s := range recordTexts(r) {
			if !utf8.ValidString(s) {
				t.Fatalf("invalid UTF-8 in record %q: %q", r.Question, s)
			}
		}
		for _, x := range append(append([]string{}, r.Topics...), r.Tags...) {
			if !utf8.ValidString(x) {
				t.Fatalf("invalid UTF-8 topic/tag %q", x)
			}
		}
	}
	for _, d := range rep.Dropped {
		if !utf8.ValidString(d.Text) {
			t.Fatalf("invalid UTF-8 in drop excerpt %q", d.Text)
		}
	}
	recs2, rep2, _ := Bytes(ctx, name, data, Options{})
	a, _ := json.Marshal([]any{recs, rep})
	b, _ := json.Marshal([]any{recs2, rep2})
	if !bytes.Equal(a, b) {
		t.Fatalf("ingesting twice gave different output")
	}
}

// FuzzIngestRecords runs records files (JSON lines and CSV) through the
// same checks: a record file is data from elsewhere, as hostile as a page.
func FuzzIngestRecords(f *testing.F) {
	recs, _, err := FS(context.Background(), corpus.FS(), Options{})
	if err != nil {
		f.Fatal(err)
	}
	for _, r := range recs[:min(len(recs), 6)] {
		b, _ := json.Marshal(r)
		f.Add(append(b, '\n'), false)
	}
	f.Add([]byte(`{"question":"What is X?","level":"Senior","answers":[{"text":"x","code":[{"text":"y"}]}]}`+"\n{}\n{\"question\":1}\n"), false)
	f.Add([]byte("question,answer,level,topics,tags,source\n\"What is a closure?\",\"A, b\",Junior,js;closures,,a.md:3\nx\n\"bad\"quote\n"), true)
	f.Add([]byte("Question,Answer\nWhat is X?,\n,\n"), true)
	f.Fuzz(func(t *testing.T, data []byte, csv bool) {
		name := "fuzz.jsonl"
		if csv {
			name = "fuzz.csv"
		}
		checkIngest(t, name, data)
	})
}
