package query

import (
	"slices"
	"strings"
	"testing"
	"unicode"

	"github.com/iq-search/iq/index"
	"github.com/iq-search/iq/record"
)

// edits1OneByOne is edits1 as it was written first, a word at a time: the
// reference edits1's one buffer must match.
func edits1OneByOne(w string) []string {
	const letters = "abcdefghijklmnopqrstuvwxyz"
	rs := []rune(w)
	seen := map[string]bool{w: true}
	var out []string
	add := func(s []rune) {
		if k := string(s); !seen[k] {
			seen[k] = true
			out = append(out, k)
		}
	}
	for i := 0; i <= len(rs); i++ {
		if i < len(rs) {
			add(slices.Concat(rs[:i], rs[i+1:]))
		}
		if i+1 < len(rs) {
			t := slices.Clone(rs)
			t[i], t[i+1] = t[i+1], t[i]
			add(t)
		}
		for _, c := range letters {
			if i < len(rs) && rs[i] != c {
				t := slices.Clone(rs)
				t[i] = c
				add(t)
			}
			add(slices.Concat(rs[:i], []rune{c}, rs[i:]))
		}
	}
	return out
}

// TestWholeTermsMatchesWholeTerm holds spelling's one analysis of a typed
// word's edits to an analysis of each edit alone, over the edits of the
// embedded corpus's plain words (and words of other scripts), and over
// words that form a listed multi-word phrase when joined, whose concept
// token spans two words and belongs to neither.
func TestWholeTermsMatchesWholeTerm(t *testing.T) {
	s, recs := embeddedSearcher(t)
	seen := map[string]bool{}
	var typed []string
	for _, r := range recs {
		for _, w := range strings.FieldsFunc(r.Question, func(c rune) bool { return !unicode.IsLetter(c) }) {
			w = strings.ToLower(w)
			if n := len([]rune(w)); n >= minTypoLen && n <= maxTypoLen && !seen[w] {
				seen[w] = true
				typed = append(typed, w)
			}
		}
		if len(typed) >= 150 {
			break
		}
	}
	typed = append(typed, "dependncy", "injecton", "über", "straße", "динамическй", "数据库索引")
	check := func(words []string) {
		t.Helper()
		got := s.wholeTerms(words)
		for i, w := range words {
			if want := s.wholeTerm(w); got[i] != want {
				t.Errorf("wholeTerms: %q analyses to %q; alone to %q", w, got[i], want)
			}
		}
	}
	for _, w := range typed {
		e := edits1(w)
		if want := edits1OneByOne(w); !slices.Equal(e, want) {
			t.Fatalf("edits1(%q) = %d words, first %q; one by one %d, first %q", w, len(e), e[:min(3, len(e))], len(want), want[:min(3, len(want))])
		}
		check(e)
	}
	// "dependency injection" is a listed phrase (index/synonyms.txt):
	// joined, the two words make a concept token over both.
	words := []string{"the", "dependency", "injection", "container", "dependencies", "injected"}
	if ts := s.analyze("question", strings.Join(words, " ")); !slices.ContainsFunc(ts, func(tk index.Token) bool { return tk.Concept }) {
		t.Fatalf("%q has no concept token; the test needs one", strings.Join(words, " "))
	}
	check(words)
}

// wholeTerm is what wholeTerms returns for one word, from an analysis of
// its own: the one-by-one reference TestWholeTermsMatchesWholeTerm holds
// wholeTerms to.
func (s *Searcher) wholeTerm(w string) string {
	ts := s.analyze(record.FieldQuestion, w)
	if len(ts) != 1 {
		return ""
	}
	return ts[0].Term
}
