package fastrank

import (
	"cmp"
	"context"
	"encoding/binary"
	"fmt"
	"slices"
	"sort"
	"sync"

	bindex "github.com/blevesearch/bleve_index_api"

	"github.com/iq-search/iq/index/internal/corrupt"
	"github.com/iq-search/iq/index/internal/scorchx"
)

// locPostings are one phrase word's locations in the documents that hold a
// word of every position of its phrase: those of docs[i] are
// locs[off[i]:off[i+1]], each array position (plus one; 0 for none) << 32
// | position.
type locPostings struct {
	docs []uint32
	off  []uint32
	locs []uint64
}

func (l *locPostings) bytes() int {
	return 72 + len(l.docs)*4 + len(l.off)*4 + len(l.locs)*8
}

// at returns the word's locations in doc, none when doc does not hold it
// (or does not hold a word of every position).
func (l *locPostings) at(doc uint32) []uint64 {
	i, ok := slices.BinarySearch(l.docs, doc)
	if !ok {
		return nil
	}
	return l.locs[l.off[i]:l.off[i+1]]
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

// locScratch holds decodeLocs' buffers of locations, of at most
// maxLocScratch.
var locScratch = sync.Pool{New: func() any { return new([]uint64) }}

const maxLocScratch = 1 << 20

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
		lp.locs = append(lp.locs, ap<<32|pos)
		return nil
	}
	// Sized once: the walk lands on every document of land or fails. The
	// locations are gathered in a pooled buffer and copied out at their
	// size (growing them by append allocated twice what a phrase keeps).
	lp.docs = make([]uint32, 0, len(land))
	lp.off = make([]uint32, 1, len(land)+1)
	scratch := locScratch.Get().(*[]uint64)
	lp.locs = (*scratch)[:0]
	started := false
	ok, err := scorchx.TermLocations(c.snap, field, term, land, func(n uint32) {
		if started {
			lp.off = append(lp.off, uint32(len(lp.locs)))
		}
		started = true
		lp.docs = append(lp.docs, n)
	}, loc)
	if cap(lp.locs) <= maxLocScratch {
		*scratch = lp.locs[:0]
	}
	lp.locs = append([]uint64(nil), lp.locs...)
	locScratch.Put(scratch)
	if err != nil {
		return nil, err
	}
	if ok {
		if started {
			lp.off = append(lp.off, uint32(len(lp.locs)))
		}
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
		lp.docs = append(lp.docs, x)
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
			lp.locs = append(lp.locs, ap<<32|v.Pos)
		}
		lp.off = append(lp.off, uint32(len(lp.locs)))
	}
	return lp, nil
}
