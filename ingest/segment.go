package ingest

import (
	"strings"

	"github.com/iq-search/iq/ingest/parse"
)

// Segmentation finds the questions among a document's blocks and gives each
// the blocks that answer it (issue 11). Structure decides, wording confirms:
// a document repeats one unit for its questions — a heading level, a list
// level, a <summary>, a bold lead, a numbered paragraph, a run of one-line
// paragraphs — and the same marks also occur inside answers ("#### 1.
// Interpreted and Interactive" under "## 1. What are the key features of
// Python?"). So blocks are grouped by their form (a signature of kind,
// depth, emphasis and numbering) and each form by the section it stands in;
// a form is a question unit where most of its instances read as interview
// items (a question, a prompt, a task, in English, Russian, Ukrainian or
// Chinese), and then every sibling instance is a question, also a bare term
// ("闭包") or an imperative without a question mark. Forms are tried from
// the most structural down, each kept only where its instances are not
// inside the answers of forms already kept: a "?" inside an answer that is
// not an instance of the document's unit is not a question.
//
// Every decision is kept with the rule that made it (why), for
// `iq ingest --explain FILE:LINE` and the report.

// segment is one question found in a document with its answer blocks.
type segment struct {
	line       int
	block      int // index of the question's block in the document's blocks
	question   string
	level      string
	levelLabel string
	context    string        // a parent item or title the question depends on
	stem       []parse.Block // code that is part of the question
	answer     []parse.Block
	choices    []string // multiple-choice options, part of the question's identity
	headings   []string // section headings above the question
	rule       string   // why it is a question
}

// fate is what became of one kept block and the rule that decided it.
type fate struct {
	role string // FateQuestion, FateAnswer, FateContext or FateUnused
	seg  int    // the segment (before finishing) it is, answers or leads into; -1 for none
	rule string
	asks bool // an unused block that reads as a question
}

