package ingest

import (
	"path"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/iq-search/iq/ingest/parse"
	"github.com/iq-search/iq/record"
)

// This file reads difficulty levels: the markers a source writes (words,
// emoji, tags, labels, file names) and which questions each applies to.

// levelMark is a level and the marker the source wrote for it.
type levelMark struct{ level, label string }

// Level markers. Words mark a level in headings, labels and file names;
// emoji and bracket tags mark it on a question itself. The mapping is the
// one ../shared/labelled/README.md gives: Junior / Easy / Basics / Beginner
// / Level 1 / Fundamental are beginner; Regular / Medium / Intermediate /
// Level 2 intermediate; Senior / Hard / Advanced / Expert / Guru / Level 3
// advanced.
var levelWords = map[string]string{
	"beginner": record.LevelBeginner, "beginners": record.LevelBeginner, "junior": record.LevelBeginner, "juniors": record.LevelBeginner,
	"easy": record.LevelBeginner, "entry": record.LevelBeginner, "fresher": record.LevelBeginner, "freshers": record.LevelBeginner,
	"basic": record.LevelBeginner, "basics": record.LevelBeginner, "fundamental": record.LevelBeginner, "fundamentals": record.LevelBeginner,
	"foundational": record.LevelBeginner, "novice": record.LevelBeginner,
	"intermediate": record.LevelIntermediate, "mid": record.LevelIntermediate, "middle": record.LevelIntermediate,
	"medium": record.LevelIntermediate, "moderate": record.LevelIntermediate, "regular": record.LevelIntermediate,
	"senior": record.LevelAdvanced, "seniors": record.LevelAdvanced, "advanced": record.LevelAdvanced, "advance": record.LevelAdvanced,
	"hard": record.LevelAdvanced, "expert": record.LevelAdvanced, "experts": record.LevelAdvanced, "difficult": record.LevelAdvanced,
	"guru": record.LevelAdvanced, "gurus": record.LevelAdvanced,
	// Russian and Chinese banks use the same words ("Junior", "Middle")
	// or their own.
	"начальный": record.LevelBeginner, "базовый": record.LevelBeginner, "базовые": record.LevelBeginner,
	"продвинутый": record.LevelAdvanced, "продвинутые": record.LevelAdvanced,
	"初级": record.LevelBeginner, "中级": record.LevelIntermediate, "高级": record.LevelAdvanced,
}

// levelNumberWords introduce a numbered level ("Level 2", "Уровень 3").
var levelNumberWords = setOf("level", "lvl", "уровень", "tier")

// levelFiller may stand beside a level word in a level heading
// ("Senior-Level Questions:", "Exercises: Level 1").
var levelFiller = setOf("level", "levels", "question", "questions", "interview", "developer", "developers",
	"engineer", "engineers", "section", "for", "and", "the", "difficulty", "tier", "q", "a", "qa",
	"exercise", "exercises", "problem", "problems", "task", "tasks", "challenge", "challenges", "quiz",
	"вопросы", "уровень", "题", "面试题")

var levelEmoji = []struct{ mark, level string }{
	{"👶", record.LevelBeginner}, {"⭐", record.LevelIntermediate}, {"🌟", record.LevelIntermediate}, {"🚀", record.LevelAdvanced},
}

// levelTagWords may stand in a bracket tag at either end of a question
// ("[H]", "(Easy)", "[Senior]").
var levelTagWords = setOf("e", "m", "h", "easy", "medium", "hard", "beginner", "basic", "intermediate",
	"advanced", "expert", "junior", "middle", "senior")

// tagLevel is the level of a bracket tag's word, "" when it is none.
func tagLevel(w string) string {
	w = strings.ToLower(strings.TrimSpace(w))
	switch {
	case !levelTagWords[w]:
		return ""
	case w == "e":
		return record.LevelBeginner
	case w == "m":
		return record.LevelIntermediate
	case w == "h":
		return record.LevelAdvanced
	}
	return levelWords[w]
}

