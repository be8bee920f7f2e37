package dedup

import (
	"regexp"
	"slices"
	"strings"
)

// A question's title is read as a head clause, which names what it asks
// about, and tail clauses. A tail that only looks back at the head ("What
// is the virtual DOM, and how does it improve performance?", "What is
// regularization? Why do we need it?") asks more about the same subject:
// its words count like light words, so that "What is Virtual DOM?" still
// asks the same question. A tail with a subject of its own ("How does
// Ansible handle variables differently from playbooks?") is a second
// question and counts in full. A tail that is only a level or a source
// marker ("… ? Intermediate", "[src]") is dropped.

// clauseBreak finds the places where a title's clauses meet: the end of a
// sentence, a semicolon, or a comma or "and"/"or" before a question word.
var clauseBreak = regexp.MustCompile(`(?i)[?!;]+\s*|\.\s+|,?\s+(?:and|or)\s+(?:how|why|what|when|where|which|who|whether|is|are|does|do|can|could|should|would|will)\b\s*|,\s*(?:how|why|what|when|where|which|who|whether)\b\s*`)

// clauseBreaks is clauseBreak.FindAllStringIndex(title, -1). Most titles
// have no '.' or ',' and no "and" or "or" between spaces, where the
// expression can only match runs of '?', '!' and ';' with the spaces
// after them: those are found by hand (a fifth of parsing a title went
// to the expression).
func clauseBreaks(title string) [][]int {
	if strings.ContainsAny(title, ".,") || spacedAndOr(title) {
		return clauseBreak.FindAllStringIndex(title, -1)
	}
	var ms [][]int
	for i := 0; i < len(title); {
		if !isBreakMark(title[i]) {
			i++
			continue
		}
		j := i + 1
		for j < len(title) && isBreakMark(title[j]) {
			j++
		}
		for j < len(title) && isPerlSpace(title[j]) {
			j++
		}
		ms = append(ms, []int{i, j})
		i = j
	}
	return ms
}

func isBreakMark(c byte) bool { return c == '?' || c == '!' || c == ';' }

// isPerlSpace is the expressions' \s: [\t\n\f\r ].
func isPerlSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\r'
}

// spacedAndOr reports whether s has "and" or "or", in any case, between
// two \s.
func spacedAndOr(s string) bool {
	for i := 1; i < len(s); i++ {
		if !isPerlSpace(s[i-1]) {
			continue
		}
		n := 0
		switch {
		case i+3 < len(s) && s[i]|0x20 == 'a' && s[i+1]|0x20 == 'n' && s[i+2]|0x20 == 'd':
			n = 3
		case i+2 < len(s) && s[i]|0x20 == 'o' && s[i+1]|0x20 == 'r':
			n = 2
		default:
			continue
		}
		if isPerlSpace(s[i+n]) {
			return true
		}
	}
	return false
}

var differentFrom = regexp.MustCompile(`(?i)\b(different(?:ly)?)\s+(from|than|to)\b`)

// differFrom is s with "different from", "differently than"… read as
// "differ from" (differentFrom). A text without "different" in any case,
// most, is returned as it is without running the expression.
func differFrom(s string) string {
	if !containsFold(s, "different") {
		return s
	}
	return differentFrom.ReplaceAllString(s, "differ $2")
}

// containsFold reports whether s contains word, ASCII lower-case letters
// whose only case folds are their ASCII capitals, in any case.
func containsFold(s, word string) bool {
	for i := 0; i+len(word) <= len(s); i++ {
		if s[i]|0x20 != word[0] {
			continue
		}
		k := 1
		for k < len(word) && s[i+k]|0x20 == word[k] {
			k++
		}
		if k == len(word) {
			return true
		}
	}
	return false
}

// splitClauses cuts a title into clauses, each with the words that open it
// ("and how", "Why") kept, since they tell a tail's kind. later says of
// each clause whether a sentence ended before it ("…? What are the normal
// forms?"), where a clause after a comma ("In Python, what is a
// decorator?") may be the question itself.
func splitClauses(title string) (clauses []string, later []bool) {
	start, ended := 0, false
	for _, m := range clauseBreaks(title) {
		// The break's words ("and how") belong to the next clause.
		cut, next := m[0], m[1]
		if title[cut] == '?' && loneSymbol(title, cut) > cut {
			// "the ?? operator", "the `?` quantifier": a symbol, not
			// the question's end.
			continue
		}
		sep := title[m[0]:m[1]]
		if i := strings.IndexFunc(sep, func(r rune) bool { return r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z' }); i >= 0 {
			next = m[0] + i
		}
		if s := strings.TrimSpace(title[start:cut]); s != "" {
			clauses, later = append(clauses, s), append(later, ended)
		}
		ended = ended || strings.ContainsAny(sep, "?!.;")
		start = next
	}
	if s := strings.TrimSpace(title[start:]); s != "" {
		clauses, later = append(clauses, s), append(later, ended)
	}
	return clauses, later
}

// backRefs are the words by which a tail refers to the head's subject.
var backRefs = setOf(`it its it's they them their theirs these those one each both either`)

// refersBack reports whether a clause points back at what came before.
func refersBack(clause string) bool {
	for _, w := range strings.FieldsFunc(strings.ToLower(clause), func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r == '\'' || r == '’')
	}) {
		if backRefs[strings.ReplaceAll(w, "’", "'")] {
			return true
		}
	}
	return false
}

