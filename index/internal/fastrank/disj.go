package fastrank

import "math"

// disjNode is Bleve's DisjunctionSliceSearcher: a document matching at
// least min children, scored as the sum of their scores (in child order)
// times the share of children matched. (Above
// searcher.DisjunctionHeapTakeover children Bleve takes its heap
// searcher, which sums in another order: Supports keeps such trees away.)
type disjNode struct {
	ch  []node
	min int
	cur uint32
}

func newDisjNode(ch []node, min int) node {
	sortByCount(ch)
	if len(ch) > 0 {
		setNorms(ch, 1.0/math.Sqrt(sumWeights(ch)))
	}
	if min <= 1 {
		// Most disjunctions are of terms (a word in three fields, a
		// term and its synonyms): called directly, not through node.
		ts := make([]*termNode, 0, len(ch))
		for _, c := range ch {
			if t, ok := c.(*termNode); ok {
				ts = append(ts, t)
			}
		}
		if len(ts) == len(ch) {
			return &termDisjNode{disjNode: disjNode{ch: ch, min: min}, ts: ts}
		}
	}
	return &disjNode{ch: ch, min: min}
}

func (d *disjNode) advance(t uint32) uint32 {
	if d.cur >= t && t != 0 {
		return d.cur
	}
	for {
		m := uint32(noDoc)
		for _, c := range d.ch {
			if x := c.advance(t); x < m {
				m = x
			}
		}
		if m == noDoc || d.min <= 1 {
			d.cur = m
			return m
		}
		k := 0
		for _, c := range d.ch {
			if c.doc() == m {
				k++
			}
		}
		if k >= d.min {
			d.cur = m
			return m
		}
		t = m + 1
	}
}

func (d *disjNode) doc() uint32 { return d.cur }

func (d *disjNode) score() float64 {
	var sum float64
	k := 0
	for _, c := range d.ch {
		if c.doc() == d.cur {
			sum += c.score()
			k++
		}
	}
	coord := float64(k) / float64(len(d.ch))
	return sum * coord
}

func (d *disjNode) count() uint64 { return sumCounts(d.ch) }

func (d *disjNode) weight() float64    { return sumWeights(d.ch) }
func (d *disjNode) setNorm(qn float64) { setNorms(d.ch, qn) }

func (d *disjNode) collect(doc uint32, ms matchSet) { collectMatching(d.ch, doc, ms) }

// termDisjNode is a disjNode of term nodes without a minimum.
type termDisjNode struct {
	disjNode
	ts []*termNode
}

func (d *termDisjNode) advance(t uint32) uint32 {
	if d.cur >= t && t != 0 {
		return d.cur
	}
	m := uint32(noDoc)
	for _, c := range d.ts {
		x := c.cur
		if x < t {
			x = c.seek(t)
		}
		m = min(m, x)
	}
	d.cur = m
	return m
}

func (d *termDisjNode) score() float64 {
	var sum float64
	k := 0
	for _, c := range d.ts {
		if c.cur == d.cur {
			sum += c.score()
			k++
		}
	}
	coord := float64(k) / float64(len(d.ts))
	return sum * coord
}

func (d *disjNode) bits(words int) bitset {
	if d.min >= 2 {
		return atLeast(d.ch, d.min, words)
	}
	s := newSet(words)
	for _, c := range d.ch {
		s = orNode(s, c, words)
	}
	return s
}

// bound is score's sum over the children that may match, times the share
// of them.
func (d *disjNode) bound(b uint32) float64 {
	sum, k := boundSum(d.ch, b)
	if k == 0 || k < d.min {
		return absent
	}
	coord := float64(k) / float64(len(d.ch))
	return sum * coord
}