// maxTag bounds a bracket tag's length in bytes ("(Intermediate)").
const maxTag = 16

// splitLevelTag removes a bracket tag at either end of t ("[H] Design …",
// "… (Easy)") and returns it. It looks only at the ends: every question
// ending in ")" comes here.
func splitLevelTag(t string) (rest, level, label string, ok bool) {
	tt := strings.TrimSpace(t)
	if tt == "" {
		return t, "", "", false
	}
	if tt[0] == '[' || tt[0] == '(' {
		if end := strings.IndexAny(tt[:min(len(tt), maxTag)], "])"); end > 1 && (end+1 == len(tt) || tt[end+1] == ' ') {
			if l := tagLevel(tt[1:end]); l != "" {
				return strings.TrimSpace(tt[end+1:]), l, tt[:end+1], true
			}
		}
	}
	if c := tt[len(tt)-1]; c == ']' || c == ')' {
		from := max(0, len(tt)-maxTag)
		if open := strings.LastIndexAny(tt[from:], "[("); open >= 0 {
			open += from
			// A tag stands apart: "foo(e)" calls a function.
			if l := tagLevel(tt[open+1 : len(tt)-1]); l != "" && (open == 0 || tt[open-1] == ' ') {
				return strings.TrimSpace(tt[:open]), l, tt[open:], true
			}
		}
	}
	return t, "", "", false
}

// splitLevelMarker removes a level marker carried by a question itself —
// a trailing emoji (👶 ⭐️ 🚀) or a tag ([E], (Hard)) — and returns it.
func splitLevelMarker(t string) (rest, level, label string) {
	// Markers sit at the end; where several do ("⭐️🚀"), the last one,
	// the higher level, counts.
	first, last := -1, -1
	off := max(0, len(t)-20)
	tail := t[off:]
	// Every marker starts with byte 0xF0 (👶 🌟 🚀) or 0xE2 (⭐).
	if strings.IndexByte(tail, 0xF0) < 0 && strings.IndexByte(tail, 0xE2) < 0 {
		tail = ""
	}
	for _, e := range levelEmoji {
		if i := strings.LastIndex(tail, e.mark); i >= 0 && off+i >= len(t)-16 {
			i += off
			if first < 0 || i < first {
				first = i
			}
			if i > last {
				last, level = i, e.level
			}
		}
	}
	if first >= 0 {
		label = strings.Trim(t[first:], " \t\u200d")
		rest = strings.TrimRight(t[:first], " \t\u200d\ufe0f")
		return rest, level, label
	}
	// A badge after the question mark ("How do you squash commits?
	// Intermediate", a difficulty span rendered after the question).
	if q := strings.LastIndexByte(t, '?'); q >= 0 && q < len(t)-1 {
		badge := strings.Trim(t[q+1:], " \t-–—|•·:")
		if l := levelWords[strings.ToLower(badge)]; l != "" && !strings.ContainsAny(badge, " \t") {
			return t[:q+1], l, badge
		}
	}
	// A tag stands at either end ("[H] Design …", "… (Easy)").
	if rest, level, label, ok := splitLevelTag(t); ok {
		return rest, level, label
	}
	return t, "", ""
}

// shortcode matches an emoji shortcode (":diamond_shape_with_a_dot_inside:")
// that GitHub renders as an emoji and that says nothing about a level.
var shortcode = regexp.MustCompile(`:[a-z0-9_+-]+:`)

func levelTokens(t string) []string {
	if strings.Count(t, ":") >= 2 {
		t = shortcode.ReplaceAllString(t, " ")
	}
	return strings.FieldsFunc(strings.ToLower(t), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	})
}

// levelPhrase is a level phrase found among tokens: a level word
// ("Senior") or a numbered level ("Level 2", num 2), at words[at:at+n].
type levelPhrase struct {
	level   string
	num     int
	at, n   int
	phrases int // how many level phrases the tokens hold
}

