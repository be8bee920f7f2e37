package query

import (
	"context"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/iq-search/iq/index"
	"github.com/iq-search/iq/record"
)

// Spelling correction works on words as typed, not on index terms: the
// index holds stems ("depend" for dependency), and a typo often lands in
// the part the stemmer would have cut ("dependncy" stems to "dependnci",
// three edits from "depend"). So a candidate spelling is an edit of the
// typed word whose stem is a known term (Norvig's method, one edit), and
// only when there is none, a known term within two edits of the stem (a
// Levenshtein automaton over the term dictionary).

// minTypoLen is the shortest word corrected: short words have too many
// neighbours one edit away (api → app, ape, apt) to guess from.
const minTypoLen = 4

// maxTypoLen is the longest word corrected: past it, a "word" is a pasted
// token, and its one-edit neighbours number in the thousands.
const maxTypoLen = 24

// fix is the correction of one unit.
type fix struct {
	word string // a surface spelling, e.g. "dependency"
	term string // its index term, e.g. "depend"
}

// corrections returns, for each unit of p that no question or answer
// contains, the best known spelling. It returns nothing when every word is
// known.
func (s *Searcher) corrections(ctx context.Context, p *plan) (map[int]fix, error) {
	var out map[int]fix
	for i, u := range p.units {
		if len(u.parts[record.FieldQuestion]) > 0 || u.typing() || !plainWord(u.surface) || len([]rune(u.surface)) < minTypoLen || len([]rune(u.surface)) > maxTypoLen {
			continue
		}
		terms := append(slices.Clone(u.whole[record.FieldQuestion]), u.whole[record.FieldAnswer]...)
		known := false
		for _, t := range terms {
			n, err := s.docFreq(ctx, t)
			if err != nil {
				return nil, err
			}
			if n > 0 {
				known = true
				break
			}
		}
		if !known {
			// A word form the language's analyzer knows ("динамический"
			// where the questions say "динамические") is no typo.
			k, err := s.knownInLang(ctx, p, u)
			if err != nil {
				return nil, err
			}
			known = k
		}
		if known || len(terms) == 0 {
			continue
		}
		f, ok, err := s.correct(u.surface, terms[0])
		if err != nil {
			return nil, err
		}
		if ok {
			if out == nil {
				out = map[int]fix{}
			}
			out[i] = f
		}
	}
	return out, nil
}

// knownInLang reports whether a term of unit u in one of the plan's
// language fields is in the index.
func (s *Searcher) knownInLang(ctx context.Context, p *plan, u unit) (bool, error) {
	for _, f := range p.fields {
		if _, ok := index.LangBase(f.name); !ok {
			continue
		}
		for _, t := range u.whole[f.name] {
			n, err := s.ix.DocFreq(ctx, t, f.name)
			if err != nil || n > 0 {
				return n > 0, err
			}
		}
	}
	return false, nil
}

// plainWord reports whether w is letters only: identifiers and numbers are
// not spelling mistakes.
func plainWord(w string) bool {
	for _, r := range w {
		if !unicode.IsLetter(r) {
			return false
		}
	}
	return w != ""
}

// docFreq counts the records whose question or answer has term.
func (s *Searcher) docFreq(ctx context.Context, term string) (uint64, error) {
	return s.ix.DocFreq(ctx, term, record.FieldQuestion, record.FieldAnswer)
}

// vocabFields are the fields whose terms spelling corrects towards; a
// term's frequency is its document count summed over them.
var vocabFields = []string{record.FieldQuestion, record.FieldAnswer}

