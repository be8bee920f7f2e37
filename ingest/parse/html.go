package parse

import (
	"bytes"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/PuerkitoBio/goquery"
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// HTML parses an HTML page into blocks in document order.
//
// Headings, paragraphs, list items, <pre>/<textarea> code, data tables,
// block quotes, <hr>, <details>/<summary>, <dt>/<dd> and toggle labels become
// blocks; scripts, styles, forms' inputs, iframes and SVG are skipped. Ad
// containers (ins.adsbygoogle, ad/sponsor class or id names) become one block
// each, with "ad" in Context, so that the noise filter can report them. Every
// block's Context lists the tag, tag#id and tag.class signals of its
// ancestors and itself, outermost first. Text runs that sit directly in a
// container get the line of the nearest element before them.
//
// HTML does not fail on malformed markup. A page nested more than 512
// elements deep, which x/net/html refuses, is parsed again with the
// elements past maxHTMLDepth flattened (flattenHTML). It fails only on an
// internal failure.
func HTML(src []byte) (blocks []Block, err error) {
	defer func() {
		if r := recover(); r != nil {
			blocks, err = nil, fmt.Errorf("parse html: internal error: %v", r)
		}
	}()
	annotated, _ := annotate(src, 1)
	doc, err := goquery.NewDocumentFromReader(bytes.NewReader(annotated))
	if tooDeep(err) {
		annotated, _ = annotate(flattenHTML(src), 1)
		doc, err = goquery.NewDocumentFromReader(bytes.NewReader(annotated))
	}
	if err != nil {
		return nil, fmt.Errorf("parse html: %w", err)
	}
	w := newHTMLWalker(false, nil, 1)
	for _, n := range doc.Nodes {
		w.prepare(n)
	}
	if len(doc.Nodes) == 1 {
		w.region = w.contentRegion(doc.Nodes[0])
	}
	for _, n := range doc.Nodes {
		w.container(n, "")
	}
	return w.out, nil
}

// lineAttr is the attribute annotate adds to every start tag, so that the
// tag's line rides through the parser on the element itself (elements the
// parser implies have none and take the last line seen).
const lineAttr = "data-iq-line"

// tagStats counts <details> tags in a fragment, for Markdown whose
// <details> opens in one raw HTML block and closes in another.
type tagStats struct {
	detailsOpen, detailsClose int
}

// annotate copies src, adding data-iq-line="N" right after the name of each
// start tag and a comment <!--iq:N--> before each text, N being the line
// counted from firstLine. The tokenizer splits the input into contiguous
// raw tokens, so offsets are exact; the HTML parser then carries the marks
// to the nodes, since it reports no positions itself.
func annotate(src []byte, firstLine int) ([]byte, tagStats) {
	var st tagStats
	z := html.NewTokenizer(bytes.NewReader(src))
	out := make([]byte, 0, len(src)+len(src)/8+64)
	line := firstLine
	consumed := 0
	inRaw := false
	for {
		tt := z.Next()
		raw := z.Raw()
		consumed += len(raw)
		nl := bytes.Count(raw, []byte{'\n'})
		switch tt {
		case html.ErrorToken:
			out = append(out, raw...)
			if consumed < len(src) {
				out = append(out, src[consumed:]...)
			}
			return out, st
		case html.StartTagToken, html.SelfClosingTagToken:
			inRaw = false
			i := 1
			for i < len(raw) && !isTagNameEnd(raw[i]) {
				i++
			}
			out = append(out, raw[:i]...)
			out = append(out, ' ')
			out = append(out, lineAttr...)
			out = append(out, '=', '"')
			out = strconv.AppendInt(out, int64(line), 10)
			out = append(out, '"')
			out = append(out, raw[i:]...)
			if tt == html.StartTagToken {
				// The name is read from raw: z.TagName would copy and
				// lower-case it for every tag.
				name := raw[1:i]
				if len(name) == 7 && bytes.EqualFold(name, []byte("details")) {
					st.detailsOpen++
				}
				inRaw = len(name) <= 9 && rawTextTags[strings.ToLower(string(name))]
			}
		case html.EndTagToken:
			inRaw = false
			out = append(out, raw...)
			if len(raw) >= 10 && bytes.EqualFold(raw[2:9], []byte("details")) && !isWordByte(raw[9]) {
				st.detailsClose++
			}
		case html.TextToken:
			if trimmed := bytes.TrimLeft(raw, " \t\r\n\f"); len(trimmed) > 0 && !inRaw {
				// Text has no attributes to carry its line: a comment
				// just before it does (not inside <script> or <textarea>,
				// whose text is raw).
				out = append(out, textMark...)
				out = strconv.AppendInt(out, int64(line+bytes.Count(raw[:len(raw)-len(trimmed)], []byte{'\n'})), 10)
				out = append(out, "-->"...)
			}
			inRaw = false
			out = append(out, raw...)
		default:
			inRaw = false
			out = append(out, raw...)
		}
		line += nl
	}
}

// textMark opens the comment annotate puts before each text: <!--iq:N-->.
const textMark = "<!--iq:"

// rawTextTags hold text the tokenizer does not parse for tags.
var rawTextTags = map[string]bool{
	"script": true, "style": true, "textarea": true, "title": true, "xmp": true,
	"iframe": true, "noembed": true, "noframes": true, "noscript": true, "plaintext": true,
}

func isTagNameEnd(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '/' || c == '>'
}

// pendingItem is a list item whose own text has not been emitted yet: the
// next paragraph-like block inside it becomes the ListItem block.
type pendingItem struct {
	depth, number, line int
}

type listState struct {
	ordered bool
	next    int
}

type htmlWalker struct {
	out      []Block
	prefix   []string // context every block gets first ("html" inside Markdown)
	ctx      []string // signals of the open elements
	md       bool     // a raw HTML block inside Markdown: no summary/details roles
	lastLine int
	lists    []listState
	item     *pendingItem
	baseList int // list depth of the Markdown list the fragment sits in

	blocky map[*html.Node]bool // inline elements that hold block content
	tb     textBuf

	ctxGen, cacheGen int      // ctxGen changes with every push and pop
	cache            []string // the Context built at cacheGen

	// region is the page's main content element (nil: none found);
	// inRegion is set while the walk is inside it, whose Context then
	// starts at regionK, the region's own signals.
	region   *html.Node
	inRegion bool
	regionK  int
}

func newHTMLWalker(md bool, prefix []string, firstLine int) *htmlWalker {
	return &htmlWalker{md: md, prefix: prefix, lastLine: firstLine}
}

var blockTags = map[atom.Atom]bool{
	atom.Address: true, atom.Article: true, atom.Aside: true, atom.Blockquote: true,
	atom.Body: true, atom.Center: true, atom.Dd: true, atom.Details: true, atom.Dialog: true,
	atom.Dir: true, atom.Div: true, atom.Dl: true, atom.Dt: true, atom.Fieldset: true,
	atom.Figcaption: true, atom.Figure: true, atom.Footer: true, atom.Form: true,
	atom.H1: true, atom.H2: true, atom.H3: true, atom.H4: true, atom.H5: true, atom.H6: true,
	atom.Header: true, atom.Hgroup: true, atom.Hr: true, atom.Html: true, atom.Legend: true,
	atom.Li: true, atom.Main: true, atom.Menu: true, atom.Nav: true, atom.Ol: true, atom.P: true,
	atom.Pre: true, atom.Section: true, atom.Summary: true, atom.Table: true, atom.Tbody: true,
	atom.Td: true, atom.Tfoot: true, atom.Th: true, atom.Thead: true, atom.Tr: true,
	atom.Caption: true, atom.Ul: true, atom.Frameset: true, atom.Search: true, atom.Textarea: true,
	atom.Head: true,
}

// skipTags hold no readable content; their text is never part of a block.
var skipTags = map[atom.Atom]bool{
	atom.Head: true, atom.Script: true, atom.Style: true, atom.Noscript: true,
	atom.Template: true, atom.Iframe: true, atom.Svg: true, atom.Math: true, atom.Object: true,
	atom.Embed: true, atom.Canvas: true, atom.Audio: true, atom.Video: true, atom.Input: true,
	atom.Select: true, atom.Option: true, atom.Button: true, atom.Datalist: true,
	atom.Meta: true, atom.Link: true, atom.Base: true, atom.Frameset: true, atom.Frame: true,
	atom.Noframes: true, atom.Title: true, atom.Map: true,
}

// prepare records which inline elements hold block content (an <a> around a
// <div>, a <font> around paragraphs), so that they are walked as containers.
func (w *htmlWalker) prepare(n *html.Node) bool {
	has := false
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if c.Type == html.ElementNode && w.prepare(c) {
			has = true
		}
	}
	if n.Type != html.ElementNode {
		return has
	}
	if skipTags[n.DataAtom] && n.DataAtom != atom.Textarea {
		return false
	}
	if blockTags[n.DataAtom] {
		return true
	}
	if has {
		if w.blocky == nil {
			w.blocky = map[*html.Node]bool{}
		}
		w.blocky[n] = true
	}
	return has
}

