package fastrank

import (
	"math"
	"sort"
)

// termNode is Bleve's TermSearcher.
type termNode struct {
	p     *postings
	i     int
	cur   uint32
	boost float64
	qw    float64 // query weight: boost × idf × query norm
	bj    int     // bound's place in the postings, without blockMax
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
	s := n.p.scoreAt(n.i)
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

func (n *termNode) bits(words int) bitset { return nodeBits(n, words) }

// bound is the highest score of the term in block b: looked up, or found
// among the block's postings when the term has fewer postings than blocks.
func (n *termNode) bound(b uint32) float64 {
	p := n.p
	var m float64
	if p.extras(); p.blockMax != nil {
		if int(b) >= len(p.blockMax) || p.blockMax[b] == absent {
			return absent
		}
		m = float64(p.blockMax[b])
	} else {
		docs, j := p.docs, n.bj
		for j < len(docs) && docs[j]>>p.shift < b {
			j++
		}
		n.bj = j
		if j == len(docs) || docs[j]>>p.shift != b {
			return absent
		}
		m = p.scoreAt(j)
		for j++; j < len(docs) && docs[j]>>p.shift == b; j++ {
			m = max(m, p.scoreAt(j))
		}
	}
	if n.qw < 0 {
		return math.Inf(1)
	}
	if n.qw != 1.0 {
		m = m * n.qw
	}
	return max(m, 0)
}
