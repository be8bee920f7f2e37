package fastrank

import (
	"github.com/blevesearch/bleve/v2/search/searcher"

	"github.com/iq-search/iq/index/expr"
)

// Supports reports whether the fast ranker ranks tree exactly as Bleve's
// searchers rank bleveq.Query(tree): a static check of the tree, made
// before ranking, so that a search never starts one way and ends the
// other. The ranker takes every node kind but IDs, and refuses
//
//   - an Or of more clauses, or a phrase position of more alternatives,
//     than searcher.DisjunctionHeapTakeover: Bleve's heap disjunction
//     sums its clauses' scores in heap order, which the ranker does not
//     mirror;
//   - a Bool without Must (Bleve then drives by Should, or by every
//     document);
//   - a Term or Phrase without a field, a phrase word "" (Bleve reads it
//     as any word), and a phrase with no word.
//
// What depends on the index rather than the tree (one shard, BM25, the
// largest synonym group) is Check's, once per index.
func Supports(tree expr.Node) bool {
	if tree == nil {
		return false
	}
	ok := true
	expr.Walk(tree, func(n expr.Node) bool {
		switch n := n.(type) {
		case expr.Term:
			ok = n.Field != ""
		case expr.Phrase:
			ok = phraseOK(n)
		case expr.Or:
			ok = len(n.Clauses) <= searcher.DisjunctionHeapTakeover
		case expr.Bool:
			ok = len(n.Must) > 0
		case expr.And, expr.All, expr.None:
		default: // expr.IDs, nil, another package's node
			ok = false
		}
		return ok
	})
	return ok
}

func phraseOK(p expr.Phrase) bool {
	if p.Field == "" {
		return false
	}
	words := 0
	for _, alts := range p.Terms {
		if len(alts) > searcher.DisjunctionHeapTakeover {
			return false
		}
		for _, t := range alts {
			if t == "" {
				return false
			}
		}
		words += len(alts)
	}
	if len(p.Terms) == 1 {
		return len(p.Terms[0]) > 0
	}
	return words > 0
}
