package bleveq

import (
	"context"
	"math"
	"sort"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/mapping"
	bsearch "github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
	"github.com/blevesearch/bleve/v2/search/scorer"
	"github.com/blevesearch/bleve/v2/search/searcher"
	bindex "github.com/blevesearch/bleve_index_api"

	"github.com/iq-search/iq/index/internal/scorchx"
)

// MinMatchQuery matches the documents that match at least Min of
// Disjuncts, with the hits, scores and term locations of Bleve's
// DisjunctionQuery with the same Min. It finds them with less work when one
// clause is common: Bleve's disjunction steps through every posting of
// every clause ("error wrapping used" with min 2 walks the 87k records
// holding "use"), while a document with Min matches must match one of the
// len(Disjuncts)-Min+1 rarest clauses, so MinMatchQuery steps through
// those and only skips the others forward to each candidate (Lucene's
// minimum-should-match scorer does the same).
type MinMatchQuery struct {
	Disjuncts []query.Query
	Min       int
}

// NewMinMatchQuery returns a query for documents matching at least min of
// qs.
func NewMinMatchQuery(min int, qs ...query.Query) *MinMatchQuery {
	return &MinMatchQuery{Disjuncts: qs, Min: min}
}

// Searcher implements query.Query.
func (q *MinMatchQuery) Searcher(ctx context.Context, r bindex.IndexReader, m mapping.IndexMapping, options bsearch.SearcherOptions) (bsearch.Searcher, error) {
	if q.Min <= 1 {
		d := bleve.NewDisjunctionQuery(q.Disjuncts...)
		d.SetMin(float64(q.Min))
		return d.Searcher(ctx, r, m, options)
	}
	// Bleve collects the synonyms of a query's terms by walking the
	// query types it knows before it builds searchers; it does not
	// enter this one, so its clauses' synonyms are collected here.
	if sm, ok := m.(mapping.SynonymMapping); ok && sm.SynonymCount() > 0 {
		if tr, ok := r.(bindex.ThesaurusReader); ok {
			fts, err := query.ExtractSynonyms(ctx, sm, tr, bleve.NewDisjunctionQuery(q.Disjuncts...), nil)
			if err != nil {
				return nil, err
			}
			if fts == nil {
				fts = bsearch.FieldTermSynonymMap{}
			}
			ctx = context.WithValue(ctx, bsearch.FieldTermSynonymMapKey, fts)
		}
	}
	ss := make([]bsearch.Searcher, 0, len(q.Disjuncts))
	for _, d := range q.Disjuncts {
		s, err := d.Searcher(ctx, r, m, options)
		if err != nil {
			for _, s := range ss {
				_ = s.Close()
			}
			return nil, err
		}
		if s != nil {
			ss = append(ss, s)
		}
	}
	if len(ss) < q.Min {
		for _, s := range ss {
			_ = s.Close()
		}
		return searcher.NewMatchNoneSearcher(r)
	}
	// The order of Bleve's disjunction: by count, rarest first. Scores
	// are summed in this order, so they come out bit for bit the same.
	// Clauses and searchers are sorted together, to know which is which.
	order := sortByCount(ss, bsearch.Searcher.Count)
	s := &minMatchSearcher{
		searchers: ss,
		min:       q.Min,
		isLead:    make([]bool, len(ss)),
		currs:     make([]*bsearch.DocumentMatch, len(ss)),
		done:      make([]bool, len(ss)),
		matching:  make([]*bsearch.DocumentMatch, 0, len(ss)),
		scorer:    scorer.NewDisjunctionQueryScorer(options),
	}
	// The lead: the len-min+1 clauses that match the fewest documents.
	// A searcher's Count sums its parts, which overrates a conjunction
	// (TypeScript as "type" AND "script" counts every "type"), so the
	// page pass, whose readers are restricted to a few documents anyway,
	// takes Bleve's order, and the ranking pass estimates from the query.
	cost := make([]uint64, len(ss))
	if !scorchx.IsPage(r) {
		fts, _ := ctx.Value(bsearch.FieldTermSynonymMapKey).(bsearch.FieldTermSynonymMap)
		for i, o := range order {
			cost[i] = estimate(q.Disjuncts[o], fts, termCount(ctx, r))
		}
	}
	byCost := make([]int, len(ss))
	for i := range byCost {
		byCost[i] = i
	}
	sort.SliceStable(byCost, func(a, b int) bool { return cost[byCost[a]] < cost[byCost[b]] })
	for _, i := range byCost[:len(ss)-q.Min+1] {
		s.isLead[i] = true
		s.lead = append(s.lead, i)
	}
	var sum float64
	for _, c := range ss {
		sum += c.Weight()
	}
	s.SetQueryNorm(1 / math.Sqrt(sum))
	return s, nil
}

