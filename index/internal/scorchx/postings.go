package scorchx

import (
	"fmt"
	"math"
	"sync"

	"github.com/RoaringBitmap/roaring/v2"
	"github.com/blevesearch/bleve/v2/index/scorch"
	bindex "github.com/blevesearch/bleve_index_api"
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
	p, ok, err := FindPostings(r, field, term)
	if !ok || err != nil {
		return ok, err
	}
	return true, p.Read(fn)
}

// Postings are a term's postings in one field of a snapshot, found in each
// segment's dictionary (FindPostings) but not yet read.
type Postings struct {
	field, term string
	segs        []segPostings
	count       uint64
}

// segPostings are a term's postings in one segment: one posting held in
// the dictionary (oneHit), or a bitmap and the offset of the frequencies.
type segPostings struct {
	zs      *zap.Segment
	deleted *roaring.Bitmap
	base    uint64 // the snapshot's number of the segment's document 0
	oneHit  bool
	doc     uint64 // oneHit's document and norm bits
	bits    uint64
	bm      *roaring.Bitmap
	freqOff uint64
}

// FindPostings looks term up in each segment's dictionary of field in the
// snapshot r and reads its postings' bitmaps, not the postings: Count is
// then known before Read (what Bleve's term field reader gives as Count,
// without opening one: a fresh term's reader cost as much again as reading
// its postings by hand). Damage is an error wrapping corrupt.Err. ok is
// false when r is not a scorch snapshot of zap v17 segments read without
// Bleve's reader hook, as for TermPostings.
func FindPostings(r bindex.IndexReader, field, term string) (_ *Postings, ok bool, err error) {
	snap, isSnap := r.(*scorch.IndexSnapshot)
	if !isSnap || bindex.ReaderHook != nil {
		return nil, false, nil
	}
	segs := snap.Segments()
	for _, ss := range segs {
		if _, ok := ss.Segment().(*zap.Segment); !ok {
			return nil, false, nil
		}
	}
	p := &Postings{field: field, term: term}
	var base uint64
	w := fstWalks.Get().(*fstWalk) // the segments' dictionaries, loaded once
	defer fstWalks.Put(w)
	for _, ss := range segs {
		zs := ss.Segment().(*zap.Segment)
		sp := segPostings{zs: zs, deleted: ss.Deleted(), base: base}
		found, err := sp.find(w, field, term)
		if err != nil {
			return nil, true, fmt.Errorf("%w: %s: postings of %s:%q: %w", corrupt.Err, zs.Path(), field, term, err)
		}
		if found {
			p.count += sp.count()
			p.segs = append(p.segs, sp)
		}
		base += uint64(ss.FullSize())
	}
	if base >= math.MaxUint32-1 {
		return nil, true, fmt.Errorf("read %s:%q: %w: %d document numbers", field, term, corrupt.Err, base)
	}
	return p, true, nil
}

// Count returns the live documents holding the term: zapx's
// PostingsList.Count summed over the segments, as Bleve's term field
// reader counts them.
func (p *Postings) Count() uint64 { return p.count }

// Read calls fn with each live document of the term, ascending, with its
// frequency and norm, as TermPostings does.
func (p *Postings) Read(fn func(doc uint32, freq uint64, norm float64)) error {
	return p.ReadBits(func(doc uint32, freq, bits uint64) { fn(doc, freq, Norm(bits)) })
}

// ReadBits is Read with each posting's norm as zap stores it, the length
// of the document's field in tokens (Norm turns it into the norm): a
// caller that scores postings by their frequency and length can score each
// pair once.
func (p *Postings) ReadBits(fn func(doc uint32, freq, bits uint64)) error {
	for i := range p.segs {
		sp := &p.segs[i]
		if err := sp.read(fn); err != nil {
			return fmt.Errorf("%w: %s: postings of %s:%q: %w", corrupt.Err, sp.zs.Path(), p.field, p.term, err)
		}
	}
	return nil
}

