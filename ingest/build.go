package ingest

import (
	"cmp"
	"path"
	"slices"
	"strconv"
	"strings"
	"unicode"

	"github.com/iq-search/iq/ingest/parse"
	"github.com/iq-search/iq/record"
)

// document is one source file on its way to records.
type document struct {
	name   string // Source.File: as given, or relative to the FS root
	rel    string // path below the ingest root, read for topics and levels
	format Format
	blocks []parse.Block
}

// fileResult is what one file contributes to a run.
type fileResult struct {
	records []record.Record
	drops   []Drop
	warns   []Warning
	fates   []Fate
	skip    *Skip
	read    bool
}

// process runs the per-file stages: noise stripping, segmentation and
// record building. Merging across files happens later, in order.
func process(doc document, tax *Taxonomy, explain bool) fileResult {
	kept, drops, warns := filterNoise(doc.name, doc.blocks)
	segs := segmentBlocks(kept)
	if len(segs.segments) == 0 {
		if q, ok := slugQuestion(doc.rel, kept); ok && len(kept) > 0 {
			// under-script's layout: the question is only in the file
			// name, the body is its answer.
			segs.segments = []segment{{line: 1, question: q, answer: kept, rule: "the question is the file's name"}}
			segs.unused = nil
			segs.primary = []int{0}
			for i := range segs.fates {
				segs.fates[i] = fate{role: FateAnswer, seg: 0, rule: "the file's body answers the question in its name"}
			}
		}
	}
	var fates []Fate
	if explain {
		fates = explainBlocks(doc.name, kept, drops, segs)
	}
	for _, i := range segs.unused {
		drops = append(drops, Drop{File: doc.name, Line: kept[i].Line, Reason: DropPreamble, Text: excerpt(kept[i].Text), Asks: segs.fates[i].asks})
	}

	levels := documentLevels(doc, kept, segs.segments)
	title := documentTitle(kept)
	docTopics := mergeSorted(tax.TopicsOf(title), tax.TopicsOfPath(doc.rel))

	// Report removals in file order, whatever stage removed them.
	slices.SortStableFunc(drops, func(a, b Drop) int { return cmp.Compare(a.Line, b.Line) })
	res := fileResult{read: true, drops: drops, warns: warns, fates: fates}
	res.records = make([]record.Record, 0, len(segs.segments))
	langTexts := make([]langText, 0, len(segs.segments)) // what each record's language is read from
	// The questions of a section share its headings: their topics are
	// read once.
	headingTopics := map[string][]string{}
	for _, s := range segs.segments {
		q := s.question
		if len(s.stem) > 0 {
			q += "\n\n" + stemText(s.stem)
		}
		norm := record.NormalizeQuestion(q)
		if norm == "" {
			res.drops = append(res.drops, Drop{File: doc.name, Line: s.line, Reason: DropEmpty, Text: excerpt(s.question)})
			continue
		}
		if len(s.choices) > 0 {
			// The same words asked over other options are another
			// question: the options are part of its identity.
			norm += "\n" + record.NormalizeQuestion(strings.Join(s.choices, "\n"))
		}
		level, answer := levels.of(kept, s)
		s.answer = answer
		r := record.Record{
			ID:         record.NormalizedID(norm),
			Question:   q,
			Context:    s.context,
			Answers:    []record.Answer{},
			Level:      level.level,
			LevelLabel: level.label,
			Sources:    []record.Source{{File: doc.name, Line: s.line}},
		}
		prose := ""
		if a, p, ok := buildAnswer(doc.name, s); ok {
			r.Answers = append(r.Answers, a)
			prose = p
		}
		// Topics: the document's, its sections', and those the question
		// names itself (a question about Kubernetes in a Python bank).
		topics := docTopics
		if len(s.headings) > 0 {
			h := strings.Join(s.headings, " \n ")
			ht, ok := headingTopics[h]
			if !ok {
				ht = tax.TopicsOf(h)
				headingTopics[h] = ht
			}
			topics = mergeSorted(topics, ht)
		}
		qt, tags := tax.questionTerms(s.question, answerStart(prose))
		if len(qt) > 0 {
			topics = mergeSorted(topics, qt)
		}
		r.Topics = topics
		r.Tags = tags
		res.records = append(res.records, r)
		langTexts = append(langTexts, langText{s.question, answerStart(prose)})
	}
	setLangs(res.records, langTexts)
	return res
}

