package fastrank

import (
	"cmp"
	"context"
	"encoding/binary"
	"fmt"
	"slices"
	"sort"

	bindex "github.com/blevesearch/bleve_index_api"

	"github.com/iq-search/iq/index/internal/corrupt"
	"github.com/iq-search/iq/index/internal/scorchx"
)

// locPostings are one phrase word's locations in the documents that hold a
// word of every position of its phrase: those of docs[i] are entries
// off[i] to off[i+1] of the locations, each array position (plus one; 0
// for none) << 32 | position. The locations lie in blocks, numbered on
// from one block to the next (blocks[k] holds entries starts[k] on), no
// document's straddling two: gathered into one array grown by append and
// copied out at its size, a common word's locations cost a fresh phrase at
// 1M records a third of their walk in copies and fresh memory.
type locPostings struct {
	docs   []uint32
	off    []uint32
	blocks [][]uint64
	starts []uint32
}

func (l *locPostings) bytes() int {
	n := 72 + len(l.docs)*4 + len(l.off)*4 + len(l.starts)*28
	for _, b := range l.blocks {
		n += cap(b) * 8
	}
	return n
}

// span returns the locations of docs[i].
func (l *locPostings) span(i int) []uint64 {
	a, b := l.off[i], l.off[i+1]
	if a == b {
		return nil
	}
	k := 0
	if len(l.starts) > 1 {
		k = sort.Search(len(l.starts), func(k int) bool { return l.starts[k] > a }) - 1
	}
	s := l.starts[k]
	return l.blocks[k][a-s : b-s]
}

// at returns the word's locations in doc, none when doc does not hold it
// (or does not hold a word of every position).
func (l *locPostings) at(doc uint32) []uint64 {
	i, ok := slices.BinarySearch(l.docs, doc)
	if !ok {
		return nil
	}
	return l.span(i)
}

// Blocks of locations start at minLocBlock entries and double up to
// maxLocBlock (a block holds a document's locations whole, however many).
const (
	minLocBlock = 1 << 10
	maxLocBlock = 1 << 16
)

// locWriter gathers locPostings' locations, document by document.
type locWriter struct {
	l     *locPostings
	cur   []uint64 // the last block, being filled
	first uint32   // the entry number of the document being read
	n     uint32   // entries written
}

// doc starts the locations of document num, of about freq of them (a
// hint: more are taken as they come).
func (w *locWriter) doc(num uint32, freq uint64) {
	l := w.l
	if len(l.docs) > 0 {
		l.off = append(l.off, w.n)
	}
	l.docs = append(l.docs, num)
	w.first = w.n
	if uint64(cap(w.cur)-len(w.cur)) < freq {
		w.grow(int(min(freq, 1<<30)))
	}
}

// add appends a location of the current document.
func (w *locWriter) add(v uint64) {
	if len(w.cur) == cap(w.cur) {
		w.grow(len(w.cur) + 1)
	}
	w.cur = append(w.cur, v)
	w.n++
}

// grow starts a block with room for need more entries of the current
// document, moving its entries read so far into it.
func (w *locWriter) grow(need int) {
	l := w.l
	keep := int(w.n - w.first) // the current document's entries in cur
	size := minLocBlock
	if k := len(l.blocks); k > 0 {
		size = min(2*cap(l.blocks[k-1]), maxLocBlock)
	}
	size = max(size, keep+need)
	b := make([]uint64, keep, size)
	if keep > 0 {
		copy(b, w.cur[len(w.cur)-keep:])
		w.cur = w.cur[:len(w.cur)-keep]
	}
	w.close()
	l.blocks = append(l.blocks, b)
	l.starts = append(l.starts, w.first)
	w.cur = b
}

// close leaves the last block at its length.
func (w *locWriter) close() {
	if k := len(w.l.blocks); k > 0 {
		w.l.blocks[k-1] = w.cur
	}
}

// finish ends the last document's locations.
func (w *locWriter) finish() {
	if len(w.l.docs) > 0 {
		w.l.off = append(w.l.off, w.n)
	}
	w.close()
}

// phraseLocs are the locations of a phrase's words, by position and then
// alternative, as the phrase lists them.
type phraseLocs [][]*locPostings

// phraseKey is the cache key of a phrase: field and terms, each with its
// length, so that no two phrases share one.
func phraseKey(field string, terms [][]string) string {
	var b []byte
	put := func(s string) {
		b = binary.AppendUvarint(b, uint64(len(s)))
		b = append(b, s...)
	}
	put(field)
	for _, pos := range terms {
		b = binary.AppendUvarint(b, uint64(len(pos)))
		for _, t := range pos {
			put(t)
		}
	}
	return string(b)
}