// Norm is zapx's Posting.Norm of the norm bits it stores.
func Norm(bits uint64) float64 {
	return float64(float32(1.0 / math.Sqrt(float64(uint32(bits)))))
}

// find looks term up in field's dictionary of the segment and reads its
// postings' bitmap; found is false when the segment holds no posting of
// it.
func (sp *segPostings) find(w *fstWalk, field, term string) (found bool, err error) {
	zs := sp.zs
	mem := zs.Data()
	d, err := w.dict(zs, field)
	if err != nil || d.fst == nil {
		return false, err // no such field: no postings
	}
	off, ok, err := d.r.Get([]byte(term))
	if err != nil {
		return false, zapErr("dictionary: %v", err)
	}
	if !ok {
		return false, nil
	}
	numDocs := zs.NumDocs()
	if off&zap.FSTValEncodingMask == zap.FSTValEncoding1Hit {
		doc, bits := zap.FSTValDecode1Hit(off)
		if doc >= numDocs {
			return false, zapErr("posting names document %d of %d", doc, numDocs)
		}
		sp.oneHit, sp.doc, sp.bits = true, doc, bits
		return true, nil
	}
	freqOff, p, err := uvarintAt(mem, off)
	if err != nil {
		return false, zapErr("postings header at %d", off)
	}
	if _, p, err = uvarintAt(mem, p); err != nil { // the locations' offset
		return false, zapErr("postings header at %d", off)
	}
	blen, p, err := uvarintAt(mem, p)
	if err != nil || blen > uint64(len(mem))-p {
		return false, zapErr("postings header at %d", off)
	}
	bm := roaring.New()
	if _, err := bm.FromBuffer(mem[p : p+blen]); err != nil {
		return false, zapErr("postings bitmap: %v", err)
	}
	if bm.IsEmpty() {
		return false, nil
	}
	if uint64(bm.Maximum()) >= numDocs {
		return false, zapErr("postings name document %d of %d", bm.Maximum(), numDocs)
	}
	sp.bm, sp.freqOff = bm, freqOff
	return true, nil
}

// count is zapx's PostingsList.Count: the postings less the deleted
// documents among them.
func (sp *segPostings) count() uint64 {
	if sp.oneHit {
		if sp.deleted != nil && sp.deleted.Contains(uint32(sp.doc)) {
			return 0
		}
		return 1
	}
	n := sp.bm.GetCardinality()
	if sp.deleted != nil {
		n -= sp.bm.AndCardinality(sp.deleted)
	}
	return n
}

// docBufs are read's buffers (an array on its stack escaped to the heap
// through the iterator's interface: a kilobyte a segment a term).
var docBufs = sync.Pool{New: func() any { return new([256]uint32) }}

// read calls fn with the segment's live postings, their documents
// numbered from sp.base in the snapshot, and their norm bits.
func (sp *segPostings) read(fn func(doc uint32, freq, bits uint64)) error {
	zs, deleted, base := sp.zs, sp.deleted, sp.base
	if sp.oneHit {
		if deleted == nil || !deleted.Contains(uint32(sp.doc)) {
			fn(uint32(base+sp.doc), 1, sp.bits)
		}
		return nil
	}
	mem := zs.Data()
	numDocs := zs.NumDocs()
	bm := sp.bm
	size, err := chunkSize(zs.ChunkMode(), bm.GetCardinality(), numDocs)
	if err != nil {
		return err
	}
	freqs, err := newChunks(mem, sp.freqOff, numDocs/size+1)
	if err != nil {
		return fmt.Errorf("frequencies: %w", err)
	}
	var fr chunkReader
	cur := ^uint64(0)
	buf := docBufs.Get().(*[256]uint32) // the bitmap's documents, read many at a time
	defer docBufs.Put(buf)
	it := bm.ManyIterator()
	for {
		n := it.NextMany(buf[:])
		if n == 0 {
			return nil
		}
		for _, d := range buf[:n] {
			doc := uint64(d)
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
			if deleted != nil && deleted.Contains(d) {
				continue
			}
			fn(uint32(base+doc), freq, bits)
		}
	}
}