// minMatchSearcher walks the lead searchers (the rarest len-min+1) in
// step, and advances the others only to the lead's current document.
type minMatchSearcher struct {
	searchers   []bsearch.Searcher
	min         int
	lead        []int // indexes of the lead searchers
	isLead      []bool
	currs       []*bsearch.DocumentMatch // current match of each searcher, nil when used up or not read
	done        []bool                   // searcher exhausted
	started     bool
	matching    []*bsearch.DocumentMatch
	matchingIdx []int
	scorer      *scorer.DisjunctionQueryScorer
}

func (s *minMatchSearcher) start(ctx *bsearch.SearchContext) error {
	s.started = true
	for _, i := range s.lead {
		d, err := s.searchers[i].Next(ctx)
		if err != nil {
			return err
		}
		s.set(ctx, i, d)
	}
	return nil
}

func (s *minMatchSearcher) set(ctx *bsearch.SearchContext, i int, d *bsearch.DocumentMatch) {
	if s.currs[i] != nil {
		ctx.DocumentMatchPool.Put(s.currs[i])
	}
	s.currs[i] = d
	s.done[i] = d == nil
}

func (s *minMatchSearcher) Next(ctx *bsearch.SearchContext) (*bsearch.DocumentMatch, error) {
	if !s.started {
		if err := s.start(ctx); err != nil {
			return nil, err
		}
	}
	for {
		// The next candidate: the smallest document of the lead.
		var cand bindex.IndexInternalID
		for _, i := range s.lead {
			if c := s.currs[i]; c != nil && (cand == nil || c.IndexInternalID.Compare(cand) < 0) {
				cand = c.IndexInternalID
			}
		}
		if cand == nil {
			return nil, nil
		}
		// The lead's matches there, then whether the others have it.
		s.matching, s.matchingIdx = s.matching[:0], s.matchingIdx[:0]
		for i, c := range s.currs {
			if !s.isLead[i] && !s.done[i] && (c == nil || c.IndexInternalID.Compare(cand) < 0) {
				// Short of the minimum even with every clause left: no
				// need to read this one. (Not a break: the lead clauses
				// after it that stand on the candidate must still be
				// collected and moved on, or Next would see the same
				// candidate forever; the versus suite found it.)
				if len(s.matching)+len(s.searchers)-i < s.min {
					continue
				}
				d, err := s.searchers[i].Advance(ctx, cand)
				if err != nil {
					return nil, err
				}
				s.set(ctx, i, d)
				c = d
			}
			if c != nil && c.IndexInternalID.Equals(cand) {
				s.matching = append(s.matching, c)
				s.matchingIdx = append(s.matchingIdx, i)
			}
		}
		var rv *bsearch.DocumentMatch
		if len(s.matching) >= s.min {
			// Scored as Bleve's disjunction scores: the sum in searcher
			// order times the share of clauses matched. It reuses the
			// first constituent.
			rv = s.scorer.Score(ctx, s.matching, len(s.matching), len(s.searchers))
		}
		for _, i := range s.matchingIdx {
			if s.currs[i] == rv {
				s.currs[i] = nil
			}
			if s.isLead[i] {
				d, err := s.searchers[i].Next(ctx)
				if err != nil {
					return nil, err
				}
				s.set(ctx, i, d)
			} else {
				// Read again on the next candidate that needs it.
				s.set(ctx, i, nil)
				s.done[i] = false
			}
		}
		if rv != nil {
			return rv, nil
		}
	}
}

