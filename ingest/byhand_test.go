package ingest

import (
	"regexp"
	"slices"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/abadojack/whatlanggo"
)

// The functions tested here read by hand what a regular expression kept
// beside them (or in this file) says (they run on every block, where the
// regexp package's backtracker was a tenth of ingest's time). Each fuzz target checks that
// both give the same answer on any input; the seeds are the cases where
// the two could part: case folding ("ſ" is an "s" to (?i)), white space
// that \s does not include, several brackets, the leftmost match.

var levelTagSeeds = []string{
	"What is X? (Easy)", "[H] Design a cache", "(e.g. Python) [Medium]", "a (b) (HARD)  ", "(ſenior)",
	"(Senior) (m)", "x\v(e)", "\t (basic]\n", "((easy))", "(easy ) (eas)", "[junior", "(Expert)x", "",
	"(\u212a)", "(ea\u017fy)", "(e)(m)(h)", "foo(e)", "foo (e)", "(intermediate ) x", "( intermediate )",
	"[ Intermediate ]", "x (a) (b(easy)", "x ((easy)", "(é)(easy)", "(easy)\u00a0x", "\u00a0(easy) x\u2003",
}

// numberPrefix states numberPrefixEnd's rule, question numbering ("7. ",
// "7) ", "Q7. ", "Q7: ", "#7 ", "7 - "), as an expression.
var numberPrefix = regexp.MustCompile(`^(?:(?:[Qq](?:ues(?:tion)?|n)?)\.?\s*)?#?\d{1,4}\s*(?:[.):]|\s-|\\\.)\s*`)

// tagAtStart and tagAtEnd state splitLevelTag's rule as expressions: a
// bracket tag opens the text and stands apart from what follows, or closes
// it after the last opening bracket and stands apart from what precedes;
// either fits in maxTag bytes.
var (
	tagAtStart = regexp.MustCompile(`^[\[(]([^\])]+?)[\])]( |$)`)
	tagAtEnd   = regexp.MustCompile(`[\[(]([^\[(]*)[\])]$`)
)

// splitLevelTagRE is splitLevelTag read with tagAtStart and tagAtEnd.
func splitLevelTagRE(t string) (rest, level, label string, ok bool) {
	tt := strings.TrimSpace(t)
	if m := tagAtStart.FindStringSubmatchIndex(tt); m != nil && m[3]+1 <= maxTag {
		if l := tagLevel(tt[m[2]:m[3]]); l != "" {
			return strings.TrimSpace(tt[m[3]+1:]), l, tt[:m[3]+1], true
		}
	}
	if m := tagAtEnd.FindStringSubmatchIndex(tt); m != nil && m[0] >= len(tt)-maxTag && (m[0] == 0 || tt[m[0]-1] == ' ') {
		if l := tagLevel(tt[m[2]:m[3]]); l != "" {
			return strings.TrimSpace(tt[:m[0]]), l, tt[m[0]:], true
		}
	}
	return t, "", "", false
}

func TestSplitLevelTag(t *testing.T) {
	for _, s := range levelTagSeeds {
		checkLevelTag(t, s)
	}
}

func FuzzLevelTag(f *testing.F) {
	for _, s := range levelTagSeeds {
		f.Add(s)
	}
	f.Fuzz(checkLevelTag)
}

func checkLevelTag(t *testing.T, s string) {
	rest, level, label, ok := splitLevelTag(s)
	wrest, wlevel, wlabel, wok := splitLevelTagRE(s)
	if rest != wrest || level != wlevel || label != wlabel || ok != wok {
		t.Errorf("splitLevelTag(%q) = %q, %q, %q, %v; the expressions say %q, %q, %q, %v", s, rest, level, label, ok, wrest, wlevel, wlabel, wok)
	}
}

var numberPrefixSeeds = []string{
	"7. What", "7) x", "Q7. x", "Q7: x", "#7 x", "7 - x", "7 -x", "7- x", "12345. x", "1234. x", "Question 5. x",
	"Ques 3: x", "Qn 2) x", "Q. 4. x", "Q #4: x", "q12\\. x", "Question5", "Ques. 1:", "Q 1 \t- x", "7", "7.",
	"Quest 1. x", "Qn.1)x", "Q1. 2. 3", "1.2. x", "#", "Q", "Question #12 :\n x", "7\v. x", "", "Qu1. x",
}

func TestNumberPrefixEnd(t *testing.T) {
	for _, s := range numberPrefixSeeds {
		checkNumberPrefix(t, s)
	}
}

