package fastrank

import (
	"context"
	"errors"
	"fmt"
	"github.com/blevesearch/bleve/v2/analysis"
	"runtime"
	"runtime/debug"
	"slices"
	"strings"
	"sync"

	"github.com/blevesearch/bleve/v2/mapping"
	bsearch "github.com/blevesearch/bleve/v2/search"
	bindex "github.com/blevesearch/bleve_index_api"

	"github.com/iq-search/iq/index/expr"
	"github.com/iq-search/iq/index/internal/corrupt"
	"github.com/iq-search/iq/index/internal/facets"
	"github.com/iq-search/iq/index/internal/scorchx"
)

// Config is what a Ranker needs to know of the index beyond its mapping.
type Config struct {
	// All is the term every record holds, which expr.All ranks as (as
	// bleveq.Query's all query does).
	All expr.Term
	// Sources names, for a field whose term locations Details reports,
	// the text the field was analysed from (a key of what Texts returns),
	// and whether that text has several values (locations then carry the
	// value's index). Fields it has no source for get no locations.
	Sources func(field string) (source string, array bool, ok bool)
	// TextField is the stored field the texts are read from, and Texts
	// returns them from its value (source → values), with the value to
	// leave in the hit's fields in its place when the field was asked for
	// (the index's: the record decoded, which its reader then need not
	// decode again). The index stores each text once, inside the record
	// (issue 15), not as a stored field of its own.
	TextField string
	Texts     func(stored string) (texts map[string][]string, keep any, err error)
	// Analyze runs an analyzer over a text and calls fn with the tokens,
	// which fn must not keep (index's tokenizes into pooled buffers); nil
	// runs a.Analyze.
	Analyze func(a analysis.Analyzer, text string, fn func(analysis.TokenStream))
}

// Ranker is the fast ranker of one index: decoded postings and the ID
// order, cached per snapshot. Its methods are safe for concurrent use,
// but SetSlices.
type Ranker struct {
	cfg    Config
	posts  postingCache
	ids    idRanks
	slices int
}

// New returns a ranker for an index with cfg.
func New(cfg Config) *Ranker { return &Ranker{cfg: cfg} }

// SetSlices makes Rank rank n slices of the documents, one goroutine
// each, and merge them; n = 0 (the default) takes one slice below 20,000
// documents and one per CPU (at most four) from there. Results do not
// depend on it. Not safe to call during searches.
func (rk *Ranker) SetSlices(n int) { rk.slices = max(n, 0) }

// SetPostingBudget bounds the decoded postings the ranker keeps to about
// n bytes (past it, the entries asked for longest ago are dropped); n <= 0
// restores the default, maxPostingBytes. Not safe to call during
// searches.
func (rk *Ranker) SetPostingBudget(n int) {
	rk.posts.mu.Lock()
	rk.posts.limit = max(n, 0)
	rk.posts.mu.Unlock()
}

// ErrUnsupported is wrapped by the errors of Check and Plan about an
// index or a tree the ranker does not rank (as opposed to errors reading
// the index).
var ErrUnsupported = errors.New("the fast ranker does not rank this")

// Check reports why the ranker cannot rank an index with mapping m read
// through r, or nil when it can: the index must score by BM25 (the
// mapping's scoring model, field cardinalities from the reader). It reads
// nothing from the index.
func Check(r bindex.IndexReader, m mapping.IndexMapping) error {
	im, ok := m.(*mapping.IndexMappingImpl)
	if !ok || im.ScoringModel != bindex.BM25Scoring {
		return fmt.Errorf("%w: the mapping does not score by BM25", ErrUnsupported)
	}
	if _, ok := r.(bindex.BM25Reader); !ok {
		return fmt.Errorf("%w: reader %T has no field cardinalities", ErrUnsupported, r)
	}
	return nil
}

// Plan is a query tree compiled against one snapshot, ready to rank.
type Plan struct {
	rk   *Ranker
	ctx  context.Context
	r    bindex.IndexReader
	m    mapping.IndexMapping
	tree expr.Node
	e    *compiler
	root node // compiled by Plan, for the first slice of the first Rank
}

