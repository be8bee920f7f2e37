package scorchx

import (
	"fmt"
	"math"

	"github.com/RoaringBitmap/roaring/v2"
	"github.com/blevesearch/bleve/v2/index/scorch"
	bindex "github.com/blevesearch/bleve_index_api"
	"github.com/blevesearch/vellum"
	zap "github.com/blevesearch/zapx/v17"

	"github.com/iq-search/iq/index/internal/corrupt"
)

// TermPostings calls fn with each live document of term in field in the
// snapshot r, ascending, with its frequency and norm as Bleve's term field
// reader (with frequencies and norms, without term vectors) gives them in
// TermFieldDoc.Freq and Norm. It decodes zap's postings by hand (the
// dictionary, the postings bitmap, the chunked frequency stream: the format
// CheckLocations reads): Bleve's reader costs ~5 times as much per posting
// through its iterators, and the fast ranker decodes every posting of each
// term it ranks the first time (a common word at 1M records holds hundreds
// of thousands). Every count is bounded by the bytes that hold it: damage is
// an error wrapping corrupt.Err, never a panic. ok is false, and fn not
// called, when r is not a scorch snapshot of zap v17 segments read without
// Bleve's reader hook: the caller then reads through a term field reader.
func TermPostings(r bindex.IndexReader, field, term string, fn func(doc uint32, freq uint64, norm float64)) (ok bool, err error) {
	snap, isSnap := r.(*scorch.IndexSnapshot)
	if !isSnap || bindex.ReaderHook != nil {
		return false, nil
	}
	segs := snap.Segments()
	for _, ss := range segs {
		if _, ok := ss.Segment().(*zap.Segment); !ok {
			return false, nil
		}
	}
	var base uint64
	for _, ss := range segs {
		zs := ss.Segment().(*zap.Segment)
		if err := segmentPostings(zs, ss.Deleted(), base, field, term, fn); err != nil {
			return true, fmt.Errorf("%w: %s: postings of %s:%q: %w", corrupt.Err, zs.Path(), field, term, err)
		}
		base += uint64(ss.FullSize())
	}
	if base >= math.MaxUint32-1 {
		return true, fmt.Errorf("read %s:%q: %w: %d document numbers", field, term, corrupt.Err, base)
	}
	return true, nil
}

// norm is zapx's Posting.Norm of the norm bits it stores.
func norm(bits uint64) float64 {
	return float64(float32(1.0 / math.Sqrt(float64(uint32(bits)))))
}

// segmentPostings is TermPostings over one segment, whose documents are
// numbered from base in the snapshot.
func segmentPostings(zs *zap.Segment, deleted *roaring.Bitmap, base uint64, field, term string, fn func(doc uint32, freq uint64, norm float64)) error {
	mem := zs.Data()
	dictLoc, err := zs.DictAddr(field)
	if err != nil {
		return nil // no such field: no postings
	}
	vlen, p, err := uvarintAt(mem, dictLoc)
	if err != nil || vlen == 0 || vlen > uint64(len(mem))-p {
		return zapErr("dictionary at %d", dictLoc)
	}
	fst, err := vellum.Load(mem[p : p+vlen])
	if err != nil {
		return zapErr("dictionary: %v", err)
	}
	off, ok, err := fst.Get([]byte(term))
	if err != nil {
		return zapErr("dictionary: %v", err)
	}
	if !ok {
		return nil
	}
	numDocs := zs.NumDocs()
	if off&zap.FSTValEncodingMask == zap.FSTValEncoding1Hit {
		doc, bits := zap.FSTValDecode1Hit(off)
		if doc >= numDocs {
			return zapErr("posting names document %d of %d", doc, numDocs)
		}
		if deleted == nil || !deleted.Contains(uint32(doc)) {
			fn(uint32(base+doc), 1, norm(bits))
		}
		return nil
	}
	freqOff, p, err := uvarintAt(mem, off)
	if err != nil {
		return zapErr("postings header at %d", off)
	}
	if _, p, err = uvarintAt(mem, p); err != nil { // the locations' offset
		return zapErr("postings header at %d", off)
	}
	blen, p, err := uvarintAt(mem, p)
	if err != nil || blen > uint64(len(mem))-p {
		return zapErr("postings header at %d", off)
	}
	bm := roaring.New()
	if _, err := bm.FromBuffer(mem[p : p+blen]); err != nil {
		return zapErr("postings bitmap: %v", err)
	}
	card := bm.GetCardinality()
	if card == 0 {
		return nil
	}
	if uint64(bm.Maximum()) >= numDocs {
		return zapErr("postings name document %d of %d", bm.Maximum(), numDocs)
	}
	size, err := chunkSize(zs.ChunkMode(), card, numDocs)
	if err != nil {
		return err
	}
	freqs, err := newChunks(mem, freqOff, numDocs/size+1)
	if err != nil {
		return fmt.Errorf("frequencies: %w", err)
	}
	var fr chunkReader
	cur := ^uint64(0)
	for it := bm.Iterator(); it.HasNext(); {
		doc := uint64(it.Next())
		var freq, bits uint64
		if freqs.ends != nil { // else zapx reads every frequency as 0
			if c := doc / size; c != cur {
				if fr, err = freqs.chunk(c); err != nil {
					return fmt.Errorf("frequencies: %w", err)
				}
				cur = c
			}
			fh, err := fr.uvarint()
			if err != nil {
				return fmt.Errorf("frequency of document %d: %w", doc, err)
			}
			if freq = fh >> 1; freq != 0 {
				if bits, err = fr.uvarint(); err != nil {
					return fmt.Errorf("norm of document %d: %w", doc, err)
				}
			}
		}
		if deleted != nil && deleted.Contains(uint32(doc)) {
			continue
		}
		fn(uint32(base+doc), freq, norm(bits))
	}
	return nil
}