// explainBlocks says what became of every block of a file: the noise
// stage's drops, then each kept block's fate in segmentation.
func explainBlocks(file string, kept []parse.Block, drops []Drop, segs docSegments) []Fate {
	out := make([]Fate, 0, len(kept)+len(drops))
	for _, d := range drops {
		out = append(out, Fate{File: file, Line: d.Line, Text: d.Text, What: FateDropped, Reason: d.Reason, Rule: "removed as " + string(d.Reason) + " by the noise stage"})
	}
	for i, b := range kept {
		f := segs.fates[i]
		x := Fate{File: file, Line: b.Line, Kind: b.Kind.String(), Text: excerpt(b.Text), What: f.role, Rule: f.rule}
		if f.role == FateUnused {
			x.Reason = DropPreamble
		}
		if f.seg >= 0 && f.seg < len(segs.primary) {
			if k := segs.primary[f.seg]; k >= 0 && k < len(segs.segments) {
				x.Question, x.QuestionLine = segs.segments[k].question, segs.segments[k].line
			}
		}
		out = append(out, x)
	}
	slices.SortStableFunc(out, func(a, b Fate) int { return cmp.Compare(a.Line, b.Line) })
	return out
}

// answerStartMax is how many bytes of an answer answerStart keeps.
const answerStartMax = 300

// answerStart is the part of an answer read for tags: its opening, where
// an answer says what it is about, not every term it mentions in passing.
func answerStart(s string) string {
	if len(s) <= answerStartMax {
		return s
	}
	cut := answerStartMax
	for cut > 0 && s[cut]&0xC0 == 0x80 {
		cut--
	}
	return s[:cut]
}

// documentTitle is the first heading left after noise stripping.
func documentTitle(blocks []parse.Block) string {
	for _, b := range blocks {
		if b.Kind == parse.Heading {
			return b.Text
		}
	}
	return ""
}

// slugStarts open a file-name slug that is a question.
var slugStarts = setOf("what", "how", "why", "when", "where", "which", "who", "can", "could", "does", "do",
	"is", "are", "should", "would", "will", "have", "has", "explain", "describe")

// slugQuestion turns a file name like "how-would-you-create-a-background-
// task-in-fastapi.md" into "How would you create a background task in
// FastAPI?", the casing of each word taken from body when it writes the
// word with capitals. A slug that opens with a statement and asks later
// ("fastapi-is-built-on-…-can-you-explain-how-…") gets a full stop before
// its question.
func slugQuestion(rel string, body []parse.Block) (string, bool) {
	base := path.Base(rel)
	base = strings.TrimSuffix(base, path.Ext(base))
	words := strings.FieldsFunc(base, func(r rune) bool { return r == '-' || r == '_' || r == ' ' })
	if len(words) < 3 {
		return "", false
	}
	ask := -1
	if slugStarts[strings.ToLower(words[0])] {
		ask = 0
	} else if len(words) >= 8 {
		for i := 3; i+1 < len(words); i++ {
			if w := strings.ToLower(words[i]); (w == "can" || w == "could" || w == "would") && strings.ToLower(words[i+1]) == "you" {
				ask = i
				break
			}
		}
	}
	if ask < 0 {
		return "", false
	}
	want := make(map[string]bool, len(words))
	for _, w := range words {
		want[strings.ToLower(w)] = true
	}
	casing := casingOf(body, want)
	var b strings.Builder
	for i, w := range words {
		if c, ok := casing[strings.ToLower(w)]; ok {
			w = c
		}
		switch {
		case i == 0 || i == ask:
			if i > 0 {
				b.WriteString(". ")
			}
			b.WriteString(strings.ToUpper(w[:1]) + w[1:])
			continue
		case w == "s" || w == "t":
			b.WriteString("'" + w) // "fastapi-s" → "fastapi's", "don-t" → "don't"
			continue
		case isDigits(w) && isDigits(words[i-1]):
			b.WriteString("." + w) // "python-3-6" → "python 3.6"
			continue
		}
		b.WriteByte(' ')
		b.WriteString(w)
	}
	return b.String() + "?", true
}

