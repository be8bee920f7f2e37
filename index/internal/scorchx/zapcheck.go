package scorchx

import (
	"encoding/binary"
	"errors"
	"fmt"
	"sync"

	"github.com/RoaringBitmap/roaring/v2"
	"github.com/blevesearch/bleve/v2/index/scorch"
	bindex "github.com/blevesearch/bleve_index_api"
	zap "github.com/blevesearch/zapx/v17"

	"github.com/iq-search/iq/index/internal/corrupt"
)

// Reading a term's postings with their locations trusts two counts in the
// segment file that nothing bounds (zapx v17.2.5, PostingsIterator
// .nextAtOrAfter):
//
//   - numLocsBytes, the size of a posting's locations: zapx reads
//     locations until it has consumed that many bytes, and its varint
//     reader returns 0 without moving at the end of a chunk, so a count
//     larger than the chunk loops forever, allocating a Location each time
//     (issue 16: 24 GB and an OOM kill, or a search that never returns).
//   - freq, which sizes two slices up front (2×freq Locations): a damaged
//     freq asks for terabytes, and the runtime ends the process when the
//     allocation fails, which no recover reaches.
//
// CheckLocations reads a term's postings in every segment as zapx would,
// with every count bounded by the bytes that hold it, before any reader with
// locations is created: damage becomes corrupt.Err (index.ErrCorrupt)
// naming the segment. Every reader of locations calls it first: Bleve's
// phrase searchers (bleveq.ExactPhrase), the page pass (PageReader) and the
// fast ranker's postings with locations (fastrank).
// It decodes zap's format by hand (v17: an FST from term to postings
// offset; a postings header of freq offset, loc offset and roaring bitmap;
// chunked varint streams), so TestCheckLocationsHealthy reads every term of
// real indexes through it (index/zapcheck_test.go): a zapx upgrade that changes the format fails that
// test rather than refusing good indexes.

// CheckLocations returns an error wrapping corrupt.Err when the postings of
// term in field, in any zap v17 segment of r, would make zapx read past a
// chunk or size its buffers from a count the file cannot hold. Readers it
// does not know (not a scorch snapshot, other segment versions, files with
// Bleve's reader hook) pass unchecked.
func CheckLocations(r bindex.IndexReader, field, term string) error {
	return checkLocations(r, field, term, nil, false)
}

// CheckLocationsAt is CheckLocations for a reader that lands only on docs
// (document numbers of the snapshot r, ascending) with Next and Advance: it
// checks what such a reader reads. zapx loads the chunk of the posting it
// lands on, steps through that chunk to it, skipping each posting's
// locations by their size, and reads the locations of that posting alone;
// so the check reads the chunks holding docs, every location size in them,
// and the locations of docs. A phrase whose words meet in few documents
// then reads a few of a common word's locations instead of all of them
// (half of a fresh phrase's CPU before).
func CheckLocationsAt(r bindex.IndexReader, field, term string, docs []uint32) error {
	return checkLocations(r, field, term, docs, true)
}

func checkLocations(r bindex.IndexReader, field, term string, docs []uint32, only bool) error {
	_, err := walkLocations(r, field, term, docs, only, nil)
	return err
}

// TermLocations reads the locations of term in field in docs (document
// numbers of the snapshot r, ascending, each holding the term) as a term
// field reader with term vectors landing on each of them reads them, and
// checks them as CheckLocationsAt does: for each of docs in turn it calls
// doc, then loc with each of its locations' position and array positions
// (arrays is reused), as the reader's TermFieldDoc.Vectors list them. An
// error from loc ends the walk and is returned. ok is false, and nothing
// called, when r is not a scorch snapshot of zap v17 segments read
// without Bleve's reader hook: the caller then reads through a reader.
// Bleve's reader cost a fresh phrase at 1M records as much again as the
// check (advancing chunked iterators, a TermFieldVector per location).
func TermLocations(r bindex.IndexReader, field, term string, docs []uint32, doc func(n uint32), loc func(pos uint64, arrays []uint64) error) (ok bool, err error) {
	snap, isSnap := r.(*scorch.IndexSnapshot)
	if !isSnap || bindex.ReaderHook != nil {
		return false, nil
	}
	for _, ss := range snap.Segments() {
		if _, ok := ss.Segment().(*zap.Segment); !ok {
			return false, nil
		}
	}
	return walkLocations(r, field, term, docs, true, &visitor{doc: doc, loc: loc})
}

// visitor receives the locations of the documents a walk lands on.
type visitor struct {
	base   uint64 // of the segment walked
	doc    func(n uint32)
	loc    func(pos uint64, arrays []uint64) error
	arrays []uint64
}

