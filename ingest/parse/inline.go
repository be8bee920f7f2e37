package parse

import (
	"bytes"
	"sort"
)

// Inline bounds. goldmark (v1.8.7) costs more than linear in the length of
// one paragraph in three ways, which hostile input turns into minutes
// (issue 16; RELIABILITY.md has the figures):
//
//   - At each "]" that closes a "[", it copies the bracketed text back to
//     the "[", walks the nodes since it, reads the paragraph's lines back
//     from the last one (text.blockReader.Value), and scans what follows
//     for a destination "(…)" to its end, or to the end of the line when
//     nothing ends it, then for a title to its closing quote, across
//     lines. "[a](" repeated 50,000 times scans the rest of the line at
//     every "]": 43 s for 195 KB; 100k nested brackets copy ever longer
//     texts; a paragraph of 16k short lines each with a link reads its
//     lines back 16k times.
//   - Link reference definitions at the start of a paragraph are read one
//     at a time, each reading the paragraph's lines back from the last:
//     20,000 definitions took 1.9 s.
//   - ProcessDelimiters matches each emphasis closer ("*", "_", "~") with
//     every delimiter before it that is still open (cmark's openers_bottom
//     is missing), so "*_a" repeated 16k times took seconds.
//
// boundInlines estimates that cost on the source, paragraph by paragraph,
// and where it passes a budget linear in the paragraph's length it escapes
// the excess with backslashes: the "]" and its "[" whose cost would pass
// it, the emphasis delimiters past the bound of maxDelims. An escaped character
// reads as itself, which is what goldmark yields for an unclosed bracket
// or an unmatched delimiter, so such text is unchanged; only links and
// emphasis past the budget of a hostile paragraph are lost, never text.
// Runs of link reference definitions get a blank line every refRun
// definitions, which means the same. Real documents stay far below every
// bound (TestBoundInlinesLeavesCorpora): their bytes are not touched.
const (
	// bracketFree is the estimated cost of a "]" (bytes and lines read)
	// that is never charged: a link of ordinary length in a paragraph of
	// ordinary length.
	bracketFree = 512
	// scanCap is where the estimate stops simulating a destination or
	// title scan and charges its upper bound instead.
	scanCap = 1024
	// budgetPerByte and budgetBase give a paragraph's budget for charged
	// brackets: linear in its length.
	budgetPerByte = 32
	budgetBase    = 1 << 16
	// maxDelims bounds the matching of emphasis delimiter runs ("*",
	// "**", "_", "~~") in one paragraph: once the runs times the runs
	// that can close pass its square, the rest are escaped.
	maxDelims = 400
	// refRun is the number of consecutive link reference definitions
	// between two blank lines boundInlines inserts.
	refRun = 64
)

// insertion is text boundInlines inserts before src[at].
type insertion struct {
	at  int
	txt string
}

// boundInlines returns src with the inline constructs whose parsing would
// cost more than linear escaped (see the constants above), and the
// offsets of its insertions; it returns src and nil when nothing needs
// it, as in every real document. Lines and their order are kept: an
// inserted blank line maps back to the line it precedes.
func boundInlines(src []byte) ([]byte, cutList) {
	b := inlineBounder{src: src}
	b.run()
	if len(b.ins) == 0 {
		return src, nil
	}
	sort.SliceStable(b.ins, func(i, j int) bool { return b.ins[i].at < b.ins[j].at })
	out := make([]byte, 0, len(src)+len(b.ins)*2)
	var cuts cutList
	copied, added := 0, 0
	for _, in := range b.ins {
		out = append(out, src[copied:in.at]...)
		out = append(out, in.txt...)
		added += len(in.txt)
		cuts = append(cuts, cut{at: len(out), removed: -added})
		copied = in.at
	}
	return append(out, src[copied:]...), cuts
}

type inlineBounder struct {
	src   []byte
	ins   []insertion
	unit  []span // the lines of the paragraph being gathered
	fence byte   // the fence character while inside a fenced code block
	flen  int    // and the fence's length
	list  bool   // the paragraph being gathered opened with a list item
}

type span struct{ start, end int }

// run splits src into paragraphs, approximately: a paragraph ends at a
// blank line, a fence, a heading or a new list item. Where goldmark's
// paragraphs are shorter than these, the estimate is higher than the real
// cost, which only matters past the budgets.
func (b *inlineBounder) run() {
	src := b.src
	for start := 0; start < len(src); {
		end := bytes.IndexByte(src[start:], '\n')
		if end < 0 {
			end = len(src)
		} else {
			end += start
		}
		b.line(span{start, end})
		start = end + 1
	}
	b.flush()
}

