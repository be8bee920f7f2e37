package dedup

import (
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/iq-search/iq/record"
)

// A lexicon maps terms that mean one thing to one form: an acronym to its
// expansion ("GIL" to "global interpreter lock"), one name of a thing to
// another ("db" to "database"). Acronyms are spelled out rather than the
// other way round so that a question naming part of the expansion
// ("`Depends`" beside "dependency injection", "DI") still shares that part.
// Its terms come from a synonym list the caller gives (Options.Synonyms: iq
// passes the list its search uses) and from the collection itself, where
// banks spell acronyms out: "Global Interpreter Lock (GIL)", "CORS
// (Cross-Origin Resource Sharing)", "SGD — stochastic gradient descent"
// (MineAcronyms).
type lexicon struct {
	// single maps a one-token term to its group's form.
	single map[string][]string
	// phrases maps the first token of a several-token term to the terms
	// starting with it.
	phrases map[string][]phrase
	// keys has bit hashToken(k) % len(keys)*64 set for every key of
	// single and phrases: a token whose bit is clear is neither, found so
	// without two lookups in maps of strings for each token of a
	// collection (most of which are neither).
	keys []uint64
}

// lexiconKeyBits is the size of lexicon.keys in bits: a few thousand keys
// leave most bits clear, in 8 kB.
const lexiconKeyBits = 1 << 16

// mayHave reports whether a token of hashToken h may be a key of single
// or phrases (a token's h is hashToken of its text, not computed again).
func (lx *lexicon) mayHave(h uint64) bool {
	b := h % lexiconKeyBits
	return lx.keys[b/64]&(1<<(b%64)) != 0
}

type phrase struct {
	rest []string // the term's tokens after the first
	to   []string // the group's form
}

// newLexicon builds a lexicon from synonym groups, each a list of terms of
// one or more words. A group's form is its first term of several words,
// else its longest ("python" for "py, python").
func newLexicon(groups [][]string) *lexicon {
	lx := &lexicon{single: map[string][]string{}, phrases: map[string][]phrase{}}
	for _, g := range groups {
		var terms [][]string
		for _, term := range g {
			var ts []string
			for _, t := range tokenize(term) {
				ts = append(ts, t.text)
			}
			if len(ts) > 0 {
				terms = append(terms, ts)
			}
		}
		if len(terms) < 2 {
			continue
		}
		to := terms[0]
		for _, ts := range terms {
			if len(ts) > 1 {
				to = ts
				break
			}
			if len(ts[0]) > len(to[0]) {
				to = ts
			}
		}
		for _, ts := range terms {
			switch {
			case slices.Equal(ts, to):
			case len(ts) == 1:
				if _, taken := lx.single[ts[0]]; !taken {
					lx.single[ts[0]] = to
				}
			default:
				lx.phrases[ts[0]] = append(lx.phrases[ts[0]], phrase{rest: ts[1:], to: to})
			}
		}
	}
	lx.keys = make([]uint64, lexiconKeyBits/64)
	set := func(k string) {
		b := hashToken(k) % lexiconKeyBits
		lx.keys[b/64] |= 1 << (b % 64)
	}
	for k := range lx.phrases {
		// Longest terms first, so "continuous delivery pipeline" is not
		// cut short by "continuous delivery".
		slices.SortStableFunc(lx.phrases[k], func(a, b phrase) int { return len(b.rest) - len(a.rest) })
		set(k)
	}
	for k := range lx.single {
		set(k)
	}
	return lx
}

// apply returns ts with the lexicon's terms in their group's form.
func (lx *lexicon) apply(ts []token) []token {
	out, _ := lx.applyTo(nil, ts)
	return out
}

