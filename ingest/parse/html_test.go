package parse

import (
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"
)

func TestHTMLCases(t *testing.T) {
	tests := []struct {
		name string
		src  string
		want []Block
	}{
		{
			name: "toggle question and answer",
			src: "<div id=main>\n<section class=\"toggle\">\n<label> What is X? </label>\n" +
				"<div class=\"toggle-content\">\n<p>X is <b>Y</b>.</p>\n</div>\n</section>\n</div>",
			want: []Block{
				{Kind: Paragraph, Line: 3, Text: "What is X?", Role: "question",
					Context: []string{"div", "div#main", "section", "section.toggle", "label"}},
				{Kind: Paragraph, Line: 5, Text: "X is Y.", Role: "answer",
					Context: []string{"div", "div#main", "section", "section.toggle", "div.toggle-content", "p"}},
			},
		},
		{
			name: "layout table holds content, data table is a table",
			src: "<table><tr><td>\n<h3 class=h3>1) What is Java?</h3>\n<table class=alt><tr><th>A</th><th>B</th></tr>" +
				"<tr><td><strong>x</strong></td><td>see <a href=\"#y\">y</a></td></tr></table>\n</td></tr></table>",
			want: []Block{
				{Kind: Heading, Line: 2, Depth: 3, Text: "1) What is Java?",
					Context: []string{"table", "tbody", "tr", "td", "h3", "h3.h3"}},
				{Kind: Table, Line: 3, Text: "A | B\nx | see y", Rows: [][]string{{"A", "B"}, {"x", "see y"}},
					Links: 1, LinkChars: 1, AnchorLinks: 1,
					Context: []string{"table", "tbody", "tr", "td", "table.alt"}},
			},
		},
		{
			name: "ads, cookie banner, scripts",
			src: "<ins class=\"adsbygoogle\" data-ad-slot=\"1\"></ins>\n<div id=\"google-top-ads\"><div>Advertisements</div><script>x()</script></div>\n" +
				"<div id=\"privacy-banner\"><p>We use cookies. <a id=\"banner-accept\" href=\"#\">Agree</a></p></div>\n" +
				"<div class=\"banner\"><h1>Real title</h1></div>",
			want: []Block{
				{Kind: Paragraph, Line: 1, Context: []string{"ins", "ins.adsbygoogle", "ad"}},
				{Kind: Paragraph, Line: 2, Text: "Advertisements", Context: []string{"div", "div#google-top-ads", "ad"}},
				{Kind: Paragraph, Line: 3, Text: "We use cookies. Agree", Links: 1, LinkChars: 5, AnchorLinks: 1,
					Context: []string{"div", "div#privacy-banner", "p"}},
				{Kind: Heading, Line: 4, Depth: 1, Text: "Real title", Context: []string{"div", "div.banner", "h1"}},
			},
		},
		{
			name: "lists, numbers, nesting",
			src:  "<ol start=\"3\">\n<li>Three\n<ul><li><p>Nested</p><p>More</p></li></ul></li>\n<li value=\"9\">Nine</li>\n<li>Ten</li></ol>",
			want: []Block{
				{Kind: ListItem, Line: 2, Depth: 1, Number: 3, Text: "Three", Context: []string{"ol", "li"}},
				{Kind: ListItem, Line: 3, Depth: 2, Text: "Nested", Context: []string{"ol", "li", "ul", "p"}},
				{Kind: Paragraph, Line: 3, Depth: 2, Text: "More", Context: []string{"ol", "li", "ul", "p"}},
				{Kind: ListItem, Line: 4, Depth: 1, Number: 9, Text: "Nine", Context: []string{"ol", "li"}},
				{Kind: ListItem, Line: 5, Depth: 1, Number: 10, Text: "Ten", Context: []string{"ol", "li"}},
			},
		},
		{
			name: "code: pre with language, code textarea, form textarea",
			src: "<pre><code class=\"language-go\">\nfunc f() {\n\treturn\n}\n</code></pre>\n" +
				"<div class=codeblock><textarea name=\"code\" class=\"java\">\nclass A {}\n</textarea></div>\n" +
				"<form><textarea name=comment>hi</textarea><input value=x></form>",
			want: []Block{
				{Kind: Code, Line: 1, Text: "func f() {\n\treturn\n}", Lang: "go", Context: []string{"pre"}},
				{Kind: Code, Line: 6, Text: "class A {}", Lang: "java", Context: []string{"div", "div.codeblock", "textarea", "textarea.java"}},
			},
		},
		{
			name: "details, dl, blockquote, hr, br, entities",
			src: "<details><summary>Why?</summary><p>Because.</p></details>\n<dl><dt>Term</dt><dd>Def</dd></dl>\n" +
				"<blockquote><p>One</p><p>Two</p></blockquote><hr>\n<p>a<br>b &amp; c&nbsp;d <code>x</code></p>",
			want: []Block{
				{Kind: Summary, Line: 1, Text: "Why?", Role: "question", Context: []string{"details", "summary"}},
				{Kind: Paragraph, Line: 1, Text: "Because.", Role: "answer", Context: []string{"details", "p"}},
				{Kind: Paragraph, Line: 2, Text: "Term", Role: "question", Context: []string{"dl", "dt"}},
				{Kind: Paragraph, Line: 2, Text: "Def", Role: "answer", Context: []string{"dl", "dd"}},
				{Kind: Quote, Line: 3, Text: "One\nTwo", Context: []string{"blockquote"}},
				{Kind: Rule, Line: 3, Context: []string{"hr"}},
				{Kind: Paragraph, Line: 4, Text: "a\nb & c d `x`", Context: []string{"p"}},
			},
		},
		{
			name: "bare text gets its own line, CRLF counted once",
			src:  "<div>\r\n<b>Q1?</b>\r\n</div>\r\n<div>\r\n\r\nplain text\r\n</div>",
			want: []Block{
				{Kind: Paragraph, Line: 2, Text: "Q1?", Strong: true, Context: []string{"div"}},
				{Kind: Paragraph, Line: 6, Text: "plain text", Context: []string{"div"}},
			},
		},
		{
			name: "bold leads: a question or a line of its own is cut from its answer, a label is not",
			src: "<p><strong>What is X?</strong> X is a letter.</p>\n<p><b>Q2. Explain Y</b><br>\nY follows X.</p>\n" +
				"<p><b>Note:</b> Z ends it.</p>\n<p>The <b>bold</b> word?</p>",
			want: []Block{
				{Kind: Paragraph, Line: 1, Text: "What is X?", Strong: true, Context: []string{"p"}},
				{Kind: Paragraph, Line: 1, Text: "X is a letter.", Context: []string{"p"}},
				{Kind: Paragraph, Line: 2, Text: "Q2. Explain Y", Strong: true, Context: []string{"p"}},
				{Kind: Paragraph, Line: 2, Text: "Y follows X.", Context: []string{"p"}},
				{Kind: Paragraph, Line: 4, Text: "Note: Z ends it.", Context: []string{"p"}},
				{Kind: Paragraph, Line: 5, Text: "The bold word?", Context: []string{"p"}},
			},
		},
		{
			name: "permalinks and back-to-top arrows are decorations",
			src: "<h2 id=\"x\">What is X?<a class=\"headerlink\" href=\"#x\">&para;</a></h2>\n" +
				"<p>See <a href=\"#x\">X</a> <a href=\"#top\">[↑]</a></p>\n<p><a href=\"#top\"><img alt=\"Top\"></a></p>",
			want: []Block{
				{Kind: Heading, Line: 1, Depth: 2, Text: "What is X?", Context: []string{"h2", "h2#x"}},
				{Kind: Paragraph, Line: 2, Text: "See X", Links: 1, LinkChars: 1, AnchorLinks: 1, Context: []string{"p"}},
				{Kind: Paragraph, Line: 3, Text: "Top", Links: 1, AnchorLinks: 1, Context: []string{"p", "img"}},
			},
		},
		{
			name: "broken markup",
			src:  "<p>one<p>two</b><li>three<table><td>x\xff</table><h2>end",
			want: []Block{
				{Kind: Paragraph, Line: 1, Text: "one", Context: []string{"p"}},
				{Kind: Paragraph, Line: 1, Text: "two", Context: []string{"p"}},
				{Kind: ListItem, Line: 1, Depth: 1, Text: "three", Context: []string{"li"}},
				{Kind: Table, Line: 1, Text: "x\uFFFD", Rows: [][]string{{"x\uFFFD"}}, Context: []string{"li", "table"}},
				{Kind: Heading, Line: 1, Depth: 2, Text: "end", Context: []string{"li", "h2"}},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := HTML([]byte(tt.src))
			if err != nil {
				t.Fatalf("HTML(%q): %v", tt.src, err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("HTML(%q) =%s\nwant%s", tt.src, blocksString(got), blocksString(tt.want))
			}
		})
	}
}

// TestAnnotateRoundTrip checks that annotate only adds its line attributes
// and text marks: taking them out gives the page back byte for byte, so the
// lines it counts are the page's own.
func TestAnnotateRoundTrip(t *testing.T) {
	marks := regexp.MustCompile(` ` + lineAttr + `="[0-9]+"|<!--iq:[0-9]+-->`)
	pages, _ := filepath.Glob(filepath.Join(corporaDir(t), "html-pages", "*.htm*"))
	if len(pages) == 0 {
		t.Skip("no html pages")
	}
	for _, p := range pages {
		src, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		out, _ := annotate(src, 1)
		if back := marks.ReplaceAll(out, nil); string(back) != string(src) {
			t.Errorf("annotate(%s) minus marks differs from the page (%d vs %d bytes)", filepath.Base(p), len(back), len(src))
		}
	}
}

// TestHTMLDeepContext checks that a deeply nested page gives each block a
// bounded Context that keeps the outermost and innermost signals.
func TestHTMLDeepContext(t *testing.T) {
	var sb strings.Builder
	for i := range 300 {
		fmt.Fprintf(&sb, "<div class=c%d>", i)
	}
	sb.WriteString("<p class=last>deep</p>")
	got, err := HTML([]byte(sb.String()))
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 {
		t.Fatalf("HTML(300 nested divs) = %d blocks; want 1", len(got))
	}
	ctx := got[0].Context
	if len(ctx) != maxContext || ctx[0] != "div" || ctx[1] != "div.c0" || ctx[len(ctx)-1] != "p.last" {
		t.Errorf("HTML(300 nested divs) Context = %d entries %q…%q; want %d from \"div\", \"div.c0\" to \"p.last\"",
			len(ctx), ctx[:2], ctx[len(ctx)-2:], maxContext)
	}
}

// TestHTMLRegion checks the main content region: blocks outside it are
// marked Outside, blocks inside get a Context that starts at the region,
// and a page whose prose is spread out has no region.
func TestHTMLRegion(t *testing.T) {
	para := func(s string) string {
		return "<p>" + s + " is explained here at some length, with enough words to read as prose.</p>\n"
	}
	var nav strings.Builder
	nav.WriteString("<nav><ul class=\"summary\">")
	for i := range 40 {
		fmt.Fprintf(&nav, "<li><a href=\"/p%d.html\">Chapter %d</a></li>", i, i)
	}
	nav.WriteString("<li>Section title</li></ul></nav>\n")
	tests := []struct {
		name    string
		src     string
		outside []string // texts of the blocks marked Outside
		ctx0    string   // first Context entry of the block "Q1"
	}{
		{
			name: "book: sidebar, search wrapper around the content",
			src: "<div class=book>" + nav.String() + "<div class=\"book-header\"><h1>Book</h1></div>\n" +
				"<div id=\"book-search-results\"><div class=\"search-noresults\"><section class=\"markdown-section\">\n" +
				"<h1>Q1</h1>\n" + para("One") + para("Uno") + "<h1>Q2</h1>\n" + para("Two") + para("Dos") +
				"<h1>Q3</h1>\n" + para("Three") + para("Tres") + "</section></div><div class=\"search-results\"><h1>results matching</h1></div></div></div>",
			outside: []string{"Chapter 0", "Section title", "Book", "results matching"},
			ctx0:    "section",
		},
		{
			name: "spread out: two columns of prose",
			src: "<div class=a><h2>Q1</h2>" + para("One") + para("Uno") + "</div>" +
				"<div class=b><h2>Q2</h2>" + para("Two") + para("Dos") + "</div>",
			ctx0: "div",
		},
		{
			name: "one long answer does not become the region",
			src: "<main><h2>Q1</h2><div class=answer><pre>" + strings.Repeat("x := 1\n", 500) + "</pre></div>\n" +
				"<h2>Q2</h2>" + para("Two") + "<h2>Q3</h2>" + para("Three") + "</main><footer>" + para("Footer") + "</footer>",
			outside: []string{"Footer is explained here at some length, with enough words to read as prose."},
			ctx0:    "main",
		},
		{
			name: "an essay-long answer keeps the other questions beside it",
			src: "<main><div class=qa><h2>Q1</h2>" + strings.Repeat(para("Essay"), 40) + "</div>\n" +
				"<div class=qa><h2>Question two</h2>" + para("Two") + "</div><div class=qa><h2>Question three</h2>" + para("Three") +
				"</div></main>" +
				"<footer>" + para("Footer") + "</footer>",
			outside: []string{"Footer is explained here at some length, with enough words to read as prose."},
			ctx0:    "main",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			blocks, err := HTML([]byte(tt.src))
			if err != nil {
				t.Fatal(err)
			}
			var outside []string
			for _, b := range blocks {
				if b.Outside {
					if len(outside) == 0 || !strings.HasPrefix(b.Text, "Chapter") {
						outside = append(outside, b.Text)
					}
				}
				if b.Text == "Q1" && (len(b.Context) == 0 || b.Context[0] != tt.ctx0) {
					t.Errorf("Q1 Context = %q; want it to start with %q", b.Context, tt.ctx0)
				}
			}
			if !reflect.DeepEqual(outside, tt.outside) {
				t.Errorf("Outside blocks = %q; want %q", outside, tt.outside)
			}
		})
	}
}
