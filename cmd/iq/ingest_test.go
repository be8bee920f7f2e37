package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/iq-search/iq/corpus"
	"github.com/iq-search/iq/ingest"
	"github.com/iq-search/iq/record"
)

func TestIngestCmd(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "good.txt")
	bin := filepath.Join(dir, "bad.bin")
	tax := filepath.Join(dir, "tax.json")
	badTax := filepath.Join(dir, "bad-tax.json")
	for name, data := range map[string]string{
		good:   "Go Questions\n\n1. What is a goroutine?\n\nA cheap concurrent function.\n",
		bin:    "\x00\x01\x02binary",
		tax:    `{"topics": {"golang": ["go"]}, "tags": {"concurrency": ["goroutine*"]}}`,
		badTax: `{"topics": [}`,
	} {
		if err := os.WriteFile(name, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	missing := filepath.Join(dir, "missing.md")
	out := filepath.Join(dir, "out.jsonl")
	report := filepath.Join(dir, "report.json")

	// The embedded corpus as package ingest reads it: iq ingest with no
	// PATH prints the same.
	recs, erep, err := ingest.FS(context.Background(), corpus.FS(), ingest.Options{})
	if err != nil || len(recs) < 1000 {
		t.Fatalf("ingest.FS(corpus) = %d records, %v; want the seeds and collections", len(recs), err)
	}
	embedded := fmt.Sprintf("ingest: %d files read, %d skipped; %d records (%d repeats merged)", erep.FilesRead, len(erep.Skipped), erep.Records, erep.Merged)

	tests := []struct {
		name       string
		args       []string
		wantCode   int
		wantOut    int // JSON lines on stdout
		wantStderr []string
	}{
		{"embedded corpus", []string{"ingest"}, 0, len(recs), []string{embedded, "removed"}},
		{"file", []string{"ingest", good}, 0, 1, []string{"1 files read, 0 skipped; 1 records"}},
		{"skips are not errors", []string{"ingest", good, bin, missing}, 0, 1, []string{
			"skipped " + bin + ": binary (NUL byte at offset 0)",
			"skipped " + missing + ": unreadable (no such file or directory)",
		}},
		{"strict", []string{"ingest", "--strict", good, bin}, 1, 1, []string{
			"iq: ingest: 1 file skipped: " + bin + " (binary: NUL byte at offset 0)",
		}},
		{"strict clean", []string{"ingest", "--strict", good}, 0, 1, nil},
		{"taxonomy", []string{"ingest", "--taxonomy", tax, good}, 0, 1, nil},
		{"bad taxonomy", []string{"ingest", "--taxonomy", badTax, good}, 1, 0, []string{"iq: " + badTax + ": parse taxonomy: "}},
		{"missing taxonomy", []string{"ingest", "--taxonomy", missing, good}, 1, 0, []string{"iq: read taxonomy: open " + missing + ": no such file or directory"}},
		{"unknown flag", []string{"ingest", "--bogus"}, 2, 0, []string{"iq: unknown flag: --bogus", "Run 'iq ingest --help' for usage."}},
		{"same out and report", []string{"ingest", "--out", out, "--report", out, good}, 2, 0, []string{`--out and --report name the same file`}},
		{"out and report files", []string{"ingest", "--out", out, "--report", report, good, bin}, 0, 0, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, stdout, stderr := iq(t, tt.args...)
			if code != tt.wantCode {
				t.Errorf("iq %v exit code = %d; want %d\nstderr: %s", tt.args, code, tt.wantCode, stderr)
			}
			lines := 0
			for _, l := range strings.Split(strings.TrimSpace(stdout), "\n") {
				if l == "" {
					continue
				}
				var r record.Record
				if err := json.Unmarshal([]byte(l), &r); err != nil || r.ID == "" || r.Question == "" {
					t.Errorf("stdout line %q is not a record: %v", l, err)
				}
				lines++
			}
			if lines != tt.wantOut {
				t.Errorf("iq %v wrote %d records to stdout; want %d", tt.args, lines, tt.wantOut)
			}
			for _, want := range tt.wantStderr {
				if !strings.Contains(stderr, want) {
					t.Errorf("iq %v stderr lacks %q:\n%s", tt.args, want, stderr)
				}
			}
		})
	}

	// The last case wrote its files.
	data, err := os.ReadFile(out)
	if err != nil || bytes.Count(data, []byte("\n")) != 1 {
		t.Errorf("--out file: %d lines, %v; want 1 record", bytes.Count(data, []byte("\n")), err)
	}
	var rep ingest.Report
	data, err = os.ReadFile(report)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, &rep); err != nil {
		t.Fatalf("--report file is not a report: %v", err)
	}
	if rep.FilesRead != 1 || len(rep.Skipped) != 1 || rep.Skipped[0].Reason != ingest.SkipBinary {
		t.Errorf("report = %+v; want 1 file read and the binary file skipped", rep)
	}
}

