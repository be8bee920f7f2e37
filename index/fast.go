package index

import (
	"context"
	"encoding/binary"
	"fmt"
	"math"
	"runtime"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/mapping"
	bsearch "github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
	"github.com/blevesearch/bleve/v2/search/scorer"
	bindex "github.com/blevesearch/bleve_index_api"

	"github.com/iq-search/iq/ingest"
)

// The fast ranking pass. Index.Search ranks a query's matches by running
// Bleve's searchers, which cost ~1.5–2.5 µs per hit at 100k records
// (decoding chunked postings, a pooled DocumentMatch per term and clause,
// location merging): queries of common words with 10k–30k hits made the
// p99. The fast pass runs the same query over postings decoded once into
// arrays and kept in memory (document numbers and each posting's BM25 term
// score), with small iterators that mirror Bleve's searchers: the same
// matches, and the same scores bit for bit, because every score is built by
// the same float operations in the same order (children sorted by Count as
// Bleve sorts them, sums in that order, coord, query norm from the root).
// TestFastMatchesBleve checks hits, order, scores, totals and facets against
// Bleve's searchers over the corpus and synthetic records.
//
// It covers the query types iq builds (boolean, conjunction, disjunction,
// term with synonyms, MinMatchQuery, exact phrases, match-none) on a
// single-shard BM25 index; anything else returns errNotFast and runs
// through Bleve.

// PhraseQuery is implemented by a query that matches an exact phrase of
// one field with slop 0 and no synonym expansion, as Bleve's multi-phrase
// searcher does with terms (alternatives per position, empty positions
// skipped), scored as the conjunction of its terms with boost. For one
// position it is scored as its terms (a disjunction when there are
// several). The fast ranking pass matches such queries from positions
// held in memory.
type PhraseQuery interface {
	query.Query
	Phrase() (field string, terms [][]string, boost float64)
}

var errNotFast = fmt.Errorf("query not supported by the fast pass")

const noDoc = math.MaxUint32

// postings is one term's postings in one field, decoded.
type postings struct {
	field string
	term  string
	docs  []uint32
	score []float64 // Bleve's BM25 term score before the query weight
	count uint64    // the term reader's Count, for idf and ordering
	idf   float64
	// With positions: the locations of posting i are locs[off[i]:off[i+1]],
	// each array position (plus one; 0 for none) << 32 | position.
	off  []uint32
	locs []uint64
}

func (p *postings) bytes() int {
	return 64 + len(p.docs)*4 + len(p.score)*8 + len(p.off)*4 + len(p.locs)*8
}

type postKey struct {
	field, term string
	locs        bool
}

// postingCache holds decoded postings of one snapshot. An Index is
// read-only, so the snapshot never changes; the cache is emptied when it
// grows past maxPostingBytes.
type postingCache struct {
	mu    sync.Mutex
	snap  bindex.IndexReader
	m     map[postKey]*postings
	avg   map[string]float64
	total uint64
	bytes int
}

// maxPostingBytes bounds the decoded postings kept (~12 bytes a posting,
// 20 with positions): at 100k records the postings of a few hundred common
// terms.
const maxPostingBytes = 512 << 20

// fastEnv is what compiling a query against one snapshot needs.
type fastEnv struct {
	ctx  context.Context
	snap bindex.IndexReader
	m    mapping.IndexMapping
	c    *postingCache
}

func (ix *Index) postingCache(snap bindex.IndexReader) (*postingCache, error) {
	c := &ix.posts
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.snap != snap || c.m == nil || c.bytes > maxPostingBytes {
		total, err := snap.DocCount()
		if err != nil {
			return nil, err
		}
		c.snap, c.total, c.bytes = snap, total, 0
		c.m = map[postKey]*postings{}
		c.avg = map[string]float64{}
	}
	return c, nil
}

