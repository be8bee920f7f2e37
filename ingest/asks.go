package ingest

import (
	"bytes"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

// This file holds how a piece of text reads as an interview item, in the
// languages the banks are written in (English, Russian, Ukrainian,
// Chinese), and the decorations a question carries that are not part of
// it. Wording only confirms: segmentation decides by structure (a unit
// whose siblings are questions is a question even when it reads as a bare
// term; a "?" inside an answer is not a question).

// reading is how a text reads as an interview item.
type reading int

const (
	readsNot  reading = iota
	readsTerm         // a bare term or title ("闭包", "TCP vs UDP", "Basic intuition")
	readsTask         // an imperative task ("Find the length of your list")
	readsAsk          // a question or a prompt ("Explain …", "What is …?", "True or False? …")
)

// promptVerbs open a prompt that asks for an answer, as a question does.
var promptVerbs = setOf("explain", "describe", "define", "compare", "differentiate", "distinguish", "contrast",
	"discuss", "outline", "elaborate", "illustrate", "demonstrate", "implement", "write", "give", "tell",
	"list", "identify", "mention", "name", "design", "create", "justify", "summarize", "summarise", "state",
	"walk", "talk", "share", "suggest", "propose", "present", "prepare", "draw", "estimate", "evaluate",
	"analyze", "analyse", "assess", "interpret", "prove", "derive", "solve", "recommend", "clarify", "enumerate",
	"code", "build", "develop", "imagine", "pretend", "suppose", "consider")

// taskVerbs open an exercise ("Declare a list…", "Sort the list…"). Alone
// they do not make a question, many answers advise in the imperative; in a
// list whose siblings are tasks or questions they do.
var taskVerbs = setOf("find", "print", "declare", "use", "make", "calculate", "compute", "convert", "check",
	"sort", "reverse", "count", "generate", "merge", "remove", "delete", "insert", "add", "get", "change",
	"join", "slice", "destroy", "unpack", "divide", "iterate", "modify", "extract", "filter", "map", "reduce",
	"chain", "call", "read", "open", "parse", "return", "show", "configure", "set", "install", "deploy",
	"execute", "run", "debug", "troubleshoot", "optimize", "optimise", "refactor", "fix", "rewrite", "translate",
	"transform", "encode", "decode", "store", "load", "access", "fetch", "query", "select", "update", "search",
	"split", "concatenate", "capitalize", "flatten", "group", "rename", "replace", "detect", "determine",
	"decide", "choose", "pick", "predict", "plan", "provide", "construct", "initialize", "initialise", "assign",
	"format", "display", "visualize", "plot", "classify", "categorize", "rank", "schedule", "scale", "secure",
	"monitor", "measure", "handle", "manage", "compose", "combine", "append", "swap", "multiply", "sum",
	"subtract", "round", "compress", "explore", "investigate", "review", "document", "test", "verify",
	"validate", "mock", "simulate", "setup", "export", "import", "define", "instantiate", "inherit", "override",
	"overload", "raise", "catch", "throw", "log", "clean", "copy", "move", "create", "try", "go", "ask",
	"shuffle", "rotate", "transpose", "traverse", "serialize", "deserialize", "cache", "paginate", "tag")

// wordsRU are Russian and Ukrainian words that open a question or a prompt.
var wordsRU = setOf("что", "чем", "как", "какой", "какая", "какое", "какие", "каким", "каких", "какую", "каков",
	"какова", "каковы", "зачем", "почему", "когда", "где", "куда", "откуда", "кто", "сколько", "чей", "чья",
	"объясните", "опишите", "расскажите", "назовите", "напишите", "сравните", "приведите", "перечислите",
	"дайте", "реализуйте", "можно", "нужно", "есть", "является", "для",
	"що", "як", "який", "яка", "яке", "які", "навіщо", "чому", "коли", "хто", "скільки", "чим",
	"поясніть", "опишіть", "розкажіть", "назвіть", "напишіть", "порівняйте", "наведіть", "перелічіть")

// markersZH are Chinese words that make a question wherever they stand.
// In a short heading or item they ask even as a noun phrase: "Vue 的优点"
// (Vue's advantages), "HTTP状态码及其含义" (status codes and their meaning).
var markersZH = []string{"什么", "哪些", "哪个", "哪种", "哪里", "如何", "怎么", "怎样", "为什么", "为何", "是否",
	"多少", "几种", "区别", "异同", "谈谈", "说说", "简述", "简要", "介绍一下", "解释", "描述", "列举", "比较",
	"理解", "有何", "何时", "吗", "呢", "含义", "意义", "步骤", "过程", "流程", "原理", "作用", "用途", "优点",
	"缺点", "优缺点", "优势", "特点", "特性", "不同点", "共同点", "对比"}

// readText says how t reads. It is the one place that reads wording; the
// text may still carry numbering and decorations.
func readText(t string) reading {
	r, _ := readMarked(t)
	return r
}

// readMarked is readText that also returns the level a marker on the text
// gives ("… 👶"), read once for both.
func readMarked(t string) (reading, string) {
	if len(t) > 4*maxQuestionRunes+32 {
		return readsNot, ""
	}
	q, level, _ := splitLevelMarker(t)
	return readClean(q), level
}

func readClean(q string) reading {
	q = stripDecorations(q)
	q, _ = stripNumber(strings.TrimSpace(q))
	q = stripLabel(q)
	q = trimQuotes(strings.TrimSpace(q))
	n := utf8.RuneCountInString(q)
	if n < 2 {
		return readsNot
	}
	if n > maxQuestionRunes || strings.Contains(q, "\n") {
		// Only the first line of a long text can ask ("True or False? …"
		// with code under it in one <summary>).
		if i := strings.IndexByte(q, '\n'); i > 0 && i < 4*maxQuestionRunes {
			return readText(q[:i])
		}
		return readsNot
	}
	if endsAsking(q) {
		return readsAsk
	}
	if strings.HasSuffix(q, ":") {
		// A lead-in ("Join the following lists:") asks only with a verb
		// that asks, also after a title ("Fibonacci. Return the n-th
		// number, computed with this formula:").
		if r := readOpening(strings.TrimSuffix(q, ":")); r >= readsTask {
			return r
		}
		if first, rest, ok := firstSentence(q); ok && rest != "" && !fieldsAtLeast(first, 5) {
			if r := readOpening(strings.TrimSuffix(rest, ":")); r >= readsTask {
				return r
			}
		}
		return readsNot
	}
	if r := readOpening(q); r != readsNot {
		return r
	}
	// A short text of a few sentences asks when one of them does: "True or
	// False? <statement>.", "What is X? It is …", "SIGHUP, SIGINT … Explain."
	if first, rest, ok := firstSentence(q); ok && rest != "" {
		if endsAsking(first) {
			return readsAsk
		}
		last := strings.TrimRight(lastSentence(q), ".!")
		if last != q && (readOpening(last) == readsAsk || promptVerbs[strings.ToLower(last)]) {
			return readsAsk // "… POSIX signals. Explain."
		}
		// A title, then the task: "Fibonacci. Return the n-th Fibonacci
		// number …", "Addition. Implement the addition algorithm …".
		if !fieldsAtLeast(first, 5) {
			second, _, _ := firstSentence(rest)
			if r := readOpening(strings.TrimRight(strings.TrimSuffix(second, ":"), ".!")); r >= readsTask {
				return r
			}
		}
	}
	if isVersus(q) {
		return readsTerm
	}
	if hasZH(q) {
		if n <= 40 {
			return readsTerm
		}
		return readsNot
	}
	last, _ := utf8.DecodeLastRuneInString(q)
	if !fieldsAtLeast(q, 9) && last != '.' && last != '!' && last != ';' && last != ',' {
		return readsTerm
	}
	return readsNot
}

// asks is readText at its strongest: a question or a prompt.
func asks(t string) bool { return readText(t) == readsAsk }

func endsAsking(q string) bool {
	q = strings.TrimRight(q, " )]\"'”»")
	return strings.HasSuffix(q, "?") || strings.HasSuffix(q, "？") || strings.HasSuffix(q, "?.")
}

// readOpening reads the first words of q: an interrogative, a prompt verb,
// a task verb, in English or Russian/Ukrainian; a Chinese question word
// anywhere.
func readOpening(q string) reading {
	first, second, nwords := firstWords(q)
	// The word is lowered into a buffer on the stack: strings.ToLower
	// allocated for every capitalised first word.
	var buf [32]byte
	w := string(bytes.TrimRight(appendLower(buf[:0], strings.Trim(first, "*_`\"'“”«»([")), ",:;"))
	if hasZH(q) {
		if runesOver(q, 60) && !endsAsking(q) {
			return readsNot // prose, whatever words it uses
		}
		for _, m := range markersZH {
			if strings.Contains(q, m) {
				return readsAsk
			}
		}
		return readsNot
	}
	if wordsRU[w] {
		if nwords >= 2 {
			return readsAsk
		}
		return readsNot
	}
	if (w == "в" || w == "у") && (strings.EqualFold(second, "чем") || strings.EqualFold(second, "чём") || strings.EqualFold(second, "чому")) {
		return readsAsk
	}
	if w == "true" && strings.EqualFold(second, "or") {
		return readsAsk // "True or false: …"
	}
	switch {
	case interrogatives[w] && !promptVerbs[w]:
		switch w {
		case "what", "what's", "whats", "how", "why", "when", "where", "which", "who", "whom", "whose":
			// Without a question mark a wh-word opens many titles ("How to
			// Contribute", "What is Next"); a longer clause still asks.
			// "How to Contribute", "What to Look For", "When to Use It"
			// name a section.
			if nwords >= 4 && !strings.EqualFold(second, "to") {
				return readsAsk
			}
			if nwords >= 2 {
				return readsTerm
			}
			return readsNot
		}
		// "Is it good …" without a question mark is usually a heading
		// copied from a sentence; only a question mark settles it.
		return readsNot
	case promptVerbs[w]:
		if w == "list" && strings.EqualFold(second, "of") {
			return readsNot
		}
		if nwords >= 2 && !titleWords(q) {
			return readsAsk
		}
		if nwords >= 2 {
			// "Write Amplification", "Name Resolution": a title.
			return readsTerm
		}
	case taskVerbs[w]:
		if nwords >= 3 && !strings.HasSuffix(w, "ing") {
			return readsTask
		}
	}
	return readsNot
}

// titleWords reports a short text whose every word is capitalised ("State
// Management"): a title, not a prompt ("Explain MLE", "Explain bagging").
func titleWords(q string) bool {
	if fieldsAtLeast(q, 6) {
		return false
	}
	f := strings.Fields(q)
	for _, w := range f {
		if connectives[strings.ToLower(w)] || !strings.ContainsFunc(w, unicode.IsLetter) {
			continue
		}
		r, _ := utf8.DecodeRuneInString(w)
		if !unicode.IsUpper(r) {
			return false
		}
		if rest := w[utf8.RuneLen(r):]; rest != "" && strings.ToUpper(rest) == rest {
			return false // an acronym ("MLE", "SVM") is a subject, not a title word
		}
	}
	return true
}

var connectives = setOf("and", "or", "of", "the", "for", "in", "on", "to", "with", "a", "an", "vs", "vs.", "&")

// questionSection reports a heading that names its section a list of
// questions or exercises ("Exercises: Level 1", "Basic stats questions",
// "Задачи", "练习题"): there imperative tasks are questions.
func questionSection(t string) bool {
	lower := strings.ToLower(t)
	for _, w := range strings.FieldsFunc(lower, func(r rune) bool { return !unicode.IsLetter(r) }) {
		if sectionNouns[w] {
			return true
		}
	}
	for _, stem := range sectionStems {
		if strings.Contains(lower, stem) {
			return true
		}
	}
	return false
}

// sectionNouns name a list of questions in English; sectionStems do in
// Russian, Ukrainian and Chinese, whatever the word's ending.
var (
	sectionNouns = setOf("question", "questions", "exercise", "exercises", "task", "tasks", "quiz", "quizzes",
		"problem", "problems", "challenge", "challenges", "practice", "assignment", "assignments", "homework",
		"drill", "drills", "kata", "katas")
	sectionStems = []string{"вопрос", "задани", "задач", "упражнен", "питання", "завдання", "вправ", "题", "練習", "练习", "問題"}
)

// firstSentence splits q after its first sentence end (". ", "? ", "! ").
func firstSentence(q string) (first, rest string, ok bool) {
	for i := 0; i+1 < len(q); i++ {
		switch q[i] {
		case '.', '?', '!':
			if q[i+1] == ' ' && (q[i] != '.' || !abbrevBefore(q[:i])) {
				return q[:i+1], strings.TrimSpace(q[i+1:]), true
			}
		}
	}
	return q, "", false
}

// lastSentence is the last sentence of q.
func lastSentence(q string) string {
	t := strings.TrimRight(q, ".!? ")
	for i := len(t) - 1; i > 0; i-- {
		switch t[i] {
		case '.', '?', '!':
			if i+1 < len(t) && t[i+1] == ' ' && (t[i] != '.' || !abbrevBefore(t[:i])) {
				return strings.TrimSpace(q[i+1:])
			}
		}
	}
	return q
}

// abbrevBefore reports a full stop that ends an abbreviation ("e.g.", "vs.",
// "i.e.") rather than a sentence.
func abbrevBefore(s string) bool {
	i := strings.LastIndexAny(s, " (")
	w := strings.ToLower(s[i+1:])
	switch w {
	case "e.g", "i.e", "vs", "etc", "eg", "ie", "mr", "dr", "approx", "incl", "a.k.a", "no", "v":
		return true
	}
	// A lower-case letter item ("a."); "Server B." ends a sentence.
	return len(w) == 1 && w[0] >= 'a' && w[0] <= 'z' && s[len(s)-1] == w[0]
}

var versus = regexp.MustCompile(`(?i)\S\s+(vs\.?|versus)\s+\S|^difference between\s`)

// isVersus reports "X vs Y", "X versus Y", "Difference between X and Y".
func isVersus(q string) bool {
	// The regular expression only where its words can be.
	if !strings.Contains(q, "vs") && !strings.Contains(q, "VS") && !strings.Contains(q, "Vs") && !strings.Contains(q, "ersus") && !strings.Contains(q, "ifference") {
		return false
	}
	return versus.MatchString(q)
}

func hasZH(s string) bool {
	// Such a character's UTF-8 starts with a byte from 0xE3 to 0xE9,
	// which never continues another character: only there is a rune
	// decoded (most texts have none).
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= 0xE3 && c <= 0xE9 {
			if r, _ := utf8.DecodeRuneInString(s[i:]); r >= 0x4E00 && r <= 0x9FFF || r >= 0x3400 && r <= 0x4DBF {
				return true
			}
		}
	}
	return false
}