func (s *minMatchSearcher) Advance(ctx *bsearch.SearchContext, id bindex.IndexInternalID) (*bsearch.DocumentMatch, error) {
	if !s.started {
		if err := s.start(ctx); err != nil {
			return nil, err
		}
	}
	for _, i := range s.lead {
		if c := s.currs[i]; c != nil && c.IndexInternalID.Compare(id) < 0 {
			d, err := s.searchers[i].Advance(ctx, id)
			if err != nil {
				return nil, err
			}
			s.set(ctx, i, d)
		}
	}
	return s.Next(ctx)
}

func (s *minMatchSearcher) Weight() float64 {
	var rv float64
	for _, c := range s.searchers {
		rv += c.Weight()
	}
	return rv
}

func (s *minMatchSearcher) SetQueryNorm(qnorm float64) {
	for _, c := range s.searchers {
		c.SetQueryNorm(qnorm)
	}
}

func (s *minMatchSearcher) Count() uint64 {
	var rv uint64
	for _, c := range s.searchers {
		rv += c.Count()
	}
	return rv
}

func (s *minMatchSearcher) Min() int { return s.min }

func (s *minMatchSearcher) Size() int {
	rv := 0
	for _, c := range s.searchers {
		rv += c.Size()
	}
	return rv
}

func (s *minMatchSearcher) DocumentMatchPoolSize() int {
	rv := len(s.currs)
	for _, c := range s.searchers {
		rv += c.DocumentMatchPoolSize()
	}
	return rv
}

func (s *minMatchSearcher) Close() error {
	var rv error
	for _, c := range s.searchers {
		if err := c.Close(); err != nil && rv == nil {
			rv = err
		}
	}
	return rv
}

// sortByCount sorts xs by count as searcher.OrderedSearcherList does
// (sort.Sort, so that equal counts end in Bleve's order too) and returns
// the original index of each.
func sortByCount[T any](xs []T, count func(T) uint64) []int {
	b := &byCount[T]{xs, make([]int, len(xs)), count}
	for i := range b.idx {
		b.idx[i] = i
	}
	sort.Sort(b)
	return b.idx
}

type byCount[T any] struct {
	xs    []T
	idx   []int
	count func(T) uint64
}

func (b *byCount[T]) Len() int           { return len(b.xs) }
func (b *byCount[T]) Less(i, j int) bool { return b.count(b.xs[i]) < b.count(b.xs[j]) }
func (b *byCount[T]) Swap(i, j int) {
	b.xs[i], b.xs[j] = b.xs[j], b.xs[i]
	b.idx[i], b.idx[j] = b.idx[j], b.idx[i]
}

// unknownCost is the estimate of a query estimate does not know.
const unknownCost = math.MaxUint64

// estimate returns an upper bound of the number of documents q matches:
// a term's count (with its synonyms'), the sum over a disjunction, the
// least over a conjunction. count gives a term's count in a field, or
// unknownCost.
func estimate(q query.Query, fts bsearch.FieldTermSynonymMap, count func(field, term string) uint64) uint64 {
	sum := func(ns ...uint64) uint64 {
		var n uint64
		for _, x := range ns {
			if x == unknownCost {
				return unknownCost
			}
			n += x
		}
		return n
	}
	switch q := q.(type) {
	case *query.TermQuery:
		ns := []uint64{count(q.FieldVal, q.Term)}
		for _, syn := range fts[q.FieldVal][q.Term] {
			ns = append(ns, count(q.FieldVal, syn))
		}
		return sum(ns...)
	case *query.DisjunctionQuery:
		var ns []uint64
		for _, c := range q.Disjuncts {
			ns = append(ns, estimate(c, fts, count))
		}
		return sum(ns...)
	case *query.ConjunctionQuery:
		n := uint64(unknownCost)
		for _, c := range q.Conjuncts {
			n = min(n, estimate(c, fts, count))
		}
		return n
	case *query.MatchNoneQuery:
		return 0
	}
	return unknownCost
}

// termCount is estimate's count from a term reader.
func termCount(ctx context.Context, r bindex.IndexReader) func(field, term string) uint64 {
	return func(field, term string) uint64 { return readerCount(ctx, r, field, term) }
}

func readerCount(ctx context.Context, r bindex.IndexReader, field, term string) uint64 {
	tfr, err := r.TermFieldReader(ctx, []byte(term), field, false, false, false)
	if err != nil {
		return unknownCost
	}
	defer tfr.Close()
	return tfr.Count()
}