// avgLen returns Bleve's BM25 average field length (bm25ScoreMetrics).
func (e *fastEnv) avgLen(field string) (float64, error) {
	c := e.c
	c.mu.Lock()
	a, ok := c.avg[field]
	c.mu.Unlock()
	if ok {
		return a, nil
	}
	br, ok := e.snap.(bindex.BM25Reader)
	if !ok {
		return 0, errNotFast
	}
	card, err := br.FieldCardinality(field)
	if err != nil {
		return 0, err
	}
	if c.total == 0 && card == 0 {
		a = 0
	} else {
		a = math.Ceil(float64(card) / float64(c.total))
	}
	c.mu.Lock()
	c.avg[field] = a
	c.mu.Unlock()
	return a, nil
}

// postings returns the decoded postings of term in field.
func (e *fastEnv) postings(field, term string, locs bool) (*postings, error) {
	k := postKey{field, term, locs}
	c := e.c
	c.mu.Lock()
	p := c.m[k]
	c.mu.Unlock()
	if p != nil {
		return p, nil
	}
	avg, err := e.avgLen(field)
	if err != nil {
		return nil, err
	}
	if avg <= 0 {
		return nil, errNotFast // Bleve scores by tf-idf then
	}
	tfr, err := e.snap.TermFieldReader(e.ctx, []byte(term), field, true, true, locs)
	if err != nil {
		return nil, err
	}
	defer tfr.Close()
	p = &postings{field: field, term: term, count: tfr.Count()}
	p.idf = math.Log(1 + (float64(c.total)-float64(p.count)+0.5)/(float64(p.count)+0.5))
	if locs {
		p.off = append(p.off, 0)
	}
	tfd := &bindex.TermFieldDoc{}
	for {
		d, err := tfr.Next(tfd.Reset())
		if err != nil {
			return nil, err
		}
		if d == nil {
			break
		}
		num, ok := docNum(d.ID)
		if !ok {
			return nil, fmt.Errorf("read %s:%s: internal ID %x is not a document number", field, term, d.ID)
		}
		p.docs = append(p.docs, num)
		// scorer.TermQueryScorer.docScore, BM25, term for term.
		var tf float64
		if d.Freq < scorer.MaxSqrtCache {
			tf = scorer.SqrtCache[int(d.Freq)]
		} else {
			tf = math.Sqrt(float64(d.Freq))
		}
		fieldLength := 1 / (d.Norm * d.Norm)
		s := p.idf * (tf * bsearch.BM25_k1) /
			(tf + bsearch.BM25_k1*(1-bsearch.BM25_b+(bsearch.BM25_b*fieldLength/avg)))
		p.score = append(p.score, s)
		if locs {
			for _, v := range d.Vectors {
				var ap uint64
				switch len(v.ArrayPositions) {
				case 0:
				case 1:
					ap = v.ArrayPositions[0] + 1
				default:
					return nil, errNotFast
				}
				if v.Pos >= 1<<32 || ap >= 1<<31 {
					return nil, errNotFast
				}
				p.locs = append(p.locs, ap<<32|v.Pos)
			}
			p.off = append(p.off, uint32(len(p.locs)))
		}
	}
	c.mu.Lock()
	if old := c.m[k]; old != nil {
		p = old
	} else {
		c.m[k] = p
		c.bytes += p.bytes()
	}
	c.mu.Unlock()
	return p, nil
}

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

// sortByCount orders nodes as Bleve's searcher.OrderedSearcherList sort
// does: sort.Sort by Count, so that equal counts end in the same order.
func sortByCount(ns []node) {
	sort.Sort(byNodeCount(ns))
}

type byNodeCount []node

func (b byNodeCount) Len() int           { return len(b) }
func (b byNodeCount) Less(i, j int) bool { return b[i].count() < b[j].count() }
func (b byNodeCount) Swap(i, j int)      { b[i], b[j] = b[j], b[i] }

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