// labelPrefix matches a label that introduces a question ("Question:",
// "Q:", "Scenario:", "Ques 3:", "Problem 2 -") rather than being part of it.
var labelPrefix = regexp.MustCompile(`(?i)^\s*(?:question|ques|qn|q|scenario|problem|task|exercise|case)\s*\d*\s*[:.)\-–]\s+`)

// stripLabel removes such a label. It reads the label by hand: it runs on
// every block, and most blocks start with a word that is no label.
func stripLabel(t string) string {
	if len(t) < 3 {
		return t
	}
	end := 0
	for end < len(t) && end < 10 && (t[end] >= 'a' && t[end] <= 'z' || t[end] >= 'A' && t[end] <= 'Z') {
		end++
	}
	var buf [16]byte
	if end == 0 || end == 10 || !labelWords[string(appendLower(buf[:0], t[:end]))] {
		return t
	}
	if loc := labelPrefix.FindStringIndex(t); loc != nil && loc[1] < len(t) {
		return t[loc[1]:]
	}
	return t
}

var labelWords = setOf("question", "ques", "qn", "q", "scenario", "problem", "task", "exercise", "case")

// answerPrefix is a label that opens an answer ("A:", "Ans:", "Answer:"),
// not part of it.
var answerPrefix = newLeading(`(?i)^\s*(?:a|ans|answer)\s*:\s+`, "a")