func FuzzNumberPrefix(f *testing.F) {
	for _, s := range numberPrefixSeeds {
		f.Add(s)
	}
	f.Fuzz(checkNumberPrefix)
}

func checkNumberPrefix(t *testing.T, s string) {
	want := -1
	if loc := numberPrefix.FindStringIndex(s); loc != nil {
		want = loc[1]
	}
	if got := numberPrefixEnd(s); got != want {
		t.Errorf("numberPrefixEnd(%q) = %d; want %d", s, got, want)
	}
}

var subMarkerSeeds = []string{
	"Explain SVM a. What is it? b. Why?", "a) x", "x\ti) y", "iv. x", "viii. x", "ix) x", "xx. x", "do it. Next",
	"(a) x", "x a.y", "a.", "a. ", " vi.\n", "ab. x", "xvi. x", "Ab. x", "x\va. y", "ii.\fx", "é a. x",
}

// FuzzSubItems checks maySubItems: false only where subMarker finds no
// marker.
func FuzzSubItems(f *testing.F) {
	for _, s := range subMarkerSeeds {
		f.Add(s)
	}
	f.Fuzz(checkSubItems)
}

func TestMaySubItems(t *testing.T) {
	for _, s := range subMarkerSeeds {
		checkSubItems(t, s)
	}
}

func checkSubItems(t *testing.T, s string) {
	if !maySubItems(s) && subMarker.MatchString(s) {
		t.Errorf("maySubItems(%q) = false; subMarker matches %q", s, subMarker.FindString(s))
	}
}

// TestWordFilter checks that the filters in front of map look-ups hold
// every key of their maps (a filter may say yes to a word not in the map,
// never no to one in it) and turn most other words away.
func TestWordFilter(t *testing.T) {
	tax := DefaultTaxonomy()
	for name, tt := range map[string]struct {
		f    *wordFilter
		keys []string
	}{
		"adWords":    {adWordsFilter, mapKeys(adWords)},
		"adPairEnds": {adPairEndsFilter, mapKeys(adPairEnds)},
		"tags":       {&tax.tags.exactKeys, mapKeys(tax.tags.exact)},
		"tag prefix": {&tax.tags.prefixKeys, mapKeys(tax.tags.prefix)},
		"topics":     {&tax.topics.exactKeys, mapKeys(tax.topics.exact)},
	} {
		for _, k := range tt.keys {
			if !mayHold(tt.f, k) || !mayHold(tt.f, []byte(k)) {
				t.Errorf("%s: mayHold(%q) = false for a key", name, k)
			}
		}
	}
	var f wordFilter
	for _, w := range []string{"what", "is", "a", "closure", "python", "kubernetes"} {
		f.add(w)
	}
	other := 0
	for _, w := range strings.Fields("how does the garbage collector of go decide when to run and which objects are still reachable from the roots") {
		if mayHold(&f, w) {
			other++
		}
	}
	if other > 2 {
		t.Errorf("a filter of 6 words holds %d of 20 others; want few", other)
	}
}

func mapKeys[V any](m map[string]V) []string {
	var keys []string
	for k := range m {
		keys = append(keys, k)
	}
	return keys
}

func FuzzFieldsAtLeast(f *testing.F) {
	for _, s := range []string{"", " ", "a b", " a\u00a0b\u2003c ", "a\x85b", "\xff \xfe", "x\vy\fz", "one two three four five six"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n := len(strings.Fields(s))
		for k := 0; k <= n+1; k++ {
			if got := fieldsAtLeast(s, k); got != (n >= k) {
				t.Errorf("fieldsAtLeast(%q, %d) = %v; strings.Fields has %d", s, k, got, n)
			}
		}
	})
}

// leadings are the expressions that test their first byte before running.
var leadings = map[string]*leading{
	"answerLabel": answerLabel, "revealLabel": revealLabel, "catalogueItem": catalogueItem,
	"bareNumber": bareNumber, "clickLabel": clickLabel, "taskHeading": taskHeading,
	"answerPrefix": answerPrefix, "howToLabel": howToLabel, "exampleLabel": exampleLabel,
}

var leadingSeeds = []string{
	"Answer: D", " \tsolution", "ſolution", "Ex\u017fample answer: x", "12 Foo", "7 x", "Click here to see the answer",
	"Task 3: x", "\u212aata 1: x", "Kata 1: x", "A: yes", "ans : x", "How to answer: x", "Sample answer - x",
	"Model answer: x", "show the answer", "The answer", "\vAnswer", "\u00a0Answer", "", " ", "Explanation",
	"reveal answer!", "tap for the solution", "press to see answers", "Problem statement", "View answer",
}