func walkLocations(r bindex.IndexReader, field, term string, docs []uint32, only bool, v *visitor) (bool, error) {
	var snap *scorch.IndexSnapshot
	switch r := r.(type) {
	case *scorch.IndexSnapshot:
		snap = r
	case *PageReader:
		snap = r.IndexSnapshot
	default:
		return false, nil
	}
	if bindex.ReaderHook != nil {
		return false, nil // segment bytes may be transformed (encrypted)
	}
	var base uint64
	buf := make([]uint64, 0, len(docs)) // local's array, sized once
	for _, ss := range snap.Segments() {
		size := uint64(ss.FullSize())
		local := buf[:0] // the documents of docs in this segment
		for len(docs) > 0 && uint64(docs[0]) < base+size {
			if uint64(docs[0]) >= base {
				local = append(local, uint64(docs[0])-base)
			}
			docs = docs[1:]
		}
		zs, ok := ss.Segment().(*zap.Segment)
		if !ok || only && len(local) == 0 {
			base += size
			continue
		}
		if v != nil {
			v.base = base
		}
		w, err := walkTerm(zs, field, term, local, only, v)
		if err == nil && v != nil && w.Landed != len(local) {
			err = zapErr("%d of %d documents held the term", w.Landed, len(local))
		}
		if err != nil {
			if ve, ok := err.(visitErr); ok {
				return true, ve.err
			}
			return true, fmt.Errorf("%w: %s: postings of %s:%q: %w", corrupt.Err, zs.Path(), field, term, err)
		}
		base += size
	}
	return true, nil
}

// visitErr is an error of a visitor's loc, returned as it is.
type visitErr struct{ err error }

func (e visitErr) Error() string { return e.err.Error() }

var errZap = errors.New("damaged")

func zapErr(format string, args ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{errZap}, args...)...)
}

// TermWalk is what WalkTerm read: for the tests, which compare it with
// zapx's own reading and damage the first posting's locations.
type TermWalk struct {
	Postings, WithLocs, Locations int
	// Landed counts the postings of the documents asked for (WalkTermAt).
	Landed int
	// The first posting with locations: the file offset of its location
	// size (-1 when none), the size's length and the bytes after it in
	// its chunk.
	FirstLocs            int64
	FirstSize, FirstLeft int
	FileSize             int64
}

// WalkTerm checks one term's postings in one segment, returning what it
// read.
func WalkTerm(zs *zap.Segment, field, term string) (w TermWalk, err error) {
	return walkTerm(zs, field, term, nil, false, nil)
}

// WalkTermAt is WalkTerm over the chunks holding the segment's documents
// local (ascending) alone.
func WalkTermAt(zs *zap.Segment, field, term string, local []uint64) (w TermWalk, err error) {
	return walkTerm(zs, field, term, local, true, nil)
}