// Decorations a question heading carries that are not part of it: rating
// stars, a custom id ("{#proudest-project}"), a "back to top" arrow, the
// "[src]" of a source link, an "incomplete" marker (" ***"), emoji and
// emoji short codes (":star:"). They are cut by hand: this runs on every
// block, and a regular expression anchored at the end still tries every
// start.
var bracketDecor = setOf("↑", "⬆", "top", "src", "source", "link")

// decorRune reports a symbol rune that decorates: stars, emoji, the emoji
// variation selector.
func decorRune(r rune) bool {
	switch {
	case r == '★' || r == '☆' || r == '✩' || r == '✪' || r == '✭' || r == '⭐' || r == 0xFE0F || r == 0x200D:
		return true
	case r >= 0x1F300 && r <= 0x1FAFF, r >= 0x2600 && r <= 0x27BF:
		return true
	}
	return false
}

// trailingDecoration returns the length of t without one decoration at
// its end (after trailing spaces), or len(t) when there is none.
func trailingDecoration(t string) int {
	u := strings.TrimRight(t, " ")
	if u == "" {
		return len(t)
	}
	last, size := utf8.DecodeLastRuneInString(u)
	switch {
	case decorRune(last):
		return len(u) - size
	case last == '}':
		if i := strings.LastIndex(u, "{#"); i >= 0 && !strings.ContainsAny(u[i+2:len(u)-1], "{}") {
			return i
		}
	case last == ']' || last == ')':
		open := "["
		if last == ')' {
			open = "("
		}
		if i := strings.LastIndex(u, open); i >= 0 && bracketDecor[strings.ToLower(strings.TrimSpace(u[i+1:len(u)-1]))] {
			return i
		}
	case last == '*':
		i := len(u)
		for i > 0 && u[i-1] == '*' {
			i--
		}
		if len(u)-i >= 2 && (i == 0 || u[i-1] == ' ') {
			return i
		}
	case last == ':':
		if i := strings.LastIndexByte(u[:len(u)-1], ':'); i >= 0 && shortCode(u[i+1:len(u)-1]) {
			return i
		}
	}
	return len(t)
}

