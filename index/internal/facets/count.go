package facets

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"sort"
	"strings"
	"sync"

	bsearch "github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/collector"
	bindex "github.com/blevesearch/bleve_index_api"

	"github.com/iq-search/iq/index/internal/scorchx"
)

// Counter counts the facet values of every hit of one search, in place of
// Bleve's facets builder. Each ranker counts into Parts: Bleve's searchers
// one per shard searched (concurrently for several shards, through
// Context), the fast ranker one per slice of documents (NewPart).
type Counter struct {
	tables *Tables
	fields []string // sorted
	sizes  []int
	mu     sync.Mutex
	parts  []*Part
}

// Part counts the hits of one shard's snapshot, or of one slice of it.
type Part struct {
	t      *Table
	counts []int32 // per value, then per field (Table)
	hits   int
	batch  []uint32 // documents Count has not counted yet
}

// countBatch is how many documents Count gathers before counting them.
const countBatch = 256

// NewCounter returns a counter of the facets asked for (field → how many
// of its most frequent values to return), reading tables from ts.
func NewCounter(ts *Tables, facets map[string]int) (*Counter, error) {
	if len(facets) > MaxFields {
		return nil, fmt.Errorf("%d facets asked for, at most %d can be", len(facets), MaxFields)
	}
	c := &Counter{tables: ts}
	for _, f := range slices.Sorted(maps.Keys(facets)) {
		c.fields = append(c.fields, f)
		c.sizes = append(c.sizes, facets[f])
	}
	return c, nil
}

// Fields returns the faceted fields, sorted.
func (c *Counter) Fields() []string { return c.fields }

// NewPart returns a new part of the counts over table t (Table of
// c.Fields()), counted in Results.
func (c *Counter) NewPart(t *Table) *Part {
	p := &Part{t: t, counts: make([]int32, len(t.values)+len(c.fields))}
	c.mu.Lock()
	c.parts = append(c.parts, p)
	c.mu.Unlock()
	return p
}

// Context returns ctx with c's hit handler as the one Bleve's top-N
// collector makes for each shard searched: every hit Bleve collects is
// counted, then handed on.
func (c *Counter) Context(ctx context.Context) context.Context {
	return context.WithValue(ctx, bsearch.MakeDocumentMatchHandlerKey, bsearch.MakeDocumentMatchHandler(c.handler))
}

// handler wraps Bleve's default hit handler of a collector.
func (c *Counter) handler(sctx *bsearch.SearchContext) (bsearch.DocumentMatchHandler, bool, error) {
	next, loadID, err := collector.MakeTopNDocumentMatchHandler(sctx)
	if err != nil {
		return nil, false, err
	}
	t, err := c.tables.Get(sctx.IndexReader, c.fields)
	if err != nil {
		return nil, false, err
	}
	p := c.NewPart(t)
	return func(d *bsearch.DocumentMatch) error {
		if d != nil {
			if err := p.countID(d); err != nil {
				return err
			}
		}
		return next(d)
	}, loadID, nil
}

// Count counts the facet values of one hit, document number doc; the
// caller counts the hits (SetHits: the fast ranker's slices keep their hit
// counts in locals). It gathers countBatch hits and counts them together:
// at 1M records a hit's run of the table is a cache miss or two, and a
// loop over many hits' runs (their starts first, then their values) waits
// for several at once, where one hit at a time between the ranker's steps
// waited for each in turn (facets were 38% of a warm query's CPU).
func (p *Part) Count(doc uint32) {
	if p.batch == nil {
		p.batch = make([]uint32, 0, countBatch)
	}
	p.batch = append(p.batch, doc)
	if len(p.batch) == countBatch {
		p.flush()
	}
}

// flush counts the gathered hits.
func (p *Part) flush() {
	t := p.t
	var runs [countBatch][2]uint32
	n := 0
	for _, doc := range p.batch {
		if int(doc)+1 < len(t.start) {
			runs[n] = [2]uint32{t.start[doc], t.start[doc+1]}
			n++
		}
	}
	for _, r := range runs[:n] {
		for _, o := range t.ords[r[0]:r[1]] {
			p.counts[o]++
		}
	}
	p.batch = p.batch[:0]
}

// SetHits sets the number of hits the part counted, after the last Count.
func (p *Part) SetHits(n int) {
	p.flush()
	p.hits = n
}