// walkTerm is WalkTerm, over the chunks holding the documents of local
// alone when only is set, handing the locations of those to v when it is
// not nil.
func walkTerm(zs *zap.Segment, field, term string, local []uint64, only bool, v *visitor) (w TermWalk, err error) {
	w.FirstLocs = -1
	mem := zs.Data()
	w.FileSize = int64(len(mem))
	fst, err := loadFST(zs, field)
	if err != nil || fst == nil {
		return w, err // nil: no such field or no dictionary, zapx reads nothing
	}
	off, ok, err := fst.Get([]byte(term))
	if err != nil {
		return w, zapErr("dictionary: %v", err)
	}
	if !ok || off&zap.FSTValEncodingMask == zap.FSTValEncoding1Hit {
		return w, nil // absent, or one posting held in the dictionary itself
	}
	freqOff, p, err := uvarintAt(mem, off)
	if err != nil {
		return w, zapErr("postings header at %d", off)
	}
	locOff, p, err := uvarintAt(mem, p)
	if err != nil {
		return w, zapErr("postings header at %d", off)
	}
	blen, p, err := uvarintAt(mem, p)
	if err != nil || blen > uint64(len(mem))-p {
		return w, zapErr("postings header at %d", off)
	}
	bm := roaring.New()
	if _, err := bm.FromBuffer(mem[p : p+blen]); err != nil {
		return w, zapErr("postings bitmap: %v", err)
	}
	numDocs := zs.NumDocs()
	card := bm.GetCardinality()
	if card == 0 {
		return w, nil
	}
	if uint64(bm.Maximum()) >= numDocs {
		return w, zapErr("postings name document %d of %d", bm.Maximum(), numDocs)
	}
	size, err := chunkSize(zs.ChunkMode(), card, numDocs)
	if err != nil {
		return w, err
	}
	freqs, err := newChunks(mem, freqOff, numDocs/size+1)
	if err != nil {
		return w, fmt.Errorf("frequencies: %w", err)
	}
	if freqs.ends == nil {
		return w, nil // zapx reads every frequency as 0: no locations
	}
	locs, err := newChunks(mem, locOff, numDocs/size+1)
	if err != nil {
		return w, fmt.Errorf("locations: %w", err)
	}
	nfields := uint64(len(zs.Fields()))
	var fr, lr chunkReader
	cur := ^uint64(0)
	it := docIters.Get().(*docIter)
	defer func() { it.mit = nil; docIters.Put(it) }()
	it.mit, it.i, it.n = bm.ManyIterator(), 0, 0
	for it.HasNext() {
		if only {
			// Skip to the next chunk holding one of local.
			for len(local) > 0 && local[0]/size < uint64(it.PeekNext())/size {
				local = local[1:]
			}
			if len(local) == 0 {
				break
			}
			if c := local[0] / size; c != cur {
				it.AdvanceIfNeeded(uint32(c * size))
				if !it.HasNext() {
					break
				}
				if uint64(it.PeekNext())/size != c {
					local = local[1:] // no posting in that chunk
					continue
				}
			}
		}
		doc := uint64(it.Next())
		if c := doc / size; c != cur {
			if fr, err = freqs.chunk(c); err != nil {
				return w, fmt.Errorf("frequencies: %w", err)
			}
			if lr, err = locs.chunk(c); err != nil {
				return w, fmt.Errorf("locations: %w", err)
			}
			cur = c
		}
		w.Postings++
		// A posting the reader lands on has its locations read; one it
		// steps over in the chunk on the way has them skipped by their size.
		land := !only
		if only {
			for len(local) > 0 && local[0] < doc {
				local = local[1:]
			}
			if land = len(local) > 0 && local[0] == doc; land {
				local = local[1:]
				w.Landed++
				if v != nil {
					v.doc(uint32(v.base + doc))
				}
			}
		}
		fh, err := fr.uvarint()
		if err != nil {
			return w, fmt.Errorf("frequency of document %d: %w", doc, err)
		}
		freq, hasLocs := fh>>1, fh&1 != 0
		if freq != 0 {
			if _, err := fr.uvarint(); err != nil {
				return w, fmt.Errorf("norm of document %d: %w", doc, err)
			}
		}
		if !hasLocs {
			continue
		}
		w.WithLocs++
		var n uint64 // zapx reads 0 from a stream it did not write
		if locs.ends != nil {
			at := lr.base + int64(lr.pos)
			if n, err = lr.uvarint(); err != nil {
				return w, fmt.Errorf("locations of document %d: %w", doc, err)
			}
			if w.FirstLocs < 0 {
				w.FirstLocs, w.FirstSize, w.FirstLeft = at, int(lr.base+int64(lr.pos)-at), lr.left()
			}
		}
		if n > uint64(lr.left()) {
			return w, zapErr("document %d: %d bytes of locations, %d left in the chunk", doc, n, lr.left())
		}
		if !land {
			lr.pos += int(n)
			continue
		}
		// zapx allocates 2×freq locations first; a location takes at
		// least 5 bytes, so freq never exceeds the bytes of a sound one.
		if freq > n {
			return w, zapErr("document %d: frequency %d in %d bytes of locations", doc, freq, n)
		}
		end := lr.pos + int(n)
		for lr.pos < end {
			var l [5]uint64 // field, pos, start, end, number of array positions
			for k := range l {
				if l[k], err = lr.uvarint(); err != nil {
					return w, fmt.Errorf("location of document %d: %w", doc, err)
				}
			}
			w.Locations++
			if l[0] >= nfields {
				return w, zapErr("document %d: location in field %d of %d", doc, l[0], nfields)
			}
			if l[4] > uint64(end-lr.pos) {
				return w, zapErr("document %d: %d array positions in %d bytes", doc, l[4], end-lr.pos)
			}
			if v != nil {
				v.arrays = v.arrays[:0]
			}
			for range l[4] {
				a, err := lr.uvarint()
				if err != nil {
					return w, fmt.Errorf("array position of document %d: %w", doc, err)
				}
				if v != nil {
					v.arrays = append(v.arrays, a)
				}
			}
			if v != nil {
				if err := v.loc(l[1], v.arrays); err != nil {
					return w, visitErr{err}
				}
			}
		}
		if lr.pos != end {
			return w, zapErr("document %d: locations overrun their %d bytes", doc, n)
		}
	}
	return w, nil
}

// docIter is a bitmap's iterator with roaring's peekable iterator's
// methods, read a batch of documents at a time: a walk landing on a
// phrase's candidates steps through every posting of a common word, and
// three calls through roaring's interface a posting were a quarter of it.
type docIter struct {
	mit  roaring.ManyIntIterable
	i, n int
	buf  [256]uint32
}

// docIters recycles docIters (the batch escapes through roaring's
// interface).
var docIters = sync.Pool{New: func() any { return new(docIter) }}

