package scorchx

import (
	"encoding/binary"
	"fmt"
	"math"

	"github.com/blevesearch/bleve/v2/index/scorch"
	bindex "github.com/blevesearch/bleve_index_api"

	"github.com/iq-search/iq/index/internal/corrupt"
)

// DocNum decodes a scorch internal ID: the document's number in its
// snapshot (the segment's base plus the number in the segment),
// big-endian in 8 bytes (scorch's docNumberToBytes). ok is false for an ID
// that is not one, or a number too large for a uint32.
func DocNum(id bindex.IndexInternalID) (n uint32, ok bool) {
	if len(id) != 8 {
		return 0, false
	}
	v := binary.BigEndian.Uint64(id)
	return uint32(v), v < math.MaxUint32-1
}

// InternalID is DocNum's inverse: the internal ID of document number n.
func InternalID(n uint32) bindex.IndexInternalID {
	id := make(bindex.IndexInternalID, 8)
	binary.BigEndian.PutUint64(id, uint64(n))
	return id
}

// DocSeq checks the document numbers a reader returns in order (a term's
// postings, every document's ID): each below the snapshot's count of
// document numbers and above the one before. A loop over a damaged
// postings list (a roaring run claiming millions of documents) then ends
// within that count, and what it allocates is bounded by it (issue 16).
type DocSeq struct {
	limit uint64 // document numbers are below it
	prev  int64
}

// NewDocSeq returns the check of the document numbers of r (bounded by
// its segments' counts when r is a scorch snapshot or a PageReader).
func NewDocSeq(r bindex.IndexReader) DocSeq {
	s := DocSeq{limit: math.MaxUint32 - 1, prev: -1}
	snap, ok := r.(*scorch.IndexSnapshot)
	if pr, isPage := r.(*PageReader); isPage {
		snap, ok = pr.IndexSnapshot, true
	}
	if ok {
		var n uint64
		// Document numbers run over every segment's documents, deleted
		// ones included (scorch's offsets add each segment's full size).
		for _, ss := range snap.Segments() {
			n += uint64(ss.FullSize())
		}
		s.limit = min(s.limit, n)
	}
	return s
}

// Next decodes id and checks it follows the numbers before it; an error
// wraps corrupt.Err.
func (s *DocSeq) Next(id bindex.IndexInternalID) (uint32, error) {
	n, ok := DocNum(id)
	if !ok {
		return 0, fmt.Errorf("%w: internal ID %x is not a document number", corrupt.Err, id)
	}
	if uint64(n) >= s.limit || int64(n) <= s.prev {
		return 0, fmt.Errorf("%w: document number %d after %d, of %d", corrupt.Err, n, s.prev, s.limit)
	}
	s.prev = int64(n)
	return n, nil
}

// Shape returns the number of document numbers each segment of r takes, in
// document number order (deleted documents included), or nil when r is not
// a scorch snapshot: what a table by document number, stored with the
// index, must have been made for.
func Shape(r bindex.IndexReader) []uint64 {
	snap, ok := r.(*scorch.IndexSnapshot)
	if !ok {
		return nil
	}
	out := []uint64{}
	for _, ss := range snap.Segments() {
		out = append(out, uint64(ss.FullSize()))
	}
	return out
}