func (b *inlineBounder) line(l span) {
	rest := b.src[l.start:l.end]
	rest = rest[containerPrefix(rest):]
	marker := listMarker(rest)
	body := bytes.TrimLeft(rest[marker:], " \t")
	if b.fence != 0 {
		if n := fenceRun(body, b.fence); n >= b.flen && len(bytes.TrimSpace(body[n:])) == 0 {
			b.fence = 0
		}
		return
	}
	if c := firstByte(body); c == '`' || c == '~' {
		if n := fenceRun(body, c); n >= 3 && (c == '~' || bytes.IndexByte(body[n:], '`') < 0) {
			b.flush()
			b.fence, b.flen = c, n
			return
		}
	}
	switch {
	case len(bytes.TrimSpace(body)) == 0 && marker == 0:
		b.flush()
		return
	case isATXHeading(body):
		b.flush()
		b.unit = append(b.unit, l)
		b.flush()
		return
	case marker > 0 && (rest[0] < '0' || rest[0] > '9' || startsOne(rest) || b.list || len(b.unit) == 0):
		b.flush()
		b.list = true
	}
	b.unit = append(b.unit, l)
}

// containerPrefix returns the length of the white space and block quote
// markers that open line.
func containerPrefix(line []byte) int {
	i := 0
	for i < len(line) && (line[i] == ' ' || line[i] == '\t' || line[i] == '>') {
		i++
	}
	return i
}

// listMarker returns the length of the list item marker ("- ", "* ", "+ ",
// "1. ", "1) ") that opens s, or 0.
func listMarker(s []byte) int {
	if len(s) == 0 {
		return 0
	}
	i := 0
	switch c := s[0]; {
	case c == '-' || c == '+' || c == '*':
		i = 1
	case '0' <= c && c <= '9':
		for i < len(s) && i < 9 && '0' <= s[i] && s[i] <= '9' {
			i++
		}
		if i == len(s) || s[i] != '.' && s[i] != ')' {
			return 0
		}
		i++
	default:
		return 0
	}
	if i < len(s) && s[i] != ' ' && s[i] != '\t' {
		return 0
	}
	return i
}

func startsOne(s []byte) bool { return len(s) > 1 && s[0] == '1' && (s[1] == '.' || s[1] == ')') }

func firstByte(s []byte) byte {
	if len(s) == 0 {
		return 0
	}
	return s[0]
}

func fenceRun(s []byte, c byte) int {
	n := 0
	for n < len(s) && s[n] == c {
		n++
	}
	return n
}

func isATXHeading(s []byte) bool {
	n := fenceRun(s, '#')
	return n >= 1 && n <= 6 && (n == len(s) || s[n] == ' ' || s[n] == '\t')
}

// flush estimates the paragraph gathered and records its insertions.
func (b *inlineBounder) flush() {
	lines := b.unit
	b.unit, b.list = b.unit[:0], false
	if len(lines) == 0 {
		return
	}
	// Link reference definitions open the paragraph: goldmark reads them
	// before its inlines, each reading the lines back from the last.
	defs := 0
	for defs < len(lines) && isRefDef(b.src[lines[defs].start:lines[defs].end]) {
		if defs > 0 && defs%refRun == 0 {
			l := b.src[lines[defs].start:lines[defs].end]
			prefix := bytes.TrimRight(l[:containerPrefix(l)], " \t")
			b.ins = append(b.ins, insertion{lines[defs].start, string(prefix) + "\n"})
		}
		defs++
	}
	lines = lines[defs:]
	if len(lines) == 0 {
		return
	}
	b.brackets(lines)
	b.delims(lines)
}

// isRefDef says whether line opens a link reference definition:
// "[label]: destination", under block quote markers at most, indented
// less than a code block.
func isRefDef(line []byte) bool {
	if len(line)-len(bytes.TrimLeft(line, " ")) > 3 || bytes.HasPrefix(line, []byte("\t")) {
		return false
	}
	line = line[containerPrefix(line):]
	if len(line) < 4 || line[0] != '[' {
		return false
	}
	for i := 1; i < len(line); i++ {
		switch line[i] {
		case '\\':
			i++
		case '[':
			return false
		case ']':
			return i > 1 && i+1 < len(line) && line[i+1] == ':' && len(bytes.TrimSpace(line[i+2:])) > 0
		}
	}
	return false
}

