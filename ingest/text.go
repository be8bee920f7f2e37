package ingest

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/iq-search/iq/ingest/parse"
)

// parseText turns plain text into blocks with line rules. The plain text iq
// meets is mostly flattened from web pages (seeds 000 and 001): blank lines
// separate blocks, each line of a group is usually one page element, bullets
// are "  • item", numbered questions are "7. Question", a flattened table has
// its cells glued together ("AreaBest Practice"), and a code block survives
// only as a run of "# ..." comment lines.
func parseText(src []byte) []parse.Block {
	var (
		blocks []parse.Block
		group  []textLine
	)
	tp := &textParser{src: src}
	flush := func() {
		if len(group) > 0 {
			blocks = tp.group(blocks, group)
			group = group[:0]
		}
	}
	lineNo := 0
	for len(src) > 0 {
		lineNo++
		var raw []byte
		if i := indexByte(src, '\n'); i >= 0 {
			raw, src = src[:i], src[i+1:]
		} else {
			raw, src = src, nil
		}
		s := strings.TrimRight(string(raw), " \t\r\f\v")
		t := strings.TrimLeft(s, " \t\u00a0")
		if t == "" {
			flush()
			continue
		}
		group = append(group, textLine{text: t, line: lineNo, indent: indentWidth(s[:len(s)-len(t)]), raw: s})
	}
	flush()
	return blocks
}

func indexByte(b []byte, c byte) int {
	for i, x := range b {
		if x == c {
			return i
		}
	}
	return -1
}

type textLine struct {
	text   string // without leading white space
	raw    string // with it, for code kept verbatim
	line   int
	indent int
}

func indentWidth(ws string) int {
	n := 0
	for _, r := range ws {
		if r == '\t' {
			n += 4
		} else {
			n++
		}
	}
	return n
}

type lineKind int

const (
	lineText lineKind = iota
	lineHash
	lineBullet
	lineNumber
)

// bulletMarks are the bullet glyphs that flattened pages and hand-written
// text use in front of list items.
var bulletMarks = []string{"• ", "· ", "◦ ", "▪ ", "■ ", "● ", "- ", "* ", "– ", "+ "}

func classifyLine(t string) (lineKind, string, int) {
	if t[0] == '#' {
		return lineHash, t, 0
	}
	for _, m := range bulletMarks {
		if strings.HasPrefix(t, m) {
			return lineBullet, strings.TrimSpace(t[len(m):]), 0
		}
	}
	if n, rest, ok := leadingNumber(t); ok {
		return lineNumber, rest, n
	}
	return lineText, t, 0
}

// leadingNumber reports a list number "7. " or "7) " at the start of t.
func leadingNumber(t string) (int, string, bool) {
	i, n := 0, 0
	for i < len(t) && i < 4 && t[i] >= '0' && t[i] <= '9' {
		n = n*10 + int(t[i]-'0')
		i++
	}
	if i == 0 || i == 4 || i+1 >= len(t) || (t[i] != '.' && t[i] != ')') || (t[i+1] != ' ' && t[i+1] != '\t') {
		return 0, "", false
	}
	rest := strings.TrimSpace(t[i+1:])
	if rest == "" {
		return 0, "", false
	}
	return n, rest, true
}

// textParser holds what the line rules need beyond one group: the whole
// source, whose words help split a glued table cell.
type textParser struct {
	src   []byte
	vocab map[string]bool
}

// words returns the set of lower-case words of the whole source, built on
// first use (only a glued table needs it).
func (tp *textParser) words() map[string]bool {
	if tp.vocab == nil {
		tp.vocab = map[string]bool{}
		for _, w := range strings.FieldsFunc(strings.ToLower(string(tp.src)), func(r rune) bool {
			return !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '-'
		}) {
			tp.vocab[w] = true
		}
	}
	return tp.vocab
}

// group turns one blank-line separated group of lines into blocks.
func (tp *textParser) group(blocks []parse.Block, group []textLine) []parse.Block {
	first := len(blocks) == 0
	i := 0
	for i < len(group) {
		kind, _, _ := classifyLine(group[i].text)
		j := i + 1
		switch kind {
		case lineHash:
			for j < len(group) && group[j].text[0] == '#' {
				j++
			}
			blocks = hashRun(blocks, group[i:j])
		case lineBullet, lineNumber:
			// Each item takes the following plain lines that are indented
			// deeper than its marker as continuation.
			for j < len(group) {
				k, _, _ := classifyLine(group[j].text)
				if k == lineText && group[j].indent > group[i].indent {
					j++
					continue
				}
				break
			}
			blocks = append(blocks, listItem(group[i:j]))
		default:
			for j < len(group) {
				if k, _, _ := classifyLine(group[j].text); k != lineText {
					break
				}
				j++
			}
			blocks = tp.textRun(blocks, group[i:j], i == 0 && j == len(group), first && i == 0)
		}
		i = j
	}
	return blocks
}