// findLevel finds the level phrases among words and returns the first.
func findLevel(words []string) levelPhrase {
	p := levelPhrase{at: -1}
	for i := 0; i < len(words); i++ {
		w := words[i]
		if levelNumberWords[w] && i+1 < len(words) {
			if n, err := strconv.Atoi(words[i+1]); err == nil && n > 0 && n < 100 {
				if p.phrases == 0 {
					p.num, p.at, p.n = n, i, 2
				}
				p.phrases++
				i++
				continue
			}
		}
		if l := levelWords[w]; l != "" {
			if p.phrases == 0 {
				p.level, p.at, p.n = l, i, 1
			}
			p.phrases++
		}
	}
	return p
}

// scaled is the phrase's level, a numbered level read on a scale up to top.
func (p levelPhrase) scaled(top int) string {
	if p.num > 0 {
		return numberedLevel(p.num, top)
	}
	return p.level
}

// numberedLevel maps "Level n" of a document whose levels go up to top:
// 1, 2, 3 are beginner, intermediate and advanced; a longer scale is cut in
// thirds.
func numberedLevel(n, top int) string {
	if top <= 3 {
		top = 3
	}
	switch {
	case n*3 <= top:
		return record.LevelBeginner
	case n*3 <= 2*top:
		return record.LevelIntermediate
	}
	return record.LevelAdvanced
}

// levelLabel is the marker as written, without markup, emoji shortcodes or
// trailing punctuation.
func levelLabel(t string) string {
	if strings.Count(t, ":") >= 2 {
		t = shortcode.ReplaceAllString(t, " ")
	}
	return strings.Trim(foldSpace(t), "*_:#. ")
}

// headingLevel reads a level heading ("Beginner:", "Mid-Level",
// "Senior-Level Questions", "Exercises: Level 1", "🚀 Expert"): one level
// phrase and nothing but filler beside it. A numbered level is read on a
// scale of three.
func headingLevel(t string) (level, label string) {
	m := headingMark(t, 3)
	return m.level, m.label
}

// mayNameLevel reports whether one of t's words, as levelTokens splits
// them, is a level word or a level number word; without one findLevel finds
// no phrase. It splits on the stack: headingMark runs on every short
// block, and few name a level. (Emoji shortcodes, which levelTokens drops,
// are words of their own here: that only lets more texts through.)
func mayNameLevel(t string) bool {
	var buf [64]byte
	w := buf[:0]
	for i := 0; i <= len(t); {
		r, n := utf8.RuneError, 1
		if i < len(t) {
			r, n = utf8.DecodeRuneInString(t[i:])
			r = unicode.ToLower(r)
		}
		if i < len(t) && (unicode.IsLetter(r) || unicode.IsDigit(r)) {
			w = utf8.AppendRune(w, r)
		} else if len(w) > 0 {
			if levelWords[string(w)] != "" || levelNumberWords[string(w)] {
				return true
			}
			w = w[:0]
		}
		i += n
	}
	return false
}

func headingMark(t string, top int) levelMark {
	if m := leadingEmoji(t); m.level != "" {
		return m
	}
	if !mayNameLevel(t) {
		return levelMark{}
	}
	words := levelTokens(t)
	if len(words) == 0 || len(words) > 5 {
		return levelMark{}
	}
	l := soleLevel(words, top)
	if l == "" {
		return levelMark{}
	}
	return levelMark{l, levelLabel(t)}
}

// soleLevel is the level of words that are one level phrase and filler
// ("Senior-Level Questions", "level-2"), "" for any other words; a
// numbered level is read on a scale up to top.
func soleLevel(words []string, top int) string {
	p := findLevel(words)
	if p.phrases != 1 {
		return ""
	}
	for i, w := range words {
		if (i < p.at || i >= p.at+p.n) && !levelFiller[w] {
			return ""
		}
	}
	return p.scaled(top)
}

