// Package parse turns raw Markdown and HTML into one common stream of
// blocks (heading, paragraph, list item, code, table, summary, quote, rule),
// each with its 1-based source line. Later ingest stages look only at
// blocks, never at the original syntax; the plain-text parser lives in
// package ingest.
//
// The parsers keep structure and signals and decide nothing: which blocks
// are ads, menus or questions is for the noise filter and the segmenter,
// which read Context, Role, Strong and the link counts.
//
// Files:
//   - block.go: the Block type and its Kind.
//   - markdown.go: Markdown, a walk over goldmark's AST (GFM tables,
//     strikethrough, task lists): list items with depth and number,
//     headings inside list items, bold-line splitting, front matter, raw
//     HTML blocks (parsed with the HTML walker, <details> tracked across
//     blocks), MDX/JSX, answers indented into code blocks by mistake.
//   - html.go: HTML, a walk over the goquery/x/net/html DOM in document
//     order: block elements, data vs layout tables, code in <pre> and code
//     <textarea>, question/answer roles from markup, ad containers, bold
//     leads cut from their paragraph, permalink symbols left out, and
//     annotate, which carries each tag's source line through the parser.
//   - depth.go: nesting bounds applied before the libraries parse:
//     container markers past 32 on one Markdown line are removed (goldmark
//     costs the square of the nesting), and a page nested past the 512
//     elements x/net/html accepts is parsed again with elements past 256
//     flattened; text and line numbers are kept.
//   - inline.go: inline bounds applied before goldmark: in a paragraph
//     whose links, brackets or emphasis would cost goldmark more than
//     linear in its length (link openers rescanning the line, nested
//     brackets, delimiters matched against all before them), the excess
//     is escaped with backslashes, so it reads as the same text; runs of
//     link reference definitions get a blank line every 64. No real
//     document is touched.
//   - region.go: the page's main content region by text against link
//     density (readability's scoring in one pass over the DOM), which
//     sets Block.Outside and where Context starts.
//   - text.go: the text buffer shared by both (white space folding, valid
//     UTF-8, strong and link counting) and the byte offset to line index.
//
// Tests: parse_test.go (real files from ../shared/corpora and the embedded
// seed), markdown_test.go and html_test.go (small cases), fuzz_test.go
// (FuzzMarkdown, FuzzHTML), depth_test.go (100k nested markers),
// inline_test.go (the inline bounds; 200 KB of each input of
// internal/hostile parses in linear time; no corpus file is changed;
// FuzzBoundInlines: only escapes and blank lines are inserted), bench_test.go (BenchmarkParse, MB/s, with
// cputime_*_test.go for CPU-time throughput), example_test.go.
package parse