// casingOf maps the lower-case words in want to the way a text most often
// writes them with capitals ("fastapi" → "FastAPI").
func casingOf(blocks []parse.Block, want map[string]bool) map[string]string {
	counts := map[string]map[string]int{}
	for _, bl := range blocks {
		if bl.Kind == parse.Code {
			continue
		}
		start := true // a capital at a sentence start says nothing
		// Words are walked, not sliced, and lowered on the stack: most
		// are not among the wanted few.
		var buf [64]byte
		for raw := range strings.FieldsSeq(bl.Text) {
			for w := range strings.FieldsFuncSeq(raw, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }) {
				if !want[string(appendLower(buf[:0], w))] {
					start = false
					continue
				}
				lw := strings.ToLower(w)
				if start && w[1:] == strings.ToLower(w[1:]) {
					w = lw
				}
				start = false
				if counts[lw] == nil {
					counts[lw] = map[string]int{}
				}
				counts[lw][w]++
			}
			start = strings.ContainsAny(raw[len(raw)-1:], ".!?:")
		}
	}
	out := make(map[string]string, len(counts))
	for lw, m := range counts {
		best, n := "", 0
		for w, c := range m {
			if w != lw && (c > n || c == n && w < best) {
				best, n = w, c
			}
		}
		// A word more often written in lower case ("The" at sentence
		// starts, "the" elsewhere) stays as the slug has it.
		if best != "" && n >= m[lw] {
			out[lw] = best
		}
	}
	return out
}

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// Labelled parts of an answer.
var (
	howToLabel   = newLeading(`(?i)^\s*how to answer\s*[:\-–]\s*`, "h")
	exampleLabel = newLeading(`(?i)^\s*(example|sample|model) answer\s*[:\-–]\s*`, "esm")
)

type answerPart int

const (
	partText answerPart = iota
	partHowTo
	partExample
)

// buildAnswer renders a segment's answer blocks as readable text, with code
// blocks also kept as Code and labelled parts in their own fields. It also
// returns the answer's prose without code, which tags are read from: a
// "class Item(BaseModel)" line does not make a question about OOP.
func buildAnswer(file string, s segment) (record.Answer, string, bool) {
	if len(s.answer) == 0 {
		return record.Answer{}, "", false
	}
	a := record.Answer{Source: record.Source{File: file, Line: s.answer[0].Line}}
	var parts [3]pieces
	parts[partText].text = make([]string, 0, len(s.answer))
	parts[partText].tight = make([]bool, 0, len(s.answer))
	part := partText
	minDepth := 0
	for _, b := range s.answer {
		if b.Kind == parse.ListItem && (minDepth == 0 || b.Depth < minDepth) {
			minDepth = b.Depth
		}
	}
	// One top-level item holding the whole answer ("   - FastAPI is …"
	// under "1. **Question**") is a layout habit, not a list: its marker
	// goes and its sub-items move up a level.
	tops := 0
	for _, b := range s.answer {
		if b.Kind == parse.ListItem && b.Depth == minDepth {
			tops++
		}
	}
	soleItem := tops == 1 && s.answer[0].Kind == parse.ListItem
	// Only the start of the prose is read (answerStart): it stops growing
	// past that.
	var prose strings.Builder
	prevList := [3]bool{}
	for k, b := range s.answer {
		text := b.Text
		if k == 0 && b.Kind == parse.Paragraph {
			if loc := answerPrefix.FindStringIndex(text); loc != nil && loc[1] < len(text) {
				text = text[loc[1]:] // "A: …", "Ans: …" of Q/A pairs
			}
		}
		switch b.Kind {
		case parse.Paragraph, parse.Quote, parse.Heading:
			if loc := howToLabel.FindStringIndex(text); loc != nil {
				part, text = partHowTo, text[loc[1]:]
			} else if loc := exampleLabel.FindStringIndex(text); loc != nil {
				part, text = partExample, trimQuotes(strings.TrimSpace(text[loc[1]:]))
			}
		}
		var piece string
		list := false
		switch b.Kind {
		case parse.Code:
			if proseInCode(b) {
				piece = codeProse(b.Text)
				break
			}
			a.Code = append(a.Code, record.Code{Lang: codeLang(b.Lang), Text: b.Text})
			piece = b.Text
		case parse.ListItem:
			list = true
			depth := b.Depth - minDepth
			if soleItem {
				if depth == 0 {
					list = false
					piece = text
					break
				}
				depth--
			}
			mark := "- "
			switch {
			case b.Number > 0:
				mark = strconv.Itoa(b.Number) + ". "
			case b.Task == parse.TaskDone:
				mark = "- [x] " // the ticked option of a multiple-choice question
			case b.Task == parse.TaskOpen:
				mark = "- [ ] "
			}
			piece = indent(depth) + mark + text
		case parse.Summary:
			if isAnswerLabel(text) || revealLabel.MatchString(text) {
				continue
			}
			piece = text
		case parse.Rule:
			continue
		default:
			piece = text
		}
		if strings.TrimSpace(piece) == "" {
			continue
		}
		if part == partText && b.Kind != parse.Code && prose.Len() <= answerStartMax {
			if prose.Len() > 0 {
				prose.WriteByte('\n')
			}
			prose.WriteString(text)
		}
		parts[part].add(piece, list && prevList[part])
		prevList[part] = list
	}
	a.Text = parts[partText].String()
	a.HowToAnswer = parts[partHowTo].String()
	a.ExampleAnswer = parts[partExample].String()
	if a.Text == "" && a.HowToAnswer == "" && a.ExampleAnswer == "" && len(a.Code) == 0 {
		return record.Answer{}, "", false
	}
	return a, prose.String(), true
}