// markerWords are tails that are no question: a level written after the
// question, a source link's label.
var markerWords = wordsOf(`beginner intermediate advanced expert junior senior mid src source link answer`)

// isMarker reports whether a tail holds nothing but marker words.
func isMarker(ts []token) bool {
	for _, t := range ts {
		if !markerWords[t.text] {
			return false
		}
	}
	return true
}

// questionTokens tokenizes a question: its title clause by clause, tails
// that only look back marked weak, then the rest of the question (its code
// or options) as written.
func questionTokens(q string) []token {
	title, body, _ := strings.Cut(q, "\n")
	// "different from" compares, where "different types" does not.
	title = differFrom(title)
	clauses, later := splitClauses(title)
	// Capitals name things only in a title that is not written in
	// capitals throughout ("What Is The Virtual DOM?").
	named := !titleCased(title)
	var ts []token
	head := map[uint64]bool{}
	var headTechs []string
	for i, c := range clauses {
		ct := scanTokens(nil, c, 0, true)
		if i == 0 {
			namesWhatItDoes(c, ct)
			for _, t := range ct {
				head[t.h] = true
				if x := techOf[t.text]; x != "" && !t.weak {
					headTechs = append(headTechs, x)
				}
			}
			ts = append(ts, ct...)
			continue
		}
		if isMarker(ct) {
			continue
		}
		for k := range ct {
			ct[k].tail, ct[k].later = true, later[i]
		}
		if refersBack(c) || !newSubject(ct, head) {
			// Names beside a technology's ("over Flask or Django REST
			// Framework") are its own, or its kind's.
			names := named && !slices.ContainsFunc(ct, func(t token) bool { return techOf[t.text] != "" })
			compares := slices.ContainsFunc(ct, func(t token) bool { return t.text == differWord })
			for k := range ct {
				// A name the tail brings in ("…, and how does it
				// differ from Behavior-Driven Development (BDD)?") is a
				// second subject, unless it is a technology the head's
				// subject lives in ("…from regular JavaScript?").
				second := names && k > 0 && properName(ct[k]) && !head[ct[k].h] ||
					compares && !ct[k].weak && k > 0 && otherTech(ct[k], head, headTechs)
				ct[k].weak = !second
			}
		}
		ts = append(ts, ct...)
	}
	if body != "" {
		ts = appendTokens(ts, body, 0)
	}
	return ts
}

// properName reports whether t is written as a name (a capital first
// letter, or an acronym) and is not a technology.
func properName(t token) bool {
	if t.kind != kindWord || t.raw == "" || techOf[t.text] != "" {
		return false
	}
	r := t.raw[0]
	return r >= 'A' && r <= 'Z'
}

// titleCased reports whether most words of title start with a capital.
func titleCased(title string) bool {
	n, caps := 0, 0
	for _, w := range strings.Fields(title) {
		if c := w[0]; c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' {
			n++
			if c <= 'Z' {
				caps++
			}
		}
	}
	return n > 0 && caps*2 > n
}

// newSubject reports whether a tail names a content word the head does not.
func newSubject(ts []token, head map[uint64]bool) bool {
	for _, t := range ts {
		if !t.weak && !head[t.h] && !(t.kind == kindWord && lightWords[t.text]) {
			return true
		}
	}
	return false
}

// whatDoes finds a head clause that asks what a thing does: "What does
// deta new do", "What does the new operator do".
var whatDoes = regexp.MustCompile(`(?i)^what\s+(?:does|do|did)\s+(.+?)\s+do$`)

// namesWhatItDoes marks the light words of the thing a "What does X do?"
// clause names as asked about: in "What does deta new do?" the command is
// "deta new", not Deta.
func namesWhatItDoes(clause string, ts []token) {
	m := whatDoes.FindStringSubmatch(strings.TrimSpace(clause))
	if m == nil {
		return
	}
	named := map[string]bool{}
	for _, w := range strings.Fields(strings.ToLower(m[1])) {
		named[strings.Trim(w, "`'\"")] = true
	}
	for k := range ts {
		if ts[k].kind == kindWord && lightWords[ts[k].text] && named[strings.ToLower(ts[k].raw)] {
			ts[k].subject = true
		}
	}
}

// otherTech reports whether t names a technology the head does not, and
// that the head's technologies do not live in: "What is Docker Swarm, and
// how does it differ from Kubernetes?" asks about Kubernetes too, where
// "What is JSX, and how does it differ from regular JavaScript?" asks
// about JSX alone. (A technology a tail only uses, "What is Jest, and how
// is it used for testing React applications?", is where it is used; only
// a comparison makes it a second subject.)
func otherTech(t token, head map[uint64]bool, headTechs []string) bool {
	x := techOf[t.text]
	if x == "" || head[t.h] || len(headTechs) == 0 {
		return false
	}
	for _, h := range headTechs {
		if isWithin(h, x) {
			return false
		}
	}
	return true
}