// hashRun handles lines starting with '#': one alone is a heading
// ("# Title"), two or more are a code block whose lines were commented out
// when the page was flattened (seed 001's project layout), kept verbatim.
func hashRun(blocks []parse.Block, run []textLine) []parse.Block {
	if len(run) == 1 {
		t := run[0].text
		d := 0
		for d < len(t) && t[d] == '#' {
			d++
		}
		if d <= 6 && d < len(t) && t[d] == ' ' {
			return append(blocks, parse.Block{Kind: parse.Heading, Line: run[0].line, Depth: d, Text: foldSpace(t[d:])})
		}
		return append(blocks, parse.Block{Kind: parse.Paragraph, Line: run[0].line, Text: foldSpace(t)})
	}
	minIndent := run[0].indent
	for _, l := range run {
		minIndent = min(minIndent, l.indent)
	}
	lines := make([]string, len(run))
	for k, l := range run {
		lines[k] = dropIndent(l.raw, minIndent)
	}
	return append(blocks, parse.Block{Kind: parse.Code, Line: run[0].line, Text: strings.Join(lines, "\n")})
}

func dropIndent(s string, n int) string {
	for n > 0 && s != "" && (s[0] == ' ' || s[0] == '\t') {
		s = s[1:]
		n--
	}
	return s
}

func listItem(run []textLine) parse.Block {
	kind, text, num := classifyLine(run[0].text)
	parts := []string{text}
	for _, l := range run[1:] {
		parts = append(parts, l.text)
	}
	b := parse.Block{Kind: parse.ListItem, Line: run[0].line, Depth: 1 + run[0].indent/3, Text: foldSpace(strings.Join(parts, " "))}
	if kind == lineNumber {
		b.Number = num
	}
	return b
}

// textRun handles consecutive plain lines of one group. A line standing
// alone as a whole group may be a heading; the first of a file is its title.
func (tp *textParser) textRun(blocks []parse.Block, run []textLine, whole, first bool) []parse.Block {
	if len(run) == 1 && whole {
		t := foldSpace(run[0].text)
		if looksLikeTextHeading(t) {
			d := 2
			if first {
				d = 1 // the first line of a flattened page is its title
			}
			return append(blocks, parse.Block{Kind: parse.Heading, Line: run[0].line, Depth: d, Text: t})
		}
		return append(blocks, parse.Block{Kind: parse.Paragraph, Line: run[0].line, Text: t})
	}
	if tb, caption, ok := tp.gluedTable(run); ok {
		for _, l := range caption {
			blocks = append(blocks, parse.Block{Kind: parse.Paragraph, Line: l.line, Text: foldSpace(l.text)})
		}
		return append(blocks, tb)
	}
	// Lines of a flattened page are separate elements unless a line was
	// plainly wrapped: it ends mid-sentence and the next goes on in lower
	// case, or it is long and has no closing punctuation.
	cur := parse.Block{Kind: parse.Paragraph, Line: run[0].line, Text: run[0].text}
	for _, l := range run[1:] {
		if continues(cur.Text, l.text) {
			cur.Text += " " + l.text
			continue
		}
		cur.Text = foldSpace(cur.Text)
		blocks = append(blocks, cur)
		cur = parse.Block{Kind: parse.Paragraph, Line: l.line, Text: l.text}
	}
	cur.Text = foldSpace(cur.Text)
	return append(blocks, cur)
}

func continues(prev, next string) bool {
	last, _ := utf8.DecodeLastRuneInString(prev)
	if strings.ContainsRune(".?!:;", last) {
		return false
	}
	first, _ := utf8.DecodeRuneInString(next)
	return unicode.IsLower(first) || runesOver(prev, 59)
}

// looksLikeTextHeading reports whether a line standing alone is a heading:
// short, and not closed like a sentence ("Introduction:", "Comments",
// "More Related questions..." are headings; "Why X?" is not).
func looksLikeTextHeading(t string) bool {
	if runesOver(t, 80) || fieldsAtLeast(t, 13) {
		return false
	}
	ellipsis := strings.HasSuffix(t, "...") || strings.HasSuffix(t, "…")
	last, _ := utf8.DecodeLastRuneInString(t)
	if !ellipsis && strings.ContainsRune(".?!;,\"'”)", last) {
		return false
	}
	return titleCase(t)
}

