package index

import (
	"fmt"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search/query"

	"github.com/iq-search/iq/index/expr"
)

// bleveQuery compiles a query tree into the Bleve query that matches and
// scores the same: Term a TermQuery, And a ConjunctionQuery, Or a
// DisjunctionQuery (minMatchQuery from a minimum of 2: the same hits and
// scores, found by stepping through the rarest clauses), Bool a
// BooleanQuery, IDs a DocIDQuery, Phrase an exactPhrase (the phrase/synonym workaround), All
// the records (not the synonym definitions), None MatchNoneQuery.
func bleveQuery(n expr.Node) (query.Query, error) {
	all := func(ns []expr.Node) ([]query.Query, error) {
		qs := make([]query.Query, 0, len(ns))
		for _, c := range ns {
			q, err := bleveQuery(c)
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
		return &exactPhrase{field: n.Field, terms: n.Terms, boost: n.Boost}, nil
	case expr.And:
		qs, err := all(n.Clauses)
		if err != nil {
			return nil, err
		}
		return bleve.NewConjunctionQuery(qs...), nil
	case expr.Or:
		qs, err := all(n.Clauses)
		if err != nil {
			return nil, err
		}
		if n.Min >= 2 {
			return newMinMatchQuery(n.Min, qs...), nil
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
			qs, err := all(part.ns)
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
		return allRecords(), nil
	case expr.None:
		return bleve.NewMatchNoneQuery(), nil
	}
	return nil, fmt.Errorf("search: query node %T is not one of package expr's", n)
}
