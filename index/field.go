package index

import (
	"reflect"
	"sync"
	"unsafe"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/document"
	bindex "github.com/blevesearch/bleve_index_api"
)

// analysedField is a mapped text field that analyses itself with fewer
// allocations than document.TextField and reports its size without walking
// its tokens. The terms, frequencies and locations it gives the segment
// builder are the same, in the same order (TestAnalysedFieldMatchesBleve).
//
// Why: at 100k records Bleve spent 6% of the build's CPU in
// Document.Size, which scorch.Batch calls on every analysed document for a
// memory statistic and which walks every token location, and 7% in
// analysis.TokenFrequency, which allocates a TokenFreq and a growing
// location slice per distinct term (BENCHMARKS.md, run 8).
type analysedField struct {
	*document.TextField
	// mem, when set, gives the slabs of freqs (see batchMem).
	mem    *batchMem
	length int
	list   []bindex.TokenFreq      // the distinct terms, in order of first use
	freqs  bindex.TokenFrequencies // of list, made when asked for
	size   int                     // of freqs, counted as Bleve's TokenFrequencies.Size does
}

// What Bleve's Size methods count for a TextField, a TokenFreq (with its
// map entry) and a TokenLocation, before their slices.
var (
	textFieldSize     = int(reflect.TypeFor[document.TextField]().Size()) + 8
	tokenFreqSize     = int(reflect.TypeFor[bindex.TokenFreq]().Size()) + 16 + 8
	tokenLocationSize = int(reflect.TypeFor[bindex.TokenLocation]().Size())
)

// wrapTextFields replaces the indexed text fields of d with analysedFields.
func wrapTextFields(d *document.Document) {
	for i, f := range d.Fields {
		if tf, ok := f.(*document.TextField); ok && tf.Options().IsIndexed() && tf.Analyzer() != nil {
			d.Fields[i] = &analysedField{TextField: tf}
		}
	}
}

// Analyze analyses the field's value as document.TextField.Analyze does.
func (f *analysedField) Analyze() {
	v := f.Value()
	if f.Options().IsStored() {
		// Token filters may rewrite the bytes they are given (lower case
		// in place); the stored value must stay as it was.
		v = append([]byte(nil), v...)
	}
	var tokens analysis.TokenStream
	if a := pooledAnalyzer(f.Analyzer()); a != nil {
		// The Tokens are dropped once counted: tokenFrequency keeps
		// their terms' bytes and copies their locations.
		b := tokenBufPool.Get().(*tokenBuf)
		defer b.release()
		tokens = b.analyze(a, v)
	} else {
		tokens = f.Analyzer().Analyze(v)
	}
	f.length = len(tokens)
	var termBytes int
	f.freqs = nil
	f.list, termBytes = tokenFrequencyList(tokens, f.ArrayPositions(), f.Options(), f.mem)
	// The map's own pointer, then each entry: its key and the TokenFreq's
	// term are counted apart, though they are the same bytes.
	f.size = 8 + len(f.list)*tokenFreqSize + 2*termBytes
	if f.Options().IncludeTermVectors() {
		f.size += len(tokens) * (tokenLocationSize + 8*len(f.ArrayPositions()))
	}
}

// DirectTokenFreqs gives scorchx.NewSegment the distinct terms (what
// AnalyzedTokenFrequencies maps by term), and marks the field's documents
// as NewSegment's to build (scorchx.Direct): zap's bytes, built with fewer
// passes, with no map of the terms made for it.
func (f *analysedField) DirectTokenFreqs() []bindex.TokenFreq { return f.list }

// AnalyzedLength is the number of tokens Analyze produced.
func (f *analysedField) AnalyzedLength() int { return f.length }

// AnalyzedTokenFrequencies returns what Analyze produced, as a map made
// on the first call (zap's segment builder's, and the tests'; NewSegment
// reads DirectTokenFreqs).
func (f *analysedField) AnalyzedTokenFrequencies() bindex.TokenFrequencies {
	if f.freqs == nil {
		f.freqs = freqMap(f.list)
	}
	return f.freqs
}