func attr(n *html.Node, key string) (string, bool) {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val, true
		}
	}
	return "", false
}

// lineOf returns the element's source line, or the last line seen for an
// element the parser implied.
func (w *htmlWalker) lineOf(n *html.Node) int {
	if n.Type == html.CommentNode && strings.HasPrefix(n.Data, textMark[4:]) {
		if v, err := strconv.Atoi(n.Data[len(textMark)-4:]); err == nil && v >= 1 {
			if v > w.lastLine {
				w.lastLine = v
			}
			return v
		}
	}
	if n.Type == html.ElementNode {
		for _, a := range n.Attr {
			if a.Key == lineAttr {
				if v, err := strconv.Atoi(a.Val); err == nil && v >= 1 {
					if v > w.lastLine {
						w.lastLine = v
					}
					return v
				}
				break
			}
		}
	}
	return w.lastLine
}

// signals returns an element's context entries: tag, tag#id, tag.class.
func signals(n *html.Node, dst []string) []string {
	tag := n.Data
	if n.DataAtom != 0 {
		tag = n.DataAtom.String()
	} else {
		tag = lowerASCII(tag)
	}
	dst = append(dst, validUTF8(tag))
	for _, a := range n.Attr {
		switch a.Key {
		case "id":
			if id := strings.TrimSpace(a.Val); id != "" {
				dst = append(dst, validUTF8(tag+"#"+lowerASCII(id)))
			}
		case "class":
			for _, c := range strings.Fields(a.Val) {
				dst = append(dst, validUTF8(tag+"."+lowerASCII(c)))
			}
		}
	}
	return dst
}