// --out and --report never overwrite what the run reads (issue 16.9).
func TestIngestOutRefusesInput(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "notes", "go.txt")
	tax := filepath.Join(dir, "tax.json")
	os.MkdirAll(filepath.Dir(in), 0o755)
	const body = "Go Questions\n\n1. What is a goroutine?\n\nA cheap concurrent function.\n"
	os.WriteFile(in, []byte(body), 0o644)
	os.WriteFile(tax, []byte(`{"topics": {"golang": ["go"]}, "tags": {}}`), 0o644)
	link := filepath.Join(dir, "link.txt")
	os.Symlink(in, link)
	for _, args := range [][]string{
		{"ingest", in, "--out", in},
		{"ingest", filepath.Dir(in), "--out", in},    // a file below an input folder
		{"ingest", in, "--report", in},               // the report too
		{"ingest", in, "--out", link},                // through a link
		{"ingest", in, "--taxonomy", tax, "-o", tax}, // the taxonomy
	} {
		code, stdout, stderr := iq(t, args...)
		if code != 2 || stdout != "" || !strings.Contains(stderr, "is one of the files read; iq will not overwrite its input") {
			t.Errorf("iq %v: exit %d, stderr %q; want a usage error", args, code, stderr)
		}
	}
	if b, _ := os.ReadFile(in); string(b) != body {
		t.Errorf("input after the refusals = %q; want it unchanged", b)
	}
	out := filepath.Join(dir, "out.jsonl")
	if code, _, stderr := iq(t, "ingest", in, "--out", out); code != 0 {
		t.Fatalf("iq ingest --out %s: exit %d, %s", out, code, stderr)
	}
	if code, _, stderr := iq(t, "ingest", in, "--out", out); code != 0 {
		t.Errorf("iq ingest --out over its own earlier output: exit %d, %s; want it replaced", code, stderr)
	}
}

// A write that fails part way (a full disk) leaves the old file as it was
// and no temporary file beside it.
func TestWriteFileAtomic(t *testing.T) {
	dir := t.TempDir()
	name := filepath.Join(dir, "records.jsonl")
	os.WriteFile(name, []byte("old\n"), 0o600)
	full := errors.New("no space left on device")
	err := writeFileAtomic(name, func(w io.Writer) error {
		w.Write([]byte("half a rec"))
		return full
	})
	if !errors.Is(err, full) {
		t.Errorf("writeFileAtomic(failing) error = %v; want the write's error", err)
	}
	if b, _ := os.ReadFile(name); string(b) != "old\n" {
		t.Errorf("after a failed write the file holds %q; want the old content", b)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Errorf("after a failed write %d files are in %s; want the old one only", len(entries), dir)
	}
	if err := writeFileAtomic(name, func(w io.Writer) error { _, err := w.Write([]byte("new\n")); return err }); err != nil {
		t.Fatal(err)
	}
	st, _ := os.Stat(name)
	if b, _ := os.ReadFile(name); string(b) != "new\n" || st.Mode().Perm() != 0o600 {
		t.Errorf("after a write the file holds %q, mode %v; want new, 0600 kept", b, st.Mode().Perm())
	}
}

func TestIngestExplain(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "go.md")
	doc := "# Go\n\n## What is a goroutine?\n\nA cheap concurrent function.\n\nIs it a thread? No.\n\n## Channels\n\n[Home](index.html) | [Next](next.html)\n"
	if err := os.WriteFile(file, []byte(doc), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name     string
		args     []string
		wantCode int
		want     []string // lines of stdout, or of stderr on an error
	}{
		{"question", []string{"ingest", "--explain", file + ":3"}, 0, []string{
			file + `:3 heading "What is a goroutine?"`, `  a question: "What is a goroutine?"`, "  rule: h2 heading"}},
		{"answer", []string{"ingest", "--explain", file + ":5"}, 0, []string{`  part of the answer of "What is a goroutine?" (line 3)`}},
		{"a ? inside an answer", []string{"ingest", "--explain", file + ":7"}, 0, []string{`  part of the answer of "What is a goroutine?" (line 3)`}},
		{"inside a block", []string{"ingest", "--explain", file + ":4"}, 0, []string{file + ":4 is inside the block that starts at line 3"}},
		{"removed", []string{"ingest", "--explain", file + ":11"}, 0, []string{"  removed as navigation"}},
		{"not FILE:LINE", []string{"ingest", "--explain", file}, 2, []string{"want FILE:LINE"}},
		{"bad line", []string{"ingest", "--explain", file + ":x"}, 2, []string{`line "x" is not a positive number`}},
		{"paths too", []string{"ingest", "--explain", file + ":3", file}, 2, []string{"--explain takes FILE:LINE and no PATH arguments"}},
		{"missing file", []string{"ingest", "--explain", filepath.Join(dir, "none.md") + ":3"}, 1, []string{"unreadable"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, stdout, stderr := iq(t, tt.args...)
			if code != tt.wantCode {
				t.Errorf("iq %v exit code = %d; want %d\nstderr: %s", tt.args, code, tt.wantCode, stderr)
			}
			got := stdout
			if tt.wantCode != 0 {
				got = stderr
			}
			for _, w := range tt.want {
				if !strings.Contains(got, w) {
					t.Errorf("iq %v output lacks %q:\n%s", tt.args, w, got)
				}
			}
		})
	}
}

func TestIngestSummaryQuestionLike(t *testing.T) {
	var buf bytes.Buffer
	printSummary(&buf, &ingest.Report{FilesRead: 1, Records: 2, Dropped: []ingest.Drop{
		{File: "a.md", Line: 3, Reason: ingest.DropNavigation, Text: "What is Maven?", Asks: true},
		{File: "a.md", Line: 9, Reason: ingest.DropNavigation, Text: "Home"},
		{File: "a.md", Line: 12, Reason: ingest.DropPreamble, Text: "Why does it matter?", Asks: true},
		{File: "a.md", Line: 20, Reason: ingest.DropDuplicate, Text: "What is Go?", Asks: true},
	}})
	want := "  of which 2 read as questions: navigation 1, preamble 1 (--report lists them, --explain FILE:LINE says why)\n"
	if !strings.HasSuffix(buf.String(), want) {
		t.Errorf("summary = %q; want it to end with %q", buf.String(), want)
	}
}