// correct finds the best known spelling of word (whose index term is term).
// It asks the dictionaries for the counts of the candidates only: reading
// the whole vocabulary of question and answer cost the first misspelt query
// of a process 0.3–0.4 s of CPU at 100k records (BENCHMARKS.md).
func (s *Searcher) correct(word, term string) (fix, bool, error) {
	lower := strings.ToLower(word)
	type cand struct{ word, term string }
	var cands []cand
	var terms []string
	at := map[string]int{} // term → its index in terms
	words := edits1(lower)
	for i, t := range s.wholeTerms(words) {
		if t == "" || t == term {
			continue
		}
		cands = append(cands, cand{words[i], t})
		if _, ok := at[t]; !ok {
			at[t] = len(terms)
			terms = append(terms, t)
		}
	}
	counts, err := s.ix.TermCounts(terms, vocabFields...)
	if err != nil {
		return fix{}, false, err
	}
	best, bestN := fix{}, uint64(0)
	for _, c := range cands {
		if n := counts[at[c.term]]; n > bestN || (n == bestN && n > 0 && c.word < best.word) {
			best, bestN = fix{word: c.word, term: c.term}, n
		}
	}
	if bestN > 0 {
		return best, true, nil
	}
	// Two edits: search the dictionary with an automaton, on the stem. The
	// closest terms win, the most frequent of them, the first in
	// dictionary order among equals; only the closest are counted.
	fuzz := 1
	if len([]rune(term)) >= 6 {
		fuzz = 2
	}
	type near struct {
		term string
		dist int
	}
	var nears []near
	bestD := fuzz + 1
	err = s.ix.FuzzyTerms(term, fuzz, vocabFields, func(t string) {
		if strings.Contains(t, phraseSpace) {
			return
		}
		d := levenshtein(term, t)
		nears = append(nears, near{t, d})
		bestD = min(bestD, d)
	})
	if err != nil {
		return fix{}, false, err
	}
	terms, at = terms[:0], map[string]int{}
	for _, nr := range nears {
		if _, ok := at[nr.term]; nr.dist == bestD && !ok {
			at[nr.term] = len(terms)
			terms = append(terms, nr.term)
		}
	}
	if counts, err = s.ix.TermCounts(terms, vocabFields...); err != nil {
		return fix{}, false, err
	}
	for i, t := range terms {
		if n := counts[i]; i == 0 || n > bestN {
			best, bestN = fix{word: t, term: t}, n
		}
	}
	return best, bestN > 0, nil
}

// phraseSpace marks the index's multi-word concept terms, which are not
// spellings of one word.
const phraseSpace = " "

// wholeTerms returns the index term of each of words (plain words:
// letters only), or "" for a word that analyses to anything but one token, from one analysis of the words joined by spaces rather than one
// analysis each: spelling asks about the hundreds of edits of a typed
// word, and analysing them one by one was a quarter of a misspelt
// query's CPU in a fresh process at 100k records. The analysis is the
// same word by word (the tokenizer splits at a space, and the filters
// work token by token), except the phrase filter's concept tokens, which
// span several words here and are left out: a token counts for the word
// it lies within.
func (s *Searcher) wholeTerms(words []string) []string {
	var b strings.Builder
	starts := make([]int, len(words))
	for i, w := range words {
		if i > 0 {
			b.WriteByte(' ')
		}
		starts[i] = b.Len()
		b.WriteString(w)
	}
	out := make([]string, len(words))
	n := make([]int, len(words))
	for _, t := range s.analyze(record.FieldQuestion, b.String()) {
		i, found := slices.BinarySearch(starts, t.Start)
		if !found {
			i--
		}
		if i < 0 || t.End > starts[i]+len(words[i]) {
			continue // a concept token over several words
		}
		n[i]++
		out[i] = t.Term
	}
	for i := range out {
		if n[i] != 1 {
			out[i] = ""
		}
	}
	return out
}

