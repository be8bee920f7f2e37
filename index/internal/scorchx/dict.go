package scorchx

import (
	"fmt"
	"maps"
	"math"
	"slices"
	"sync"

	"github.com/blevesearch/bleve/v2/index/scorch"
	bindex "github.com/blevesearch/bleve_index_api"
	segment "github.com/blevesearch/scorch_segment_api/v2"
	"github.com/blevesearch/vellum/levenshtein"
	zap "github.com/blevesearch/zapx/v17"

	"github.com/iq-search/iq/index/internal/corrupt"
)

// Dicts looks terms of one field up in a snapshot's dictionaries one at a
// time. Bleve's own ways of asking one term's count (FieldDictRange, a term
// field reader) start a goroutine per segment on every call, which a
// spelling pass asking about hundreds of candidate words pays hundreds of
// times over the ~30 segments of a 100k build; Dicts opens the segments'
// dictionaries once and asks each in turn.
//
// A count is the number of live documents holding the term, as
// FieldCounts (and so index.Terms) gives it. On a reader that is not a
// scorch snapshot it asks Bleve's FieldDictRange.
type Dicts struct {
	r     bindex.IndexReader
	field string
	segs  []segment.TermDictionary  // nil: not a scorch snapshot
	snaps []*scorch.SegmentSnapshot // the segment of each of segs
	pl    segment.PostingsList
	// zap and zapSnaps are the snapshot's zap segments, whose dictionaries
	// CountsOf walks itself (fstWalk), else nil.
	zap      []*zap.Segment
	zapSnaps []*scorch.SegmentSnapshot
}

// NewDicts returns the dictionaries of field in r.
func NewDicts(r bindex.IndexReader, field string) (*Dicts, error) {
	d := &Dicts{r: r, field: field}
	snap, ok := r.(*scorch.IndexSnapshot)
	if !ok {
		return d, nil
	}
	if zs, ok := zapSegments(snap); ok {
		d.zap, d.zapSnaps = zs, snap.Segments()
		return d, nil
	}
	d.segs = []segment.TermDictionary{}
	for _, ss := range snap.Segments() {
		td, err := ss.Segment().Dictionary(field)
		if err != nil {
			return nil, fmt.Errorf("read dictionary of %s: %w", field, err)
		}
		if td != nil {
			d.segs = append(d.segs, td)
			d.snaps = append(d.snaps, ss)
		}
	}
	return d, nil
}

// Count returns the number of live documents holding term, summed over
// segments: the count index.Terms gives the term.
func (d *Dicts) Count(term string) (uint64, error) {
	if d.zap != nil {
		ns, err := d.CountsOf(NewTermSet([]string{term}))
		if err != nil {
			return 0, err
		}
		return ns[0], nil
	}
	if d.segs == nil {
		return d.rangeCount(term)
	}
	var n uint64
	b := []byte(term)
	for i, td := range d.segs {
		pl, err := td.PostingsList(b, d.snaps[i].Deleted(), d.pl)
		if err != nil {
			return 0, fmt.Errorf("read term %q of %s: %w", term, d.field, err)
		}
		n += pl.Count()
		d.pl = pl
	}
	return n, nil
}

func (d *Dicts) rangeCount(term string) (n uint64, err error) {
	fd, err := d.r.FieldDictRange(d.field, []byte(term), []byte(term))
	if err != nil {
		return 0, fmt.Errorf("read term %q of %s: %w", term, d.field, err)
	}
	defer func() {
		if cerr := fd.Close(); cerr != nil && err == nil {
			err = cerr
		}
	}()
	for {
		e, err := fd.Next()
		if err != nil {
			return 0, fmt.Errorf("read term %q of %s: %w", term, d.field, err)
		}
		if e == nil {
			return n, nil
		}
		if e.Term == term {
			n += e.Count
		}
	}
}