func TestLeading(t *testing.T) {
	for _, s := range leadingSeeds {
		checkLeading(t, s)
	}
}

func FuzzLeading(f *testing.F) {
	for _, s := range leadingSeeds {
		f.Add(s)
	}
	f.Fuzz(checkLeading)
}

func checkLeading(t *testing.T, s string) {
	for name, l := range leadings {
		if !l.may(s) && l.Regexp.MatchString(s) {
			t.Errorf("%s: the first-byte test refuses %q, which the expression matches", name, s)
		}
	}
}

func FuzzRunesOver(f *testing.F) {
	for _, s := range []string{"", "abc", "日本語", "\xff\xfe\xfd", strings.Repeat("é", 30), strings.Repeat("x", 241)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		c := utf8.RuneCountInString(s)
		for _, n := range []int{0, 1, 2, c - 1, c, c + 1, len(s) / 4, len(s)/4 - 1, len(s)/4 + 1} {
			if n < 0 {
				continue
			}
			if got := runesOver(s, n); got != (c > n) {
				t.Errorf("runesOver(%q, %d) = %v; the string has %d runes", s, n, got, c)
			}
		}
	})
}

func FuzzHasZH(f *testing.F) {
	for _, s := range []string{"", "abc", "什么是", "\xe4\xe4\xb8\x80", "\xe4\xb8", "㐀", "\u9fff", "\ua000", "日本語"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		want := false
		for _, r := range s {
			if r >= 0x4E00 && r <= 0x9FFF || r >= 0x3400 && r <= 0x4DBF {
				want = true
				break
			}
		}
		if got := hasZH(s); got != want {
			t.Errorf("hasZH(%q) = %v; want %v", s, got, want)
		}
	})
}

func FuzzAppendLower(f *testing.F) {
	for _, s := range []string{"", "What", "ÀÉÎ", "İstanbul", "\u212aelvin", "\xffA\xfe", "ΣΑΣ", "Ⱥ", "abc"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := string(appendLower(nil, s)), strings.ToLower(s); got != want {
			t.Errorf("appendLower(%q) = %q; strings.ToLower says %q", s, got, want)
		}
	})
}

// isChromeFields is isChrome as it was written with strings.FieldsFunc.
func isChromeFields(t string) bool {
	if utf8.RuneCountInString(t) > 60 || strings.ContainsRune(t, '?') {
		return false
	}
	words := strings.FieldsFunc(strings.ToLower(t), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '-'
	})
	if len(words) == 0 || len(words) > 8 {
		return false
	}
	content := 0
	for _, w := range words {
		if !chromeWords[w] {
			return false
		}
		if w != "and" && w != "to" && w != "a" && w != "the" && w != "of" && w != "on" && w != "in" && w != "us" {
			content++
		}
	}
	if len(words) == 1 {
		return soloChrome[words[0]]
	}
	return content > 0
}

func FuzzIsChrome(f *testing.F) {
	for _, s := range []string{"Prev Next", "Comments & Discussions", "Contact Form", "Show more question and Answers...",
		"⬆ Back to Top", "Comments", "Questions", "and the", "home home home home home home home home home", "Send\xff",
		"Next Topic", "What is X?", "", "---", "Home - Menu", "ＨＯＭＥ"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := isChrome(s), isChromeFields(s); got != want {
			t.Errorf("isChrome(%q) = %v; with strings.FieldsFunc %v", s, got, want)
		}
	})
}

func FuzzMatchWords(f *testing.F) {
	for _, s := range []string{"", "What is Node.js and C#?", "ÀB Cd", "Kubernetes K8s .env", "\xffAB\xfe", "İstanbul Go", "a.B.c"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		orig, toks := matchWords(s, nil, nil)
		if want := splitWords(s, nil); !slices.Equal(orig, want) {
			t.Errorf("matchWords(%q) words = %q; splitWords says %q", s, orig, want)
		}
		if want := tokenize(s, nil); !slices.Equal(toks, want) {
			t.Errorf("matchWords(%q) tokens = %q; tokenize says %q", s, toks, want)
		}
	})
}

func FuzzMayNameLevel(f *testing.F) {
	for _, s := range []string{"Beginner:", "Mid-Level", "Senior-Level Questions", "Exercises: Level 1", "🚀 Expert", "What is X?",
		":senior: x", "Уровень 2", "初级", "JUNIOR", "\xffeasy", "Level\u00a03", "ſenior", "Intermediate Python"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if !mayNameLevel(s) {
			if p := findLevel(levelTokens(s)); p.phrases > 0 {
				t.Errorf("mayNameLevel(%q) = false, but findLevel finds %+v", s, p)
			}
		}
	})
}