func (w *htmlWalker) context(extra ...string) []string {
	if len(extra) == 0 && w.cacheGen == w.ctxGen && w.cache != nil {
		// Blocks side by side share their Context (clipped, so an append
		// by a caller copies).
		return w.cache
	}
	c := w.buildContext(extra)
	if len(extra) == 0 {
		w.cache, w.cacheGen = c, w.ctxGen
	}
	return c
}

// maxContext bounds a block's Context: a page nested hundreds of levels
// deep would otherwise cost each block a copy of the whole stack. The
// outermost entries (nav, footer, aside…) and the innermost (the block's
// own tags) are the signals; the middle goes.
const maxContext = 64

func (w *htmlWalker) buildContext(extra []string) []string {
	n := len(w.prefix) + len(w.ctx) + len(extra)
	if n == 0 {
		return nil
	}
	out := make([]string, 0, n)
	// A linear scan dedupes: contexts are a few dozen entries, and a map
	// per block would cost more, except on pages nested very deep.
	var seen map[string]bool
	if n > 4*maxContext {
		seen = make(map[string]bool, n)
	}
	add := func(s string) {
		if seen != nil {
			if !seen[s] {
				seen[s] = true
				out = append(out, s)
			}
		} else if !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	for _, s := range w.prefix {
		add(s)
	}
	ctx := w.ctx
	if w.inRegion {
		ctx = ctx[w.regionK:]
	}
	for _, s := range ctx {
		add(s)
	}
	for _, s := range extra {
		add(s)
	}
	if len(out) > maxContext {
		out = append(out[:maxContext/2], out[len(out)-maxContext/2:]...)
	}
	return slices.Clip(out)
}

// isInline reports whether c belongs in a run of inline content.
func (w *htmlWalker) isInline(c *html.Node) bool {
	switch c.Type {
	case html.TextNode, html.CommentNode:
		return true
	case html.ElementNode:
	default:
		return false
	}
	if blockTags[c.DataAtom] || w.blocky[c] {
		return false
	}
	if skipTags[c.DataAtom] {
		return true // ignored by inline, keeps the run whole
	}
	if w.isAd(c) || roleMark(c) != "" || w.isToggleHead(c) {
		return false
	}
	return true
}

// container walks n's children, gathering inline runs into paragraphs.
func (w *htmlWalker) container(n *html.Node, role string) {
	var run *html.Node
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if w.isInline(c) {
			if run == nil {
				run = c
			}
			continue
		}
		if run != nil {
			w.flushRun(run, c, role)
			run = nil
		}
		switch c.Type {
		case html.ElementNode:
			w.element(c, role)
		case html.DocumentNode:
			w.container(c, role)
		}
	}
	if run != nil {
		w.flushRun(run, nil, role)
	}
}

func (w *htmlWalker) flushRun(from, to *html.Node, role string) {
	line := w.lastLine
	for c := from; c != to; c = c.NextSibling {
		if c.Type == html.ElementNode || c.Type == html.CommentNode && strings.HasPrefix(c.Data, textMark[4:]) {
			line = w.lineOf(c)
			break
		}
		if c.Type == html.TextNode && strings.TrimSpace(c.Data) != "" {
			break
		}
	}
	w.tb.reset()
	for c := from; c != to; c = c.NextSibling {
		w.inline(c, false)
	}
	w.emitText(Paragraph, 0, line, role)
}

