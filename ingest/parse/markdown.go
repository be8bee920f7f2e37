package parse

import (
	"bytes"
	"fmt"
	"strings"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	east "github.com/yuin/goldmark/extension/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// mdParser is safe for concurrent use: each Parse gets its own context.
// GFM without Linkify, which cost a tenth of the parse time: bare URLs are
// counted as links while the text is read (see writeBareURLs).
var mdParser parser.Parser = goldmark.New(goldmark.WithExtensions(
	extension.Table, extension.Strikethrough, extension.TaskList)).Parser()

// Markdown parses CommonMark with GitHub extensions (tables, strikethrough,
// task lists; bare URLs count as links) into blocks in document order.
//
// A list item's first paragraph is its ListItem block (Depth = nesting,
// Number = the number written before it, or the previous item's plus one
// where the written numbers do not go up); a heading that opens a list item
// ("1.  ### What is React?") stays a Heading and takes the item's Number.
// Later blocks inside a list item carry the item's Depth. A
// paragraph whose lines alternate between all-bold lines and plain text
// ("**2. How does X work?**  \nX works by …") is cut at the line breaks, so
// the bold line is its own Strong block. YAML/TOML front matter gives one
// block with Context "front-matter"; raw HTML blocks are parsed as HTML
// (Context "html", plus their tag signals) with <details> tracked across
// blocks (Context "details" on the Markdown between <details> and
// </details>); JSX components and MDX import/export lines give Context
// "jsx". An indented code block made only of list lines (answers indented
// eight spaces) is parsed again as Markdown.
//
// Markdown accepts any input; its error reports an internal failure only.
func Markdown(src []byte) (blocks []Block, err error) {
	defer func() {
		if r := recover(); r != nil {
			blocks, err = nil, fmt.Errorf("parse markdown: internal error: %v", r)
		}
	}()
	li := newLineIndex(src)
	base := 0
	if bytes.HasPrefix(src, []byte("\xef\xbb\xbf")) {
		base = 3
	}
	// Sized for a block per 64 bytes: half of the corpora's Markdown
	// files have more than one per 128 (their median is one per 110), and
	// growing the slice copied each block once or twice.
	w := &mdWalker{out: make([]Block, 0, len(src)/64+8)}
	if fm, end, ok := frontMatter(src[base:]); ok {
		w.out = append(w.out, Block{Kind: Paragraph, Line: 1, Text: validUTF8(fm), Context: []string{"front-matter"}})
		base += end
	}
	w.src = src[base:]
	w.lineOf = func(off int) int { return li.line(base + off) }
	w.run()
	return w.out, nil
}

// frontMatter finds YAML (---) or TOML (+++) front matter at the very top
// and returns its content and the offset just past its closing line.
func frontMatter(src []byte) (content string, end int, ok bool) {
	var delim string
	switch {
	case bytes.HasPrefix(src, []byte("---")):
		delim = "---"
	case bytes.HasPrefix(src, []byte("+++")):
		delim = "+++"
	default:
		return "", 0, false
	}
	first := bytes.IndexByte(src, '\n')
	if first < 0 || strings.TrimSpace(string(src[:first])) != delim {
		return "", 0, false
	}
	var lines []string
	off := first + 1
	for n := 0; off < len(src) && n < 500; n++ {
		e := bytes.IndexByte(src[off:], '\n')
		var line []byte
		next := len(src)
		if e >= 0 {
			line, next = src[off:off+e], off+e+1
		} else {
			line = src[off:]
		}
		t := strings.TrimSpace(string(line))
		if t == delim || (delim == "---" && t == "...") {
			// Only key: value (or key = value) content is front matter; a
			// thematic break around prose is not.
			if len(lines) == 0 || !looksLikeKeyValue(lines[0]) {
				return "", 0, false
			}
			return strings.Join(lines, "\n"), next, true
		}
		lines = append(lines, strings.TrimRight(string(line), "\r"))
		off = next
	}
	return "", 0, false
}

func looksLikeKeyValue(s string) bool {
	s = strings.TrimSpace(s)
	i := strings.IndexAny(s, ":=")
	if i <= 0 {
		return false
	}
	for _, r := range s[:i] {
		if !(r == '_' || r == '-' || r == ' ' || r == '"' || r == '\'' || r == '.' ||
			'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9') {
			return false
		}
	}
	return true
}

type mdWalker struct {
	src       []byte
	lineOf    func(off int) int
	out       []Block
	listDepth int
	details   []int // open raw <details>: the list-item nesting each opened in
	items     int   // list items open
	nest      int   // re-parse depth (indented answers)
	lastOff   int
	jsx       bool      // the paragraph being read opens with a JSX tag
	task      TaskState // its task-list check box
	tb        textBuf
}

func (w *mdWalker) run() {
	if flat, cuts := flattenNesting(w.src); cuts != nil {
		// Offsets into the flattened text map back to the source for
		// line numbers; the text itself is read from the flattened copy.
		lineOf := w.lineOf
		w.src = flat
		w.lineOf = func(off int) int { return lineOf(cuts.sourceOffset(off)) }
	}
	if bounded, cuts := boundInlines(w.src); cuts != nil {
		// The same for the escapes of inline constructs whose parsing
		// would cost more than linear (inline.go).
		lineOf := w.lineOf
		w.src = bounded
		w.lineOf = func(off int) int { return lineOf(cuts.sourceOffset(off)) }
	}
	doc := mdParser.Parse(text.NewReader(w.src))
	w.block(doc)
}

// pos returns the byte offset where a node starts.
func (w *mdWalker) pos(n ast.Node) int {
	if p := n.Pos(); p >= 0 {
		w.lastOff = p
		return p
	}
	if n.Type() == ast.TypeBlock {
		if l := n.Lines(); l != nil && l.Len() > 0 {
			w.lastOff = l.At(0).Start
			return w.lastOff
		}
	}
	for c := n.FirstChild(); c != nil; c = c.NextSibling() {
		if p := c.Pos(); p >= 0 {
			w.lastOff = p
			return p
		}
	}
	return w.lastOff
}

func (w *mdWalker) line(n ast.Node) int { return w.lineOf(w.pos(n)) }

// context returns the Context of a plain Markdown block.
func (w *mdWalker) context(extra ...string) []string {
	if len(w.details) == 0 && len(extra) == 0 {
		return nil
	}
	var c []string
	if len(w.details) > 0 {
		c = append(c, "details")
	}
	return append(c, extra...)
}

func (w *mdWalker) block(n ast.Node) {
	switch n := n.(type) {
	case *ast.Heading:
		w.heading(n, 0)
	case *ast.Paragraph, *ast.TextBlock:
		w.paragraph(n, nil)
	case *ast.List:
		w.list(n)
	case *ast.FencedCodeBlock:
		w.code(n, fenceLang(n, w.src))
	case *ast.CodeBlock:
		w.indentedCode(n)
	case *ast.Blockquote:
		w.quote(n)
	case *ast.ThematicBreak:
		w.out = append(w.out, Block{Kind: Rule, Line: w.line(n), Context: w.context()})
	case *ast.HTMLBlock:
		w.rawHTML(n)
	case *east.Table:
		w.table(n)
	case *ast.LinkReferenceDefinition:
	default:
		for c := n.FirstChild(); c != nil; c = c.NextSibling() {
			w.block(c)
		}
	}
}

func (w *mdWalker) list(n *ast.List) {
	w.listDepth++
	i, prev := 0, 0
	for c := n.FirstChild(); c != nil; c = c.NextSibling() {
		num := 0
		if n.IsOrdered() {
			num = w.itemNumber(c, n.Start+i, prev, i == 0)
			prev = num
		}
		i++
		item := &pendingItem{depth: w.listDepth, number: num, line: w.line(c)}
		w.items++
		for cc := c.FirstChild(); cc != nil; cc = cc.NextSibling() {
			if cc == c.FirstChild() {
				switch cc := cc.(type) {
				case *ast.Paragraph, *ast.TextBlock:
					w.paragraph(cc, item)
					continue
				case *ast.Heading:
					w.heading(cc, num)
					continue
				}
			}
			w.block(cc)
		}
		// A <details> left open in a list item ends with it, as a browser
		// closes it at </li>: sudheerj's stray fence swallows a
		// "</details>" and must not mark the rest of the file.
		for len(w.details) > 0 && w.details[len(w.details)-1] >= w.items {
			w.details = w.details[:len(w.details)-1]
		}
		w.items--
	}
	w.listDepth--
}

// itemNumber returns an ordered item's number: the number written in the
// source when it goes up (sudheerj skips 63, and the TOC says "64"), else
// the previous number plus one ("1. 1. 1." counts 1, 2, 3, as rendered).
func (w *mdWalker) itemNumber(item ast.Node, rendered, prev int, first bool) int {
	p := item.Pos()
	if p < 0 || p >= len(w.src) {
		return rendered
	}
	s := w.src[p:]
	s = bytes.TrimLeft(s, " \t")
	v, k := 0, 0
	for k < len(s) && k < 9 && '0' <= s[k] && s[k] <= '9' {
		v = v*10 + int(s[k]-'0')
		k++
	}
	if k == 0 {
		return rendered
	}
	if first || v > prev {
		return v
	}
	return prev + 1
}

func (w *mdWalker) heading(n *ast.Heading, num int) {
	w.tb.reset()
	w.inline(n)
	t := strings.TrimSpace(w.tb.text())
	if t == "" {
		return
	}
	w.out = append(w.out, Block{Kind: Heading, Line: w.line(n), Depth: n.Level, Number: num, Text: t,
		Strong: w.tb.isStrong(), Links: w.tb.links, LinkChars: w.tb.linkChars,
		AnchorLinks: w.tb.anchors, Context: w.context()})
}

// paragraph emits a paragraph (or, given item, the list item it opens).
func (w *mdWalker) paragraph(n ast.Node, item *pendingItem) {
	w.tb.reset()
	w.jsx = false
	w.task = TaskNone
	w.inline(n)
	line := w.line(n)
	tb := &w.tb
	if w.jsx || (item == nil && w.listDepth == 0 && w.mdxStatement(n)) {
		w.out = append(w.out, Block{Kind: Paragraph, Line: line, Text: strings.TrimSpace(tb.text()),
			Context: w.context("jsx")})
		return
	}
	mk := func(k Kind, txt string, strong bool, links, linkChars, anchors int, line int, extra ...string) {
		b := Block{Kind: k, Line: line, Depth: w.listDepth, Text: txt, Strong: strong,
			Links: links, LinkChars: linkChars, AnchorLinks: anchors, Context: w.context(extra...)}
		if item != nil {
			b.Kind, b.Depth, b.Number, b.Line = ListItem, item.depth, item.number, item.line
			b.Task = w.task
			item = nil
		}
		w.out = append(w.out, b)
	}
	full := strings.TrimSpace(tb.text())
	if full == "" {
		alt := foldSpace(strings.Join(tb.alts, " "))
		if tb.imgs == 0 || alt == "" && tb.links == 0 {
			return // nothing, or a spacer image with nothing to say
		}
		mk(Paragraph, alt, false, tb.links, tb.linkChars, tb.anchors, line, "img")
		return
	}
	groups := splitStrongLines(tb)
	if len(groups) <= 1 {
		mk(Paragraph, full, tb.isStrong(), tb.links, tb.linkChars, tb.anchors, line)
		return
	}
	for _, g := range groups {
		t := strings.TrimSpace(string(tb.b[g.start:g.end]))
		if t == "" {
			continue
		}
		l := line
		if g.src >= 0 {
			l = w.lineOf(g.src)
		}
		mk(Paragraph, t, g.strong, g.links, g.linkChars, g.anchors, l)
	}
}

type lineGroup struct {
	start, end, src           int
	strong                    bool
	links, linkChars, anchors int
}

// splitStrongLines cuts a paragraph at its line breaks when some lines are
// all bold and others are not: each bold line is a group of its own, the
// plain lines between them one group each. It returns nil for no cut.
func splitStrongLines(tb *textBuf) []lineGroup {
	if len(tb.lines) == 0 {
		return nil
	}
	end := tb.stat(0)
	bounds := append([]lineStat{{src: -1}}, tb.lines...)
	bounds = append(bounds, end)
	var groups []lineGroup
	var cur *lineGroup
	anyStrong, anyPlain := false, false
	for k := 0; k+1 < len(bounds); k++ {
		a, b := bounds[k], bounds[k+1]
		in, out := b.strongIn-a.strongIn, b.strongOut-a.strongOut
		g := lineGroup{start: a.pos, end: b.pos, src: a.src, links: b.links - a.links,
			linkChars: b.linkChars - a.linkChars, anchors: b.anchors - a.anchors}
		if in > 0 && out == 0 {
			anyStrong = true
			g.strong = true
			groups = append(groups, g)
			cur = nil
			continue
		}
		if out > 0 {
			anyPlain = true
		}
		if cur == nil {
			groups = append(groups, g)
			cur = &groups[len(groups)-1]
			continue
		}
		cur.end = g.end
		cur.links += g.links
		cur.linkChars += g.linkChars
		cur.anchors += g.anchors
	}
	if !anyStrong || !anyPlain {
		return nil
	}
	return groups
}

// mdxStatement reports an MDX import/export line at the top level.
func (w *mdWalker) mdxStatement(n ast.Node) bool {
	l := n.Lines()
	if l == nil || l.Len() == 0 {
		return false
	}
	v := bytes.TrimSpace(segValue(l.At(0), w.src))
	if !bytes.HasPrefix(v, []byte("import ")) && !bytes.HasPrefix(v, []byte("export ")) {
		return false
	}
	first := string(v)
	return strings.Contains(first, " from ") || strings.ContainsAny(first, "{=") ||
		strings.HasSuffix(first, ";") || strings.HasPrefix(first, "import '") ||
		strings.HasPrefix(first, "import \"")
}

// unescape resolves backslash escapes and entity references the way the
// HTML renderer would ("1\." → "1.", "&amp;" → "&").
func unescape(v []byte) []byte {
	if bytes.IndexByte(v, '\\') < 0 && bytes.IndexByte(v, '&') < 0 {
		return v
	}
	v = util.UnescapePunctuations(v)
	v = util.ResolveNumericReferences(v)
	return util.ResolveEntityNames(v)
}

func (w *mdWalker) inline(n ast.Node) {
	for c := n.FirstChild(); c != nil; c = c.NextSibling() {
		switch c := c.(type) {
		case *ast.Text:
			if k := len(w.tb.lines); k > 0 && w.tb.lines[k-1].src < 0 {
				w.tb.lines[k-1].src = c.Segment.Start
			}
			v := c.Segment.Value(w.src)
			if !c.IsRaw() {
				v = unescape(v)
			}
			if w.tb.inLink == 0 && bytes.Contains(v, []byte("://")) {
				w.writeBareURLs(v)
			} else {
				w.tb.write(v)
			}
			switch {
			case c.HardLineBreak():
				w.tb.markLine(-1)
				w.tb.newline()
			case c.SoftLineBreak():
				w.tb.markLine(-1)
				w.tb.space()
			}
		case *ast.String:
			w.tb.write(c.Value)
		case *ast.CodeSpan:
			w.tb.writeString("`")
			for cc := c.FirstChild(); cc != nil; cc = cc.NextSibling() {
				switch cc := cc.(type) {
				case *ast.Text:
					w.tb.write(cc.Segment.Value(w.src))
				case *ast.String:
					w.tb.write(cc.Value)
				}
			}
			w.tb.writeString("`")
		case *ast.Emphasis:
			if c.Level >= 2 {
				w.tb.strong++
				w.inline(c)
				w.tb.strong--
			} else {
				w.inline(c)
			}
		case *ast.Link:
			w.tb.links++
			if bytes.HasPrefix(bytes.TrimSpace(c.Destination), []byte("#")) {
				w.tb.anchors++
			}
			w.tb.inLink++
			w.inline(c)
			w.tb.inLink--
		case *ast.AutoLink:
			w.tb.links++
			w.tb.inLink++
			w.tb.write(c.Label(w.src))
			w.tb.inLink--
		case *ast.Image:
			w.tb.imgs++
			var alt textBuf
			saved := w.tb
			w.tb = alt
			w.inline(c)
			alt = w.tb
			w.tb = saved
			if t := strings.TrimSpace(alt.text()); t != "" {
				w.tb.alts = append(w.tb.alts, t)
			}
		case *ast.RawHTML:
			w.inlineHTML(c, c == n.FirstChild())
		case *east.TaskCheckBox:
			w.task = TaskOpen
			if c.IsChecked {
				w.task = TaskDone
			}
		default:
			w.inline(c)
		}
	}
}

// inlineHTML handles an inline tag: <br> breaks the line, <b>/<strong>
// count as strong, <a href> as a link, <img> as an image, <code> keeps its
// backticks; a capitalised tag opening a paragraph makes it JSX. Tags are
// read by hand: a tokenizer per inline tag costs more than the parse.
func (w *mdWalker) inlineHTML(c *ast.RawHTML, first bool) {
	var raw []byte
	if c.Segments.Len() == 1 {
		raw = segValue(c.Segments.At(0), w.src)
	} else {
		for i := 0; i < c.Segments.Len(); i++ {
			raw = append(raw, segValue(c.Segments.At(i), w.src)...)
		}
	}
	if len(raw) < 2 || raw[0] != '<' {
		return
	}
	if first && ('A' <= raw[1] && raw[1] <= 'Z' || raw[1] == '>') {
		w.jsx = true
	}
	name, end := tagName(raw)
	switch name {
	case "br":
		w.tb.markLine(-1)
		w.tb.newline()
	case "b", "strong":
		if !end {
			w.tb.strong++
		} else if w.tb.strong > 0 {
			w.tb.strong--
		}
	case "a":
		if end {
			if w.tb.inLink > 0 {
				w.tb.inLink--
			}
		} else if href, ok := tagAttr(raw, "href"); ok {
			w.tb.links++
			if strings.HasPrefix(strings.TrimSpace(href), "#") {
				w.tb.anchors++
			}
			w.tb.inLink++
		}
	case "img":
		w.tb.imgs++
		if alt, ok := tagAttr(raw, "alt"); ok && strings.TrimSpace(alt) != "" {
			w.tb.alts = append(w.tb.alts, html.UnescapeString(alt))
		}
	case "code", "kbd":
		w.tb.writeString("`")
	}
}

// tagName returns the lower-cased name of a raw tag and whether it closes.
func tagName(raw []byte) (string, bool) {
	i, end := 1, false
	if i < len(raw) && raw[i] == '/' {
		i, end = 2, true
	}
	j := i
	for j < len(raw) && (raw[j] >= 'a' && raw[j] <= 'z' || raw[j] >= 'A' && raw[j] <= 'Z' || raw[j] >= '0' && raw[j] <= '9') {
		j++
	}
	return strings.ToLower(string(raw[i:j])), end
}

// tagAttr returns an attribute's value from a raw start tag.
func tagAttr(raw []byte, key string) (string, bool) {
	s := string(raw)
	lower := strings.ToLower(s)
	for from := 0; ; {
		i := strings.Index(lower[from:], key)
		if i < 0 {
			return "", false
		}
		i += from
		from = i + len(key)
		if i == 0 || !isSpaceByte(lower[i-1]) {
			continue
		}
		j := from
		for j < len(s) && isSpaceByte(s[j]) {
			j++
		}
		if j >= len(s) || s[j] != '=' {
			return "", true
		}
		j++
		for j < len(s) && isSpaceByte(s[j]) {
			j++
		}
		if j < len(s) && (s[j] == '"' || s[j] == '\'') {
			q := s[j]
			k := strings.IndexByte(s[j+1:], q)
			if k < 0 {
				return s[j+1:], true
			}
			return s[j+1 : j+1+k], true
		}
		k := j
		for k < len(s) && !isSpaceByte(s[k]) && s[k] != '>' {
			k++
		}
		return s[j:k], true
	}
}

func isSpaceByte(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' }

// writeBareURLs writes text holding bare http(s) URLs, counting each URL
// as a link the way GitHub's autolinking shows it.
func (w *mdWalker) writeBareURLs(v []byte) {
	for len(v) > 0 {
		i := bytes.Index(v, []byte("http"))
		if i < 0 {
			break
		}
		rest := v[i:]
		if !bytes.HasPrefix(rest, []byte("http://")) && !bytes.HasPrefix(rest, []byte("https://")) ||
			i > 0 && isWordByte(v[i-1]) {
			w.tb.write(v[:i+4])
			v = v[i+4:]
			continue
		}
		w.tb.write(v[:i])
		j := 0
		for j < len(rest) && !isSpaceByte(rest[j]) && rest[j] != '<' {
			j++
		}
		for j > 0 && bytes.IndexByte([]byte(".,:;!?)\"'"), rest[j-1]) >= 0 {
			j--
		}
		w.tb.links++
		w.tb.inLink++
		w.tb.write(rest[:j])
		w.tb.inLink--
		v = rest[j:]
	}
	w.tb.write(v)
}

func isWordByte(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '_'
}

func fenceLang(n *ast.FencedCodeBlock, src []byte) string {
	if n.Info == nil {
		return ""
	}
	info := unescape(n.Info.Segment.Value(src))
	f := strings.Fields(string(info))
	if len(f) == 0 {
		return ""
	}
	return strings.ToLower(strings.Trim(f[0], "{}.,;"))
}

func (w *mdWalker) code(n ast.Node, lang string) {
	var sb []byte
	lines := n.Lines()
	for i := 0; i < lines.Len(); i++ {
		sb = append(sb, segValue(lines.At(i), w.src)...)
	}
	t := strings.ReplaceAll(string(sb), "\r\n", "\n")
	t = strings.TrimRight(t, "\n")
	if strings.TrimSpace(t) == "" {
		return
	}
	w.out = append(w.out, Block{Kind: Code, Line: w.line(n), Depth: w.listDepth, Text: validUTF8(t),
		Lang: validUTF8(lang), Context: w.context()})
}

// indentedCode emits an indented code block, unless it is Markdown indented
// by mistake: every line a list item (kwanpham's answers under "#### Q",
// indented eight spaces). That text is dedented and parsed again.
func (w *mdWalker) indentedCode(n *ast.CodeBlock) {
	lines := n.Lines()
	if w.nest >= 2 || !indentedList(lines, w.src) {
		w.code(n, "")
		return
	}
	var raw [][]byte
	var srcLines []int
	indent := -1
	for i := 0; i < lines.Len(); i++ {
		seg := lines.At(i)
		l := append([]byte(nil), seg.Value(w.src)...)
		if len(bytes.TrimSpace(l)) > 0 {
			ind := len(l) - len(bytes.TrimLeft(l, " "))
			if indent < 0 || ind < indent {
				indent = ind
			}
		}
		raw = append(raw, l)
		srcLines = append(srcLines, w.lineOf(seg.Start))
	}
	var sub []byte
	for _, l := range raw {
		if len(bytes.TrimSpace(l)) > 0 && indent > 0 && len(l) >= indent {
			l = l[indent:]
		}
		sub = append(sub, l...)
		if len(l) == 0 || l[len(l)-1] != '\n' {
			sub = append(sub, '\n')
		}
	}
	sli := newLineIndex(sub)
	// The sub-walker appends to w's blocks (a walker never reads its
	// output back).
	sw := &mdWalker{src: sub, out: w.out, nest: w.nest + 1, listDepth: w.listDepth, items: w.items,
		details: append([]int(nil), w.details...)}
	sw.lineOf = func(off int) int {
		k := sli.line(off) - 1
		if k >= len(srcLines) {
			k = len(srcLines) - 1
		}
		if k < 0 {
			return w.lineOf(w.pos(n))
		}
		return srcLines[k]
	}
	sw.run()
	w.out = sw.out
	w.details = sw.details
}

// indentedList reports whether every non-blank line of an indented code
// block is a Markdown list item and some of it reads as prose.
func indentedList(lines *text.Segments, src []byte) bool {
	n, prose := 0, false
	for i := 0; i < lines.Len(); i++ {
		l := bytes.TrimSpace(segValue(lines.At(i), src))
		if len(l) == 0 {
			continue
		}
		n++
		rest, ok := cutListMarker(l)
		if !ok {
			return false
		}
		if bytes.Contains(rest, []byte("**")) || len(bytes.Fields(rest)) >= 6 {
			prose = true
		}
	}
	return n > 0 && prose
}

func cutListMarker(l []byte) ([]byte, bool) {
	if len(l) >= 2 && (l[0] == '*' || l[0] == '-' || l[0] == '+') && l[1] == ' ' {
		return l[2:], true
	}
	i := 0
	for i < len(l) && i < 9 && '0' <= l[i] && l[i] <= '9' {
		i++
	}
	if i > 0 && i+1 < len(l) && (l[i] == '.' || l[i] == ')') && l[i+1] == ' ' {
		return l[i+2:], true
	}
	return nil, false
}

// quote emits a block quote as one block, its paragraphs on their own lines.
func (w *mdWalker) quote(n *ast.Blockquote) {
	w.tb.reset()
	w.blockText(n)
	t := strings.TrimSpace(w.tb.text())
	if t == "" {
		return
	}
	w.out = append(w.out, Block{Kind: Quote, Line: w.line(n), Depth: w.listDepth, Text: t,
		Strong: w.tb.isStrong(), Links: w.tb.links, LinkChars: w.tb.linkChars,
		AnchorLinks: w.tb.anchors, Context: w.context()})
}

// blockText writes the text of every block under n, one per line.
func (w *mdWalker) blockText(n ast.Node) {
	for c := n.FirstChild(); c != nil; c = c.NextSibling() {
		switch c := c.(type) {
		case *ast.Paragraph, *ast.TextBlock, *ast.Heading, *east.TableCell:
			w.inline(c)
			w.tb.newline()
		case *ast.FencedCodeBlock, *ast.CodeBlock:
			l := c.Lines()
			for i := 0; i < l.Len(); i++ {
				w.tb.write(segValue(l.At(i), w.src))
				w.tb.newline()
			}
		case *ast.HTMLBlock:
		default:
			w.blockText(c)
		}
	}
}

func (w *mdWalker) table(n *east.Table) {
	var rows [][]string
	var links, linkChars, anchors int
	for r := n.FirstChild(); r != nil; r = r.NextSibling() {
		var row []string
		for c := r.FirstChild(); c != nil; c = c.NextSibling() {
			w.tb.reset()
			w.inline(c)
			row = append(row, strings.TrimSpace(w.tb.text()))
			links += w.tb.links
			linkChars += w.tb.linkChars
			anchors += w.tb.anchors
		}
		if len(row) > 0 {
			rows = append(rows, row)
		}
	}
	if len(rows) == 0 {
		return
	}
	w.out = append(w.out, Block{Kind: Table, Line: w.line(n), Depth: w.listDepth, Rows: rows,
		Text: tableText(rows), Links: links, LinkChars: linkChars, AnchorLinks: anchors,
		Context: w.context()})
}

// rawHTML parses a raw HTML block. goldmark ends an HTML block at a blank
// line, so "<details><summary>Q</summary>", the Markdown answer and
// "</details>" arrive as separate blocks: the count of open <details> is
// kept across blocks.
func (w *mdWalker) rawHTML(n *ast.HTMLBlock) {
	var raw []byte
	lines := n.Lines()
	for i := 0; i < lines.Len(); i++ {
		raw = append(raw, segValue(lines.At(i), w.src)...)
	}
	if n.HasClosure() {
		raw = append(raw, n.ClosureLine.Value(w.src)...)
	}
	line := w.line(n)
	trimmed := bytes.TrimSpace(raw)
	if len(trimmed) < 2 {
		return
	}
	if open, closed, ok := bareTags(trimmed); ok {
		// Only tags and comments, nothing to show ("<br/>", "</details>",
		// "</p>"): keep the <details> count, skip the HTML parser.
		w.detailsTags(open, closed)
		return
	}
	if fastSummary && w.detailsSummary(raw, line) {
		return
	}
	if isJSX(trimmed) {
		z := html.NewTokenizer(bytes.NewReader(raw))
		w.tb.reset()
		for tt := z.Next(); tt != html.ErrorToken; tt = z.Next() {
			if tt == html.TextToken {
				w.tb.write(z.Text())
			}
		}
		w.out = append(w.out, Block{Kind: Paragraph, Line: line, Depth: w.listDepth,
			Text: strings.TrimSpace(w.tb.text()), Context: w.context("jsx")})
		return
	}
	annotated, st := annotate(raw, line)
	prefix := []string{"html"}
	if len(w.details) > 0 {
		prefix = append(prefix, "details")
	}
	body := &html.Node{Type: html.ElementNode, Data: "body", DataAtom: atom.Body}
	nodes, err := html.ParseFragment(bytes.NewReader(annotated), body)
	if tooDeep(err) {
		annotated, st = annotate(flattenHTML(raw), line)
		nodes, err = html.ParseFragment(bytes.NewReader(annotated), body)
	}
	if err == nil {
		root := &html.Node{Type: html.ElementNode, Data: "div", DataAtom: atom.Div}
		for _, c := range nodes {
			root.AppendChild(c)
		}
		hw := newHTMLWalker(true, prefix, line)
		hw.baseList = w.listDepth
		hw.prepare(root)
		hw.container(root, "")
		w.out = append(w.out, hw.out...)
	}
	w.detailsTags(st.detailsOpen, st.detailsClose)
}

// fastSummary switches on detailsSummary; tests switch it off to check
// that the slow path gives the same blocks.
var fastSummary = true

// detailsSummary handles the commonest raw HTML in Markdown, GitHub's
// "<details><summary>X</summary>" opening a collapsed answer (optionally
// followed by bare tags such as <p>), without the HTML parser, which costs
// more than the rest of the block's work. It reports false, having done
// nothing, for anything else.
func (w *mdWalker) detailsSummary(raw []byte, line int) bool {
	lead := len(raw) - len(bytes.TrimLeft(raw, " \t\r\n"))
	b := raw[lead:]
	if !bytes.HasPrefix(b, []byte("<details")) || len(b) < 9 {
		return false
	}
	end := bytes.IndexByte(b, '>')
	if end < 0 || b[8] != '>' && !isSpaceByte(b[8]) {
		return false
	}
	if attrs := strings.TrimSpace(string(b[8:end])); attrs != "" && attrs != "open" {
		return false // an id or class would be a context signal
	}
	rest := bytes.TrimLeft(b[end+1:], " \t\r\n")
	if !bytes.HasPrefix(rest, []byte("<summary>")) {
		return false
	}
	at := len(raw) - len(rest) // offset of <summary> in raw
	inner := rest[len("<summary>"):]
	close := bytes.Index(inner, []byte("</summary>"))
	if close < 0 {
		return false
	}
	after := inner[close+len("</summary>"):]
	inner = inner[:close]
	open, closed, ok := bareTags(bytes.TrimSpace(after))
	if !ok && len(bytes.TrimSpace(after)) > 0 {
		return false
	}
	// The summary's own markup: text, entities and a few inline tags.
	var tb textBuf
	for len(inner) > 0 {
		i := bytes.IndexByte(inner, '<')
		if i < 0 {
			i = len(inner)
		}
		if i > 0 {
			tb.writeString(html.UnescapeString(string(inner[:i])))
		}
		if i == len(inner) {
			break
		}
		j := bytes.IndexByte(inner[i:], '>')
		if j < 0 {
			return false
		}
		name, closing := tagName(inner[i : i+j+1])
		switch name {
		case "b", "strong":
			if !closing {
				tb.strong++
			} else if tb.strong > 0 {
				tb.strong--
			}
		case "i", "em", "span":
		case "code":
			tb.writeString("`")
		default:
			return false
		}
		inner = inner[i+j+1:]
	}
	if text := strings.TrimSpace(tb.text()); text != "" {
		// As the HTML walker would have it: "html", then the open
		// details (an enclosing one and this one dedupe), then summary.
		ctx := []string{"html", "details", "summary"}
		w.out = append(w.out, Block{Kind: Summary, Line: line + bytes.Count(raw[:at], []byte{'\n'}),
			Text: text, Strong: tb.isStrong(), Links: tb.links, LinkChars: tb.linkChars,
			AnchorLinks: tb.anchors, Context: ctx})
	}
	w.detailsTags(1+open, closed)
	return true
}

// detailsTags updates the open <details> after a raw HTML block.
// A block that opens and closes its own ("<details>…</details>") changes
// nothing.
func (w *mdWalker) detailsTags(open, closed int) {
	for k := open; k < closed && len(w.details) > 0; k++ {
		w.details = w.details[:len(w.details)-1]
	}
	for k := closed; k < open; k++ {
		w.details = append(w.details, w.items)
	}
}

// bareTags reports whether raw HTML is only tags, comments and white space
// with nothing that shows (no text, image, rule, table or embed), counting
// its <details> and </details> tags.
func bareTags(b []byte) (open, closed int, ok bool) {
	for i := 0; i < len(b); {
		switch c := b[i]; {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f':
			i++
		case c == '<' && bytes.HasPrefix(b[i:], []byte("<!--")):
			j := bytes.Index(b[i+4:], []byte("-->"))
			if j < 0 {
				return 0, 0, false
			}
			i += 4 + j + 3
		case c == '<':
			j := bytes.IndexByte(b[i:], '>')
			if j < 0 {
				return 0, 0, false
			}
			name, end := tagName(b[i : i+j+1])
			switch name {
			case "br", "p", "div", "span", "details", "center", "b", "strong", "i", "em", "a", "sup", "sub", "section":
			default:
				return 0, 0, false
			}
			if name == "details" {
				if end {
					closed++
				} else {
					open++
				}
			}
			i += j + 1
		default:
			return 0, 0, false
		}
	}
	return open, closed, true
}

// segValue returns a line's bytes, with the spaces a tab stood for.
func segValue(s text.Segment, src []byte) []byte { return s.Value(src) }

// isJSX reports a JSX component or fragment: a capitalised tag or "<>".
func isJSX(b []byte) bool {
	if len(b) < 2 || b[0] != '<' {
		return false
	}
	c := b[1]
	if c == '/' && len(b) > 2 {
		c = b[2]
	}
	return 'A' <= c && c <= 'Z' || c == '>'
}
