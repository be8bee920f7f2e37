package ingest

import (
	"testing"
	"unicode/utf8"

	"github.com/iq-search/iq/ingest/parse"
)

func TestParseAdmonition(t *testing.T) {
	tests := []struct {
		name string
		in   string
		ok   bool
		want admonition
	}{
		{"toggle with folded answer", `??? question "1. Which command initializes a repository?" ` + "`git init`.", true,
			admonition{kind: admonitionToggle, typ: "question", title: "1. Which command initializes a repository?", rest: "`git init`."}},
		{"inner quotes", `??? question "What is a "Fast-forward" merge?" When the branch "moved" ahead.`, true,
			admonition{kind: admonitionToggle, typ: "question", title: `What is a "Fast-forward" merge?`, rest: `When the branch "moved" ahead.`}},
		{"open toggle, content on the next line", "???+ faq \"Why?\"\nBecause.", true,
			admonition{kind: admonitionToggle, typ: "faq", title: "Why?", rest: "Because."}},
		{"box without title", "!!! note\nRemember this.", true,
			admonition{kind: admonitionBox, typ: "note", rest: "Remember this."}},
		{"box with classes", `!!! tip inline end "Hint"`, true,
			admonition{kind: admonitionBox, typ: "tip", title: "Hint"}},
		{"docusaurus open", ":::tip Keep it short", true,
			admonition{kind: admonitionFence, typ: "tip", title: "Keep it short"}},
		{"docusaurus bracket title", ":::note[Heads up]\nText", true,
			admonition{kind: admonitionFence, typ: "note", title: "Heads up", rest: "Text"}},
		{"docusaurus close", ":::", true, admonition{kind: admonitionFence}},
		{"shouting", "!!! wow !!!", false, admonition{}},
		{"capitalised", "!!! Important: read this", false, admonition{}},
		{"unknown type and prose", "!!! wow such prose", false, admonition{}},
		{"folded box", "!!! note Prune them often.", true, admonition{kind: admonitionBox, typ: "note", rest: "Prune them often."}},
		{"no space after marker", "???question", false, admonition{}},
		{"question marks alone", "??? ", false, admonition{}},
		{"prose", "What???", false, admonition{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := parseAdmonition(tt.in)
			if ok != tt.ok || ok && got != tt.want {
				t.Errorf("parseAdmonition(%q) = %+v, %v; want %+v, %v", tt.in, got, ok, tt.want, tt.ok)
			}
		})
	}
}

func TestExpandAdmonitions(t *testing.T) {
	in := []parse.Block{
		{Kind: parse.Paragraph, Line: 1, Text: "Intro."},
		{Kind: parse.Paragraph, Line: 2, Text: `??? question "What is HEAD?" The current commit.`},
		{Kind: parse.Paragraph, Line: 4, Text: ":::"},
	}
	got, markers := expandAdmonitions(in)
	want := []parse.Block{
		{Kind: parse.Paragraph, Line: 1, Text: "Intro."},
		{Kind: parse.Summary, Line: 2, Text: "What is HEAD?", Role: "question"},
		{Kind: parse.Paragraph, Line: 2, Text: "The current commit."},
		{Kind: parse.Paragraph, Line: 4, Text: ":::"},
	}
	if len(got) != len(want) {
		t.Fatalf("expandAdmonitions = %d blocks %+v; want %d", len(got), got, len(want))
	}
	for i := range want {
		if got[i].Kind != want[i].Kind || got[i].Line != want[i].Line || got[i].Text != want[i].Text || got[i].Role != want[i].Role {
			t.Errorf("block %d = %+v; want %+v", i, got[i], want[i])
		}
	}
	if len(markers) != 1 || markers[0] != 3 {
		t.Errorf("markers = %v; want [3]", markers)
	}
}

// FuzzParseAdmonition checks that any block text parses without a panic
// and that what comes out of valid UTF-8 is valid UTF-8.
func FuzzParseAdmonition(f *testing.F) {
	for _, s := range []string{`??? question "What is a "Fast-forward" merge?" x`, "!!! note\nText", ":::tip[T]\nx\n:::",
		`???+ faq "`, "!!! a b c \"t\"", "::: ", "??? q \"\"\""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		a, ok := parseAdmonition(s)
		if !ok || !utf8.ValidString(s) {
			return
		}
		if !utf8.ValidString(a.title) || !utf8.ValidString(a.rest) || !utf8.ValidString(a.typ) {
			t.Errorf("parseAdmonition(%q) = %+v: invalid UTF-8", s, a)
		}
		b := []parse.Block{{Kind: parse.Paragraph, Text: s}}
		out, markers := expandAdmonitions(b)
		for _, i := range markers {
			if i < 0 || i >= len(out) {
				t.Fatalf("expandAdmonitions(%q) marker %d out of %d blocks", s, i, len(out))
			}
		}
	})
}