type docSegments struct {
	segments []segment
	unused   []int // indices of blocks outside any question
	fates    []fate
	// primary maps a segment as the walk found it (fate.seg) to the
	// finished segment that kept its question or took its place.
	primary []int
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
		w.numbered = w.numbered || b.Number > 0 || bareNumber.MatchString(b.Text) // "1.  ### What is React?"
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
	if _, numbered := stripNumber(t); numbered || questionLike(t) || fieldsAtLeast(t, 7) {
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

// questionOnly reports, per accepted list item and paragraph form, whether
// its questions stand without answers of their own (a list of questions):
// then a block that is not nested under a question ends it.
func questionOnly(blocks []parse.Block, d decisions) map[sig]bool {
	type count struct{ n, loose int }
	counts := map[sig]*count{}
	for i := range blocks {
		if !d.isQ[i] {
			continue
		}
		b := &blocks[i]
		if b.Kind != parse.ListItem && !(b.Kind == parse.Paragraph && d.info[i].sig.weak) {
			continue
		}
		s := d.info[i].sig
		c := counts[s]
		if c == nil {
			c = &count{}
			counts[s] = c
		}
		// The last item of a list always borders what follows; only an
		// item followed by content before the list's next item has an
		// answer of its own.
		next := -1
		for j := i + 1; j < len(blocks) && blocks[j].Kind != parse.Heading; j++ {
			if d.isQ[j] && d.info[j].sig == s {
				next = j
				break
			}
		}
		if next < 0 {
			continue
		}
		c.n++
		if !d.isQ[i+1] && !nestedUnder(&blocks[i+1], b) && blocks[i+1].Kind != parse.Code {
			c.loose++
		}
	}
	out := map[sig]bool{}
	for s, c := range counts {
		out[s] = c.n >= 2 && c.loose*10 < c.n*3
	}
	return out
}

// nestedUnder reports a block that belongs to list item q: deeper in the
// list, or a later block of the same item.
func nestedUnder(b, q *parse.Block) bool {
	if q.Kind != parse.ListItem {
		return false
	}
	return b.Depth > q.Depth || b.Depth == q.Depth && b.Kind != parse.ListItem
}

// segmentBlocks splits a document's kept blocks into questions with answers.
func segmentBlocks(blocks []parse.Block) docSegments {
	d := chooseQuestions(blocks)
	sg := newSegmenter(blocks, d)
	for i := range blocks {
		sg.step(i)
	}
	sg.closeCur(len(blocks))
	out := sg.out
	out.segments, out.primary = finishSegments(blocks, d, out)
	return out
}

// segmenter is segmentBlocks' walk through the blocks: the question open,
// what ends its answer, and the fate of every block.
type segmenter struct {
	blocks []parse.Block
	d      decisions
	// roleAnswers: the markup marks answers, so a question marked by the
	// markup takes only those: the page's closing words after the last
	// answer ("What is Next? …") are not part of it.
	roleAnswers bool
	qonly       map[sig]bool // see questionOnly
	out         docSegments
	w           walker
	cur         *segment // the open question, nil for none
	curRole     bool     // cur's question is marked by the markup
	curQ        *parse.Block
	curOnly     bool // cur's form holds questions without answers
	// A segment's answer blocks are contiguous: any block that is not
	// part of the open answer closes it. So answers are sub-slices of
	// blocks, not copies; cur's starts at ansStart.
	ansStart int
}

func newSegmenter(blocks []parse.Block, d decisions) *segmenter {
	sg := &segmenter{blocks: blocks, d: d, qonly: questionOnly(blocks, d), out: docSegments{fates: make([]fate, len(blocks))}}
	for i := range blocks {
		if blocks[i].Role == "answer" {
			sg.roleAnswers = true
			break
		}
	}
	for i := range sg.out.fates {
		sg.out.fates[i].seg = -1
	}
	return sg
}

// closeCur ends the open question's answer before block end.
func (sg *segmenter) closeCur(end int) {
	if sg.cur == nil {
		return
	}
	sg.cur.answer = sg.blocks[sg.ansStart:end:end]
	for j := sg.ansStart; j < end; j++ {
		rule := "between its question and the next"
		if sg.d.why[j] != "" {
			rule += "; itself " + sg.d.why[j]
		}
		sg.out.fates[j] = fate{role: FateAnswer, seg: len(sg.out.segments), rule: rule}
	}
	sg.out.segments = append(sg.out.segments, *sg.cur)
	sg.cur = nil
}

// unused leaves block i outside any question, for the given reason.
func (sg *segmenter) unused(i int, rule string) {
	sg.out.unused = append(sg.out.unused, i)
	sg.out.fates[i] = fate{role: FateUnused, seg: -1, rule: rule, asks: sg.d.info[i].read == readsAsk}
}

// endsAnswer reports a block i, not a question, that ends the open
// question's answer: one the markup does not mark as an answer where it
// marks them, one that is not nested under a question of a list of
// questions without answers, or the next <summary>.
func (sg *segmenter) endsAnswer(i int) bool {
	b, isQ := &sg.blocks[i], sg.d.isQ[i]
	if sg.cur == nil || isQ {
		return false
	}
	if sg.curRole && sg.roleAnswers && b.Role != "answer" {
		return true
	}
	if sg.curOnly && b.Kind != parse.Heading && b.Kind != parse.Code && !nestedUnder(b, sg.curQ) {
		// A list of questions without answers ends where its items
		// end: what follows is not the last item's answer.
		return true
	}
	// A <details> block is one unit: the next <summary>, even one that
	// only reveals an answer, ends the answer above.
	return b.Kind == parse.Summary && sg.curQ.Kind == parse.Summary
}

// step reads block i: a question opens a segment, a table with a question
// column gives one per row, a section heading ends the answer, other
// blocks are the open answer's or left out.
func (sg *segmenter) step(i int) {
	b, d := &sg.blocks[i], sg.d
	if sg.endsAnswer(i) {
		sg.closeCur(i)
		sg.w.open = false
	}
	if d.isQ[i] && sg.cur != nil && b.Kind == parse.Heading && d.info[i].siblings && !d.info[i].sig.numbered && sg.w.open && sg.w.inAnswer(b) && !sg.curRole {
		// A heading taken for its siblings that reads as a part of
		// the open answer ("### State" right under "### What is the
		// difference between state and props?") stays in it.
		d.isQ[i] = false
		d.why[i] = "a sub-heading of the answer above (its siblings ask, it does not)"
	}
	switch {
	case d.isQ[i]:
		sg.question(i)
	case b.Kind == parse.Table && tableQuestions(b) != nil:
		sg.table(i)
	case b.Kind == parse.Heading && !(sg.w.open && sg.w.inAnswer(b)):
		sg.closeCur(i)
		sg.w.section(b)
		sg.unused(i, "a section heading")
	case sg.cur != nil:
		sg.w.content = true
	default:
		sg.leftOut(i)
	}
}

// question opens the segment of question block i, or gives a record
// without an answer to each question of a run-on paragraph of them.
func (sg *segmenter) question(i int) {
	b, d := &sg.blocks[i], sg.d
	sg.closeCur(i)
	sg.w.startQuestion(b)
	sg.curRole = b.Role == "question"
	sg.curQ = b
	sg.curOnly = sg.qonly[d.info[i].sig]
	level, label := sg.w.level()
	sg.out.fates[i] = fate{role: FateQuestion, seg: len(sg.out.segments), rule: d.why[i]}
	if qs := questionMarks(b.Text); len(qs) >= 3 && b.Kind == parse.Paragraph && b.Role == "" && d.info[i].sig.qlist {
		// A run-on list of questions: each is a record without
		// an answer, and what follows belongs to none of them.
		lead := qlistLead(b.Text)
		for _, q := range qs {
			s := newSegment(b.Line, strings.TrimPrefix(q, lead), level, label, sg.w.headings())
			s.block, s.rule = i, d.why[i]
			s.context = strings.TrimSuffix(lead, ":")
			sg.out.segments = append(sg.out.segments, s)
		}
		sg.w.open = false
		return
	}
	text := b.Text
	if b.Kind == parse.Heading && d.info[i].sig.numbered && bareNumber.MatchString(text) || d.info[i].catalogue {
		// "## 18 GIL线程全局锁", "1160 Find words that …"
		text = strings.TrimLeft(text, "0123456789 \t")
	}
	s := newSegment(b.Line, text, level, label, sg.w.headings())
	s.block, s.rule = i, d.why[i]
	if c := d.context[i]; c >= 0 {
		s.context, _, _ = cleanQuestion(sg.blocks[c].Text)
	}
	sg.cur = &s
	sg.ansStart = i + 1
}

// table makes a segment of each row of table block i, which has a
// question column: a list of questions, which ends the answer above.
func (sg *segmenter) table(i int) {
	b := &sg.blocks[i]
	sg.closeCur(i)
	sg.w.open = false
	level, label := sg.w.level()
	sg.out.fates[i] = fate{role: FateQuestion, seg: len(sg.out.segments), rule: "a row of a table with a question column"}
	for _, r := range tableQuestions(b) {
		s := newSegment(r.line, r.question, level, label, sg.w.headings())
		if r.level != "" {
			s.level, s.levelLabel = r.level, r.label
		}
		if r.answer != "" {
			s.answer = []parse.Block{{Kind: parse.Paragraph, Line: r.line, Text: r.answer}}
		}
		s.block, s.rule = i, "a row of a table with a question column"
		sg.out.segments = append(sg.out.segments, s)
	}
}

// leftOut records why block i, outside any question, was left out: the
// title of the questions under it, or the reason chooseQuestions gave.
func (sg *segmenter) leftOut(i int) {
	d := sg.d
	switch {
	case d.why[i] != "" && strings.HasPrefix(d.why[i], "the title"):
		sg.out.unused = append(sg.out.unused, i)
		sg.out.fates[i] = fate{role: FateContext, seg: len(sg.out.segments), rule: d.why[i]}
	case d.why[i] != "":
		sg.unused(i, d.why[i])
	case d.info[i].excluded != "":
		sg.unused(i, "outside any question ("+d.info[i].excluded+")")
	default:
		sg.unused(i, "outside any question")
	}
}
