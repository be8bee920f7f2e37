package ingest

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/iq-search/iq/ingest/parse"
)

// This file finishes the segments once their answers are known: titles
// whose question is the paragraph under them, <summary>s holding code,
// context items over a list of questions, multiple-choice options.

// finishSegments applies the per-question rules that need the answer:
// titles whose question is the paragraph under them, summaries holding
// code, context parents, inline follow-ups, stems and options.
func finishSegments(blocks []parse.Block, d decisions, out docSegments) ([]segment, []int) {
	segs := make([]segment, 0, len(out.segments))
	primary := make([]int, len(out.segments))
	// Several segments can come from one block (a line of many
	// questions); its sub-items are found once, not once per segment,
	// which cost the square of the line's length (issue 16).
	subs := map[int]subSplit{}
	for k, s := range out.segments {
		primary[k] = len(segs)
		b := &blocks[s.block]
		if d.info[s.block].titled {
			s = titledSegment(s)
		}
		s = splitQuestionCode(s, b)
		if kids, ok := contextChildren(s, blocks); ok {
			segs = append(segs, kids...)
			continue
		}
		if (b.Kind == parse.ListItem || b.Kind == parse.Paragraph) && !d.info[s.block].titled && b.Kind != parse.Table {
			sub, seen := subs[s.block]
			if !seen {
				sub.head, sub.items, sub.ok = splitSubItems(b.Text)
				subs[s.block] = sub
			}
			if parent, kids, ok := followUps(s, b, sub); ok {
				segs = append(segs, finishSegment(parent))
				segs = append(segs, kids...)
				continue
			}
		}
		if len(s.answer) == 0 && (b.Kind == parse.ListItem || b.Kind == parse.Paragraph) && !d.info[s.block].titled {
			s = inlineAnswer(s)
		}
		segs = append(segs, finishSegment(s))
	}
	return segs, primary
}

var speakerVoice = setOf("i", "we", "our", "my", "you", "your", "let's", "lets", "i'm", "we're", "you're", "i've", "we've")

// inlineAnswer cuts an answer written on the question's own line in a list
// of questions (personal notes: "What is selection bias? It is the bias
// …", "- **What is the GIL?** The global …", "Explain MLP: kind of fully
// connected …") into the question and the start of its answer. The part
// after the last question mark (or after a short question's colon) is an
// answer when it neither asks nor sets a task and is not a parenthesis.
func inlineAnswer(s segment) segment {
	q := s.question
	cut := -1
	if i := strings.LastIndex(q, "?"); i > 0 && i < len(q)-1 {
		cut = i + 1
	} else if !strings.Contains(q, "?") {
		if i := strings.Index(q, ": "); i > 0 && !fieldsAtLeast(q[:i], 6) {
			cut = i
		}
	}
	if cut < 0 {
		return s
	}
	head := strings.TrimSpace(q[:cut])
	rest := strings.TrimSpace(strings.TrimPrefix(q[cut:], ":"))
	if !fieldsAtLeast(head, 2) || !fieldsAtLeast(rest, 3) || strings.Contains(rest, "?") {
		return s
	}
	if r, _ := utf8.DecodeRuneInString(rest); !unicode.IsLetter(r) && !unicode.IsDigit(r) {
		return s // "(sysadmin, security-related or other)"
	}
	if readText(rest) >= readsTask || strings.EqualFold(strings.TrimRight(head, "?"), "true or false") {
		return s
	}
	// Two questions, or a remainder in the speaker's voice ("We love the
	// flexibility but …"), make a question with its context, not one
	// with its answer.
	if strings.Count(head, "?") > 1 || speakerVoice[strings.ToLower(strings.Trim(strings.SplitN(rest, " ", 2)[0], ",.'’"))] {
		return s
	}
	if strings.HasSuffix(head, ":") || !strings.HasSuffix(head, "?") && readText(head) < readsTerm {
		return s
	}
	s.question = strings.TrimSpace(strings.TrimSuffix(head, ":"))
	s.answer = []parse.Block{{Kind: parse.Paragraph, Line: s.line, Text: rest}}
	return s
}