// indent is two spaces per list level, without allocating below 16
// levels.
func indent(depth int) string {
	const spaces = "                                "
	if depth <= 0 {
		return ""
	}
	if 2*depth <= len(spaces) {
		return spaces[:2*depth]
	}
	return strings.Repeat("  ", depth)
}

// pieces are the pieces of an answer's text, each a blank line after the
// one before it or, the items of a list, on the next line. They are joined
// once at the end: gluing each item to the one before it copied a long
// list's text once per item.
type pieces struct {
	text  []string
	tight []bool // text[i] goes on the line after text[i-1]
	size  int
}

func (p *pieces) add(s string, tight bool) {
	p.text = append(p.text, s)
	p.tight = append(p.tight, tight)
	p.size += len(s) + 2
}

func (p *pieces) String() string {
	switch len(p.text) {
	case 0:
		return ""
	case 1:
		return p.text[0]
	}
	var b strings.Builder
	b.Grow(p.size)
	for i, s := range p.text {
		switch {
		case i == 0:
		case p.tight[i]:
			b.WriteByte('\n')
		default:
			b.WriteString("\n\n")
		}
		b.WriteString(s)
	}
	return b.String()
}

// codeLang normalises a fence's info string: its first word, lower case
// ("jsx harmony" → "jsx").
func codeLang(info string) string {
	f := strings.Fields(info)
	if len(f) == 0 {
		return ""
	}
	return strings.ToLower(strings.Trim(f[0], "{}."))
}

// proseInCode spots answers that became code blocks only because they were
// indented (kwanpham's general-questions.md indents its bullet answers by
// eight spaces): no language, and most lines are bullets.
func proseInCode(b parse.Block) bool {
	if b.Lang != "" {
		return false
	}
	lines, bullets := 0, 0
	for _, l := range strings.Split(b.Text, "\n") {
		l = strings.TrimSpace(l)
		if l == "" {
			continue
		}
		lines++
		if strings.HasPrefix(l, "* ") || strings.HasPrefix(l, "- ") {
			bullets++
		}
	}
	return lines > 0 && bullets*10 >= lines*6
}

// codeProse renders such a block as list text: bullets as "- ", emphasis
// markers removed, relative indentation kept.
func codeProse(s string) string {
	lines := strings.Split(s, "\n")
	minIndent := -1
	for _, l := range lines {
		if strings.TrimSpace(l) == "" {
			continue
		}
		ind := len(l) - len(strings.TrimLeft(l, " \t"))
		if minIndent < 0 || ind < minIndent {
			minIndent = ind
		}
	}
	out := make([]string, 0, len(lines))
	for _, l := range lines {
		if strings.TrimSpace(l) == "" {
			continue
		}
		ind := len(l) - len(strings.TrimLeft(l, " \t"))
		t := strings.TrimSpace(l)
		if strings.HasPrefix(t, "* ") {
			t = "- " + t[2:]
		}
		t = strings.ReplaceAll(t, "**", "")
		out = append(out, strings.Repeat(" ", max(0, ind-minIndent)/2)+t)
	}
	return strings.Join(out, "\n")
}

// stemText renders the blocks that belong to a question (its code and
// options) under the question line.
func stemText(blocks []parse.Block) string {
	var parts []string
	for _, b := range blocks {
		switch b.Kind {
		case parse.ListItem:
			if n := len(parts); n > 0 && strings.HasPrefix(parts[n-1], "- ") {
				parts[n-1] += "\n- " + b.Text
				continue
			}
			parts = append(parts, "- "+b.Text)
		case parse.Rule:
		default:
			if strings.TrimFunc(b.Text, unicode.IsSpace) != "" {
				parts = append(parts, b.Text)
			}
		}
	}
	return strings.Join(parts, "\n\n")
}
