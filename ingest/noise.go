package ingest

import (
	"bytes"
	"fmt"
	"iter"
	"regexp"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/iq-search/iq/ingest/parse"
)

// Noise stripping works block by block on general signals — the structure
// a page gives a block (Context), how much of it is link text, and the
// vocabulary of promotions and site chrome — never on the names of the
// brands that happen to appear in the seeds.

// filterNoise returns the blocks worth segmenting, a Drop for each block
// it removed, and a Warning when it removed the page's whole content as
// navigation.
func filterNoise(file string, blocks []parse.Block) ([]parse.Block, []Drop, []Warning) {
	blocks, markers := expandAdmonitions(blocks)
	reasons := make([]Reason, len(blocks))
	prose := proseRunes(blocks)
	cache := layoutEntries(blocks, prose)
	for i := range blocks {
		reasons[i] = noiseReason(&blocks[i], cache)
	}
	for _, i := range markers {
		if reasons[i] == "" {
			reasons[i] = DropComponent // an admonition marker: markup, not text
		}
	}
	smoothAds(blocks, reasons)
	keepListLinks(blocks, reasons)
	dropMirrors(blocks, reasons)
	warns := bodyDropped(file, blocks, reasons, prose)
	// Kept blocks are compacted in place: the parser's slice is ours, and
	// a block is read before any later one overwrites it.
	kept := blocks[:0]
	var drops []Drop
	for i, b := range blocks {
		switch reasons[i] {
		case "":
			kept = append(kept, b)
		case reasonSilent:
			// Separators and blocks without text remove nothing a reader
			// would miss.
		default:
			drops = append(drops, Drop{File: file, Line: b.Line, Reason: reasons[i], Text: excerpt(blockText(b)), Asks: asks(b.Text)})
		}
	}
	return kept, drops, warns
}

// keepListLinks keeps the items of a Markdown list that are one link each
// ("* [Divide two integers](https://…/problems/…)") where the same list
// holds plain items ("* 33 Search in rotated sorted array"): there a link
// names an item like its siblings, it is not a menu. Whether the list is
// questions is for segmentation to decide (issue 11).
func keepListLinks(blocks []parse.Block, reasons []Reason) {
	for start := 0; start < len(blocks); {
		b := &blocks[start]
		end := start + 1
		if b.Kind == parse.ListItem && len(b.Context) == 0 {
			for end < len(blocks) && blocks[end].Kind == parse.ListItem && blocks[end].Depth == b.Depth && len(blocks[end].Context) == 0 {
				end++
			}
		}
		plain := 0
		for i := start; i < end; i++ {
			if reasons[i] == "" && blocks[i].Kind == parse.ListItem && blocks[i].Links == 0 {
				plain++
			}
		}
		if plain >= 2 {
			for i := start; i < end; i++ {
				if reasons[i] == DropNavigation && blocks[i].Links == 1 && blocks[i].AnchorLinks == 0 && blocks[i].Kind == parse.ListItem {
					reasons[i] = ""
				}
			}
		}
		start = end
	}
}

// dropMirrors marks table-of-contents entries that the general rules kept:
// list items and paragraphs that repeat the text of a heading (or summary)
// of the same document, with nothing after it but a few words (the
// difficulty or page number a TOC appends: "[How do you squash commits?]
// (#q2) Intermediate"). A TOC entry is never a question, nor a second
// source of the question it points at. An entry must carry a link, or
// stand in a run of two or more such entries: one sentence that happens
// to repeat a heading is not a table of contents.
func dropMirrors(blocks []parse.Block, reasons []Reason) {
	heads := &mirrorHeads{keys: map[string]bool{}}
	for i := range blocks {
		b := &blocks[i]
		if reasons[i] == "" && (b.Kind == parse.Heading || b.Kind == parse.Summary) {
			if k := mirrorKey(b.Text); k != "" {
				heads.add(k)
			}
		}
	}
	if len(heads.keys) == 0 {
		return
	}
	mirror := make([]bool, len(blocks))
	var m mirrorBuf
	for i := range blocks {
		b := &blocks[i]
		if reasons[i] != "" || b.Kind != parse.ListItem && b.Kind != parse.Paragraph || b.Role != "" {
			continue
		}
		mirror[i] = m.mirrors(b.Text, heads)
	}
	prev := -1 // the last block that was not dropped
	for i := range blocks {
		if reasons[i] != "" {
			continue
		}
		if mirror[i] {
			next := i + 1
			for next < len(blocks) && reasons[next] != "" {
				next++
			}
			run := prev >= 0 && mirror[prev] || next < len(blocks) && mirror[next]
			if blocks[i].Links > 0 || run {
				reasons[i] = DropTOC
			}
		}
		prev = i
	}
}

