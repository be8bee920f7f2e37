package query

import (
	"html"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/iq-search/iq/index"
)

// Highlighting is done here from the term locations Bleve returns, not by
// Bleve's highlighter: locations include terms matched through synonyms and
// concept tokens ("dependency injection" as one span), the question is
// marked whole instead of cut into a 200-byte fragment, and answer
// fragments are chosen by how many marks they hold. Everything outside a
// mark is HTML-escaped; the marks are the only markup.

const (
	markOpen  = "<mark>"
	markClose = "</mark>"
	// fragmentLen is the target length of an answer fragment in bytes.
	fragmentLen = 220
	// maxFragments is the number of answer fragments per hit.
	maxFragments = 2
	// snippetLen is the length of Hit.Snippet in bytes, about two lines
	// of a terminal.
	snippetLen = 160
)

type byteSpan struct{ start, end int }

// spans collects the locations of one array element (arrayPos) of a field,
// sorted and merged.
func spans(terms map[string][]index.Location, value int) []byteSpan {
	var out []byteSpan
	for _, locs := range terms {
		for _, l := range locs {
			if l.Value == value && l.End > l.Start {
				out = append(out, byteSpan{l.Start, l.End})
			}
		}
	}
	return merge(out)
}

func merge(ss []byteSpan) []byteSpan {
	slices.SortFunc(ss, func(a, b byteSpan) int {
		if a.start != b.start {
			return a.start - b.start
		}
		return b.end - a.end
	})
	var out []byteSpan
	for _, s := range ss {
		if n := len(out); n > 0 && s.start <= out[n-1].end {
			out[n-1].end = max(out[n-1].end, s.end)
			continue
		}
		out = append(out, s)
	}
	return out
}

// markAll returns text HTML-escaped with the spans marked. Spans outside
// the text (a stale location) are ignored rather than trusted.
func markAll(text string, ss []byteSpan) string {
	return markRange(text, 0, len(text), ss)
}

func markRange(text string, from, to int, ss []byteSpan) string {
	var b strings.Builder
	cur := from
	for _, s := range ss {
		if s.start < cur || s.end > to || !utf8.ValidString(text[s.start:s.end]) {
			continue
		}
		b.WriteString(html.EscapeString(text[cur:s.start]))
		b.WriteString(markOpen)
		b.WriteString(html.EscapeString(text[s.start:s.end]))
		b.WriteString(markClose)
		cur = s.end
	}
	b.WriteString(html.EscapeString(text[cur:to]))
	return b.String()
}

// fragments picks up to maxFragments windows of the answers around the
// matched terms, richest first, as HTML.
func fragments(answers []string, locs map[string][]index.Location) []string {
	type frag struct {
		answer, start, end, marks int
	}
	var cands []frag
	marks := make([][]byteSpan, len(answers)) // each answer's, found once
	for i, text := range answers {
		ss := spans(locs, i)
		marks[i] = ss
		for k := 0; k < len(ss); {
			// A window starting a little before the k-th mark.
			start := wordStart(text, max(0, ss[k].start-fragmentLen/4))
			end := wordEnd(text, min(len(text), start+fragmentLen))
			n := 0
			j := k
			for j < len(ss) && ss[j].end <= end {
				n++
				j++
			}
			if n == 0 { // a single mark longer than the window
				end = ss[k].end
				n, j = 1, k+1
			}
			cands = append(cands, frag{i, start, end, n})
			k = j
		}
	}
	slices.SortStableFunc(cands, func(a, b frag) int { return b.marks - a.marks })
	out := []string{}
	for _, c := range cands[:min(len(cands), maxFragments)] {
		text := answers[c.answer]
		s := markRange(text, c.start, c.end, marks[c.answer])
		s = collapseSpace(s)
		if c.start > 0 {
			s = "…" + s
		}
		if c.end < len(text) {
			s += "…"
		}
		out = append(out, s)
	}
	return out
}

// snippet returns the start of text, white space collapsed, cut at a word
// boundary near n bytes.
func snippet(text string, n int) string {
	// The start of the collapsed text decides the snippet: past n+20 bytes
	// a word end is too far (below), and a long answer was collapsed whole
	// for 160 bytes of it before.
	return cutSnippet(collapsedPrefix(text, n+21), n)
}

// cutSnippet cuts collapsed text t at a word boundary near n bytes.
func cutSnippet(t string, n int) string {
	if len(t) <= n {
		return t
	}
	end := wordEnd(t, n)
	if end > n+20 || end == len(t) && len(t) > n+20 {
		end = n
		for end > 0 && !utf8.RuneStart(t[end]) {
			end--
		}
	}
	return strings.TrimRight(t[:end], " ,.;:") + "…"
}

func collapseSpace(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

// collapsedPrefix returns the start of collapseSpace(s): all of it, or a
// prefix longer than limit bytes.
func collapsedPrefix(s string, limit int) string {
	var b strings.Builder
	b.Grow(min(len(s), limit+utf8.UTFMax+1))
	space := false // white space since the last word
	for i := 0; i < len(s); {
		r, size := rune(s[i]), 1
		if r >= utf8.RuneSelf {
			r, size = utf8.DecodeRuneInString(s[i:])
		}
		if unicode.IsSpace(r) {
			space = b.Len() > 0
			i += size
			continue
		}
		if b.Len() > limit {
			break
		}
		if space {
			b.WriteByte(' ')
			space = false
		}
		b.WriteString(s[i : i+size])
		i += size
	}
	return b.String()
}

// wordStart moves i back to the start of the word it is in.
func wordStart(text string, i int) int {
	for i > 0 && !utf8.RuneStart(text[i]) {
		i--
	}
	for i > 0 {
		r, size := utf8.DecodeLastRuneInString(text[:i])
		if unicode.IsSpace(r) {
			break
		}
		i -= size
	}
	return i
}

// wordEnd moves i forward to the end of the word it is in.
func wordEnd(text string, i int) int {
	for i < len(text) && !utf8.RuneStart(text[i]) {
		i++
	}
	for i < len(text) {
		r, size := utf8.DecodeRuneInString(text[i:])
		if unicode.IsSpace(r) {
			break
		}
		i += size
	}
	return i
}
