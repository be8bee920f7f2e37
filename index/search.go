package index

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"runtime/debug"
	"slices"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/mapping"
	bsearch "github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
	bindex "github.com/blevesearch/bleve_index_api"

	"github.com/iq-search/iq/index/expr"
	"github.com/iq-search/iq/index/internal/bleveq"
	"github.com/iq-search/iq/index/internal/facets"
	"github.com/iq-search/iq/index/internal/fastrank"
	"github.com/iq-search/iq/index/internal/scorchx"
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
	// Pick, when set, chooses the hits of the page to complete: the
	// page's hits are first loaded with PickFields alone, Pick returns
	// the positions (in page order, each at most once) of those to load
	// Fields and Locations for, and the others keep PickFields only. A
	// caller that shows some of the hits it asks for (near-duplicates
	// collapsed) spares the others' stored records and the analysis
	// behind their locations.
	Pick       func(hits []Hit) []int
	PickFields []string
}

// searchTree runs the query tree q and returns one page of hits ordered by
// score, ties by ID (as Bleve's sort "-_score", "_id"), with stored
// fields, term locations and term facets as asked, in Bleve's form. The
// answer is what Bleve's own request for the same page gives, computed in
// a way that costs much less for queries with thousands of hits
// (BENCHMARKS.md, "Index and search"):
//
//   - Facets are counted from per-document value lists held in memory
//     (internal/facets, built on the first faceted search from the facet
//     fields' postings), instead of Bleve decoding the doc values of every
//     hit for every field. Counts, order (count, then value) and trimming
//     are Bleve's.
//   - The ranking pass sorts by score alone and loads nothing: sorting by
//     _id makes Bleve read the stored ID of every hit, and term locations
//     make every term searcher decode positions for every posting it visits.
//     A tie across the end of the page is settled by running the pass again
//     sorted by score and ID.
//   - The ranker is chosen before ranking: the fast ranker
//     (internal/fastrank: postings decoded into memory, the same hits and
//     scores, bit for bit, at a fraction of the cost) when the index is one
//     it ranks (one shard, checked at Open) and fastrank.Supports(q);
//     otherwise Bleve's searchers over bleveq.Query(q), as always for
//     --explain. After the fast ranker the page's locations come from the
//     clauses each hit matched and its texts (from the stored record)
//     analysed again; answer
//     locations are then complete where Bleve's page pass loses some
//     (query's TestFastRankingMatchesBleve).
//   - After Bleve's searchers, stored fields and locations are read in a
//     second pass restricted to the page's documents (q AND their IDs),
//     which matches them the same way and so reports the same locations,
//     but for answer locations Bleve's own page pass loses (the versus
//     suite).
func (ix *Index) searchTree(ctx context.Context, q expr.Node, opts SearchOptions) (_ *bleve.SearchResult, err error) {
	defer ix.guard(&err, debug.SetPanicOnFault(true))
	if err := ix.loadTables(); err != nil {
		return nil, err
	}
	n := opts.From + opts.Size
	var fc *facets.Counter
	if len(opts.Facets) > 0 {
		if fc, err = facets.NewCounter(&ix.facets, opts.Facets); err != nil {
			return nil, err
		}
	}
	var rank ranker
	if ix.fast != nil && !ix.noFast && !opts.Explain && fastrank.Supports(q) {
		f, err := ix.planFast(ctx, q)
		if err != nil {
			return nil, err
		}
		if f != nil {
			defer f.close()
			rank = f
			ix.ranked.fast.Add(1)
		}
	}
	if rank == nil {
		bq, err := bleveq.Query(q, allRecords())
		if err != nil {
			return nil, err
		}
		rank = &bleveRanker{ix: ix, q: bq, explain: opts.Explain}
		ix.ranked.bleve.Add(1)
	}
	// n+1: a hit past the page shows whether a tie crosses its end. A
	// search for no hits (Size 0: the total and facets) keeps none, and
	// the fast ranker then scores nothing.
	want := n + 1
	if n == 0 {
		want = 0
	}
	res, err := rank.rank(ctx, want, fc, false)
	if err != nil {
		return nil, err
	}
	if n == 0 {
		res.MaxScore = 0
	}
	if fc != nil {
		res.Facets = fc.Results()
	}
	hits := res.Hits
	sortHits(hits)
	if n > 0 && len(hits) > n && hits[n].Score == hits[n-1].Score {
		// Which of the tied hits fall on the page depends on IDs the
		// pass did not read.
		r2, err := rank.rank(ctx, n+1, nil, true)
		if err != nil {
			return nil, err
		}
		hits = r2.Hits
		sortHits(hits)
	}
	hits = hits[min(opts.From, len(hits)):min(n, len(hits))]
	complete := hits
	if len(hits) > 0 && opts.Pick != nil {
		if complete, err = pick(ctx, rank, hits, opts); err != nil {
			return nil, err
		}
	}
	if len(complete) > 0 && (len(opts.Fields) > 0 || opts.Locations) {
		if err := rank.details(ctx, complete, opts); err != nil {
			return nil, err
		}
	}
	res.Hits = hits
	res.Request = nil
	return res, nil
}