// phraseLocations returns the locations of the words of a phrase in field
// (terms by position, ps their postings), read only in the documents
// holding a word of every position, as a term reader's Advance reads
// them for the documents it lands on: reading every location of a common
// word ("use" in "useMemo") for every document holding it cost a fresh
// phrase 50–120 ms of CPU at 100k records.
func (c *postingCache) phraseLocations(ctx context.Context, field string, terms [][]string, ps [][]*postings) (*phraseEntry, error) {
	k := phraseKey(field, terms)
	c.mu.Lock()
	e := c.phr[k]
	if e != nil {
		c.tick++
		e.used = c.tick
	}
	c.mu.Unlock()
	if e != nil {
		return e, nil
	}
	cand := candidates(ps)
	l := make(phraseLocs, len(terms))
	size := 0
	read := map[string]*locPostings{} // a word at several positions is read once
	for i, pos := range terms {
		for j, t := range pos {
			lp := read[t]
			if lp == nil {
				var err error
				if lp, err = c.decodeLocs(ctx, field, t, ps[i][j].docs, cand); err != nil {
					return nil, err
				}
				read[t] = lp
				size += lp.bytes()
			}
			l[i] = append(l[i], lp)
		}
	}
	c.mu.Lock()
	c.tick++
	e = c.phr[k]
	if e != nil {
		e.used = c.tick
	} else {
		e = &phraseEntry{key: k, locs: l, bytes: size, used: c.tick}
		c.phr[k] = e
		c.bytes += size
	}
	c.evict()
	c.mu.Unlock()
	return e, nil
}

// candidates returns the documents holding a word of every position that
// has words (ps by position, then alternative), ascending. It may share
// the postings' array: it is read only. It starts from the position with
// the fewest postings and keeps, position by position, the documents that
// one of its words holds (looked up by galloping through each word's
// postings), so it never builds the union of a position's words: a word
// being typed at the end of a phrase ("props drilling in") has nine
// alternatives of tens of thousands of postings each, and their unions
// cost a fresh phrase more than reading its locations.
func candidates(ps [][]*postings) []uint32 {
	order := make([]int, 0, len(ps))
	sizes := make([]int, len(ps))
	for i, pos := range ps {
		if len(pos) == 0 {
			continue
		}
		for _, p := range pos {
			sizes[i] += len(p.docs)
		}
		order = append(order, i)
	}
	if len(order) == 0 {
		return nil
	}
	slices.SortStableFunc(order, func(a, b int) int { return cmp.Compare(sizes[a], sizes[b]) })
	first := ps[order[0]]
	rv := first[0].docs
	for _, p := range first[1:] {
		rv = union(rv, p.docs)
	}
	owned := len(first) > 1 // rv is a new array, filtered in place
	at := []int{}
	for _, i := range order[1:] {
		pos := ps[i]
		at = at[:0]
		for range pos {
			at = append(at, 0)
		}
		out := rv[:0]
		if !owned {
			out, owned = make([]uint32, 0, len(rv)), true
		}
		for _, x := range rv {
			for k, p := range pos {
				if at[k] = gallop(p.docs, at[k], x); at[k] < len(p.docs) && p.docs[at[k]] == x {
					out = append(out, x)
					break
				}
			}
		}
		rv = out
	}
	return rv
}

// union returns the ascending union of ascending a and b, in a new array.
func union(a, b []uint32) []uint32 {
	out := make([]uint32, 0, len(a)+len(b))
	i, j := 0, 0
	for i < len(a) && j < len(b) {
		switch {
		case a[i] < b[j]:
			out = append(out, a[i])
			i++
		case a[i] > b[j]:
			out = append(out, b[j])
			j++
		default:
			out = append(out, a[i])
			i++
			j++
		}
	}
	out = append(out, a[i:]...)
	return append(out, b[j:]...)
}

// intersect returns the numbers in both ascending a and b, in a new
// array: each of the shorter looked up in the longer.
func intersect(a, b []uint32) []uint32 {
	if len(a) > len(b) {
		a, b = b, a
	}
	out := make([]uint32, 0, len(a))
	j := 0
	for _, x := range a {
		if j = gallop(b, j, x); j == len(b) {
			break
		}
		if b[j] == x {
			out = append(out, x)
		}
	}
	return out
}