// mirrorKey is a heading's text as a TOC repeats it: numbering, markup
// and punctuation removed, lower case.
func mirrorKey(t string) string {
	t, _ = stripNumber(strings.TrimSpace(t))
	var sb strings.Builder
	for _, r := range t {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			sb.WriteRune(unicode.ToLower(r))
		}
	}
	if utf8.RuneCountInString(sb.String()) < 4 {
		return "" // "Q1", "Go": too short to tell a mirror from a mention
	}
	return sb.String()
}

// mirrorHeads are the mirrorKeys of a document's headings, with the
// length of the longest and a filter of their first four runes (which
// every key has, and every key of a text shares with the text's whole
// key): most blocks are ruled out after a few bytes of their key.
type mirrorHeads struct {
	keys   map[string]bool
	starts wordFilter
	maxLen int
}

func (h *mirrorHeads) add(k string) {
	h.keys[k] = true
	h.maxLen = max(h.maxLen, len(k))
	n, i := 0, 0
	for i < len(k) && n < 4 {
		_, size := utf8.DecodeRuneInString(k[i:])
		i += size
		n++
	}
	h.starts.add(k[:i])
}

// mirrorBuf holds the buffers of mirrors, reused from block to block.
type mirrorBuf struct {
	joined, key []byte
	ends        []int // ends[m]: the length of the first m+1 words joined
}

