package ingest

import (
	"cmp"
	"regexp"
	"slices"
	"strings"

	"github.com/iq-search/iq/ingest/parse"
)

// Segmentation finds the questions among a document's blocks and gives each
// the blocks that answer it. Documents mark their questions in many ways
// (numbered lines, headings, bold list items, bold paragraphs, summaries,
// question-only lists, markup roles), and the same marks also occur inside
// answers ("#### 1. Interpreted and Interactive" under "## 1. What are the
// key features of Python?"). So candidates are grouped by their form — a
// signature of kind, depth, emphasis and numbering — and a document's
// question forms are chosen as a whole: forms where most candidates read
// as questions, tried from the most structural down, each kept only if its
// candidates are not mostly inside the answers of forms already kept.

// sig is the form of a question candidate.
type sig struct {
	kind     parse.Kind
	depth    int
	strong   bool
	numbered bool
	role     bool
	qlist    bool // a run-on paragraph of several questions
	weak     bool // a plain paragraph ending with '?'
}

type candidate struct {
	idx      int
	sig      sig
	definite bool
}

// segment is one question found in a document with its answer blocks.
type segment struct {
	line       int
	block      int // index of the question's block in the document's blocks
	question   string
	level      string
	levelLabel string
	stem       []parse.Block // code and options that are part of the question
	answer     []parse.Block
	headings   []string // section headings above the question
}

type docSegments struct {
	segments []segment
	unused   []int // indices of blocks outside any question
}

func candidateOf(i int, b *parse.Block) (candidate, bool) {
	if b.Role == "question" {
		return candidate{idx: i, sig: sig{role: true}, definite: true}, true
	}
	switch b.Kind {
	case parse.Heading, parse.ListItem, parse.Paragraph, parse.Summary:
	default:
		return candidate{}, false // code, tables, quotes and rules ask nothing
	}
	t := strings.TrimSpace(b.Text)
	if t == "" {
		return candidate{}, false
	}
	_, numbered := stripNumber(t)
	_, marked, _ := splitLevelMarker(t)
	// A level marker ("Precision-recall trade-off ⭐️") is put only on
	// questions.
	definite := questionLike(t) || marked != "" && b.Kind != parse.Heading
	s := sig{kind: b.Kind, depth: b.Depth, strong: b.Strong, numbered: numbered}
	switch b.Kind {
	case parse.Heading:
		if isAnswerLabel(t) {
			return candidate{}, false
		}
		if taskHeading.MatchString(t) {
			// "## Challenge 1: String and Slice Operations" numbers tasks.
			s.numbered, numbered = true, true
		}
		// "### 1. Language Fundamentals:" titles a group of questions.
		if definite || numbered && len(strings.Fields(t)) >= 3 && !strings.HasSuffix(t, ":") {
			return candidate{idx: i, sig: s, definite: definite}, true
		}
	case parse.ListItem:
		s.numbered = b.Number > 0 || numbered
		if definite || b.Strong && s.numbered {
			return candidate{idx: i, sig: s, definite: definite}, true
		}
	case parse.Paragraph:
		s.depth = 0
		if qs := questionMarks(t); len(qs) >= 3 {
			return candidate{idx: i, sig: sig{kind: parse.Paragraph, qlist: true}, definite: true}, true
		}
		if b.Strong && (definite || numbered) || numbered && len(strings.Fields(t)) >= 3 {
			return candidate{idx: i, sig: s, definite: definite}, true
		}
		if definite && strings.HasSuffix(t, "?") && !numbered {
			s.weak = true
			return candidate{idx: i, sig: s, definite: true}, true
		}
	case parse.Summary:
		if definite && !revealLabel.MatchString(t) && !isAnswerLabel(t) {
			s.depth = 0
			return candidate{idx: i, sig: s, definite: true}, true
		}
	}
	return candidate{}, false
}

