package dedup

import (
	"hash/maphash"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"unicode"
	"unicode/utf8"
	"unsafe"
)

// kind says what a token is; it decides which mismatches flip a meaning.
type kind uint8

const (
	kindWord    kind = iota
	kindNumber       // "3", "2.0"
	kindVersion      // "v1", "l2", "es6", "python3": letters then a number
	kindOp           // "==", "===", "=>", "&&"
	kindCode         // a word inside backticks: `is`, `this`
)

// token is one normalised unit of text: stemmed and mapped to a synonym
// class for words, verbatim for numbers, versions and operators.
type token struct {
	text string
	// raw is the word as the text wrote it ("Benefits", "UNIQUE"), to
	// explain a match in words a person reads.
	raw  string
	h    uint64 // hashToken(text)
	kind kind
	weak bool // an example or an aside: counts like a light word
	// subject: a light word named beside a word of substance, as one
	// more thing asked about ("playbooks and roles"), not as how the
	// question asks.
	subject bool
	// tail: a word of a question's tail clause ("…, and how does it
	// differ from REST APIs?"), not of its head.
	tail bool
	// later: a word of a tail clause after the title's first sentence
	// ("What is database normalization? What are the normal forms?").
	later bool
	// placed: a word of a phrase after "of" or "in" in a title ("the
	// ACID properties of transactions", "…in a database"): it may only
	// place what is asked about.
	placed bool
}

// tokenize splits text into content tokens: lower-cased, stop words
// dropped (except inside backticks, where `is` or `in` is an operator),
// British -ise spellings folded, stemmed, and mapped through the synonym
// table. Letter-digit words give two tokens, the letters and the whole
// ("python3" → "python", "python3"), so that "Python 3" and "Python3"
// share the word while the version still counts.
func tokenize(s string) []token {
	// Room for a title's tokens from the start, not grown by append
	// through four smaller copies.
	return appendTokens(make([]token, 0, 16), s, 0)
}

// appendTokens appends at most limit tokens of s to dst (no limit when
// limit <= 0); answers are long and only their start is compared.
//
// Words that elaborate rather than ask — examples after "like", "such
// as", "e.g.", "for example", "including" — are marked weak: "…Python web frameworks like Flask or Django?" asks
// what "…Python web frameworks?" asks.
func appendTokens(dst []token, s string, limit int) []token {
	return scanTokens(dst, s, limit, false)
}