// emitText turns the text buffer into a block: a pending list item claims
// the first paragraph (or numbers the first heading); empty text is dropped
// unless the block is made of images.
func (w *htmlWalker) emitText(kind Kind, depth, line int, role string) {
	text := strings.TrimSpace(w.tb.text())
	b := Block{Kind: kind, Line: line, Depth: depth, Role: role,
		Strong: w.tb.isStrong(), Links: w.tb.links, LinkChars: w.tb.linkChars, AnchorLinks: w.tb.anchors}
	var extra []string
	if text == "" {
		if w.tb.imgs == 0 || kind != Paragraph {
			return
		}
		text = foldSpace(strings.Join(w.tb.alts, " "))
		if text == "" && w.tb.links == 0 {
			return // a spacer or logo with nothing to say
		}
		extra = append(extra, "img")
		b.Strong = false
	}
	b.Text = text
	if kind == Paragraph && len(extra) == 0 {
		if groups := w.leadGroups(); len(groups) > 1 {
			w.emitGroups(groups, line, role)
			return
		}
	}
	switch {
	case w.item != nil && kind == Paragraph:
		b.Kind, b.Depth, b.Number, b.Line = ListItem, w.item.depth, w.item.number, w.item.line
		w.item = nil
	case w.item != nil && kind == Heading:
		b.Number = w.item.number
		w.item = nil
	case kind == Paragraph:
		b.Depth = w.listDepth()
	}
	b.Context = w.context(extra...)
	w.emit(b)
}

// leadGroups cuts a paragraph whose opening bold run is a line or a
// question of its own from the text after it, as the Markdown parser cuts
// bold lines: "<p><strong>Q3. What is X?</strong><br>X is…</p>" and
// "<p><strong>What is X?</strong> X is…</p>" (blog articles) give a Strong
// block and a plain one. A bold run that is a label ("<b>Note:</b> …") or
// a phrase inside a sentence stays in its paragraph.
func (w *htmlWalker) leadGroups() []lineGroup {
	if groups := splitStrongLines(&w.tb); len(groups) > 1 {
		return groups
	}
	if !w.tb.hasLead {
		return nil
	}
	l := w.tb.lead
	lead := strings.TrimSpace(string(w.tb.b[:l.pos]))
	rest := w.tb.b[l.pos:]
	if !hasAlnum(string(rest)) || w.tb.strongOut == l.strongOut {
		return nil
	}
	if !strings.HasSuffix(lead, "?") && !strings.HasSuffix(lead, "？") && !numberedLead(lead) {
		return nil
	}
	return []lineGroup{
		{start: 0, end: l.pos, src: -1, strong: true, links: l.links, linkChars: l.linkChars, anchors: l.anchors},
		{start: l.pos, end: len(w.tb.b), src: -1, links: w.tb.links - l.links,
			linkChars: w.tb.linkChars - l.linkChars, anchors: w.tb.anchors - l.anchors},
	}
}

// numberedLead reports a lead that numbers an item: "Q3.", "12)", "Q.5 ".
func numberedLead(t string) bool {
	t = strings.TrimLeft(t, "Qq. ")
	return t != "" && t[0] >= '0' && t[0] <= '9' && len(strings.Fields(t)) >= 3
}

// emitGroups emits the parts of a cut paragraph; the first takes a pending
// list item's place.
func (w *htmlWalker) emitGroups(groups []lineGroup, line int, role string) {
	ctx := w.context()
	for _, g := range groups {
		t := strings.TrimSpace(string(w.tb.b[g.start:g.end]))
		if t == "" {
			continue
		}
		l := line
		if g.src > 0 {
			l = g.src
		}
		b := Block{Kind: Paragraph, Line: l, Depth: w.listDepth(), Text: t, Strong: g.strong, Role: role,
			Links: g.links, LinkChars: g.linkChars, AnchorLinks: g.anchors, Context: ctx}
		if w.item != nil {
			b.Kind, b.Depth, b.Number, b.Line = ListItem, w.item.depth, w.item.number, w.item.line
			w.item = nil
		}
		w.emit(b)
	}
}

// emit adds a block, marking it when it lies outside the page's main
// content region.
func (w *htmlWalker) emit(b Block) {
	b.Outside = w.region != nil && !w.inRegion
	w.out = append(w.out, b)
}

func (w *htmlWalker) listDepth() int { return w.baseList + len(w.lists) }

func (w *htmlWalker) push(n *html.Node) int {
	k := len(w.ctx)
	if n.DataAtom == atom.Html || n.DataAtom == atom.Body {
		return k
	}
	if n == w.region {
		w.inRegion, w.regionK = true, k
	}
	w.ctx = signals(n, w.ctx)
	w.ctxGen++
	return k
}

// pop closes the elements pushed since push returned k.
func (w *htmlWalker) pop(k int) {
	if w.inRegion && k <= w.regionK {
		w.inRegion = false
	}
	if len(w.ctx) != k {
		w.ctx = w.ctx[:k]
		w.ctxGen++
	}
}