// Plan compiles tree, which must pass Supports, against snapshot r of an
// index that passed Check, before any ranking. Its one refusal that
// depends on the index rather than the tree is a term the index's synonym
// list expands to more terms than Bleve's slice disjunction holds
// (searcher.DisjunctionHeapTakeover: a custom list with a group of more
// than ten terms): the error wraps ErrUnsupported, and the tree is for
// Bleve's searchers. Reading the whole thesaurus up front instead would
// read every synonym set at Open (and a damaged one there).
func (rk *Ranker) Plan(ctx context.Context, r bindex.IndexReader, m mapping.IndexMapping, tree expr.Node) (*Plan, error) {
	c, err := rk.posts.forSnapshot(r)
	if err != nil {
		return nil, err
	}
	p := &Plan{rk: rk, ctx: ctx, r: r, m: m, tree: tree, e: newCompiler(ctx, c, m, rk.cfg.All)}
	if p.root, err = p.e.compile(tree); err != nil {
		return nil, err
	}
	return p, nil
}

// compile returns a fresh root node of the plan's tree.
func (p *Plan) compile() (node, error) {
	if n := p.root; n != nil {
		p.root = nil
		return n, nil
	}
	return p.e.compile(p.tree)
}

// Ranking is the answer of a ranking pass.
type Ranking struct {
	Total    uint64
	MaxScore float64
	// Hits are the best hits, by score then document number (or ID,
	// when asked), with their IDs, internal IDs and scores.
	Hits bsearch.DocumentMatchCollection
}

// Rank is the ranking pass of a search over decoded postings: the total,
// the n best hits by score (ties by document number), and facet counts
// through fc when it is not nil. With n 0 it scores nothing (MaxScore 0).
// The total and the facets come from the set of the tree's documents;
// only the blocks of documents that may reach the n best are scored
// (prune.go).
//
// With byID, ties are settled by ID as Bleve's "-_score", "_id" sort
// settles them (through the snapshot's ID order, idOrder), and the n hits
// are exactly that sort's first n.
func (p *Plan) Rank(n int, fc *facets.Counter, byID bool) (*Ranking, error) {
	ctx, r, rk, c := p.ctx, p.r, p.rk, p.e.c
	var rank []uint32
	var err error
	if byID {
		if rank, err = rk.ids.order(r); err != nil {
			return nil, err
		}
	}
	var t *facets.Table
	if fc != nil {
		if t, err = fc.Table(r); err != nil {
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
	if rk.slices > 0 {
		nslices = rk.slices
	}
	parts := make([]rankPart, nslices)
	// The documents the tree matches, found once for every slice
	// (prune.go).
	root, err := p.compile()
	if err != nil {
		return nil, err
	}
	set := root.bits(c.words)
	var wg sync.WaitGroup
	for i := range parts {
		part := &parts[i]
		part.from = uint32(uint64(c.total) * uint64(i) / uint64(nslices))
		part.to = uint32(uint64(c.total) * uint64(i+1) / uint64(nslices))
		if i == nslices-1 {
			part.to = noDoc
		}
		part.set, part.shift = set, c.shift
		if i == 0 {
			part.root = root
		} else if part.root, err = p.compile(); err != nil {
			wg.Wait()
			return nil, err
		}
		if t != nil {
			part.facets = fc.NewPart(t)
		}
		part.top = &topHits{n: n, rank: rank}
		if i == nslices-1 {
			part.rank(ctx)
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
					part.err = fmt.Errorf("%w: panic: %v", corrupt.Err, r)
				}
			}()
			part.rank(ctx)
		}()
	}
	wg.Wait()
	freeSet(set)
	res := &Ranking{}
	top := &topHits{n: n, rank: rank}
	for _, part := range parts {
		if part.err != nil {
			return nil, part.err
		}
		res.Total += part.total
		res.MaxScore = max(res.MaxScore, part.maxScore)
		for _, h := range part.top.h {
			top.add(h.score, h.doc)
		}
	}
	for _, h := range top.h {
		iid := scorchx.InternalID(h.doc)
		id, err := r.ExternalID(iid)
		if err != nil {
			return nil, err
		}
		res.Hits = append(res.Hits, &bsearch.DocumentMatch{ID: id, IndexInternalID: iid, Score: h.score})
	}
	return res, nil
}

// parallelMinDocs is the index size from which Rank ranks in slices,
// maxSlices how many at most.
const parallelMinDocs = 20000

const maxSlices = 4

