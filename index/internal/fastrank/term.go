package fastrank

import "sort"

// termNode is Bleve's TermSearcher.
type termNode struct {
	p     *postings
	i     int
	cur   uint32
	boost float64
	qw    float64 // query weight: boost × idf × query norm
}

func newTermNode(p *postings, boost float64) *termNode {
	n := &termNode{p: p, boost: boost, qw: 1, cur: noDoc}
	if len(p.docs) > 0 {
		n.cur = p.docs[0]
	}
	return n
}

func (n *termNode) advance(t uint32) uint32 {
	if n.cur >= t {
		return n.cur
	}
	return n.seek(t)
}

// seek moves to the first posting at or after t, past the current one.
func (n *termNode) seek(t uint32) uint32 {
	docs := n.p.docs
	i := n.i + 1
	// A few steps, then galloping and a binary search.
	for k := 0; k < 4 && i < len(docs) && docs[i] < t; k++ {
		i++
	}
	if i < len(docs) && docs[i] < t {
		lo, step := i, 8
		hi := lo + step
		for hi < len(docs) && docs[hi] < t {
			lo = hi
			step <<= 1
			hi = lo + step
		}
		hi = min(hi, len(docs))
		i = lo + 1 + sort.Search(hi-lo-1, func(k int) bool { return docs[lo+1+k] >= t })
	}
	n.i = i
	if i >= len(docs) {
		n.cur = noDoc
	} else {
		n.cur = docs[i]
	}
	return n.cur
}

func (n *termNode) doc() uint32 { return n.cur }

func (n *termNode) score() float64 {
	s := n.p.score[n.i]
	if n.qw != 1.0 {
		s = s * n.qw
	}
	return s
}

func (n *termNode) count() uint64 { return n.p.count }

func (n *termNode) weight() float64 {
	sum := n.boost * n.p.idf
	return sum * sum
}

func (n *termNode) setNorm(qn float64) { n.qw = n.boost * n.p.idf * qn }

func (n *termNode) collect(doc uint32, ms matchSet) {
	if n.advance(doc) == doc {
		ms.all(n.p)
	}
}
