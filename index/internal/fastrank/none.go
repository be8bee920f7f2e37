package fastrank

// noneNode is Bleve's MatchNoneSearcher.
type noneNode struct{}

func (noneNode) advance(uint32) uint32    { return noDoc }
func (noneNode) doc() uint32              { return noDoc }
func (noneNode) score() float64           { return 0 }
func (noneNode) count() uint64            { return 0 }
func (noneNode) weight() float64          { return 0 }
func (noneNode) setNorm(float64)          {}
func (noneNode) collect(uint32, matchSet) {}
func (noneNode) bits(words int) bitset    { return newSet(words) }
func (noneNode) bound(uint32) float64     { return absent }