// rankPart ranks the documents from..to-1 of one slice of the index.
type rankPart struct {
	from, to uint32
	root     node
	set      bitset // the documents root matches
	shift    uint8  // blocks of 2^shift documents
	facets   *facets.Part
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
	root, top, fp, set, shift := p.root, p.top, p.facets, p.set, p.shift
	scores := top.n > 0 // a pass for no hits counts, and scores nothing
	to := uint32(min(uint64(p.to), uint64(len(set))*64))
	buf := make([]uint32, 0, 1<<shift)
	if p.err = ctx.Err(); p.err != nil {
		return
	}
	if fp != nil && fp.PreferSet(set.count(p.from, to), p.from, to) {
		// Many hits: their facets are counted value by value.
		fp.CountSet(set, p.from, to)
		fp = nil
	}
	for b := p.from >> shift; uint64(b)<<shift < uint64(to); b++ {
		lo := max(b<<shift, p.from)
		hi := uint32(min(uint64(b+1)<<shift, uint64(to)))
		buf = set.appendRange(buf[:0], lo, hi)
		if len(buf) == 0 {
			continue
		}
		if b&63 == 0 {
			if p.err = ctx.Err(); p.err != nil {
				return
			}
		}
		total += uint64(len(buf))
		if fp != nil {
			for _, d := range buf {
				fp.Count(d)
			}
		}
		// A block none of whose documents can reach the kept hits is
		// not scored (prune.go).
		if !scores || len(top.h) == top.n && root.bound(b) < top.h[0].score {
			continue
		}
		for _, d := range buf {
			if x := root.advance(d); x != d {
				p.err = fmt.Errorf("rank: document %d matches, but the searcher steps to %d", d, x)
				return
			}
			s := root.score()
			maxScore = max(maxScore, s)
			top.add(s, d)
		}
	}
	p.total, p.maxScore = total, maxScore
	if p.facets != nil {
		p.facets.SetHits(int(total))
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

// idRanks caches the ID order of a snapshot (the place of every
// document's ID in ID order, by document number).
type idRanks struct {
	mu   sync.Mutex
	snap bindex.IndexReader
	rank []uint32
}

// order returns the ID order of r, reading the IDs the first time for a
// snapshot.
func (o *idRanks) order(r bindex.IndexReader) (_ []uint32, err error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.snap == r && o.rank != nil {
		return o.rank, nil
	}
	rank, err := IDOrder(r, nil, nil)
	if err != nil {
		return nil, err
	}
	o.snap, o.rank = r, rank
	return rank, nil
}

// PresetIDOrder gives the ranker the ID order of snapshot r (IDOrder's
// answer, stored with the index), so that no search reads every stored ID
// to settle a tie (130–200 ms of CPU at 100k records).
func (rk *Ranker) PresetIDOrder(r bindex.IndexReader, rank []uint32) {
	rk.ids.mu.Lock()
	defer rk.ids.mu.Unlock()
	rk.ids.snap, rk.ids.rank = r, rank
}

// idOrderEvery is how many documents IDOrder reads between calls of its
// each function: 64k documents' stored data is ~100 MB of mapped pages.
const idOrderEvery = 1 << 16

// IDOrder returns the place of every document's ID in ID order, by
// document number: how Rank settles ties by ID. It reads every stored ID,
// which touches every page of the segments' stored data (1.5 GB of mapped
// files at 1M records); each, when set, is called after every
// idOrderEvery documents read, for a caller that releases those pages as
// the walk goes (the build's tables, index.writeTables); seen, when set,
// is called with every ID read (the build's digest of them).
func IDOrder(r bindex.IndexReader, each func(), seen func(id string)) (_ []uint32, err error) {
	dr, err := r.DocIDReaderAll()
	if err != nil {
		return nil, err
	}
	defer func() {
		if cerr := dr.Close(); cerr != nil && err == nil {
			err = cerr
		}
	}()
	type doc struct {
		num uint32
		id  string
	}
	var docs []doc
	var maxDoc uint32
	seq := scorchx.NewDocSeq(r)
	for {
		iid, err := dr.Next()
		if err != nil {
			return nil, err
		}
		if iid == nil {
			break
		}
		num, err := seq.Next(iid)
		if err != nil {
			return nil, fmt.Errorf("read IDs: %w", err)
		}
		id, err := r.ExternalID(iid)
		if err != nil {
			return nil, err
		}
		docs = append(docs, doc{num, id})
		if seen != nil {
			seen(id)
		}
		maxDoc = max(maxDoc, num)
		if each != nil && len(docs)%idOrderEvery == 0 {
			each()
		}
	}
	slices.SortFunc(docs, func(a, b doc) int { return strings.Compare(a.id, b.id) })
	rank := make([]uint32, maxDoc+1)
	for i, d := range docs {
		rank[d.num] = uint32(i)
	}
	return rank, nil
}