func (w *htmlWalker) element(n *html.Node, role string) {
	if skipTags[n.DataAtom] && n.DataAtom != atom.Textarea {
		return
	}
	line := w.lineOf(n)
	if w.isAd(n) {
		w.emitAd(n, line)
		return
	}
	role = w.roleOf(n, role)
	k := w.push(n)
	defer w.pop(k)

	switch n.DataAtom {
	case atom.H1, atom.H2, atom.H3, atom.H4, atom.H5, atom.H6:
		w.tb.reset()
		w.inlineChildren(n, false)
		w.emitText(Heading, int(n.Data[1]-'0'), line, role)
	case atom.P, atom.Dt, atom.Dd, atom.Figcaption, atom.Caption, atom.Legend:
		if w.blocky[n] || n.DataAtom == atom.Dd || n.DataAtom == atom.Dt {
			w.container(n, role)
			return
		}
		w.tb.reset()
		w.inlineChildren(n, false)
		w.emitText(Paragraph, 0, line, role)
	case atom.Pre:
		w.code(n, line, role)
	case atom.Textarea:
		if isCodeArea(n) {
			w.code(n, line, role)
		}
	case atom.Table:
		if w.isDataTable(n) {
			w.table(n, line, role)
		} else {
			w.container(n, role)
		}
	case atom.Ul, atom.Ol, atom.Menu, atom.Dir:
		st := listState{ordered: n.DataAtom == atom.Ol, next: 1}
		if v, ok := attr(n, "start"); ok && st.ordered {
			if s, err := strconv.Atoi(strings.TrimSpace(v)); err == nil {
				st.next = s
			}
		}
		w.lists = append(w.lists, st)
		w.container(n, role)
		w.lists = w.lists[:len(w.lists)-1]
	case atom.Li:
		num := 0
		if len(w.lists) > 0 {
			top := &w.lists[len(w.lists)-1]
			if top.ordered {
				if v, ok := attr(n, "value"); ok {
					if s, err := strconv.Atoi(strings.TrimSpace(v)); err == nil {
						top.next = s
					}
				}
				num = top.next
				top.next++
			}
		}
		depth := w.listDepth()
		if depth == 0 {
			depth = 1
		}
		w.item = &pendingItem{depth: depth, number: num, line: line}
		w.container(n, role)
		w.item = nil
	case atom.Blockquote:
		w.tb.reset()
		w.inlineChildren(n, false)
		w.item = nil
		w.emitText(Quote, w.listDepth(), line, role)
	case atom.Hr:
		w.item = nil
		w.emit(Block{Kind: Rule, Line: line, Context: w.context()})
	case atom.Summary:
		w.tb.reset()
		w.inlineChildren(n, false)
		w.item = nil
		w.emitText(Summary, 0, line, role)
	case atom.Details:
		if !w.md && role == "" {
			role = "answer"
		}
		w.container(n, role)
	case atom.Label:
		if w.isToggleHead(n) || !w.blocky[n] {
			w.tb.reset()
			w.inlineChildren(n, false)
			w.emitText(Paragraph, 0, line, role)
			return
		}
		w.container(n, role)
	case atom.Br:
	default:
		if !blockTags[n.DataAtom] && !w.blocky[n] {
			// An inline element walked on its own (a role or toggle mark).
			w.tb.reset()
			w.inline(n, false)
			w.emitText(Paragraph, 0, line, role)
			return
		}
		w.container(n, role)
	}
}

func (w *htmlWalker) inlineChildren(n *html.Node, pre bool) {
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		w.inline(c, pre)
	}
}

// inline writes n's text into the buffer: <br> is a line break, <b> and
// <strong> count as strong, links are counted, <code> keeps backticks.
func (w *htmlWalker) inline(n *html.Node, pre bool) {
	switch n.Type {
	case html.TextNode:
		w.tb.writeString(n.Data)
		return
	case html.ElementNode:
	default:
		return
	}
	if skipTags[n.DataAtom] {
		return
	}
	w.lineOf(n)
	switch n.DataAtom {
	case atom.Br:
		w.tb.newline()
		// The line rides in src: HTML blocks split at a <br> take it.
		w.tb.markLine(w.lineOf(n))
		return
	case atom.Img:
		w.tb.imgs++
		if alt, ok := attr(n, "alt"); ok && strings.TrimSpace(alt) != "" {
			w.tb.alts = append(w.tb.alts, alt)
		}
		return
	case atom.B, atom.Strong:
		opens := w.tb.strong == 0 && w.tb.strongOut == 0 && !w.tb.seenStrong
		w.tb.strong++
		w.inlineChildren(n, pre)
		w.tb.strong--
		if opens && w.tb.strongIn > 0 {
			w.tb.hasLead = true
			w.tb.lead = w.tb.stat(-1)
		}
		return
	case atom.A:
		href, ok := attr(n, "href")
		if !ok {
			break
		}
		if strings.HasPrefix(strings.TrimSpace(href), "#") && permalink(n) {
			return
		}
		w.tb.links++
		if strings.HasPrefix(strings.TrimSpace(href), "#") {
			w.tb.anchors++
		}
		// Links set side by side are menu entries shown as blocks by CSS:
		// keep "Learn Java" and "Learn C" apart.
		if n.PrevSibling != nil && n.PrevSibling.Type == html.ElementNode {
			w.tb.space()
		}
		w.tb.inLink++
		w.inlineChildren(n, pre)
		w.tb.inLink--
		if n.NextSibling != nil && n.NextSibling.Type == html.ElementNode {
			w.tb.space()
		}
		return
	case atom.Code, atom.Kbd, atom.Samp, atom.Tt:
		if !pre {
			w.tb.writeString("`")
			w.inlineChildren(n, true)
			w.tb.writeString("`")
			return
		}
	case atom.Textarea:
		return
	}
	if blockTags[n.DataAtom] {
		// Block content inside a block that is read whole (a quote, a
		// summary, a heading with a <div>): separate it as a line.
		w.tb.newline()
		w.inlineChildren(n, pre)
		w.tb.newline()
		return
	}
	w.inlineChildren(n, pre)
}

