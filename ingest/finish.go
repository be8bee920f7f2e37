package ingest

import (
	"regexp"
	"strings"

	"github.com/iq-search/iq/ingest/parse"
)

// This file finishes the segments once their answers are known: titles
// whose question is the paragraph under them, <summary>s holding code,
// context items over a list of questions, multiple-choice options.

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
