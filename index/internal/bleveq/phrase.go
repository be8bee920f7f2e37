package bleveq

import (
	"context"
	"math"
	"slices"

	"github.com/blevesearch/bleve/v2/mapping"
	bsearch "github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/searcher"
	bindex "github.com/blevesearch/bleve_index_api"

	"github.com/iq-search/iq/index/internal/scorchx"
)

// ExactPhrase is a phrase query without synonym expansion: the words of
// Terms (alternatives per position, an empty position matching any word)
// at consecutive positions of one value of Field, slop 0, scored as
// Bleve's phrase searcher scores (the conjunction of the terms with
// Boost).
//
// It works around a bug of Bleve's phrase searcher (seen in v2.5.7 and
// v2.6.3; TestPhraseSynonymBugCanary fails when it is fixed): once any
// word of a phrase has a synonym, the words without one lose their
// locations (expandFuzzyMatches copies only the words in its synonym map),
// so "prevent SQL injections" matches nothing because "sql" has a synonym.
// Hiding the synonym map from the phrase searcher gives plain, correct
// phrase matching; synonyms still apply to words (expr.Term).
type ExactPhrase struct {
	Field string
	Terms [][]string
	Boost float64
}

// Searcher implements query.Query.
func (q *ExactPhrase) Searcher(ctx context.Context, i bindex.IndexReader, m mapping.IndexMapping, options bsearch.SearcherOptions) (bsearch.Searcher, error) {
	ctx = context.WithValue(ctx, bsearch.FieldTermSynonymMapKey, bsearch.FieldTermSynonymMap{})
	if (len(q.Terms) > 1 || options.IncludeTermVectors) && !scorchx.IsPage(i) {
		// Bleve's searchers read the terms' locations (CheckLocations);
		// a PageReader checks them itself when they are read.
		for _, pos := range q.Terms {
			for _, t := range pos {
				if err := scorchx.CheckLocations(i, q.Field, t); err != nil {
					return nil, err
				}
			}
		}
	}
	if len(q.Terms) == 1 {
		// A phrase of one position ("unsafe", "MongoDB") is its terms:
		// the phrase searcher would find the same records with the same
		// scores and locations, but decode the positions of every one
		// (30 ms of CPU for the 13k records with "unsafe" at 100k).
		var ts []bsearch.Searcher
		for _, t := range q.Terms[0] {
			s, err := searcher.NewTermSearcher(ctx, i, t, q.Field, q.Boost, options)
			if err != nil {
				for _, s := range ts {
					_ = s.Close()
				}
				return nil, err
			}
			ts = append(ts, s)
		}
		if len(ts) == 1 {
			return ts[0], nil
		}
		return searcher.NewDisjunctionSearcher(ctx, i, ts, 1, options)
	}
	if options.IncludeTermVectors {
		// The page pass (Search): Bleve's own searcher, for the
		// locations of the phrase's words.
		return searcher.NewMultiPhraseSearcher(ctx, i, q.Terms, 0, false, q.Field, q.Boost, options)
	}
	return newRankPhraseSearcher(ctx, i, q.Terms, q.Field, q.Boost, options)
}

// rankPhraseSearcher finds the records and scores Bleve's phrase searcher
// (slop 0, no fuzziness) finds, for the ranking pass, which reads no
// locations: it checks the order of the words on the conjunction's term
// vectors directly, where Bleve's builds a map of maps of every match's
// locations first and lists every path through them (two thirds of the
// cost of a phrase in a profile at 100k records).
type rankPhraseSearcher struct {
	must    bsearch.Searcher
	terms   [][]string
	curr    *bsearch.DocumentMatch
	started bool
}