// permalink reports a link to a place in the page whose text is only a
// symbol: the "¶", "#" or "🔗" that site generators put in headings, and
// "[↑]" back-to-top links. It is a decoration of the block, not its text.
func permalink(n *html.Node) bool {
	var sb strings.Builder
	var visit func(*html.Node)
	visit = func(n *html.Node) {
		for c := n.FirstChild; c != nil && sb.Len() <= 8; c = c.NextSibling {
			switch c.Type {
			case html.TextNode:
				sb.WriteString(c.Data)
			case html.ElementNode:
				if c.DataAtom == atom.Img {
					sb.WriteString("img") // an image link is not a bare symbol
				}
				visit(c)
			}
		}
	}
	visit(n)
	t := strings.TrimSpace(sb.String())
	return sb.Len() <= 8 && !hasAlnum(t)
}

// emitAd records an ad container as one block, its text kept for the report.
func (w *htmlWalker) emitAd(n *html.Node, line int) {
	k := w.push(n)
	w.tb.reset()
	w.inlineChildren(n, false)
	w.emit(Block{Kind: Paragraph, Line: line, Depth: w.listDepth(),
		Text: strings.TrimSpace(w.tb.text()), Links: w.tb.links, LinkChars: w.tb.linkChars,
		AnchorLinks: w.tb.anchors, Context: w.context("ad")})
	w.pop(k)
}

// code emits a <pre> or a code <textarea> verbatim.
func (w *htmlWalker) code(n *html.Node, line int, role string) {
	var sb strings.Builder
	var rawText func(*html.Node)
	rawText = func(n *html.Node) {
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			switch c.Type {
			case html.TextNode:
				sb.WriteString(c.Data)
			case html.ElementNode:
				if c.DataAtom == atom.Br {
					sb.WriteByte('\n')
					continue
				}
				if skipTags[c.DataAtom] && c.DataAtom != atom.Textarea {
					continue
				}
				rawText(c)
			}
		}
	}
	rawText(n)
	text := strings.ReplaceAll(sb.String(), "\r\n", "\n")
	text = strings.Trim(text, "\n")
	if strings.TrimSpace(text) == "" {
		return
	}
	lang := codeLang(n)
	if lang == "" {
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			if c.Type == html.ElementNode && c.DataAtom == atom.Code {
				lang = codeLang(c)
				break
			}
		}
	}
	w.item = nil
	w.emit(Block{Kind: Code, Line: line, Depth: w.listDepth(), Text: validUTF8(text),
		Lang: validUTF8(lang), Role: role, Context: w.context()})
}

// knownLangs are bare class names that name a language (javatpoint's
// <textarea class="java">), as opposed to styling classes.
var knownLangs = map[string]bool{
	"java": true, "python": true, "py": true, "javascript": true, "js": true, "typescript": true,
	"ts": true, "html": true, "xml": true, "css": true, "sql": true, "go": true, "golang": true,
	"c": true, "cpp": true, "csharp": true, "cs": true, "php": true, "ruby": true, "bash": true,
	"shell": true, "sh": true, "json": true, "yaml": true, "kotlin": true, "scala": true,
	"swift": true, "rust": true, "perl": true, "jsx": true, "tsx": true, "console": true,
}

func codeLang(n *html.Node) string {
	class, _ := attr(n, "class")
	class = strings.ToLower(class)
	if i := strings.Index(class, "brush:"); i >= 0 { // SyntaxHighlighter
		f := strings.Fields(strings.Trim(class[i+len("brush:"):], " ;"))
		if len(f) > 0 {
			return strings.TrimRight(f[0], ";")
		}
	}
	for _, c := range strings.Fields(class) {
		for _, p := range []string{"language-", "lang-"} {
			if strings.HasPrefix(c, p) && len(c) > len(p) {
				return c[len(p):]
			}
		}
	}
	for _, c := range strings.Fields(class) {
		if knownLangs[c] {
			return c
		}
	}
	if v, ok := attr(n, "data-lang"); ok {
		return strings.ToLower(strings.TrimSpace(v))
	}
	return ""
}

// isCodeArea tells a <textarea> that shows code from a form field.
func isCodeArea(n *html.Node) bool {
	if v, _ := attr(n, "name"); strings.EqualFold(v, "code") {
		return true
	}
	if codeLang(n) != "" {
		return true
	}
	if p := n.Parent; p != nil {
		if v, _ := attr(p, "class"); strings.Contains(strings.ToLower(v), "code") {
			return true
		}
	}
	return false
}

