package scorchx

import (
	"fmt"
	"sync"

	"github.com/RoaringBitmap/roaring/v2"
	"github.com/blevesearch/bleve/v2/index/scorch"
	bindex "github.com/blevesearch/bleve_index_api"
	"github.com/blevesearch/vellum"
	zap "github.com/blevesearch/zapx/v17"

	"github.com/iq-search/iq/index/internal/corrupt"
)

// zapSegments returns the zap v17 segments of snap, or ok false when one
// is not (or Bleve's reader hook may transform what a segment reads): the
// segments whose dictionaries this package reads by hand.
func zapSegments(snap *scorch.IndexSnapshot) (segs []*zap.Segment, ok bool) {
	if bindex.ReaderHook != nil {
		return nil, false
	}
	ss := snap.Segments()
	segs = make([]*zap.Segment, len(ss))
	for i, s := range ss {
		if segs[i], ok = s.Segment().(*zap.Segment); !ok {
			return nil, false
		}
	}
	return segs, true
}

// loadFST returns the term dictionary of field in zs, zap's FST over the
// segment's mapped bytes (what zapx's Dictionary holds), or nil when the
// segment has no dictionary of field.
func loadFST(zs *zap.Segment, field string) (*vellum.FST, error) {
	mem := zs.Data()
	dictLoc, err := zs.DictAddr(field)
	if err != nil {
		return nil, nil // no such field or no dictionary: zapx reads nothing
	}
	vlen, p, err := uvarintAt(mem, dictLoc)
	if err != nil || vlen == 0 || vlen > uint64(len(mem))-p {
		return nil, zapErr("dictionary at %d", dictLoc)
	}
	fst, err := vellum.Load(mem[p : p+vlen])
	if err != nil {
		return nil, zapErr("dictionary: %v", err)
	}
	return fst, nil
}

// fstWalk walks dictionaries with one vellum iterator, reset from walk to
// walk, and one postings bitmap for the counts. zapx makes both afresh for
// every dictionary iterator (a segment's walk for one prefix), and vellum's
// iterator then allocates a state per byte of its start key and per level
// of the trie it descends: the word being typed, looked up in three
// fields of every segment, made a sixth of an unseen query's allocations
// at 100k records (25 MB a pass of 200 queries) that way, which a fresh
// process pays in page faults and collections.
//
// It also keeps the dictionaries it has loaded, with a reader each for
// exact lookups (dict): a fresh term's postings are looked up in every
// segment (FindPostings), and loading the FST and a lookup's state for
// each made another 8 MB an unseen pass. The cache lives as long as the
// pooled fstWalk, which the collector drops; an entry is looked up only by
// a segment of a snapshot the caller holds, so a segment closed since is
// never read (its pointer, kept by the map, is never reused).
type fstWalk struct {
	it    vellum.FSTIterator
	bm    *roaring.Bitmap
	pre   prefixAutomaton
	dicts map[dictKey]dictEntry
}

type dictKey struct {
	zs    *zap.Segment
	field string
}

type dictEntry struct {
	fst *vellum.FST // nil: the segment has no dictionary of the field
	r   *vellum.Reader
}

// maxWalkDicts bounds an fstWalk's dictionaries (a few fields of a few
// hundred segments).
const maxWalkDicts = 4096

// dict returns the dictionary of field in zs (loadFST) and a reader of it.
func (w *fstWalk) dict(zs *zap.Segment, field string) (dictEntry, error) {
	k := dictKey{zs, field}
	if e, ok := w.dicts[k]; ok {
		return e, nil
	}
	fst, err := loadFST(zs, field)
	if err != nil {
		return dictEntry{}, err
	}
	e := dictEntry{fst: fst}
	if fst != nil {
		if e.r, err = fst.Reader(); err != nil {
			return dictEntry{}, zapErr("dictionary: %v", err)
		}
	}
	if w.dicts == nil || len(w.dicts) >= maxWalkDicts {
		w.dicts = map[dictKey]dictEntry{}
	}
	w.dicts[k] = e
	return e, nil
}

var fstWalks = sync.Pool{New: func() any { return &fstWalk{bm: roaring.New()} }}

// prefixTerms is PrefixTerms over zap segments (ss: their snapshots, for
// their deletions). The prefix is an automaton rather than the iterator's
// start and end keys: vellum's iterator allocates a state per byte of its
// start key on every reset, and walks the same terms in the same order
// either way.
func prefixTerms(segs []*zap.Segment, ss []*scorch.SegmentSnapshot, field string, prefix []byte, fn func(term []byte, count uint64)) error {
	w := fstWalks.Get().(*fstWalk)
	defer fstWalks.Put(w)
	w.pre.prefix = prefix
	defer func() { w.pre.prefix = nil }()
	return w.liveCounts(segs, ss, field, &w.pre, func(term []byte, n uint64) error {
		if n > 0 {
			fn(term, n)
		}
		return nil
	})
}