// FieldPostings calls fn with each term of field in r, in term order, and
// the snapshot-wide numbers of the live documents holding it, ascending. It
// reads each segment's postings of a term as one bitmap (zap keeps them as
// roaring bitmaps), where Bleve's term field reader yields them one
// internal ID at a time: the facet tables read every posting of a few
// fields, 160–200 ms of the first faceted search at 100k records that
// way. ok is false, and fn not called, when r is not a scorch snapshot.
// A document number past its segment's size is an error wrapping
// corrupt.Err (issue 16).
func FieldPostings(r bindex.IndexReader, field string, fn func(term string, docs []uint32)) (ok bool, err error) {
	snap, isSnap := r.(*scorch.IndexSnapshot)
	if !isSnap {
		return false, nil
	}
	docs := map[string][]uint32{}
	var base uint64
	var pl segment.PostingsList
	var it segment.PostingsIterator
	for _, ss := range snap.Segments() {
		size := uint64(ss.FullSize())
		td, err := ss.Segment().Dictionary(field)
		if err != nil {
			return true, fmt.Errorf("read dictionary of %s: %w", field, err)
		}
		if td == nil {
			base += size
			continue
		}
		err = eachTerm(td, field, nil, func(term string) (err error) {
			if pl, err = td.PostingsList([]byte(term), ss.Deleted(), pl); err != nil {
				return fmt.Errorf("read %s=%s: %w", field, term, err)
			}
			it = pl.Iterator(false, false, false, it)
			var local []uint32
			switch oi, ok := it.(segment.OptimizablePostingsIterator); {
			case !ok:
				for {
					p, err := it.Next()
					if err != nil {
						return fmt.Errorf("read %s=%s: %w", field, term, err)
					}
					if p == nil {
						break
					}
					local = append(local, uint32(p.Number()))
				}
			default:
				if n, one := oi.DocNum1Hit(); one {
					local = []uint32{uint32(n)}
				} else if bm := oi.ActualBitmap(); bm != nil {
					local = bm.ToArray()
				}
			}
			ds := docs[term]
			for _, n := range local {
				if uint64(n) >= size {
					return fmt.Errorf("read %s=%s: %w: document %d of a segment of %d", field, term, corrupt.Err, n, size)
				}
				ds = append(ds, uint32(base+uint64(n)))
			}
			docs[term] = ds
			return nil
		})
		if err != nil {
			return true, err
		}
		base += size
	}
	if base >= math.MaxUint32-1 {
		return true, fmt.Errorf("read %s: %w: %d document numbers", field, corrupt.Err, base)
	}
	for _, t := range slices.Sorted(maps.Keys(docs)) {
		fn(t, docs[t])
	}
	return true, nil
}

// FieldCounts adds to counts, for each term of field in r, the number of
// live documents holding it, summed over the snapshot's segments. Bleve's
// FieldDict gives wrong counts on zap v17 (zapx v17.2.5): its dictionary
// iterator reuses one postings list from term to term without clearing
// it, so after a term held by a single document (zap's "1-hit" encoding,
// which sets the list's normBits1Hit) every later term of that segment
// counts 1. FieldCounts lists the terms without their counts and reads
// each term's postings list afresh (Dictionary.PostingsList clears the
// list it reuses), with the segment's deletions as exceptions. ok is
// false, and counts untouched, when r is not a scorch snapshot.
func FieldCounts(r bindex.IndexReader, field string, counts map[string]uint64) (ok bool, err error) {
	snap, isSnap := r.(*scorch.IndexSnapshot)
	if !isSnap {
		return false, nil
	}
	var pl segment.PostingsList
	for _, ss := range snap.Segments() {
		td, err := ss.Segment().Dictionary(field)
		if err != nil {
			return true, fmt.Errorf("read dictionary of %s: %w", field, err)
		}
		if td == nil {
			continue
		}
		err = eachTerm(td, field, nil, func(term string) (err error) {
			if pl, err = td.PostingsList([]byte(term), ss.Deleted(), pl); err != nil {
				return fmt.Errorf("read %s=%s: %w", field, term, err)
			}
			if n := pl.Count(); n > 0 {
				counts[term] += n
			}
			return nil
		})
		if err != nil {
			return true, err
		}
	}
	return true, nil
}