// isDataTable tells a table of data from a layout table (javatpoint puts its
// whole page in one): layout tables hold headings, code, forms or tables.
func (w *htmlWalker) isDataTable(n *html.Node) bool {
	cells := 0
	var layout bool
	var visit func(*html.Node)
	visit = func(n *html.Node) {
		for c := n.FirstChild; c != nil && !layout; c = c.NextSibling {
			if c.Type != html.ElementNode {
				continue
			}
			switch c.DataAtom {
			case atom.Table, atom.H1, atom.H2, atom.H3, atom.H4, atom.H5, atom.H6, atom.Pre,
				atom.Textarea, atom.Section, atom.Article, atom.Nav, atom.Aside, atom.Header,
				atom.Footer, atom.Main, atom.Form, atom.Details, atom.Iframe, atom.Ins:
				layout = true
				return
			case atom.Td, atom.Th:
				cells++
			}
			if w.isAd(c) {
				layout = true
				return
			}
			visit(c)
		}
	}
	visit(n)
	return !layout && cells > 0
}

func (w *htmlWalker) table(n *html.Node, line int, role string) {
	var rows [][]string
	var links, linkChars, anchors int
	var cell textBuf
	var visit func(*html.Node)
	visit = func(n *html.Node) {
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			if c.Type != html.ElementNode {
				continue
			}
			switch c.DataAtom {
			case atom.Tr:
				var row []string
				for td := c.FirstChild; td != nil; td = td.NextSibling {
					if td.Type != html.ElementNode || (td.DataAtom != atom.Td && td.DataAtom != atom.Th) {
						continue
					}
					saved := w.tb
					w.tb = cell
					w.tb.reset()
					w.inlineChildren(td, false)
					row = append(row, strings.TrimSpace(w.tb.text()))
					links += w.tb.links
					linkChars += w.tb.linkChars
					anchors += w.tb.anchors
					cell = w.tb
					w.tb = saved
				}
				if len(row) > 0 && strings.TrimSpace(strings.Join(row, "")) != "" {
					rows = append(rows, row)
				}
			case atom.Caption:
			default:
				visit(c)
			}
		}
	}
	visit(n)
	if len(rows) == 0 {
		return
	}
	w.item = nil
	w.emit(Block{Kind: Table, Line: line, Depth: w.listDepth(), Rows: rows,
		Text: tableText(rows), Links: links, LinkChars: linkChars, AnchorLinks: anchors,
		Role: role, Context: w.context()})
}

func tableText(rows [][]string) string {
	var sb strings.Builder
	for i, r := range rows {
		if i > 0 {
			sb.WriteByte('\n')
		}
		sb.WriteString(strings.Join(r, " | "))
	}
	return sb.String()
}

// adWords are class/id words that name an ad container.
var adWords = map[string]bool{
	"ad": true, "ads": true, "adsense": true, "adslot": true, "adunit": true, "adbox": true,
	"adzone": true, "adcontainer": true, "adwrapper": true, "adsbygoogle": true, "advert": true,
	"adverts": true, "advertisement": true, "advertisements": true, "advertising": true,
	"sponsor": true, "sponsors": true, "sponsored": true, "banner": true, "banners": true,
	"dfp": true,
}

// isAd reports whether n is an ad container: ins.adsbygoogle, AdSense data
// attributes, or a class/id word such as ad, ads, advert, sponsor, banner.
// A container with a heading or much text is not one: a "banner" class on a
// page header must not swallow the page.
func (w *htmlWalker) isAd(n *html.Node) bool {
	if n.Type != html.ElementNode || len(n.Attr) == 0 {
		return false
	}
	hit, banner := false, false
	for _, a := range n.Attr {
		switch a.Key {
		case "class", "id":
			h, b := adValue(a.Val)
			hit = hit || h
			banner = banner || b
		case "data-ad-slot", "data-ad-client":
			hit = true
		}
	}
	if !hit && !banner {
		return false
	}
	if !hit {
		// "banner" alone: cookie and privacy banners are chrome, not ads,
		// and inline links named banner-* are their buttons.
		if !blockTags[n.DataAtom] && n.DataAtom != atom.Ins {
			return false
		}
		for _, s := range w.ctx {
			if cookieWord(s) {
				return false
			}
		}
	}
	return !substantial(n)
}

func cookieWord(s string) bool {
	s = lowerASCII(s)
	return strings.Contains(s, "cookie") || strings.Contains(s, "consent") ||
		strings.Contains(s, "privacy") || strings.Contains(s, "gdpr")
}

// adInside and adPlaces catch ad words that sites glue to others in one class or id
// ("bottomgooglead", "bottomadtag", "leftad", "onlycontentad").
var (
	adInside = []string{"adsbygoogle", "advert", "sponsor", "googlead", "adtag", "adslot", "adunit",
		"adsense", "adbox", "adzone", "adcontainer", "adwrap", "adspace", "adsbox"}
	adPlaces = []string{"left", "right", "top", "bottom", "side", "content", "inline", "footer",
		"header", "mobile", "sticky", "banner"}
)