// headingLevels reads the level of every heading that marks one: a level
// heading (headingMark), or one of a series of sibling headings that differ
// only in their level ("Junior Sysadmin", "Regular Sysadmin", "Senior
// Sysadmin"): such a series is a document's division by difficulty even
// when its headings name something besides the level, while a lone
// "Advanced Functions" names a topic. It returns nil when no heading marks
// a level.
func headingLevels(blocks []parse.Block) map[int]levelMark {
	type member struct {
		idx   int
		words []string
		p     levelPhrase
	}
	type seriesKey struct {
		depth    int
		template string
	}
	var (
		members []member
		series  map[seriesKey][]int // indices into members
		top     int
	)
	for i := range blocks {
		b := &blocks[i]
		if b.Kind != parse.Heading || len(b.Text) > 160 {
			continue
		}
		words := levelTokens(b.Text)
		if len(words) > 6 {
			continue
		}
		p := findLevel(words)
		if p.phrases != 1 {
			if leadingEmoji(b.Text).level != "" {
				members = append(members, member{idx: i, words: words})
			}
			continue
		}
		top = max(top, p.num)
		template := strings.Join(words[:p.at], " ") + " # " + strings.Join(words[p.at+p.n:], " ")
		if series == nil {
			series = map[seriesKey][]int{}
		}
		k := seriesKey{b.Depth, template}
		series[k] = append(series[k], len(members))
		members = append(members, member{i, words, p})
	}
	if len(members) == 0 {
		return nil
	}
	marks := map[int]levelMark{}
	for _, m := range members {
		if mk := headingMark(blocks[m.idx].Text, top); mk.level != "" {
			marks[m.idx] = mk
		}
	}
	for _, ms := range series {
		distinct := map[string]bool{}
		for _, j := range ms {
			distinct[members[j].p.level+strconv.Itoa(members[j].p.num)] = true
		}
		if len(distinct) < 2 {
			continue
		}
		for _, j := range ms {
			m := members[j]
			if _, ok := marks[m.idx]; ok {
				continue
			}
			marks[m.idx] = levelMark{m.p.scaled(top), levelLabel(blocks[m.idx].Text)}
		}
	}
	return marks
}

// leadingEmoji is the level of the emoji t opens with (levelEmoji), with
// the emoji as its label.
func leadingEmoji(t string) levelMark {
	t = strings.TrimSpace(t)
	for _, e := range levelEmoji {
		if strings.HasPrefix(t, e.mark) {
			return levelMark{e.level, e.mark}
		}
	}
	return levelMark{}
}

// nameLevel reads a level from a file or folder name that is a level as a
// whole ("junior.md", "hard.md", "level-2", "easy-questions"): a name that
// merely contains a level word ("advanced-functions",
// "senior-go-developer") says nothing about difficulty.
func nameLevel(name string) (level, label string) {
	if l := soleLevel(levelTokens(name), 3); l != "" {
		return l, name
	}
	return "", ""
}

// labelLevelRe matches a level label: "Level: Basics", "Target Level:
// Junior developers", "Difficulty: Intermediate" (also as front matter,
// "difficulty = \"hard\"").
var labelLevelRe = regexp.MustCompile(`(?i)^\s*(?:target |experience |seniority |difficulty |question )?(?:level|difficulty|seniority)\s*[:：=]\s*["']?([^\n]{1,60})`)

// labelLevel reads a level label line, one of the first lines of t (a
// header paragraph of "Duration: …", "Format: …", "Target Level: …"
// lines); the label is the level as written.
func labelLevel(t string) (level, label string) {
	for n := 0; n < 8 && len(t) >= 7; n++ {
		line, rest, _ := strings.Cut(t, "\n")
		if l, label := labelLine(line); l != "" {
			return l, label
		}
		t = rest
	}
	return "", ""
}