// leadingDecoration returns where t starts after one decoration at its
// start, or 0.
func leadingDecoration(t string) int {
	u := strings.TrimLeft(t, " ")
	off := len(t) - len(u)
	if u == "" {
		return 0
	}
	first, size := utf8.DecodeRuneInString(u)
	switch {
	case decorRune(first):
		return off + size
	case first == '[':
		if i := strings.IndexByte(u, ']'); i > 0 && bracketDecor[strings.ToLower(strings.TrimSpace(u[1:i]))] {
			return off + i + 1
		}
	case first == ':':
		if i := strings.IndexByte(u[1:], ':'); i > 0 && shortCode(u[1:i+1]) {
			return off + i + 2
		}
	}
	return 0
}

// shortCode reports an emoji short code's name ("star", "heavy_check_mark").
func shortCode(s string) bool {
	if s == "" || len(s) > 40 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_' || c == '+' || c == '-') {
			return false
		}
	}
	return true
}

// stripDecorations removes decorations from both ends of a question.
func stripDecorations(t string) string {
	for range 8 {
		n := trailingDecoration(t)
		if n == len(t) || n == 0 {
			break
		}
		t = strings.TrimRight(t[:n], " ")
	}
	for range 8 {
		n := leadingDecoration(t)
		if n == 0 || n >= len(t) {
			break
		}
		t = strings.TrimLeft(t[n:], " ")
	}
	return t
}
