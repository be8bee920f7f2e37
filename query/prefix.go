package query

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/iq-search/iq/index"
	"github.com/iq-search/iq/index/expr"
	"github.com/iq-search/iq/record"
)

// Search as you type: the last word of a text that does not end in a
// space is matched as the start of a word too ("dependency inj" finds
// dependency injection, "webso" WebSocket), as Meilisearch and Algolia do
// with the last word of a query. The word typed is looked up in each
// field's dictionary as a prefix of its terms. The index holds stems, so a
// word typed past a stem ("dependen", whose stem is depend) starts no term:
// spelling correction finds it instead, as for any unknown word. The
// expansion is plain term queries, which the
// fast ranking pass runs like any other word (Bleve's PrefixQuery would
// send every search as you type through Bleve's own searchers: the index's
// tree has no prefix node, on purpose): the
// maxPrefixTerms most frequent terms, each weighing what the word itself
// would. When the word typed is also a word of the index, the records with
// the word itself rank first, in the order they have without the
// expansion, and the records with only a longer word follow (tieredPage).

const (
	// minPrefixLen is the shortest word expanded: one letter starts too
	// many words to mean any of them.
	minPrefixLen = 2
	// maxPrefixTerms bounds the expansion (Lucene's top-terms rewrite):
	// the most frequent terms the word starts. With the word itself it
	// keeps each field's disjunction within the fast pass's 10 clauses.
	maxPrefixTerms = 8
)

// typing reports whether u is a word being typed with an expansion.
func (u *unit) typing() bool {
	for _, ts := range u.prefix {
		if len(ts) > 0 {
			return true
		}
	}
	return false
}

// expandPrefix sets the prefix terms of the plan's last unit when the text
// ends in a word being typed.
func (s *Searcher) expandPrefix(ctx context.Context, p *plan) error {
	if !p.tq.Prefix || len(p.units) == 0 {
		return nil
	}
	u := &p.units[len(p.units)-1]
	last := p.tq.Words[len(p.tq.Words)-1]
	if u.end != len(p.text) || !strings.EqualFold(u.surface, last) || !letterOrDigits(u.surface) {
		return nil
	}
	word := strings.ToLower(u.surface)
	if utf8.RuneCountInString(word) < minPrefixLen {
		return nil
	}
	// A function word ("do" on the way to "dom") only ranks, so a record
	// need not hold it: it makes no tier of its own.
	for _, t := range append(slices.Clone(u.whole[record.FieldQuestion]), u.whole[record.FieldAnswer]...) {
		if u.stop {
			break
		}
		n, err := s.docFreq(ctx, t)
		if err != nil {
			return err
		}
		if n > 0 {
			u.known = true
			break
		}
	}
	for _, f := range textFields {
		terms, err := s.ix.TermsWithPrefix(f.name, word)
		if err != nil {
			return err
		}
		var cands []int
		for i, t := range terms {
			if !slices.Contains(u.whole[f.name], t.Term) {
				cands = append(cands, i)
			}
		}
		slices.SortStableFunc(cands, func(a, b int) int { return cmp.Compare(terms[b].Count, terms[a].Count) })
		if len(cands) > maxPrefixTerms {
			cands = cands[:maxPrefixTerms]
		}
		if len(cands) == 0 {
			continue
		}
		if u.prefix == nil {
			u.prefix = map[string][]string{}
		}
		for _, i := range cands {
			u.prefix[f.name] = append(u.prefix[f.name], terms[i].Term)
		}
	}
	return nil
}

// prefixQuery matches any of the terms a word being typed starts, in one
// field. Bleve's disjunction multiplies a score by the share of its clauses
// that match (coord), which would make a word started worth 1/len(terms)
// of itself, and halve it again beside the word itself (unitQuery): the
// boost makes up for both, so that a record holding one of the words
// scores as it would holding the word typed.
func prefixQuery(terms []string, field string, boost float64) expr.Node {
	if len(terms) == 0 {
		return nil
	}
	qs := make([]expr.Node, len(terms))
	for i, t := range terms {
		qs[i] = termQuery(t, field, boost*float64(len(terms))*2)
	}
	return or(qs...)
}