// scanTokens is appendTokens; in a question's title (title set) it also
// marks asides as weak: words in parentheses ("with multiple routers
// (APIRouter)"), a purpose after "for" and a verb in -ing ("benefits of
// FastAPI for building web APIs"), and a comparison with "other" things
// ("benefits of FastAPI over other frameworks").
func scanTokens(dst []token, s string, limit int, title bool) []token {
	wc := wordCaches.Get().(*wordCache)
	defer wordCaches.Put(wc)
	nw := 0
	inCode := false
	n := 0
	elab := false
	paren := 0
	prev := ""
	// prevToks are the tokens of the previous word, dst[prevToks:before].
	prevToks := 0
	// prevWord is the previous word as written, "" after anything but a
	// space.
	prevWord := ""
	// lastSubstance: the last word was one of substance; coordinated:
	// and an "and" or "or" followed it.
	lastSubstance, coordinated := false, false
	// placing: the words since "of" or "in" are a phrase that places what
	// came before (title only).
	placing := false
	full := func() bool { return limit > 0 && n >= limit }
	// named: capitals mark names, in a title not capitalised throughout.
	named := title && !titleCased(s)
	for i := 0; i < len(s) && !full(); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == '`':
			inCode = !inCode
			i += size
		case isWordRune(r):
			j := wordEnd(s, i)
			before := len(dst)
			// Hyphenated compounds: the parts count as words ("high-
			// performance" meets "high performance"), and a compound
			// with a stop word or a letter for a part ("one-to-many",
			// "k-means") is also kept whole, as code, since its parts
			// alone say nothing.
			part, whole := i, false
			var joined string
			if j+1 < len(s) && s[j] == '-' {
				// "non-clustered" is one word, no kind of "clustered";
				// "trade-off" is the word "tradeoff".
				if r2, _ := utf8.DecodeRuneInString(s[j+1:]); isWordRune(r2) {
					k := wordEnd(s, j+1)
					if w := strings.ToLower(s[i:j] + s[j+1:k]); boundPrefixes[strings.ToLower(s[i:j])] ||
						(k == len(s) || s[k] != '-') && stemSynonyms[stem(w)] != "" {
						joined = s[i:j] + s[j+1:k]
						part, j = j+1, k
					}
				}
			}
			for joined == "" && j+1 < len(s) && s[j] == '-' {
				if r2, _ := utf8.DecodeRuneInString(s[j+1:]); !isWordRune(r2) {
					break
				}
				dst = appendWord(dst, s[part:j], inCode, wc)
				whole = whole || partSaysNothing(s[part:j])
				part, j = j+1, wordEnd(s, j+1)
			}
			if joined != "" {
				dst = appendWord(dst, joined, inCode, wc)
				for k := before; k < len(dst); k++ {
					dst[k].raw = s[i:j]
				}
			} else {
				// "--onto" is an option of a command, not the stop
				// word "onto" ("git rebase --onto").
				option := i >= 2 && s[i-2:i] == "--" && (i == 2 || s[i-3] == ' ') && stopWords[strings.ToLower(s[part:j])]
				dst = appendWord(dst, s[part:j], inCode || option, wc)
			}
			if joined == "" && part > i && (whole || partSaysNothing(s[part:j])) {
				dst = append(dst, token{text: strings.ToLower(s[i:j]), raw: s[i:j], kind: kindCode})
			}
			if len(dst) == before && j-i >= 2 && upperWord(s[i:j]) && hasLower(s) {
				// A stop word in capitals amid lower-case text is a
				// keyword: Dockerfile's FROM, SQL's IN, IS NULL.
				dst = append(dst, token{text: strings.ToLower(s[i:j]), raw: s[i:j], kind: kindCode})
			}
			for k := before; k < len(dst); k++ {
				if dst[k].h == 0 { // not hashed by normWord
					dst[k].h = hashToken(dst[k].text)
				}
				dst[k].weak = elab
			}
			n += len(dst) - before
			// w is lowered into one of two buffers of wc, taken in turn, so
			// that prev, the word before, stays as it was; a token keeps a
			// copy.
			w := wc.lowerAt(nw&1, s[i:j])
			nw++
			switch {
			case !title:
			case w == "of" || w == "in":
				// After a light word ("the purpose of X", "the
				// features of X") the phrase names the subject itself.
				placing = lastSubstance
			case len(dst) == before && !determiners[w]:
				placing = false
			case placing:
				for k := before; k < len(dst); k++ {
					dst[k].placed = true
				}
			}
			if title && len(dst) == before && stopWords[w] && !inCode && besideSymbol(s, i, j, dst, prev) {
				// "between is and ==": a stop word set beside an
				// operator names an operator too.
				dst = append(dst, token{text: strings.ToLower(s[i:j]), raw: s[i:j], h: hashToken(w), kind: kindCode, weak: elab})
				n++
			}
			if title && coordinated && len(dst) == before+1 && dst[before].kind == kindWord && lightWords[dst[before].text] && !frameWords[dst[before].text] {
				dst[before].subject = true
			}
			if title && len(dst) == before+1 && dst[before].kind == kindWord && lightWords[dst[before].text] && !frameWords[dst[before].text] &&
				(namesPattern(s[j:]) || named && i > 0 && unicode.IsUpper(r) && !upperWord(s[i:j])) {
				// "the Strategy pattern", "Explain Strategy": a light
				// word used as the name of a thing is what is asked about.
				dst[before].subject = true
			}
			if title && (w == "role" || w == "roles") && len(dst) == before+1 && prev != "its" && prev != "their" && prev != "what" &&
				!strings.HasPrefix(strings.ToLower(strings.TrimLeft(s[j:], " ")), "of ") && !strings.Contains(strings.ToLower(s[j:]), " play") {
				// "the role in Ansible" names Ansible's roles, as
				// aspects reads it; "the role of X", "its role", "the
				// role X plays" ask what X is for.
				dst[before].subject = true
			}
			if title && w == "list" && len(dst) == before+1 && listedAfter(s[j:]) {
				// "list its types", "list the main features": the
				// verb asks for kinds or items, as "What are the
				// types of X?" does; "a linked list" names a subject.
				dst[before].weak = true
			}
			if title && nounAfterNoun[w] && len(dst) == before+1 && prevWord != "" && !stopWords[prev] && !politeVerbs[prev] {
				// "feature importance", "statistical significance" name
				// a subject; "its importance", "the significance of X"
				// ask why X matters.
				dst[before].subject = true
			}
			// lastSubstance and coordinated are read in a title only:
			// an answer's words skip the two lookups.
			switch {
			case !title:
			case w == "and" || w == "or":
				coordinated = lastSubstance
			case w == "its" || w == "their":
				// "X and their purpose", "X and its advantages": a
				// light word after a possessive is what the question
				// asks of X, not a second subject beside it.
				coordinated = false
			case len(dst) > before:
				coordinated = false
				t := dst[before]
				lastSubstance = t.kind == kindWord && !lightWords[t.text] && !genericWords[t.text]
			}
			switch {
			case w == "like" && startsName(s[j:]),
				w == "including" || w == "e.g" || w == "eg",
				w == "as" && prev == "such",
				(w == "example" || w == "instance") && prev == "for":
				elab = true
			case title && prev == "for" && strings.HasSuffix(w, "ing") && !elab && lightWords[canonical(w)]:
				// "for building": the word itself is part of the aside.
				for k := before; k < len(dst); k++ {
					dst[k].weak = true
				}
				elab = true
			case title && (w == "over" || w == "than") && strings.HasPrefix(strings.ToLower(strings.TrimLeft(s[j:], " ")), "other"):
				elab = true
			}
			if intensifier(prev) && len(dst) > before && dst[before].kind == kindWord && lightWords[dst[before].text] {
				// "key advantages": "key" only stresses a light word; in
				// "primary key" it is the subject.
				for k := prevToks; k < before; k++ {
					dst[k].weak = true
				}
			}
			switch {
			case strings.HasPrefix(s[j:], "()"):
				// "finalize()" names a function: an identifier, not
				// the word "final".
				n -= len(dst) - before - 1
				dst = append(dst[:before], token{text: strings.ToLower(s[i:j]), raw: s[i:j] + "()", h: hashToken(w), kind: kindCode, weak: elab})
			case keywordNoun(w) && prevWord != "" && j > i:
				// "the throws keyword", "the this keyword": the word
				// before names a keyword as written, not a stem ("throw"
				// is another keyword) nor a stop word.
				pw := strings.ToLower(prevWord)
				code := token{text: pw, raw: prevWord, h: hashToken(pw), kind: kindCode, weak: elab}
				n -= before - prevToks - 1
				tail := slices.Clone(dst[before:])
				dst = append(append(dst[:prevToks], code), tail...)
				before = prevToks + 1
			}
			if title && (keywordNoun(w) || w == "operators" || w == "quantifier" || w == "quantifiers") && before > 0 && before < len(dst) &&
				(dst[before-1].kind == kindOp || dst[before-1].kind == kindCode) {
				// "the == and is operator", "the * quantifier": the noun
				// only says what the symbol named before it is.
				for k := before; k < len(dst); k++ {
					dst[k].weak = true
				}
			}
			prev, prevToks, prevWord = w, before, s[i:j]
			i = j
		case title && loneSymbol(s, i) > i:
			// "the * quantifier", "the ?? operator", "between is and
			// ==": a symbol standing alone is what the question asks
			// about, so another symbol makes another question.
			j := loneSymbol(s, i)
			dst = append(dst, token{text: s[i:j], raw: s[i:j], h: hashToken(s[i:j]), kind: kindOp, weak: elab})
			n++
			prevWord, prev = "", s[i:j]
			i = j
		case strings.ContainsRune(opRunes, r) && !(r == '?' || r == ':') || (r == '?' || r == ':') && inCode:
			prevWord = ""
			j := i
			for j < len(s) && strings.IndexByte(opRunes, s[j]) >= 0 {
				j++
			}
			if op := s[i:j]; keepOp(op, inCode) {
				dst = append(dst, token{text: op, raw: op, h: hashToken(op), kind: kindOp})
				n++
			}
			i = j
		case title && r == '(' && !inCode:
			elab = true
			paren++
			i += size
		default:
			if r != ' ' {
				prevWord = ""
				placing = false
			}
			switch {
			case r == ')' && paren > 0:
				paren--
				elab = paren > 0
			case paren > 0:
				// An aside in parentheses lasts to its end.
			case strings.ContainsRune("?.;:!)\n", r):
				elab = false
			case r == ',':
				// "like Flask, Django, or Falcon" goes on; "such as
				// Redis, fit?" has left the list.
				rest := strings.TrimLeft(s[i+size:], " ")
				if !startsName(rest) && !strings.HasPrefix(rest, "or ") && !strings.HasPrefix(rest, "and ") {
					elab = false
				}
			}
			i += size
		}
	}
	return dst
}

