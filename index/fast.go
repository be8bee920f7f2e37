package index

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"runtime"
	"runtime/debug"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/mapping"
	bsearch "github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
	"github.com/blevesearch/bleve/v2/search/scorer"
	bindex "github.com/blevesearch/bleve_index_api"
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
// query's TestFastRankingMatchesBleve checks whole results against Bleve's
// searchers over the corpus, the shared collections and synthetic records.
//
// It covers the query types iq builds (boolean, conjunction, disjunction,
// term with synonyms, minMatchQuery, exact phrases, match-none) on a
// single-shard BM25 index; anything else returns errNotFast and runs
// through Bleve. This file holds the decoded postings, compiling a query
// into iterators and the ranking pass; fastnodes.go the iterators;
// fastpage.go the page's term locations.

// phraseQuery is implemented by a query that matches an exact phrase of
// one field with slop 0 and no synonym expansion, as Bleve's multi-phrase
// searcher does with terms (alternatives per position, empty positions
// skipped), scored as the conjunction of its terms with boost. For one
// position it is scored as its terms (a disjunction when there are
// several). The fast ranking pass matches such queries from positions
// held in memory.
type phraseQuery interface {
	query.Query
	Phrase() (field string, terms [][]string, boost float64)
}

var errNotFast = errors.New("query not supported by the fast pass")

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
	// minMatch remembers each minMatchQuery's synonyms and lead costs,
	// for compiling the same query once per slice.
	minMatch map[*minMatchQuery]minMatchPrep
}

type minMatchPrep struct {
	fts  bsearch.FieldTermSynonymMap
	cost []uint64
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
	if locs {
		if err := checkLocations(e.snap, field, term); err != nil {
			return nil, err
		}
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
	seq := newDocSeq(e.snap)
	for {
		d, err := tfr.Next(tfd.Reset())
		if err != nil {
			return nil, err
		}
		if d == nil {
			break
		}
		num, err := seq.next(d.ID)
		if err != nil {
			return nil, fmt.Errorf("read %s:%s: %w", field, term, err)
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
	case *minMatchQuery:
		if q.Min <= 1 {
			d := query.NewDisjunctionQuery(q.Disjuncts)
			d.SetMin(float64(q.Min))
			return e.compile(d, fts)
		}
		// minMatchQuery collects its clauses' synonyms itself.
		prep, ok := e.minMatch[q]
		if !ok {
			fts, err := e.synonymMap(query.NewDisjunctionQuery(q.Disjuncts))
			if err != nil {
				return nil, err
			}
			prep.fts = fts
			for _, d := range q.Disjuncts {
				prep.cost = append(prep.cost, estimate(d, fts, e.postingCount))
			}
			if e.minMatch == nil {
				e.minMatch = map[*minMatchQuery]minMatchPrep{}
			}
			e.minMatch[q] = prep
		}
		ch, err := e.compileAll(q.Disjuncts, prep.fts)
		if err != nil {
			return nil, err
		}
		if len(ch) < q.Min {
			return noneNode{}, nil
		}
		if len(ch) > 10 {
			return nil, errNotFast
		}
		return newMinMatchNode(ch, q.Min, slices.Clone(prep.cost)), nil
	case *query.BooleanQuery:
		return e.compileBool(q, fts)
	case phraseQuery:
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

func (e *fastEnv) compilePhrase(q phraseQuery) (node, error) {
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

// postingCount is estimate's count from decoded postings.
func (e *fastEnv) postingCount(field, term string) uint64 {
	p, err := e.postings(field, term, false)
	if err != nil {
		return unknownCost
	}
	return uint64(len(p.docs))
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
			// A panic here would end the process: a damaged posting
			// list becomes this slice's error (issue 16).
			debug.SetPanicOnFault(true)
			defer func() {
				if r := recover(); r != nil {
					p.err = fmt.Errorf("%w: panic: %v", ErrCorrupt, r)
				}
			}()
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
	// Counters live in locals while the loop runs: the parts of one search
	// sit side by side in memory, and a counter written on every hit by
	// two goroutines on one cache line cost more than the facets. (The
	// facet counts are arrays of their own.)
	var total uint64
	var maxScore float64
	root, top, to, facets := p.root, p.top, p.to, p.facets
	for d := root.advance(p.from); d < to; d = root.advance(d + 1) {
		if total&1023 == 0 {
			if p.err = ctx.Err(); p.err != nil {
				return
			}
		}
		total++
		s := root.score()
		maxScore = max(maxScore, s)
		if facets != nil {
			facets.count(d)
		}
		top.add(s, d)
	}
	p.total, p.maxScore = total, maxScore
	if p.facets != nil {
		p.facets.hits = int(total)
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
	seq := newDocSeq(r)
	for {
		iid, err := dr.Next()
		if err != nil {
			return nil, err
		}
		if iid == nil {
			break
		}
		num, err := seq.next(iid)
		if err != nil {
			return nil, fmt.Errorf("read IDs: %w", err)
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
