package fastrank

import (
	"math/bits"
	"slices"
)

// phraseNode is bleveq.ExactPhrase's ranking searcher: the conjunction of
// the positions' terms, kept where the words stand in order.
type phraseNode struct {
	conjNode
	pos [][]*termNode // alternatives per position (nil: any word)
	// locs are their locations, read only in the documents holding a word
	// of every position (phraseLocations): all inOrder and collect look at.
	locs phraseLocs
	// ent is the cache's entry of the phrase, which keeps the documents
	// it matches for the next pass (bits).
	ent   *phraseEntry
	cache *postingCache
}

func (p *phraseNode) advance(t uint32) uint32 {
	if p.cur >= t && t != 0 {
		return p.cur
	}
	for {
		x := p.conjNode.advance(t)
		if x == noDoc || p.inOrder(x) {
			p.cur = x
			return x
		}
		t = x + 1
	}
}

// positions returns the positions from the first that holds words, with
// their words' locations.
func (p *phraseNode) positions() ([][]*termNode, phraseLocs) {
	pos, locs := p.pos, p.locs
	for len(pos) > 0 && len(pos[0]) == 0 {
		pos, locs = pos[1:], locs[1:]
	}
	return pos, locs
}

// inOrder reports whether a location of a first-position word is
// followed, at each next position, by one of its words, in doc.
func (p *phraseNode) inOrder(doc uint32) bool {
	_, locs := p.positions()
	return p.inOrderAt(func(i, j int) []uint64 { return locs[i][j].at(doc) })
}

// inOrderAt is inOrder over the locations at(i, j) of the j-th word of
// the i-th position (of those positions returns) in one document.
func (p *phraseNode) inOrderAt(at func(i, j int) []uint64) bool {
	pos, locs := p.positions()
	if len(pos) == 0 {
		return false
	}
	has := func(i int, want uint64) bool {
		for j := range locs[i] {
			for _, l := range at(i, j) {
				if l == want {
					return true
				}
			}
		}
		return false
	}
	for j := range locs[0] {
		for _, l := range at(0, j) {
			ok := true
			for i := 1; i < len(pos) && ok; i++ {
				if len(pos[i]) > 0 {
					ok = has(i, l+uint64(i))
				}
			}
			if ok {
				return true
			}
		}
	}
	return false
}

// collect adds the words of every occurrence of the phrase in doc.
func (p *phraseNode) collect(doc uint32, ms matchSet) {
	pos, locs := p.positions()
	at := func(i int, want uint64) []*termNode {
		var rv []*termNode
		for j, a := range pos[i] {
			for _, l := range locs[i][j].at(doc) {
				if l == want {
					rv = append(rv, a)
					break
				}
			}
		}
		return rv
	}
	if len(pos) == 0 {
		return
	}
	for j, a := range pos[0] {
		for _, l := range locs[0][j].at(doc) {
			words := [][]*termNode{{a}}
			ok := true
			for i := 1; i < len(pos) && ok; i++ {
				if len(pos[i]) > 0 {
					w := at(i, l+uint64(i))
					ok = len(w) > 0
					words = append(words, w)
				} else {
					words = append(words, nil)
				}
			}
			if !ok {
				continue
			}
			for i, ws := range words {
				for _, w := range ws {
					ms.at(w.p, l+uint64(i))
				}
			}
		}
	}
}

// bits are the conjunction's documents in which the words stand in order,
// found once per phrase: they depend on its field and words alone.
func (p *phraseNode) bits(words int) bitset {
	p.ent.once.Do(func() {
		s := p.conjNode.bits(words)
		// The documents come in ascending order: each word's locations
		// are looked up from where the last document's lookup stopped
		// (a binary search per word and document was most of the check
		// over common words' candidates).
		_, locs := p.positions()
		cur := make([][]int, len(locs))
		for i := range locs {
			cur[i] = make([]int, len(locs[i]))
		}
		var d uint32
		at := func(i, j int) []uint64 {
			l := locs[i][j]
			k := gallop(l.docs, cur[i][j], d)
			cur[i][j] = k
			if k < len(l.docs) && l.docs[k] == d {
				return l.locs[l.off[k]:l.off[k+1]]
			}
			return nil
		}
		var docs []uint32
		for i, w := range s {
			for ; w != 0; w &= w - 1 {
				d = uint32(i<<6) | uint32(bits.TrailingZeros64(w))
				if p.inOrderAt(at) {
					docs = append(docs, d)
				}
			}
		}
		freeSet(s)
		p.ent.matches = slices.Clip(docs)
		c := p.cache
		c.mu.Lock()
		if c.phr[p.ent.key] == p.ent {
			p.ent.bytes += 4 * len(docs)
			c.bytes += 4 * len(docs)
		}
		c.mu.Unlock()
	})
	return newSet(words).orDocs(p.ent.matches)
}
