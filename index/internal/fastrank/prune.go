package fastrank

import (
	"math"
	"math/bits"
	"sync"
)

// The ranking pass in two steps (issue 15, the 1M search p99): the
// documents a tree matches are found first as a set of bits (bits: unions,
// intersections and differences of the terms' postings, with a phrase's
// word order checked once per candidate), which gives the total and the
// documents whose facets are counted without stepping the searchers
// through every hit; then only the blocks of documents that may hold a hit
// of the page are scored. A block of 2^shift document numbers is skipped
// when an upper bound of the score of any of its documents (bound: the
// tree's sums over each term's highest score in the block) is below the
// worst kept hit, so the hits, their scores, their order and MaxScore are
// those of scoring every hit.
//
// The bounds are exact upper bounds in floating point, not estimates: every
// score is a sum in a fixed order of non-negative terms' scores, times a
// coordination factor at most 1, and rounding is monotone, so the same
// sums in the same order over terms at least as large, and a factor at
// least as large, never come out smaller. A block is skipped only when its
// bound is strictly below the worst kept hit: a hit equal to it could
// still enter the page by its tie-break.

// absent is what bound returns for a block in which the node matches no
// document.
const absent = -1.0

// blockShift returns the block size (as a power of two) for a snapshot of
// total documents: about 2,048 blocks, of at least 8 and at most 1,024
// documents. Small indexes (the tests') get small blocks, so that the
// skipping is exercised wherever ranking is.
func blockShift(total uint64) uint8 {
	return uint8(min(max(bits.Len64(total/2048), 3), maxBlockShift))
}

// maxBlockShift bounds the blocks to 64 documents: at 1M documents,
// blocks of 512 left half the hits of the benchmark's costliest queries
// to score, blocks of 64 a fifth (as at 100k).
const maxBlockShift = 6

// bitset is a set of document numbers, one bit each; words past its
// length are empty.
type bitset []uint64

// grow returns s with room for document d.
func (s bitset) grow(d uint32) bitset {
	w := int(d>>6) + 1
	if w <= len(s) {
		return s
	}
	if w <= cap(s) {
		return s[:w]
	}
	n := make(bitset, w, max(w, 2*cap(s)))
	copy(n, s)
	return n
}

// orDocs adds ascending docs to s.
func (s bitset) orDocs(docs []uint32) bitset {
	if len(docs) == 0 {
		return s
	}
	s = s.grow(docs[len(docs)-1])
	for _, d := range docs {
		s[d>>6] |= 1 << (d & 63)
	}
	return s
}

// orSet adds o to s.
func (s bitset) orSet(o bitset) bitset {
	if len(o) > len(s) {
		s = s.grow(uint32(len(o)*64 - 1))
	}
	for i, w := range o {
		s[i] |= w
	}
	return s
}

// andSet keeps in s the documents of o.
func (s bitset) andSet(o bitset) bitset {
	n := min(len(s), len(o))
	for i := range n {
		s[i] &= o[i]
	}
	clear(s[n:])
	return s[:n]
}

// andDocs keeps in s the documents of ascending docs.
func (s bitset) andDocs(docs []uint32) bitset {
	w := 0 // words before w are done
	for i := 0; i < len(docs); {
		k := int(docs[i] >> 6)
		if k >= len(s) {
			break
		}
		clear(s[w:k])
		var m uint64
		for ; i < len(docs) && int(docs[i]>>6) == k; i++ {
			m |= 1 << (docs[i] & 63)
		}
		s[k] &= m
		w = k + 1
	}
	clear(s[min(w, len(s)):])
	return s
}

// andNotSet removes the documents of o from s.
func (s bitset) andNotSet(o bitset) bitset {
	for i := range min(len(s), len(o)) {
		s[i] &^= o[i]
	}
	return s
}

// orAnd adds x ∩ y to s.
func (s bitset) orAnd(x, y bitset) bitset {
	n := min(len(x), len(y))
	for n > 0 && x[n-1]&y[n-1] == 0 {
		n--
	}
	if n > len(s) {
		s = s.grow(uint32(n*64 - 1))
	}
	for i := range n {
		s[i] |= x[i] & y[i]
	}
	return s
}

// count returns how many documents of s lie from lo to hi-1.
func (s bitset) count(lo, hi uint32) int {
	end := min(uint64(hi), uint64(len(s))*64)
	n := 0
	for i := uint64(lo) >> 6; i<<6 < end; i++ {
		w := s[i]
		if i<<6 < uint64(lo) {
			w &= ^uint64(0) << (uint64(lo) & 63)
		}
		if (i+1)<<6 > end {
			w &= ^uint64(0) >> (64 - (end & 63))
		}
		n += bits.OnesCount64(w)
	}
	return n
}

// appendRange appends the documents of s from lo to hi-1 to buf.
func (s bitset) appendRange(buf []uint32, lo, hi uint32) []uint32 {
	end := min(uint64(hi), uint64(len(s))*64)
	for i := uint64(lo) >> 6; i<<6 < end; i++ {
		w := s[i]
		if i<<6 < uint64(lo) {
			w &= ^uint64(0) << (uint64(lo) & 63)
		}
		if (i+1)<<6 > end {
			w &= ^uint64(0) >> (64 - (end & 63))
		}
		for w != 0 {
			buf = append(buf, uint32(i<<6)|uint32(bits.TrailingZeros64(w)))
			w &= w - 1
		}
	}
	return buf
}

