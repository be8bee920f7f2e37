package fastrank

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"slices"
	"sync"

	bsearch "github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/scorer"
	bindex "github.com/blevesearch/bleve_index_api"

	"github.com/iq-search/iq/index/internal/corrupt"
	"github.com/iq-search/iq/index/internal/scorchx"
)

// postings is one term's postings in one field, decoded.
type postings struct {
	field string
	term  string
	docs  []uint32
	// Bleve's term score before the query weight, of docs[i]: vals[sidx[i]]
	// when vals is set (decode: a term's postings share a few thousand
	// pairs of frequency and field length, so a score is two bytes of
	// fresh memory, not eight), score[i] otherwise (scoreAt).
	sidx  []uint16
	vals  []float64
	score []float64
	count uint64 // the term reader's Count, for idf and ordering
	idf   float64
	used  uint64 // the cache's tick when last asked for (postingCache.mu)

	// The set as bits and the highest score per block of 2^shift
	// documents, built on first use (extras, prune.go).
	shift    uint8
	once     sync.Once
	bits     bitset
	blockMax []float32
}

func (p *postings) bytes() int {
	return 64 + len(p.docs)*4 + len(p.sidx)*2 + len(p.vals)*8 + len(p.score)*8 + p.extraBytes()
}

// scoreAt returns the term score of docs[i].
func (p *postings) scoreAt(i int) float64 {
	if p.vals != nil {
		return p.vals[p.sidx[i]]
	}
	return p.score[i]
}

// addIndexed appends a posting whose score is vals[k].
func (p *postings) addIndexed(doc uint32, k uint16) {
	p.docs = append(p.docs, doc)
	p.sidx = append(p.sidx, k)
}

// widen stops sharing scores (more distinct ones than an index of two
// bytes tells apart): each posting's score is kept whole from here.
func (p *postings) widen() {
	p.score = make([]float64, len(p.sidx), cap(p.docs))
	for i, k := range p.sidx {
		p.score[i] = p.vals[k]
	}
	p.sidx, p.vals = nil, nil
}

type postKey struct {
	field, term string
}

// postingCache holds decoded postings of one snapshot. An index opened
// read-only keeps its snapshot; the cache starts again when it changes.
// Past its budget (maxPostingBytes unless SetPostingBudget says) it drops
// the entries asked for longest ago (evict).
type postingCache struct {
	mu    sync.Mutex
	snap  bindex.IndexReader
	m     map[postKey]*postings
	phr   map[string]*phraseEntry // by phraseKey
	avg   map[string]float64
	syn   map[[2]string][]string // a term's synonyms by synonym source and term
	total uint64
	words int   // the words of a set of the snapshot's document numbers
	shift uint8 // blockShift(total)
	bytes int
	tick  uint64 // counts lookups: the age of an entry's last use
	limit int    // 0: maxPostingBytes; SetPostingBudget or a test sets it
}

// phraseEntry is a phrase's locations in the cache, and the documents
// it matches once a ranking pass has needed them (phraseNode.bits).
type phraseEntry struct {
	locs    phraseLocs
	bytes   int
	used    uint64
	key     string // phraseKey
	once    sync.Once
	matches []uint32
}

// maxPostingBytes bounds the decoded postings kept (~12 bytes a posting,
// and a phrase word's locations): at 100k records the postings of a few
// hundred common terms; the 400 queries of the benchmark's mix hold under
// 64 MB of them at 100k records, several hundred MB at 1M.
const maxPostingBytes = 512 << 20

// forSnapshot returns the cache, emptied when snap is not the snapshot it
// holds postings of.
func (c *postingCache) forSnapshot(snap bindex.IndexReader) (*postingCache, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.snap != snap || c.m == nil {
		total, err := snap.DocCount()
		if err != nil {
			return nil, err
		}
		c.snap, c.total, c.bytes = snap, total, 0
		c.shift = blockShift(total)
		// Document numbers run past the live documents' count where
		// documents were deleted.
		universe := total
		if shape := scorchx.Shape(snap); shape != nil {
			universe = 0
			for _, n := range shape {
				universe += n
			}
		}
		c.words = int(universe/64 + 1)
		c.m = map[postKey]*postings{}
		c.phr = map[string]*phraseEntry{}
		c.avg = map[string]float64{}
		c.syn = map[[2]string][]string{}
	}
	return c, nil
}