// mirrors reports whether t, or t less its last one to three words, has
// the mirrorKey of a heading in heads; t of more than 80 words never
// does. It gives what mirrorKey(strings.Join(words[:n-k], " ")) would
// for each k, but filters the text once instead of four times: the
// prefixes share the numbering stripNumber removes (a match of the
// anchored numberPrefix that ends inside a prefix is the same match on
// the prefix), so each key is a prefix of the whole text's key. The rare
// prefix that ends inside the numbering is keyed the slow way. This rule
// was 14% of ingest's CPU time (issue 11).
func (m *mirrorBuf) mirrors(t string, heads *mirrorHeads) bool {
	// The words as strings.Fields splits them, joined by one space.
	m.joined, m.ends = m.joined[:0], m.ends[:0]
	word := -1 // where the current word starts
	for i := 0; i < len(t); {
		c, size := rune(t[i]), 1
		if c >= utf8.RuneSelf {
			c, size = utf8.DecodeRuneInString(t[i:])
		}
		if c == ' ' || c >= '\t' && c <= '\r' || c >= utf8.RuneSelf && unicode.IsSpace(c) {
			if word >= 0 {
				m.joined = append(m.joined, t[word:i]...)
				m.ends = append(m.ends, len(m.joined))
				word = -1
			}
		} else if word < 0 {
			if len(m.ends) == 80 {
				return false
			}
			if len(m.joined) > 0 {
				m.joined = append(m.joined, ' ')
			}
			word = i
		}
		i += size
	}
	if word >= 0 {
		m.joined = append(m.joined, t[word:]...)
		m.ends = append(m.ends, len(m.joined))
	}
	n := len(m.ends)
	if n == 0 {
		return false
	}
	full := m.joined
	// Where the key starts: after the emphasis markers and the numbering
	// stripNumber removes from the whole text, and up to which prefix
	// length that start holds (a prefix must reach past the numbering).
	start := len(full) - len(bytes.TrimLeft(full, "*_"))
	strip := start
	if start < len(full) {
		if c := full[start]; c >= '0' && c <= '9' || c == 'Q' || c == 'q' || c == '#' {
			if end := numberPrefixEnd(string(full[start:])); end >= 0 {
				strip = start + end // the whole text when it is all numbering
			}
		}
	}
	first := max(n-4, 0)
	w := first
	for w < n && m.ends[w] <= strip {
		// A prefix that ends inside the numbering (or a text that is all
		// numbering): stripNumber sees a different text.
		if heads.keys[mirrorKey(string(full[:m.ends[w]]))] {
			return true
		}
		w++
	}
	// The key of full[strip:], with its length and rune count at each of
	// the last four word ends, as far as a heading's key may reach.
	var klen, krunes [4]int
	m.key = m.key[:0]
	runes := 0
	for p := strip; p < len(full) && len(m.key) <= heads.maxLen; {
		if c := full[p]; c < utf8.RuneSelf {
			switch {
			case c >= 'a' && c <= 'z' || c >= '0' && c <= '9':
				m.key = append(m.key, c)
				runes++
			case c >= 'A' && c <= 'Z':
				m.key = append(m.key, c+'a'-'A')
				runes++
			}
			p++
		} else {
			r, size := utf8.DecodeRune(full[p:])
			if unicode.IsLetter(r) || unicode.IsDigit(r) {
				m.key = utf8.AppendRune(m.key, unicode.ToLower(r))
				runes++
			}
			p += size
		}
		if runes == 4 && !mayHold(&heads.starts, m.key) {
			return false // no heading's key starts so
		}
		for w < n && m.ends[w] <= p {
			klen[w-first], krunes[w-first] = len(m.key), runes
			w++
		}
	}
	for ; w < n; w++ {
		klen[w-first], krunes[w-first] = -1, 0 // longer than any heading's key
	}
	for w := n - 1; w >= first; w-- {
		if m.ends[w] > strip && krunes[w-first] >= 4 && heads.keys[string(m.key[:klen[w-first]])] {
			return true
		}
	}
	return false
}

// proseRunes returns each block's runes outside link text, read once for
// layoutEntries and bodyDropped; 0 for blocks outside the content and
// rules, which neither counts.
func proseRunes(blocks []parse.Block) []int {
	n := make([]int, len(blocks))
	for i := range blocks {
		if b := &blocks[i]; !b.Outside && b.Kind != parse.Rule {
			n[i] = utf8.RuneCountInString(b.Text) - b.LinkChars
		}
	}
	return n
}

// layoutEntries returns the context entries that wrap nearly all of the
// page's prose, each with no reason, as the seed of contextReason's cache:
// an element around the whole content is page layout whatever its name
// ("div.content-with-sidebar", "body.has-sidebar", a GitBook's
// "#book-search-results"), and it must not drop the page as navigation.
// Entries inside the content stay signals (an aside, a comment thread).
func layoutEntries(blocks []parse.Block, runes []int) map[string]Reason {
	cache := map[string]Reason{}
	prose := func(i int) int {
		if blocks[i].Kind == parse.Code || runes[i] < 40 {
			return 0
		}
		return runes[i]
	}
	total := 0
	for i := range blocks {
		total += prose(i)
	}
	if total < 400 {
		return cache
	}
	cover := map[string]int{}
	for i := range blocks {
		n := prose(i)
		if n == 0 {
			continue
		}
		for j, c := range blocks[i].Context {
			// Entries repeat within one context ("div" for each div): count
			// each once.
			if !slices.Contains(blocks[i].Context[:j], c) {
				cover[c] += n
			}
		}
	}
	for c, n := range cover {
		if n*10 >= total*8 && contextEntryReason(c) == DropNavigation && !commentEntry(c) {
			cache[c] = ""
		}
	}
	return cache
}