func newMinMatchNode(ch []node, min int, cost []int) *minMatchNode {
	// Children and costs sorted together, as minMatchSearcher does.
	idx := make([]int, len(ch))
	for i := range idx {
		idx[i] = i
	}
	sort.Sort(&nodesByCount{ch, idx})
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

type nodesByCount struct {
	ns  []node
	idx []int
}

func (b *nodesByCount) Len() int           { return len(b.ns) }
func (b *nodesByCount) Less(i, j int) bool { return b.ns[i].count() < b.ns[j].count() }
func (b *nodesByCount) Swap(i, j int) {
	b.ns[i], b.ns[j] = b.ns[j], b.ns[i]
	b.idx[i], b.idx[j] = b.idx[j], b.idx[i]
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

// compile builds the node for q as q.Searcher would build its searcher,
// with fts the synonym map Bleve's searchers would see in their context.
func (e *fastEnv) compile(q query.Query, fts bsearch.FieldTermSynonymMap) (node, error) {
	switch q := q.(type) {
	case *query.TermQuery:
		field := q.FieldVal
		if field == "" {
			return nil, errNotFast
		}
		p, err := e.postings(field, q.Term, false)
		if err != nil {
			return nil, err
		}
		boost := q.BoostVal.Value()
		syns := fts[field][q.Term]
		if len(syns) == 0 {
			return newTermNode(p, boost), nil
		}
		// searcher.NewSynonymSearcher: the term, and each synonym at
		// half the boost, in a disjunction without a minimum.
		ch := []node{newTermNode(p, boost)}
		for _, s := range syns {
			sp, err := e.postings(field, s, false)
			if err != nil {
				return nil, err
			}
			ch = append(ch, newTermNode(sp, boost/2.0))
		}
		if len(ch) > 10 {
			return nil, errNotFast // Bleve's heap disjunction
		}
		return newDisjNode(ch, 0), nil
	case *query.ConjunctionQuery:
		ch, err := e.compileAll(q.Conjuncts, fts)
		if err != nil {
			return nil, err
		}
		if len(ch) == 0 {
			return noneNode{}, nil
		}
		return newConjNode(ch), nil
	case *query.DisjunctionQuery:
		ch, err := e.compileAll(q.Disjuncts, fts)
		if err != nil {
			return nil, err
		}
		if len(ch) == 0 {
			return noneNode{}, nil
		}
		if len(ch) > 10 {
			return nil, errNotFast
		}
		return newDisjNode(ch, int(q.Min)), nil
	case *query.MatchNoneQuery:
		return noneNode{}, nil
	case *MinMatchQuery:
		if q.Min <= 1 {
			d := query.NewDisjunctionQuery(q.Disjuncts)
			d.SetMin(float64(q.Min))
			return e.compile(d, fts)
		}
		// MinMatchQuery collects its clauses' synonyms itself.
		inner := bsearch.FieldTermSynonymMap{}
		var err error
		if inner, err = e.synonymMap(query.NewDisjunctionQuery(q.Disjuncts)); err != nil {
			return nil, err
		}
		ch, err := e.compileAll(q.Disjuncts, inner)
		if err != nil {
			return nil, err
		}
		if len(ch) < q.Min {
			return noneNode{}, nil
		}
		if len(ch) > 10 {
			return nil, errNotFast
		}
		cost := make([]int, len(ch))
		for i, d := range q.Disjuncts {
			cost[i] = e.estimate(d, inner)
		}
		return newMinMatchNode(ch, q.Min, cost), nil
	case *query.BooleanQuery:
		return e.compileBool(q, fts)
	case PhraseQuery:
		return e.compilePhrase(q)
	}
	return nil, errNotFast
}

func (e *fastEnv) compileAll(qs []query.Query, fts bsearch.FieldTermSynonymMap) ([]node, error) {
	ns := make([]node, 0, len(qs))
	for _, q := range qs {
		n, err := e.compile(q, fts)
		if err != nil {
			return nil, err
		}
		ns = append(ns, n)
	}
	return ns, nil
}

func (e *fastEnv) compileBool(q *query.BooleanQuery, fts bsearch.FieldTermSynonymMap) (node, error) {
	if q.Filter != nil || q.Must == nil {
		return nil, errNotFast
	}
	compileOpt := func(c query.Query) (node, error) {
		if c == nil {
			return nil, nil
		}
		n, err := e.compile(c, fts)
		if _, none := n.(noneNode); none {
			return nil, err
		}
		return n, err
	}
	not, err := compileOpt(q.MustNot)
	if err != nil {
		return nil, err
	}
	must, err := compileOpt(q.Must)
	if err != nil {
		return nil, err
	}
	should, err := compileOpt(q.Should)
	if err != nil {
		return nil, err
	}
	if must == nil {
		// Bleve drives by should or matches all: not handled here.
		if should == nil && not == nil {
			return noneNode{}, nil
		}
		return nil, errNotFast
	}
	if should == nil && not == nil {
		return must, nil
	}
	if d, ok := q.Should.(*query.DisjunctionQuery); ok && d.Min > 0 {
		return nil, errNotFast
	}
	b := &boolNode{must: must, should: should, not: not}
	b.computeNorm()
	return b, nil
}

func (e *fastEnv) compilePhrase(q PhraseQuery) (node, error) {
	field, terms, boost := q.Phrase()
	for _, pos := range terms {
		for _, t := range pos {
			if t == "" {
				return nil, errNotFast
			}
		}
	}
	if len(terms) == 1 {
		var ts []node
		for _, t := range terms[0] {
			p, err := e.postings(field, t, false)
			if err != nil {
				return nil, err
			}
			ts = append(ts, newTermNode(p, boost))
		}
		switch {
		case len(ts) == 0:
			return nil, errNotFast
		case len(ts) == 1:
			return ts[0], nil
		case len(ts) > 10:
			return nil, errNotFast
		}
		return newDisjNode(ts, 1), nil
	}
	ph := &phraseNode{pos: make([][]*termNode, len(terms))}
	var ch []node
	for i, pos := range terms {
		var ts []node
		for _, t := range pos {
			p, err := e.postings(field, t, true)
			if err != nil {
				return nil, err
			}
			tn := newTermNode(p, boost)
			ph.pos[i] = append(ph.pos[i], tn)
			ts = append(ts, tn)
		}
		switch {
		case len(ts) == 1:
			ch = append(ch, ts[0])
		case len(ts) > 10:
			return nil, errNotFast
		case len(ts) > 1:
			ch = append(ch, newDisjNode(ts, 1))
		}
	}
	if len(ch) == 0 {
		return nil, errNotFast
	}
	ph.conjNode = *newConjNode(ch)
	ph.setNorm(1 / math.Sqrt(ph.weight()))
	return ph, nil
}

// synonymMap is Bleve's ExtractSynonyms over q.
func (e *fastEnv) synonymMap(q query.Query) (bsearch.FieldTermSynonymMap, error) {
	sm, ok := e.m.(mapping.SynonymMapping)
	if !ok || sm.SynonymCount() == 0 {
		return nil, nil
	}
	tr, ok := e.snap.(bindex.ThesaurusReader)
	if !ok {
		return nil, nil
	}
	return query.ExtractSynonyms(e.ctx, sm, tr, q, nil)
}

// estimate is MinMatchQuery's estimate of how many documents q matches,
// from decoded postings: a term's count (with its synonyms'), the sum
// over a disjunction, the least over a conjunction.
func (e *fastEnv) estimate(q query.Query, fts bsearch.FieldTermSynonymMap) int {
	const unknown = math.MaxInt
	switch q := q.(type) {
	case *query.TermQuery:
		n := 0
		for _, t := range append([]string{q.Term}, fts[q.FieldVal][q.Term]...) {
			p, err := e.postings(q.FieldVal, t, false)
			if err != nil {
				return unknown
			}
			n += len(p.docs)
		}
		return n
	case *query.DisjunctionQuery:
		n := 0
		for _, c := range q.Disjuncts {
			x := e.estimate(c, fts)
			if x == unknown {
				return unknown
			}
			n += x
		}
		return n
	case *query.ConjunctionQuery:
		n := unknown
		for _, c := range q.Conjuncts {
			n = min(n, e.estimate(c, fts))
		}
		return n
	case *query.MatchNoneQuery:
		return 0
	}
	return unknown
}

// fastRank is the ranking pass of Search over decoded postings: the total,
// the n+1 best hits by score (ties by document number) with their IDs and
// scores, and facet counts through fc. It returns errNotFast when the
// query or the index is not one it handles.
//
// With byID, ties are settled by ID as Bleve's "-_score", "_id" sort
// settles them (through the snapshot's ID order, idOrder), and the n+1
// hits are exactly that sort's first n+1.
func (ix *Index) fastRank(ctx context.Context, q query.Query, n int, fc *facetCounter, byID bool) (*bleve.SearchResult, error) {
	if len(ix.shards) != 1 || ix.noFast {
		return nil, errNotFast
	}
	start := time.Now()
	sh := ix.shards[0]
	adv, err := sh.Advanced()
	if err != nil {
		return nil, err
	}
	r, err := adv.Reader()
	if err != nil {
		return nil, err
	}
	defer r.Close()
	c, err := ix.postingCache(r)
	if err != nil {
		return nil, err
	}
	e := &fastEnv{ctx: ctx, snap: r, m: sh.Mapping(), c: c}
	fts, err := e.synonymMap(q)
	if err != nil {
		return nil, err
	}
	var rank []uint32
	if byID {
		if rank, err = ix.idOrder(r); err != nil {
			return nil, err
		}
	}
	var t *facetValues
	if fc != nil {
		if t, err = ix.facetValues(r, fc.fields); err != nil {
			return nil, err
		}
	}
	// Large indexes are ranked in slices of document numbers, one
	// goroutine each, as Lucene's IndexSearcher does with an executor: a
	// query with 30k hits then takes about half as long on two cores.
	// Hits, scores, totals and facets do not depend on the slicing.
	nslices := 1
	if c.total >= parallelMinDocs {
		nslices = min(runtime.GOMAXPROCS(0), maxSlices)
	}
	if ix.slices > 0 {
		nslices = ix.slices
	}
	parts := make([]rankPart, nslices)
	var wg sync.WaitGroup
	for i := range parts {
		p := &parts[i]
		p.from = uint32(uint64(c.total) * uint64(i) / uint64(nslices))
		p.to = uint32(uint64(c.total) * uint64(i+1) / uint64(nslices))
		if i == nslices-1 {
			p.to = noDoc
		}
		if p.root, p.err = e.compile(q, fts); p.err != nil {
			return nil, p.err
		}
		if t != nil {
			p.facets = &facetPart{t: t, counts: make([]int32, len(t.values)+len(fc.fields))}
			fc.parts = append(fc.parts, p.facets)
		}
		p.top = &topHits{n: n + 1, rank: rank}
		if i == nslices-1 {
			p.rank(ctx)
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			p.rank(ctx)
		}()
	}
	wg.Wait()
	var total uint64
	var maxScore float64
	top := &topHits{n: n + 1, rank: rank}
	for _, p := range parts {
		if p.err != nil {
			return nil, p.err
		}
		total += p.total
		maxScore = max(maxScore, p.maxScore)
		for _, h := range p.top.h {
			top.add(h.score, h.doc)
		}
	}
	res := &bleve.SearchResult{
		Status:   &bleve.SearchStatus{Total: 1, Successful: 1},
		Total:    total,
		MaxScore: maxScore,
	}
	for _, h := range top.h {
		iid := make(bindex.IndexInternalID, 8)
		binary.BigEndian.PutUint64(iid, uint64(h.doc))
		id, err := r.ExternalID(iid)
		if err != nil {
			return nil, err
		}
		res.Hits = append(res.Hits, &bsearch.DocumentMatch{ID: id, IndexInternalID: iid, Score: h.score})
	}
	res.Took = time.Since(start)
	return res, nil
}

// parallelMinDocs is the index size from which fastRank ranks in slices,
// maxSlices how many at most.
const parallelMinDocs = 20000

const maxSlices = 4

// rankPart ranks the documents from..to-1 of one slice of the index.
type rankPart struct {
	from, to uint32
	root     node
	facets   *facetPart
	top      *topHits
	total    uint64
	maxScore float64
	err      error
}

func (p *rankPart) rank(ctx context.Context) {
	for d := p.root.advance(p.from); d < p.to; d = p.root.advance(d + 1) {
		if p.total&1023 == 0 {
			if p.err = ctx.Err(); p.err != nil {
				return
			}
		}
		p.total++
		s := p.root.score()
		p.maxScore = max(p.maxScore, s)
		if p.facets != nil {
			p.facets.add(d)
		}
		p.top.add(s, d)
	}
}

// topHits keeps the n best hits seen: by score, then by lower document
// number, or by ID order when rank is set (rank[doc] is the place of the
// document's ID among all IDs). h is a heap with the worst kept hit first.
type topHits struct {
	n    int
	h    []scored
	rank []uint32
}

type scored struct {
	score float64
	doc   uint32
}

// worse reports whether a ranks below b.
func (t *topHits) worse(a, b scored) bool {
	if a.score != b.score {
		return a.score < b.score
	}
	if t.rank != nil && int(a.doc) < len(t.rank) && int(b.doc) < len(t.rank) {
		return t.rank[a.doc] > t.rank[b.doc]
	}
	return a.doc > b.doc
}

// idOrder returns the place of every document's ID in ID order, by
// document number, reading the IDs the first time for a snapshot.
func (ix *Index) idOrder(r bindex.IndexReader) ([]uint32, error) {
	o := &ix.ids
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.snap == r && o.rank != nil {
		return o.rank, nil
	}
	dr, err := r.DocIDReaderAll()
	if err != nil {
		return nil, err
	}
	defer dr.Close()
	type doc struct {
		num uint32
		id  string
	}
	var docs []doc
	var maxDoc uint32
	for {
		iid, err := dr.Next()
		if err != nil {
			return nil, err
		}
		if iid == nil {
			break
		}
		num, ok := docNum(iid)
		if !ok {
			return nil, fmt.Errorf("read IDs: internal ID %x is not a document number", iid)
		}
		id, err := r.ExternalID(iid)
		if err != nil {
			return nil, err
		}
		docs = append(docs, doc{num, id})
		maxDoc = max(maxDoc, num)
	}
	slices.SortFunc(docs, func(a, b doc) int { return strings.Compare(a.id, b.id) })
	rank := make([]uint32, maxDoc+1)
	for i, d := range docs {
		rank[d.num] = uint32(i)
	}
	o.snap, o.rank = r, rank
	return rank, nil
}

// idRanks caches idOrder for the snapshot of a read-only index.
type idRanks struct {
	mu   sync.Mutex
	snap bindex.IndexReader
	rank []uint32
}

func (t *topHits) add(score float64, doc uint32) {
	s := scored{score, doc}
	if len(t.h) < t.n {
		t.h = append(t.h, s)
		for i := len(t.h) - 1; i > 0; {
			p := (i - 1) / 2
			if !t.worse(t.h[i], t.h[p]) {
				break
			}
			t.h[i], t.h[p] = t.h[p], t.h[i]
			i = p
		}
		return
	}
	if t.n == 0 || !t.worse(t.h[0], s) {
		return
	}
	t.h[0] = s
	for i := 0; ; {
		l, w := 2*i+1, i
		if l < len(t.h) && t.worse(t.h[l], t.h[w]) {
			w = l
		}
		if l+1 < len(t.h) && t.worse(t.h[l+1], t.h[w]) {
			w = l + 1
		}
		if w == i {
			break
		}
		t.h[i], t.h[w] = t.h[w], t.h[i]
		i = w
	}
}

// matchSet is what a document matched with, per field and term: every
// occurrence (all), or only the locations listed (phrase words).
type matchSet map[postKey]map[uint64]bool

func (ms matchSet) all(p *postings) {
	ms[postKey{field: p.field, term: p.term}] = nil
}

func (ms matchSet) at(p *postings, loc uint64) {
	k := postKey{field: p.field, term: p.term}
	if l, ok := ms[k]; ok {
		if l != nil {
			l[loc] = true
		}
		return
	}
	ms[k] = map[uint64]bool{loc: true}
}

// collect adds to ms the terms through which n matches doc, which n is on:
// the clauses Bleve's searchers would report term locations for.
func collect(n node, doc uint32, ms matchSet) {
	switch n := n.(type) {
	case *termNode:
		if n.advance(doc) == doc {
			ms.all(n.p)
		}
	case *phraseNode:
		n.collect(doc, ms)
	case *minMatchNode:
		for _, c := range n.ch {
			if c.advance(doc) == doc {
				collect(c, doc, ms)
			}
		}
	case *termDisjNode:
		for _, c := range n.ch {
			if c.advance(doc) == doc {
				collect(c, doc, ms)
			}
		}
	case *disjNode:
		for _, c := range n.ch {
			if c.advance(doc) == doc {
				collect(c, doc, ms)
			}
		}
	case *conjNode:
		for _, c := range n.ch {
			collect(c, doc, ms)
		}
	case *boolNode:
		collect(n.must, doc, ms)
		if n.should != nil && n.should.advance(doc) == doc {
			collect(n.should, doc, ms)
		}
	}
}

// collect adds the words of every occurrence of the phrase in doc.
func (p *phraseNode) collect(doc uint32, ms matchSet) {
	pos := p.pos
	for len(pos) > 0 && len(pos[0]) == 0 {
		pos = pos[1:]
	}
	at := func(i int, want uint64) []*termNode {
		var rv []*termNode
		for _, a := range pos[i] {
			if a.advance(doc) != doc {
				continue
			}
			for _, l := range a.locations() {
				if l == want {
					rv = append(rv, a)
					break
				}
			}
		}
		return rv
	}
	for _, a := range pos[0] {
		if a.advance(doc) != doc {
			continue
		}
		for _, l := range a.locations() {
			words := [][]*termNode{{a}}
			ok := true
			for i := 1; i < len(pos) && ok; i++ {
				if len(pos[i]) > 0 {
					w := at(i, l+uint64(i))
					ok = len(w) > 0
					words = append(words, w)
				} else {
					words = append(words, nil)
				}
			}
			if !ok {
				continue
			}
			for i, ws := range words {
				for _, w := range ws {
					ms.at(w.p, l+uint64(i))
				}
			}
		}
	}
}

// fastDetails loads the stored fields and term locations of the page's
// hits after a fast ranking pass. Locations come from the clauses each
// hit matched (collect) and from analysing the hit's question and answers
// again with the field's analyzer, which gives the tokens, positions and
// byte offsets the index holds, without Bleve's page pass: it re-opens
// every term reader and steps through chunks of postings, frequencies and
// locations to reach ten documents.
func (ix *Index) fastDetails(ctx context.Context, q query.Query, hits bsearch.DocumentMatchCollection, opts SearchOptions) error {
	sh := ix.shards[0]
	adv, err := sh.Advanced()
	if err != nil {
		return err
	}
	r, err := adv.Reader()
	if err != nil {
		return err
	}
	defer r.Close()
	m := sh.Mapping()
	var root node
	if opts.Locations {
		c, err := ix.postingCache(r)
		if err != nil {
			return err
		}
		e := &fastEnv{ctx: ctx, snap: r, m: m, c: c}
		fts, err := e.synonymMap(q)
		if err != nil {
			return err
		}
		if root, err = e.compile(q, fts); err != nil {
			return err
		}
	}
	byDoc := slices.Clone(hits)
	slices.SortFunc(byDoc, func(a, b *bsearch.DocumentMatch) int { return a.IndexInternalID.Compare(b.IndexInternalID) })
	// The texts to analyse are the question and answer fields as stored
	// (document), which is what was indexed.
	fields := opts.Fields
	if opts.Locations {
		fields = slices.Clone(fields)
		for _, f := range []string{ingest.FieldQuestion, ingest.FieldAnswer} {
			if !slices.Contains(fields, f) {
				fields = append(fields, f)
			}
		}
	}
	req := &bleve.SearchRequest{Fields: fields}
	var jobs []locateJob
	for _, h := range byDoc {
		h.Fields = nil
		if len(fields) > 0 {
			if err, _ := bleve.LoadAndHighlightFields(h, req, "", r, nil); err != nil {
				return err
			}
		}
		if !opts.Locations {
			continue
		}
		doc, ok := docNum(h.IndexInternalID)
		if !ok || root.advance(doc) != doc {
			return fmt.Errorf("load hits: %w: hit %s does not match the query again", ErrCorrupt, h.ID)
		}
		ms := matchSet{}
		collect(root, doc, ms)
		question, _ := h.Fields[ingest.FieldQuestion].(string)
		var answers []string
		switch a := h.Fields[ingest.FieldAnswer].(type) {
		case string: // one value comes back as a string
			answers = []string{a}
		case []any:
			for _, v := range a {
				s, _ := v.(string)
				answers = append(answers, s)
			}
		}
		for _, f := range []string{ingest.FieldQuestion, ingest.FieldAnswer} {
			if !slices.Contains(opts.Fields, f) {
				delete(h.Fields, f)
			}
		}
		if len(h.Fields) == 0 {
			h.Fields = nil
		}
		jobs = append(jobs, locateJob{h, ms, question, answers})
	}
	// Analysing the texts is most of the work: the hits are shared out
	// over the CPUs.
	workers := min(len(jobs), runtime.GOMAXPROCS(0), maxSlices)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := w; i < len(jobs); i += workers {
				j := jobs[i]
				h := j.h
				h.Locations = bsearch.FieldTermLocationMap{}
				ix.locate(m, h.Locations, ingest.FieldQuestion, []string{j.question}, false, j.ms)
				ix.locate(m, h.Locations, ingest.FieldAnswer, j.answers, true, j.ms)
				if len(h.Locations) == 0 {
					h.Locations = nil // as Bleve leaves a hit without locations
				}
			}
		}()
	}
	wg.Wait()
	return nil
}

