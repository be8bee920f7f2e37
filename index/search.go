package index

import (
	"cmp"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"maps"
	"math"
	"runtime/debug"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/mapping"
	bsearch "github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/collector"
	"github.com/blevesearch/bleve/v2/search/query"
	bindex "github.com/blevesearch/bleve_index_api"
)

// SearchOptions describe one page of a search with Index.Search.
type SearchOptions struct {
	// Size and From select the page: hits From to From+Size-1 in score
	// order.
	Size, From int
	// Fields are the stored fields to load for the hits of the page.
	Fields []string
	// Locations asks for the term locations of the page's hits, for
	// highlighting.
	Locations bool
	// Facets asks for term facets: field name → how many of its most
	// frequent values to return. The facet's name is the field's.
	Facets map[string]int
	// Explain asks for each hit's score explanation (Hit.Explanation).
	// The page is then ranked through Bleve's searchers, which explain
	// (the fast pass gives the same scores and does not).
	Explain bool
}

// Search runs q and returns one page of hits ordered by score, ties by ID
// (as Bleve's sort "-_score", "_id"), with stored fields, term locations
// and term facets as asked. The answer is what Bleve's own request for the
// same page gives, computed in a way that costs much less for queries with
// thousands of hits (BENCHMARKS.md, "Index and search"):
//
//   - Facets are counted from per-document value lists held in memory
//     (built on the first faceted search from the facet fields' postings),
//     instead of Bleve decoding the doc values of every hit for every field.
//     Counts, order (count, then value) and trimming are Bleve's.
//   - The ranking pass sorts by score alone and loads nothing: sorting by
//     _id makes Bleve read the stored ID of every hit, and term locations
//     make every term searcher decode positions for every posting it visits.
//     A tie across the end of the page is settled by running the pass again
//     sorted by score and ID.
//   - On a single-shard index, for the query types package query builds,
//     the ranking pass runs over postings decoded into memory (fast.go):
//     the same hits and scores, bit for bit, at a fraction of the cost; the
//     page's locations then come from the clauses each hit matched and its
//     stored question and answers analysed again. Answer locations are
//     then complete where Bleve's page pass loses some (fast.go; query's
//     TestFastRankingMatchesBleve).
//   - Otherwise stored fields and locations are read in a second pass
//     restricted to the page's documents (q AND their IDs), which matches
//     them the same way and so reports the same locations.
func (ix *Index) searchBleve(ctx context.Context, q query.Query, opts SearchOptions) (_ *bleve.SearchResult, err error) {
	defer ix.guard(&err, debug.SetPanicOnFault(true))
	n := opts.From + opts.Size
	req := bleve.NewSearchRequestOptions(q, n+1, 0, opts.Explain)
	req.SortBy([]string{"-_score"})
	var fc *facetCounter
	sctx := ctx
	if len(opts.Facets) > 0 {
		var err error
		if fc, err = ix.newFacetCounter(opts.Facets); err != nil {
			return nil, err
		}
		sctx = context.WithValue(ctx, bsearch.MakeDocumentMatchHandlerKey, bsearch.MakeDocumentMatchHandler(fc.handler))
	}
	var res *bleve.SearchResult
	err = errNotFast
	if !opts.Explain {
		res, err = ix.fastRank(ctx, q, n, fc, false)
	}
	fast := err == nil
	if errors.Is(err, errNotFast) {
		if fc != nil {
			fc.parts = nil
		}
		ix.ranked.bleve.Add(1)
		res, err = ix.search.SearchInContext(sctx, req)
	} else if err == nil {
		ix.ranked.fast.Add(1)
	}
	if err != nil {
		return nil, err
	}
	if fc != nil {
		res.Facets = fc.results()
	}
	hits := res.Hits
	sortHits(hits)
	if n > 0 && len(hits) > n && hits[n].Score == hits[n-1].Score {
		// Which of the tied hits fall on the page depends on IDs the
		// pass did not read.
		if fast {
			r2, err := ix.fastRank(ctx, q, n, nil, true)
			if err != nil {
				return nil, err
			}
			hits = r2.Hits
			sortHits(hits)
		} else {
			req := bleve.NewSearchRequestOptions(q, n, 0, opts.Explain)
			req.SortBy([]string{"-_score", "_id"})
			r2, err := ix.search.SearchInContext(ctx, req)
			if err != nil {
				return nil, err
			}
			hits = r2.Hits
		}
	}
	hits = hits[min(opts.From, len(hits)):min(n, len(hits))]
	if len(hits) > 0 && (len(opts.Fields) > 0 || opts.Locations) {
		details := ix.details
		if fast {
			details = ix.fastDetails
		}
		if err := details(ctx, q, hits, opts); err != nil {
			return nil, err
		}
	}
	res.Hits = hits
	res.Request = nil
	return res, nil
}

