package ingest

import (
	"context"
	"strings"
	"testing"
)

// The registry's entries must not overlap: one name, extension and content
// type per format, each a document or a records format, and each
// extension and content type detected as its format.
func TestFormatRegistry(t *testing.T) {
	names := map[string]Format{}
	exts := map[string]Format{}
	media := map[string]Format{}
	for i, s := range formats {
		f := Format(i)
		if s.name == "" {
			if i != 0 {
				t.Errorf("format %d has no name", i)
			}
			continue
		}
		if g, ok := names[s.name]; ok {
			t.Errorf("%s: name of %s too", s.name, g)
		}
		names[s.name] = f
		if s.label == "" {
			t.Errorf("%s: no label for messages", s.name)
		}
		if (s.blocks == nil) == (s.records == nil) {
			t.Errorf("%s: want exactly one of blocks and records", s.name)
		}
		for _, e := range s.exts {
			if g, ok := exts[e]; ok {
				t.Errorf("%s: extension %s is %s's too", s.name, e, g)
			}
			exts[e] = f
			if e != strings.ToLower(e) || !strings.HasPrefix(e, ".") {
				t.Errorf("%s: extension %q, want lower case with its dot", s.name, e)
			}
			// Content that is nothing in particular: the extension
			// decides.
			if got := detectFormat("q"+strings.ToUpper(e), []byte("What is a goroutine?\n")); got != f {
				t.Errorf("detectFormat(q%s) = %v; want %v", strings.ToUpper(e), got, f)
			}
		}
		for _, m := range s.media {
			if g, ok := media[m]; ok {
				t.Errorf("%s: content type %s is %s's too", s.name, m, g)
			}
			media[m] = f
			if got, ok := formatByMedia(m); !ok || got != f {
				t.Errorf("formatByMedia(%s) = %v, %v; want %v", m, got, ok, f)
			}
		}
		if got, err := ParseFormat(strings.ToUpper(s.name)); err != nil || got != f {
			t.Errorf("ParseFormat(%s) = %v, %v", s.name, got, err)
		}
	}
	if got := strings.Join(FormatNames(), ", "); got != "text, markdown, html, jsonl, csv" {
		t.Errorf("FormatNames() = %s", got)
	}
	for _, m := range []string{"text/plain", "application/pdf", "image/png"} {
		f, ok := formatByMedia(m)
		if want := m == "text/plain"; ok != want || f != 0 {
			t.Errorf("formatByMedia(%s) = %v, %v; want 0, %v", m, f, ok, want)
		}
	}
}

// A Format that is not in the registry, set by a library caller, is an
// error of the run, not a panic in a worker.
func TestUnknownFormatOption(t *testing.T) {
	_, _, err := Bytes(context.Background(), "q.md", []byte("# Q\n\nWhat is Go?\n"), Options{Format: Format(99)})
	if err == nil || !strings.Contains(err.Error(), "unknown format 99") {
		t.Errorf("Options{Format: 99}: error %v; want unknown format", err)
	}
}