// eachTerm calls fn with each term of a segment's dictionary of field (that
// a accepts, when not nil), in order, without reading counts where the
// dictionary can omit them, until fn returns an error.
func eachTerm(td segment.TermDictionary, field string, a segment.Automaton, fn func(term string) error) error {
	type omitCount interface {
		AutomatonIteratorOmitCount(a segment.Automaton, startKeyInclusive, endKeyExclusive []byte) segment.DictionaryIterator
	}
	var di segment.DictionaryIterator
	if oc, ok := td.(omitCount); ok {
		di = oc.AutomatonIteratorOmitCount(a, nil, nil)
	} else {
		di = td.AutomatonIterator(a, nil, nil)
	}
	for {
		e, err := di.Next()
		if err != nil {
			return fmt.Errorf("read dictionary of %s: %w", field, err)
		}
		if e == nil {
			return nil
		}
		if err := fn(e.Term); err != nil {
			return err
		}
	}
}

// Counts returns Count of each of terms. Each segment's dictionary is
// walked once for all of them (an automaton accepting exactly the terms,
// over the FST), and postings are looked up only for the terms the segment
// holds: spelling asks about hundreds of candidate words, most of them in
// no dictionary, and a lookup apiece in each segment and field (an FST
// walk each) was most of the spelling pass's CPU at 1M records.
func (d *Dicts) Counts(terms []string) ([]uint64, error) {
	return d.CountsOf(NewTermSet(terms))
}

// TermSet is a set of terms to count (Dicts.CountsOf), built once for
// several fields' dictionaries.
type TermSet struct {
	terms []string
	set   *termSet
}

// NewTermSet returns the set of terms, in the order CountsOf answers.
func NewTermSet(terms []string) *TermSet { return &TermSet{terms: terms} }

// CountsOf is Counts of the terms of ts.
func (d *Dicts) CountsOf(ts *TermSet) ([]uint64, error) {
	terms := ts.terms
	out := make([]uint64, len(terms))
	if d.zap != nil && len(terms) > 0 {
		if ts.set == nil {
			ts.set = newTermSet(terms)
		}
		return out, countsOf(d.zap, d.zapSnaps, d.field, ts.set, out)
	}
	if d.segs == nil || len(terms) == 0 {
		for i, t := range terms {
			n, err := d.Count(t)
			if err != nil {
				return nil, err
			}
			out[i] = n
		}
		return out, nil
	}
	if ts.set == nil {
		ts.set = newTermSet(terms)
	}
	set := ts.set
	for i, td := range d.segs {
		var it segment.DictionaryIterator
		if oc, ok := td.(interface {
			AutomatonIteratorOmitCount(a segment.Automaton, startKeyInclusive, endKeyExclusive []byte) segment.DictionaryIterator
		}); ok {
			it = oc.AutomatonIteratorOmitCount(set, nil, nil)
		} else {
			it = td.AutomatonIterator(set, nil, nil)
		}
		for {
			e, err := it.Next()
			if err != nil {
				return nil, fmt.Errorf("read dictionary of %s: %w", d.field, err)
			}
			if e == nil {
				break
			}
			if _, ok := set.at[e.Term]; !ok {
				return nil, fmt.Errorf("read dictionary of %s: %w: the walk for %d terms found %q", d.field, corrupt.Err, len(terms), e.Term)
			}
			pl, err := td.PostingsList([]byte(e.Term), d.snaps[i].Deleted(), d.pl)
			if err != nil {
				return nil, fmt.Errorf("read term %q of %s: %w", e.Term, d.field, err)
			}
			d.pl = pl
			set.positions(e.Term, func(k int) { out[k] += pl.Count() })
		}
	}
	return out, nil
}

// termSet is a trie of a few terms as a vellum automaton: it accepts
// exactly the terms. State 0 is dead; state s > 0 is node s-1. Its nodes
// and their kids are two arrays, each node's kids side by side, made in
// one pass over the sorted terms: spelling builds one for each misspelt
// word's hundreds of candidates, and a slice of kids a node, grown one kid
// at a time, was half of the spelling pass's allocations at 100k records.
type termSet struct {
	nodes []termNode
	kids  []termKid
	at    map[string]int // term → its first position in the terms asked for
	next  []int          // position → the term's next position, or -1
}

type termNode struct {
	first, n int32 // kids[first:first+n], by byte, ascending
	end      bool
}

type termKid struct {
	b    byte
	next int32 // a state
}

