package fastrank

import (
	"math"
	"sort"
)

// minMatchNode is bleveq.MinMatchQuery's searcher: Bleve's disjunction
// with a minimum, whose candidates come from the len-min+1 children that
// match the fewest documents (by estimate: cost).
type minMatchNode struct {
	disjNode
	lead  []node
	other []node
}

func newMinMatchNode(ch []node, min int, cost []uint64) *minMatchNode {
	// Children and costs sorted together, as the MinMatchQuery's
	// searcher does.
	idx := sortByCount(ch)
	n := &minMatchNode{disjNode: disjNode{ch: ch, min: min}}
	byCost := make([]int, len(ch))
	for i := range byCost {
		byCost[i] = i
	}
	sort.SliceStable(byCost, func(a, b int) bool { return cost[idx[byCost[a]]] < cost[idx[byCost[b]]] })
	isLead := make([]bool, len(ch))
	for _, i := range byCost[:len(ch)-min+1] {
		isLead[i] = true
	}
	for i, c := range ch {
		if isLead[i] {
			n.lead = append(n.lead, c)
		} else {
			n.other = append(n.other, c)
		}
	}
	setNorms(ch, 1/math.Sqrt(sumWeights(ch)))
	return n
}

func (n *minMatchNode) advance(t uint32) uint32 {
	if n.cur >= t && t != 0 {
		return n.cur
	}
	for {
		m := uint32(noDoc)
		for _, c := range n.lead {
			if x := c.advance(t); x < m {
				m = x
			}
		}
		if m == noDoc {
			n.cur = noDoc
			return noDoc
		}
		k := 0
		for _, c := range n.lead {
			if c.doc() == m {
				k++
			}
		}
		for i, c := range n.other {
			if k+len(n.other)-i < n.min {
				break
			}
			if c.advance(m) == m {
				k++
			}
		}
		if k >= n.min {
			n.cur = m
			return m
		}
		t = m + 1
	}
}

func (n *minMatchNode) score() float64 {
	// Every child is at or past the document; those on it match.
	for _, c := range n.other {
		c.advance(n.cur)
	}
	return n.disjNode.score()
}