// detectLangSeeds are texts where langDetector and whatlanggo could part:
// mixed scripts, ties, a single whitelisted language, digits and symbols
// (stop characters), case folding, invalid UTF-8, texts of one trigram.
var detectLangSeeds = []string{
	"", "a", "What is a closure?\nHow does the event loop work?\n", "Was ist eine Closure?\n",
	"Qu'est-ce qu'une fermeture ?\n", "¿Qué es un cierre?\n", "Что такое замыкание?\nЧем отличается let от var?\n",
	"Що таке замикання?\n", "Что такое Dependency Injection and Inversion of Control in Spring?\n",
	"什么是闭包\n", "クロージャとは\n", "ما هو الإغلاق؟\n", "क्या है\n", "מה זה\n", "ሰላም\n", "42 + 1 = ?\n",
	"ÀÉÎ ÕÜ ß İstanbul \u212aelvin\n", "\xffab\xfe cd\n", "the the the\n", "aaa bbb\n", "x\n", "Sql vs NoSQL\n",
	"Hvad er en closure?\nHur fungerar det?\n", "Co to jest domknięcie?\n", "Mi az a lezárás?\n",
	"\x01\x7f@[`{", "Z", "z", "@", "`",
}

func TestDetectLang(t *testing.T) {
	for _, s := range detectLangSeeds {
		checkDetectLang(t, s)
	}
}

func FuzzDetectLang(f *testing.F) {
	for _, s := range detectLangSeeds {
		f.Add(s)
	}
	f.Fuzz(checkDetectLang)
}

// checkDetectLang checks langDetector.confidence against
// whatlanggo.DetectWithOptions under each of iq's whitelists and one of a
// single language: the same confidence, and the same language unless the
// confidence is 0 (on a tie the library returns whichever language its
// map gave first).
var englishOnly = newLangDetector(whitelist(whatlanggo.Eng))

func checkDetectLang(t *testing.T, s string) {
	if got, want := detectScript(s), whatlanggo.DetectScript(s); got != want {
		t.Errorf("detectScript(%q) = %v; whatlanggo says %v", s, got, want)
	}
	for _, d := range append(detectors[:], englishOnly) {
		if d == nil {
			continue
		}
		info := whatlanggo.DetectWithOptions(s, d.opts)
		lang, confidence := d.confidence(s)
		if confidence != info.Confidence || confidence != 0 && lang != info.Lang {
			t.Errorf("confidence(%q) under %v = %v, %v; whatlanggo says %v, %v", s, d.opts.Whitelist, lang, confidence, info.Lang, info.Confidence)
		}
	}
}

func FuzzQuestionTerms(f *testing.F) {
	for _, s := range [][2]string{
		{"What is Node.js and C#?", "It runs JavaScript on the server."}, {"How do Docker and", "Kubernetes differ?"},
		{"Explain the event.", ".env files"}, {"İstanbul Go", "REST API design"}, {"\xffAB", "\xfe cd"}, {"", "SQL joins"},
		{"Machine", "learning"}, {"unit test*", "tests"},
	} {
		f.Add(s[0], s[1])
	}
	tax := DefaultTaxonomy()
	f.Fuzz(func(t *testing.T, q, more string) {
		topics, tags := tax.questionTerms(q, more)
		if want := tax.TopicsOf(q); !slices.Equal(topics, want) {
			t.Errorf("questionTerms(%q, %q) topics = %q; TopicsOf says %q", q, more, topics, want)
		}
		if want := tax.TagsOf(q + " \n " + more); !slices.Equal(tags, want) {
			t.Errorf("questionTerms(%q, %q) tags = %q; TagsOf says %q", q, more, tags, want)
		}
	})
}

func FuzzContextTokens(f *testing.F) {
	for _, s := range []string{"", "div#left-sidebar.menu_box", "A.B", "..x..", "aside[data-x=1]", "İ.K", "\xff.x", "nav:hover"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		want := strings.FieldsFunc(strings.ToLower(s), func(r rune) bool {
			return r == '.' || r == '#' || r == '-' || r == '_' || r == ' ' || r == ':' || r == '[' || r == ']' || r == '='
		})
		if got := slices.Collect(contextTokens(s)); !slices.Equal(got, want) && !(len(got) == 0 && len(want) == 0) {
			t.Errorf("contextTokens(%q) = %q; want %q", s, got, want)
		}
	})
}