// edits1 returns the words one deletion, transposition, replacement or
// insertion of a letter a-z away from w. The words are substrings of one
// string, made in one buffer (hundreds of them for a long word).
func edits1(w string) []string {
	const letters = "abcdefghijklmnopqrstuvwxyz"
	rs := []rune(w)
	var buf []byte
	var ends []int
	put := func(rs ...[]rune) {
		for _, r := range rs {
			for _, c := range r {
				buf = utf8.AppendRune(buf, c)
			}
		}
		ends = append(ends, len(buf))
	}
	for i := 0; i <= len(rs); i++ {
		if i < len(rs) {
			put(rs[:i], rs[i+1:])
		}
		if i+1 < len(rs) {
			put(rs[:i], rs[i+1:i+2], rs[i:i+1], rs[i+2:])
		}
		for _, c := range letters {
			one := [1]rune{c}
			if i < len(rs) && rs[i] != c {
				put(rs[:i], one[:], rs[i+1:])
			}
			put(rs[:i], one[:], rs[i:])
		}
	}
	all := string(buf)
	seen := make(map[string]bool, len(ends))
	seen[w] = true
	out := make([]string, 0, len(ends))
	from := 0
	for _, e := range ends {
		if k := all[from:e]; !seen[k] {
			seen[k] = true
			out = append(out, k)
		}
		from = e
	}
	return out
}

// levenshtein is the edit distance between a and b, in runes.
func levenshtein(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}

// corrected returns text with each fixed unit's word replaced by its fix,
// keeping everything else (phrases, filters, other words) as typed.
func (p *plan) corrected(text string, fixes map[int]fix) string {
	out := text
	for i := len(p.units) - 1; i >= 0; i-- {
		f, ok := fixes[i]
		if !ok {
			continue
		}
		out = replaceWord(out, p.units[i].surface, f.word)
	}
	return out
}

// replaceWord replaces the first whole-word occurrence of old in s.
func replaceWord(s, old, repl string) string {
	for from := 0; ; {
		i := strings.Index(s[from:], old)
		if i < 0 {
			return s
		}
		i += from
		j := i + len(old)
		before := i == 0 || !isWordByte(s[i-1])
		after := j == len(s) || !isWordByte(s[j])
		if before && after {
			return s[:i] + repl + s[j:]
		}
		from = j
	}
}

func isWordByte(c byte) bool {
	return c == '_' || c >= 0x80 || unicode.IsLetter(rune(c)) || unicode.IsDigit(rune(c))
}

// surfaces spells each fix the way the corpus does. A fix from one edit
// is already a word, but not always the corpus's ("dependancy" and
// "dependency" both stem to depend); a fix from the dictionary automaton is
// a bare stem ("inject"). Among the words of a few records holding the
// term, the one closest to what was typed wins, then the most frequent.
func (s *Searcher) surfaces(ctx context.Context, p *plan, fixes map[int]fix) map[int]fix {
	out := map[int]fix{}
	for i, f := range fixes {
		out[i] = f
		typed := strings.ToLower(p.units[i].surface)
		// index.Search ranks from postings in memory; Bleve's own request
		// scored every record holding the term through its searchers.
		res, err := s.ix.Search(ctx, or(termQuery(f.term, record.FieldQuestion, 1), termQuery(f.term, record.FieldAnswer, 1)),
			index.SearchOptions{Size: 5, Fields: []string{index.FieldRecord}})
		if err != nil {
			continue
		}
		count := map[string]int{}
		for _, h := range res.Hits {
			rec, err := decodeRecord(h)
			if err != nil {
				continue
			}
			for _, text := range append([]string{rec.Question}, index.AnswerTexts(rec)...) {
				for _, t := range s.analyze(record.FieldQuestion, text) {
					if !t.Concept && t.Term == f.term {
						count[strings.ToLower(text[t.Start:t.End])]++
					}
				}
			}
		}
		best, bestD, bestN := "", 0, 0
		for w, n := range count {
			d := levenshtein(typed, w)
			if best == "" || d < bestD || d == bestD && (n > bestN || n == bestN && w < best) {
				best, bestD, bestN = w, d, n
			}
		}
		if best != "" {
			f.word = best
			out[i] = f
		}
	}
	return out
}