// sortHits orders hits as Bleve's sort "-_score", "_id" does.
func sortHits(hits bsearch.DocumentMatchCollection) {
	slices.SortStableFunc(hits, func(a, b *bsearch.DocumentMatch) int {
		if c := cmp.Compare(b.Score, a.Score); c != 0 {
			return c
		}
		return cmp.Compare(a.ID, b.ID)
	})
}

// details loads stored fields and term locations into hits. It runs q
// again over the page's documents alone: the query's term readers are
// restricted to them (pageReader), so phrase and conjunction searchers
// check a handful of documents instead of walking every posting, and each
// document is matched exactly as in the full search, with the same term
// locations.
func (ix *Index) details(ctx context.Context, q query.Query, hits bsearch.DocumentMatchCollection, opts SearchOptions) error {
	byID := make(map[string]*bsearch.DocumentMatch, len(hits))
	for _, h := range hits {
		byID[h.ID] = h
	}
	found := 0
	for _, sh := range ix.shards {
		n, err := ix.shardDetails(ctx, sh, q, byID, opts)
		if err != nil {
			return err
		}
		found += n
	}
	if found != len(byID) {
		return fmt.Errorf("load hits: %w: %d of %d hits matched the query again", ErrCorrupt, found, len(byID))
	}
	return nil
}

func (ix *Index) shardDetails(ctx context.Context, sh bleve.Index, q query.Query, hits map[string]*bsearch.DocumentMatch, opts SearchOptions) (int, error) {
	adv, err := sh.Advanced()
	if err != nil {
		return 0, err
	}
	r, err := adv.Reader()
	if err != nil {
		return 0, err
	}
	defer r.Close()
	snap, ok := r.(*scorch.IndexSnapshot)
	if !ok {
		return 0, fmt.Errorf("load hits: reader is %T, not a scorch snapshot", r)
	}
	pr := &pageReader{IndexSnapshot: snap}
	ids := make([]string, 0, len(hits))
	for id := range hits {
		iid, err := r.InternalID(id)
		if err != nil {
			return 0, err
		}
		if iid != nil {
			pr.page = append(pr.page, slices.Clone(iid))
			ids = append(ids, id)
		}
	}
	if len(pr.page) == 0 {
		return 0, nil
	}
	slices.SortFunc(pr.page, func(a, b bindex.IndexInternalID) int { return a.Compare(b) })
	m := sh.Mapping()
	if sm, ok := m.(mapping.SynonymMapping); ok && sm.SynonymCount() > 0 {
		fts, err := query.ExtractSynonyms(ctx, sm, snap, q, nil)
		if err != nil {
			return 0, err
		}
		if fts != nil {
			ctx = context.WithValue(ctx, bsearch.FieldTermSynonymMapKey, fts)
		}
	}
	// The ID query keeps the answer to the page whatever the query reads
	// without a term reader.
	s, err := bleve.NewConjunctionQuery(bleve.NewDocIDQuery(ids), q).Searcher(ctx, pr, m,
		bsearch.SearcherOptions{IncludeTermVectors: opts.Locations})
	if err != nil {
		return 0, err
	}
	defer s.Close()
	sctx := &bsearch.SearchContext{
		DocumentMatchPool: bsearch.NewDocumentMatchPool(s.DocumentMatchPoolSize()+len(pr.page)+1, 0),
		IndexReader:       pr,
	}
	req := &bleve.SearchRequest{Fields: opts.Fields}
	found := 0
	for {
		dm, err := s.Next(sctx)
		if err != nil {
			return 0, err
		}
		if dm == nil {
			break
		}
		id, err := r.ExternalID(dm.IndexInternalID)
		if err != nil {
			return 0, err
		}
		h := hits[id]
		if h == nil {
			continue
		}
		found++
		if opts.Locations {
			dm.Complete(nil)
			h.Locations = dm.Locations
		}
		if len(opts.Fields) > 0 {
			h.Fields = nil
			if err, _ := bleve.LoadAndHighlightFields(h, req, "", r, nil); err != nil {
				return 0, err
			}
		}
	}
	return found, nil
}