func labelLine(t string) (level, label string) {
	if len(t) < 7 || !mayLabel(t) {
		return "", ""
	}
	m := labelLevelRe.FindStringSubmatch(t)
	if m == nil {
		return "", ""
	}
	words := levelTokens(m[1])
	p := findLevel(words[:min(len(words), 2)])
	if p.phrases == 0 || p.at != 0 {
		return "", ""
	}
	// The label as written: the value up to the end of the level phrase
	// ("Junior" of "Junior developers (0-2 years)").
	return p.scaled(3), upToWord(strings.TrimSpace(m[1]), p.n)
}

// upToWord returns s up to the end of its n-th word (a run of letters and
// digits).
func upToWord(s string, n int) string {
	in := false
	for i, r := range s {
		word := unicode.IsLetter(r) || unicode.IsDigit(r)
		if in && !word {
			if n--; n == 0 {
				return s[:i]
			}
		}
		in = word
	}
	return s
}

// mayLabel is a cheap test for labelLevel: the text opens with one of the
// label words within its first 24 bytes.
func mayLabel(t string) bool {
	head := t[:min(len(t), 24)]
	for _, w := range [...]string{"evel", "EVEL", "ifficult", "IFFICULT", "eniority", "ENIORITY"} {
		if strings.Contains(head, w) {
			return true
		}
	}
	return false
}

// frontMatterLevel reads "level: beginner" or "difficulty: hard" from a
// document's front matter.
func frontMatterLevel(fm string) levelMark {
	for _, line := range strings.Split(fm, "\n") {
		if l, label := labelLine(line); l != "" {
			return levelMark{l, label}
		}
	}
	return levelMark{}
}

// tableRowLevel reads the level of a table's row from the column its
// header names as the level (levelColumn, as tableQuestions reads it). The
// row is the one at line (a Markdown table's rows start two lines below
// its header), or else the one whose cells hold the question q.
func tableRowLevel(b *parse.Block, line int, q string) levelMark {
	rows := b.Rows
	if len(rows) < 2 {
		return levelMark{}
	}
	col := slices.IndexFunc(rows[0], levelColumn.MatchString)
	if col < 0 {
		return levelMark{}
	}
	nq := record.NormalizeQuestion(q)
	holds := func(row []string) bool {
		for j, c := range row {
			if j != col && nq != "" && strings.Contains(record.NormalizeQuestion(c), nq) {
				return true
			}
		}
		return false
	}
	k := line - b.Line - 1 // index in rows: the header is rows[0]
	if k < 1 || k >= len(rows) || !holds(rows[k]) {
		k = slices.IndexFunc(rows[1:], holds) + 1
	}
	if k < 1 || col >= len(rows[k]) {
		return levelMark{}
	}
	cell := strings.TrimSpace(rows[k][col])
	p := findLevel(levelTokens(cell))
	if p.phrases != 1 {
		return levelMark{}
	}
	return levelMark{p.scaled(3), cell}
}

// itemLevel reads a difficulty line among the first blocks of a question's
// answer ("**Difficulty**: Intermediate"), which is the question's own and
// so overrides every other marker; it returns the index of that block in
// answer, or -1.
func itemLevel(answer []parse.Block) (levelMark, int) {
	for i, b := range answer {
		if i >= 3 {
			break
		}
		if b.Kind == parse.Code || b.Kind == parse.Table {
			continue
		}
		if l, label := labelLevel(b.Text); l != "" {
			return levelMark{l, label}, i
		}
	}
	return levelMark{}, -1
}

// docLevels holds what a document says about levels beyond its questions
// themselves: the page's level and the level in scope at each question.
type docLevels struct {
	page  levelMark
	scope map[int]levelMark // question block index → innermost level in scope
}