// commentEntry reports a comment thread's container: a long discussion
// under a short article wraps most of the prose but is still not content.
func commentEntry(c string) bool {
	for tok := range contextTokens(c) {
		switch strings.TrimRight(tok, "0123456789") {
		case "comment", "comments", "disqus", "replies", "reply", "discussion":
			return true
		}
	}
	return false
}

// bodyDropped warns when the page's content — its prose outside the
// chrome the parser found — went almost all as navigation or table of
// contents: no question can come from it, and the rules that removed it are
// wrong for this page (issue 11: "a page whose whole body is dropped as
// navigation is a bug").
func bodyDropped(file string, blocks []parse.Block, reasons []Reason, runes []int) []Warning {
	const minProse = 400 // runes of prose: a page with less says too little to judge
	total, nav, first := 0, 0, 0
	for i := range blocks {
		b := &blocks[i]
		if b.Outside || b.Kind == parse.Rule || reasons[i] == reasonSilent {
			continue
		}
		n := runes[i]
		if n < 20 && b.Kind != parse.Heading {
			continue // captions and menu entries
		}
		if slices.ContainsFunc(b.Context, commentEntry) {
			continue // readers' comments are not the page's content
		}
		total += n
		if r := reasons[i]; r == DropNavigation || r == DropTOC {
			nav += n
			if first == 0 {
				first = b.Line
			}
		}
	}
	if total < minProse || nav*10 < total*9 {
		return nil
	}
	return []Warning{{File: file, Line: first, Message: fmt.Sprintf(
		"%d%% of the page's prose was removed as navigation: the page's content is probably lost (please report it)",
		nav*100/total)}}
}

// reasonSilent marks blocks removed without a Drop: rules and blocks with
// no text at all (an image, an empty anchor).
const reasonSilent Reason = "-"

func noiseReason(b *parse.Block, cache map[string]Reason) Reason {
	if b.Outside {
		// Outside the page's main content region: menus, sidebars,
		// header and footer, whatever their markup.
		if b.Kind == parse.Rule || strings.TrimSpace(b.Text) == "" || !hasLetterOrDigit(b.Text) {
			return reasonSilent
		}
		return DropNavigation
	}
	if r := contextReason(b.Context, cache); r != "" {
		return r
	}
	switch b.Kind {
	case parse.Rule:
		return reasonSilent
	case parse.Code:
		if strings.TrimSpace(b.Text) == "" {
			return reasonSilent
		}
		return ""
	case parse.Table:
		if b.AnchorLinks >= 3 && b.LinkChars*2 >= utf8.RuneCountInString(b.Text) {
			return DropTOC
		}
		if b.Links >= 3 && b.LinkChars*10 >= 8*utf8.RuneCountInString(b.Text) {
			return DropNavigation
		}
		if strings.TrimSpace(b.Text) == "" {
			return reasonSilent
		}
		return textReason(b)
	}
	if strings.TrimSpace(b.Text) == "" || !hasLetterOrDigit(b.Text) && b.Task == parse.TaskNone {
		// An option of a multiple-choice question ("- [x] $$") is
		// content, letters or not.
		return reasonSilent
	}
	if b.Role == "question" || b.Role == "answer" {
		// The markup itself says this is content.
		return ""
	}
	if imageOnly(b) {
		// The text is an image's alt text: a banner when linked, an
		// illustration iq cannot show otherwise.
		if b.Links > 0 {
			return DropAd
		}
		return DropComponent
	}
	n := utf8.RuneCountInString(b.Text)
	if b.Kind == parse.Heading && b.Links == 1 && b.AnchorLinks == 1 {
		// A heading wrapped in a link to a place in the page is its own
		// permalink (Docsify's <h3><a href="#/sql?id=q1">…</a></h3>): a
		// table of contents is a list, not a heading.
		return textReason(b)
	}
	if b.AnchorLinks >= 1 && b.LinkChars*10 >= 8*n {
		return DropTOC
	}
	if b.Links >= 2 && b.LinkChars*10 >= 7*n {
		return DropNavigation
	}
	if b.Links >= 1 && b.LinkChars*10 >= 9*n && n <= 100 && !questionLike(b.Text) {
		return DropNavigation
	}
	return textReason(b)
}

