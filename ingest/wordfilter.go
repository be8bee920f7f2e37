package ingest

// wordFilter is a set of words kept as one bit per hash of a word's
// length and its first, second and last bytes. A word whose bit is clear
// is surely not in the set; the test hashes four bytes, not the whole
// word, so it goes in front of map look-ups that most words fail (the
// taxonomy's first words, the ad filter's vocabulary), which were a tenth
// of ingest's time (issue 11).
type wordFilter [1 << 10]uint64

func wordHash[T ~string | ~[]byte](w T) uint32 {
	n := len(w)
	if n == 0 {
		return 0
	}
	h := uint32(n)*0x9e3779b1 ^ uint32(w[0])*0x85ebca6b ^ uint32(w[n-1])*0xc2b2ae35
	if n > 1 {
		h ^= uint32(w[1]) * 0x27d4eb2f
	}
	return (h ^ h>>16) & (1<<16 - 1)
}

func (f *wordFilter) add(w string) {
	h := wordHash(w)
	f[h>>6] |= 1 << (h & 63)
}

// mayHold reports whether w may be in f: false means it is not.
func mayHold[T ~string | ~[]byte](f *wordFilter, w T) bool {
	h := wordHash(w)
	return f[h>>6]&(1<<(h&63)) != 0
}

// filterOf returns a filter of the keys of m.
func filterOf[V any](m map[string]V) *wordFilter {
	f := new(wordFilter)
	for w := range m {
		f.add(w)
	}
	return f
}