// setPool recycles the sets of ranking passes (122 KiB each at 1M
// documents).
var setPool sync.Pool

// newSet returns an empty set of words words.
func newSet(words int) bitset {
	if v, ok := setPool.Get().(*bitset); ok && cap(*v) >= words {
		s := (*v)[:words]
		clear(s)
		return s
	}
	return make(bitset, words)
}

// freeSet gives s back for reuse; nothing may use it after.
func freeSet(s bitset) {
	if cap(s) > 0 {
		setPool.Put(&s)
	}
}

// nodeBits returns the documents n matches, in a set of (at least) words
// words that the caller owns.
func nodeBits(n node, words int) bitset {
	if t, ok := n.(*termNode); ok {
		s := newSet(words)
		if d := t.p.dense(); d != nil {
			return s.orSet(d)
		}
		return s.orDocs(t.p.docs)
	}
	return n.bits(words)
}

// orNode adds the documents n matches to s.
func orNode(s bitset, n node, words int) bitset {
	if t, ok := n.(*termNode); ok {
		if d := t.p.dense(); d != nil {
			return s.orSet(d)
		}
		return s.orDocs(t.p.docs)
	}
	o := n.bits(words)
	s = s.orSet(o)
	freeSet(o)
	return s
}

// andNode keeps in s the documents n matches.
func andNode(s bitset, n node, words int) bitset {
	if t, ok := n.(*termNode); ok {
		if d := t.p.dense(); d != nil {
			return s.andSet(d)
		}
		return s.andDocs(t.p.docs)
	}
	o := n.bits(words)
	s = s.andSet(o)
	freeSet(o)
	return s
}

// atLeast returns the documents that at least k of ch match (k >= 1):
// at[j] holds those matched by j or more of the children seen so far.
func atLeast(ch []node, k, words int) bitset {
	if k > len(ch) {
		return newSet(words)
	}
	at := make([]bitset, k+1)
	for j := 1; j <= k; j++ {
		at[j] = newSet(words)
	}
	for i, c := range ch {
		b := nodeBits(c, words)
		for j := min(k, i+1); j >= 2; j-- {
			at[j] = at[j].orAnd(at[j-1], b)
		}
		at[1] = at[1].orSet(b)
		freeSet(b)
	}
	for _, s := range at[1:k] {
		freeSet(s)
	}
	return at[k]
}

// roundUp32 returns the least float32 at least x.
func roundUp32(x float64) float32 {
	f := float32(x)
	if float64(f) < x {
		f = math.Nextafter32(f, float32(math.Inf(1)))
	}
	return f
}

// denseMin is how many postings per document number a term needs for its
// set to be kept as bits (no larger than its document array).
const denseMin = 32

// extras builds the term's set as bits and its highest score per block,
// once, when they are no larger than its postings: a common term's sets
// are then combined a word at a time, and its bounds looked up.
func (p *postings) extras() {
	p.once.Do(func() {
		if len(p.docs) == 0 {
			return
		}
		last := p.docs[len(p.docs)-1]
		if uint64(len(p.docs))*denseMin >= uint64(last)+1 {
			p.bits = bitset(nil).orDocs(p.docs)
		}
		nb := int(last>>p.shift) + 1
		if len(p.docs) >= nb {
			bm := make([]float32, nb)
			for i := range bm {
				bm[i] = absent
			}
			var up []float32 // each shared score rounded once
			if p.vals != nil {
				up = make([]float32, len(p.vals))
				for k, s := range p.vals {
					up[k] = max(roundUp32(s), 0)
				}
			}
			for i, d := range p.docs {
				b := d >> p.shift
				var v float32
				if up != nil {
					v = up[p.sidx[i]]
				} else {
					v = max(roundUp32(p.score[i]), 0)
				}
				if v > bm[b] {
					bm[b] = v
				}
			}
			p.blockMax = bm
		}
	})
}

// extraBytes is what extras keeps, for the cache's budget (counted from
// the start, so that the budget does not change when they are built).
func (p *postings) extraBytes() int {
	if len(p.docs) == 0 {
		return 0
	}
	last := uint64(p.docs[len(p.docs)-1])
	n := 0
	if uint64(len(p.docs))*denseMin >= last+1 {
		n += int(last/64+1) * 8
	}
	if nb := int(last>>p.shift) + 1; len(p.docs) >= nb {
		n += nb * 4
	}
	return n
}

// dense returns the term's documents as bits, or nil when it keeps them
// as its postings only.
func (p *postings) dense() bitset {
	p.extras()
	return p.bits
}

// boundSum is a composite node's bound: the children's bounds summed in
// child order (absent children adding nothing), with how many of them may
// match in the block.
func boundSum(ch []node, b uint32) (sum float64, present int) {
	for _, c := range ch {
		if x := c.bound(b); x != absent {
			sum += x
			present++
		}
	}
	return sum, present
}
