package query

import (
	"math/rand/v2"
	"strings"
	"testing"
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
