package bleveq

import (
	"fmt"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search/query"

	"github.com/iq-search/iq/index/expr"
)

// Query compiles a query tree into the Bleve query that matches and scores
// the same: Term a TermQuery, And a ConjunctionQuery, Or a
// DisjunctionQuery (a MinMatchQuery from a minimum of 2: the same hits and
// scores, found by stepping through the rarest clauses), Bool a
// BooleanQuery, IDs a DocIDQuery, Phrase an ExactPhrase (the
// phrase/synonym workaround), None a MatchNoneQuery, and All the query
// all (the index's query for every record: Bleve's match-all would also
// match the synonym definitions it stores as documents).
func Query(n expr.Node, all query.Query) (query.Query, error) {
	each := func(ns []expr.Node) ([]query.Query, error) {
		qs := make([]query.Query, 0, len(ns))
		for _, c := range ns {
			q, err := Query(c, all)
			if err != nil {
				return nil, err
			}
			qs = append(qs, q)
		}
		return qs, nil
	}
	switch n := n.(type) {
	case expr.Term:
		q := bleve.NewTermQuery(n.Term)
		q.SetField(n.Field)
		q.SetBoost(n.Boost)
		return q, nil
	case expr.Phrase:
		return &ExactPhrase{Field: n.Field, Terms: n.Terms, Boost: n.Boost}, nil
	case expr.And:
		qs, err := each(n.Clauses)
		if err != nil {
			return nil, err
		}
		return bleve.NewConjunctionQuery(qs...), nil
	case expr.Or:
		qs, err := each(n.Clauses)
		if err != nil {
			return nil, err
		}
		if n.Min >= 2 {
			return NewMinMatchQuery(n.Min, qs...), nil
		}
		d := bleve.NewDisjunctionQuery(qs...)
		if n.Min > 0 {
			d.SetMin(float64(n.Min))
		}
		return d, nil
	case expr.Bool:
		b := bleve.NewBooleanQuery()
		for _, part := range []struct {
			ns  []expr.Node
			add func(...query.Query)
		}{{n.Must, b.AddMust}, {n.Should, b.AddShould}, {n.Not, b.AddMustNot}} {
			qs, err := each(part.ns)
			if err != nil {
				return nil, err
			}
			if len(qs) > 0 {
				part.add(qs...)
			}
		}
		return b, nil
	case expr.IDs:
		return bleve.NewDocIDQuery(n.IDs), nil
	case expr.All:
		return all, nil
	case expr.None:
		return bleve.NewMatchNoneQuery(), nil
	}
	return nil, fmt.Errorf("search: query node %T is not one of package expr's", n)
}