// keywordNoun reports whether w follows the name of a language's
// keyword or operator: "the throws keyword", "the static modifier". (A
// switch, not a set: it is asked of every word of every answer.)
func keywordNoun(w string) bool {
	switch w {
	case "keyword", "keywords", "modifier", "modifiers", "operator":
		return true
	}
	return false
}

// boundPrefixes are prefixes written with a hyphen that make a word of
// their own with the next: "non-clustered", "anti-pattern", "multi-threading",
// "pre-trained".
var boundPrefixes = setOf(`non anti un multi pre post sub semi inter intra`)

// intensifier reports whether w stresses the word after it: "key
// features", "core concepts". Before a light word it is light too. (A
// switch, as keywordNoun.)
func intensifier(w string) bool {
	switch w {
	case "key", "core", "major", "fundamental", "notable":
		return true
	}
	return false
}

// listedAfter reports whether the text after the word "list" starts with
// what a verb lists: a determiner or a possessive ("list its types").
func listedAfter(rest string) bool {
	f := strings.Fields(strings.ToLower(rest))
	return len(f) > 0 && listObjects[strings.Trim(f[0], ",.?")]
}

var listObjects = setOf(`its their the all some a few any them his her your our several main common different various`)

// nounAfterNoun are light words that name a subject of their own when a
// word other than a determiner comes right before them.
var nounAfterNoun = setOf(`importance significance`)