// imageOnly reports a block whose text comes from an image (the parser
// puts "img" last in its context).
func imageOnly(b *parse.Block) bool {
	n := len(b.Context)
	return n > 0 && b.Context[n-1] == "img"
}

func hasLetterOrDigit(s string) bool {
	for _, r := range s {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			return true
		}
	}
	return false
}

// textReason judges a block by its words alone.
func textReason(b *parse.Block) Reason {
	t := b.Text
	// Labels, pagers, banners and copyright lines are short; only short
	// texts pay for the checks (this runs on every block).
	short := len(t) <= 80
	var buf [128]byte
	var lower []byte // lowered on the stack
	if short {
		lower = appendLower(buf[:0], strings.TrimFunc(t, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }))
	}
	if short && (adLabels[string(lower)] || bytes.HasPrefix(lower, []byte("ads by "))) {
		return DropAd
	}
	if b.Links >= 1 && len(t) <= 300 && promoLink.MatchString(t) {
		return DropAd
	}
	if adScore(t) >= 2 {
		return DropAd
	}
	if isChrome(t) || short && pagerLink(lower) {
		return DropNavigation
	}
	if len(t) <= 400 && (mentionsAny(t, "ookie", "OOKIE") && cookieBanner.MatchString(t) ||
		mentionsAny(t, "©", "(c)", "(C)", "opyright", "ights reserved", "IGHTS RESERVED") && copyright.MatchString(t)) {
		return DropNavigation
	}
	if short && placeholders[string(lower)] {
		return DropEmpty
	}
	return ""
}

// adLabels are the captions of ad slots.
var adLabels = setOf("advertisement", "advertisements", "sponsored", "sponsored content", "sponsored link",
	"sponsored links", "ad", "ads")

// placeholders stand where an answer should be ("Answer here").
var placeholders = setOf("answer here", "tbd", "todo", "coming soon", "to be added")

// pagerLink reports "Next Topic…", "Previous Page", "Prev Chapter" and the
// like (lower is the text lower-cased without outer punctuation).
func pagerLink(lower []byte) bool {
	for _, p := range []string{"next", "previous", "prev"} {
		if rest, ok := bytes.CutPrefix(lower, []byte(p)); ok {
			rest = bytes.TrimLeft(rest, " ")
			for _, w := range []string{"topic", "post", "article", "page", "chapter", "lesson"} {
				if bytes.HasPrefix(rest, []byte(w)) {
					return true
				}
			}
		}
	}
	return false
}

func mentionsAny(t string, subs ...string) bool {
	for _, s := range subs {
		if strings.Contains(t, s) {
			return true
		}
	}
	return false
}

// contextReason reads the structural signals the parser recorded. Pages
// repeat the same ancestors on every block, so each entry's verdict is
// cached for the run of one file.
func contextReason(ctx []string, cache map[string]Reason) Reason {
	var nav bool
	for _, c := range ctx {
		r, ok := cache[c]
		if !ok {
			r = contextEntryReason(c)
			cache[c] = r
		}
		switch r {
		case DropNavigation:
			nav = true
		case "":
		default:
			return r
		}
	}
	if nav {
		return DropNavigation
	}
	return ""
}

func contextEntryReason(c string) Reason {
	switch c {
	case "front-matter":
		return DropFrontMatter
	case "jsx", "script", "style", "noscript", "template", "iframe", "form", "button", "select":
		return DropComponent
	}
	nav := false
	for tok := range contextTokens(c) {
		tok = strings.TrimRight(tok, "0123456789")
		switch {
		case adTokens[tok]:
			return DropAd
		case navTokens[tok] || navAffix(tok):
			nav = true
		}
	}
	if nav {
		return DropNavigation
	}
	return ""
}

