package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/muesli/termenv"

	"github.com/iq-search/iq/query"
	"github.com/iq-search/iq/record"
)

func TestVisible(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"plain text, é and 中", "plain text, é and 中"},
		{"tab\tand\nnewline", "tab\tand\nnewline"},
		{"red \x1b[31mtext", "red ^[[31mtext"},
		{"title \x1b]0;pwned\x07", "title ^[]0;pwned^G"},
		{"clipboard \x1b]52;c;ZXZpbA==\x1b\\", "clipboard ^[]52;c;ZXZpbA==^[\\"},
		{"over\rwrite", "over^Mwrite"},
		{"back\bspace, nul\x00, del\x7f", "back^Hspace, nul^@, del^?"},
		{"c1 \u009b2J csi", "c1 <U+009B>2J csi"},
	} {
		if got := visible(tt.in); got != tt.want {
			t.Errorf("visible(%q) = %q; want %q", tt.in, got, tt.want)
		}
		var b bytes.Buffer
		visibleWriter{w: &b}.Write([]byte(tt.in))
		if b.String() != tt.want {
			t.Errorf("visibleWriter(%q) wrote %q; want %q", tt.in, b.String(), tt.want)
		}
	}
	// Styled output keeps colour codes and nothing else.
	var b bytes.Buffer
	visibleWriter{w: &b, sgr: true}.Write([]byte("\x1b[1;38;5;69mtitle\x1b[0m \x1b[2J\x1b]0;x\x07"))
	if want := "\x1b[1;38;5;69mtitle\x1b[0m ^[[2J^[]0;x^G"; b.String() != want {
		t.Errorf("styled visibleWriter wrote %q; want %q", b.String(), want)
	}
	// Invalid UTF-8 passes as bytes.
	b.Reset()
	visibleWriter{w: &b}.Write([]byte("a\xffb\xc2"))
	if b.String() != "a\xffb\xc2" {
		t.Errorf("visibleWriter on invalid UTF-8 wrote %q", b.String())
	}
}

// visibleValue copies deeply: the original keeps its bytes.
func TestVisibleValue(t *testing.T) {
	orig := &query.Result{Query: "q\x1b", Hits: []query.Hit{{Question: "a\x1b[2Jb", Topics: []string{"t\x07"}, Sources: []record.Source{{File: "f\x1b.md", Line: 3}}}},
		Facets: map[string][]query.FacetCount{"topic\x1b": {{Value: "v\x1b", Count: 2}}}}
	got := visibleValue(orig)
	if got.Query != "q^[" || got.Hits[0].Question != "a^[[2Jb" || got.Hits[0].Topics[0] != "t^G" || got.Hits[0].Sources[0] != (record.Source{File: "f^[.md", Line: 3}) ||
		got.Facets["topic^["][0] != (query.FacetCount{Value: "v^[", Count: 2}) {
		t.Errorf("visibleValue = %+v", got)
	}
	if orig.Hits[0].Question != "a\x1b[2Jb" || orig.Hits[0].Topics[0] != "t\x07" {
		t.Errorf("visibleValue changed its argument: %+v", orig)
	}
}