// partSaysNothing reports whether a part of a hyphenated compound is a
// stop word or a single letter.
func partSaysNothing(p string) bool {
	p = strings.ToLower(p)
	return stopWords[p] || utf8.RuneCountInString(p) == 1
}

// startsName reports whether s starts, after spaces, with a capital or a
// backtick: "frameworks like Flask" gives examples, "I would like to"
// does not.
func startsName(s string) bool {
	s = strings.TrimLeft(s, " ")
	r, _ := utf8.DecodeRuneInString(s)
	return r == '`' || unicode.IsUpper(r)
}

const opRunes = "=<>!&|+-*/%^~?:"

// besideSymbol reports whether the word s[i:j] is coordinated with a
// symbol standing alone: "is and ==" (after it), "== or is" (before it).
func besideSymbol(s string, i, j int, dst []token, prev string) bool {
	rest := strings.ToLower(strings.TrimLeft(s[j:], " "))
	for _, c := range []string{"and ", "or ", "vs ", "vs. ", "versus "} {
		if after, ok := strings.CutPrefix(rest, c); ok {
			k := len(s) - len(after)
			k += len(after) - len(strings.TrimLeft(after, " "))
			if k < len(s) && loneSymbol(s, k) > k {
				return true
			}
		}
	}
	switch prev {
	case "and", "or":
		return len(dst) > 0 && dst[len(dst)-1].kind == kindOp
	case "vs", "versus":
		return len(dst) > 1 && dst[len(dst)-2].kind == kindOp
	}
	return false
}

