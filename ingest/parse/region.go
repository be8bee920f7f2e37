package parse

import (
	"strings"
	"unicode"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// The main content region of a page is found by text density against link
// density, the readability approach: every run of prose scores by its
// length when little of it is link text, a heading scores as a short
// paragraph, and a run made of links or of a few words (menu entries,
// sidebar captions) scores nothing. An element scores what its runs and
// children score. The region is the deepest element holding nearly all of
// the page's score, found by walking down from the root into the heaviest
// child while that child keeps it; a child whose own markup names it as
// chrome (nav, aside, footer, comments, sidebar…) weighs less there.
//
// Readability itself (go-shiori/go-readability, readeck's fork) was
// measured on the saved pages of ../shared: it finds the same content, but
// it also rewrites the tree (drops "unlikely" nodes, cleans lists and
// tables with many links) without saying what it removed, and ran at
// 1.5-23 MB/s on the 300 KB pages, against the one extra pass over the DOM
// here. iq must report every block it drops, with its line.

// regionShare is the share of the page's score the region must hold: high,
// so that a page whose content is spread out (questions in sibling cards
// and a long comment thread) keeps its blocks and the per-block noise
// rules decide, as they would without a region.
const regionShare = 0.85

// regionMinScore is the least score a page needs for a region: a page with
// a few lines of prose has no clear main region.
const regionMinScore = 6

type regionScorer struct {
	w     *htmlWalker
	score map[*html.Node]float64
	// headed marks elements holding a heading beside prose: a question
	// with its answer, or a section of them.
	headed map[*html.Node]bool
}

// contentRegion returns the element that holds the page's main content, or
// nil when no element below the body holds nearly all of it.
//
// The walk goes down into the heaviest child while it holds regionShare of
// what its siblings hold together, a child named as chrome counting a
// fifth of its score, and while it keeps half of the page's whole score:
// the layout around the content may carry chrome names ("has-sidebar",
// "content-with-sidebar") without losing it.
func (w *htmlWalker) contentRegion(root *html.Node) *html.Node {
	rs := regionScorer{w: w, score: map[*html.Node]float64{}, headed: map[*html.Node]bool{}}
	total := rs.visit(root)
	if total < regionMinScore {
		return nil
	}
	n := root
	for {
		var best *html.Node
		bestEff, sum := 0.0, 0.0
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			eff := rs.score[c]
			if c.Type == html.ElementNode && chromeHint(c) {
				eff *= 0.2
			}
			sum += eff
			if eff > bestEff {
				best, bestEff = c, eff
			}
		}
		if best == nil || bestEff < regionShare*sum || rs.score[best] < total/2 || leafBlock(best) ||
			best.DataAtom == atom.Table && w.isDataTable(best) {
			break
		}
		// A sibling with headings and prose of its own, not named as
		// chrome, is more content (the other questions beside one long
		// answer): the region keeps it.
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			if c != best && rs.headed[c] && !chromeHint(c) {
				best = nil
				break
			}
		}
		if best == nil {
			break
		}
		n = best
	}
	if n == root || n.Type != html.ElementNode || n.DataAtom == atom.Html || n.DataAtom == atom.Body {
		return nil
	}
	return n
}

func headingTag(n *html.Node) bool {
	switch n.DataAtom {
	case atom.H1, atom.H2, atom.H3, atom.H4, atom.H5, atom.H6:
		return true
	}
	return false
}

// leafBlock is an element whose content is one unit of text: the region
// never narrows to a single paragraph, list item or code block (nor to a
// data table; a layout table is a container like a div).
func leafBlock(n *html.Node) bool {
	switch n.DataAtom {
	case atom.P, atom.Pre, atom.Li, atom.H1, atom.H2, atom.H3, atom.H4, atom.H5, atom.H6,
		atom.Blockquote, atom.Dd, atom.Dt, atom.Summary, atom.Textarea:
		return true
	}
	return false
}