// applyTo is apply making a text with synonyms in buf's memory, when it
// is a copy (copied): parse keeps only the start of an answer's tokens,
// so their copy is working memory.
func (lx *lexicon) applyTo(buf, ts []token) (rv []token, copied bool) {
	if lx == nil || len(lx.single)+len(lx.phrases) == 0 {
		return ts, false
	}
	// out stays nil until a token is replaced: most texts have no
	// synonym, and are returned as they came, not copied.
	var out []token
	from := func(i int) {
		if out == nil {
			out = append(slices.Grow(buf[:0], len(ts)), ts[:i]...)
		}
	}
	emit := func(form []string, like token) {
		// The words of a several-word form name one thing, light ones
		// too: "CRA" is "create react app", no question about
		// creating an application.
		named := like.subject || len(form) > 1
		for _, w := range form {
			out = append(out, token{text: w, raw: like.raw, h: hashToken(w), kind: kindWord, weak: like.weak, subject: named, tail: like.tail, later: like.later, placed: like.placed})
		}
	}
	for i := 0; i < len(ts); i++ {
		t := ts[i]
		if !lx.mayHave(t.h) {
			if out != nil {
				out = append(out, t)
			}
			continue
		}
		if ps, ok := lx.phrases[t.text]; ok {
			if p, n := matchPhrase(ps, ts[i+1:]); n > 0 {
				from(i)
				for _, u := range ts[i+1 : i+1+n] {
					t.weak = t.weak && u.weak
					t.subject = t.subject || u.subject
					t.placed = t.placed && u.placed
					t.raw += " " + u.raw
				}
				emit(p.to, t)
				i += n
				continue
			}
		}
		if form, ok := lx.single[t.text]; ok && t.kind == kindWord {
			from(i)
			emit(form, t)
			continue
		}
		if out != nil {
			out = append(out, t)
		}
	}
	if out == nil && len(ts) > 0 {
		return ts, false
	}
	return out, out != nil
}

// matchPhrase returns the first of ps whose rest starts ts, and its length.
func matchPhrase(ps []phrase, ts []token) (phrase, int) {
	for _, p := range ps {
		if len(p.rest) > len(ts) {
			continue
		}
		ok := true
		for k, r := range p.rest {
			if ts[k].text != r {
				ok = false
				break
			}
		}
		if ok {
			return p, len(p.rest)
		}
	}
	return phrase{}, 0
}

// acronymScan is how much of each answer MineAcronyms reads.
const acronymScan = 600

// MineAcronyms finds the acronyms a collection spells out, in its questions
// and the start of its answers, as synonym groups of two terms, acronym
// first: "Global Interpreter Lock (GIL)", "GIL (Global Interpreter Lock)"
// and "GIL — Global Interpreter Lock" all give {"GIL", "Global Interpreter
// Lock"}. A pair counts only when the initials of the expansion's words
// spell the acronym, so "Python (the language)" gives nothing. Groups are
// sorted and without repeats; the search index can use them too.
func MineAcronyms(recs []record.Record) [][]string {
	var m acronymMiner
	for i := range recs {
		m.add(&recs[i])
	}
	return m.groups()
}

// acronymMiner is MineAcronyms one record at a time.
type acronymMiner struct {
	seen map[string]bool
	out  [][]string
}

// add mines a record's question and the start of its answers.
func (m *acronymMiner) add(r *record.Record) {
	if m.seen == nil {
		m.seen = map[string]bool{}
	}
	add := func(acr, exp string) {
		key := strings.ToLower(acr) + "\x00" + strings.ToLower(exp)
		if !m.seen[key] {
			m.seen[key] = true
			m.out = append(m.out, []string{acr, exp})
		}
	}
	mineText(r.Question, add)
	for _, a := range r.Answers {
		mineText(a.Text[:cutRune(a.Text, acronymScan)], add)
	}
}

