package fastrank

// phraseNode is bleveq.ExactPhrase's ranking searcher: the conjunction of
// the positions' terms, kept where the words stand in order.
type phraseNode struct {
	conjNode
	pos [][]*termNode // alternatives per position (nil: any word)
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

// positions returns the positions from the first that holds words.
func (p *phraseNode) positions() [][]*termNode {
	pos := p.pos
	for len(pos) > 0 && len(pos[0]) == 0 {
		pos = pos[1:]
	}
	return pos
}

// inOrder reports whether a location of a first-position word is
// followed, at each next position, by one of its words, in doc.
func (p *phraseNode) inOrder(doc uint32) bool {
	pos := p.positions()
	if len(pos) == 0 {
		return false
	}
	has := func(i int, want uint64) bool {
		for _, a := range pos[i] {
			if a.advance(doc) != doc {
				continue
			}
			for _, l := range a.locations() {
				if l == want {
					return true
				}
			}
		}
		return false
	}
	for _, a := range pos[0] {
		if a.advance(doc) != doc {
			continue
		}
		for _, l := range a.locations() {
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
	pos := p.positions()
	at := func(i int, want uint64) []*termNode {
		var rv []*termNode
		for _, a := range pos[i] {
			if a.advance(doc) != doc {
				continue
			}
			for _, l := range a.locations() {
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
	for _, a := range pos[0] {
		if a.advance(doc) != doc {
			continue
		}
		for _, l := range a.locations() {
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
