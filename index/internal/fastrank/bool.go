package fastrank

import "math"

// boolNode is Bleve's BooleanSearcher with a must clause: must and not
// mustNot, scored as must plus should where should matches.
type boolNode struct {
	must, should, not node
	cur               uint32
}

func newBoolNode(must, should, not node) *boolNode {
	b := &boolNode{must: must, should: should, not: not}
	sum := 0.0
	sum += b.must.weight()
	if b.should != nil {
		sum += b.should.weight()
	}
	b.setNorm(1.0 / math.Sqrt(sum))
	return b
}

func (b *boolNode) advance(t uint32) uint32 {
	if b.cur >= t && t != 0 {
		return b.cur
	}
	for {
		x := b.must.advance(t)
		if x != noDoc && b.not != nil && b.not.advance(x) == x {
			t = x + 1
			continue
		}
		b.cur = x
		return x
	}
}

func (b *boolNode) doc() uint32 { return b.cur }

func (b *boolNode) score() float64 {
	var sum float64
	sum += b.must.score()
	if b.should != nil && b.should.advance(b.cur) == b.cur {
		sum += b.should.score()
	}
	return sum
}

func (b *boolNode) count() uint64 {
	var sum uint64
	sum += b.must.count()
	if b.should != nil {
		sum += b.should.count()
	}
	return sum
}

func (b *boolNode) weight() float64 {
	var rv float64
	rv += b.must.weight()
	if b.should != nil {
		rv += b.should.weight()
	}
	return rv
}

func (b *boolNode) setNorm(qn float64) {
	b.must.setNorm(qn)
	if b.should != nil {
		b.should.setNorm(qn)
	}
}

func (b *boolNode) collect(doc uint32, ms matchSet) {
	b.must.collect(doc, ms)
	if b.should != nil && b.should.advance(doc) == doc {
		b.should.collect(doc, ms)
	}
}

func (b *boolNode) bits(words int) bitset {
	s := nodeBits(b.must, words)
	if b.not != nil {
		if t, ok := b.not.(*termNode); ok && t.p.dense() == nil {
			for _, d := range t.p.docs {
				if int(d>>6) < len(s) {
					s[d>>6] &^= 1 << (d & 63)
				}
			}
		} else {
			o := nodeBits(b.not, words)
			s = s.andNotSet(o)
			freeSet(o)
		}
	}
	return s
}

func (b *boolNode) bound(blk uint32) float64 {
	m := b.must.bound(blk)
	if m == absent {
		return absent
	}
	sum := m
	if b.should != nil {
		if s := b.should.bound(blk); s != absent {
			sum += s
		}
	}
	return sum
}