// pageReader is an index snapshot whose term and document readers yield
// only the documents of page (sorted internal IDs).
type pageReader struct {
	*scorch.IndexSnapshot
	page []bindex.IndexInternalID
}

func (pr *pageReader) TermFieldReader(ctx context.Context, term []byte, field string, includeFreq, includeNorm, includeTermVectors bool) (bindex.TermFieldReader, error) {
	if includeTermVectors {
		if err := checkLocations(pr.IndexSnapshot, field, string(term)); err != nil {
			return nil, err
		}
	}
	tfr, err := pr.IndexSnapshot.TermFieldReader(ctx, term, field, includeFreq, includeNorm, includeTermVectors)
	if err != nil {
		return nil, err
	}
	return &pageTermReader{TermFieldReader: tfr, page: pr.page}, nil
}

func (pr *pageReader) DocIDReaderAll() (bindex.DocIDReader, error) {
	return &pageDocReader{page: pr.page}, nil
}

// pageTermReader is a term reader that skips to the page's documents.
type pageTermReader struct {
	bindex.TermFieldReader
	page []bindex.IndexInternalID
	i    int // next page document to try
}

func (t *pageTermReader) Next(pre *bindex.TermFieldDoc) (*bindex.TermFieldDoc, error) {
	for t.i < len(t.page) {
		want := t.page[t.i]
		d, err := t.TermFieldReader.Advance(want, pre)
		if err != nil || d == nil {
			t.i = len(t.page)
			return nil, err
		}
		// The first page document at or after the one found.
		t.i += sort.Search(len(t.page)-t.i, func(k int) bool { return t.page[t.i+k].Compare(d.ID) >= 0 })
		if t.i < len(t.page) && t.page[t.i].Equals(d.ID) {
			t.i++
			return d, nil
		}
		pre = d
	}
	return nil, nil
}

func (t *pageTermReader) Advance(id bindex.IndexInternalID, pre *bindex.TermFieldDoc) (*bindex.TermFieldDoc, error) {
	t.i = sort.Search(len(t.page), func(k int) bool { return t.page[k].Compare(id) >= 0 })
	return t.Next(pre)
}

// pageDocReader lists the page's documents (a match-all query over a page).
type pageDocReader struct {
	page []bindex.IndexInternalID
	i    int
}

func (d *pageDocReader) Next() (bindex.IndexInternalID, error) {
	if d.i >= len(d.page) {
		return nil, nil
	}
	d.i++
	return d.page[d.i-1], nil
}

func (d *pageDocReader) Advance(id bindex.IndexInternalID) (bindex.IndexInternalID, error) {
	d.i = sort.Search(len(d.page), func(k int) bool { return d.page[k].Compare(id) >= 0 })
	return d.Next()
}

func (d *pageDocReader) Size() int    { return 0 }
func (d *pageDocReader) Close() error { return nil }