// formOf is the signature a block that is not a candidate would have, for
// the kinds whose forms are counted.
func formOf(b *parse.Block, counting bool) (sig, bool) {
	t := strings.TrimSpace(b.Text)
	if counting && (strings.HasSuffix(t, ":") || isAnswerLabel(t)) {
		// Labels and lead-ins ("**Expected Answer Points**:") are not
		// instances of a question form.
		return sig{}, false
	}
	_, numbered := stripNumber(t)
	switch b.Kind {
	case parse.Heading:
		numbered = numbered || taskHeading.MatchString(t)
		return sig{kind: b.Kind, depth: b.Depth, strong: b.Strong, numbered: numbered}, true
	case parse.ListItem:
		return sig{kind: b.Kind, depth: b.Depth, strong: b.Strong, numbered: b.Number > 0 || numbered}, true
	case parse.Paragraph:
		if b.Strong || numbered {
			return sig{kind: b.Kind, strong: b.Strong, numbered: numbered}, true
		}
	}
	return sig{}, false
}

// takesAll says whether every candidate of an accepted form is a question,
// or only those that read as one. Numbered headings, numbered bold items
// and numbered paragraphs are questions by their structure ("1. **Docker
// architecture**"); a plain list item or bold line must read as a question.
func (s sig) takesAll() bool {
	return s.role || s.qlist || s.numbered && (s.kind == parse.Heading || s.strong || s.kind == parse.Paragraph)
}

// rank orders forms from the most structural: markup roles, then headings
// from the top, then bold or numbered items, then plain list items, then
// plain numbered paragraphs, then bare questions in prose.
func (s sig) rank() int {
	switch {
	case s.role:
		return 0
	case s.kind == parse.Heading:
		return 1 + s.depth
	case s.kind == parse.Summary:
		return 8
	case s.strong || s.kind == parse.ListItem && s.numbered:
		return 10
	case s.kind == parse.ListItem:
		return 11 + s.depth
	case s.qlist:
		return 30
	case s.weak:
		return 40
	}
	return 20
}

// chooseQuestions decides which blocks are questions.
func chooseQuestions(blocks []parse.Block) map[int]bool {
	var cands []candidate
	stats := map[sig]*struct{ n, def int }{}
	var order []sig
	for i := range blocks {
		c, ok := candidateOf(i, &blocks[i])
		if !ok {
			// A block of a question form that does not read as a question
			// still counts against that form: "### How Indexes Work" is one
			// of many sub-headings, not a question form.
			if s, counted := formOf(&blocks[i], true); counted {
				if st := stats[s]; st != nil {
					st.n++
				} else {
					stats[s] = &struct{ n, def int }{n: 1}
				}
			}
			continue
		}
		cands = append(cands, c)
		st := stats[c.sig]
		if st == nil {
			st = &struct{ n, def int }{}
			stats[c.sig] = st
		}
		if !slices.Contains(order, c.sig) {
			order = append(order, c.sig)
		}
		st.n++
		if c.definite {
			st.def++
		}
	}
	var eligible []sig
	strongForms := false
	for _, s := range order {
		st := stats[s]
		if s.weak {
			continue
		}
		if s.role || s.qlist || st.def*2 >= st.n || s.numbered && st.n >= 2 && s.takesAll() {
			eligible = append(eligible, s)
			if !s.qlist {
				strongForms = true
			}
		}
	}
	// Bare questions in prose count only where the document has no other
	// way of marking questions (flattened pages, seed 001).
	if !strongForms {
		for _, s := range order {
			if s.weak {
				eligible = append(eligible, s)
			}
		}
	}
	// Forms that read as questions go before forms chosen for their
	// numbering alone, then the most structural first.
	byReading := func(s sig) int {
		if st := stats[s]; st.def*2 >= st.n {
			return 0
		}
		return 1
	}
	slices.SortStableFunc(eligible, func(a, b sig) int {
		if c := cmp.Compare(byReading(a), byReading(b)); c != 0 {
			return c
		}
		if c := cmp.Compare(a.rank(), b.rank()); c != 0 {
			return c
		}
		return cmp.Compare(stats[b].n, stats[a].n)
	})

	accepted := map[int]bool{}
	for _, s := range eligible {
		if s.kind == parse.Heading && s.numbered {
			dropRestarts(blocks, cands, s)
		}
		// A list where nearly every item reads as a question is a list of
		// questions (h5bp): its other items ("Talk about your preferred
		// development environment.") are questions too.
		all := s.takesAll() || (s.kind == parse.ListItem || s.strong) && stats[s].n >= 5 && stats[s].def*5 >= stats[s].n*4
		var mine []candidate
		for _, c := range cands {
			if c.sig == s && (c.definite || all) {
				mine = append(mine, c)
			}
		}
		if all && !s.takesAll() {
			// Items of the form that are not candidates join as well.
			// Bold labels ("**Expected Answer Points**:") stay out; a
			// list item may end with a colon ("Make this work:").
			counting := s.kind == parse.Paragraph
			for i := range blocks {
				if f, ok := formOf(&blocks[i], counting); ok && f == s && strings.TrimSpace(blocks[i].Text) != "" && !slices.ContainsFunc(mine, func(c candidate) bool { return c.idx == i }) {
					mine = append(mine, candidate{idx: i, sig: s})
				}
			}
			slices.SortFunc(mine, func(a, b candidate) int { return cmp.Compare(a.idx, b.idx) })
		}
		if len(mine) == 0 {
			continue
		}
		inside := insideAnswers(blocks, accepted, mine)
		if inside*2 > len(mine) {
			continue
		}
		for _, c := range mine {
			accepted[c.idx] = true
		}
	}
	continueNumbering(blocks, cands, accepted)
	return accepted
}

