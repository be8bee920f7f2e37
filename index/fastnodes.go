package index

import (
	"math"
	"sort"
)

// A node is a searcher over decoded postings. advance moves to the first
// matching document at or after t (t never decreases) and returns it, or
// noDoc; score is the current document's score, count and weight are
// Bleve's Count and Weight of the searcher it stands for, setNorm its
// SetQueryNorm.
type node interface {
	advance(t uint32) uint32
	doc() uint32
	score() float64
	count() uint64
	weight() float64
	setNorm(n float64)
}

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

// locations returns the current document's locations (postings with
// positions only).
func (n *termNode) locations() []uint64 {
	return n.p.locs[n.p.off[n.i]:n.p.off[n.i+1]]
}

// disjNode is Bleve's DisjunctionSliceSearcher: a document matching at
// least min children, scored as the sum of their scores (in child order)
// times the share of children matched.
type disjNode struct {
	ch  []node
	min int
	cur uint32
}

func newDisjNode(ch []node, min int) node {
	sortByCount(ch, node.count)
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

// minMatchNode is minMatchSearcher: Bleve's disjunction with a minimum,
// whose candidates come from the len-min+1 children that match the fewest
// documents.
type minMatchNode struct {
	disjNode
	lead  []node
	other []node
}

func newMinMatchNode(ch []node, min int, cost []uint64) *minMatchNode {
	// Children and costs sorted together, as minMatchSearcher does.
	idx := sortByCount(ch, node.count)
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

// conjNode is Bleve's ConjunctionSearcher: documents matching every child,
// scored as the sum in child order.
type conjNode struct {
	ch  []node
	cur uint32
}

func newConjNode(ch []node) *conjNode {
	sortByCount(ch, node.count)
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

// phraseNode is the ranking pass's phrase searcher: the conjunction of the
// positions' terms, kept where the words stand in order.
type phraseNode struct {
	conjNode
	pos [][]*termNode // alternatives per position (nil: any word)
}

func (p *phraseNode) advance(t uint32) uint32 {
	if p.cur >= t && t != 0 {
		return p.cur
	}
	for {
		x := p.conjNode.advance(t)
		if x == noDoc || p.inOrder(x) {
			p.cur = x
			return x
		}
		t = x + 1
	}
}

// inOrder is query's inOrder over decoded locations: a location of a
// first-position word followed, at each next position, by one of its words.
func (p *phraseNode) inOrder(doc uint32) bool {
	pos := p.pos
	for len(pos) > 0 && len(pos[0]) == 0 {
		pos = pos[1:]
	}
	if len(pos) == 0 {
		return false
	}
	has := func(i int, want uint64) bool {
		for _, a := range pos[i] {
			if a.advance(doc) != doc {
				continue
			}
			for _, l := range a.locations() {
				if l == want {
					return true
				}
			}
		}
		return false
	}
	for _, a := range pos[0] {
		if a.advance(doc) != doc {
			continue
		}
		for _, l := range a.locations() {
			ok := true
			for i := 1; i < len(pos) && ok; i++ {
				if len(pos[i]) > 0 {
					ok = has(i, l+uint64(i))
				}
			}
			if ok {
				return true
			}
		}
	}
	return false
}

// noneNode is Bleve's MatchNoneSearcher.
type noneNode struct{}

func (noneNode) advance(uint32) uint32 { return noDoc }
func (noneNode) doc() uint32           { return noDoc }
func (noneNode) score() float64        { return 0 }
func (noneNode) count() uint64         { return 0 }
func (noneNode) weight() float64       { return 0 }
func (noneNode) setNorm(float64)       {}

// boolNode is Bleve's BooleanSearcher with a must clause: must and not
// mustNot, scored as must plus should where should matches.
type boolNode struct {
	must, should, not node
	cur               uint32
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

func (b *boolNode) computeNorm() {
	sum := 0.0
	sum += b.must.weight()
	if b.should != nil {
		sum += b.should.weight()
	}
	b.setNorm(1.0 / math.Sqrt(sum))
}
