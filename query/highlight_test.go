package query

import (
	"html"
	"math/rand/v2"
	"strings"
	"testing"
	"unicode/utf8"
)

// snippetWhole is snippet over the whole collapsed text, as it was before
// collapsedPrefix.
func snippetWhole(text string, n int) string { return cutSnippet(collapseSpace(text), n) }

// snippet reads only the start of the text: the same snippets as from
// the whole text collapsed, over texts of words, runs of white space
// (ASCII and not), long words, multi-byte runes and invalid bytes.
func TestSnippetFromPrefix(t *testing.T) {
	parts := []string{"a", "word", "answer,", "x.", "  ", "\t\n", "\u00a0", "\u3000", "é", "日本語", "\xff", strings.Repeat("long", 12), " ", " ", "end;"}
	rng := rand.New(rand.NewPCG(1, 15))
	for i := range 5000 {
		var b strings.Builder
		for range rng.IntN(80) {
			b.WriteString(parts[rng.IntN(len(parts))])
		}
		text := b.String()
		n := []int{snippetLen, 1 + rng.IntN(40)}[i%2]
		if got, want := snippet(text, n), snippetWhole(text, n); got != want {
			t.Fatalf("snippet(%q, %d) = %q; want %q", text, n, got, want)
		}
		limit := rng.IntN(60)
		p, whole := collapsedPrefix(text, limit), collapseSpace(text)
		if !strings.HasPrefix(whole, p) || p != whole && len(p) <= limit {
			t.Fatalf("collapsedPrefix(%q, %d) = %q; want all or more than %d bytes of %q", text, limit, p, limit, whole)
		}
	}
}

// markRangeEscaped is markRange as it was first written, escaping each
// piece with html.EscapeString.
func markRangeEscaped(text string, from, to int, ss []byteSpan) string {
	var b strings.Builder
	cur := from
	for _, s := range ss {
		if s.start < cur || s.end > to || !utf8.ValidString(text[s.start:s.end]) {
			continue
		}
		b.WriteString(html.EscapeString(text[cur:s.start]))
		b.WriteString(markOpen)
		b.WriteString(html.EscapeString(text[s.start:s.end]))
		b.WriteString(markClose)
		cur = s.end
	}
	b.WriteString(html.EscapeString(text[cur:to]))
	return b.String()
}

// The highlighting's one-buffer forms make what html.EscapeString and
// strings.Fields made: over random texts of words, markup, quotes,
// ampersands, white space of every kind, multi-byte runes and invalid
// bytes, with random spans (overlapping, out of range, cutting runes).
func TestMarkAndCollapseAsBefore(t *testing.T) {
	parts := []string{"a", "word", "<b>", "&amp;", "'", `"`, "x>y", "  ", "\t\n", "\u00a0", "\u3000", "é", "日本語", "\xff", " ", "end;"}
	rng := rand.New(rand.NewPCG(2, 15))
	for range 5000 {
		var b strings.Builder
		for range rng.IntN(40) {
			b.WriteString(parts[rng.IntN(len(parts))])
		}
		text := b.String()
		if got, want := collapseSpace(text), strings.Join(strings.Fields(text), " "); got != want {
			t.Fatalf("collapseSpace(%q) = %q; want %q", text, got, want)
		}
		var ss []byteSpan
		for range rng.IntN(5) {
			s := rng.IntN(len(text) + 1)
			ss = append(ss, byteSpan{s, min(len(text)+2, s+rng.IntN(8))})
		}
		ss = merge(ss)
		from := rng.IntN(len(text) + 1)
		to := from + rng.IntN(len(text)-from+1)
		if got, want := markRange(text, from, to, ss), markRangeEscaped(text, from, to, ss); got != want {
			t.Fatalf("markRange(%q, %d, %d, %v) = %q; want %q", text, from, to, ss, got, want)
		}
	}
}