// facetValues is what the faceted fields hold for each document of one
// index snapshot, all fields in one table so that counting a hit reads
// one short run: doc number d has the values ords[start[d]:start[d+1]]
// (indexes into values; field[o] is the field of value o). Past the
// values, ordinal len(values)+i marks a document with a value of field i,
// so that counting a hit's values also counts the fields it has.
type facetValues struct {
	values []string
	field  []uint8
	start  []uint32
	ords   []uint32
}

type facetKey struct {
	r      bindex.IndexReader
	fields string
}

// facetTables caches facetValues per snapshot and field list. An Index is
// read-only, so each shard keeps one snapshot for its life, and the cache
// holds one entry per shard and list of faceted fields.
type facetTables struct {
	mu sync.Mutex
	m  map[facetKey]*facetValues
}

// maxFacetFields is how many fields one search can facet on.
const maxFacetFields = 8

// facetValues returns the facet values of fields in the snapshot r,
// reading the fields' postings the first time.
func (ix *Index) facetValues(r bindex.IndexReader, fields []string) (*facetValues, error) {
	t := &ix.facets
	t.mu.Lock()
	defer t.mu.Unlock()
	k := facetKey{r, strings.Join(fields, "\x00")}
	if fv := t.m[k]; fv != nil {
		return fv, nil
	}
	fv, err := readFacetValues(r, fields)
	if err != nil {
		return nil, err
	}
	if t.m == nil || len(t.m) >= 64 {
		// Snapshots of a read-only index do not change; this only
		// bounds the cache should they ever.
		t.m = map[facetKey]*facetValues{}
	}
	t.m[k] = fv
	return fv, nil
}

func readFacetValues(r bindex.IndexReader, fields []string) (*facetValues, error) {
	fv := &facetValues{}
	var docs [][]uint32 // per value, its documents
	var maxDoc uint32
	buf := &bindex.TermFieldDoc{}
	for fi, field := range fields {
		d, err := r.FieldDict(field)
		if err != nil {
			return nil, fmt.Errorf("read facet %s: %w", field, err)
		}
		var terms []string
		for {
			e, err := d.Next()
			if err != nil {
				d.Close()
				return nil, fmt.Errorf("read facet %s: %w", field, err)
			}
			if e == nil {
				break
			}
			terms = append(terms, e.Term)
		}
		if err := d.Close(); err != nil {
			return nil, fmt.Errorf("read facet %s: %w", field, err)
		}
		for _, term := range terms {
			tfr, err := r.TermFieldReader(context.Background(), []byte(term), field, false, false, false)
			if err != nil {
				return nil, fmt.Errorf("read facet %s=%s: %w", field, term, err)
			}
			var ds []uint32
			seq := newDocSeq(r)
			for {
				tfd, err := tfr.Next(buf.Reset())
				if err != nil {
					tfr.Close()
					return nil, fmt.Errorf("read facet %s=%s: %w", field, term, err)
				}
				if tfd == nil {
					break
				}
				num, err := seq.next(tfd.ID)
				if err != nil {
					tfr.Close()
					return nil, fmt.Errorf("read facet %s=%s: %w", field, term, err)
				}
				ds = append(ds, num)
				maxDoc = max(maxDoc, num)
			}
			tfr.Close()
			fv.values = append(fv.values, term)
			fv.field = append(fv.field, uint8(fi))
			docs = append(docs, ds)
		}
	}
	has := make([]uint8, maxDoc+1) // bit i: the document has field i
	for o, ds := range docs {
		for _, d := range ds {
			has[d] |= 1 << fv.field[o]
		}
	}
	for fi := range fields {
		var ds []uint32
		for d, h := range has {
			if h&(1<<fi) != 0 {
				ds = append(ds, uint32(d))
			}
		}
		docs = append(docs, ds)
	}
	fv.start = make([]uint32, maxDoc+2)
	total := 0
	for _, ds := range docs {
		for _, d := range ds {
			fv.start[d+1]++
		}
		total += len(ds)
	}
	for i := 1; i < len(fv.start); i++ {
		fv.start[i] += fv.start[i-1]
	}
	fv.ords = make([]uint32, total)
	next := slices.Clone(fv.start[:len(fv.start)-1])
	for o, ds := range docs {
		for _, d := range ds {
			fv.ords[next[d]] = uint32(o)
			next[d]++
		}
	}
	return fv, nil
}