func newRankPhraseSearcher(ctx context.Context, r bindex.IndexReader, terms [][]string, field string, boost float64, options bsearch.SearcherOptions) (bsearch.Searcher, error) {
	// Built as searcher.NewMultiPhraseSearcher builds its conjunction,
	// so that weights and scores are the same.
	options.IncludeTermVectors = true
	var ss []bsearch.Searcher
	closeAll := func() {
		for _, s := range ss {
			_ = s.Close()
		}
	}
	for _, pos := range terms {
		var ts []bsearch.Searcher
		for _, t := range pos {
			if t == "" {
				continue
			}
			s, err := searcher.NewTermSearcher(ctx, r, t, field, boost, options)
			if err != nil {
				for _, s := range ts {
					_ = s.Close()
				}
				closeAll()
				return nil, err
			}
			ts = append(ts, s)
		}
		switch {
		case len(ts) == 1 && len(pos) == 1:
			ss = append(ss, ts[0])
		case len(pos) > 1:
			d, err := searcher.NewDisjunctionSearcher(ctx, r, ts, 1, options)
			if err != nil {
				closeAll()
				return nil, err
			}
			ss = append(ss, d)
		}
	}
	must, err := searcher.NewConjunctionSearcher(ctx, r, ss, options)
	if err != nil {
		closeAll()
		return nil, err
	}
	s := &rankPhraseSearcher{must: must, terms: terms}
	s.SetQueryNorm(1 / math.Sqrt(must.Weight()))
	return s, nil
}

func (s *rankPhraseSearcher) Next(ctx *bsearch.SearchContext) (*bsearch.DocumentMatch, error) {
	if !s.started {
		s.started = true
		var err error
		if s.curr, err = s.must.Next(ctx); err != nil {
			return nil, err
		}
	}
	for s.curr != nil {
		var rv *bsearch.DocumentMatch
		if inOrder(s.curr.FieldTermLocations, s.terms) {
			rv = s.curr
			rv.FieldTermLocations = rv.FieldTermLocations[:0]
		} else {
			ctx.DocumentMatchPool.Put(s.curr)
		}
		var err error
		if s.curr, err = s.must.Next(ctx); err != nil {
			return nil, err
		}
		if rv != nil {
			return rv, nil
		}
	}
	return nil, nil
}

func (s *rankPhraseSearcher) Advance(ctx *bsearch.SearchContext, id bindex.IndexInternalID) (*bsearch.DocumentMatch, error) {
	var err error
	switch {
	case !s.started:
		s.started = true
		s.curr, err = s.must.Advance(ctx, id)
	case s.curr != nil && s.curr.IndexInternalID.Compare(id) < 0:
		ctx.DocumentMatchPool.Put(s.curr)
		s.curr, err = s.must.Advance(ctx, id)
	}
	if err != nil {
		return nil, err
	}
	return s.Next(ctx)
}

func (s *rankPhraseSearcher) Weight() float64            { return s.must.Weight() }
func (s *rankPhraseSearcher) SetQueryNorm(qnorm float64) { s.must.SetQueryNorm(qnorm) }
func (s *rankPhraseSearcher) Count() uint64              { return s.must.Count() }
func (s *rankPhraseSearcher) Min() int                   { return 0 }
func (s *rankPhraseSearcher) Size() int                  { return s.must.Size() }
func (s *rankPhraseSearcher) DocumentMatchPoolSize() int { return s.must.DocumentMatchPoolSize() + 1 }
func (s *rankPhraseSearcher) Close() error               { return s.must.Close() }

// inOrder reports whether the words of terms (alternatives per position,
// none meaning any word) stand at consecutive positions of one value of
// the field, as Bleve's phrase searcher decides with slop 0. Empty
// positions at the start are skipped.
func inOrder(ftls []bsearch.FieldTermLocation, terms [][]string) bool {
	for len(terms) > 0 && len(terms[0]) == 0 {
		terms = terms[1:]
	}
	if len(terms) == 0 {
		return false
	}
	has := func(i int, l *bsearch.Location, off uint64) bool {
		for k := range ftls {
			o := &ftls[k].Location
			if o.Pos == l.Pos+off && slices.Contains(terms[i], ftls[k].Term) && o.ArrayPositions.Equals(l.ArrayPositions) {
				return true
			}
		}
		return false
	}
	for k := range ftls {
		if !slices.Contains(terms[0], ftls[k].Term) {
			continue
		}
		ok := true
		for i := 1; i < len(terms) && ok; i++ {
			if len(terms[i]) > 0 {
				ok = has(i, &ftls[k].Location, uint64(i))
			}
		}
		if ok {
			return true
		}
	}
	return false
}