// hostileBank is a question bank whose questions, answers, topics and file
// names hold terminal escape sequences, raw and as HTML entities.
func hostileBank(t *testing.T) (src, index string) {
	t.Helper()
	dir := t.TempDir()
	src = filepath.Join(dir, "bank")
	if err := os.Mkdir(src, 0o755); err != nil {
		t.Fatal(err)
	}
	md := "# Terminal questions\n\n## What does \x1b]0;pwned\x07 do to a terminal title?\n\nIt sets it: \x1b[2J\x1b[31mred\x1b[0m, and \u009b2J.\n\n" +
		"## How do closures capture variables?\n\nBy reference \x1b]52;c;ZXZpbA==\x07 to their scope.\n"
	html := "<!doctype html><html><body><h2>Why does &#27;[8m hide text?</h2><p>SGR 8 is conceal&#27;[0m; &#x1b;]0;x&#7; sets a title.</p>" +
		"<h2>What is a closure in JavaScript?</h2><p>A function with its scope&#27;[2J.</p></body></html>"
	for name, data := range map[string]string{"evil\x1b]0;title\x07.md": md, "page.html": html, "binary\x1b[31m.txt": "\x00\x01\x02"} {
		if err := os.WriteFile(filepath.Join(src, name), []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	index = filepath.Join(dir, "index")
	if code, _, stderr := iq(t, "index", src, "--index", index); code != 0 {
		t.Fatalf("iq index: exit %d, %s", code, stderr)
	}
	return src, index
}

// No command prints a control character of the data to a terminal or a
// pipe: search, show, similar, dups, stats, ingest and index, with their
// warnings and errors, show them as text (^[…); --json escapes them.
func TestNoEscapesFromData(t *testing.T) {
	src, index := hostileBank(t)
	_, out, _ := iq(t, "search", "title", "--index", index)
	id := strings.SplitN(out, "\t", 2)[0]
	if len(id) != 16 {
		t.Fatalf("iq search title printed %q; want a hit", out)
	}
	for _, args := range [][]string{
		{"search", "terminal"}, {"search", "closure", "--limit", "5"}, {"search", "hide"}, {"show", id}, {"similar", id},
		{"similar", "What does \x1b]0;x\x07 do?"}, {"dups", "--min-score", "0.1"}, {"stats"}, {"show", "nope\x1b[2J"},
		{"search", "x", "--level", "\x1b[31mexpert"}, {"search", "\x1b[2J"},
	} {
		args = append(args, "--index", index)
		code, stdout, stderr := iq(t, args...)
		if strings.ContainsAny(stdout+stderr, "\x1b\x07\u009b") {
			t.Errorf("iq %q (exit %d) printed a control character:\n%q\n%q", args, code, stdout, stderr)
		}
		code, stdout, _ = iq(t, append(args, "--json")...)
		if code == 0 && strings.ContainsAny(stdout, "\x1b\x07") {
			t.Errorf("iq %q --json printed a raw control character: %q", args, stdout)
		}
	}
	_, out, _ = iq(t, "search", "terminal", "--index", index)
	if !strings.Contains(out, "^[]0;pwned^G") || !strings.Contains(out, "evil^[]0;title^G.md") {
		t.Errorf("iq search: want the question and file name with ^[ shown:\n%s", out)
	}
	_, out, _ = iq(t, "show", id, "--index", index)
	if !strings.Contains(out, "^[[2J^[[31mred^[[0m") || !strings.Contains(out, "<U+009B>2J") {
		t.Errorf("iq show: want the answer's sequences shown as text:\n%s", out)
	}
	_, out, _ = iq(t, "search", "hide", "--index", index)
	if !strings.Contains(out, "Why does ^[[8m hide text?") {
		t.Errorf("iq search hide: want &#27; from the page shown as ^[:\n%s", out)
	}
	// Ingest's summary names the skipped binary file.
	code, stdout, stderr := iq(t, "ingest", src, "--out", filepath.Join(t.TempDir(), "r.jsonl"))
	if code != 0 || strings.ContainsAny(stdout+stderr, "\x1b\x07") || !strings.Contains(stderr, "binary^[[31m.txt") {
		t.Errorf("iq ingest: exit %d, stderr %q; want the skipped file named with ^[", code, stderr)
	}
}

// Styled output, as on a terminal, keeps its own colours and shows the
// data's sequences as text.
func TestStyledNoEscapesFromData(t *testing.T) {
	var b bytes.Buffer
	o := styledOutput(&b, termenv.ANSI256)
	o.w = visibleWriter{w: &b, sgr: true} // as newOutput sets it on a terminal
	res := &query.Result{Query: "x", Total: 1, Limit: 10, Hits: []query.Hit{{
		ID: "0123456789abcdef", Question: "What does \x1b[8m hide?", Level: "beginner",
		Sources: []record.Source{{File: "evil\x1b]0;t\x07.md", Line: 1}}, QuestionHTML: "What does \x1b[8m <mark>hide</mark>?",
		Fragments: []string{"conceal \x1b[31mred"},
	}}}
	if err := printResult(o, res, (*output).searchResult); err != nil {
		t.Fatal(err)
	}
	got := b.String()
	if !strings.Contains(got, "\x1b[") {
		t.Fatalf("styled output has no colour codes: %q", got)
	}
	for _, raw := range []string{"\x1b[8m", "\x1b[31m", "\x1b]", "\x07"} {
		if strings.Contains(got, raw) {
			t.Errorf("styled output holds the data's %q raw: %q", raw, got)
		}
	}
	plain := stripANSI(got)
	if strings.ContainsAny(plain, "\x1b\x07") {
		t.Errorf("styled output holds escape sequences besides colours: %q", plain)
	}
	for _, want := range []string{"^[[8m", "evil^[]0;t^G.md", "conceal ^[[31mred"} {
		if !strings.Contains(plain, want) {
			t.Errorf("styled output lacks %q:\n%s", want, plain)
		}
	}
}