// continueNumbering accepts a numbered candidate of another form whose
// number continues the accepted questions' numbering: "**7. What are
// Python's *args and **kwargs used for?**" loses its bold to the asterisks
// inside it, but as question 7 after question 6 it is still a question.
func continueNumbering(blocks []parse.Block, cands []candidate, accepted map[int]bool) {
	if len(accepted) == 0 {
		return
	}
	// A candidate of another form must read as a question: "5.
	// **Internationalization**:" after "## 4. Describe … settings.py" is
	// item 5 of its answer, not question 5.
	isCand := make(map[int]bool, len(cands))
	for _, c := range cands {
		isCand[c.idx] = c.definite
	}
	last := -1
	var lastKind parse.Kind
	lastDepth := 0
	for i := range blocks {
		b := &blocks[i]
		n, ok := blockNumber(b)
		// Besides candidates, an item of the very kind and depth of the
		// last question continues it ("10. **How would you test the
		// scalability of an" whose bold spans a blank line).
		sameForm := b.Kind == lastKind && b.Depth == lastDepth && b.Kind != parse.Paragraph
		switch {
		case accepted[i]:
			last, lastKind, lastDepth = -1, b.Kind, b.Depth
			if ok {
				last = n
			}
		case (isCand[i] || sameForm) && ok && last >= 0 && n == last+1 && strings.TrimSpace(b.Text) != "":
			accepted[i] = true
			last = n
		}
	}
}

// blockNumber is a block's own numbering: the list item number or the
// number its text starts with.
func blockNumber(b *parse.Block) (int, bool) {
	if b.Number > 0 {
		return b.Number, true
	}
	if _, numbered := stripNumber(b.Text); numbered {
		return leadingNum(b.Text)
	}
	return 0, false
}

// dropRestarts marks numbered headings of form s whose number goes back
// without a section heading in between as non-candidates: they number the
// parts of an answer, not questions.
func dropRestarts(blocks []parse.Block, cands []candidate, s sig) {
	last := 0
	ci := 0
	for i := range blocks {
		b := &blocks[i]
		if b.Kind == parse.Heading && b.Depth < s.depth {
			last = 0 // a new section may restart the numbering
		}
		for ci < len(cands) && cands[ci].idx < i {
			ci++
		}
		if ci >= len(cands) || cands[ci].idx != i || cands[ci].sig != s {
			continue
		}
		n, ok := leadingNum(b.Text)
		if !ok {
			continue
		}
		if n <= last && last > 0 {
			cands[ci].sig.depth = -1 // no longer of form s
			continue
		}
		last = n
	}
}

// leadingNum returns the number that starts t ("12. ", "Q3:").
func leadingNum(t string) (int, bool) {
	t = strings.TrimLeft(t, "*_Qq#")
	n, digits := 0, 0
	for digits < len(t) && t[digits] >= '0' && t[digits] <= '9' && digits < 6 {
		n = n*10 + int(t[digits]-'0')
		digits++
	}
	return n, digits > 0
}