// brackets estimates goldmark's work at each "]" of the paragraph made of
// lines and escapes the pairs it cannot afford.
func (b *inlineBounder) brackets(lines []span) {
	src := b.src
	start, end := lines[0].start, lines[len(lines)-1].end
	if bytes.IndexByte(src[start:end], ']') < 0 {
		return // nothing closes: nothing is charged (most paragraphs)
	}
	budget := budgetPerByte*(end-start) + budgetBase
	var open []int // positions of unclosed "["
	li := 0
	for i := start; i < end; i++ {
		switch src[i] {
		case '\\':
			if i+1 < end && isASCIIPunct(src[i+1]) {
				i++
			}
		case '[':
			open = append(open, i)
		case ']':
			if len(open) == 0 {
				continue
			}
			o := open[len(open)-1]
			open = open[:len(open)-1]
			for li < len(lines) && lines[li].end < i {
				li++
			}
			cost := i - o + len(lines) - li + b.follow(i+1, lines[li].end, end)
			if cost <= bracketFree {
				continue
			}
			if cost <= budget {
				budget -= cost
				continue
			}
			b.ins = append(b.ins, insertion{o, `\`}, insertion{i, `\`})
		}
	}
}

// follow estimates what goldmark reads after a "]" at i: a destination in
// parentheses (to its end, or the end of the line eol), a title (to its
// closing quote, across lines up to end), or a reference label.
func (b *inlineBounder) follow(i, eol, end int) int {
	src := b.src
	if i >= end {
		return 0
	}
	switch src[i] {
	case '[':
		return b.scanTo(i+1, end, ']')
	case '(':
	default:
		return 0
	}
	j := skipSpace(src, i+1, end)
	if j >= end {
		return j - i
	}
	for eol < j && eol < end { // the spaces crossed a line end
		if k := bytes.IndexByte(src[eol+1:end], '\n'); k >= 0 {
			eol = eol + 1 + k
		} else {
			eol = end
		}
	}
	cost := j - i
	if src[j] == '<' {
		k := b.scanTo(j+1, eol, '>')
		return cost + k
	}
	depth, k := 0, j
	for ; k < eol; k++ {
		if k-j > scanCap {
			return cost + eol - j // charge the rest of the line
		}
		c := src[k]
		if c == '\\' && k+1 < eol && isASCIIPunct(src[k+1]) {
			k++
			continue
		}
		if c == '(' {
			depth++
		} else if c == ')' {
			depth--
			if depth < 0 {
				break
			}
		} else if c == ' ' || c == '\t' || c == '\r' {
			break
		}
	}
	cost += k - j
	k = skipSpace(src, k, end)
	if k < end {
		switch src[k] {
		case '"', '\'':
			cost += b.scanTo(k+1, end, src[k])
		case '(':
			cost += b.scanTo(k+1, end, ')')
		}
	}
	return cost
}

// scanTo returns the bytes from i to the first c before end (or to end),
// simulating at most scanCap of them and charging the rest up to end.
func (b *inlineBounder) scanTo(i, end int, c byte) int {
	lim := min(end, i+scanCap)
	if k := bytes.IndexByte(b.src[i:lim], c); k >= 0 {
		return k + 1
	}
	return end - i
}

func skipSpace(src []byte, i, end int) int {
	for i < end && (src[i] == ' ' || src[i] == '\t' || src[i] == '\n' || src[i] == '\r') {
		i++
	}
	return i
}

// delims escapes emphasis delimiter runs of the paragraph made of lines
// once their matching could cost more than maxDelims²: goldmark matches
// each run that can close against the runs before it, so the cost is at
// most the number of closing runs times the number of runs.
func (b *inlineBounder) delims(lines []span) {
	src := b.src
	start, end := lines[0].start, lines[len(lines)-1].end
	// A run is escaped only after more than maxDelims runs, each of one
	// delimiter byte at least: a paragraph with no more such bytes needs
	// no walk (every real one).
	if p := src[start:end]; len(p) <= maxDelims+1 || bytes.Count(p, []byte("*"))+bytes.Count(p, []byte("_"))+bytes.Count(p, []byte("~")) <= maxDelims+1 {
		return
	}
	runs, closers := 0, 0
	for i := start; i < end; i++ {
		c := src[i]
		if c == '\\' && i+1 < end && isASCIIPunct(src[i+1]) {
			i++
			continue
		}
		if c != '*' && c != '_' && c != '~' {
			continue
		}
		j := i
		for j < end && src[j] == c {
			j++
		}
		if runs*closers > maxDelims*maxDelims {
			for k := i; k < j; k++ {
				b.ins = append(b.ins, insertion{k, `\`})
			}
		} else {
			runs++
			if canClose(src, start, i, j, end) {
				closers++
			}
		}
		i = j - 1
	}
}

// canClose says whether the delimiter run src[i:j] can close emphasis, by
// CommonMark's flanking rules on ASCII classes (a byte past ASCII counts
// as a letter, which can only make the estimate higher).
func canClose(src []byte, start, i, j, end int) bool {
	before, after := byte(' '), byte(' ')
	if i > start {
		before = src[i-1]
	}
	if j < end {
		after = src[j]
	}
	bSpace, aSpace := isSpaceByte(before), isSpaceByte(after)
	bPunct, aPunct := isASCIIPunct(before), isASCIIPunct(after)
	left := !aSpace && (!aPunct || bSpace || bPunct)
	right := !bSpace && (!bPunct || aSpace || aPunct)
	if src[i] == '_' {
		return right && (!left || aPunct)
	}
	return right
}

func isASCIIPunct(c byte) bool {
	return '!' <= c && c <= '/' || ':' <= c && c <= '@' || '[' <= c && c <= '`' || '{' <= c && c <= '~'
}
