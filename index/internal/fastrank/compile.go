package fastrank

import (
	"context"
	"fmt"
	"math"

	"github.com/blevesearch/bleve/v2/mapping"
	"github.com/blevesearch/bleve/v2/search/searcher"
	bindex "github.com/blevesearch/bleve_index_api"

	"github.com/iq-search/iq/index/expr"
)

// compiler builds the nodes of a query tree against one snapshot, as
// bleveq.Query's Bleve query would build its searchers there: the same
// searchers in the same order, with the same counts, weights and norms.
type compiler struct {
	ctx context.Context
	c   *postingCache
	m   mapping.IndexMapping
	all expr.Term
	// syn caches the synonyms of each term of the tree (a tree is
	// compiled once per slice).
	syn map[[2]string][]string
}

func newCompiler(ctx context.Context, c *postingCache, m mapping.IndexMapping, all expr.Term) *compiler {
	return &compiler{ctx: ctx, c: c, m: m, all: all, syn: map[[2]string][]string{}}
}

// synonyms returns the synonyms Bleve's searchers would expand term to in
// field: what query.ExtractSynonyms finds for a TermQuery, the term looked
// up in the thesaurus of the field's synonym source.
func (e *compiler) synonyms(field, term string) ([]string, error) {
	k := [2]string{field, term}
	if s, ok := e.syn[k]; ok {
		return s, nil
	}
	var rv []string
	sm, ok := e.m.(mapping.SynonymMapping)
	tr, tok := e.c.snap.(bindex.ThesaurusReader)
	if ok && tok && sm.SynonymCount() > 0 {
		if src := sm.SynonymSourceForPath(field); src != "" {
			var err error
			rv, err = e.c.synonyms(src, term, func() ([]string, error) { return readSynonyms(e.ctx, tr, src, term) })
			if err != nil {
				return nil, err
			}
		}
	}
	e.syn[k] = rv
	return rv, nil
}

func readSynonyms(ctx context.Context, tr bindex.ThesaurusReader, src, term string) (syns []string, err error) {
	r, err := tr.ThesaurusTermReader(ctx, src, []byte(term))
	if err != nil {
		return nil, err
	}
	defer func() {
		if cerr := r.Close(); cerr != nil && err == nil {
			err = cerr
		}
	}()
	for {
		s, err := r.Next()
		if err != nil {
			return nil, err
		}
		if s == "" {
			return syns, nil
		}
		syns = append(syns, s)
	}
}

func (e *compiler) postings(field, term string) (*postings, error) {
	return e.c.postings(e.ctx, field, term)
}

// compile builds the node of n. Supports(n) must hold.
func (e *compiler) compile(n expr.Node) (node, error) {
	switch n := n.(type) {
	case expr.Term:
		return e.compileTerm(n)
	case expr.All:
		return e.compileTerm(e.all)
	case expr.None:
		return noneNode{}, nil
	case expr.And:
		ch, err := e.compileAll(n.Clauses)
		if err != nil || len(ch) == 0 {
			return noneNode{}, err
		}
		return newConjNode(ch), nil
	case expr.Or:
		return e.compileOr(n)
	case expr.Bool:
		return e.compileBool(n)
	case expr.Phrase:
		return e.compilePhrase(n)
	}
	return nil, fmt.Errorf("rank: %s is not a tree the fast ranker takes", expr.String(n))
}