// docSeq checks the document numbers a reader returns in order (a term's
// postings, every document's ID): each below the snapshot's count of
// document numbers and above the one before. A loop over a damaged
// postings list (a roaring run claiming millions of documents) then ends
// within that count, and what it allocates is bounded by it (issue 16).
type docSeq struct {
	limit uint64 // document numbers are below it
	prev  int64
}

func newDocSeq(r bindex.IndexReader) docSeq {
	s := docSeq{limit: math.MaxUint32 - 1, prev: -1}
	snap, ok := r.(*scorch.IndexSnapshot)
	if pr, isPage := r.(*pageReader); isPage {
		snap, ok = pr.IndexSnapshot, true
	}
	if ok {
		// Document numbers run over every segment's documents, deleted
		// ones included (scorch's offsets add each segment's full size).
		var n uint64
		for _, ss := range snap.Segments() {
			n += uint64(ss.FullSize())
		}
		s.limit = min(s.limit, n)
	}
	return s
}

// next decodes id and checks it follows the numbers before it.
func (s *docSeq) next(id bindex.IndexInternalID) (uint32, error) {
	n, ok := docNum(id)
	if !ok {
		return 0, fmt.Errorf("%w: internal ID %x is not a document number", ErrCorrupt, id)
	}
	if uint64(n) >= s.limit || int64(n) <= s.prev {
		return 0, fmt.Errorf("%w: document number %d after %d, of %d", ErrCorrupt, n, s.prev, s.limit)
	}
	s.prev = int64(n)
	return n, nil
}

// docNum decodes a scorch internal ID: the document number, big-endian.
func docNum(id bindex.IndexInternalID) (uint32, bool) {
	if len(id) != 8 {
		return 0, false
	}
	n := binary.BigEndian.Uint64(id)
	return uint32(n), n < math.MaxUint32-1
}

// facetCounter counts the facet values of every hit of one search, in
// place of Bleve's facets builder. Bleve calls handler once per shard
// searched (concurrently for several shards).
type facetCounter struct {
	ix     *Index
	fields []string
	sizes  []int
	mu     sync.Mutex
	parts  []*facetPart
}

// facetPart counts the hits of one shard's snapshot.
type facetPart struct {
	t      *facetValues
	counts []int32 // per value, then per field (facetValues)
	hits   int
}

func (ix *Index) newFacetCounter(facets map[string]int) (*facetCounter, error) {
	if len(facets) > maxFacetFields {
		return nil, fmt.Errorf("%d facets asked for, at most %d can be", len(facets), maxFacetFields)
	}
	fc := &facetCounter{ix: ix}
	for _, f := range slices.Sorted(maps.Keys(facets)) {
		fc.fields = append(fc.fields, f)
		fc.sizes = append(fc.sizes, facets[f])
	}
	return fc, nil
}

// handler wraps Bleve's default hit handler of a collector: every hit it
// sees is counted, then handed on.
func (fc *facetCounter) handler(sctx *bsearch.SearchContext) (bsearch.DocumentMatchHandler, bool, error) {
	next, loadID, err := collector.MakeTopNDocumentMatchHandler(sctx)
	if err != nil {
		return nil, false, err
	}
	t, err := fc.ix.facetValues(sctx.IndexReader, fc.fields)
	if err != nil {
		return nil, false, err
	}
	p := &facetPart{t: t, counts: make([]int32, len(t.values)+len(fc.fields))}
	fc.mu.Lock()
	fc.parts = append(fc.parts, p)
	fc.mu.Unlock()
	return func(d *bsearch.DocumentMatch) error {
		if d != nil {
			num, ok := docNum(d.IndexInternalID)
			if !ok {
				return fmt.Errorf("count facets: internal ID %x is not a document number", d.IndexInternalID)
			}
			p.hits++
			p.count(num)
		}
		return next(d)
	}, loadID, nil
}