// locateJob is a hit whose locations are to be found in its texts.
type locateJob struct {
	h        *bsearch.DocumentMatch
	ms       matchSet
	question string
	answers  []string
}

// locate analyses the values of a field and adds the locations of the
// tokens ms holds to locs. array tells whether the field is an array
// (locations carry the value's index).
func (ix *Index) locate(m mapping.IndexMapping, locs bsearch.FieldTermLocationMap, field string, values []string, array bool, ms matchSet) {
	want := false
	for k := range ms {
		want = want || k.field == field
	}
	if !want || !ix.Positions(field) {
		return
	}
	an := m.AnalyzerNamed(m.AnalyzerNameForPath(field))
	if an == nil {
		return
	}
	for i, v := range values {
		var ap uint64
		var aps []uint64
		if array {
			ap, aps = uint64(i)+1, []uint64{uint64(i)}
		}
		for _, t := range an.Analyze([]byte(v)) {
			set, ok := ms[postKey{field: field, term: string(t.Term)}]
			if !ok || set != nil && !set[ap<<32|uint64(t.Position)] {
				continue
			}
			if locs[field] == nil {
				locs[field] = bsearch.TermLocationMap{}
			}
			locs[field][string(t.Term)] = append(locs[field][string(t.Term)], &bsearch.Location{
				Pos: uint64(t.Position), Start: uint64(t.Start), End: uint64(t.End), ArrayPositions: aps,
			})
		}
	}
}