// documentLevels reads a document's page level and the level scoped over
// each question block. The page level comes from the front matter, a level
// label before the first question ("Level: Basics", "Target Level:
// Senior"), or a file or folder name that is a level. A level heading
// applies until the next heading of the same or a higher level; a label
// line under a heading, before that section's first question, labels that
// section.
func documentLevels(doc document, kept []parse.Block, segs []segment) docLevels {
	var dl docLevels
	for _, b := range doc.blocks {
		if b.Line > 1 {
			break
		}
		if len(b.Context) > 0 && b.Context[0] == "front-matter" {
			dl.page = frontMatterLevel(b.Text)
			break
		}
	}
	if len(segs) == 0 {
		return dl
	}
	isQ := make(map[int]bool, len(segs))
	for _, s := range segs {
		isQ[s.block] = true
	}
	heads := headingLevels(kept)
	type scope struct {
		depth int
		mark  levelMark
		asked bool // a question has been seen in the scope
	}
	var (
		stack  []scope
		anyQ   bool
		labels int       // label lines outside answers
		first  levelMark // the first of them, when before any question
	)
	dl.scope = make(map[int]levelMark, len(segs))
	for i := range kept {
		b := &kept[i]
		if b.Kind == parse.Heading {
			for len(stack) > 0 && stack[len(stack)-1].depth >= b.Depth {
				stack = stack[:len(stack)-1]
			}
			stack = append(stack, scope{depth: b.Depth, mark: heads[i]})
		}
		if isQ[i] {
			anyQ = true
			for j := range stack {
				stack[j].asked = true
			}
			for j := len(stack) - 1; j >= 0; j-- {
				if stack[j].mark.level != "" {
					dl.scope[i] = stack[j].mark
					break
				}
			}
			continue
		}
		if b.Kind != parse.Paragraph && b.Kind != parse.ListItem && b.Kind != parse.Heading {
			continue
		}
		l, label := labelLevel(b.Text)
		if l == "" {
			continue
		}
		top := len(stack) - 1
		if anyQ && (top < 0 || stack[top].asked) {
			continue // a line inside an answer: the question's own (itemLevel)
		}
		labels++
		if !anyQ && labels == 1 {
			first = levelMark{l, label}
		}
		if top >= 0 && stack[top].mark.level == "" {
			stack[top].mark = levelMark{l, label}
		}
	}
	// One label before the questions describes the page ("Target Level:
	// Senior" under "## Interview Overview"); several label their sections.
	if labels == 1 && first.level != "" && dl.page.level == "" {
		dl.page = first
	}
	if dl.page.level == "" {
		dl.page = nameMark(doc.rel)
	}
	return dl
}

// nameMark is the level of a file or its folder whose name is a level
// ("golang/junior.md", "hard/arrays.md").
func nameMark(rel string) levelMark {
	base := path.Base(rel)
	if l, label := nameLevel(strings.TrimSuffix(base, path.Ext(base))); l != "" {
		return levelMark{l, label}
	}
	if dir := path.Base(path.Dir(rel)); dir != "." && dir != "/" {
		if l, label := nameLevel(dir); l != "" {
			return levelMark{l, label}
		}
	}
	return levelMark{}
}

// of is the level of segment s, by precedence: a difficulty line at the
// top of its answer (which it returns the answer without), a marker on the
// question itself (a tag, an emoji, the row's level column), the level in
// scope, the page's level.
func (dl *docLevels) of(kept []parse.Block, s segment) (levelMark, []parse.Block) {
	if m, i := itemLevel(s.answer); m.level != "" {
		ans := s.answer
		if i == 0 {
			ans = ans[1:]
		} else {
			ans = append(ans[:i:i], ans[i+1:]...)
		}
		return m, ans
	}
	if s.block >= 0 && s.block < len(kept) {
		b := &kept[s.block]
		if b.Kind == parse.Table {
			if m := tableRowLevel(b, s.line, s.question); m.level != "" {
				return m, s.answer
			}
		} else if _, l, label := splitLevelMarker(strings.TrimSpace(b.Text)); l != "" {
			return levelMark{l, label}, s.answer
		}
	}
	if m, ok := dl.scope[s.block]; ok {
		return m, s.answer
	}
	return dl.page, s.answer
}