// pick loads opts.PickFields into the page's hits and returns those
// opts.Pick chooses, in page order.
func pick(ctx context.Context, rank ranker, hits bsearch.DocumentMatchCollection, opts SearchOptions) (bsearch.DocumentMatchCollection, error) {
	first := SearchOptions{Fields: opts.PickFields}
	if len(first.Fields) > 0 {
		if err := rank.details(ctx, hits, first); err != nil {
			return nil, err
		}
	}
	page := make([]Hit, len(hits))
	for i, h := range hits {
		var err error
		if page[i], err = newHit(h); err != nil {
			return nil, err
		}
	}
	chosen := make([]bool, len(hits))
	for _, i := range opts.Pick(page) {
		if i < 0 || i >= len(hits) || chosen[i] {
			return nil, fmt.Errorf("search: Pick chose position %d of a page of %d hits", i, len(hits))
		}
		chosen[i] = true
	}
	var out bsearch.DocumentMatchCollection
	for i, h := range hits {
		if chosen[i] {
			out = append(out, h)
		}
	}
	return out, nil
}

// A ranker runs the passes of one search: ranking (the n best hits by
// score, ties by internal order, or by ID with byID; facets counted
// through fc when set) and the page's stored fields and locations.
type ranker interface {
	rank(ctx context.Context, n int, fc *facets.Counter, byID bool) (*bleve.SearchResult, error)
	details(ctx context.Context, hits bsearch.DocumentMatchCollection, opts SearchOptions) error
}

// bleveRanker ranks through Bleve's searchers.
type bleveRanker struct {
	ix      *Index
	q       query.Query
	explain bool
}

func (b *bleveRanker) rank(ctx context.Context, n int, fc *facets.Counter, byID bool) (*bleve.SearchResult, error) {
	if byID {
		n-- // the sort settles ties: no hit past the page is needed
	}
	req := bleve.NewSearchRequestOptions(b.q, n, 0, b.explain)
	req.SortBy([]string{"-_score"})
	if byID {
		req.SortBy([]string{"-_score", "_id"})
	}
	if fc != nil {
		ctx = fc.Context(ctx)
	}
	return b.ix.search.SearchInContext(ctx, req)
}

func (b *bleveRanker) details(ctx context.Context, hits bsearch.DocumentMatchCollection, opts SearchOptions) error {
	return b.ix.details(ctx, b.q, hits, opts)
}

// fastRanker ranks through the fast ranker, over the index's one shard.
type fastRanker struct {
	plan *fastrank.Plan
	r    bindex.IndexReader
}

// planFast compiles q for the fast ranker against a reader of the one
// shard, or returns nil when the ranker refuses the tree on this index
// (fastrank.Plan).
func (ix *Index) planFast(ctx context.Context, q expr.Node) (*fastRanker, error) {
	adv, err := ix.shards[0].Advanced()
	if err != nil {
		return nil, err
	}
	r, err := adv.Reader()
	if err != nil {
		return nil, err
	}
	p, err := ix.fast.Plan(ctx, r, ix.shards[0].Mapping(), q)
	if err != nil {
		r.Close()
		if errors.Is(err, fastrank.ErrUnsupported) {
			return nil, nil
		}
		return nil, err
	}
	return &fastRanker{plan: p, r: r}, nil
}

func (f *fastRanker) close() { f.r.Close() }

func (f *fastRanker) rank(_ context.Context, n int, fc *facets.Counter, byID bool) (*bleve.SearchResult, error) {
	start := time.Now()
	rk, err := f.plan.Rank(n, fc, byID)
	if err != nil {
		return nil, err
	}
	return &bleve.SearchResult{
		Status:   &bleve.SearchStatus{Total: 1, Successful: 1},
		Total:    rk.Total,
		MaxScore: rk.MaxScore,
		Hits:     rk.Hits,
		Took:     time.Since(start),
	}, nil
}

func (f *fastRanker) details(_ context.Context, hits bsearch.DocumentMatchCollection, opts SearchOptions) error {
	return f.plan.Details(hits, opts.Fields, opts.Locations)
}

// withReader calls fn with a reader of shard i, closed after.
func (ix *Index) withReader(i int, fn func(bindex.IndexReader) error) error {
	return withShardReader(ix.shards[i], fn)
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
// restricted to them (scorchx.PageReader), so phrase and conjunction searchers
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
	var page []bindex.IndexInternalID
	ids := make([]string, 0, len(hits))
	for id := range hits {
		iid, err := r.InternalID(id)
		if err != nil {
			return 0, err
		}
		if iid != nil {
			page = append(page, slices.Clone(iid))
			ids = append(ids, id)
		}
	}
	if len(page) == 0 {
		return 0, nil
	}
	pr, err := scorchx.NewPageReader(r, page)
	if err != nil {
		return 0, err
	}
	m := sh.Mapping()
	if sm, ok := m.(mapping.SynonymMapping); ok && sm.SynonymCount() > 0 {
		fts, err := query.ExtractSynonyms(ctx, sm, pr, q, nil)
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
		DocumentMatchPool: bsearch.NewDocumentMatchPool(s.DocumentMatchPoolSize()+pr.Len()+1, 0),
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