// titleCase reports whether most longer words are capitalised, as in
// "Role and Responsibility of a FastAPI Developer:" but not in the lead-in
// sentence "FastAPI offers several advantages, including:".
func titleCase(t string) bool {
	long, capital := 0, 0
	for _, w := range strings.Fields(t) {
		w = strings.TrimFunc(w, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
		if utf8.RuneCountInString(w) < 4 {
			continue
		}
		long++
		r, _ := utf8.DecodeRuneInString(w)
		if unicode.IsUpper(r) || unicode.IsDigit(r) {
			capital++
		}
	}
	return capital*2 >= long
}

// gluedTable recognises a table whose cells lost their separators when the
// page was flattened: most lines of the run have a glued cell boundary
// ("Project structureSeparate concerns"). Lines before the first such row
// are its caption. Cells are split where the boundary can be seen; a row
// without a visible boundary stays one cell.
func (tp *textParser) gluedTable(run []textLine) (parse.Block, []textLine, bool) {
	if len(run) < 3 {
		return parse.Block{}, nil, false
	}
	rows := 0
	firstRow := -1
	for k, l := range run {
		if len(gluedBoundaries(l.text, 1)) > 0 {
			rows++
			if firstRow < 0 {
				firstRow = k
			}
		}
	}
	if rows < 3 || rows*5 < len(run)*3 || firstRow > 2 {
		return parse.Block{}, nil, false
	}
	cols := 1 + len(gluedBoundaries(run[firstRow].text, 4))
	tb := parse.Block{Kind: parse.Table, Line: run[firstRow].line}
	texts := make([]string, 0, len(run)-firstRow)
	for _, l := range run[firstRow:] {
		t := foldSpace(l.text)
		var cells []string
		prev := 0
		at := gluedBoundaries(t, cols-1)
		if len(at) == 0 && cols == 2 {
			at = tp.vocabBoundary(t)
		}
		for _, at := range at {
			cells = append(cells, strings.TrimSpace(t[prev:at]))
			prev = at
		}
		cells = append(cells, strings.TrimSpace(t[prev:]))
		tb.Rows = append(tb.Rows, cells)
		texts = append(texts, strings.Join(cells, " | "))
	}
	tb.Text = strings.Join(texts, "\n")
	return tb, run[:firstRow], true
}

// vocabBoundary finds a glued boundary the letter case does not show
// ("Configurationpydantic-settings"): a split of the first word whose right
// part is a word the document uses on its own elsewhere.
func (tp *textParser) vocabBoundary(t string) []int {
	end := strings.IndexByte(t, ' ')
	if end < 0 {
		end = len(t)
	}
	first := strings.ToLower(t[:end])
	first = strings.TrimRightFunc(first, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
	vocab := tp.words()
	for k := 4; k+3 <= len(first); k++ {
		c := first[k]
		if c < 'a' || c > 'z' || first[k-1] < 'a' || first[k-1] > 'z' {
			continue
		}
		if vocab[first[k:]] {
			return []int{k}
		}
	}
	return nil
}

// gluedBoundaries returns up to max byte offsets in the first 48 bytes of
// t where one cell ends and the next begins without a separator: a lower
// case letter directly followed by a capitalised word ("AreaBest"), by an
// acronym after a long word ("AuthenticationJWT") or by a digit after a
// word ("Testing100%"). Short camel-case names ("FastAPI", "JavaScript")
// do not count.
func gluedBoundaries(t string, limit int) []int {
	var out []int
	wordStart := 0
	for i := 1; i < len(t) && i < 48 && len(out) < limit; i++ {
		c, p := t[i], t[i-1]
		if c == ' ' {
			wordStart = i + 1
			continue
		}
		if !(p >= 'a' && p <= 'z') {
			continue
		}
		left := i - wordStart
		var next byte
		if i+1 < len(t) {
			next = t[i+1]
		}
		switch {
		case c >= 'A' && c <= 'Z' && next >= 'a' && next <= 'z' && left >= 3:
			// "JavaScript" and "TypeScript" are words, not cells: a
			// capitalised left part this short is a camel-case name.
			if left <= 4 && t[wordStart] >= 'A' && t[wordStart] <= 'Z' && i-wordStart == left && wordStart > 0 {
				continue
			}
			out = append(out, i)
		case c >= 'A' && c <= 'Z' && (next == ' ' || (next >= 'A' && next <= 'Z')) && left >= 6:
			out = append(out, i)
		case c >= '0' && c <= '9' && left >= 5:
			out = append(out, i)
		}
	}
	return out
}

// foldSpace collapses runs of white space to one space and trims.
func foldSpace(s string) string {
	if !needsFold(s) {
		return s
	}
	return strings.Join(strings.Fields(s), " ")
}

func needsFold(s string) bool {
	if s == "" {
		return false
	}
	if s[0] == ' ' || s[len(s)-1] == ' ' {
		return true
	}
	prevSpace := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f':
			return true
		case c >= 0x80:
			// Non-ASCII white space (U+00A0, U+2003…) also folds.
			return true
		case c == ' ':
			if prevSpace {
				return true
			}
			prevSpace = true
		default:
			prevSpace = false
		}
	}
	return false
}