// freqMap maps list by term; the keys alias the terms' bytes, which are
// not modified once analysed (the field's own copy of its value, or the
// stem cache's entries, which are never rewritten), where string(t.Term)
// copied every distinct term.
func freqMap(list []bindex.TokenFreq) bindex.TokenFrequencies {
	rv := make(bindex.TokenFrequencies, len(list))
	for j := range list {
		t := list[j].Term
		rv[unsafe.String(unsafe.SliceData(t), len(t))] = &list[j]
	}
	return rv
}

// Size is the field's memory as document.TextField.Size counts it, from
// totals Analyze kept, where document.TextField walks every location.
func (f *analysedField) Size() int {
	return textFieldSize + len(f.Name()) + 8*len(f.ArrayPositions()) + len(f.Value()) + f.size
}

// tokenFrequencyList is analysis.TokenFrequency's distinct terms, in the
// order of their first token, as a list (freqMap maps them by term when
// Bleve's interface asks), with its per-term allocations gathered into
// slabs sized to the distinct terms: one for the TokenFreqs, and with
// term vectors one for the locations and one for the location pointers,
// which every term's Locations slices in token order. The terms are found
// first in a reused table (freqScratch), so the TokenFreq slab is made
// once at its final size, where sizing by the token count wasted half of
// it (a third of a build's allocations were here). It also returns the
// distinct terms' total length.
func tokenFrequencyList(tokens analysis.TokenStream, arrayPositions []uint64, options bindex.FieldIndexingOptions, mem *batchMem) ([]bindex.TokenFreq, int) {
	sc := freqScratchPool.Get().(*freqScratch)
	defer sc.release()
	for _, t := range tokens {
		// The table's keys alias the terms' bytes: they are dropped
		// (release) before tokenFrequency returns, and the terms are
		// not modified meanwhile.
		key := unsafe.String(unsafe.SliceData(t.Term), len(t.Term))
		j, ok := sc.index[key]
		if !ok {
			j = int32(len(sc.first))
			sc.index[key] = j
			sc.first = append(sc.first, t)
			sc.count = append(sc.count, 0)
		}
		sc.count[j]++
		sc.of = append(sc.of, j)
	}
	vectors := options.IncludeTermVectors()
	nlocs := 0
	if vectors {
		nlocs = len(tokens)
	}
	freqs, ptrs, locs := mem.take(len(sc.first), nlocs)
	termBytes := 0
	skip := options.SkipFreqNorm()
	for j, t := range sc.first {
		freqs[j].Term = t.Term
		if !skip {
			freqs[j].SetFrequency(int(sc.count[j]))
		}
		termBytes += len(t.Term)
	}
	if vectors {
		// A term's locations lie side by side in locs, in token order,
		// as the segment builder reads them (a term at a time).
		off := 0
		for j := range freqs {
			n := int(sc.count[j])
			freqs[j].Locations = ptrs[off : off : off+n]
			sc.count[j] = int32(off) // from here on: the term's next slot
			off += n
		}
		for i, t := range tokens {
			j := sc.of[i]
			k := sc.count[j]
			sc.count[j]++
			locs[k] = bindex.TokenLocation{
				ArrayPositions: arrayPositions,
				Start:          t.Start,
				End:            t.End,
				Position:       t.Position,
			}
			f := &freqs[j]
			f.Locations = append(f.Locations, &locs[k])
		}
	}
	return freqs, termBytes
}

// freqScratch is tokenFrequency's working memory, reused through
// freqScratchPool: the distinct terms found so far, the first token of each
// and its count, and each token's term.
type freqScratch struct {
	index map[string]int32
	first []*analysis.Token
	count []int32
	of    []int32
}

var freqScratchPool = sync.Pool{New: func() any { return &freqScratch{index: map[string]int32{}} }}

// maxScratchTerms bounds the table a pooled freqScratch keeps: clearing a
// map costs its capacity, so the table of one huge field is not kept.
const maxScratchTerms = 4096

