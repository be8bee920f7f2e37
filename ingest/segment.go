package ingest

import (
	"cmp"
	"fmt"
	"regexp"
	"slices"
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

// sig is the form of a block that may be a question unit.
type sig struct {
	kind     parse.Kind
	depth    int
	strong   bool
	numbered bool
	role     bool
	qlist    bool // a run-on paragraph of several questions
	weak     bool // a plain paragraph
}

func (s sig) String() string {
	var b strings.Builder
	switch {
	case s.role:
		return "marked question"
	case s.qlist:
		return "paragraph of questions"
	case s.kind == parse.Heading:
		fmt.Fprintf(&b, "h%d heading", s.depth)
	case s.kind == parse.ListItem:
		fmt.Fprintf(&b, "list item at depth %d", s.depth)
	case s.kind == parse.Summary:
		b.WriteString("<summary>")
	case s.weak:
		b.WriteString("plain paragraph")
	default:
		b.WriteString("paragraph")
	}
	if s.numbered {
		b.WriteString(", numbered")
	}
	if s.strong {
		b.WriteString(", bold")
	}
	return b.String()
}

// blockInfo is what segmentation reads of one block, computed once.
type blockInfo struct {
	read   reading
	sig    sig
	formed bool // the block has a form and counts in its statistics
	cand   bool // it may be a question
	def    bool // it reads as a question or a prompt
	titled bool // a title whose question is the paragraph under it
	// follow: a list item under a lead-in that names its list questions
	// ("Follow-up Questions:"), questions even inside an answer.
	follow bool
	// siblings: taken as a question only because its siblings ask.
	siblings bool
	// excluded says why a block of a form can never be a question
	// ("level heading", "answer label"); empty otherwise.
	excluded string
}

// segment is one question found in a document with its answer blocks.
type segment struct {
	line       int
	question   string
	level      string
	levelLabel string
	context    string        // a parent item or title the question depends on
	stem       []parse.Block // code that is part of the question
	answer     []parse.Block
	choices    []string // multiple-choice options, part of the question's identity
	headings   []string // section headings above the question
	block      int      // index of the question's block
	rule       string   // why it is a question
}

// fate is what became of one kept block and the rule that decided it.
type fate struct {
	role string // "question", "answer", "stem", "context", "section", "unused", "toc"
	seg  int    // index in segments for question/answer/stem/context, else -1
	rule string
}

type docSegments struct {
	segments []segment
	unused   []int // indices of blocks outside any question
	fates    []fate
}

// sectionWords name the structural sections of a document, never a
// question even where their siblings are.
var sectionWords = setOf("introduction", "intro", "conclusion", "conclusions", "summary", "references",
	"resources", "see also", "table of contents", "contents", "toc", "contributing", "contribute", "license",
	"licence", "credits", "acknowledgements", "acknowledgments", "next steps", "related", "related posts",
	"related articles", "further reading", "useful links", "links", "about", "about me", "about us", "faq",
	"notes", "preface", "appendix", "changelog", "todo", "support", "sponsors", "sponsor", "overview",
	"prerequisites", "getting started", "installation", "usage", "index", "glossary", "bibliography",
	"follow us", "share", "comments", "disclaimer", "authors", "author", "footnotes", "feedback",
	"additional resources", "other resources", "more questions", "bonus", "table of content", "contact",
	"exercises", "examples", "example", "answers", "solutions", "quiz", "practice")

// bareNumber matches a heading numbered without punctuation ("## 18
// GIL线程全局锁").
var bareNumber = regexp.MustCompile(`^\d{1,3}\s+[^\s\d]`)

func analyse(blocks []parse.Block) []blockInfo {
	infos := make([]blockInfo, len(blocks))
	for i := range blocks {
		infos[i] = analyseBlock(&blocks[i])
	}
	return infos
}

func analyseBlock(b *parse.Block) blockInfo {
	var in blockInfo
	if b.Role == "question" {
		in.sig, in.formed, in.cand, in.def, in.read = sig{role: true}, true, true, true, readsAsk
		return in
	}
	switch b.Kind {
	case parse.Heading, parse.ListItem, parse.Paragraph, parse.Summary:
	default:
		return in // code, tables, quotes and rules ask nothing
	}
	t := strings.TrimSpace(b.Text)
	if t == "" {
		return in
	}
	_, numbered := stripNumber(t)
	in.read = readText(t)
	_, marked, _ := splitLevelMarker(t)
	// A level marker ("Precision-recall trade-off ⭐️") is put only on
	// questions.
	in.def = in.read == readsAsk || marked != "" && b.Kind != parse.Heading
	s := sig{kind: b.Kind, depth: b.Depth, strong: b.Strong, numbered: numbered}
	switch b.Kind {
	case parse.Heading:
		if taskHeading.MatchString(t) || bareNumber.MatchString(t) {
			// "## Challenge 1: String and Slice Operations" numbers tasks.
			s.numbered = true
		}
	case parse.ListItem:
		s.numbered = b.Number > 0 || numbered
	case parse.Paragraph:
		s.depth = 0
		if strings.Count(t, "?") >= 2 {
			if qs := questionMarks(t); len(qs) >= 3 {
				s = sig{kind: parse.Paragraph, qlist: true}
				in.sig, in.formed, in.cand, in.def = s, true, true, true
				return in
			}
		}
		s.weak = !b.Strong && !numbered
		if s.weak && in.def && !endsAsking(stripDecorations(t)) && readOpening(t) != readsAsk {
			// Prose asks only with a question mark or a prompt opening
			// it, not with a question somewhere in its sentences.
			in.def = false
			in.read = readsNot
		}
	case parse.Summary:
		s.depth = 0
	}
	in.sig, in.formed = s, true
	in.excluded = excludedReason(b, t, in.read)
	switch in.excluded {
	case "":
		in.cand = true
	case "lead-in", "answer label":
		in.formed = false // labels are not instances of a question form
	}
	return in
}

// excludedReason says why a block can never be a question, whatever its
// siblings are.
func excludedReason(b *parse.Block, t string, r reading) string {
	switch {
	case b.Task != parse.TaskNone:
		return "an option of a multiple-choice question"
	case isAnswerLabel(t):
		return "answer label"
	case b.Kind == parse.Summary && (revealLabel.MatchString(t) || clickLabel.MatchString(t)):
		return "answer label"
	case strings.HasSuffix(t, ":") && r < readsTask && (b.Kind == parse.Heading || b.Number == 0 && !numberedText(t)):
		return "lead-in"
	}
	if l, _ := headingLevel(t); l != "" {
		return "level heading"
	}
	if r < readsTask {
		q, _, _ := cleanQuestion(t)
		if sectionWords[strings.ToLower(strings.Trim(q, " .:!"))] {
			return "section title"
		}
	}
	return ""
}

// sectionTitle is a short title that names its section or list a list of
// questions or exercises ("Exercises: Level 1", "Follow-up Questions:").
func sectionTitle(t string) bool {
	return len(strings.Fields(t)) <= 6 && questionSection(t)
}

func numberedText(t string) bool {
	_, ok := stripNumber(t)
	return ok
}

// clickLabel is a toggle that reveals an answer ("Click to find out the
// answer!").
var clickLabel = regexp.MustCompile(`(?i)^\s*(click|tap|press)\b.*\b(answer|solution)s?\b`)

// takesAll says whether every instance of an accepted form is a question,
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

// formStats counts a form's instances and how they read.
type formStats struct {
	n, ask, task int
	groups       []*formGroup
	byKey        map[int]*formGroup
}

// formGroup is the instances of a form in one section (for weak paragraphs:
// one run of consecutive paragraphs).
type formGroup struct {
	key     int
	members []int
	n       int // members that count (formed)
	ask     int
	task    int
	// qsec: the section's heading names it a list of questions or
	// exercises, where tasks ask too.
	qsec bool
}

// asking counts the members that read as questions: tasks only in a
// section of questions or exercises ("Sort the list…" under "Exercises:
// Level 2"; not "Use nouns for resource names" under "Best Practices").
func (g *formGroup) asking() int {
	if g.qsec {
		return g.ask + g.task
	}
	return g.ask
}

// decisions is what chooseQuestions decided for each block.
type decisions struct {
	isQ  []bool
	why  []string // for questions: the rule; for candidates left out: why
	info []blockInfo
	// context is, for a question, the block that titles it or leads into
	// it (-1 for none): a heading "Globals Are Evil" over its question
	// paragraph, an item "The following is a list of ages:" over tasks.
	context []int
}

// chooseQuestions decides which blocks are questions.
func chooseQuestions(blocks []parse.Block) decisions {
	infos := analyse(blocks)
	d := decisions{isQ: make([]bool, len(blocks)), why: make([]string, len(blocks)), info: infos, context: make([]int, len(blocks))}
	for i := range d.context {
		d.context[i] = -1
	}
	stats := map[sig]*formStats{}
	var order []sig
	// The section a block stands in: the last heading above it, per depth.
	var lastHeading [8]int
	for k := range lastHeading {
		lastHeading[k] = -1
	}
	runStart := -1
	// A lead-in right above a list says what the list is: questions
	// ("Follow-up Questions:") or not ("Expected Approach:").
	lead, otherLead := -1, false
	for i := range blocks {
		b := &blocks[i]
		in := &infos[i]
		switch {
		case b.Kind == parse.Paragraph && b.Depth == 0 && strings.HasSuffix(strings.TrimSpace(b.Text), ":"):
			lead, otherLead = -1, true
			if sectionTitle(b.Text) {
				lead, otherLead = i, false
			}
		case b.Kind == parse.ListItem || b.Depth > 0:
		default:
			lead, otherLead = -1, false
		}
		if b.Kind == parse.Heading && b.Depth >= 1 && b.Depth <= 6 {
			lastHeading[b.Depth] = i
			for k := b.Depth + 1; k < len(lastHeading); k++ {
				lastHeading[k] = -1
			}
		}
		if !in.sig.weak || !in.formed {
			runStart = -1
		}
		section := -1
		for k := range lastHeading {
			section = max(section, lastHeading[k])
		}
		qsec := section >= 0 && section != i && sectionTitle(blocks[section].Text) && blocks[section].Depth > 1 && !(otherLead && b.Kind == parse.ListItem)
		if in.excluded == "lead-in" && b.Kind == parse.ListItem && qsec {
			// In a list of exercises an item may end with a colon ("Join
			// the following lists:").
			in.excluded, in.formed, in.cand = "", true, true
		}
		if !in.formed {
			continue
		}
		s := in.sig
		st := stats[s]
		if st == nil {
			st = &formStats{byKey: map[int]*formGroup{}}
			stats[s] = st
			order = append(order, s)
		}
		st.n++
		if in.def {
			st.ask++
		} else if in.read == readsTask {
			st.task++
		}
		key := -1
		switch {
		case lead >= 0 && b.Kind == parse.ListItem:
			in.follow = true
			key = -2 - lead
		case s.weak:
			if runStart < 0 {
				runStart = i
			}
			key = runStart
		case otherLead && b.Kind == parse.ListItem:
			key = -2 - len(blocks) - i // its own group, not the section's
			for j := i - 1; j >= 0; j-- {
				if blocks[j].Kind == parse.Paragraph && blocks[j].Depth == 0 {
					key = -2 - len(blocks) - j
					break
				}
			}
		case s.kind == parse.Heading:
			for k := s.depth - 1; k >= 1; k-- {
				if lastHeading[k] >= 0 {
					key = lastHeading[k]
					break
				}
			}
		default:
			key = section
		}
		g := st.byKey[key]
		if g == nil {
			g = &formGroup{key: key, qsec: key >= 0 && blocks[key].Kind == parse.Heading && blocks[key].Depth > 1 && sectionTitle(blocks[key].Text) || key < -1 && key >= -1-len(blocks)}
			st.byKey[key] = g
			st.groups = append(st.groups, g)
		}
		g.members = append(g.members, i)
		g.n++
		if in.def {
			g.ask++
		} else if in.read == readsTask {
			g.task++
		}
	}

	askShare := func(s sig) float64 {
		st := stats[s]
		return float64(st.ask) / float64(st.n)
	}
	groupTakesAll := func(s sig, g *formGroup) bool {
		if s.takesAll() {
			// One numbered heading ("### 11. FastAPI") is a title; three
			// are a numbered list of items.
			return s.role || s.qlist || stats[s].n >= 3 || askShare(s) >= 0.5
		}
		if g.qsec && s.kind == parse.ListItem && g.n >= 2 && g.asking() >= 2 && g.asking()*2 >= g.n {
			// The items of a list under "Exercises" are exercises, also
			// one that only leads into its code.
			return true
		}
		a := g.asking()
		return a >= 3 && a*2 >= g.n || a >= 2 && a == g.n
	}
	var eligible []sig
	strongForms := false
	for _, s := range order {
		st := stats[s]
		ok := s.role || s.qlist || askShare(s) >= 0.5 || s.numbered && st.n >= 2 && s.takesAll()
		for _, g := range st.groups {
			ok = ok || groupTakesAll(s, g)
		}
		if !ok {
			continue
		}
		eligible = append(eligible, s)
		if !s.qlist && !s.weak {
			strongForms = true
		}
	}
	// Forms that read as questions go before forms chosen for their
	// numbering alone, then the most structural first. A long run of
	// headings numbered in sequence ("## 1 …", "## 2 …") is as sure as
	// reading.
	byReading := func(s sig) int {
		if askShare(s) >= 0.5 || s.kind == parse.Heading && s.numbered && sequential(blocks, infos, s) {
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

	for _, s := range eligible {
		st := stats[s]
		if s.kind == parse.Heading && s.numbered {
			dropRestarts(blocks, infos, s)
		}
		type pick struct {
			g    *formGroup
			all  bool
			mine []int
		}
		var picks []pick
		var formMine []int
		for _, g := range st.groups {
			all := groupTakesAll(s, g)
			// Bare questions in prose count only where the document has no
			// other way of marking questions (flattened pages, seed 001) or
			// come as a run of several.
			if !all && (askShare(s) < 0.5 || s.weak && strongForms) && !s.role && !s.qlist {
				for _, i := range g.members {
					if infos[i].cand && infos[i].def {
						d.why[i] = fmt.Sprintf("not a question: %s, %d of %d in its section read as questions", s, g.asking(), g.n)
					}
				}
				continue
			}
			var mine []int
			for _, i := range g.members {
				in := &infos[i]
				if !in.cand || in.sig != s {
					continue
				}
				if all && (!s.weak || in.read >= readsTask) || in.def {
					mine = append(mine, i)
				}
			}
			if len(mine) > 0 {
				picks = append(picks, pick{g, all, mine})
				formMine = append(formMine, mine...)
			}
		}
		if len(formMine) == 0 {
			continue
		}
		// Inside the answers of forms already kept, a form is answer
		// structure: where most of its instances stand there, and most of
		// a section's.
		inside := insideAnswers(blocks, d.isQ, infos, formMine)
		insideOf := make(map[int]bool, len(formMine))
		formIn := 0
		for k, i := range formMine {
			if inside[k] && !infos[i].follow {
				insideOf[i] = true
				formIn++
			}
		}
		nested := nestedQuestions(s, st)
		for _, p := range picks {
			g := p.g
			rule := fmt.Sprintf("%s: %d of %d in its section read as questions", s, g.asking(), g.n)
			if g.qsec && p.all && g.asking() < g.n {
				k := g.key
				if k < -1 {
					k = -2 - k
				}
				rule = fmt.Sprintf("%s under %q, a section of questions", s, excerpt(blocks[k].Text))
			}
			nIn := 0
			for _, i := range p.mine {
				if insideOf[i] {
					nIn++
				}
			}
			if nIn*2 > len(p.mine) && formIn*2 > len(formMine) && !nested {
				for _, i := range p.mine {
					d.why[i] = "inside an answer: " + rule
				}
				continue
			}
			for _, i := range p.mine {
				if insideOf[i] && infos[i].read < readsAsk && !nested {
					// A sibling that does not ask, under a question: a
					// part of its answer ("### State" under "### What is
					// the difference between state and props?").
					d.why[i] = "inside an answer: " + rule
					continue
				}
				d.isQ[i] = true
				switch {
				case s.takesAll() && infos[i].read < readsTask:
					d.why[i] = fmt.Sprintf("%s: a numbered unit of the document", s)
				case p.all && infos[i].read < readsAsk:
					d.why[i] = rule + " (its siblings ask)"
					infos[i].siblings = true
				default:
					d.why[i] = rule
				}
			}
		}
	}
	markTitled(blocks, infos, &d, stats, order)
	continueNumbering(blocks, infos, d)
	markContext(blocks, infos, &d)
	return d
}

// markContext turns a question that does not ask, directly followed (past
// any code) by questions of another form that do, into their context: a
// title over its question ("Question 1: Pointers vs Values (5 minutes)"
// then the quoted question), a lead-in over tasks ("The following is a
// list of 10 students ages:", its code, then "Sort the list …").
func markContext(blocks []parse.Block, infos []blockInfo, d *decisions) {
	for i := range blocks {
		if !d.isQ[i] || infos[i].read == readsAsk || infos[i].titled || d.context[i] >= 0 {
			continue
		}
		j := i + 1
		for j < len(blocks) && blocks[j].Kind == parse.Code {
			j++
		}
		if j >= len(blocks) || !d.isQ[j] || infos[j].read < readsTask || infos[j].sig == infos[i].sig {
			continue
		}
		if blocks[j].Kind == parse.Heading && (blocks[i].Kind != parse.Heading || blocks[j].Depth <= blocks[i].Depth) {
			continue
		}
		d.isQ[i] = false
		d.why[i] = "the title or lead-in of the questions under it"
		for k := j; k < len(blocks); k++ {
			b := &blocks[k]
			if infos[k].sig == infos[i].sig || b.Kind == parse.Heading && blocks[i].Kind == parse.Heading && b.Depth <= blocks[i].Depth {
				break
			}
			if d.isQ[k] {
				if infos[k].sig != infos[j].sig {
					break
				}
				d.context[k] = i
			}
		}
	}
}

// nestedQuestions allows a heading form inside answers when every one of
// at least three instances asks: follow-up questions under a question
// ("#### Why did you use X method?" under "### What project …?"), not the
// sub-headings of an answer, which name its parts.
func nestedQuestions(s sig, st *formStats) bool {
	return s.kind == parse.Heading && st.n >= 3 && st.ask == st.n
}

// markTitled finds heading forms whose instances are short titles and whose
// question is the paragraph under each ("#### Globals Are Evil" then "Why
// are global and static objects evil? …"): the form is the unit, the
// paragraph its question.
func markTitled(blocks []parse.Block, infos []blockInfo, d *decisions, stats map[sig]*formStats, order []sig) {
	for _, s := range order {
		if s.kind != parse.Heading {
			continue
		}
		st := stats[s]
		var inst []int
		for _, g := range st.groups {
			inst = append(inst, g.members...)
		}
		if len(inst) < 4 || slices.ContainsFunc(inst, func(i int) bool { return d.isQ[i] }) {
			continue
		}
		asking := 0
		for _, i := range inst {
			if bodyAsks(blocks, infos, i) {
				asking++
			}
		}
		if asking*2 < len(inst) {
			continue
		}
		rule := fmt.Sprintf("%s titles the question under it: %d of %d bodies ask", s, asking, len(inst))
		for _, i := range inst {
			if !infos[i].cand || i+1 >= len(blocks) || blocks[i+1].Kind == parse.Heading {
				continue
			}
			// The question paragraphs must not already be questions of
			// another form.
			if d.isQ[i+1] {
				continue
			}
			d.isQ[i], infos[i].titled, d.why[i] = true, true, rule
		}
	}
}

// bodyAsks reports a heading whose first block is a paragraph or item that
// asks, and whose body is short: a question under a title, not an answer.
func bodyAsks(blocks []parse.Block, infos []blockInfo, i int) bool {
	if i+1 >= len(blocks) {
		return false
	}
	nb := &blocks[i+1]
	if nb.Kind != parse.Paragraph && nb.Kind != parse.ListItem {
		return false
	}
	prose := 0
	for j := i + 1; j < len(blocks) && blocks[j].Kind != parse.Heading; j++ {
		if blocks[j].Kind == parse.Paragraph || blocks[j].Kind == parse.ListItem {
			prose++
		}
		if prose > 3 {
			return false
		}
	}
	for j := i + 1; j < len(blocks) && j <= i+3 && (blocks[j].Kind == parse.Paragraph || blocks[j].Kind == parse.ListItem); j++ {
		if infos[j].read >= readsTask {
			return true
		}
	}
	return false
}

// continueNumbering accepts a numbered candidate of another form whose
// number continues the accepted questions' numbering: "**7. What are
// Python's *args and **kwargs used for?**" loses its bold to the asterisks
// inside it, but as question 7 after question 6 it is still a question.
func continueNumbering(blocks []parse.Block, infos []blockInfo, d decisions) {
	accepted := d.isQ
	last := -1
	var lastKind parse.Kind
	lastDepth := 0
	any := false
	for i := range blocks {
		if accepted[i] {
			any = true
			break
		}
	}
	if !any {
		return
	}
	for i := range blocks {
		b := &blocks[i]
		n, ok := blockNumber(b)
		// Besides candidates that read as questions, an item of the very
		// kind and depth of the last question continues it ("10. **How
		// would you test the scalability of an" whose bold spans a blank
		// line). A candidate of another form must read as a question: "5.
		// **Internationalization**:" after "## 4. Describe … settings.py"
		// is item 5 of its answer, not question 5.
		sameForm := b.Kind == lastKind && b.Depth == lastDepth && b.Kind != parse.Paragraph
		switch {
		case accepted[i]:
			last, lastKind, lastDepth = -1, b.Kind, b.Depth
			if ok {
				last = n
			}
		case (infos[i].cand && infos[i].def || sameForm && infos[i].excluded == "") && ok && last >= 0 && n == last+1 && strings.TrimSpace(b.Text) != "":
			accepted[i] = true
			d.why[i] = fmt.Sprintf("number %d continues the questions' numbering", n)
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

// dropRestarts takes numbered headings of form s whose number goes back
// without a section heading in between, and which do not read as
// questions, out of the form: they number the parts of an answer ("### 9.
// Describe … patterns" then "### 1. Simple RPC"), not questions. A
// question that restarts the numbering ("### Q76: How do you …?" after
// "### Q100: …") is still a question.
func dropRestarts(blocks []parse.Block, infos []blockInfo, s sig) {
	last := 0
	for i := range blocks {
		b := &blocks[i]
		if b.Kind == parse.Heading && b.Depth < s.depth {
			last = 0 // a new section may restart the numbering
		}
		if infos[i].sig != s || !infos[i].cand {
			continue
		}
		n, ok := leadingNum(b.Text)
		if !ok {
			continue
		}
		if n <= last && last > 0 && !infos[i].def {
			infos[i].sig.depth = -1 // no longer of form s
			continue
		}
		last = n
	}
}

// sequential reports a numbered heading form of five or more instances
// whose numbers mostly go up by one, restarting under a new section.
func sequential(blocks []parse.Block, infos []blockInfo, s sig) bool {
	n, next, last := 0, 0, 0
	for i := range blocks {
		b := &blocks[i]
		if b.Kind == parse.Heading && b.Depth < s.depth {
			last = 0
		}
		if infos[i].sig != s {
			continue
		}
		k, ok := leadingNum(b.Text)
		if !ok {
			continue
		}
		n++
		if k == last+1 || k == 1 {
			next++
		}
		last = k
	}
	return n >= 5 && next*10 >= n*8
}

// leadingNum returns the number that starts t ("12. ", "Q3:", "Ques 3:").
func leadingNum(t string) (int, bool) {
	t = strings.TrimLeft(t, "*_#")
	if len(t) > 0 && (t[0] == 'Q' || t[0] == 'q') {
		t = strings.TrimLeft(t[1:], "uestionUESTIONn. ")
	}
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
//
// A candidate taken only because its siblings ask (it does not ask itself)
// is inside as soon as it stands under an open question: "Use a library
// like SlowAPI …" under "3. **How do you implement rate limiting?**".
func insideAnswers(blocks []parse.Block, accepted []bool, infos []blockInfo, mine []int) []bool {
	inside := make([]bool, len(mine))
	any := false
	for _, a := range accepted {
		if a {
			any = true
			break
		}
	}
	if !any {
		return inside
	}
	want := make(map[int]int, len(mine))
	for k, i := range mine {
		want[i] = k + 1
	}
	var w walker
	var openSig sig
	for i := range blocks {
		b := &blocks[i]
		// The next instance of the very form that opened the question is
		// not inside its answer: it is the next question ("What is …?"
		// paragraphs after an answered one, "## 2 元类" after "## 1 …").
		sameForm := infos[i].sig == openSig && (infos[i].def || openSig.numbered)
		// A heading under a question heading is its answer's even before
		// any content ("### Redis是什么？" right under "## 3 Redis原理").
		deeper := b.Kind == parse.Heading && w.open && b.Depth > w.container
		if k := want[i]; k > 0 && w.open && (w.content || !infos[i].def || deeper) && !(b.Kind == parse.Heading && !w.inAnswer(b)) && !sameForm {
			inside[k-1] = true
		}
		switch {
		case accepted[i]:
			w.startQuestion(b)
			openSig = infos[i].sig
		case b.Kind == parse.Heading && !(w.open && w.inAnswer(b)):
			w.section(b)
		case want[i] > 0:
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
		c.n++
		if i+1 < len(blocks) && !d.isQ[i+1] && blocks[i+1].Kind != parse.Heading && !nestedUnder(&blocks[i+1], b) {
			c.loose++
		}
	}
	out := map[sig]bool{}
	for s, c := range counts {
		out[s] = c.n >= 3 && c.loose*10 < c.n*3
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
	isQ := d.isQ
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
	qonly := questionOnly(blocks, d)
	out := docSegments{fates: make([]fate, len(blocks))}
	for i := range out.fates {
		out.fates[i].seg = -1
	}
	var (
		w       walker
		cur     *segment
		curRole bool
		curQ    *parse.Block
		curOnly bool
	)
	// A segment's answer blocks are contiguous: any block that is not
	// part of the open answer closes it. So answers are sub-slices of
	// blocks, not copies.
	ansStart := 0
	closeCur := func(end int) {
		if cur != nil {
			cur.answer = blocks[ansStart:end:end]
			for j := ansStart; j < end; j++ {
				out.fates[j] = fate{role: "answer", seg: len(out.segments), rule: "between its question and the next"}
			}
			out.segments = append(out.segments, *cur)
			cur = nil
		}
	}
	unused := func(i int, rule string) {
		out.unused = append(out.unused, i)
		out.fates[i] = fate{role: "unused", seg: -1, rule: rule}
	}
	for i := range blocks {
		b := &blocks[i]
		if cur != nil && curRole && roleAnswers && b.Role != "answer" && !isQ[i] {
			closeCur(i)
			w.open = false
		}
		if cur != nil && curOnly && !isQ[i] && b.Kind != parse.Heading && !nestedUnder(b, curQ) {
			// A list of questions without answers ends where its items
			// end: what follows is not the last item's answer.
			closeCur(i)
			w.open = false
		}
		if isQ[i] && cur != nil && b.Kind == parse.Heading && d.info[i].siblings && !d.info[i].sig.numbered && w.open && w.inAnswer(b) && !curRole {
			// A heading taken for its siblings that reads as a part of
			// the open answer ("### State" right under "### What is the
			// difference between state and props?") stays in it.
			isQ[i] = false
			d.why[i] = "a sub-heading of the answer above (its siblings ask, it does not)"
		}
		switch {
		case isQ[i]:
			closeCur(i)
			w.startQuestion(b)
			curRole = b.Role == "question"
			curQ = b
			curOnly = qonly[d.info[i].sig]
			level, label := w.level()
			out.fates[i] = fate{role: "question", seg: len(out.segments), rule: d.why[i]}
			if qs := questionMarks(b.Text); len(qs) >= 3 && b.Kind == parse.Paragraph && b.Role == "" && d.info[i].sig.qlist {
				// A run-on list of questions: each is a record without
				// an answer, and what follows belongs to none of them.
				for _, q := range qs {
					s := newSegment(b.Line, q, level, label, w.headings())
					s.block, s.rule = i, d.why[i]
					out.segments = append(out.segments, s)
				}
				w.open = false
				continue
			}
			text := b.Text
			if b.Kind == parse.Heading && d.info[i].sig.numbered {
				if loc := bareNumber.FindStringIndex(text); loc != nil {
					text = strings.TrimLeft(text[:loc[1]-1], "0123456789 \t") + text[loc[1]-1:] // "## 18 GIL线程全局锁"
				}
			}
			s := newSegment(b.Line, text, level, label, w.headings())
			s.block, s.rule = i, d.why[i]
			if c := d.context[i]; c >= 0 {
				s.context, _, _ = cleanQuestion(blocks[c].Text)
			}
			cur = &s
			ansStart = i + 1
		case b.Kind == parse.Heading && !(w.open && w.inAnswer(b)):
			closeCur(i)
			w.section(b)
			unused(i, "a section heading")
		case cur != nil:
			w.content = true
		default:
			switch {
			case d.why[i] != "" && strings.HasPrefix(d.why[i], "the title"):
				out.unused = append(out.unused, i)
				out.fates[i] = fate{role: "context", seg: -1, rule: d.why[i]}
			case d.why[i] != "":
				unused(i, d.why[i])
			case d.info[i].excluded != "":
				unused(i, "outside any question ("+d.info[i].excluded+")")
			default:
				unused(i, "outside any question")
			}
		}
	}
	closeCur(len(blocks))
	out.segments = finishSegments(blocks, d, out)
	return out
}

// finishSegments applies the per-question rules that need the answer:
// titles whose question is the paragraph under them, summaries holding
// code, context parents, inline follow-ups, stems and options.
func finishSegments(blocks []parse.Block, d decisions, out docSegments) []segment {
	segs := make([]segment, 0, len(out.segments))
	for _, s := range out.segments {
		idx := len(segs)
		if d.info[s.block].titled {
			s = titledSegment(s)
		}
		s = splitQuestionCode(s, &blocks[s.block])
		if kids, ok := contextChildren(s, d, blocks); ok {
			for _, k := range kids {
				segs = append(segs, k)
			}
			_ = idx
			continue
		}
		segs = append(segs, finishSegment(s))
	}
	return segs
}

// titledSegment makes the paragraphs under a title the question: the title
// stays as its context, the rest is the answer.
func titledSegment(s segment) segment {
	var parts []string
	k := 0
	for k < len(s.answer) && (s.answer[k].Kind == parse.Paragraph || s.answer[k].Kind == parse.ListItem) {
		parts = append(parts, s.answer[k].Text)
		k++
	}
	if len(parts) == 0 {
		return s
	}
	s.context = s.question
	q, _, _ := cleanQuestion(strings.Join(parts, " "))
	s.question = q
	s.answer = s.answer[k:]
	return s
}

// splitQuestionCode keeps a question block's first line as the question
// when the block goes on with code (a <summary> holding a fenced snippet):
// the code is part of what is asked, its stem.
func splitQuestionCode(s segment, b *parse.Block) segment {
	if b.Kind == parse.Code || !strings.Contains(b.Text, "\n") {
		return s
	}
	first, rest, _ := strings.Cut(strings.TrimSpace(b.Text), "\n")
	q, _, _ := cleanQuestion(first)
	if q == "" {
		return s
	}
	rest = strings.TrimSpace(rest)
	if !strings.HasPrefix(rest, "```") {
		return s
	}
	rest = strings.TrimPrefix(rest, "```")
	if nl := strings.IndexAny(rest, " \n"); nl >= 0 && nl < 20 && !strings.ContainsAny(rest[:nl], "(){};=") {
		rest = rest[nl+1:] // the fence's language
	}
	rest = strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "```"))
	s.question = q
	if rest != "" {
		s.stem = append([]parse.Block{{Kind: parse.Code, Line: b.Line, Text: rest}}, s.stem...)
	}
	return s
}

// contextChildren turns a question that only gives context ("Asking about
// technology they have used", with example questions as bullets) into the
// questions listed under it: two or more list items, most of them asking,
// each a question with the parent as its context. Items that only set
// tasks are the steps of an answer ("Challenge: Time and Duration
// Operations", then "Get and print the current time.").
func contextChildren(s segment, d decisions, blocks []parse.Block) ([]segment, bool) {
	if r := readText(blocks[s.block].Text); r >= readsTask && !strings.HasSuffix(strings.TrimSpace(blocks[s.block].Text), ":") {
		return nil, false
	}
	top := 0
	for _, b := range s.answer {
		if b.Kind == parse.ListItem && (top == 0 || b.Depth < top) {
			top = b.Depth
		}
	}
	if top == 0 {
		return nil, false
	}
	var kids []parse.Block
	asking := 0
	for _, b := range s.answer {
		if b.Kind == parse.ListItem && b.Depth == top {
			kids = append(kids, b)
			if readText(b.Text) == readsAsk {
				asking++
			}
		}
	}
	if len(kids) < 2 || asking*3 < len(kids)*2 {
		return nil, false
	}
	ctx := s.question
	var out []segment
	for _, k := range kids {
		c := newSegment(k.Line, k.Text, s.level, s.levelLabel, s.headings)
		c.context, c.block, c.rule = ctx, s.block, "a task under a context item"
		out = append(out, c)
	}
	return out, true
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
// following Java program?") takes the code block right under it, and a
// multiple-choice question (code, then a list of ticked options) takes its
// code; its options stay in the answer but make part of its identity, so
// that two questions asked with the same words over different options are
// not merged.
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
	if code, opts := choiceList(s.answer); opts > 0 {
		if code > 0 {
			s.stem, s.answer = s.answer[:code:code], s.answer[code:]
		}
		for _, b := range s.answer[:opts] {
			s.choices = append(s.choices, b.Text)
		}
		return s
	}
	if len(s.answer) > 0 && s.answer[0].Kind == parse.Code && pointsAtCode.MatchString(s.question) {
		s.stem, s.answer = s.answer[:1:1], s.answer[1:]
	}
	return s
}

// choiceList reads the options of a multiple-choice question at the start
// of an answer: code blocks (part of the question), then task-list items,
// one of them ticked. It returns how many code blocks and options there
// are; no options when the answer holds none.
func choiceList(ans []parse.Block) (code, opts int) {
	for code < len(ans) && ans[code].Kind == parse.Code {
		code++
	}
	k, ticked := code, false
	for k < len(ans) && ans[k].Kind == parse.ListItem && ans[k].Task != parse.TaskNone {
		ticked = ticked || ans[k].Task == parse.TaskDone
		k++
	}
	if k-code < 2 || !ticked {
		return 0, 0
	}
	return code, k - code
}

var taskHeading = regexp.MustCompile(`(?i)^(challenge|exercise|problem|task|kata)\s+\d+\s*[:.]\s*\S`)

var pointsAtCode = regexp.MustCompile(`(?i)\b(following|below|above|given|these|those)\b|\bthis\b( code| program| snippet| function| work| print| output| return| statement| expression)?[^a-z]*$|\boutputs?\b|\bprint(s|ed)?\b|\blogged\b|\bvalue of\b|\boutcome\b|\breturns?\b`)