// insideAnswers counts the candidates that would fall inside an answer
// already holding content, given the questions accepted so far. A bold
// "**Why?**" after answer text is part of that answer; a follow-up bullet
// right under a question-only bullet (h5bp) is a question of its own.
func insideAnswers(blocks []parse.Block, accepted map[int]bool, mine []candidate) int {
	if len(accepted) == 0 {
		return 0
	}
	want := make(map[int]bool, len(mine))
	for _, c := range mine {
		want[c.idx] = true
	}
	inside := 0
	var w walker
	for i := range blocks {
		b := &blocks[i]
		if want[i] && w.open && w.content && !(b.Kind == parse.Heading && !w.inAnswer(b)) {
			inside++
		}
		switch {
		case accepted[i]:
			w.startQuestion(b)
		case b.Kind == parse.Heading && !(w.open && w.inAnswer(b)):
			w.section(b)
		case want[i]:
			// Candidates of the form under test are not answer content:
			// a run of follow-up questions is not an answer.
		case w.open:
			w.content = true
		}
	}
	return inside
}

// walker tracks the section structure while reading blocks in order.
type walker struct {
	open      bool // a question is open
	numbered  bool // opened by a numbered heading
	content   bool // and has answer blocks
	container int  // heading depth that bounds the open question's answer
	stack     []heading
}

type heading struct {
	depth        int
	text         string
	level, label string
}

func (w *walker) startQuestion(b *parse.Block) {
	w.open, w.content = true, false
	w.numbered = false
	if b.Kind == parse.Heading {
		w.container = b.Depth
		_, w.numbered = stripNumber(b.Text)
		w.numbered = w.numbered || b.Number > 0 // "1.  ### What is React?"
		// A question heading ends the sections at its depth and deeper.
		w.popTo(b.Depth)
		return
	}
	// A question that is not a heading lives under the last heading; with
	// none above it, h1 and h2 still open new sections ("## Coding
	// questions" after a bullet list of questions).
	w.container = 2
	if len(w.stack) > 0 {
		w.container = w.stack[len(w.stack)-1].depth
	}
}

// inAnswer says whether a heading inside an open question belongs to its
// answer: it is deeper than the question's own level, or it labels a part
// of the answer ("#### Answer: D" under "###### 1. What's the output?").
//
// Under a numbered question heading, a short unnumbered heading of the same
// depth is a sub-heading too (javatpoint: "<h3>5) What is the difference
// between JDK, JRE, and JVM?</h3>" then "<h3>JVM</h3>", "<h3>JRE</h3>").
func (w *walker) inAnswer(b *parse.Block) bool {
	if b.Depth > w.container || isAnswerLabel(b.Text) {
		return true
	}
	if !w.numbered || b.Depth != w.container {
		return false
	}
	if _, numbered := stripNumber(b.Text); numbered {
		// A numbered heading that is not a question here restarts the
		// numbering inside an answer ("### 9. Describe … patterns" then
		// "### 1. Simple RPC", "### 2. Server-Streaming RPC").
		return true
	}
	return subHeading(b.Text)
}

// subHeading is a short heading that names a part of an answer, not a
// section of questions.
func subHeading(t string) bool {
	if _, numbered := stripNumber(t); numbered || questionLike(t) || len(strings.Fields(t)) > 6 {
		return false
	}
	if l, _ := headingLevel(t); l != "" {
		return false
	}
	lower := strings.ToLower(t)
	return !strings.Contains(lower, "question") && !strings.Contains(lower, "interview")
}

func (w *walker) popTo(depth int) {
	for len(w.stack) > 0 && w.stack[len(w.stack)-1].depth >= depth {
		w.stack = w.stack[:len(w.stack)-1]
	}
}

func (w *walker) section(b *parse.Block) {
	w.open, w.content = false, false
	w.popTo(b.Depth)
	h := heading{depth: b.Depth, text: b.Text}
	h.level, h.label = headingLevel(b.Text)
	w.stack = append(w.stack, h)
}