// namesPattern reports whether the text after a word makes it a
// pattern's name: "… pattern", "… design pattern".
func namesPattern(rest string) bool {
	f := strings.Fields(strings.ToLower(rest))
	if len(f) > 0 && f[0] == "design" {
		f = f[1:]
	}
	return len(f) > 0 && strings.HasPrefix(strings.Trim(f[0], ",.?!;:)"), "pattern")
}

// loneSymbol returns the end of a symbol that stands alone at s[i] (a
// run of operator runes or dots, or a brace quantifier like "{n}",
// between spaces, quotes, backticks or parentheses), or i when there is
// none. A dash, a lone "?", ":", "/" or "&" unless quoted, and dots
// other than "..." are punctuation.
func loneSymbol(s string, i int) int {
	if i > 0 && !strings.ContainsRune(" (\"'`“‘", rune(s[i-1])) && !strings.HasSuffix(s[:i], "“") && !strings.HasSuffix(s[:i], "‘") {
		return i
	}
	j := i
	if s[i] == '{' {
		k := strings.IndexByte(s[i:], '}')
		if k < 2 || k > 8 || strings.ContainsAny(s[i:i+k], " {") {
			return i
		}
		j = i + k + 1
	} else {
		for j < len(s) && strings.IndexByte(opRunes+".", s[j]) >= 0 {
			j++
		}
	}
	if j == i || j < len(s) && !strings.ContainsRune(" )\"'`,”’", rune(s[j])) && !strings.HasPrefix(s[j:], "”") && !strings.HasPrefix(s[j:], "’") {
		return i
	}
	switch op := s[i:j]; {
	case strings.Trim(op, "-") == "", strings.Trim(op, ".") == "" && op != "...":
		return i
	case op == "?" || op == ":" || op == "/" || op == "&":
		// Quoted, "`?`" is a symbol; bare, punctuation.
		quoted := i > 0 && (strings.ContainsRune("\"'`", rune(s[i-1])) || strings.HasSuffix(s[:i], "“") || strings.HasSuffix(s[:i], "‘")) &&
			j < len(s) && (strings.ContainsRune("\"'`", rune(s[j])) || strings.HasPrefix(s[j:], "”") || strings.HasPrefix(s[j:], "’"))
		if !quoted {
			return i
		}
	}
	return j
}

// keepOp keeps operators that carry meaning. Outside backticks a lone
// "-" or "?" is punctuation, and "**" or "--" is Markdown.
func keepOp(op string, inCode bool) bool {
	if strings.Trim(op, "*") == "" || strings.Trim(op, "-") == "" || strings.Trim(op, "?") == "" {
		return false
	}
	if inCode {
		return true
	}
	return len(op) >= 2 && strings.ContainsAny(op, "=<>&|!")
}

func isWordRune(r rune) bool {
	if r < utf8.RuneSelf {
		return asciiWord[r]
	}
	return unicode.IsLetter(r) || unicode.IsDigit(r)
}

// asciiWord is isWordRune of the ASCII runes: letters, digits and '_'.
var asciiWord = func() (t [utf8.RuneSelf]bool) {
	for r := range rune(utf8.RuneSelf) {
		t[r] = r == '_' || unicode.IsLetter(r) || unicode.IsDigit(r)
	}
	return t
}()

