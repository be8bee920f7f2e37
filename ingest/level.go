package ingest

import (
	"path"
	"regexp"
	"strings"
	"unicode"

	"github.com/iq-search/iq/ingest/parse"
	"github.com/iq-search/iq/record"
)

// This file reads difficulty levels: the markers a source writes (words,
// emoji, tags, labels, file names) and which questions each applies to.

// Level markers. Words mark a level in headings, labels and file names;
// emoji and bracket tags mark it on a question itself.
var levelWords = map[string]string{
	"beginner": record.LevelBeginner, "beginners": record.LevelBeginner, "junior": record.LevelBeginner, "juniors": record.LevelBeginner,
	"easy": record.LevelBeginner, "entry": record.LevelBeginner, "fresher": record.LevelBeginner, "freshers": record.LevelBeginner,
	"basic":        record.LevelBeginner,
	"intermediate": record.LevelIntermediate, "mid": record.LevelIntermediate, "middle": record.LevelIntermediate,
	"medium": record.LevelIntermediate, "moderate": record.LevelIntermediate,
	"senior": record.LevelAdvanced, "seniors": record.LevelAdvanced, "advanced": record.LevelAdvanced, "hard": record.LevelAdvanced,
	"expert": record.LevelAdvanced, "experts": record.LevelAdvanced, "difficult": record.LevelAdvanced,
}

// levelFiller may stand beside a level word in a level heading
// ("Senior-Level Questions:").
var levelFiller = setOf("level", "levels", "question", "questions", "interview", "developer", "developers",
	"engineer", "engineers", "section", "for", "and", "the", "difficulty", "tier", "q", "a", "qa")

var levelEmoji = []struct{ mark, level string }{
	{"👶", record.LevelBeginner}, {"⭐", record.LevelIntermediate}, {"🌟", record.LevelIntermediate}, {"🚀", record.LevelAdvanced},
}

var levelTag = regexp.MustCompile(`(?i)\s*[\[(](e|m|h|easy|medium|hard|beginner|intermediate|advanced|junior|senior)[\])]\s*`)

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
	// A tag stands at either end ("[H] Design …", "… (Easy)").
	if tt := strings.TrimSpace(t); tt == "" || !strings.ContainsAny(tt[:1], "[(") && !strings.ContainsAny(tt[len(tt)-1:], "])") {
		return t, "", ""
	}
	if loc := levelTag.FindStringSubmatchIndex(t); loc != nil && (loc[0] == 0 || loc[1] == len(t)) {
		label = strings.TrimSpace(t[loc[0]:loc[1]])
		switch strings.ToLower(t[loc[2]:loc[3]]) {
		case "e", "easy", "beginner", "junior":
			level = record.LevelBeginner
		case "m", "medium", "intermediate":
			level = record.LevelIntermediate
		default:
			level = record.LevelAdvanced
		}
		return strings.TrimSpace(t[:loc[0]] + " " + t[loc[1]:]), level, label
	}
	return t, "", ""
}

// headingLevel reads a level heading ("Beginner:", "Mid-Level",
// "Senior-Level Questions", "🚀 Expert"): a level word first, and nothing
// but filler after it.
func headingLevel(t string) (level, label string) {
	for _, e := range levelEmoji {
		if strings.HasPrefix(strings.TrimSpace(t), e.mark) {
			return e.level, e.mark
		}
	}
	words := levelTokens(t)
	if len(words) == 0 || len(words) > 4 {
		return "", ""
	}
	level = levelWords[words[0]]
	if level == "" {
		return "", ""
	}
	for _, w := range words[1:] {
		if !levelFiller[w] {
			return "", ""
		}
	}
	label = strings.Trim(strings.TrimSpace(t), "*_:#. ")
	return level, label
}

func levelTokens(t string) []string {
	return strings.FieldsFunc(strings.ToLower(t), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	})
}

// nameLevel reads a level from a file or folder name ("junior.md",
// "senior-go-developer.md", "hard.md").
func nameLevel(name string) (level, label string) {
	for _, w := range levelTokens(name) {
		if l := levelWords[w]; l != "" && w != "basic" {
			return l, w
		}
	}
	return "", ""
}

// labelLevel reads "Level: Junior developers" or "Target Level: Senior"
// lines that some documents put in their header.
var labelLevelRe = regexp.MustCompile(`(?i)^(?:target |difficulty |experience )?level\s*:\s*([\p{L}-]+)`)

func labelLevel(t string) (level, label string) {
	m := labelLevelRe.FindStringSubmatch(t)
	if m == nil {
		return "", ""
	}
	for _, w := range levelTokens(m[1]) {
		if l := levelWords[w]; l != "" {
			return l, m[1]
		}
	}
	return "", ""
}

// documentLevel is the level a whole document declares: in its file or
// folder name ("golang/junior.md") or in a "Target Level: …" line.
func documentLevel(doc document, blocks []parse.Block) (string, string) {
	base := path.Base(doc.rel)
	if l, label := nameLevel(strings.TrimSuffix(base, path.Ext(base))); l != "" {
		return l, label
	}
	if dir := path.Base(path.Dir(doc.rel)); dir != "." && dir != "/" {
		if l, label := nameLevel(dir); l != "" {
			return l, label
		}
	}
	for i, b := range blocks {
		if i > 40 {
			break
		}
		if l, label := labelLevel(b.Text); l != "" {
			return l, label
		}
	}
	return "", ""
}