// gallop returns the index of the first of ascending a[j:] at or above x
// (len(a) when none): steps doubling from j, then a binary search.
func gallop(a []uint32, j int, x uint32) int {
	if j >= len(a) || a[j] >= x {
		return j
	}
	lo, step := j, 1
	hi := lo + step
	for hi < len(a) && a[hi] < x {
		lo = hi
		step <<= 1
		hi = lo + step
	}
	hi = min(hi, len(a))
	return lo + 1 + sort.Search(hi-lo-1, func(k int) bool { return a[lo+1+k] >= x })
}

// decodeLocs reads the locations of term in field in the documents of
// cand (ascending) that hold it (docs, its postings' documents): the term
// reader steps to the next document when it is the next posting, and
// advances to it otherwise, skipping the locations between.
func (c *postingCache) decodeLocs(ctx context.Context, field, term string, docs, cand []uint32) (_ *locPostings, err error) {
	lp := &locPostings{off: []uint32{0}}
	if len(cand) == 0 || len(docs) == 0 {
		return lp, nil
	}
	// The documents the reader lands on: cand ∩ docs.
	land := intersect(cand, docs)
	if len(land) == 0 {
		return lp, nil
	}
	// zap's locations read by hand, checked as they are read.
	w := &locWriter{l: lp}
	loc := func(pos uint64, arrays []uint64) error {
		var ap uint64
		switch len(arrays) {
		case 0:
		case 1:
			ap = arrays[0] + 1
		default:
			return fmt.Errorf("read %s:%s: %w: a location %d arrays deep, iq indexes one", field, term, corrupt.Err, len(arrays))
		}
		if pos >= 1<<32 || ap >= 1<<31 {
			return fmt.Errorf("read %s:%s: %w: location %d in value %d", field, term, corrupt.Err, pos, ap)
		}
		w.add(ap<<32 | pos)
		return nil
	}
	// Sized once: the walk lands on every document of land or fails.
	lp.docs = make([]uint32, 0, len(land))
	lp.off = make([]uint32, 1, len(land)+1)
	ok, err := scorchx.TermLocations(c.snap, field, term, land, w.doc, loc)
	if err != nil {
		return nil, err
	}
	if ok {
		w.finish()
		return lp, nil
	}
	if err := scorchx.CheckLocationsAt(c.snap, field, term, land); err != nil {
		return nil, err
	}
	tfr, err := c.snap.TermFieldReader(ctx, []byte(term), field, true, true, true)
	if err != nil {
		return nil, err
	}
	defer func() {
		if cerr := tfr.Close(); cerr != nil && err == nil {
			err = cerr
		}
	}()
	tfd := &bindex.TermFieldDoc{}
	id := make(bindex.IndexInternalID, 8) // Advance keeps no reference to it
	at := -1                              // the reader's posting
	j := 0
	for _, x := range cand {
		if j = gallop(docs, j, x); j == len(docs) {
			break
		}
		if docs[j] != x {
			continue
		}
		var d *bindex.TermFieldDoc
		if j == at+1 {
			d, err = tfr.Next(tfd.Reset())
		} else {
			binary.BigEndian.PutUint64(id, uint64(x))
			d, err = tfr.Advance(id, tfd.Reset())
		}
		if err != nil {
			return nil, err
		}
		at = j
		if d == nil {
			return nil, fmt.Errorf("read %s:%s: %w: document %d of its postings has no locations", field, term, corrupt.Err, x)
		}
		if num, ok := scorchx.DocNum(d.ID); !ok || num != x {
			return nil, fmt.Errorf("read %s:%s: %w: document %x read for document %d of its postings", field, term, corrupt.Err, d.ID, x)
		}
		w.doc(x, uint64(len(d.Vectors)))
		for _, v := range d.Vectors {
			var ap uint64
			switch len(v.ArrayPositions) {
			case 0:
			case 1:
				ap = v.ArrayPositions[0] + 1
			default:
				return nil, fmt.Errorf("read %s:%s: %w: a location %d arrays deep, iq indexes one", field, term, corrupt.Err, len(v.ArrayPositions))
			}
			if v.Pos >= 1<<32 || ap >= 1<<31 {
				return nil, fmt.Errorf("read %s:%s: %w: location %d in value %d", field, term, corrupt.Err, v.Pos, ap)
			}
			w.add(ap<<32 | v.Pos)
		}
	}
	w.finish()
	return lp, nil
}