// groups returns the acronyms mined so far, as MineAcronyms does.
func (m *acronymMiner) groups() [][]string {
	out := slices.Clone(m.out)
	slices.SortFunc(out, func(a, b []string) int {
		if c := strings.Compare(strings.ToLower(a[0]), strings.ToLower(b[0])); c != 0 {
			return c
		}
		return strings.Compare(strings.ToLower(a[1]), strings.ToLower(b[1]))
	})
	// One expansion per acronym, the first in order, so that an acronym
	// with two meanings in a collection does not join them.
	return slices.CompactFunc(out, func(a, b []string) bool { return strings.EqualFold(a[0], b[0]) })
}

// cutRune returns the largest index <= n at a rune boundary of s.
func cutRune(s string, n int) int {
	if n >= len(s) {
		return len(s)
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return n
}

// mineText finds "Words (ACR)", "ACR (Words)" and "ACR — Words" in s.
func mineText(s string, add func(acr, exp string)) {
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '(':
			end := strings.IndexByte(s[i+1:], ')')
			if end < 0 || end > 80 {
				continue
			}
			inner := strings.TrimSpace(s[i+1 : i+1+end])
			before := s[:i]
			if acr := acronym(inner); acr != "" {
				// "Global Interpreter Lock (GIL)"
				if exp := expansionBefore(before, acr); exp != "" {
					add(acr, exp)
				}
			} else if acr := acronym(lastWord(before)); acr != "" {
				// "GIL (Global Interpreter Lock)"
				if exp := expansionAfter(inner, acr); exp != "" {
					add(acr, exp)
				}
			}
		case '\xe2': // "—" and "–" start with 0xe2
			if !strings.HasPrefix(s[i:], "—") && !strings.HasPrefix(s[i:], "–") {
				continue
			}
			if acr := acronym(lastWord(s[:i])); acr != "" {
				rest := s[i+len("—"):]
				if j := strings.IndexAny(rest, "?.,;:()\n"); j >= 0 {
					rest = rest[:j]
				}
				if exp := expansionAfter(rest, acr); exp != "" {
					add(acr, exp)
				}
			}
		}
	}
}

// acronym returns w when it reads as an acronym: two to six letters, all
// capitals but a plural "s" ("JWTs"), or "" otherwise.
func acronym(w string) string {
	w = strings.TrimSuffix(w, "s")
	if n := len(w); n < 2 || n > 6 {
		return ""
	}
	for _, r := range w {
		if r < 'A' || r > 'Z' {
			return ""
		}
	}
	return w
}

func lastWord(s string) string {
	f := strings.Fields(s)
	if len(f) == 0 {
		return ""
	}
	return strings.Trim(f[len(f)-1], "`*_\"'")
}

// initialsWords splits text into words for initials: hyphens part words
// ("Cross-Origin"), small words ("of", "and") are kept apart so that they
// can be skipped.
func initialsWords(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
}

// spells reports whether the initials of words spell acr, small words
// allowed in between ("Structured Query Language", "Bag of Words").
func spells(words []string, acr string) bool {
	k := 0
	for _, w := range words {
		r, _ := utf8.DecodeRuneInString(w)
		if k < len(acr) && unicode.ToUpper(r) == rune(acr[k]) {
			k++
			continue
		}
		if !stopWords[strings.ToLower(w)] {
			return false
		}
	}
	return k == len(acr)
}

// expansionBefore returns the words before "(ACR)" whose initials spell
// it, or "".
func expansionBefore(before, acr string) string {
	words := initialsWords(before)
	for n := len(acr); n <= len(acr)+2 && n <= len(words); n++ {
		cand := words[len(words)-n:]
		if spells(cand, acr) && !stopWords[strings.ToLower(cand[0])] {
			return strings.Join(cand, " ")
		}
	}
	return ""
}

// expansionAfter returns the words of text, from its start, whose initials
// spell acr, or "".
func expansionAfter(text, acr string) string {
	words := initialsWords(text)
	for n := len(acr); n <= len(acr)+2 && n <= len(words); n++ {
		cand := words[:n]
		if spells(cand, acr) && !stopWords[strings.ToLower(cand[n-1])] {
			return strings.Join(cand, " ")
		}
	}
	return ""
}
