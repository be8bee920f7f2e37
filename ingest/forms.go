package ingest

import (
	"cmp"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"unicode"

	"github.com/iq-search/iq/ingest/parse"
)

// This file chooses a document's question units: blocks grouped by form and
// section, each form accepted where its instances read as questions and do
// not stand inside the answers of forms accepted before (see segment.go).

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
	// catalogue: a list item naming a catalogued problem by its number
	// ("75 Sort Colors").
	catalogue bool
	// excluded says why a block of a form can never be a question
	// ("level heading", "answer label"); empty otherwise.
	excluded string
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
	"exercises", "examples", "example", "answers", "solutions", "quiz", "practice", "other", "others", "misc",
	"miscellaneous", "其他", "其它", "总结", "参考", "参考资料", "目录", "简介", "前言", "附录", "введение",
	"заключение", "содержание", "ссылки", "литература", "вступ", "висновки", "зміст", "посилання")

// catalogueItem is a problem named by its number in a catalogue ("75 Sort
// Colors", "1160 Find words that can be formed by characters").
var catalogueItem = newLeading(`^\d{1,4}\s+\p{Lu}`, "0123456789")

// bareNumber matches a heading numbered without punctuation ("## 18
// GIL线程全局锁").
var bareNumber = newLeading(`^\d{1,3}\s+[^\s\d]`, "0123456789")

func analyse(blocks []parse.Block) []blockInfo {
	infos := make([]blockInfo, len(blocks))
	for i := range blocks {
		infos[i] = analyseBlock(&blocks[i])
	}
	markTitle(blocks, infos)
	return infos
}