// count counts the facet values of one hit (the caller counts the hit:
// the ranking slices keep their hit counts in locals).
func (p *facetPart) count(doc uint32) {
	t := p.t
	if int(doc)+1 >= len(t.start) {
		return
	}
	for _, o := range t.ords[t.start[doc]:t.start[doc+1]] {
		p.counts[o]++
	}
}

// results returns the facets as Bleve's facets builder would: counts,
// values by count then value, the first size of them, the total of values
// seen, hits without a value (Missing) and values left out (Other).
func (fc *facetCounter) results() bsearch.FacetResults {
	if len(fc.parts) > 0 {
		t := fc.parts[0].t
		same := true
		for _, p := range fc.parts {
			same = same && p.t == t
		}
		if same {
			return fc.resultsOf(t)
		}
	}
	rv := bsearch.FacetResults{}
	merged := make([]map[string]int, len(fc.fields))
	frs := make([]*bsearch.FacetResult, len(fc.fields))
	for i, f := range fc.fields {
		merged[i] = map[string]int{}
		frs[i] = &bsearch.FacetResult{Field: f, Terms: &bsearch.TermFacets{}}
		rv[f] = frs[i]
	}
	for _, p := range fc.parts {
		nv := len(p.t.values)
		for i := range fc.fields {
			frs[i].Missing += p.hits - int(p.counts[nv+i])
		}
		for o, c := range p.counts[:nv] {
			if c > 0 {
				i := p.t.field[o]
				merged[i][p.t.values[o]] += int(c)
				frs[i].Total += int(c)
			}
		}
	}
	for i, fr := range frs {
		for term, c := range merged[i] {
			fr.Terms.Add(&bsearch.TermFacet{Term: term, Count: c})
		}
		sort.Sort(fr.Terms)
		fr.Terms.TrimToTopN(min(fc.sizes[i], fr.Terms.Len()))
		fr.Other = fr.Total
		for _, t := range fr.Terms.Terms() {
			fr.Other -= t.Count
		}
	}
	return rv
}

// resultsOf is results for parts that all count over one table t (one
// shard, in slices or not): counts are summed by ordinal, and only each
// field's first values become TermFacets (Bleve's builder makes one per
// value seen and sorts them all: thousands of tags and sources at 100k).
func (fc *facetCounter) resultsOf(t *facetValues) bsearch.FacetResults {
	nv := len(t.values)
	counts := make([]int, nv+len(fc.fields))
	hits := 0
	for _, p := range fc.parts {
		hits += p.hits
		for o, c := range p.counts {
			counts[o] += int(c)
		}
	}
	type valueCount struct {
		term  string
		count int
	}
	seen := make([][]valueCount, len(fc.fields))
	totals := make([]int, len(fc.fields))
	for o, c := range counts[:nv] {
		if c > 0 {
			i := t.field[o]
			seen[i] = append(seen[i], valueCount{t.values[o], c})
			totals[i] += c
		}
	}
	rv := bsearch.FacetResults{}
	for i, f := range fc.fields {
		fr := &bsearch.FacetResult{Field: f, Terms: &bsearch.TermFacets{}, Total: totals[i], Missing: hits - counts[nv+i]}
		vs := seen[i]
		// Bleve's order: count, then value (TermFacets.Less).
		slices.SortFunc(vs, func(a, b valueCount) int {
			if a.count != b.count {
				return b.count - a.count
			}
			return strings.Compare(a.term, b.term)
		})
		fr.Other = fr.Total
		for _, v := range vs[:min(fc.sizes[i], len(vs))] {
			fr.Terms.Add(&bsearch.TermFacet{Term: v.term, Count: v.count})
			fr.Other -= v.count
		}
		rv[f] = fr
	}
	return rv
}