// Results returns the facets as Bleve's facets builder would: counts,
// values by count then value, the first size of them, the total of values
// seen, hits without a value (Missing) and values left out (Other).
func (c *Counter) Results() bsearch.FacetResults {
	if len(c.parts) > 0 {
		t := c.parts[0].t
		same := true
		for _, p := range c.parts {
			same = same && p.t == t
		}
		if same {
			return c.resultsOf(t)
		}
	}
	rv := bsearch.FacetResults{}
	merged := make([]map[string]int, len(c.fields))
	frs := make([]*bsearch.FacetResult, len(c.fields))
	for i, f := range c.fields {
		merged[i] = map[string]int{}
		frs[i] = &bsearch.FacetResult{Field: f, Terms: &bsearch.TermFacets{}}
		rv[f] = frs[i]
	}
	for _, p := range c.parts {
		nv := len(p.t.values)
		for i := range c.fields {
			frs[i].Missing += p.hits - int(p.counts[nv+i])
		}
		for o, n := range p.counts[:nv] {
			if n > 0 {
				i := p.t.field[o]
				merged[i][p.t.values[o]] += int(n)
				frs[i].Total += int(n)
			}
		}
	}
	for i, fr := range frs {
		for term, n := range merged[i] {
			fr.Terms.Add(&bsearch.TermFacet{Term: term, Count: n})
		}
		sort.Sort(fr.Terms)
		fr.Terms.TrimToTopN(min(c.sizes[i], fr.Terms.Len()))
		fr.Other = fr.Total
		for _, t := range fr.Terms.Terms() {
			fr.Other -= t.Count
		}
	}
	return rv
}

// resultsOf is Results for parts that all count over one table t (one
// shard, in slices or not): counts are summed by ordinal, and only each
// field's first values become TermFacets (Bleve's builder makes one per
// value seen and sorts them all: thousands of tags and sources at 100k).
func (c *Counter) resultsOf(t *Table) bsearch.FacetResults {
	nv := len(t.values)
	sc := scratches.Get().(*scratch)
	defer scratches.Put(sc)
	counts := sc.counts[:0]
	counts = append(counts, make([]int, nv+len(c.fields))...) // zeroed, in place when it fits
	sc.counts = counts
	hits := 0
	for _, p := range c.parts {
		hits += p.hits
		for o, n := range p.counts {
			counts[o] += int(n)
		}
	}
	for len(sc.seen) < len(c.fields) {
		sc.seen = append(sc.seen, nil)
	}
	seen := sc.seen[:len(c.fields)]
	for i := range seen {
		seen[i] = seen[i][:0]
	}
	totals := make([]int, len(c.fields))
	for o, n := range counts[:nv] {
		if n > 0 {
			i := t.field[o]
			seen[i] = append(seen[i], valueCount{t.values[o], n})
			totals[i] += n
		}
	}
	rv := bsearch.FacetResults{}
	for i, f := range c.fields {
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
		for _, v := range vs[:min(c.sizes[i], len(vs))] {
			fr.Terms.Add(&bsearch.TermFacet{Term: v.term, Count: v.count})
			fr.Other -= v.count
		}
		rv[f] = fr
	}
	for i := range seen {
		clear(seen[i]) // the values' strings are the table's; drop them anyway
	}
	return rv
}

// scratch is resultsOf's working memory, pooled: a count per value of the
// table (thousands of tags and sources) and the values seen per field,
// made afresh for every search they were 3-5 MB of an unseen pass of 200
// queries at 100k records.
type scratch struct {
	counts []int
	seen   [][]valueCount
}

type valueCount struct {
	term  string
	count int
}

var scratches = sync.Pool{New: func() any { return new(scratch) }}

// countID counts a hit of Bleve's searchers, by its internal ID.
func (p *Part) countID(d *bsearch.DocumentMatch) error {
	num, ok := scorchx.DocNum(d.IndexInternalID)
	if !ok {
		return fmt.Errorf("count facets: internal ID %x is not a document number", d.IndexInternalID)
	}
	p.hits++
	p.Count(num)
	p.flush() // Bleve's searchers hand hits over one at a time, with no last call
	return nil
}

// Table returns the table of the counter's fields in snapshot r, for
// NewPart.
func (c *Counter) Table(r bindex.IndexReader) (*Table, error) {
	return c.tables.Get(r, c.fields)
}