// subMarker finds the letters of sub-items flattened into one item's text
// ("Explain SVM a. What is the decision boundary? b. What is a kernel
// trick?", the lines of a list the Markdown did not nest).
var subMarker = regexp.MustCompile(`(?:^|\s)([a-z]|i{1,3}|iv|vi{0,3}|ix|x)[.)]\s`)

// subSplit is what splitSubItems found in a block.
type subSplit struct {
	head  string
	items []subItem
	ok    bool
}

// maySubItems reports whether subMarker can match in t: somewhere a "." or
// ")" followed by white space ends a word of one lower-case letter, or of
// two to four of "i", "v" and "x", that starts the text or follows white
// space. It is one pass with no backtracking; most answers hold no such
// word, and subMarker, unanchored, was tried at every position of every
// question item (issue 11).
func maySubItems(t string) bool {
	for i := 1; i+1 < len(t); i++ {
		if c := t[i]; c != '.' && c != ')' || !reSpace(t[i+1]) {
			continue
		}
		j, roman := i, true
		for j > 0 && i-j < 5 && t[j-1] >= 'a' && t[j-1] <= 'z' {
			j--
			roman = roman && (t[j] == 'i' || t[j] == 'v' || t[j] == 'x')
		}
		if n := i - j; (n == 1 || n <= 4 && roman && n > 0) && (j == 0 || reSpace(t[j-1])) {
			return true
		}
	}
	return false
}

// subItem is one flattened sub-item: its marker, its text and its own
// sub-items (roman numerals under letters).
type subItem struct {
	mark, text string
	kids       []subItem
}

// splitSubItems cuts flattened sub-items out of t: letters in sequence from
// "a.", with roman numerals from "i." under a letter. It returns the text
// before them and the items, or ok false when t holds no such sequence.
func splitSubItems(t string) (head string, items []subItem, ok bool) {
	if !maySubItems(t) {
		return t, nil, false
	}
	locs := subMarker.FindAllStringSubmatchIndex(t, -1)
	if len(locs) == 0 {
		return t, nil, false
	}
	type mark struct {
		start, end int // the marker's span (text starts at end)
		roman      bool
		name       string
	}
	var marks []mark
	nextAlpha := byte('a')
	nextRoman := 0
	romans := []string{"i", "ii", "iii", "iv", "v", "vi", "vii", "viii", "ix", "x"}
	for _, l := range locs {
		name := t[l[2]:l[3]]
		switch {
		case len(name) == 1 && name[0] == nextAlpha && !(name == "i" && nextRoman == 0 && len(marks) > 0 && nextAlpha != 'i'):
			marks = append(marks, mark{l[2], l[1], false, name})
			nextAlpha++
			nextRoman = 0
		case len(marks) > 0 && nextRoman < len(romans) && name == romans[nextRoman]:
			marks = append(marks, mark{l[2], l[1], true, name})
			nextRoman++
		}
	}
	alpha := 0
	for _, m := range marks {
		if !m.roman {
			alpha++
		}
	}
	// One lone "a." counts after a question ("… cost function? a.
	// Gradient descent, BFGS"); otherwise a sequence needs "a." and "b.".
	if len(marks) == 0 || marks[0].name != "a" || alpha < 2 && !strings.HasSuffix(strings.TrimSpace(t[:marks[0].start]), "?") {
		return t, nil, false
	}
	head = strings.TrimSpace(t[:marks[0].start])
	for k, m := range marks {
		end := len(t)
		if k+1 < len(marks) {
			end = marks[k+1].start
		}
		it := subItem{mark: m.name, text: strings.TrimSpace(t[m.end:end])}
		if m.roman {
			last := &items[len(items)-1]
			last.kids = append(last.kids, it)
			continue
		}
		items = append(items, it)
	}
	return head, items, head != ""
}