func (sc *freqScratch) release() {
	if len(sc.index) > maxScratchTerms {
		sc.index = map[string]int32{}
	} else {
		clear(sc.index)
	}
	clear(sc.first) // the tokens may go
	sc.first, sc.count, sc.of = sc.first[:0], sc.count[:0], sc.of[:0]
	if cap(sc.of) > 16*maxScratchTerms {
		sc.first, sc.count, sc.of = nil, nil, nil
	}
	freqScratchPool.Put(sc)
}

// batchMem is the memory of the TokenFreqs and locations of the analysed
// fields of one batch (analysedField.mem): while the batch is applied, a
// fieldSlabs, whose chunks the batches after it reuse. They were a
// quarter of what a build allocated (27 KB a synthetic record), garbage
// once the batch's segment is built, and the collector's work grows with
// what is allocated (issue 15). The slabs are given to a batch only while
// it is applied (fill), so that only the writers' batches hold them, as
// when each field made its own. A batch's fields are analysed
// concurrently (scorch's analysis workers), hence the lock. Nothing may
// hold a field's token frequencies once the batch is applied: scorch's
// Batch copies them into the segment it builds (zap's interim) and keeps
// no document.
type batchMem struct {
	mu    sync.Mutex
	slabs *fieldSlabs // nil: each field allocates its own
}

// fieldSlabs are the chunks a batchMem hands out.
type fieldSlabs struct {
	freqs chunks[bindex.TokenFreq]
	ptrs  chunks[*bindex.TokenLocation]
	locs  chunks[bindex.TokenLocation]
}

// take returns zeroed slices of nfreqs TokenFreqs and of nlocs location
// pointers and locations, each with no room beyond its length: from m's
// slabs, or newly made when m has none (or is nil: a field analysed
// outside a build's batches).
func (m *batchMem) take(nfreqs, nlocs int) ([]bindex.TokenFreq, []*bindex.TokenLocation, []bindex.TokenLocation) {
	if m != nil {
		m.mu.Lock()
		defer m.mu.Unlock()
	}
	if m == nil || m.slabs == nil {
		var ptrs []*bindex.TokenLocation
		var locs []bindex.TokenLocation
		if nlocs > 0 {
			ptrs, locs = make([]*bindex.TokenLocation, nlocs), make([]bindex.TokenLocation, nlocs)
		}
		return make([]bindex.TokenFreq, nfreqs), ptrs, locs
	}
	s := m.slabs
	return s.freqs.take(nfreqs), s.ptrs.take(nlocs), s.locs.take(nlocs)
}

// attach gives m the slabs s until detach returns them, free again.
func (m *batchMem) attach(s *fieldSlabs) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.slabs = s
}

// detach takes m's slabs back, every chunk free again: the batch's fields
// are no longer read.
func (m *batchMem) detach() *fieldSlabs {
	m.mu.Lock()
	defer m.mu.Unlock()
	s := m.slabs
	m.slabs = nil
	if s != nil {
		s.freqs.reset()
		s.ptrs.reset()
		s.locs.reset()
	}
	return s
}

// chunks hands out zeroed slices of chunks of at least chunkLen elements,
// and after reset the same chunks again.
type chunks[T any] struct {
	all  [][]T // every chunk, in the order they are used
	cur  int   // the chunk being taken from: all[cur]
	used int   // how much of all[cur] is taken
}

// chunkLen is the length of a chunk: a few hundred records' locations.
const chunkLen = 1 << 16

func (c *chunks[T]) take(n int) []T {
	if n == 0 {
		return nil
	}
	for c.cur < len(c.all) && c.used+n > len(c.all[c.cur]) {
		c.cur++
		c.used = 0
	}
	if c.cur == len(c.all) {
		c.all = append(c.all, make([]T, max(n, chunkLen)))
		c.used = 0
	}
	r := c.all[c.cur][c.used : c.used+n : c.used+n]
	c.used += n
	return r
}

// reset zeroes what was taken (every chunk is zero where it is not taken),
// so that what the batch's fields pointed to is not kept by the chunks
// while they wait, and makes every chunk free again.
func (c *chunks[T]) reset() {
	for i := 0; i < c.cur; i++ {
		clear(c.all[i])
	}
	if c.cur < len(c.all) {
		clear(c.all[c.cur][:c.used])
	}
	c.cur, c.used = 0, 0
}
