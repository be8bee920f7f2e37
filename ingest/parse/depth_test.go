package parse

import (
	"strings"
	"testing"
	"time"
)

// Generous time bounds of TestDeepNesting. The Markdown inputs parse in
// about a millisecond; before flattening they took 20 to 61 s (issue 16).
// The HTML ones, up to 1 MB, take 0.1 to 0.5 s on a loaded 2-core
// machine; before flattening they failed.
const (
	deepBound     = time.Second
	deepHTMLBound = 10 * time.Second
)

// Deeply nested input costs time linear in its size, and its text is kept:
// 100k nested list markers or block quotes on one line (the quadratic case
// of goldmark), and HTML nested past x/net/html's 512 elements (which it
// refuses, losing the page).
func TestDeepNesting(t *testing.T) {
	const n = 100_000
	const q = "What is a closure?"
	tests := []struct {
		name  string
		parse func([]byte) ([]Block, error)
		src   string
		want  string // the text of a block
		line  int    // and its line
	}{
		{"markdown list markers", Markdown, strings.Repeat("- ", n) + q + "\n", q, 1},
		{"markdown star markers", Markdown, strings.Repeat("* ", n) + q + "\n", q, 1},
		{"markdown ordered markers", Markdown, strings.Repeat("1. ", n) + q + "\n", q, 1},
		{"markdown block quotes", Markdown, strings.Repeat("> ", n) + q + "\n", q, 1},
		{"markdown block quotes tight", Markdown, strings.Repeat(">", n) + q + "\n", q, 1},
		{"markdown quotes and lists", Markdown, strings.Repeat("> - ", n/2) + q + "\n", q, 1},
		{"markdown lines after keep their numbers", Markdown, "# Intro\n\n" + strings.Repeat("- ", n) + "deep\n\n## " + q + "\n", q, 5},
		{"markdown raw html", Markdown, "# Q\n\n" + strings.Repeat("<div>", 1000) + q + strings.Repeat("</div>", 1000) + "\n", q, 3},
		{"html divs", HTML, "<html><body>" + strings.Repeat("<div>", n) + "\n<p>" + q + "</p>" + strings.Repeat("</div>", n) + "</body></html>", q, 2},
		{"html unclosed", HTML, "<html><body>" + strings.Repeat("<font color=red>", n/5) + "<p>" + q + "</p></body></html>", q, 1},
		{"html lists", HTML, "<html><body>" + strings.Repeat("<ul><li>", n/2) + q + strings.Repeat("</li></ul>", n/2) + "</body></html>", q, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			start := time.Now()
			blocks, err := tt.parse([]byte(tt.src))
			took := time.Since(start)
			t.Logf("%d KB in %s", len(tt.src)>>10, took)
			if err != nil {
				t.Fatalf("parse: %v", err)
			}
			bound := deepBound
			if strings.HasPrefix(tt.name, "html") {
				bound = deepHTMLBound
			}
			if took > bound {
				t.Errorf("parse took %s; want under %s (linear in the input)", took, bound)
			}
			for _, b := range blocks {
				if strings.TrimSpace(b.Text) == tt.want {
					if b.Line != tt.line {
						t.Errorf("block %q on line %d; want %d", tt.want, b.Line, tt.line)
					}
					return
				}
			}
			var got []string
			for _, b := range blocks {
				got = append(got, b.Text[:min(len(b.Text), 40)])
			}
			t.Errorf("no block %q in %q", tt.want, got)
		})
	}
}

// flattenNesting keeps maxNesting markers of a deep line, leaves lines at
// or under it alone (the same bytes), and maps offsets back to the source.
func TestFlattenNesting(t *testing.T) {
	shallow := []byte("- a\n  - b\n> > c\n1. 2. 3. d\n- - -\n")
	if out, cuts := flattenNesting(shallow); cuts != nil || string(out) != string(shallow) {
		t.Errorf("flattenNesting(shallow) = %q, %v; want it unchanged", out, cuts)
	}
	deep := strings.Repeat("- ", maxNesting+10) + "x\nnext\n"
	out, cuts := flattenNesting([]byte(deep))
	want := strings.Repeat("- ", maxNesting-1) + "- x\nnext\n"
	if string(out) != want {
		t.Errorf("flattenNesting(deep) = %q; want %q", out, want)
	}
	if i := strings.Index(string(out), "next"); cuts.sourceOffset(i) != strings.Index(deep, "next") {
		t.Errorf("sourceOffset(%d) = %d; want %d", i, cuts.sourceOffset(i), strings.Index(deep, "next"))
	}
}