// visit scores n and its children, gathering inline runs as the walker
// does (container), and returns n's score.
func (rs *regionScorer) visit(n *html.Node) float64 {
	if n.Type == html.ElementNode && (skipTags[n.DataAtom] || rs.w.isAd(n)) {
		return 0 // ads are blocks of their own, never the content
	}
	total := 0.0
	var run runCount
	inRun := false
	flush := func() {
		if inRun {
			total += run.score()
			run = runCount{}
			inRun = false
		}
	}
	switch n.DataAtom {
	case atom.Pre, atom.Textarea:
		// Code counts as prose of its length.
		var rc runCount
		rc.text(n, false)
		rc.heading = false
		total = rc.score()
		rs.score[n] = total
		return total
	case atom.H1, atom.H2, atom.H3, atom.H4, atom.H5, atom.H6:
		var rc runCount
		rc.text(n, false)
		rc.heading = true
		total = rc.score()
		rs.score[n] = total
		return total
	}
	// Headings count only beside prose: the "results matching" titles of
	// an empty search box are not content.
	heads := 0.0
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if rs.w.isInline(c) {
			run.text(c, false)
			inRun = true
			continue
		}
		flush()
		switch {
		case c.Type == html.ElementNode && headingTag(c):
			heads += rs.visit(c)
		case c.Type == html.ElementNode || c.Type == html.DocumentNode:
			total += rs.visit(c)
		}
	}
	flush()
	if total > 0 && heads > 0 {
		total += heads
		rs.headed[n] = true
	}
	for c := n.FirstChild; c != nil && !rs.headed[n]; c = c.NextSibling {
		rs.headed[n] = rs.headed[c]
	}
	rs.score[n] = total
	return total
}

// runCount measures a run of inline content: runes of plain text and of
// link text (CJK characters count double, since a word is one or two of
// them).
type runCount struct {
	plain, link int
	heading     bool
}

func (rc *runCount) text(n *html.Node, inLink bool) {
	switch n.Type {
	case html.TextNode:
		k := 0
		for _, r := range n.Data {
			switch {
			case unicode.IsSpace(r):
				continue
			case r >= 0x2E80 && (unicode.Is(unicode.Han, r) || unicode.Is(unicode.Hiragana, r) ||
				unicode.Is(unicode.Katakana, r) || unicode.Is(unicode.Hangul, r)):
				k += 2
			default:
				k++
			}
		}
		if inLink {
			rc.link += k
		} else {
			rc.plain += k
		}
		return
	case html.ElementNode:
	default:
		return
	}
	if skipTags[n.DataAtom] {
		return
	}
	if n.DataAtom == atom.A {
		if _, ok := attr(n, "href"); ok {
			inLink = true
		}
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		rc.text(c, inLink)
	}
}

// score is the run's weight: nothing for link lists and captions, one for
// a heading or a short paragraph, up to four for a long one, as in
// Readability's paragraph score.
func (rc runCount) score() float64 {
	if rc.link > rc.plain {
		return 0
	}
	if rc.heading {
		if rc.plain >= 3 {
			return 1
		}
		return 0
	}
	if rc.plain < 20 {
		return 0
	}
	return 1 + min(float64(rc.plain-rc.link)/100, 3)
}

// chromeHint reports an element whose own tag, class or id names page
// chrome: navigation, header, footer, aside, sidebar, comments, widgets.
// The hint only weighs against it when choosing among siblings.
func chromeHint(n *html.Node) bool {
	switch n.DataAtom {
	case atom.Nav, atom.Aside, atom.Footer, atom.Header, atom.Menu:
		return true
	}
	for _, a := range n.Attr {
		if a.Key != "class" && a.Key != "id" && a.Key != "role" {
			continue
		}
		for _, tok := range strings.FieldsFunc(lowerASCII(a.Val), func(r rune) bool {
			return !('a' <= r && r <= 'z' || '0' <= r && r <= '9')
		}) {
			switch tok {
			case "nav", "navbar", "navigation", "menu", "sidebar", "footer", "header", "comment", "comments",
				"widget", "widgets", "related", "share", "social", "breadcrumb", "breadcrumbs", "pagination",
				"toc", "summary", "banner", "contentinfo", "complementary", "cookie", "cookies", "consent", "gdpr":
				return true
			}
		}
	}
	return false
}