// wordEnd returns the end of the word starting at i. A '.' between
// letters or digits stays inside ("node.js", "2.0"); "c++" and "c#" keep
// their suffix.
func wordEnd(s string, i int) int {
	j := i
	for j < len(s) {
		if c := s[j]; c < utf8.RuneSelf && asciiWord[c] {
			j++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[j:])
		if isWordRune(r) {
			j += size
			continue
		}
		if r == '.' && j+1 < len(s) {
			if r2, _ := utf8.DecodeRuneInString(s[j+1:]); isWordRune(r2) {
				j += size
				continue
			}
		}
		break
	}
	if j-i == 1 {
		if strings.HasPrefix(s[j:], "++") {
			return j + 2
		}
		if strings.HasPrefix(s[j:], "#") {
			return j + 1
		}
	}
	return j
}

// appendWord normalises one raw word and appends its tokens.
func appendWord(dst []token, w string, inCode bool, wc *wordCache) []token {
	n := len(dst)
	raw := trimDotsUnderscores(w)
	dst = normalizeWord(dst, raw, inCode, wc)
	for k := n; k < len(dst); k++ {
		dst[k].raw = raw
	}
	return dst
}

// trimDotsUnderscores is strings.Trim(w, "._") without building its
// cutset on every word.
func trimDotsUnderscores(w string) string {
	i, j := 0, len(w)
	for i < j && (w[i] == '.' || w[i] == '_') {
		i++
	}
	for j > i && (w[j-1] == '.' || w[j-1] == '_') {
		j--
	}
	return w[i:j]
}

// normalizeWord appends the tokens of orig, a word with no leading or
// trailing '.' or '_'.
func normalizeWord(dst []token, orig string, inCode bool, wc *wordCache) []token {
	if w, ok := wc.lower(orig); ok && len(w) >= 2 && !hasDigit(w) && strings.IndexByte(w, '.') < 0 {
		// Most words: ASCII letters, as many results as words a
		// collection uses, which the goroutine's cache keeps (wordCache).
		e := wc.word(w)
		switch {
		case e.stop:
			if inCode {
				return append(dst, token{text: strings.ToLower(orig), kind: kindCode})
			}
			return dst
		case lowerCamel(orig):
			// As below: an identifier, compared as written.
			text := e.syn
			if text == "" {
				text = strings.ToLower(orig)
			}
			return append(dst, token{text: text, kind: kindCode})
		}
		k := kindWord
		if inCode {
			k = kindCode
		}
		return append(dst, token{text: e.form, h: e.h, kind: k})
	}
	w := strings.ToLower(orig)
	if w == "" {
		return dst
	}
	// Possessives and contractions lose their apostrophe at the word
	// boundary already; what is left ("s", "t") is a stop word. Inside
	// backticks a stop word is code: `is`, `in`, `this`.
	if len(w) == 1 && !inCode && !stopWords[w] && w[0] >= 'a' && w[0] <= 'z' && w != "e" {
		// A letter on its own names a variable: "precision at k",
		// "X method over Y method".
		return append(dst, token{text: w, kind: kindCode})
	}
	if stopWords[w] || utf8.RuneCountInString(w) < 2 && !hasDigit(w) {
		if inCode {
			return append(dst, token{text: w, kind: kindCode})
		}
		return dst
	}
	if c, ok := rawSynonyms[w]; ok {
		w = c
	}
	if strings.IndexByte(w, '.') > 0 && !isNumber(w) {
		// A dotted name ("node.js", "java.util.SortedSet", "hbm.xml")
		// is an identifier: a different one is a different question.
		return append(dst, token{text: w, kind: kindCode})
	}
	if !hasDigit(w) && lowerCamel(orig) {
		// "useState", "getElementById": an identifier, compared as
		// written ("useState()" is the same one).
		return append(dst, token{text: w, kind: kindCode})
	}
	if !hasDigit(w) {
		// A backticked identifier is normalised like prose so that
		// "`useEffect`" in one bank meets "useEffect" in another; its kind
		// still marks it as code, whose mismatch is meaningful.
		k := kindWord
		if inCode {
			k = kindCode
		}
		c, h := normWordHash(w)
		return append(dst, token{text: c, h: h, kind: k})
	}
	if isNumber(w) {
		return append(dst, token{text: strings.TrimSuffix(w, ".0"), kind: kindNumber})
	}
	// letters then digits: "v1", "python3", "es2015"
	k := len(w)
	for k > 0 && w[k-1] >= '0' && w[k-1] <= '9' {
		k--
	}
	if w[:k] == "v" {
		// "v2" is "version 2": it meets "Pydantic 2" and conflicts with "v1".
		return append(dst, token{text: w[k:], kind: kindNumber})
	}
	if k > 0 && k < len(w) && !hasDigit(w[:k]) {
		if k >= 3 && !stopWords[w[:k]] {
			c, h := normWordHash(w[:k])
			dst = append(dst, token{text: c, h: h, kind: kindWord})
		}
		return append(dst, token{text: w, kind: kindVersion})
	}
	return append(dst, token{text: w, kind: kindWord})
}