func newTermSet(terms []string) *termSet {
	s := &termSet{at: make(map[string]int, len(terms)), next: make([]int, len(terms))}
	for i := len(terms) - 1; i >= 0; i-- {
		t := terms[i]
		s.next[i] = -1
		if k, ok := s.at[t]; ok {
			s.next[i] = k
		}
		s.at[t] = i
	}
	uniq := make([]string, 0, len(s.at))
	for t := range s.at {
		uniq = append(uniq, t)
	}
	slices.Sort(uniq)
	// The trie's nodes, counted exactly: the root, and for each term the
	// bytes past what it shares with the one before.
	nodes := 1
	for i, t := range uniq {
		lcp := 0
		if i > 0 {
			p := uniq[i-1]
			for lcp < len(p) && lcp < len(t) && p[lcp] == t[lcp] {
				lcp++
			}
		}
		nodes += len(t) - lcp
	}
	s.nodes = make([]termNode, 0, nodes)
	s.kids = make([]termKid, 0, nodes-1)
	s.node(uniq, 0)
	return s
}

// node adds the node of the terms (sorted, sharing their first d bytes)
// and, below it, theirs, and returns its state.
func (s *termSet) node(terms []string, d int) int {
	n := len(s.nodes)
	s.nodes = append(s.nodes, termNode{})
	if len(terms) > 0 && len(terms[0]) == d { // the sorted terms' first is the prefix itself
		s.nodes[n].end = true
		terms = terms[1:]
	}
	first := len(s.kids)
	for i := 0; i < len(terms); {
		j := i + 1
		for j < len(terms) && terms[j][d] == terms[i][d] {
			j++
		}
		s.kids = append(s.kids, termKid{b: terms[i][d]})
		i = j
	}
	s.nodes[n].first, s.nodes[n].n = int32(first), int32(len(s.kids)-first)
	k := first
	for i := 0; i < len(terms); k++ {
		j := i + 1
		for j < len(terms) && terms[j][d] == terms[i][d] {
			j++
		}
		s.kids[k].next = int32(s.node(terms[i:j], d+1))
		i = j
	}
	return n + 1
}

// positions calls fn with each position of term in the terms asked for,
// and reports whether it was asked for.
func (s *termSet) positions(term string, fn func(int)) bool {
	k, ok := s.at[term]
	for ; ok && k >= 0; k = s.next[k] {
		fn(k)
	}
	return ok
}

func (s *termSet) Start() int               { return 1 }
func (s *termSet) IsMatch(st int) bool      { return st > 0 && s.nodes[st-1].end }
func (s *termSet) CanMatch(st int) bool     { return st > 0 }
func (s *termSet) WillAlwaysMatch(int) bool { return false }
func (s *termSet) Accept(st int, b byte) int {
	if st <= 0 {
		return 0
	}
	nd := s.nodes[st-1]
	for _, k := range s.kids[nd.first : nd.first+nd.n] {
		if k.b == b {
			return int(k.next)
		}
		if k.b > b {
			break
		}
	}
	return 0
}

// PrefixTerms calls fn with each term of field in r that starts with
// prefix, segment by segment (a term in several segments comes once for
// each; a segment's term none of its live documents holds, not at all),
// with the number of live documents of the segment holding it (as
// FieldCounts counts them, not as Bleve's FieldDictPrefix does: see
// liveCount), read without FieldDictPrefix's goroutine per segment, its
// channel and its heap (the word being typed is looked up in three fields
// by every search that ends in a word: a tenth of an unseen query's CPU at
// 100k records). On zap segments it walks their dictionaries itself with
// one reused iterator (fstWalk); else it lists each segment's terms and
// reads each one's postings afresh. The term is valid only during the
// call. ok is false, and fn not called, when r is not a scorch snapshot.
func PrefixTerms(r bindex.IndexReader, field string, prefix []byte, fn func(term []byte, count uint64)) (ok bool, err error) {
	snap, isSnap := r.(*scorch.IndexSnapshot)
	if !isSnap {
		return false, nil
	}
	if segs, ok := zapSegments(snap); ok {
		return true, prefixTerms(segs, snap.Segments(), field, prefix, fn)
	}
	a := &prefixAutomaton{prefix: prefix}
	var pl segment.PostingsList
	for _, ss := range snap.Segments() {
		td, err := ss.Segment().Dictionary(field)
		if err != nil {
			return true, fmt.Errorf("read dictionary of %s: %w", field, err)
		}
		if td == nil {
			continue
		}
		err = eachTerm(td, field, a, func(term string) (err error) {
			if pl, err = td.PostingsList([]byte(term), ss.Deleted(), pl); err != nil {
				return fmt.Errorf("read %s=%s: %w", field, term, err)
			}
			if n := pl.Count(); n > 0 {
				fn([]byte(term), n)
			}
			return nil
		})
		if err != nil {
			return true, err
		}
	}
	return true, nil
}