// adValue reports whether a class or id value holds an ad word, and whether
// it holds only the weaker "banner". It runs on every element with a class
// or id, so it allocates only for values with upper-case letters.
func adValue(v string) (ad, banner bool) {
	v = lowerASCII(v)
	for _, a := range adInside {
		if strings.Contains(v, a) {
			return true, false
		}
	}
	if cookieWord(v) {
		return false, false
	}
	for i := 0; i < len(v); {
		for i < len(v) && !isLowerAlnum(v[i]) {
			i++
		}
		j := i
		for j < len(v) && isLowerAlnum(v[j]) {
			j++
		}
		word := v[i:j]
		i = j
		if word == "" {
			continue
		}
		if adWords[word] {
			if word == "banner" || word == "banners" {
				banner = true
				continue
			}
			return true, false
		}
		// A place glued to "ad": "leftad", "onlycontentad", "adleft".
		if strings.HasSuffix(word, "ad") || strings.HasSuffix(word, "ads") || strings.HasPrefix(word, "ad") {
			for _, p := range adPlaces {
				if strings.HasSuffix(word, p+"ad") || strings.HasSuffix(word, p+"ads") ||
					word == "ad"+p || word == "ads"+p {
					return true, false
				}
			}
		}
	}
	return false, banner
}

func isLowerAlnum(c byte) bool { return 'a' <= c && c <= 'z' || '0' <= c && c <= '9' }

// lowerASCII lower-cases ASCII letters, copying only when there are some.
func lowerASCII(s string) string {
	for i := 0; i < len(s); i++ {
		if 'A' <= s[i] && s[i] <= 'Z' {
			return strings.ToLower(s)
		}
	}
	return s
}

// substantial reports whether n holds a heading or more than 600 bytes of
// text: real content that merely sits in an ad-named wrapper.
func substantial(n *html.Node) bool {
	size := 0
	var visit func(*html.Node) bool
	visit = func(n *html.Node) bool {
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			switch c.Type {
			case html.TextNode:
				size += len(strings.TrimSpace(c.Data))
				if size > 600 {
					return true
				}
			case html.ElementNode:
				switch c.DataAtom {
				case atom.H1, atom.H2, atom.H3, atom.H4, atom.H5, atom.H6:
					return true
				case atom.Script, atom.Style, atom.Noscript, atom.Template:
					continue
				}
				if visit(c) {
					return true
				}
			}
		}
		return false
	}
	return visit(n)
}

// roleMark returns the role a class or id names: "question" or "answer"
// (singular only: a "questions" wrapper holds both).
func roleMark(n *html.Node) string {
	if n.Type != html.ElementNode {
		return ""
	}
	for _, a := range n.Attr {
		if a.Key != "class" && a.Key != "id" {
			continue
		}
		v := lowerASCII(a.Val)
		if !strings.Contains(v, "question") && !strings.Contains(v, "answer") {
			continue
		}
		for _, word := range strings.Fields(v) {
			switch {
			case strings.Contains(word, "question") && !strings.Contains(word, "questions"):
				return "question"
			case strings.Contains(word, "answer") && !strings.Contains(word, "answers"):
				return "answer"
			}
		}
	}
	return ""
}

// isToggle reports whether n is a question toggle: tutorialspoint's
// <section class="toggle"><label>Q</label><div class="toggle-content">A.
func isToggle(n *html.Node) bool {
	if n == nil || n.Type != html.ElementNode {
		return false
	}
	v, _ := attr(n, "class")
	for _, c := range strings.Fields(strings.ToLower(v)) {
		if c == "toggle" || c == "accordion-item" || c == "faq-item" {
			return true
		}
	}
	return false
}

// isToggleHead reports whether n is the question label of a toggle.
func (w *htmlWalker) isToggleHead(n *html.Node) bool {
	return n.Type == html.ElementNode && n.DataAtom == atom.Label && isToggle(n.Parent)
}

// roleOf returns n's question/answer role, given the role inherited from
// its ancestors; the nearest marker wins.
func (w *htmlWalker) roleOf(n *html.Node, inherited string) string {
	if r := roleMark(n); r != "" {
		return r
	}
	switch n.DataAtom {
	case atom.Dt:
		return "question"
	case atom.Dd:
		return "answer"
	case atom.Summary:
		if !w.md {
			return "question"
		}
	}
	if isToggle(n.Parent) {
		if n.DataAtom == atom.Label {
			return "question"
		}
		// Only the toggle's content box is the answer: a toggle left
		// unclosed (tutorialspoint-2018, line 696) swallows the page's
		// "What is Next?" and Prev/Next links, which are not.
		v, _ := attr(n, "class")
		v = strings.ToLower(v)
		for _, w := range []string{"content", "answer", "body", "panel", "collapse"} {
			if strings.Contains(v, w) {
				return "answer"
			}
		}
	}
	return inherited
}