// normWord folds spelling, stems and maps to the synonym class.
func normWord(w string) string {
	c, _ := normWordHash(w)
	return c
}

// normWordHash is normWord that also returns the form's hashToken, which
// the cache keeps.
func normWordHash(w string) (string, uint64) {
	if len(w) > maxCachedNorm {
		c := normWordUncached(w)
		return c, hashToken(c)
	}
	slot := &normCache[maphash.String(normSeed, w)%uint64(len(normCache))]
	if e := slot.Load(); e != nil && int(e.n) == len(w) && string(e.b[:e.n]) == w {
		return unsafe.String(&e.b[e.n], int(e.m)), e.h
	}
	c := normWordUncached(w)
	if len(c) > maxCachedNorm {
		return c, hashToken(c)
	}
	// The word and its form in the entry itself, so that a hit reads one
	// block after the slot (the entry is never written once stored, and
	// the form returned points into it).
	e := &normEntry{n: uint8(len(w)), m: uint8(len(c)), h: hashToken(c)}
	copy(e.b[:], w)
	copy(e.b[e.n:], c)
	slot.Store(e)
	return unsafe.String(&e.b[e.n], int(e.m)), e.h
}

// normCache is a direct-mapped cache of normWord: stemming is a tenth of
// the cost of clustering, and a collection uses a few thousand distinct
// words many times each. A slot holds one word, replaced on a collision,
// so memory is bounded and no lock is needed. (A sync.Map, with its
// interface keys and hash trie, was 14% of clustering 100k synthetic
// records in a CPU profile.)
var (
	normCache [1 << 16]atomic.Pointer[normEntry]
	normSeed  = maphash.MakeSeed()
)

// maxCachedNorm is the longest word, and form, the cache holds.
const maxCachedNorm = 27

// normEntry is a word and its form, one after the other in b, in one
// 64-byte block.
type normEntry struct {
	h    uint64 // hashToken of the form
	n, m uint8  // lengths of the word and of the form
	b    [2 * maxCachedNorm]byte
}

func normWordUncached(w string) string {
	w = britishToAmerican(w)
	st := stem(w)
	if canon, ok := stemSynonyms[st]; ok {
		return canon
	}
	return st
}

// britishToAmerican folds -ise spellings ("organise", "customisation")
// to -ize, because the Porter stemmer keeps them apart. Short stems are
// left alone: "rise", "wise", "noise" have no -ize twin.
func britishToAmerican(w string) string {
	for _, suf := range [...]string{"isations", "isation", "ising", "ised", "ises", "iser", "ise"} {
		if strings.HasSuffix(w, suf) && len(w)-len(suf) >= 4 {
			return w[:len(w)-len(suf)] + "iz" + suf[2:]
		}
	}
	return w
}

// upperWord reports whether w is written in capitals only.
func upperWord(w string) bool {
	for i := 0; i < len(w); i++ {
		if w[i] < 'A' || w[i] > 'Z' {
			return false
		}
	}
	return true
}

// hasLower reports whether s has an ASCII lower-case letter.
func hasLower(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 'a' && s[i] <= 'z' {
			return true
		}
	}
	return false
}