// FieldTerms returns the terms of field in r, sorted and each once, as
// Bleve's FieldDict lists them (the terms of every segment, those whose
// documents are all deleted included), walking the segments' dictionaries
// one after another on the caller's goroutine. Bleve's FieldDict walks
// them on a goroutine per segment, where a damaged dictionary panics
// beyond any recover of the caller's and ends the process; here the
// caller's guard (index's recover and SetPanicOnFault) catches it. ok is
// false, and terms nil, when r is not a scorch snapshot.
func FieldTerms(r bindex.IndexReader, field string) (terms []string, ok bool, err error) {
	snap, isSnap := r.(*scorch.IndexSnapshot)
	if !isSnap {
		return nil, false, nil
	}
	terms, err = snapshotTerms(snap, field, nil)
	return terms, true, err
}

// snapshotTerms returns the terms of field that a accepts (every term when
// a is nil) in the snapshot's segments, sorted and each once, as Bleve's
// snapshot dictionaries merge them.
func snapshotTerms(snap *scorch.IndexSnapshot, field string, a segment.Automaton) (terms []string, err error) {
	segs := snap.Segments()
	for _, ss := range segs {
		td, err := ss.Segment().Dictionary(field)
		if err != nil {
			return nil, fmt.Errorf("read dictionary of %s: %w", field, err)
		}
		if td == nil {
			continue
		}
		if err := eachTerm(td, field, a, func(term string) error {
			terms = append(terms, term)
			return nil
		}); err != nil {
			return nil, err
		}
	}
	if len(segs) > 1 {
		slices.Sort(terms)
		terms = slices.Compact(terms)
	}
	return terms, nil
}

// levBuilders are the Levenshtein automaton builders of edit distance 1 and
// 2 (with transpositions), as Bleve's FieldDictFuzzy builds its automata;
// a builder costs milliseconds, so each is made once.
var levBuilders = [3]func() (*levenshtein.LevenshteinAutomatonBuilder, error){
	nil,
	sync.OnceValues(func() (*levenshtein.LevenshteinAutomatonBuilder, error) {
		return levenshtein.NewLevenshteinAutomatonBuilder(1, true)
	}),
	sync.OnceValues(func() (*levenshtein.LevenshteinAutomatonBuilder, error) {
		return levenshtein.NewLevenshteinAutomatonBuilder(2, true)
	}),
}

// FuzzyTerms calls fn with each term of field in r within fuzziness (1 or
// 2) edits of term, in term order and each once: what Bleve's FieldDictFuzzy
// lists, walked on the caller's goroutine (FieldTerms says why). ok is
// false, and fn not called, when r is not a scorch snapshot.
func FuzzyTerms(r bindex.IndexReader, field, term string, fuzziness int, fn func(term string)) (ok bool, err error) {
	snap, isSnap := r.(*scorch.IndexSnapshot)
	if !isSnap {
		return false, nil
	}
	if fuzziness < 1 || fuzziness > 2 {
		return true, fmt.Errorf("fuzziness %d: 1 or 2 edits only", fuzziness)
	}
	lb, err := levBuilders[fuzziness]()
	if err != nil {
		return true, err
	}
	a, err := lb.BuildDfa(term, uint8(fuzziness))
	if err != nil {
		return true, err
	}
	terms, err := snapshotTerms(snap, field, a)
	if err != nil {
		return true, err
	}
	for _, t := range terms {
		fn(t)
	}
	return true, nil
}
