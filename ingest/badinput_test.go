package ingest

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const goodText = `Go Interview Questions

1. What is a goroutine?

A goroutine is a function running concurrently with others in the same address space.

2. How do you stop a goroutine?

Signal it through a channel or cancel its context.
`

// TestBadInput gives a folder of broken files beside good ones: each broken
// file is skipped with a message naming it, and the good ones are ingested.
func TestBadInput(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, data []byte) string {
		t.Helper()
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	good := write("a-good.txt", []byte(goodText))
	write("b-binary.txt", []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00"))
	// Latin-1 text: every accented letter is an invalid UTF-8 byte.
	write("c-latin1.txt", bytes.Repeat([]byte("Qu'est-ce qu'une goroutine? R\xe9ponse: une t\xe2che l\xe9g\xe8re. "), 200))
	write("d-empty.md", nil)
	write("e-blank.md", []byte("  \n\t\n"))
	// A few bad bytes in good UTF-8 are repaired, not skipped.
	write("f-damaged.txt", []byte(strings.Replace(goodText, "concurrently", "concurr\xffently", 1)))
	// A 50 MB text file: reported by name, not read whole.
	big := filepath.Join(dir, "g-huge.txt")
	f, err := os.Create(big)
	if err != nil {
		t.Fatal(err)
	}
	line := []byte(strings.Repeat("What is a very large file? ", 3) + "\n")
	for n := 0; n < 50<<20; n += len(line) {
		if _, err := f.Write(line); err != nil {
			t.Fatal(err)
		}
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	missing := filepath.Join(dir, "no-such-file.md")

	recs, rep, err := Paths(context.Background(), []string{dir, missing, good}, Options{})
	if err != nil {
		t.Fatalf("Paths: %v", err)
	}
	wantSkips := map[string]Reason{
		filepath.Join(dir, "b-binary.txt"): SkipBinary,
		filepath.Join(dir, "c-latin1.txt"): SkipInvalidUTF,
		filepath.Join(dir, "d-empty.md"):   SkipEmpty,
		filepath.Join(dir, "e-blank.md"):   SkipEmpty,
		big:                                SkipTooLarge,
		missing:                            SkipUnreadable,
	}
	got := map[string]Reason{}
	for _, s := range rep.Skipped {
		got[s.File] = s.Reason
		if s.Detail == "" {
			t.Errorf("skip of %s has no detail", s.File)
		}
	}
	for file, want := range wantSkips {
		if got[file] != want {
			t.Errorf("skip reason for %s = %q; want %q", filepath.Base(file), got[file], want)
		}
	}
	if len(rep.Skipped) != len(wantSkips) {
		t.Errorf("skipped %v; want exactly %d files", rep.Skipped, len(wantSkips))
	}
	// The good file twice (in the folder and by name) and the repaired one
	// hold the same two questions: merged.
	if len(recs) != 2 {
		t.Fatalf("got %d records; want the 2 questions of the good files", len(recs))
	}
	if n := len(recs[0].Sources); n != 3 {
		t.Errorf("%q has %d sources; want 3 (good file in folder, repaired file, good file by name)", recs[0].Question, n)
	}
	if !strings.Contains(recs[0].Answers[1].Text, "concurr\uFFFDently") {
		t.Errorf("repaired answer = %q; want the bad byte as U+FFFD", recs[0].Answers[1].Text)
	}
	if rep.FilesRead != 3 {
		t.Errorf("FilesRead = %d; want 3", rep.FilesRead)
	}

	// Strict: the same run is an error naming the skipped files, and still
	// returns the records and the report.
	recs, rep, err = Paths(context.Background(), []string{dir, missing}, Options{Strict: true})
	var se *SkipError
	if !errors.As(err, &se) {
		t.Fatalf("Paths(strict) error = %v; want a *SkipError", err)
	}
	if len(se.Skipped) != len(wantSkips) || len(recs) != 2 || rep == nil {
		t.Errorf("strict run: %d skips, %d records, report %v; want %d, 2, a report", len(se.Skipped), len(recs), rep != nil, len(wantSkips))
	}
	if msg := err.Error(); !strings.HasPrefix(msg, "ingest: 6 files skipped: ") || !strings.Contains(msg, "b-binary.txt (binary: NUL byte at offset 8)") {
		t.Errorf("strict error = %q; want it to name the files and reasons", msg)
	}
}

func TestCheckContent(t *testing.T) {
	tests := []struct {
		name   string
		in     string
		reason Reason
		detail string
	}{
		{"text", "hello", "", ""},
		{"empty", "", SkipEmpty, "0 bytes, no text"},
		{"white", " \n\t ", SkipEmpty, "4 bytes, no text"},
		{"nul", "ab\x00cd", SkipBinary, "NUL byte at offset 2"},
		{"control", strings.Repeat("\x01\x02x", 10), SkipBinary, "20 control bytes in the first 30"},
		{"latin1", strings.Repeat("caf\xe9 ", 100), SkipInvalidUTF, "100 of 500 bytes are not valid UTF-8"},
		{"repairable", "caf\xe9 " + strings.Repeat("ok ", 100), "", ""},
		{"bom", "\ufeffhello", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, reason, detail := checkContent([]byte(tt.in))
			if reason != tt.reason || detail != tt.detail {
				t.Errorf("checkContent(%q) = %q, %q; want %q, %q", excerpt(tt.in), reason, detail, tt.reason, tt.detail)
			}
		})
	}
}

func TestDetectFormat(t *testing.T) {
	tests := []struct {
		name, src string
		want      Format
	}{
		{"a.md", "# Title\n\ntext", FormatMarkdown},
		{"a.MARKDOWN", "text", FormatMarkdown},
		{"a.mdx", "text", FormatMarkdown},
		{"a.html", "<p>hi</p>", FormatHTML},
		{"a.htm", "text", FormatHTML},
		{"a.txt", "# comment\ntext", FormatText},
		{"a.txt", "<!DOCTYPE html><html><body>x</body></html>", FormatHTML},
		{"a.md", "\ufeff  <html lang=en><body>x</body></html>", FormatHTML},
		{"README", "intro\n## Q1\n\n```go\nx\n```\n", FormatMarkdown},
		{"notes", "just some text\nand more", FormatText},
		{"a.jsonl", "<!DOCTYPE html><html><body>x</body></html>", FormatJSONL},
		{"a.csv", "<html><body>x</body></html>", FormatCSV},
		{"a.txt", "id,question,level\n1,What is Go?,junior\n", FormatCSV},
		{"records", `{"question": "What is Go?"}` + "\n", FormatJSONL},
		{"a.log", "intro\n## Q1\n\n```go\nx\n```\n", FormatText},
	}
	for _, tt := range tests {
		if got := detectFormat(tt.name, []byte(tt.src)); got != tt.want {
			t.Errorf("detectFormat(%q, %q) = %v; want %v", tt.name, tt.src, got, tt.want)
		}
	}
}
