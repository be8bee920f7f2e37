package parse

import (
	"bytes"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"
)

// lineIndex holds the byte offsets of every '\n' in a source, so that a byte
// offset maps to its 1-based line with a binary search. Only '\n' ends a
// line: a CRLF file counts like its LF twin, as editors and grep -n do.
type lineIndex []int

func newLineIndex(src []byte) lineIndex {
	idx := make(lineIndex, 0, len(src)/32+1)
	for i := 0; i < len(src); {
		j := bytes.IndexByte(src[i:], '\n')
		if j < 0 {
			break
		}
		idx = append(idx, i+j)
		i += j + 1
	}
	return idx
}

// line returns the 1-based line holding byte offset off.
func (li lineIndex) line(off int) int {
	if off < 0 {
		return 1
	}
	return 1 + sort.SearchInts(li, off)
}

// lineStat is a snapshot of a textBuf's counters at the start of one line of
// a block, so that a paragraph can be cut at its line breaks with each part
// keeping its own strong/link figures.
type lineStat struct {
	pos                       int // byte offset in textBuf.b where the line starts
	src                       int // source offset of the line's first text, -1 if unknown
	strongIn, strongOut       int
	links, linkChars, anchors int
}

// textBuf builds a block's Text: white space runs fold to one space, hard
// breaks become "\n", and letters/digits are counted inside and outside
// strong emphasis so that Strong can be decided on the whole text.
type textBuf struct {
	b            []byte
	pendingSpace bool
	pendingNL    bool

	strong   int  // depth of strong emphasis
	inLink   int  // depth of links
	prevLink bool // the last character written was link text

	strongIn, strongOut       int // letters and digits inside / outside strong
	links, linkChars, anchors int

	// leadOut counts the letters and digits before the first strong one;
	// leadOther is set when one of them is not a digit. "1. **Q**" in a
	// heading is still a strong question: its number sits outside the bold.
	leadOut    int
	leadOther  bool
	seenStrong bool

	alts []string // alt text of images, for image-only blocks
	imgs int

	lines []lineStat // line starts after breaks (markdown paragraphs, HTML <br>)

	// lead is the end of a bold run that opens the text, when nothing
	// came before it (HTML "<p><strong>What is X?</strong> X is…").
	lead    lineStat
	hasLead bool
}

func (t *textBuf) reset() {
	b := t.b[:0]
	alts := t.alts[:0]
	lines := t.lines[:0]
	*t = textBuf{b: b, alts: alts, lines: lines}
}

// space records white space; it is written only between two words.
func (t *textBuf) space() { t.pendingSpace = true }

// newline records a hard break.
func (t *textBuf) newline() { t.pendingNL = true }

// asciiClass classifies ASCII bytes for write: 1 white space, 2 letter or
// digit, 3 digit, 4 NUL, 0 other.
var asciiClass = func() (c [128]byte) {
	for _, b := range " \t\n\r\f\v" {
		c[b] = 1
	}
	for b := 'a'; b <= 'z'; b++ {
		c[b] = 2
		c[b-'a'+'A'] = 2
	}
	for b := '0'; b <= '9'; b++ {
		c[b] = 3
	}
	c[0] = 4
	return c
}()

