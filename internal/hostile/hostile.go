// Package hostile generates inputs built to make parsers cost more than
// linear in their size: the pathological cases of cmark's test suite
// (unclosed link openers, nested brackets, emphasis delimiters, backtick
// runs, link reference definitions) and their kin in HTML, plain text and
// records files. The tests and benchmarks of ingest and ingest/parse read
// them (issue 16: every parser has a cost bound linear in input size).
package hostile

import (
	"fmt"
	"strings"
)

// Input is one generated hostile input.
type Input struct {
	Name string
	Ext  string             // the file extension that picks its parser
	Gen  func(n int) []byte // about n bytes of it
}

// repeat returns s repeated to n bytes (at least once).
func repeat(s string, n int) []byte {
	k := max(1, n/len(s))
	return []byte(strings.Repeat(s, k))
}

func build(n int, f func(b *strings.Builder, i int)) []byte {
	var b strings.Builder
	for i := 0; b.Len() < n; i++ {
		f(&b, i)
	}
	return []byte(b.String())
}

// Inputs are the hostile inputs, Markdown first.
var Inputs = []Input{
	// Markdown, inline: goldmark's quadratic cases.
	{"link openers", ".md", func(n int) []byte { return repeat("[a](", n) }},
	{"link openers closed at the end", ".md", func(n int) []byte { return append(repeat("[a](", n), ')') }},
	{"image openers", ".md", func(n int) []byte { return repeat("![a](", n) }},
	{"angle destinations", ".md", func(n int) []byte { return repeat("[a](<", n) }},
	{"titles never closed", ".md", func(n int) []byte { return repeat("[a](b (\n", n) }},
	{"bracket openers", ".md", func(n int) []byte { return repeat("[", n) }},
	{"nested brackets", ".md", func(n int) []byte {
		return []byte(strings.Repeat("[", n/2) + "a" + strings.Repeat("]", n/2))
	}},
	{"links in links", ".md", func(n int) []byte { return repeat("[[a](b)", n) }},
	{"lines of links", ".md", func(n int) []byte { return repeat("[a](b\n", n) }},
	{"reference uses", ".md", func(n int) []byte { return append([]byte("[b]: /u\n\n"), repeat("[a][b]", n)...) }},
	{"reference definitions", ".md", func(n int) []byte {
		return build(n, func(b *strings.Builder, i int) { fmt.Fprintf(b, "[a%d]: /u%d\n", i, i) })
	}},
	{"emphasis openers", ".md", func(n int) []byte { return repeat("*a ", n) }},
	{"emphasis mixed", ".md", func(n int) []byte { return repeat("*_a", n) }},
	{"emphasis and brackets", ".md", func(n int) []byte { return repeat("*a[", n) }},
	{"strong runs", ".md", func(n int) []byte { return repeat("a***", n) }},
	{"strikethrough", ".md", func(n int) []byte { return repeat("~~a ", n) }},
	{"backtick runs", ".md", func(n int) []byte {
		return build(n, func(b *strings.Builder, i int) { b.WriteString(strings.Repeat("`", i%64+1) + "a") })
	}},
	{"backtick openers", ".md", func(n int) []byte { return repeat("`a", n) }},
	{"autolink openers", ".md", func(n int) []byte { return repeat("<http://", n) }},
	{"raw html openers", ".md", func(n int) []byte { return repeat("<a ", n) }},
	{"comment openers", ".md", func(n int) []byte { return repeat("<!--", n) }},
	{"entities", ".md", func(n int) []byte { return repeat("&amp", n) }},
	{"escapes", ".md", func(n int) []byte { return repeat("\\[", n) }},
	// Markdown, blocks.
	{"nested list markers", ".md", func(n int) []byte { return repeat("- ", n) }},
	{"nested quotes", ".md", func(n int) []byte { return repeat("> ", n) }},
	{"wide table", ".md", func(n int) []byte {
		row := strings.Repeat("|a", n/6)
		return []byte(row + "\n" + strings.Repeat("|-", n/6) + "\n" + row + "\n")
	}},
	{"setext headings", ".md", func(n int) []byte { return repeat("What is X?\n===\n", n) }},
	{"fences", ".md", func(n int) []byte { return repeat("```\n", n) }},
	{"details", ".md", func(n int) []byte { return repeat("<details><summary>What is X?</summary>\n\nY\n\n", n) }},
	{"one line of questions", ".md", func(n int) []byte { return repeat("What is X? ", n) }},
	// HTML.
	{"html formatting before paragraphs", ".html", func(n int) []byte { return repeat("<b><p>a", n) }},
	{"html font paragraphs", ".html", func(n int) []byte { return repeat("<font><p>", n) }},
	{"html table cells", ".html", func(n int) []byte { return append([]byte("<table><tr>"), repeat("<td>a", n)...) }},
	{"html nested tables", ".html", func(n int) []byte { return repeat("<table><tr><td>", n) }},
	{"html nested divs", ".html", func(n int) []byte { return repeat("<div>", n) }},
	{"html attributes", ".html", func(n int) []byte { return append([]byte("<p "), repeat("a=b ", n)...) }},
	{"html comments", ".html", func(n int) []byte { return repeat("<!--", n) }},
	{"html entities", ".html", func(n int) []byte { return repeat("&amp;", n) }},
	{"html line breaks", ".html", func(n int) []byte { return repeat("a<br>", n) }},
	{"html definition lists", ".html", func(n int) []byte { return repeat("<dt>What is X?<dd>Y", n) }},
	{"html questions", ".html", func(n int) []byte { return repeat("<h3>What is X?</h3><p>Y</p>", n) }},
	// Plain text.
	{"text one line of questions", ".txt", func(n int) []byte { return repeat("What is X? ", n) }},
	{"text lines of questions", ".txt", func(n int) []byte { return repeat("What is X?\n", n) }},
	{"text numbered", ".txt", func(n int) []byte { return repeat("1. What is X?\nY\n", n) }},
	{"text headings", ".txt", func(n int) []byte { return repeat("# a\n", n) }},
	// Records files.
	{"jsonl records", ".jsonl", func(n int) []byte { return repeat(`{"question":"What is X?","answers":[{"text":"Y"}]}`+"\n", n) }},
	{"jsonl broken lines", ".jsonl", func(n int) []byte { return repeat("{\n", n) }},
	{"jsonl one long question", ".jsonl", func(n int) []byte { return []byte(`{"question":"` + strings.Repeat("a", n) + `"}`) }},
	{"csv records", ".csv", func(n int) []byte { return append([]byte("question,answer\n"), repeat("What is X?,Y\n", n)...) }},
	{"csv open quote", ".csv", func(n int) []byte { return append([]byte("question,answer\n"), repeat("\"", n)...) }},
	{"csv many columns", ".csv", func(n int) []byte { return append([]byte("question,answer\n"), repeat("a,", n)...) }},
}
