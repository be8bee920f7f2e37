package parse

import (
	"bytes"
	"sort"
	"strings"

	"golang.org/x/net/html"
)

// Nesting bounds. Parsers of nested structure can cost the square of the
// nesting (goldmark) or refuse it (x/net/html stops at 512 open elements
// and the page is lost), so deep nesting is flattened before they see it.
// Real documents nest a few levels; only hostile or broken input loses
// structure, never text.

// maxNesting is the deepest nesting of block containers (list items and
// block quotes) opened on one line that Markdown hands to goldmark. Its
// cost grows with the square of that nesting: 100k nested list markers
// on one line (200 KB) took 61 s, 100k nested quotes 20 s (issue 16).
// Real documents nest a few levels; past maxNesting the extra markers of
// a line are removed and its text stays in the deepest container kept.
const maxNesting = 32

// cutList records the bytes flattenNesting removed, for mapping offsets in
// the flattened text back to the source.
type cutList []cut

type cut struct {
	at      int // offset in the flattened text where bytes were removed
	removed int // bytes removed there and before, in total
}

// sourceOffset maps an offset in the flattened text to the source.
func (c cutList) sourceOffset(off int) int {
	i := sort.Search(len(c), func(i int) bool { return c[i].at > off }) - 1
	if i < 0 {
		return off
	}
	return off + c[i].removed
}

// flattenNesting returns src with the container markers past maxNesting
// removed from the start of every line that has more, and where it removed
// them; it returns src and nil when no line has. Lines and their order are
// kept. It reads every byte once.
func flattenNesting(src []byte) ([]byte, cutList) {
	var out []byte
	var cuts cutList
	removed, copied := 0, 0
	for start := 0; start < len(src); {
		end := bytes.IndexByte(src[start:], '\n')
		if end < 0 {
			end = len(src)
		} else {
			end += start
		}
		if keep, skip, ok := excessMarkers(src[start:end]); ok {
			out = append(out, src[copied:start+keep]...)
			removed += skip - keep
			cuts = append(cuts, cut{at: len(out), removed: removed})
			copied = start + skip
		}
		start = end + 1
	}
	if cuts == nil {
		return src, nil
	}
	return append(out, src[copied:]...), cuts
}

// excessMarkers scans the container markers that open line: block quote
// markers (">"), bullets ("-", "+", "*") and ordered list markers ("1.",
// "1)") followed by white space. When there are more than maxNesting, it
// returns the end of the maxNesting-th marker and the end of the last one:
// the bytes between are the excess.
func excessMarkers(line []byte) (keep, skip int, ok bool) {
	n, i := 0, 0
	for {
		j := i
		for j < len(line) && (line[j] == ' ' || line[j] == '\t') {
			j++
		}
		if j == len(line) {
			break
		}
		if line[j] == '>' {
			j++
		} else if m := listMarker(line[j:]); m > 0 {
			j += m
		} else {
			return keep, i, n > maxNesting
		}
		n++
		i = j
		if n == maxNesting {
			keep = i
		}
	}
	return keep, i, n > maxNesting
}

// maxHTMLDepth is the deepest element nesting flattenHTML keeps: half of
// x/net/html's limit of 512 open elements, which counts the elements the
// parser implies too.
const maxHTMLDepth = 256

// tooDeep says whether err is x/net/html refusing a page nested more than
// 512 elements deep.
func tooDeep(err error) bool {
	return err != nil && strings.Contains(err.Error(), "open stack of elements exceeds")
}

// impliedEnd are elements whose start tag closes an open one of the same
// name (HTML's optional end tags), so that a list of unclosed <li> or <p>
// does not count as nesting.
var impliedEnd = map[string]bool{
	"p": true, "li": true, "dt": true, "dd": true, "option": true, "optgroup": true,
	"tr": true, "td": true, "th": true, "tbody": true, "thead": true, "tfoot": true, "rt": true, "rp": true,
}

// voidElements never have content, so they never nest.
var voidElements = map[string]bool{
	"area": true, "base": true, "br": true, "col": true, "embed": true, "hr": true, "img": true,
	"input": true, "link": true, "meta": true, "param": true, "source": true, "track": true, "wbr": true,
}

// flattenHTML returns src with the start and end tags of elements nested
// deeper than maxHTMLDepth removed, their text kept in the deepest element
// kept; the newlines inside removed tags stay, so lines do not move. It
// is used only on a page x/net/html refused as too deep, so the
// approximations of its tokenizer-level nesting (implied end tags beyond
// impliedEnd, misnested formatting elements) touch nothing else.
func flattenHTML(src []byte) []byte {
	type open struct {
		name string
		kept bool
	}
	var stack []open
	kept := 0
	out := make([]byte, 0, len(src))
	drop := func(raw []byte) {
		out = append(out, bytes.Repeat([]byte{'\n'}, bytes.Count(raw, []byte{'\n'}))...)
	}
	z := html.NewTokenizer(bytes.NewReader(src))
	for {
		tt := z.Next()
		if tt == html.ErrorToken {
			return out
		}
		raw := z.Raw()
		switch tt {
		case html.StartTagToken:
			name, _ := z.TagName()
			n := string(name)
			if voidElements[n] {
				out = append(out, raw...)
				continue
			}
			if impliedEnd[n] && len(stack) > 0 && stack[len(stack)-1].name == n {
				if stack[len(stack)-1].kept {
					kept--
				}
				stack = stack[:len(stack)-1]
			}
			o := open{name: n, kept: kept < maxHTMLDepth}
			stack = append(stack, o)
			if o.kept {
				kept++
				out = append(out, raw...)
			} else {
				drop(raw)
			}
		case html.EndTagToken:
			name, _ := z.TagName()
			n := string(name)
			// Look for the element it closes near the top only: a stray
			// end tag must not cost a walk down a deep stack.
			i := len(stack) - 1
			for ; i >= 0 && i >= len(stack)-64 && stack[i].name != n; i-- {
			}
			if i < 0 || stack[i].name != n {
				out = append(out, raw...) // stray: the parser ignores it
				continue
			}
			wasKept := stack[i].kept
			for _, o := range stack[i:] {
				if o.kept {
					kept--
				}
			}
			stack = stack[:i]
			if wasKept {
				out = append(out, raw...)
			} else {
				drop(raw)
			}
		default:
			out = append(out, raw...)
		}
	}
}