// letterOrDigits reports whether w is letters and digits only: an
// identifier with punctuation (app.get, std::move) is searched as typed.
func letterOrDigits(w string) bool {
	for _, r := range w {
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) {
			return false
		}
	}
	return w != ""
}

// questionPhrase is the words typed as a phrase of the question field
// (plan.build ranks by it), with the word being typed matching the terms it
// starts as well: "dependency inj" stands together in "dependency
// injection" as "dependency injection" does.
func (p *plan) questionPhrase(analyze analyzeFunc) expr.Node {
	q := phraseQuery(p.text, wholeTextPhraseBoost, analyze, p.positional, record.FieldQuestion)
	ph, ok := q.(expr.Phrase)
	if !ok || len(p.units) == 0 {
		return q
	}
	last := p.units[len(p.units)-1].prefix[record.FieldQuestion]
	if len(last) == 0 || len(ph.Terms) == 0 {
		return q
	}
	terms := slices.Clone(ph.Terms)
	end := len(terms) - 1
	terms[end] = slices.Concat(terms[end], last)
	return expr.Phrase{Field: ph.Field, Terms: terms, Boost: ph.Boost}
}

// tiered reports whether the plan's last word is being typed and is a word
// of the index too: then the records with the word itself rank before
// those with only a longer word (Search runs the plan without the
// expansion for them).
func (p *plan) tiered() bool {
	if len(p.units) == 0 {
		return false
	}
	u := p.units[len(p.units)-1]
	return u.typing() && u.known
}

// withoutPrefix returns a copy of the plan whose last word matches only as
// itself.
func (p *plan) withoutPrefix() *plan {
	c := *p
	c.units = slices.Clone(p.units)
	c.units[len(c.units)-1].prefix = nil
	return &c
}

// tieredPage fills res with one page of a search whose last word is being
// typed and is also a word of the index: first the records with the word
// itself, in the order and with the scores the search without the
// expansion gives them, then the records with only a longer word it
// starts, by their scores with it. Total and facets count both (full, the
// answer of q, read without its page: readCounts). A page within the first tier costs one more ranking pass
// than a plain search; a page that reaches past it, two.
func (s *Searcher) tieredPage(ctx context.Context, res *Result, full *index.Page, q, whole expr.Node, req Request) error {
	res.Total = full.Total
	s.facets(res, full)
	w, err := s.run(ctx, whole, req, readPage, nil)
	if err != nil {
		return err
	}
	seen := map[string]bool{}
	kept, err := s.fillHits(res, w, req, seen)
	if err != nil || len(res.Hits) == req.Limit {
		return err
	}
	if !req.All && s.hasClusters() && int(w.Total) > len(w.Hits) {
		// The page starts past the hits s.run read: read them all, for
		// how many the first tier keeps and which clusters it shows.
		aw, err := s.ix.Search(ctx, whole, index.SearchOptions{Size: int(w.Total), Fields: []string{record.FieldCluster}})
		if err != nil {
			return fmt.Errorf("search index %s: %w", s.ix.Dir(), err)
		}
		seen = map[string]bool{}
		kept = len(s.collapse(aw.Hits, seen, nil))
	}
	rest := req
	rest.Offset = max(0, req.Offset-kept)
	rest.Limit = req.Limit - len(res.Hits)
	sr, err := s.run(ctx, expr.Bool{Must: []expr.Node{q}, Not: []expr.Node{whole}}, rest, readPage, seen)
	if err != nil {
		return err
	}
	page := &Result{}
	if _, err := s.fillHits(page, sr, rest, seen); err != nil {
		return err
	}
	res.Hits = append(res.Hits, page.Hits...)
	res.Collapsed += page.Collapsed
	return nil
}
