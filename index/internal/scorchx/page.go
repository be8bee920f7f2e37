package scorchx

import (
	"context"
	"fmt"
	"slices"
	"sort"

	"github.com/blevesearch/bleve/v2/index/scorch"
	bindex "github.com/blevesearch/bleve_index_api"
)

// PageReader is an index snapshot whose term and document readers yield
// only the documents of a page (a handful of hits already ranked), so
// that a query run again over it matches each of them exactly as in the
// full search, with the same term locations, without walking every
// posting. It embeds *scorch.IndexSnapshot for everything else Bleve's
// searchers ask of a reader (the dictionaries, the thesaurus, BM25's
// field cardinalities): a plain IndexReader would lose the optional
// interfaces the snapshot implements.
type PageReader struct {
	*scorch.IndexSnapshot
	page []bindex.IndexInternalID // sorted
}

// NewPageReader returns r restricted to the documents page. r must be a
// scorch snapshot.
func NewPageReader(r bindex.IndexReader, page []bindex.IndexInternalID) (*PageReader, error) {
	snap, ok := r.(*scorch.IndexSnapshot)
	if !ok {
		return nil, fmt.Errorf("load hits: reader is %T, not a scorch snapshot", r)
	}
	page = slices.Clone(page)
	slices.SortFunc(page, func(a, b bindex.IndexInternalID) int { return a.Compare(b) })
	return &PageReader{IndexSnapshot: snap, page: page}, nil
}

// IsPage reports whether r is a PageReader (a cost estimate is pointless
// there: it reads a few documents whatever the order).
func IsPage(r bindex.IndexReader) bool {
	_, ok := r.(*PageReader)
	return ok
}

// Len returns the number of documents of the page.
func (pr *PageReader) Len() int { return len(pr.page) }

// TermFieldReader checks the term's postings first when it reads their
// locations (CheckLocations).
func (pr *PageReader) TermFieldReader(ctx context.Context, term []byte, field string, includeFreq, includeNorm, includeTermVectors bool) (bindex.TermFieldReader, error) {
	if includeTermVectors {
		if err := CheckLocations(pr.IndexSnapshot, field, string(term)); err != nil {
			return nil, err
		}
	}
	tfr, err := pr.IndexSnapshot.TermFieldReader(ctx, term, field, includeFreq, includeNorm, includeTermVectors)
	if err != nil {
		return nil, err
	}
	return &pageTermReader{TermFieldReader: tfr, page: pr.page}, nil
}

func (pr *PageReader) DocIDReaderAll() (bindex.DocIDReader, error) {
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
