package ingest

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/iq-search/iq/record"
)

// This file holds the tests on a piece of text: is it a question, what
// numbering and level marker does it carry, and the clean question text.

// maxQuestionRunes bounds a question's length: longer text is an answer or
// a task statement, whatever punctuation it ends with.
const maxQuestionRunes = 400

// interrogatives open a question even without a question mark
// ("Explain event delegation.").
var interrogatives = setOf("what", "what's", "whats", "how", "why", "when", "where", "which", "who", "whom",
	"whose", "explain", "describe", "define", "compare", "differentiate", "distinguish", "contrast", "discuss",
	"outline", "elaborate", "illustrate", "demonstrate", "implement", "write", "give", "tell", "list", "identify",
	"mention", "can", "could", "is", "are", "does", "do", "should", "would", "will")

// numberPrefix matches question numbering: "7. ", "7) ", "Q7. ", "Q7: ",
// "#7 ", "7 - ".
var numberPrefix = regexp.MustCompile(`^(?:(?:[Qq](?:ues(?:tion)?|n)?)\.?\s*)?#?\d{1,4}\s*(?:[.):]|\s-|\\\.)\s*`)

// stripNumber removes leading numbering and says whether there was any.
func stripNumber(t string) (string, bool) {
	// Emphasis markers left over from broken Markdown ("**7. What …").
	t = strings.TrimLeft(t, "*_")
	if t == "" || !(t[0] >= '0' && t[0] <= '9' || t[0] == 'Q' || t[0] == 'q' || t[0] == '#') {
		return t, false
	}
	loc := numberPrefix.FindStringIndex(t)
	if loc == nil || loc[1] == len(t) {
		return t, false
	}
	return t[loc[1]:], true
}

// questionLike reports whether t reads as a question or a prompt: it
// ends with a question mark, opens with an interrogative or a prompt verb
// ("Explain …", "How …", "Объясните …"), holds a Chinese question word, or
// is a short text one of whose sentences asks ("True or False? …"). See
// asks.go.
func questionLike(t string) bool { return asks(t) }

// firstWords returns the first two space-separated words of s and how many
// words it has, counting at most four, without allocating.
func firstWords(s string) (first, second string, n int) {
	for n < 4 {
		s = strings.TrimLeft(s, " \t\n")
		if s == "" {
			break
		}
		end := strings.IndexAny(s, " \t\n")
		if end < 0 {
			end = len(s)
		}
		switch n {
		case 0:
			first = s[:end]
		case 1:
			second = s[:end]
		}
		n++
		s = s[end:]
	}
	return first, second, n
}

// trimQuotes removes quotes wrapping the whole text (kwanpham's
// interviews quote their questions: **"What is Go…?"**).
func trimQuotes(s string) string {
	for _, p := range [][2]string{{`"`, `"`}, {"“", "”"}, {"'", "'"}, {"«", "»"}} {
		if len(s) > len(p[0])+len(p[1]) && strings.HasPrefix(s, p[0]) && strings.HasSuffix(s, p[1]) {
			inner := s[len(p[0]) : len(s)-len(p[1])]
			if !strings.Contains(inner, p[0]) || p[0] != p[1] {
				return strings.TrimSpace(inner)
			}
		}
	}
	return s
}

// cleanQuestion turns a question block's text into the record's question:
// numbering in its styles ("Q1:", "12)", "Ques 3:"), labels ("Question:",
// "Scenario:"), decorations (stars, "{#id}", "[↑]", " ***", emoji), quotes,
// emphasis left-overs, inline-code backticks and level markers removed. It
// returns the level marker found, if any.
func cleanQuestion(t string) (q, level, label string) {
	t = strings.TrimSpace(t)
	t, level, label = splitLevelMarker(t)
	if level == "" {
		// A level marker may stand before decorations ("… 🚀 ***").
		t, level, label = splitLevelMarker(stripDecorations(t))
	}
	t = stripDecorations(t)
	t, _ = stripNumber(t)
	t = strings.TrimSpace(t)
	t = stripLabel(t)
	t = strings.Trim(t, " *_")
	t = trimQuotes(t)
	t = strings.TrimRight(t, " ")
	t = foldSpace(t)
	if n := strings.Count(t, "`"); n >= 2 && n%2 == 0 {
		t = strings.ReplaceAll(t, "`", "")
	}
	if strings.HasSuffix(t, " ?") {
		t = strings.TrimRight(t[:len(t)-1], " ") + "?" // "What is HTML ?"
	}
	return t, level, label
}

// questionMarks splits a run-on paragraph of questions ("What is X? How do
// you Y? …", seed 001's related list) into its questions. It returns nil
// unless every sentence of the paragraph is a question.
func questionMarks(t string) []string {
	if strings.Count(t, "?") < 2 {
		return nil
	}
	var out []string
	rest := strings.TrimSpace(t)
	for rest != "" {
		// A '?' inside a word or code ("a?.b", "x ?? y") is not a sentence
		// end: the question ends at a '?' followed by the end or by a space
		// and a sentence start.
		end := -1
		for i := 0; i < len(rest); i++ {
			if rest[i] != '?' {
				continue
			}
			after := rest[i+1:]
			if after == "" {
				end = i + 1
				break
			}
			if after[0] == ' ' && startsSentence(strings.TrimLeft(after, " ")) {
				end = i + 1
				break
			}
		}
		if end < 0 {
			return nil // a tail that is not a question
		}
		q := strings.TrimSpace(rest[:end])
		rest = strings.TrimSpace(rest[end:])
		if len(strings.Fields(q)) < 3 || utf8.RuneCountInString(q) > maxQuestionRunes {
			return nil
		}
		out = append(out, q)
	}
	return out
}

func startsSentence(s string) bool {
	r, _ := utf8.DecodeRuneInString(s)
	return unicode.IsUpper(r) || unicode.IsDigit(r) || r == '"' || r == '“' || r == '`'
}

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

// answerLabel matches a heading or summary that labels a part of an answer
// ("Answer: D", "Example", "Solution") rather than starting a new section.
var answerLabel = regexp.MustCompile(`(?i)^\s*(answers?|solutions?|explanations?|examples?|output|result|code|notes?|hints?|approach|follow[- ]?ups?|expected answer|how to answer|example answer|sample answer|problem statement|requirements?|constraints|expected [a-z -]+|evaluation [a-z]+|see (the )?(deep[- ]dive )?answer|show (the )?(answer|solution)|view (the )?answer|reveal answer|click (here )?to (see|show|reveal)[^.]*)\b`)

func isAnswerLabel(t string) bool {
	return utf8.RuneCountInString(t) <= 40 && answerLabel.MatchString(t)
}

// revealLabel is a <summary> that hides the answer itself ("Answer",
// "Show answer"): what comes before it belongs to the question.
var revealLabel = regexp.MustCompile(`(?i)^\s*(show |view |reveal |see )?(the )?(answer|solution)s?\s*[:.!]?\s*$`)