// evict drops the entries asked for longest ago until the cache holds
// at most three quarters of maxPostingBytes, when it holds more than
// maxPostingBytes; c.mu is held. Emptying the whole cache instead made
// every query after it decode its postings afresh: at 1M records the
// benchmark's mix filled it again and again. Plans ranking with an
// entry keep it alive.
func (c *postingCache) evict() {
	limit := c.limit
	if limit == 0 {
		limit = maxPostingBytes
	}
	if c.bytes <= limit {
		return
	}
	type entry struct {
		used uint64
		post postKey
		phr  string
		isPh bool
	}
	all := make([]entry, 0, len(c.m)+len(c.phr))
	for k, p := range c.m {
		all = append(all, entry{used: p.used, post: k})
	}
	for k, e := range c.phr {
		all = append(all, entry{used: e.used, phr: k, isPh: true})
	}
	slices.SortFunc(all, func(a, b entry) int { return cmp.Compare(a.used, b.used) })
	for _, e := range all {
		if c.bytes <= limit/4*3 {
			return
		}
		if e.isPh {
			c.bytes -= c.phr[e.phr].bytes
			delete(c.phr, e.phr)
		} else {
			c.bytes -= c.m[e.post].bytes()
			delete(c.m, e.post)
		}
	}
}

// avgLen returns Bleve's BM25 average field length (bm25ScoreMetrics):
// 0 for a field without terms, where Bleve scores by tf-idf.
func (c *postingCache) avgLen(field string) (float64, error) {
	c.mu.Lock()
	a, ok := c.avg[field]
	c.mu.Unlock()
	if ok {
		return a, nil
	}
	br, ok := c.snap.(bindex.BM25Reader)
	if !ok {
		return 0, fmt.Errorf("rank: reader %T has no field cardinalities", c.snap)
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

// Count returns the term reader's count of term in field in snapshot r
// (the live documents holding it) when the postings are decoded in the
// cache, and false when they are not.
func (rk *Ranker) Count(r bindex.IndexReader, field, term string) (uint64, bool) {
	c := &rk.posts
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.snap != r {
		return 0, false
	}
	if p := c.m[postKey{field, term}]; p != nil {
		return p.count, true
	}
	return 0, false
}

// maxCachedSynonyms bounds the synonyms kept (a term and its few
// synonyms each): the words of a few thousand queries.
const maxCachedSynonyms = 1 << 15

// synonyms returns the synonyms of term in the thesaurus src of the
// cache's snapshot, read by read when they are not kept (the thesaurus of
// a snapshot never changes; Bleve's reader of a term's synonyms asks every
// segment, 3 MB of an unseen pass's allocations at 100k records). The
// answer is shared: callers must not change it.
func (c *postingCache) synonyms(src, term string, read func() ([]string, error)) ([]string, error) {
	k := [2]string{src, term}
	c.mu.Lock()
	snap := c.snap
	rv, ok := c.syn[k]
	c.mu.Unlock()
	if ok {
		return rv, nil
	}
	rv, err := read()
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	if c.snap == snap { // not emptied for another snapshot meanwhile
		if len(c.syn) >= maxCachedSynonyms {
			clear(c.syn)
		}
		c.syn[k] = rv
	}
	c.mu.Unlock()
	return rv, nil
}

// postings returns the decoded postings of term in field.
func (c *postingCache) postings(ctx context.Context, field, term string) (*postings, error) {
	k := postKey{field, term}
	c.mu.Lock()
	p := c.m[k]
	if p != nil {
		c.tick++
		p.used = c.tick
	}
	c.mu.Unlock()
	if p != nil {
		return p, nil
	}
	p, err := c.decode(ctx, field, term)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	c.tick++
	if old := c.m[k]; old != nil {
		p = old
	} else {
		c.m[k] = p
		c.bytes += p.bytes()
	}
	p.used = c.tick
	c.evict()
	c.mu.Unlock()
	return p, nil
}

// decode reads the postings of term in field, scoring each posting as
// scorer.TermQueryScorer.docScore does, float operation for float
// operation: BM25 when the field has terms (avgLen > 0), tf-idf
// otherwise (computeIDF).
func (c *postingCache) decode(ctx context.Context, field, term string) (_ *postings, err error) {
	avg, err := c.avgLen(field)
	if err != nil {
		return nil, err
	}
	// zap's postings read by hand: a fifth of the reader's cost a
	// posting (TestTermPostingsMatchBleve holds it to the reader's), and
	// their count found without opening a reader.
	sp, ok, err := scorchx.FindPostings(c.snap, field, term)
	if err != nil {
		return nil, err
	}
	if !ok {
		return c.decodeReader(ctx, field, term, avg)
	}
	p := c.newPostings(field, term, sp.Count(), avg)
	// Most postings share a frequency and field length with many others:
	// each pair is scored once (the same float operations, so the same
	// bits), where scoring every posting was most of decoding a fresh term,
	// and kept once (vals), each posting naming it in two bytes: fresh
	// memory costs a fresh term more than decoding it (a page fault every
	// 4 KiB, ~15 µs each on the benchmark's machine).
	b := newScoreBuilder(p, avg, maxShared)
	defer b.free()
	err = sp.ReadBits(func(doc uint32, freq, bits uint64) {
		if uint64(len(p.docs)) >= c.total { // bounded as the reader's DocSeq bounds it
			return
		}
		b.add(doc, freq, bits)
	})
	if err != nil {
		return nil, err
	}
	if uint64(len(p.docs)) != p.count {
		return nil, fmt.Errorf("read %s:%s: %w: %d postings of %d counted", field, term, corrupt.Err, len(p.docs), p.count)
	}
	return p, nil
}

// newPostings returns empty postings of a term held by count documents,
// with the idf Bleve's TermQueryScorer computes, sized for them.
func (c *postingCache) newPostings(field, term string, count uint64, avg float64) *postings {
	p := &postings{field: field, term: term, count: count, shift: c.shift}
	if avg > 0 {
		p.idf = math.Log(1 + (float64(c.total)-float64(p.count)+0.5)/(float64(p.count)+0.5))
	} else {
		p.idf = 1.0 + math.Log(float64(c.total)/float64(p.count+1.0))
	}
	// Sized once from the count (bounded by the snapshot's documents,
	// whatever a damaged count claims): growing them by append cost the
	// first pass over fresh terms half its decoding (copies and the
	// clearing of fresh memory).
	n := min(p.count, c.total)
	p.docs = make([]uint32, 0, n)
	return p
}

// add appends a posting, scored, to postings that keep each score whole
// (score, not vals).
func (p *postings) add(num uint32, freq uint64, norm, avg float64) {
	if p.score == nil {
		p.score = make([]float64, 0, cap(p.docs))
	}
	p.docs = append(p.docs, num)
	p.score = append(p.score, p.scoreOf(freq, norm, avg))
}

// scoreOf is the term score of a posting of freq occurrences in a field
// of norm: BM25 when avg > 0, tf-idf otherwise.
func (p *postings) scoreOf(freq uint64, norm, avg float64) float64 {
	var tf float64
	if freq < scorer.MaxSqrtCache {
		tf = scorer.SqrtCache[int(freq)]
	} else {
		tf = math.Sqrt(float64(freq))
	}
	if avg > 0 {
		fieldLength := 1 / (norm * norm)
		return p.idf * (tf * bsearch.BM25_k1) /
			(tf + bsearch.BM25_k1*(1-bsearch.BM25_b+(bsearch.BM25_b*fieldLength/avg)))
	}
	return tf * norm * p.idf
}

// scoreBuilder appends postings to p, each pair of frequency and norm bits
// scored once and kept once in p.vals while there are at most limit of
// them, each posting's score whole past that (widen).
type scoreBuilder struct {
	p     *postings
	avg   float64
	limit int
	memo  *scoreMemo
}

func newScoreBuilder(p *postings, avg float64, limit int) *scoreBuilder {
	memo := memoPool.Get().(*scoreMemo)
	memo.reset()
	p.sidx = make([]uint16, 0, cap(p.docs))
	p.vals = make([]float64, 0, 64)
	return &scoreBuilder{p: p, avg: avg, limit: limit, memo: memo}
}

func (b *scoreBuilder) free() { memoPool.Put(b.memo) }

// add appends a posting of doc with freq occurrences and norm bits.
func (b *scoreBuilder) add(doc uint32, freq, bits uint64) {
	p, memo := b.p, b.memo
	if p.vals == nil { // widened
		p.add(doc, freq, scorchx.Norm(bits), b.avg)
		return
	}
	var k uint16
	var ok bool
	i := freq*memoLens + bits
	inMemo := freq < memoFreqs && bits < memoLens
	if inMemo {
		k, ok = memo.idx[i], memo.gen[i] == memo.cur
	} else {
		k, ok = memo.far[[2]uint64{freq, bits}]
	}
	if !ok {
		if len(p.vals) >= b.limit {
			p.widen()
			p.add(doc, freq, scorchx.Norm(bits), b.avg)
			return
		}
		k = uint16(len(p.vals))
		p.vals = append(p.vals, p.scoreOf(freq, scorchx.Norm(bits), b.avg))
		if inMemo {
			memo.gen[i], memo.idx[i] = memo.cur, k
		} else {
			if memo.far == nil {
				memo.far = map[[2]uint64]uint16{}
			}
			memo.far[[2]uint64{freq, bits}] = k
		}
	}
	p.addIndexed(doc, k)
}

// scoreMemo holds where one term's postings keep their scores (the index
// in postings.vals) by frequency and field length (the norm bits), below
// memoFreqs and memoLens; an entry is current when its gen is cur.
// Pooled: reset starts a term without clearing it. far holds the pairs
// past that range (long answers), cleared for each term and kept with the
// memo: made afresh for each term, it was 4 MB of an unseen pass's
// allocations at 100k records.
type scoreMemo struct {
	cur uint32
	gen [memoFreqs * memoLens]uint32
	idx [memoFreqs * memoLens]uint16
	far map[[2]uint64]uint16
}

// maxShared is the most scores postings share (vals) before they keep
// each posting's whole (widen): what an index of two bytes tells apart.
const maxShared = 1 << 16

const (
	memoFreqs = 4
	memoLens  = 1024
)

var memoPool = sync.Pool{New: func() any { return new(scoreMemo) }}

// reset forgets the scores held.
func (m *scoreMemo) reset() {
	clear(m.far)
	m.cur++
	if m.cur == 0 {
		clear(m.gen[:])
		m.cur = 1
	}
}

// decodeReader is decode through Bleve's term field reader, on readers
// scorchx does not read by hand.
func (c *postingCache) decodeReader(ctx context.Context, field, term string, avg float64) (_ *postings, err error) {
	tfr, err := c.snap.TermFieldReader(ctx, []byte(term), field, true, true, false)
	if err != nil {
		return nil, err
	}
	defer func() {
		if cerr := tfr.Close(); cerr != nil && err == nil {
			err = cerr
		}
	}()
	p := c.newPostings(field, term, tfr.Count(), avg)
	tfd := &bindex.TermFieldDoc{}
	seq := scorchx.NewDocSeq(c.snap)
	for {
		d, err := tfr.Next(tfd.Reset())
		if err != nil {
			return nil, err
		}
		if d == nil {
			break
		}
		num, err := seq.Next(d.ID)
		if err != nil {
			return nil, fmt.Errorf("read %s:%s: %w", field, term, err)
		}
		p.add(num, d.Freq, d.Norm, avg)
	}
	return p, nil
}