// liveCounts walks the dictionary of field in each of segs (ss: their
// snapshots, for their deletions) over the terms a accepts, calling fn
// with each term and its live documents in the segment (liveCount), read
// from the postings where the walk stands, until fn returns an error,
// returned naming the segment's file.
func (w *fstWalk) liveCounts(segs []*zap.Segment, ss []*scorch.SegmentSnapshot, field string, a vellum.Automaton, fn func(term []byte, n uint64) error) error {
	for i, zs := range segs {
		d, err := w.dict(zs, field)
		if err != nil {
			return fmt.Errorf("%w: %s: dictionary of %s: %w", corrupt.Err, zs.Path(), field, err)
		}
		if d.fst == nil {
			continue
		}
		deleted, mem := ss[i].Deleted(), zs.Data()
		err = w.it.Reset(d.fst, nil, nil, a)
		for ; err == nil; err = w.it.Next() {
			term, off := w.it.Current()
			n, err := w.liveCount(mem, off, deleted)
			if err != nil {
				return fmt.Errorf("%w: %s: postings of %s:%q: %w", corrupt.Err, zs.Path(), field, term, err)
			}
			if err := fn(term, n); err != nil {
				return fmt.Errorf("%s: %w", zs.Path(), err)
			}
		}
		if err != vellum.ErrIteratorDone {
			return fmt.Errorf("%w: %s: dictionary of %s: %w", corrupt.Err, zs.Path(), field, err)
		}
	}
	return nil
}

// liveCount returns the number of live documents in the postings at off
// (a dictionary's value) of a segment's bytes mem: what a postings list
// read afresh with the segment's deletions as exceptions counts
// (FieldCounts). zapx's dictionary iterator counts otherwise: it reuses
// one postings list from term to term without clearing its 1-hit state, so
// after a term held by one document every later term of the segment in a
// field without term vectors counts 1 (blevesearch/zapx#445), and it
// counts deleted documents.
func (w *fstWalk) liveCount(mem []byte, off uint64, deleted *roaring.Bitmap) (uint64, error) {
	if off&zap.FSTValEncodingMask == zap.FSTValEncoding1Hit {
		// zapx counts a 1-hit posting only with its norm bits set.
		if doc, bits := zap.FSTValDecode1Hit(off); bits != 0 && (deleted == nil || !deleted.Contains(uint32(doc))) {
			return 1, nil
		}
		return 0, nil
	}
	if err := readBitmap(mem, off, w.bm); err != nil {
		return 0, err
	}
	n := w.bm.GetCardinality()
	if deleted != nil {
		n -= w.bm.AndCardinality(deleted)
	}
	return n, nil
}

// countsOf adds to out[k], for each term of set, the number of live
// documents holding it in field of segs (ss: the segments' snapshots, for
// their deletions): the terms are found in one walk of each segment's
// dictionary (liveCounts), and each found term's postings are where the
// walk stands, not looked up again.
func countsOf(segs []*zap.Segment, ss []*scorch.SegmentSnapshot, field string, set *termSet, out []uint64) error {
	w := fstWalks.Get().(*fstWalk)
	defer fstWalks.Put(w)
	return w.liveCounts(segs, ss, field, set, func(term []byte, n uint64) error {
		if !set.positions(string(term), func(k int) { out[k] += n }) {
			return fmt.Errorf("read dictionary of %s: %w: the walk for %d terms found %q", field, corrupt.Err, len(set.at), term)
		}
		return nil
	})
}

// readBitmap reads the postings bitmap of the postings at off into bm.
func readBitmap(mem []byte, off uint64, bm *roaring.Bitmap) error {
	_, p, err := uvarintAt(mem, off) // the frequencies' offset
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
	if _, err := bm.FromBuffer(mem[p : p+blen]); err != nil {
		return zapErr("postings bitmap: %v", err)
	}
	return nil
}

// prefixAutomaton is a vellum automaton accepting the keys that start
// with prefix. State 0 is dead; state s > 0 has matched s-1 bytes of the
// prefix (all of them from len(prefix)+1 on).
type prefixAutomaton struct{ prefix []byte }

func (a *prefixAutomaton) Start() int                 { return 1 }
func (a *prefixAutomaton) IsMatch(s int) bool         { return s > len(a.prefix) }
func (a *prefixAutomaton) CanMatch(s int) bool        { return s > 0 }
func (a *prefixAutomaton) WillAlwaysMatch(s int) bool { return s > len(a.prefix) }
func (a *prefixAutomaton) Accept(s int, b byte) int {
	switch {
	case s <= 0:
		return 0
	case s > len(a.prefix):
		return s
	case a.prefix[s-1] == b:
		return s + 1
	}
	return 0
}
