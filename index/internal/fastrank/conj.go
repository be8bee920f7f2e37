package fastrank

import "math"

// conjNode is Bleve's ConjunctionSearcher: documents matching every child,
// scored as the sum in child order.
type conjNode struct {
	ch  []node
	cur uint32
}

func newConjNode(ch []node) *conjNode {
	sortByCount(ch)
	c := &conjNode{ch: ch}
	setNorms(ch, 1.0/math.Sqrt(sumWeights(ch)))
	return c
}

func (c *conjNode) advance(t uint32) uint32 {
	if c.cur >= t && t != 0 {
		return c.cur
	}
	for {
		x := c.ch[0].advance(t)
		if x == noDoc {
			c.cur = noDoc
			return noDoc
		}
		ok := true
		for _, o := range c.ch[1:] {
			if y := o.advance(x); y != x {
				ok = false
				t = y
				break
			}
		}
		if ok {
			c.cur = x
			return x
		}
		if t == noDoc {
			c.cur = noDoc
			return noDoc
		}
	}
}

func (c *conjNode) doc() uint32 { return c.cur }

func (c *conjNode) score() float64 {
	var sum float64
	for _, o := range c.ch {
		sum += o.score()
	}
	return sum
}

func (c *conjNode) count() uint64 { return sumCounts(c.ch) }

func (c *conjNode) weight() float64    { return sumWeights(c.ch) }
func (c *conjNode) setNorm(qn float64) { setNorms(c.ch, qn) }

func (c *conjNode) collect(doc uint32, ms matchSet) {
	for _, o := range c.ch {
		o.collect(doc, ms)
	}
}

func (c *conjNode) bits(words int) bitset {
	s := nodeBits(c.ch[0], words)
	for _, o := range c.ch[1:] {
		s = andNode(s, o, words)
	}
	return s
}

func (c *conjNode) bound(b uint32) float64 {
	sum, k := boundSum(c.ch, b)
	if k < len(c.ch) {
		return absent
	}
	return sum
}