func (w *walker) level() (string, string) {
	for i := len(w.stack) - 1; i >= 0; i-- {
		if w.stack[i].level != "" {
			return w.stack[i].level, w.stack[i].label
		}
	}
	return "", ""
}

func (w *walker) headings() []string {
	out := make([]string, len(w.stack))
	for i, h := range w.stack {
		out[i] = h.text
	}
	return out
}

// segmentBlocks splits a document's kept blocks into questions with answers.
func segmentBlocks(blocks []parse.Block) docSegments {
	isQ := chooseQuestions(blocks)
	// Where the markup marks answers, a question marked by the markup
	// takes only those: the page's closing words after the last answer
	// ("What is Next? …") are not part of it.
	roleAnswers := false
	for i := range blocks {
		if blocks[i].Role == "answer" {
			roleAnswers = true
			break
		}
	}
	var (
		out     docSegments
		w       walker
		cur     *segment
		curRole bool
	)
	// A segment's answer blocks are contiguous: any block that is not
	// part of the open answer closes it. So answers are sub-slices of
	// blocks, not copies.
	ansStart := 0
	closeCur := func(end int) {
		if cur != nil {
			cur.answer = blocks[ansStart:end:end]
			out.segments = append(out.segments, finishSegment(*cur))
			cur = nil
		}
	}
	for i := range blocks {
		b := &blocks[i]
		if cur != nil && curRole && roleAnswers && b.Role != "answer" && !isQ[i] {
			closeCur(i)
			w.open = false
		}
		switch {
		case isQ[i]:
			closeCur(i)
			w.startQuestion(b)
			curRole = b.Role == "question"
			level, label := w.level()
			if qs := questionMarks(b.Text); len(qs) >= 3 && b.Kind == parse.Paragraph && b.Role == "" {
				// A run-on list of questions: each is a record without
				// an answer, and what follows belongs to none of them.
				for _, q := range qs {
					s := newSegment(b.Line, q, level, label, w.headings())
					s.block = i
					out.segments = append(out.segments, s)
				}
				w.open = false
				continue
			}
			s := newSegment(b.Line, b.Text, level, label, w.headings())
			s.block = i
			cur = &s
			ansStart = i + 1
		case b.Kind == parse.Heading && !(w.open && w.inAnswer(b)):
			closeCur(i)
			w.section(b)
			out.unused = append(out.unused, i)
		case cur != nil:
			w.content = true
		default:
			out.unused = append(out.unused, i)
		}
	}
	closeCur(len(blocks))
	return out
}

func newSegment(line int, text, ctxLevel, ctxLabel string, headings []string) segment {
	q, level, label := cleanQuestion(text)
	if level == "" {
		level, label = ctxLevel, ctxLabel
	}
	return segment{line: line, question: q, level: level, levelLabel: label, headings: headings}
}

// finishSegment moves the blocks in front of a summary that hides the
// answer ("<summary>Answer</summary>", lydiahallie) into the question:
// there the code and the options are part of what is asked, and a bare
// "What's the output?" would be the same question 108 times.
//
// Likewise a question that points at code ("What is the output of the
// following Java program?") takes the code block right under it.
func finishSegment(s segment) segment {
	for i, b := range s.answer {
		if b.Kind == parse.Summary && revealLabel.MatchString(b.Text) {
			if i > 0 {
				s.stem = s.answer[:i:i]
			}
			s.answer = s.answer[i+1:]
			return s
		}
	}
	if len(s.answer) > 0 && s.answer[0].Kind == parse.Code && pointsAtCode.MatchString(s.question) {
		s.stem, s.answer = s.answer[:1:1], s.answer[1:]
	}
	return s
}

var taskHeading = regexp.MustCompile(`(?i)^(challenge|exercise|problem|task|kata)\s+\d+\s*[:.]\s*\S`)

var pointsAtCode = regexp.MustCompile(`(?i)\b(following|below|above|given|these|those)\b|\bthis\b( code| program| snippet| function| work| print| output| return| statement| expression)?[^a-z]*$|\boutputs?\b|\bprint(s|ed)?\b|\blogged\b|\bvalue of\b|\boutcome\b|\breturns?\b`)