// write appends text, folding white space and counting characters. Runs of
// ASCII are copied whole; the class table keeps the loop branch-light, and
// the buffer lives in a local so that appends do not pay a write barrier
// each while the GC runs.
func (t *textBuf) write(s []byte) {
	b := t.b
	pending := func() {
		if len(b) > 0 && (t.pendingNL || t.pendingSpace) {
			if t.pendingNL {
				b = append(b, '\n')
			} else {
				b = append(b, ' ')
			}
			if t.inLink > 0 && t.prevLink {
				t.linkChars++
			}
		}
		t.pendingSpace, t.pendingNL = false, false
	}
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch asciiClass[c] {
			case 1:
				t.pendingSpace = true
				i++
				continue
			case 4:
				// NUL is never text; CommonMark and HTML both replace it.
				pending()
				b = append(b, "\uFFFD"...)
				t.countRune(unicode.ReplacementChar)
				i++
				continue
			}
			j, alnum, digits := i, 0, 0
			for j < len(s) && s[j] < utf8.RuneSelf {
				k := asciiClass[s[j]]
				if k == 1 || k == 4 {
					break
				}
				if k >= 2 {
					alnum++
					if k == 3 {
						digits++
					}
				}
				j++
			}
			if t.pendingSpace || t.pendingNL {
				pending()
			}
			b = append(b, s[i:j]...)
			t.countRun(j-i, alnum, digits)
			i = j
			continue
		}
		r, n := utf8.DecodeRune(s[i:])
		if r == utf8.RuneError && n == 1 {
			// Invalid bytes become U+FFFD so that Text is always valid UTF-8.
			pending()
			b = append(b, "\uFFFD"...)
			t.countRune(r)
			i++
			continue
		}
		if unicode.IsSpace(r) { // NBSP, ideographic space, line separators
			t.pendingSpace = true
			i += n
			continue
		}
		pending()
		b = append(b, s[i:i+n]...)
		t.countRune(r)
		i += n
	}
	t.b = b
}

// countRun counts n ASCII characters, alnum of them letters or digits and
// digits of those digits.
func (t *textBuf) countRun(n, alnum, digits int) {
	t.prevLink = t.inLink > 0
	if t.prevLink {
		t.linkChars += n
	}
	if alnum == 0 {
		return
	}
	if t.strong > 0 {
		t.strongIn += alnum
		t.seenStrong = true
		return
	}
	t.strongOut += alnum
	if !t.seenStrong {
		t.leadOut += alnum
		if digits < alnum {
			t.leadOther = true
		}
	}
}

func (t *textBuf) writeString(s string) { t.write([]byte(s)) }

func (t *textBuf) countAlnum(digit bool) {
	if t.strong > 0 {
		t.strongIn++
		t.seenStrong = true
		return
	}
	t.strongOut++
	if !t.seenStrong {
		t.leadOut++
		if !digit {
			t.leadOther = true
		}
	}
}

func (t *textBuf) countRune(r rune) {
	t.prevLink = t.inLink > 0
	if t.prevLink {
		t.linkChars++
	}
	if unicode.IsLetter(r) || unicode.IsDigit(r) {
		t.countAlnum(unicode.IsDigit(r))
	}
}

// isStrong reports whether every letter and digit of the text is inside
// strong emphasis, bar a leading number: "**Q?** 👶", "1. **Q**:" and
// "1\. **Challenge**" are strong, "**Note:** x" is not.
func (t *textBuf) isStrong() bool {
	if t.strongIn == 0 {
		return false
	}
	return t.strongOut == 0 || t.strongOut == t.leadOut && !t.leadOther && t.leadOut <= 4
}

func (t *textBuf) text() string { return string(t.b) }

// markLine starts a new line at the current end of the text (after a break).
func (t *textBuf) markLine(src int) {
	t.lines = append(t.lines, t.stat(src))
}

// stat is the counters now, for a line that starts at the current end of
// the text and at source offset src.
func (t *textBuf) stat(src int) lineStat {
	return lineStat{
		pos: len(t.b), src: src,
		strongIn: t.strongIn, strongOut: t.strongOut,
		links: t.links, linkChars: t.linkChars, anchors: t.anchors,
	}
}

// foldSpace folds white space in s the way textBuf does.
func foldSpace(s string) string {
	var t textBuf
	t.writeString(s)
	return t.text()
}

// validUTF8 replaces invalid bytes so that no Block carries broken text.
func validUTF8(s string) string {
	if utf8.ValidString(s) {
		return s
	}
	return strings.ToValidUTF8(s, "\uFFFD")
}

// hasAlnum reports whether s contains a letter or digit.
func hasAlnum(s string) bool {
	for _, r := range s {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			return true
		}
	}
	return false
}