// HasNext reports whether a document is left, reading the next batch
// when the buffer is spent.
func (d *docIter) HasNext() bool {
	if d.i < d.n {
		return true
	}
	d.i, d.n = 0, d.mit.NextMany(d.buf[:])
	return d.n > 0
}

// PeekNext returns the next document; HasNext must have said there is one.
func (d *docIter) PeekNext() uint32 { return d.buf[d.i] }

// Next returns the next document and moves past it; HasNext must have
// said there is one.
func (d *docIter) Next() uint32 {
	x := d.buf[d.i]
	d.i++
	return x
}

// AdvanceIfNeeded moves past the documents below t.
func (d *docIter) AdvanceIfNeeded(t uint32) {
	for d.HasNext() {
		if d.buf[d.n-1] < t {
			d.i = d.n // the whole batch is below t
			continue
		}
		for d.buf[d.i] < t {
			d.i++
		}
		return
	}
}

// chunkSize is zapx's getChunkSize.
func chunkSize(mode uint32, card, numDocs uint64) (uint64, error) {
	var size uint64
	switch {
	case mode == 0:
	case mode <= 1024:
		size = uint64(mode)
	case mode == 1025:
		size = 1024
		if card <= 1024 {
			size = numDocs
		}
	case mode == 1026:
		size = numDocs / (card/1024 + 1)
	default:
		return 0, zapErr("chunk mode %d", mode)
	}
	if size == 0 {
		return 0, zapErr("chunk size 0 (mode %d)", mode)
	}
	return size, nil
}

// chunks is one of zap's chunked varint streams: the number of chunks, the
// end offset of each, then the chunks.
type chunks struct {
	data []byte
	base int64 // file offset of data
	ends []uint64
}

// newChunks reads the header of a stream at off holding at most max
// chunks. Offset 0 is a stream zap did not write (no locations).
func newChunks(mem []byte, off, max uint64) (*chunks, error) {
	if off == 0 {
		return &chunks{}, nil
	}
	n, p, err := uvarintAt(mem, off)
	if err != nil || n > max || n > uint64(len(mem))-p {
		return nil, zapErr("stream header at %d", off)
	}
	c := &chunks{ends: make([]uint64, n)}
	for i := range c.ends {
		if c.ends[i], p, err = uvarintAt(mem, p); err != nil {
			return nil, zapErr("stream header at %d", off)
		}
		if i > 0 && c.ends[i] < c.ends[i-1] {
			return nil, zapErr("stream header at %d: chunk %d ends before chunk %d", off, i, i-1)
		}
	}
	if n > 0 && c.ends[n-1] > uint64(len(mem))-p {
		return nil, zapErr("stream at %d: %d bytes past the end of the file", off, c.ends[n-1])
	}
	c.data, c.base = mem[p:], int64(p)
	return c, nil
}

// chunk returns a reader over chunk i; a stream zap did not write reads as
// empty, as zapx reads it.
func (c *chunks) chunk(i uint64) (chunkReader, error) {
	if c.ends == nil {
		return chunkReader{}, nil
	}
	if i >= uint64(len(c.ends)) {
		return chunkReader{}, zapErr("chunk %d of %d", i, len(c.ends))
	}
	var start uint64
	if i > 0 {
		start = c.ends[i-1]
	}
	return chunkReader{b: c.data[start:c.ends[i]], base: c.base + int64(start)}, nil
}

type chunkReader struct {
	b    []byte
	pos  int
	base int64 // file offset of b
}

func (r *chunkReader) left() int { return len(r.b) - r.pos }

// uvarint reads a varint that must end inside the chunk (zapx reads 0 past
// the end, or panics on a varint cut by it).
func (r *chunkReader) uvarint() (uint64, error) {
	if p := r.pos; p < len(r.b) {
		// Most are one byte (frequencies, positions), many two (norms,
		// offsets, location sizes): both read here, the rest by
		// binary.Uvarint.
		if b0 := r.b[p]; b0 < 0x80 {
			r.pos = p + 1
			return uint64(b0), nil
		} else if p+1 < len(r.b) && r.b[p+1] < 0x80 {
			r.pos = p + 2
			return uint64(b0&0x7f) | uint64(r.b[p+1])<<7, nil
		}
	}
	v, n := binary.Uvarint(r.b[r.pos:])
	if n <= 0 {
		return 0, zapErr("varint at %d of a %d-byte chunk", r.pos, len(r.b))
	}
	r.pos += n
	return v, nil
}

// uvarintAt reads a varint at off in mem and returns it with the offset
// after it.
func uvarintAt(mem []byte, off uint64) (uint64, uint64, error) {
	if off >= uint64(len(mem)) {
		return 0, 0, errZap
	}
	v, n := binary.Uvarint(mem[off:])
	if n <= 0 {
		return 0, 0, errZap
	}
	return v, off + uint64(n), nil
}
