package parse

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/iq-search/iq/internal/hostile"
)

// boundInlines touches no real document: every Markdown file of the
// embedded corpus and of ../shared (corpora, seeds, labelled banks) comes
// back unchanged, so what they yield cannot move.
func TestBoundInlinesLeavesCorpora(t *testing.T) {
	roots := []string{filepath.Join(repoRoot(t), "corpus")}
	if shared := filepath.Join(repoRoot(t), "..", "shared"); dirExists(shared) {
		roots = append(roots, shared)
	}
	files := 0
	for _, root := range roots {
		err := filepath.WalkDir(root, func(path string, d os.DirEntry, err error) error {
			if err != nil || d.IsDir() || !strings.HasSuffix(strings.ToLower(path), ".md") {
				return err
			}
			src, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			files++
			flat, _ := flattenNesting(src)
			if out, cuts := boundInlines(flat); cuts != nil {
				t.Errorf("boundInlines(%s) changed it (%d bytes inserted); want it unchanged", path, len(out)-len(flat))
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	t.Logf("%d Markdown files unchanged", files)
}

func dirExists(p string) bool {
	fi, err := os.Stat(p)
	return err == nil && fi.IsDir()
}

// The inline constructs whose parsing cost more than linear come out as
// the same text, with their line numbers; links and emphasis before the
// hostile part are kept.
func TestBoundInlines(t *testing.T) {
	refs := func(n int) string {
		var b strings.Builder
		for i := range n {
			fmt.Fprintf(&b, "[r%d]: https://example.com/%d\n", i, i)
		}
		return b.String()
	}
	tests := []struct {
		name  string
		src   string
		text  string // the text of the block on line
		line  int
		links int // its links
	}{
		{"link openers", "[x](https://e.com) " + strings.Repeat("[a](", 5000) + "\n\nWhat is X?\n",
			"x " + strings.Repeat("[a](", 5000), 1, 1},
		{"image openers", strings.Repeat("![a](", 5000) + "\n", strings.Repeat("![a](", 5000), 1, 0},
		{"angle destinations", strings.Repeat("[a](<", 5000) + "\n", strings.Repeat("[a](<", 5000), 1, 0},
		{"nested brackets", strings.Repeat("[", 5000) + "a" + strings.Repeat("]", 5000) + "\n",
			strings.Repeat("[", 5000) + "a" + strings.Repeat("]", 5000), 1, 0},
		{"titles never closed", strings.Repeat("[a](b (\n", 3000), "", 0, 0},
		{"emphasis", "**Q** " + strings.Repeat("*_a", 3000) + "\n", "", 0, 0},
		{"reference definitions", "# T\n\n" + refs(1000) + "\nSee [r999].\n", "See r999.", 1004, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			flat, _ := flattenNesting([]byte(tt.src))
			if _, cuts := boundInlines(flat); cuts == nil {
				t.Errorf("boundInlines left it unchanged; the case must exercise it")
			}
			blocks, err := Markdown([]byte(tt.src))
			if err != nil {
				t.Fatal(err)
			}
			if tt.text == "" {
				// Only the text is checked: every letter is kept.
				var got strings.Builder
				for _, b := range blocks {
					got.WriteString(b.Text)
				}
				if g, w := strings.Count(got.String(), "a"), strings.Count(tt.src, "a"); g != w {
					t.Errorf("blocks hold %d a's; want %d", g, w)
				}
				return
			}
			for _, b := range blocks {
				if b.Text == tt.text {
					if b.Line != tt.line || b.Links != tt.links {
						t.Errorf("block on line %d with %d links; want line %d, %d links", b.Line, b.Links, tt.line, tt.links)
					}
					return
				}
			}
			t.Errorf("no block %.60q…", tt.text)
		})
	}
}

// Markdown and HTML cost time linear in their input on the hostile inputs
// (internal/hostile), among them the inline cases where goldmark alone
// takes seconds to minutes (cmark's pathological tests and a few more):
// each 200 KB input must parse well under a generous bound. The same
// inputs go through the whole of ingest, with text and records files, in
// package ingest's TestHostileInputsLinear.
func TestPathologicalInlines(t *testing.T) {
	const size = 200_000
	for _, in := range hostile.Inputs {
		parse := Markdown
		switch in.Ext {
		case ".md":
		case ".html":
			parse = HTML
		default:
			continue
		}
		t.Run(in.Name, func(t *testing.T) {
			src := in.Gen(size)
			start := time.Now()
			if _, err := parse(src); err != nil {
				t.Fatal(err)
			}
			took := time.Since(start)
			t.Logf("%d KB in %s", len(src)>>10, took)
			if took > inlineBound {
				t.Errorf("parse took %s; want under %s (linear in the input)", took, inlineBound)
			}
		})
	}
}

// inlineBound is TestPathologicalInlines' generous bound: the inputs parse
// in 10 to 300 ms on a loaded 2-core machine; before the bounds, 200 KB of
// "[a](" took minutes.
const inlineBound = 5 * time.Second

// boundInlines only inserts: a backslash before ASCII punctuation or a
// line (a blank one, with the quote markers of the next) before a line;
// without its insertions the output is the input, and every offset of
// the output around an insertion maps back into the input, in order. The
// input is a piece repeated up to 16 KB, so the bounds fire.
func FuzzBoundInlines(f *testing.F) {
	for _, in := range hostile.Inputs {
		if in.Ext == ".md" {
			f.Add(in.Gen(8)[:min(8, len(in.Gen(8)))], uint16(5000))
		}
	}
	f.Add([]byte("[x](y) *a* "), uint16(3000))
	f.Add([]byte("[r]: /u\n"), uint16(200))
	f.Fuzz(func(t *testing.T, piece []byte, n uint16) {
		if len(piece) == 0 || len(piece) > 64 {
			return
		}
		src := bytes.Repeat(piece, int(n)%(16<<10/len(piece))+1)
		out, cuts := boundInlines(src)
		if cuts == nil {
			if !bytes.Equal(out, src) {
				t.Fatalf("boundInlines changed the input and reported no insertion")
			}
			return
		}
		var back []byte
		from, added := 0, 0
		for _, c := range cuts {
			k := -c.removed - added // bytes inserted just before c.at
			ins := out[c.at-k : c.at]
			if string(ins) == `\` {
				if c.at >= len(out) || !isASCIIPunct(out[c.at]) {
					t.Fatalf("a backslash inserted before %q, not punctuation", out[c.at:min(c.at+1, len(out))])
				}
			} else if ins[len(ins)-1] != '\n' || len(bytes.Trim(ins, "> \n")) != 0 {
				t.Fatalf("inserted %q; want a backslash or a blank line", ins)
			}
			back = append(back, out[from:c.at-k]...)
			from, added = c.at, -c.removed
		}
		back = append(back, out[from:]...)
		if !bytes.Equal(back, src) {
			t.Fatalf("the output without its insertions differs from the input")
		}
		prev, next := 0, 0
		for _, c := range cuts {
			for i := max(c.at-2, next); i <= min(c.at+1, len(out)-1); i++ {
				next = i + 1
				o := cuts.sourceOffset(i)
				if o < prev || o > len(src) || src[o] != out[i] && out[i] != '\\' && out[i] != '\n' && out[i] != '>' {
					t.Fatalf("sourceOffset(%d) = %d after %d; want in order within %d, at the same byte", i, o, prev, len(src))
				}
				prev = o
			}
		}
	})
}

// Code is not Markdown to bound: link openers in a fenced block and
// definitions indented as code come back unchanged.
func TestBoundInlinesKeepsCode(t *testing.T) {
	for _, src := range []string{
		"```\n" + strings.Repeat("[a](", 5000) + "\n```\n",
		"~~~ md\n" + strings.Repeat("*_a", 5000) + "\n~~~\n",
		"text\n\n" + strings.Repeat("    [r]: /u\n", 200),
	} {
		if out, cuts := boundInlines([]byte(src)); cuts != nil {
			t.Errorf("boundInlines(%.30q…) inserted %d bytes; want it unchanged", src, len(out)-len(src))
		}
	}
}