// markTitle excludes the document's title: a first heading, alone at its
// depth, over deeper headings ("# Python语言特性" over "## 1 …"), that does
// not ask with a question mark (a file whose only heading is "# How do I
// …?" is that question).
func markTitle(blocks []parse.Block, infos []blockInfo) {
	if len(blocks) == 0 || blocks[0].Kind != parse.Heading || endsAsking(stripDecorations(blocks[0].Text)) {
		return
	}
	deeper := false
	for i := 1; i < len(blocks); i++ {
		if blocks[i].Kind != parse.Heading {
			continue
		}
		if blocks[i].Depth <= blocks[0].Depth && infos[i].excluded == "" {
			return
		}
		deeper = true
	}
	if deeper {
		infos[0].cand, infos[0].formed, infos[0].excluded = false, false, "the document's title"
	}
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
	var marked string
	in.read, marked = readMarked(t)
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
		in.catalogue = b.Number == 0 && in.read == readsTerm && catalogueItem.MatchString(t)
	case parse.Paragraph:
		s.depth = 0
		if !numbered && stripLabel(t) != t && labelPrefix.MatchString(t) && in.read >= readsTask {
			// "Question: …", "Q: …", "Scenario: …" label their unit as a
			// number does.
			numbered = true
			s.numbered = true
		}
		if strings.Count(t, "?") >= 2 {
			if qs := questionMarks(t); len(qs) >= 3 {
				s = sig{kind: parse.Paragraph, qlist: true}
				in.sig, in.formed, in.cand, in.def = s, true, true, true
				// "Inquire about their process: Why MongoDB? Why a random
				// forest? …" lists follow-up questions, even inside an
				// answer.
				in.follow = qlistLead(t) != ""
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
	case b.Kind != parse.Heading && isAnswerLabel(t):
		// A heading that labels a part of an answer ("#### Answer: D") is
		// told by where it stands (walker.inAnswer); a title that only
		// starts like one ("Code Comments") may be a unit.
		return "answer label"
	case b.Kind == parse.Summary && (revealLabel.MatchString(t) || clickLabel.MatchString(t)):
		return "answer label"
	case strings.HasSuffix(t, ":") && r < readsTask && (b.Kind == parse.Heading && (!numberedText(t) || !fieldsAtLeast(t, 6)) || b.Kind != parse.Heading && b.Number == 0 && !numberedText(t)):
		return "lead-in"
	}
	if len(t) <= 60 {
		if l, _ := headingLevel(t); l != "" {
			return "level heading"
		}
	}
	if b.Kind == parse.Heading && !endsAsking(t) && collectionTitle(t) {
		return "section title"
	}
	if r < readsTask && len(t) <= 80 {
		q, _, _ := cleanQuestion(t)
		var buf [96]byte
		if sectionWords[string(appendLower(buf[:0], strings.Trim(q, " .:!")))] {
			return "section title"
		}
	}
	return ""
}

// otherSection is a heading whose list is said in prompts but asks nothing:
// what a reader will learn or needs, steps to follow.
var otherSection = regexp.MustCompile(`(?i)^\s*(learning (goals?|objectives?|outcomes?)|objectives?|goals?|outcomes?|what you('ll| will) learn|prerequisites?|requirements?|(key )?takeaways?|how to (use|contribute)|instructions?|installation|setup|getting started|usage|(further |additional |useful )?(resources|references|reading|links|sources)|see also|bibliography)\s*:?\s*$`)

// leadsIntoList reports a list item or paragraph ending with a colon
// whose next block, past any code, is a list item deeper or of another
// list: it leads into that list.
func leadsIntoList(blocks []parse.Block, i int) bool {
	b := &blocks[i]
	if !strings.HasSuffix(strings.TrimSpace(b.Text), ":") {
		return false
	}
	j := i + 1
	for j < len(blocks) && blocks[j].Kind == parse.Code {
		j++
	}
	if j >= len(blocks) || blocks[j].Kind != parse.ListItem {
		return false
	}
	n := &blocks[j]
	return b.Kind != parse.ListItem || n.Depth > b.Depth || (n.Number > 0) != (b.Number > 0)
}

// qlistLead returns the lead-in clause of a paragraph of questions, up to
// its colon ("Inquire about their data and decision-making process:"), or
// "" when the paragraph opens with a question.
func qlistLead(t string) string {
	i := strings.Index(t, ": ")
	if i < 0 || strings.ContainsAny(t[:i], "?.!") || fieldsAtLeast(t[:i], 13) {
		return ""
	}
	return t[:i+1]
}

// collectionTitle reports a heading that names a collection of questions
// by its last word ("List 99 ML questions", "Top 50 Java Interview
// Questions"), whatever verb opens it.
func collectionTitle(t string) bool {
	f := strings.FieldsFunc(strings.ToLower(t), func(r rune) bool { return !unicode.IsLetter(r) })
	return len(f) > 0 && len(f) <= 8 && collectionNouns[f[len(f)-1]]
}

var collectionNouns = setOf("questions", "exercises", "tasks", "problems", "challenges", "quizzes", "katas", "drills",
	"assignments", "вопросы", "задачи", "задания", "упражнения", "питання", "завдання")

// sectionTitles caches sectionTitle per heading: every block of a section
// asks about its heading.
type sectionTitles map[int]bool

func (c sectionTitles) of(blocks []parse.Block, i int) bool {
	v, ok := c[i]
	if !ok {
		v = sectionTitle(blocks[i].Text)
		c[i] = v
	}
	return v
}

// sectionTitle is a short title that names its section or list a list of
// questions or exercises ("Exercises: Level 1", "Follow-up Questions:").
func sectionTitle(t string) bool {
	return !fieldsAtLeast(t, 7) && questionSection(t)
}

func numberedText(t string) bool {
	_, ok := stripNumber(t)
	return ok
}

// clickLabel is a toggle that reveals an answer ("Click to find out the
// answer!").
var clickLabel = newLeading(`(?i)^\s*(click|tap|press)\b.*\b(answer|solution)s?\b`, "ctp")

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

// tally counts instances of a form and how they read: n in all, ask that
// read as questions (or prompts), task as tasks, catalogue naming
// catalogued problems.
type tally struct {
	n, ask, task, catalogue int
}

// add counts one instance.
func (c *tally) add(in *blockInfo) {
	c.n++
	if in.def {
		c.ask++
	} else if in.read == readsTask {
		c.task++
	}
	if in.catalogue {
		c.catalogue++
	}
}

// formStats counts a form's instances and how they read, in all and per
// group.
type formStats struct {
	tally
	groups []*formGroup
	byKey  map[int]*formGroup
}

// formGroup is the instances of a form in one section (for weak paragraphs:
// one run of consecutive paragraphs).
type formGroup struct {
	key     int
	members []int
	tally   // of its members
	// qsec: the section's heading names it a list of questions or
	// exercises, where tasks ask too.
	qsec bool
	// nonq: the section's heading names it something else that is said
	// in prompts ("Learning goals", "Prerequisites").
	nonq bool
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

// chooseQuestions decides which blocks are questions. It groups the blocks
// by form and section (gatherForms), keeps the forms whose instances read
// as questions (eligible), accepts their instances form by form, the
// surest first, outside the answers of the forms accepted before
// (accept), then applies the rules that read the whole document: titles
// over their question, numbering that continues, context, sections.
func chooseQuestions(blocks []parse.Block) decisions {
	infos := analyse(blocks)
	d := decisions{isQ: make([]bool, len(blocks)), why: make([]string, len(blocks)), info: infos, context: make([]int, len(blocks))}
	for i := range d.context {
		d.context[i] = -1
	}
	fm := gatherForms(blocks, infos)
	eligible, strongForms := fm.eligible(blocks, infos)
	for _, s := range eligible {
		fm.accept(blocks, infos, &d, s, strongForms)
	}
	markTitled(blocks, infos, &d, fm.stats, fm.order)
	continueNumbering(blocks, infos, d)
	markContext(blocks, infos, &d)
	markSections(blocks, &d)
	return d
}

// forms is a document's question forms: each form's statistics and
// groups, and the forms in the order they first appear.
type forms struct {
	stats map[sig]*formStats
	order []sig
}

// A group's key says what it is the instances of: a section, by the index
// of its heading (-1: the document's start, before any heading); a list
// under a lead-in that names its list questions, leadKey of the lead-in
// (from -2 down to -1-n for n blocks); a list under another lead-in, its
// own key below -1-n (ownKey); a run of plain paragraphs, the index of its
// first paragraph.
func leadKey(lead int) int { return -2 - lead }

func ownKey(n, i int) int { return -2 - n - i }

// formWalk is gatherForms's state as it reads the blocks in order.
type formWalk struct {
	blocks []parse.Block
	// lastHeading is the section a block stands in: the last heading
	// above it, per depth (-1 for none).
	lastHeading [8]int
	// lead is a lead-in right above a list that names its list questions
	// ("Follow-up Questions:"), -1 for none; otherLead, one that names
	// something else ("Expected Approach:").
	lead      int
	otherLead bool
	// runStart is the first of the current run of plain paragraphs, -1
	// outside a run.
	runStart int
	titles   sectionTitles
}

// gatherForms counts each form's instances and how they read, and groups
// them by section: a group is where a form's instances are judged
// together (groupTakesAll). It also takes back the lead-in exclusion of an
// item in a list of exercises, and marks the items under a lead-in that
// names its list questions as follow-ups.
func gatherForms(blocks []parse.Block, infos []blockInfo) *forms {
	fm := &forms{stats: map[sig]*formStats{}}
	w := formWalk{blocks: blocks, lead: -1, runStart: -1, titles: sectionTitles{}}
	for k := range w.lastHeading {
		w.lastHeading[k] = -1
	}
	for i := range blocks {
		b := &blocks[i]
		in := &infos[i]
		w.step(i)
		if !in.sig.weak || !in.formed {
			w.runStart = -1
		}
		section := w.section()
		qsec := section >= 0 && section != i && w.titles.of(blocks, section) && blocks[section].Depth > 1 && !(w.otherLead && b.Kind == parse.ListItem)
		if in.excluded == "lead-in" && b.Kind == parse.ListItem && qsec {
			// In a list of exercises an item may end with a colon ("Join
			// the following lists:").
			in.excluded, in.formed, in.cand = "", true, true
		}
		if !in.formed {
			continue
		}
		s := in.sig
		st := fm.stats[s]
		if st == nil {
			st = &formStats{byKey: map[int]*formGroup{}}
			fm.stats[s] = st
			fm.order = append(fm.order, s)
		}
		st.add(in)
		if w.lead >= 0 && b.Kind == parse.ListItem {
			in.follow = true
		}
		key := w.key(i, s, section)
		g := st.byKey[key]
		if g == nil {
			g = w.newGroup(key)
			st.byKey[key] = g
			st.groups = append(st.groups, g)
		}
		g.members = append(g.members, i)
		g.add(in)
	}
	return fm
}

// step moves the walk to block i: the lead-in over the list (a paragraph
// ending with a colon; list items and nested blocks keep it, other blocks
// end it) and the section headings.
func (w *formWalk) step(i int) {
	b := &w.blocks[i]
	switch {
	case b.Kind == parse.Paragraph && b.Depth == 0 && strings.HasSuffix(strings.TrimSpace(b.Text), ":"):
		w.lead, w.otherLead = -1, true
		if sectionTitle(b.Text) {
			w.lead, w.otherLead = i, false
		}
	case b.Kind == parse.ListItem || b.Kind != parse.Heading && b.Depth > 0:
	default:
		w.lead, w.otherLead = -1, false
	}
	if b.Kind == parse.Heading && b.Depth >= 1 && b.Depth <= 6 {
		w.lastHeading[b.Depth] = i
		for k := b.Depth + 1; k < len(w.lastHeading); k++ {
			w.lastHeading[k] = -1
		}
	}
}

// section is the heading of the section the current block stands in, -1
// for none.
func (w *formWalk) section() int {
	section := -1
	for k := range w.lastHeading {
		section = max(section, w.lastHeading[k])
	}
	return section
}

// key is the key of the group block i of form s joins: the items under a
// lead-in are the lead-in's group, plain paragraphs group by run, items
// under a lead-in that names no questions group by their lead-in (the
// paragraph above them), a heading by the heading it stands under, and the
// rest by section.
func (w *formWalk) key(i int, s sig, section int) int {
	b := &w.blocks[i]
	switch {
	case w.lead >= 0 && b.Kind == parse.ListItem:
		return leadKey(w.lead)
	case s.weak:
		if w.runStart < 0 {
			w.runStart = i
		}
		return w.runStart
	case w.otherLead && b.Kind == parse.ListItem:
		for j := i - 1; j >= 0; j-- {
			if w.blocks[j].Kind == parse.Paragraph && w.blocks[j].Depth == 0 {
				return ownKey(len(w.blocks), j)
			}
		}
		return ownKey(len(w.blocks), i) // its own group, not the section's
	case s.kind == parse.Heading:
		for k := s.depth - 1; k >= 1; k-- {
			if w.lastHeading[k] >= 0 {
				return w.lastHeading[k]
			}
		}
		return -1
	}
	return section
}

// newGroup makes the group of the given key, telling from its heading or
// lead-in whether it is a section of questions or of something else.
func (w *formWalk) newGroup(key int) *formGroup {
	blocks := w.blocks
	g := &formGroup{key: key, qsec: key >= 0 && blocks[key].Kind == parse.Heading && blocks[key].Depth > 1 && w.titles.of(blocks, key) || key < -1 && key >= -1-len(blocks)}
	g.nonq = key >= 0 && blocks[key].Kind == parse.Heading && otherSection.MatchString(stripDecorations(blocks[key].Text))
	return g
}

// askShare is the share of a form's instances that read as questions.
func (fm *forms) askShare(s sig) float64 {
	st := fm.stats[s]
	return float64(st.ask) / float64(st.n)
}

// groupTakesAll says whether every instance of form s in group g is a
// question, not only those that read as one.
func (fm *forms) groupTakesAll(s sig, g *formGroup) bool {
	if s.takesAll() {
		// One numbered heading ("### 11. FastAPI") is a title; three
		// are a numbered list of items.
		return s.role || s.qlist || fm.stats[s].n >= 3 || fm.askShare(s) >= 0.5
	}
	if g.qsec && s.kind == parse.ListItem && g.n >= 2 && g.asking() >= 2 && g.asking()*2 >= g.n {
		// The items of a list under "Exercises" are exercises, also
		// one that only leads into its code.
		return true
	}
	if fm.stats[s].catalogue >= 10 && g.catalogue >= 2 && g.catalogue*10 >= g.n*6 {
		// A list of problems named by their catalogue numbers, section
		// after section: a problem list.
		return true
	}
	a := g.asking()
	return a >= 3 && a*2 >= g.n || a >= 2 && a == g.n
}

// eligible returns the forms that may hold questions, in the order they
// are accepted, and whether one of them is a form other than prose
// (paragraphs of questions and plain paragraphs).
func (fm *forms) eligible(blocks []parse.Block, infos []blockInfo) ([]sig, bool) {
	var eligible []sig
	strongForms := false
	for _, s := range fm.order {
		st := fm.stats[s]
		ok := s.role || s.qlist || fm.askShare(s) >= 0.5 || s.numbered && st.n >= 2 && s.takesAll() || s.kind == parse.Heading && st.ask > 0
		for _, g := range st.groups {
			ok = ok || fm.groupTakesAll(s, g)
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
		if fm.askShare(s) >= 0.5 || s.kind == parse.Heading && s.numbered && sequential(blocks, infos, s) {
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
		return cmp.Compare(fm.stats[b].n, fm.stats[a].n)
	})
	return eligible, strongForms
}

// pick is the instances of a form that a group offers as questions.
type pick struct {
	g    *formGroup
	all  bool // the group takes all its instances (groupTakesAll)
	mine []int
}

// accept takes the instances of form s that are questions, unless they
// stand inside the answers of the questions accepted before, and says in
// d.why why each candidate was taken or left.
func (fm *forms) accept(blocks []parse.Block, infos []blockInfo, d *decisions, s sig, strongForms bool) {
	if s.kind == parse.Heading && s.numbered {
		dropRestarts(blocks, infos, s)
	}
	picks, formMine := fm.picks(blocks, infos, d, s, strongForms)
	if len(formMine) == 0 {
		return
	}
	insideOf, formIn := formInside(blocks, infos, d.isQ, s, formMine)
	nested := nestedQuestions(s, fm.stats[s])
	for _, p := range picks {
		g := p.g
		rule := fmt.Sprintf("%s: %d of %d in its section read as questions", s, g.asking(), g.n)
		if g.qsec && p.all && g.task > 0 {
			k := g.key
			if k < -1 {
				k = -2 - k // the lead-in of leadKey(k)
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

// picks returns, per group of form s, the instances it offers as
// questions (all of its candidates, or those that read as questions), and
// all of them in document order (formMine). It says in d.why why a group
// that offers none left its questions out, and why a lead-in into a list
// is not a question.
func (fm *forms) picks(blocks []parse.Block, infos []blockInfo, d *decisions, s sig, strongForms bool) (picks []pick, formMine []int) {
	for _, g := range fm.stats[s].groups {
		if g.nonq {
			continue // "Learning goals": what a reader learns, not questions
		}
		all := fm.groupTakesAll(s, g)
		// Bare questions in prose count only where the document has no
		// other way of marking questions (flattened pages, seed 001) or
		// come as a run of several.
		// A heading that asks is a question wherever it is not inside
		// an answer, however few of its siblings ask.
		if !all && (fm.askShare(s) < 0.5 && s.kind != parse.Heading || s.weak && strongForms) && !s.role && !s.qlist {
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
			if in.read < readsTask && leadsIntoList(blocks, i) {
				// "The following is a list of 10 students ages:", its
				// code, then the tasks: the context of the tasks.
				d.why[i] = "a lead-in to the list under it"
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
	return picks, formMine
}

// formInside returns which instances of form s in formMine stand inside
// the answers of the questions accepted so far (follow-up questions
// excepted), and how many. Inside the answers of forms already kept, a form
// is answer structure: where most of its instances stand there, and most
// of a section's.
func formInside(blocks []parse.Block, infos []blockInfo, accepted []bool, s sig, formMine []int) (map[int]bool, int) {
	inside := insideAnswers(blocks, accepted, infos, formMine)
	if s.kind == parse.Paragraph && !s.qlist {
		// Three or more asking paragraphs in a row are not an answer
		// but the questions the answer above missed a boundary
		// before ("Scenario: …?" lines after a list of questions).
		for k := 0; k < len(formMine); {
			e := k + 1
			for e < len(formMine) && formMine[e] == formMine[e-1]+1 && infos[formMine[e]].def {
				e++
			}
			if e-k >= 3 && infos[formMine[k]].def {
				for j := k; j < e; j++ {
					inside[j] = false
				}
			}
			k = e
		}
	}
	insideOf := make(map[int]bool, len(formMine))
	formIn := 0
	for k, i := range formMine {
		if inside[k] && !infos[i].follow {
			insideOf[i] = true
			formIn++
		}
	}
	return insideOf, formIn
}

// markSections takes back a heading question directly followed by a
// deeper heading question: with no answer of its own it titles the
// questions under it ("# Python语言特性" over "## 1 …").
func markSections(blocks []parse.Block, d *decisions) {
	for i := 0; i+1 < len(blocks); i++ {
		b, n := &blocks[i], &blocks[i+1]
		if d.isQ[i] && b.Kind == parse.Heading && d.isQ[i+1] && n.Kind == parse.Heading && n.Depth > b.Depth && !endsAsking(stripDecorations(b.Text)) {
			d.isQ[i] = false
			d.why[i] = "a section over the questions under it"
		}
	}
}

// markContext turns a question that does not ask, directly followed (past
// any code) by questions of another form that do, into their context: a
// title over its question ("Question 1: Pointers vs Values (5 minutes)"
// then the quoted question), a lead-in over tasks ("The following is a
// list of 10 students ages:", its code, then "Sort the list …").
func markContext(blocks []parse.Block, infos []blockInfo, d *decisions) {
	for i := range blocks {
		leadIn := d.why[i] == "a lead-in to the list under it" || !d.isQ[i] && blocks[i].Kind == parse.ListItem &&
			infos[i].read < readsTask && fieldsAtLeast(blocks[i].Text, 4) && leadsIntoList(blocks, i)
		if leadIn {
			// The list's items read with their lead-in.
			for k := i + 1; k < len(blocks); k++ {
				if blocks[k].Kind == parse.Code || blocks[k].Kind == parse.ListItem && !d.isQ[k] && blocks[k].Depth > blocks[i].Depth {
					continue
				}
				if !d.isQ[k] || blocks[k].Kind != parse.ListItem || infos[k].sig == infos[i].sig {
					break
				}
				d.context[k] = i
			}
			continue
		}
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
			// Where the paragraph is a question already (prose questions
			// accepted on their own), the title is its context.
			if d.isQ[i+1] {
				if d.context[i+1] < 0 {
					d.context[i+1] = i
				}
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
		t = strings.TrimLeft(t[1:], "uestionUESTION. ")
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
	openKind := parse.Kind(0)
	for i := range blocks {
		b := &blocks[i]
		// The next instance of the very form that opened the question is
		// not inside its answer: it is the next question ("What is …?"
		// paragraphs after an answered one, "## 2 元类" after "## 1 …").
		sameForm := infos[i].sig == openSig && (infos[i].def || openSig.numbered)
		// A heading under a question heading is its answer's even before
		// any content ("### Redis是什么？" right under "## 3 Redis原理").
		deeper := b.Kind == parse.Heading && w.open && b.Depth > w.container
		// Only a list item's follow-up stands right under it as a question
		// of its own (h5bp); the first block under a heading is its answer.
		first := openKind == parse.Heading
		if k := want[i]; k > 0 && w.open && (w.content || !infos[i].def || deeper || first) && !(b.Kind == parse.Heading && !w.inAnswer(b)) && !sameForm {
			inside[k-1] = true
		}
		switch {
		case accepted[i]:
			w.startQuestion(b)
			openSig, openKind = infos[i].sig, b.Kind
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