// lowerCamel reports whether w is written as an identifier in lower camel
// case: a lower-case start and a capital after it ("useState").
func lowerCamel(w string) bool {
	if w == "" || w[0] < 'a' || w[0] > 'z' {
		return false
	}
	for i := 1; i < len(w); i++ {
		if w[i] >= 'A' && w[i] <= 'Z' {
			return true
		}
	}
	return false
}

func hasDigit(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= '0' && s[i] <= '9' {
			return true
		}
	}
	return false
}

func isNumber(s string) bool {
	for i := 0; i < len(s); i++ {
		if (s[i] < '0' || s[i] > '9') && s[i] != '.' {
			return false
		}
	}
	return true
}

// wordCache is a direct-mapped cache of what normalizeWord makes of a
// word of two or more ASCII letters (in lower case: whether it is a stop
// word, its raw synonym, its form and the form's hashToken), owned by
// one goroutine at a time (wordCaches, taken by scanTokens for a text).
// A slot holds its word inline, so that a hit reads one block where the
// shared normCache reads a slot and the entry it points to, and the two
// map lookups of a word (stopWords, rawSynonyms) are made once per word
// cached, not per word read. It also holds the buffer a word is lowered
// into (lower), so that a capitalised word is not copied to be looked
// up.
type wordCache struct {
	slots [1 << 16]wordSlot
	buf   [maxSlotWord]byte
	low   [2][maxSlotWord]byte // scanTokens' words (lowerAt)
}

// wordSlot is one cached word: 64 bytes.
type wordSlot struct {
	h    uint64 // hashToken of form
	form string // normWord of the word after rawSynonyms
	syn  string // rawSynonyms of the word, or ""
	n    uint8  // the word's length; 0: empty
	stop bool   // a stop word
	key  [maxSlotWord]byte
}

// maxSlotWord is the longest word a wordCache holds.
const maxSlotWord = 22

var wordCaches = sync.Pool{New: func() any { return new(wordCache) }}

// lower returns orig in lower case and true when orig is ASCII and fits
// a slot, in wc's buffer when orig has capitals (valid until the next
// call); false otherwise.
func (wc *wordCache) lower(orig string) (string, bool) { return lowerASCII(wc.buf[:], orig) }

// lowerAt is strings.ToLower(s), in wc's buffer k (0 or 1) when s is
// ASCII with capitals and fits it (valid until the buffer is written
// again).
func (wc *wordCache) lowerAt(k int, s string) string {
	if w, ok := lowerASCII(wc.low[k][:], s); ok {
		return w
	}
	return strings.ToLower(s)
}

// lowerASCII returns s in lower case and true when s is ASCII and no
// longer than buf: s itself when it has no capital, else written into
// buf; false otherwise.
func lowerASCII(buf []byte, s string) (string, bool) {
	if len(s) > len(buf) {
		return "", false
	}
	upper := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= utf8.RuneSelf {
			return "", false
		}
		upper = upper || 'A' <= c && c <= 'Z'
	}
	if !upper {
		return s, true
	}
	b := buf[:len(s)]
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		b[i] = c
	}
	return unsafe.String(&b[0], len(b)), true
}

// word returns the slot of w, a lower-case ASCII word of two to
// maxSlotWord letters with no digit or dot, filled as normalizeWord
// reads it: stopWords, rawSynonyms, then normWord of the result.
func (wc *wordCache) word(w string) *wordSlot {
	sl := &wc.slots[maphash.String(normSeed, w)%uint64(len(wc.slots))]
	if int(sl.n) == len(w) && string(sl.key[:sl.n]) == w {
		return sl
	}
	*sl = wordSlot{n: uint8(len(w)), stop: stopWords[w]}
	copy(sl.key[:], w)
	if !sl.stop {
		c := string(sl.key[:sl.n]) // w may lie in wc.buf, and stemming keeps its word
		if syn, ok := rawSynonyms[c]; ok {
			sl.syn, c = syn, syn
		}
		sl.form, sl.h = normWordHash(c)
	}
	return sl
}