// contextTokens yields the words of "div#left-sidebar.menu_box",
// lower-cased, as strings.FieldsFunc would split them, without building
// their slice (every context entry of every page is split).
func contextTokens(c string) iter.Seq[string] {
	return func(yield func(string) bool) {
		c := strings.ToLower(c)
		start := -1
		for i := 0; i < len(c); i++ {
			switch c[i] {
			case '.', '#', '-', '_', ' ', ':', '[', ']', '=':
				if start >= 0 {
					if !yield(c[start:i]) {
						return
					}
					start = -1
				}
			default:
				if start < 0 {
					start = i
				}
			}
		}
		if start >= 0 {
			yield(c[start:])
		}
	}
}

var adTokens = setOf("ad", "ads", "adv", "advert", "adverts", "advertisement", "advertising", "adsbygoogle",
	"adsense", "adslot", "adunit", "adbox", "adsbox", "dfp", "gpt", "sponsor", "sponsored", "sponsors", "promo",
	"promotion", "promoted", "affiliate", "taboola", "outbrain")

var navTokens = setOf("nav", "navbar", "navigation", "menu", "mainmenu", "submenu", "megamenu", "header", "footer",
	"aside", "sidebar", "breadcrumb", "breadcrumbs", "cookie", "cookies", "consent", "gdpr", "share", "sharing",
	"social", "comment", "comments", "disqus", "pagination", "pager", "widget", "toolbar", "topbar", "search",
	"newsletter", "subscribe", "login", "signup", "prev", "next", "related")

// navAffixes are chrome words long enough to be recognised inside a
// compound class name ("ddsmoothmenu", "leftmenu", "headermobile").
var navAffixes = []string{"menu", "navbar", "sidebar", "footer", "header", "breadcrumb", "cookie", "pagination",
	"social", "share", "widget", "toolbar", "topbar", "comment"}

func navAffix(tok string) bool {
	if len(tok) <= 4 {
		return false
	}
	for _, a := range navAffixes {
		if strings.HasPrefix(tok, a) || strings.HasSuffix(tok, a) {
			return true
		}
	}
	return false
}

func setOf(words ...string) map[string]bool {
	m := make(map[string]bool, len(words))
	for _, w := range words {
		m[w] = true
	}
	return m
}

// chromeWords are the words site chrome is made of: navigation, comment
// and contact widgets, share bars, pagination. A short block made only of
// them is chrome.
var chromeWords = setOf("prev", "previous", "next", "page", "pages", "comments", "comment", "discussions",
	"discussion", "archive", "archives", "contact", "form", "us", "send", "submit", "tools", "show", "more",
	"less", "question", "questions", "and", "answers", "back", "to", "top", "share", "this", "on", "tweet",
	"home", "menu", "search", "subscribe", "login", "log", "in", "out", "sign", "up", "register", "print", "email",
	"e-mail", "facebook", "twitter", "linkedin", "whatsapp", "reddit", "pinterest", "telegram", "x", "copy",
	"link", "related", "posts", "post", "reply", "leave", "a", "read", "continue", "reading", "view", "all",
	"hide", "toggle", "skip", "content", "main", "loading", "tags", "tag", "categories", "category", "about",
	"privacy", "policy", "terms", "of", "use", "service", "sitemap", "rss", "feed", "follow", "me", "blog",
	"newer", "older", "the", "table", "contents", "articles", "article", "recent", "popular", "like", "likes",
	"your", "name", "message", "cancel", "close", "open", "online", "latest", "tutorials", "tutorial", "go",
	"see", "list", "jobs", "videos", "library", "faq", "faqs")