func (e *compiler) compileAll(ns []expr.Node) ([]node, error) {
	out := make([]node, 0, len(ns))
	for _, n := range ns {
		c, err := e.compile(n)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, nil
}

// compileTerm is searcher.NewTermSearcher: the term alone, or with its
// synonyms (NewSynonymSearcher: each synonym at half the boost, in a
// disjunction without a minimum).
func (e *compiler) compileTerm(t expr.Term) (node, error) {
	p, err := e.postings(t.Field, t.Term)
	if err != nil {
		return nil, err
	}
	syns, err := e.synonyms(t.Field, t.Term)
	if err != nil {
		return nil, err
	}
	if len(syns) == 0 {
		return newTermNode(p, t.Boost), nil
	}
	if len(syns)+1 > searcher.DisjunctionHeapTakeover {
		return nil, fmt.Errorf("%w: %s:%s has %d synonyms, more than %d", ErrUnsupported, t.Field, t.Term, len(syns), searcher.DisjunctionHeapTakeover-1)
	}
	ch := []node{newTermNode(p, t.Boost)}
	for _, s := range syns {
		sp, err := e.postings(t.Field, s)
		if err != nil {
			return nil, err
		}
		ch = append(ch, newTermNode(sp, t.Boost/2.0))
	}
	return newDisjNode(ch, 0), nil
}

// compileOr is a DisjunctionQuery, or from a minimum of 2 a
// bleveq.MinMatchQuery.
func (e *compiler) compileOr(o expr.Or) (node, error) {
	ch, err := e.compileAll(o.Clauses)
	if err != nil {
		return nil, err
	}
	if o.Min <= 1 {
		if len(ch) == 0 {
			return noneNode{}, nil
		}
		return newDisjNode(ch, o.Min), nil
	}
	if len(ch) < o.Min {
		return noneNode{}, nil
	}
	cost := make([]uint64, len(o.Clauses))
	for i, c := range o.Clauses {
		if cost[i], err = e.estimate(c); err != nil {
			return nil, err
		}
	}
	return newMinMatchNode(ch, o.Min, cost), nil
}

// compileBool is a BooleanQuery of a ConjunctionQuery of Must, a
// DisjunctionQuery of Should and one of Not.
func (e *compiler) compileBool(b expr.Bool) (node, error) {
	part := func(n expr.Node, ns []expr.Node) (node, error) {
		if len(ns) == 0 {
			return nil, nil
		}
		c, err := e.compile(n)
		if _, none := c.(noneNode); none {
			return nil, err
		}
		return c, err
	}
	not, err := part(expr.Or{Clauses: b.Not}, b.Not)
	if err != nil {
		return nil, err
	}
	must, err := part(expr.And{Clauses: b.Must}, b.Must)
	if err != nil {
		return nil, err
	}
	should, err := part(expr.Or{Clauses: b.Should}, b.Should)
	if err != nil {
		return nil, err
	}
	if must == nil {
		return noneNode{}, nil // Supports requires Must
	}
	if should == nil && not == nil {
		return must, nil
	}
	return newBoolNode(must, should, not), nil
}

// compilePhrase is bleveq.ExactPhrase: a phrase of one position is its
// terms; a longer one the conjunction of its positions' terms (a
// disjunction where a position has several), checked for order with the
// words' locations in the documents holding a word of every position.
func (e *compiler) compilePhrase(ph expr.Phrase) (node, error) {
	if len(ph.Terms) == 1 {
		var ts []node
		for _, t := range ph.Terms[0] {
			p, err := e.postings(ph.Field, t)
			if err != nil {
				return nil, err
			}
			ts = append(ts, newTermNode(p, ph.Boost))
		}
		if len(ts) == 1 {
			return ts[0], nil
		}
		return newDisjNode(ts, 1), nil
	}
	pn := &phraseNode{pos: make([][]*termNode, len(ph.Terms))}
	ps := make([][]*postings, len(ph.Terms))
	var ch []node
	for i, pos := range ph.Terms {
		var ts []node
		for _, t := range pos {
			p, err := e.postings(ph.Field, t)
			if err != nil {
				return nil, err
			}
			ps[i] = append(ps[i], p)
			tn := newTermNode(p, ph.Boost)
			pn.pos[i] = append(pn.pos[i], tn)
			ts = append(ts, tn)
		}
		switch {
		case len(ts) == 1:
			ch = append(ch, ts[0])
		case len(ts) > 1:
			ch = append(ch, newDisjNode(ts, 1))
		}
	}
	ent, err := e.c.phraseLocations(e.ctx, ph.Field, ph.Terms, ps)
	if err != nil {
		return nil, err
	}
	pn.locs, pn.ent, pn.cache = ent.locs, ent, e.c
	pn.conjNode = *newConjNode(ch)
	pn.setNorm(1 / math.Sqrt(pn.weight()))
	return pn, nil
}

// unknownCost is the estimate of a tree estimate does not know.
const unknownCost = math.MaxUint64

// estimate returns an upper bound of the number of documents n matches,
// as the MinMatchQuery's searcher estimates its clauses: a term's count
// (with its synonyms'), the sum over a disjunction without a minimum, the
// least over a conjunction, 0 for None; unknownCost for the rest.
func (e *compiler) estimate(n expr.Node) (uint64, error) {
	sum := func(ns []uint64) uint64 {
		var s uint64
		for _, x := range ns {
			if x == unknownCost {
				return unknownCost
			}
			s += x
		}
		return s
	}
	switch n := n.(type) {
	case expr.All:
		return e.estimate(e.all)
	case expr.Term:
		syns, err := e.synonyms(n.Field, n.Term)
		if err != nil {
			return 0, err
		}
		var ns []uint64
		for _, t := range append([]string{n.Term}, syns...) {
			p, err := e.postings(n.Field, t)
			if err != nil {
				return 0, err
			}
			ns = append(ns, uint64(len(p.docs)))
		}
		return sum(ns), nil
	case expr.Or:
		if n.Min >= 2 {
			return unknownCost, nil
		}
		var ns []uint64
		for _, c := range n.Clauses {
			x, err := e.estimate(c)
			if err != nil {
				return 0, err
			}
			ns = append(ns, x)
		}
		return sum(ns), nil
	case expr.And:
		m := uint64(unknownCost)
		for _, c := range n.Clauses {
			x, err := e.estimate(c)
			if err != nil {
				return 0, err
			}
			m = min(m, x)
		}
		return m, nil
	case expr.None:
		return 0, nil
	}
	return unknownCost, nil
}