// followUps splits a question item whose text holds flattened sub-items
// ("40. Explain logistic regression? a. Why is the name logistic function?
// b. Interpretation of logistic function …") into the parent question and
// its follow-ups, each with the parent as context. A group of sub-items
// none of which asks, under a parent that asks, is the parent's answer
// hints ("How does the optimization algorithm work? a. Gradient descent,
// Conjugate gradient, BFGS"), kept in its answer.
func followUps(s segment, b *parse.Block, sub subSplit) (segment, []segment, bool) {
	head, items, ok := sub.head, sub.items, sub.ok
	if !ok {
		return s, nil, false
	}
	q, _, _ := cleanQuestion(head)
	parent := s
	parent.question = q
	var kids []segment
	var hints []string
	n := 0
	var walk func(ctx string, ctxAsks bool, group []subItem, prefix string)
	walk = func(ctx string, ctxAsks bool, group []subItem, prefix string) {
		asking := false
		for _, it := range group {
			asking = asking || asks(it.text)
		}
		for _, it := range group {
			n++
			if !asking && ctxAsks {
				hints = append(hints, prefix+it.mark+". "+it.text)
				continue
			}
			k := newSegment(b.Line+n, it.text, s.level, s.levelLabel, s.headings)
			k.context, k.block, k.rule = ctx, s.block, "a follow-up flattened into its parent item"
			kids = append(kids, k)
			if len(it.kids) > 0 {
				walk(k.question, asks(it.text), it.kids, "  ")
			}
		}
	}
	walk(q, asks(head), items, "")
	if len(hints) > 0 {
		parent.answer = append([]parse.Block{{Kind: parse.Paragraph, Line: b.Line + 1, Text: strings.Join(hints, "\n")}}, parent.answer...)
	}
	return parent, kids, true
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
func contextChildren(s segment, blocks []parse.Block) ([]segment, bool) {
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
			if asks(b.Text) {
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

var taskHeading = newLeading(`(?i)^(challenge|exercise|problem|task|kata)\s+\d+\s*[:.]\s*\S`, "ceptk")

var pointsAtCode = regexp.MustCompile(`(?i)\b(following|below|above|given|these|those)\b|\bthis\b( code| program| snippet| function| work| print| output| return| statement| expression)?[^a-z]*$|\boutputs?\b|\bprint(s|ed)?\b|\blogged\b|\bvalue of\b|\boutcome\b|\breturns?\b`)

// tableRow is a question read from a row of a table.
type tableRow struct {
	line             int
	question, answer string
	level, label     string
}

// questionColumn, answerColumn and levelColumn name a table's columns.
var (
	questionColumn = regexp.MustCompile(`(?i)^\s*(questions?|q|вопрос|вопросы|питання|问题|題目|题目|problems?|tasks?)\s*$`)
	answerColumn   = regexp.MustCompile(`(?i)^\s*(answers?|a|ответ|відповідь|答案|solutions?)\s*$`)
	levelColumn    = regexp.MustCompile(`(?i)^\s*(level|difficulty|уровень|сложность|рівень|难度|難度)\s*$`)
)

// tableQuestions reads the rows of a table whose header names a question
// column ("| Question | Level |"): each row is a question, with its answer
// and level from the columns that name them. It returns nil for any other
// table.
func tableQuestions(b *parse.Block) []tableRow {
	if len(b.Rows) < 2 {
		return nil
	}
	qc, ac, lc := -1, -1, -1
	for k, h := range b.Rows[0] {
		switch {
		case qc < 0 && questionColumn.MatchString(h):
			qc = k
		case ac < 0 && answerColumn.MatchString(h):
			ac = k
		case lc < 0 && levelColumn.MatchString(h):
			lc = k
		}
	}
	if qc < 0 {
		return nil
	}
	var out []tableRow
	for k, row := range b.Rows[1:] {
		if qc >= len(row) || strings.TrimSpace(row[qc]) == "" {
			continue
		}
		// A Markdown table's rows start two lines below its header (the
		// delimiter row between).
		r := tableRow{line: b.Line + 2 + k, question: row[qc]}
		if ac >= 0 && ac < len(row) {
			r.answer = strings.TrimSpace(row[ac])
		}
		if lc >= 0 && lc < len(row) {
			cell := strings.TrimSpace(row[lc])
			if l, _ := headingLevel(cell); l != "" {
				r.level, r.label = l, cell
			}
		}
		out = append(out, r)
	}
	// The column must hold questions, not their count ("| Questions |"
	// of a manifest).
	asking := 0
	for _, r := range out {
		if readText(r.question) >= readsTask {
			asking++
		}
	}
	if asking*2 < len(out) {
		return nil
	}
	return out
}