// isChrome reports a short block made only of chrome words, like "Prev
// Next", "Comments & Discussions", "Contact Form", "Show more question and
// Answers...", "⬆ Back to Top". One-word blocks need a word that is chrome
// on its own ("Comments", "Send"); "Questions" alone is a heading.
func isChrome(t string) bool {
	if runesOver(t, 60) || strings.ContainsRune(t, '?') {
		return false
	}
	// The words are read from a lower-cased copy on the stack, without
	// a slice or a string each: most blocks fail at their first word.
	var buf [256]byte
	lower := appendLower(buf[:0], t)
	words, content := 0, 0
	var first []byte
	for i := 0; i < len(lower); {
		start := i
		for i < len(lower) {
			r, n := utf8.DecodeRune(lower[i:])
			if !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '-' {
				break
			}
			i += n
		}
		if i == start {
			_, n := utf8.DecodeRune(lower[i:])
			i += n
			continue
		}
		w := lower[start:i]
		if !chromeWords[string(w)] {
			return false
		}
		if words++; words == 1 {
			first = w
		}
		switch string(w) {
		case "and", "to", "a", "the", "of", "on", "in", "us":
		default:
			content++
		}
	}
	switch {
	case words == 0 || words > 8:
		return false
	case words == 1:
		return soloChrome[string(first)]
	}
	return content > 0
}

var soloChrome = setOf("prev", "previous", "next", "comments", "comment", "archive", "archives", "send",
	"submit", "tools", "share", "tweet", "home", "menu", "search", "subscribe", "login", "print", "reply",
	"loading", "sitemap", "rss", "cancel", "close", "contact", "tags", "categories", "privacy")

var (
	cookieBanner = regexp.MustCompile(`(?i)\b(we|this (web)?site|our site) uses? cookies\b|\baccept (all )?cookies\b|\bcookie (policy|settings|preferences)\b`)
	copyright    = regexp.MustCompile(`(?i)^(copyright\s*)?(©|\(c\))\s*\d{4}|\ball rights reserved\b`)
	// promoLink is a call to follow a link elsewhere for more: "Explore all
	// 100 answers here 👉", "Try X →", "Click here to…".
	promoLink = regexp.MustCompile(`(?i)👉|👇|\b(explore|find|see|get|view|unlock|read) all \d+\b|\bclick here\b|\bcheck out (my|our)\b|\bfollow (me|us)\b|\btry [^.]{1,40}→`)
)

// Ad vocabulary, scored by word groups: referral and affiliate language is
// decisive alone (weight 2); money and sign-up words need company (1 per
// group present). Matching on words rather than regular expressions keeps
// the noise filter cheap, since it looks at every block.
const (
	adNone = iota
	adStrong
	adInvest
	adBonus
	adSignup
	adEarn
	adMarket
	adDiscount
	adGroups
)

var adWords = map[string]int{
	"referral": adStrong, "referrals": adStrong, "affiliate": adStrong, "affiliates": adStrong,
	"sponsored": adStrong, "coupon": adStrong, "coupons": adStrong,
	"invest": adInvest, "invests": adInvest, "investing": adInvest, "investment": adInvest,
	"investments": adInvest, "investor": adInvest, "investors": adInvest,
	"bonus": adBonus, "bonuses": adBonus,
	"signup": adSignup,
	"earn":   adEarn, "earns": adEarn, "earning": adEarn, "cashback": adEarn, "passively": adEarn,
	"stock": adMarket, "stocks": adMarket, "crypto": adMarket, "cryptocurrency": adMarket, "etf": adMarket,
	"etfs": adMarket, "portfolio": adMarket, "portfolios": adMarket,
	"discount": adDiscount,
}

// adPairs are two-word phrases: the group they count for, and for
// strong phrases the decisive weight.
var adPairs = map[[2]string]int{
	{"promo", "code"}: adStrong, {"promotion", "code"}: adStrong, {"free", "stock"}: adStrong,
	{"free", "stocks"}: adStrong, {"equity", "stock"}: adStrong, {"free", "crypto"}: adStrong,
	{"sign", "up"}: adSignup, {"signing", "up"}: adSignup, {"join", "now"}: adSignup, {"join", "today"}: adSignup,
	{"join", "us"}: adSignup, {"register", "now"}: adSignup, {"cash", "back"}: adEarn, {"passive", "income"}: adEarn,
	{"limited", "time"}: adDiscount, {"free", "trial"}: adDiscount, {"buy", "now"}: adDiscount,
}

// adPairEnds are the second words of adPairs, so that most word pairs
// need no look-up.
var adPairEnds = func() map[string]bool {
	m := map[string]bool{"off": true}
	for p := range adPairs {
		m[p[1]] = true
	}
	return m
}()

