package fastrank

import (
	"math"
	"sort"
)

// A node is a searcher over decoded postings, standing for one of Bleve's
// searchers. advance moves to the first matching document at or after t
// (t never decreases) and returns it, or noDoc; doc is the current
// document; score is its score; count and weight are Bleve's Count and
// Weight of the searcher, setNorm its SetQueryNorm. collect adds the
// terms through which the node matches doc (which it is on) to a matchSet:
// the clauses Bleve's searchers would report term locations for.
//
// One kind of node per file, named after Bleve's searcher it mirrors:
// term.go, disj.go, minmatch.go, conj.go, phrase.go, bool.go, none.go.
type node interface {
	advance(t uint32) uint32
	doc() uint32
	score() float64
	count() uint64
	weight() float64
	setNorm(n float64)
	collect(doc uint32, ms matchSet)
	// bits returns the documents the node matches, in a set the caller
	// owns; bound an upper bound of the score of its documents in block b
	// (document numbers b<<shift to (b+1)<<shift-1), or absent when it
	// matches none there (prune.go). bound is asked of increasing blocks.
	bits(words int) bitset
	bound(b uint32) float64
}

// noDoc is past every document.
const noDoc = math.MaxUint32

func sumWeights(ns []node) float64 {
	var rv float64
	for _, n := range ns {
		rv += n.weight()
	}
	return rv
}

// sumCounts is a composite searcher's Count in Bleve: its children's,
// summed.
func sumCounts(ns []node) uint64 {
	var rv uint64
	for _, n := range ns {
		rv += n.count()
	}
	return rv
}

func setNorms(ns []node, qn float64) {
	for _, n := range ns {
		n.setNorm(qn)
	}
}

// collectMatching collects the clauses of a disjunction that match doc.
func collectMatching(ch []node, doc uint32, ms matchSet) {
	for _, c := range ch {
		if c.advance(doc) == doc {
			c.collect(doc, ms)
		}
	}
}

// sortByCount sorts ns by count as Bleve's searcher.OrderedSearcherList
// does (sort.Sort, so that equal counts end in Bleve's order too: scores
// are summed in this order, and come out bit for bit the same) and
// returns the original index of each.
func sortByCount(ns []node) []int {
	b := &byCount{ns, make([]int, len(ns))}
	for i := range b.idx {
		b.idx[i] = i
	}
	sort.Sort(b)
	return b.idx
}

type byCount struct {
	ns  []node
	idx []int
}

func (b *byCount) Len() int           { return len(b.ns) }
func (b *byCount) Less(i, j int) bool { return b.ns[i].count() < b.ns[j].count() }
func (b *byCount) Swap(i, j int) {
	b.ns[i], b.ns[j] = b.ns[j], b.ns[i]
	b.idx[i], b.idx[j] = b.idx[j], b.idx[i]
}
