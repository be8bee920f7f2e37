package scorchx

import (
	"fmt"
	"slices"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/index/scorch"
	bsearch "github.com/blevesearch/bleve/v2/search"
	bindex "github.com/blevesearch/bleve_index_api"

	"github.com/iq-search/iq/index/internal/corrupt"
)

// StoredReader loads a hit's stored fields as bleve.LoadAndHighlightFields
// does (a text field's value as a string, several values as a []any in
// stored order), but from the hit's segment and document number instead
// of looking its ID up in every segment's _id dictionary: with the ~30
// segments of a 100k build that lookup was 5% of a search's CPU.
//
// It relies on a *scorch.IndexSnapshot listing its segments in document
// number order (IndexSnapshot.Segments, VisitDocument), each taking as
// many numbers as its segment holds documents, deleted ones included
// (SegmentSnapshot.FullSize; its Count leaves the deleted out);
// on another reader it loads through Bleve.
type StoredReader struct {
	r       bindex.IndexReader
	fields  []string
	all     bool // fields holds "*"
	segs    []*scorch.SegmentSnapshot
	offsets []uint64 // each segment's first document number
}

// NewStoredReader returns a reader of fields ("*" for all) from r.
func NewStoredReader(r bindex.IndexReader, fields []string) *StoredReader {
	sr := &StoredReader{r: r, fields: fields, all: slices.Contains(fields, "*")}
	if snap, ok := r.(*scorch.IndexSnapshot); ok {
		sr.segs = snap.Segments()
		var next uint64
		for _, s := range sr.segs {
			sr.offsets = append(sr.offsets, next)
			next += uint64(s.FullSize())
		}
	}
	return sr
}

// Segments returns the number of segments the reader reads from (0 when
// it loads through Bleve).
func (sr *StoredReader) Segments() int { return len(sr.segs) }

// Load sets h.Fields to the stored fields of h's document.
func (sr *StoredReader) Load(h *bsearch.DocumentMatch) error {
	n, ok := DocNum(h.IndexInternalID)
	if sr.segs == nil || !ok {
		err, _ := bleve.LoadAndHighlightFields(h, &bleve.SearchRequest{Fields: sr.fields}, "", sr.r, nil)
		return err
	}
	i, found := slices.BinarySearch(sr.offsets, uint64(n))
	if !found {
		i--
	}
	if i < 0 || uint64(n)-sr.offsets[i] >= uint64(sr.segs[i].FullSize()) {
		return fmt.Errorf("load hit %s: %w: document %d is in no segment", h.ID, corrupt.Err, n)
	}
	var other bool
	err := sr.segs[i].VisitDocument(uint64(n)-sr.offsets[i], func(name string, typ byte, value []byte, _ []uint64) bool {
		if name == "_id" || !sr.all && !slices.Contains(sr.fields, name) {
			return true
		}
		if typ != 't' {
			other = true // not a type iq stores: Bleve's decoding below
			return false
		}
		h.AddFieldValue(name, string(value))
		return true
	})
	if err != nil {
		return fmt.Errorf("load hit %s: %w", h.ID, err)
	}
	if other {
		h.Fields = nil
		err, _ := bleve.LoadAndHighlightFields(h, &bleve.SearchRequest{Fields: sr.fields}, "", sr.r, nil)
		return err
	}
	return nil
}