// adWordsFilter and adPairEndsFilter hold the keys of adWords and
// adPairEnds.
var adWordsFilter, adPairEndsFilter = filterOf(adWords), filterOf(adPairEnds)

func adScore(t string) int {
	if len(t) > 600 {
		// A long passage is content even if it mentions money; ads are
		// short.
		return 0
	}
	var (
		groups    [adGroups]bool
		cur, prev [16]byte
		nc, np    int
		discl     bool
	)
	// Words are lower-cased into fixed buffers: the noise filter sees
	// every block, and allocating each word would cost more than the
	// look-ups (m[string(b)] does not allocate).
	word := func() {
		if nc == 0 {
			return
		}
		if nc < len(cur) {
			w := cur[:nc]
			if nc >= 3 && mayHold(adWordsFilter, w) {
				if g := adWords[string(w)]; g != adNone {
					groups[g] = true
				}
			}
			if np > 0 && np < len(prev) && mayHold(adPairEndsFilter, w) && adPairEnds[string(w)] {
				if g := adPairs[[2]string{string(prev[:np]), string(w)}]; g != adNone {
					groups[g] = true
				}
				if string(w) == "off" && prev[np-1] == '%' {
					groups[adDiscount] = true // "50% off"
				}
			}
			if discl {
				groups[adStrong] = true // "Disclosure: …"
			}
			discl = string(w) == "disclosure"
		}
		prev, np, nc = cur, nc, 0
	}
	money := false
	for i := 0; i < len(t); i++ {
		c := t[i]
		switch {
		case c >= 'A' && c <= 'Z':
			c += 'a' - 'A'
			fallthrough
		case c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '%':
			if nc < len(cur) {
				cur[nc] = c
			}
			nc++
			continue
		case c == '$' && i+1 < len(t) && t[i+1] >= '0' && t[i+1] <= '9':
			money = true
		}
		word()
	}
	word()
	if !money {
		money = (strings.Contains(t, "€") || strings.Contains(t, "£")) && strings.ContainsAny(t, "0123456789")
	}
	s := 0
	if groups[adStrong] {
		s += 2
	}
	for g := adInvest; g < adGroups; g++ {
		if groups[g] {
			s++
		}
	}
	if money {
		s++
	}
	if strings.Contains(t, "!!") || strings.HasSuffix(strings.TrimSpace(t), "!") {
		s++
	}
	return s
}

// smoothAds marks short blocks sitting between two ads as ads: a promotion
// is a cluster ("Invest now!!!", "Earn passively and while sleeping", "The
// app makes it easy to trade…"), and its quieter lines carry no money word.
func smoothAds(blocks []parse.Block, reasons []Reason) {
	for i := range blocks {
		// Headings are structure (a page title between two ad slots stays).
		if reasons[i] != "" || blocks[i].Kind == parse.Code || blocks[i].Kind == parse.Heading {
			continue
		}
		if runesOver(blocks[i].Text, 200) {
			continue
		}
		prev, next := neighbourReason(reasons, i, -1), neighbourReason(reasons, i, +1)
		if prev != DropAd || questionLike(blocks[i].Text) {
			continue
		}
		if next == DropAd || (next == "" && i+1 < len(blocks) && adScore(blocks[i].Text) >= 1) {
			reasons[i] = DropAd
		}
	}
}

func neighbourReason(reasons []Reason, i, step int) Reason {
	for j := i + step; j >= 0 && j < len(reasons); j += step {
		if reasons[j] != reasonSilent {
			return reasons[j]
		}
	}
	return "none"
}

// excerpt is the start of a removed block, for review.
func excerpt(s string) string {
	s = foldSpace(s)
	const max = 120
	if utf8.RuneCountInString(s) <= max {
		return s
	}
	n := 0
	for i := range s {
		if n == max {
			return s[:i] + "…"
		}
		n++
	}
	return s
}

func blockText(b parse.Block) string {
	return b.Text
}
