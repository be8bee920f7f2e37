package scorchx

import (
	"os"

	"github.com/blevesearch/bleve/v2/index/scorch"
	bindex "github.com/blevesearch/bleve_index_api"
	zap "github.com/blevesearch/zapx/v17"
)

// Mapped is the part of a zap segment file's mapping that searches read:
// Data starts at a page boundary of the mapping and runs to its end.
type Mapped struct {
	Path string
	Data []byte
	// Stored is how many bytes at the start of the file, before Data,
	// hold the stored documents (left out).
	Stored int64
}

// SearchSections returns, for each zap v17 segment of the snapshot r
// mapped from a file, the bytes of its mapping that searches read: from
// the stored fields' index (the footer's stored index offset, rounded
// down to a page) to the end of the file. zap v17 writes the stored
// documents first and everything else after them (zapx v17.2.5's zap.md:
// stored fields, their index of 8 bytes a document, then the inverted
// text index section: dictionaries, postings, frequencies and norms,
// locations, doc values, then the sections index and the footer). A
// server maps these ahead of its searches (index.Index.PreloadSearch)
// and leaves the stored documents, most of the file, to be mapped as
// pages of hits are read. The slices alias the segments' mappings: they
// are valid while r is open. Segments of another kind, or in memory, are
// left out; an offset past the end of its file (damage) leaves that
// segment out.
func SearchSections(r bindex.IndexReader) []Mapped {
	snap, ok := r.(*scorch.IndexSnapshot)
	if !ok {
		return nil
	}
	page := uint64(os.Getpagesize())
	var out []Mapped
	for _, ss := range snap.Segments() {
		zs, ok := ss.Segment().(*zap.Segment)
		if !ok {
			continue
		}
		mem := zs.Data()
		off := zs.StoredIndexOffset()
		if off > uint64(len(mem)) {
			continue
		}
		off -= off % page
		out = append(out, Mapped{Path: zs.Path(), Data: mem[off:], Stored: int64(off)})
	}
	return out
}
