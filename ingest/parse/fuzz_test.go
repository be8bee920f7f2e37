package parse

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/iq-search/iq/internal/fuzzkit"
)

// checkBlock returns what is wrong with a block, or "".
func checkBlock(b Block) string {
	if b.Kind < Heading || b.Kind > Rule {
		return fmt.Sprintf("block %+v: unknown kind", b)
	}
	if b.Line < 1 {
		return fmt.Sprintf("%s %q: Line = %d; want >= 1", b.Kind, b.Text, b.Line)
	}
	strs := []string{b.Text, b.Lang, b.Role}
	strs = append(strs, b.Context...)
	for _, r := range b.Rows {
		strs = append(strs, r...)
	}
	for _, s := range strs {
		if !utf8.ValidString(s) {
			return fmt.Sprintf("%s at line %d: invalid UTF-8 %q", b.Kind, b.Line, s)
		}
	}
	if b.LinkChars < 0 || b.Links < 0 || b.AnchorLinks > b.Links {
		return fmt.Sprintf("%s at line %d: links %d, link chars %d, anchors %d", b.Kind, b.Line, b.Links, b.LinkChars, b.AnchorLinks)
	}
	return ""
}

// seedChunks adds pieces of real files as fuzz seeds: whole files would
// make each fuzz run slow, so each file gives up to three 8 KB pieces cut
// at line ends (its start, middle and end).
func seedChunks(f *testing.F, exts ...string) {
	add := func(src []byte) {
		for _, p := range fuzzkit.Pieces(src, 8<<10) {
			f.Add(p)
		}
	}
	seed, err := filepath.Glob(filepath.Join(repoRoot(f), "corpus", "*"))
	if err != nil {
		f.Fatal(err)
	}
	shared := filepath.Join(repoRoot(f), "..", "shared", "corpora")
	_ = filepath.WalkDir(shared, func(path string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			seed = append(seed, path)
		}
		return nil
	})
	for _, p := range seed {
		ext := strings.ToLower(filepath.Ext(p))
		for _, e := range exts {
			if ext == e {
				if src, err := os.ReadFile(p); err == nil {
					add(src)
				}
			}
		}
	}
}

func fuzzParser(t *testing.T, parse func([]byte) ([]Block, error), src []byte) {
	orig := bytes.Clone(src)
	got, err := parse(src)
	if !bytes.Equal(src, orig) {
		t.Fatalf("parse changed its input")
	}
	if err != nil {
		// A parser panic comes back as an "internal error": a bug. Other
		// errors (x/net/html refuses more than 512 open elements) must
		// come with no blocks and again on a second call.
		if strings.Contains(err.Error(), "internal error") || got != nil {
			t.Fatalf("parse(%q): %v (%d blocks)", src, err, len(got))
		}
		if _, err2 := parse(src); err2 == nil || err2.Error() != err.Error() {
			t.Fatalf("parse(%q) twice: error %v, then %v", src, err, err2)
		}
		return
	}
	lines := bytes.Count(src, []byte{'\n'}) + 1
	for _, b := range got {
		if msg := checkBlock(b); msg != "" {
			t.Fatalf("parse(%q): %s", src, msg)
		}
		if b.Line > lines {
			t.Fatalf("parse(%q): %s %q at line %d of %d", src, b.Kind, b.Text, b.Line, lines)
		}
	}
	again, err := parse(src)
	if err != nil || !reflect.DeepEqual(got, again) {
		t.Fatalf("parse(%q) twice: different blocks (err %v)", src, err)
	}
}

func FuzzMarkdown(f *testing.F) {
	seedChunks(f, ".md", ".markdown", ".mdx")
	for _, s := range []string{
		"---\ntitle: x\n---\n# T\n",
		"1.  ### Q\n\n    <details><summary>A</summary>\n\n    text\n    </details>\n",
		"        * **a** b c d e f\n        * x\n",
		"import X from 'y'\n\n<Note>hi</Note>\n",
		"**Q?**  \nA\xff\n",
		"\xef\xbb\xbf# BOM\r\n\r\ntext\r\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, src []byte) { fuzzParser(t, Markdown, src) })
}

func FuzzHTML(f *testing.F) {
	seedChunks(f, ".html", ".htm")
	for _, s := range []string{
		"<section class=toggle><label>Q</label><div class=toggle-content>A</div></section>",
		"<table><tr><td><h1>x</h1></td></tr></table><ins class=adsbygoogle></ins>",
		"<ol start=3><li>a<li>b<ul><li>c</ul></ol><pre class=language-go>x\r\ny</pre>",
		"<p>a<br>b &amp; \xff</p><details><summary>S</summary>D</details>",
		"<svg><title><p>x</title></svg><!--iq:9--><textarea name=code>a<b></textarea>",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, src []byte) { fuzzParser(t, HTML, src) })
}
