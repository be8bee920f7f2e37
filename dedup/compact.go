package dedup

import "math"

// answerTerms hold a loaded Index's answer vectors, the bulk of its
// features (about 50 terms a record against 5 for the question), in 5
// bytes a term rather than 16: the term's place in the vocabulary and the
// count its weight is computed from, as stored (see MarshalFeatures).
// feat decodes one record's vector when it is scored, into the same
// weights to the bit.
type answerTerms struct {
	vocab []uint64
	idf   []float64
	// Record i's terms are term[at[i]:at[i+1]], with their codes.
	at   []int32
	term []uint32
	// code is count<<1 | light, or 0 when the weight is in raw.
	code []uint8
	raw  map[int32]float64
}

// onePlusLog[n] is 1 + ln n, as termWeight computes it.
var onePlusLog = func() (t [128]float64) {
	for n := 1; n < len(t); n++ {
		t[n] = 1 + math.Log(float64(n))
	}
	return t
}()

// add appends one term, given as stored: its vocabulary place and code c
// (0 and the weight w when no count gives it).
func (a *answerTerms) add(term uint32, c uint64, w float64) {
	if c == 0 || c>>1 >= uint64(len(onePlusLog)) {
		if c != 0 {
			w = termWeight(c>>1, c&1 != 0, a.idf[term])
		}
		if a.raw == nil {
			a.raw = map[int32]float64{}
		}
		a.raw[int32(len(a.term))] = w
		c = 0
	}
	a.term = append(a.term, term)
	a.code = append(a.code, uint8(c))
}

// decode appends record i's answer vector terms to dst.
func (a *answerTerms) decode(dst []entry, i int) []entry {
	for k := a.at[i]; k < a.at[i+1]; k++ {
		t := a.term[k]
		var w float64
		if c := a.code[k]; c == 0 {
			w = a.raw[k]
		} else {
			// termWeight's arithmetic, with its logarithm from a table.
			w = onePlusLog[c>>1] * a.idf[t]
			if c&1 != 0 {
				w *= lightWeight
			}
		}
		dst = append(dst, entry{a.vocab[t], w})
	}
	return dst
}

// featScratch holds one record's features with its answer vector decoded.
type featScratch struct {
	f features
	e []entry
}

// feat returns record i's features whole: ix.feats[i] itself, or for a
// loaded Index a copy in sc with its answer vector decoded, valid until sc
// is used again.
func (ix *Index) feat(i int, sc *featScratch) *features {
	a := ix.answers
	if a == nil || a.at[i] == a.at[i+1] {
		return &ix.feats[i]
	}
	sc.f = ix.feats[i]
	sc.e = a.decode(sc.e[:0], i)
	sc.f.a.e = sc.e
	return &sc.f
}
