package ingest

import (
	"strings"
	"unicode"
	"unicode/utf8"
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

// stripNumber removes leading numbering and says whether there was any.
func stripNumber(t string) (string, bool) {
	// Emphasis markers left over from broken Markdown ("**7. What …").
	t = strings.TrimLeft(t, "*_")
	if t == "" || !(t[0] >= '0' && t[0] <= '9' || t[0] == 'Q' || t[0] == 'q' || t[0] == '#') {
		return t, false
	}
	end := numberPrefixEnd(t)
	if end < 0 || end == len(t) {
		return t, false
	}
	return t[end:], true
}

// numberPrefixEnd is where numberPrefix's match in t ends, or -1, read by
// hand (the expression, the rule's statement, is in byhand_test.go): it
// matches question numbering ("7. ", "7) ", "Q7. ", "Q7: ", "#7 ", "7 - ").
// stripNumber runs on every block, several times (issue 11). Each
// optional part of the expression is followed by one that needs a digit,
// a '#' or a terminator, so of the paths the regexp package would try in
// turn only one per spelling of the "Q" can match: the first that does is
// its match. FuzzNumberPrefix checks that the two agree.
func numberPrefixEnd(t string) int {
	if t == "" {
		return -1
	}
	if t[0] != 'Q' && t[0] != 'q' {
		return numberTail(t, 0)
	}
	for _, inner := range [...]string{"uestion", "ues", "n", ""} {
		if !strings.HasPrefix(t[1:], inner) {
			continue
		}
		x := 1 + len(inner)
		if x < len(t) && t[x] == '.' {
			x++
		}
		for x < len(t) && reSpace(t[x]) {
			x++
		}
		if end := numberTail(t, x); end >= 0 {
			return end
		}
	}
	return -1
}

// numberTail matches numberPrefix's `#?\d{1,4}\s*(?:[.):]|\s-|\\\.)\s*` at
// t[x:] and returns where it ends, or -1.
func numberTail(t string, x int) int {
	if x < len(t) && t[x] == '#' {
		x++
	}
	y := x
	for y < len(t) && t[y] >= '0' && t[y] <= '9' {
		y++
	}
	if y == x || y-x > 4 {
		return -1 // five digits: with four the next is a digit, no terminator
	}
	z := y
	for z < len(t) && reSpace(t[z]) {
		z++
	}
	var end int
	switch {
	case z < len(t) && (t[z] == '.' || t[z] == ')' || t[z] == ':'):
		end = z + 1
	case strings.HasPrefix(t[z:], "\\."):
		end = z + 2
	case z > y && z < len(t) && t[z] == '-':
		end = z + 1
	default:
		return -1
	}
	for end < len(t) && reSpace(t[end]) {
		end++
	}
	return end
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

// fieldsAtLeast reports len(strings.Fields(s)) >= n without making the
// slice: the readers of each block ask how many words it has, and the
// slices were the largest share of what segmentation allocated.
func fieldsAtLeast(s string, n int) bool {
	if n <= 0 {
		return true
	}
	inWord := false
	for i := 0; i < len(s); {
		c, size := rune(s[i]), 1
		if c >= utf8.RuneSelf {
			c, size = utf8.DecodeRuneInString(s[i:])
		}
		if c == ' ' || c >= '\t' && c <= '\r' || c >= utf8.RuneSelf && unicode.IsSpace(c) {
			inWord = false
		} else if !inWord {
			inWord = true
			if n--; n == 0 {
				return true
			}
		}
		i += size
	}
	return false
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
		if !fieldsAtLeast(q, 3) || utf8.RuneCountInString(q) > maxQuestionRunes {
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

// answerLabel matches a heading or summary that labels a part of an answer
// ("Answer: D", "Example", "Solution") rather than starting a new section.
var answerLabel = newLeading(`(?i)^\s*(answers?|solutions?|explanations?|examples?|output|result|code|notes?|hints?|approach|follow[- ]?ups?|expected answer|how to answer|example answer|sample answer|problem statement|requirements?|constraints|expected [a-z -]+|evaluation [a-z]+|see (the )?(deep[- ]dive )?answer|show (the )?(answer|solution)|view (the )?answer|reveal answer|click (here )?to (see|show|reveal)[^.]*)\b`, "aseorcnhfpv")

func isAnswerLabel(t string) bool {
	return !runesOver(t, 40) && answerLabel.MatchString(t)
}

// revealLabel is a <summary> that hides the answer itself ("Answer",
// "Show answer"): what comes before it belongs to the question.
var revealLabel = newLeading(`(?i)^\s*(show |view |reveal |see )?(the )?(answer|solution)s?\s*[:.!]?\s*$`, "svrta")

// appendLower appends s lower-cased as strings.ToLower does. Callers
// lower into a buffer on their stack and look the bytes up in a map
// (m[string(b)] does not allocate): strings.ToLower allocated for every
// capitalised word, a seventh of ingest's allocations.
func appendLower(dst []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= utf8.RuneSelf {
			for _, r := range s[i:] {
				dst = utf8.AppendRune(dst, unicode.ToLower(r))
			}
			return dst
		}
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		dst = append(dst, c)
	}
	return dst
}

// runesOver reports utf8.RuneCountInString(s) > n, counting no further
// than it must: a rune takes one to four bytes (an invalid byte counts as
// one), and the texts it is asked about are often long.
func runesOver(s string, n int) bool {
	switch {
	case len(s) <= n:
		return false
	case len(s) > 4*n:
		return true
	}
	return utf8.RuneCountInString(s) > n
}

// reSpace is the regexp package's \s.
func reSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\r'
}
