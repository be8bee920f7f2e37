package fastrank

import (
	"context"
	"fmt"
	"math"
	"sync"

	bsearch "github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/scorer"
	bindex "github.com/blevesearch/bleve_index_api"

	"github.com/iq-search/iq/index/internal/scorchx"
)

// postings is one term's postings in one field, decoded.
type postings struct {
	field string
	term  string
	docs  []uint32
	score []float64 // Bleve's term score before the query weight
	count uint64    // the term reader's Count, for idf and ordering
	idf   float64
}

func (p *postings) bytes() int {
	return 64 + len(p.docs)*4 + len(p.score)*8
}

type postKey struct {
	field, term string
}

// postingCache holds decoded postings of one snapshot. An index opened
// read-only keeps its snapshot; the cache starts again when it changes or
// grows past its budget (maxPostingBytes unless SetPostingBudget says).
type postingCache struct {
	mu     sync.Mutex
	budget int // 0: maxPostingBytes
	snap   bindex.IndexReader
	m      map[postKey]*postings
	phr    map[string]phraseLocs // by phraseKey
	avg    map[string]float64
	total  uint64
	bytes  int
}

// maxPostingBytes bounds the decoded postings kept (~12 bytes a posting,
// and a phrase word's locations): at 100k records the postings of a few hundred common
// terms.
const maxPostingBytes = 512 << 20

// forSnapshot returns the cache, emptied when snap is not the snapshot it
// holds postings of, or when it is full.
func (c *postingCache) forSnapshot(snap bindex.IndexReader) (*postingCache, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	budget := c.budget
	if budget <= 0 {
		budget = maxPostingBytes
	}
	if c.snap != snap || c.m == nil || c.bytes > budget {
		total, err := snap.DocCount()
		if err != nil {
			return nil, err
		}
		c.snap, c.total, c.bytes = snap, total, 0
		c.m = map[postKey]*postings{}
		c.phr = map[string]phraseLocs{}
		c.avg = map[string]float64{}
	}
	return c, nil
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

// postings returns the decoded postings of term in field.
func (c *postingCache) postings(ctx context.Context, field, term string) (*postings, error) {
	k := postKey{field, term}
	c.mu.Lock()
	p := c.m[k]
	c.mu.Unlock()
	if p != nil {
		return p, nil
	}
	p, err := c.decode(ctx, field, term)
	if err != nil {
		return nil, err
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

// decode reads the postings of term in field, scoring each posting as
// scorer.TermQueryScorer.docScore does, float operation for float
// operation: BM25 when the field has terms (avgLen > 0), tf-idf
// otherwise (computeIDF).
func (c *postingCache) decode(ctx context.Context, field, term string) (_ *postings, err error) {
	avg, err := c.avgLen(field)
	if err != nil {
		return nil, err
	}
	tfr, err := c.snap.TermFieldReader(ctx, []byte(term), field, true, true, false)
	if err != nil {
		return nil, err
	}
	defer func() {
		if cerr := tfr.Close(); cerr != nil && err == nil {
			err = cerr
		}
	}()
	p := &postings{field: field, term: term, count: tfr.Count()}
	bm25 := avg > 0
	if bm25 {
		p.idf = math.Log(1 + (float64(c.total)-float64(p.count)+0.5)/(float64(p.count)+0.5))
	} else {
		p.idf = 1.0 + math.Log(float64(c.total)/float64(p.count+1.0))
	}
	// Sized once from the reader's count (bounded by the snapshot's
	// documents, whatever a damaged count claims): growing them by append
	// cost the first pass over fresh terms half its decoding (copies and
	// the clearing of fresh memory).
	n := min(p.count, c.total)
	p.docs = make([]uint32, 0, n)
	p.score = make([]float64, 0, n)
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
		p.docs = append(p.docs, num)
		var tf float64
		if d.Freq < scorer.MaxSqrtCache {
			tf = scorer.SqrtCache[int(d.Freq)]
		} else {
			tf = math.Sqrt(float64(d.Freq))
		}
		var s float64
		if bm25 {
			fieldLength := 1 / (d.Norm * d.Norm)
			s = p.idf * (tf * bsearch.BM25_k1) /
				(tf + bsearch.BM25_k1*(1-bsearch.BM25_b+(bsearch.BM25_b*fieldLength/avg)))
		} else {
			s = tf * d.Norm * p.idf
		}
		p.score = append(p.score, s)
	}
	return p, nil
}
