package dedup

import (
	"cmp"
	"math"
	"slices"
)

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
		dst = append(dst, entry{a.vocab[t], a.weight(k)})
	}
	return dst
}

// weight is the weight of the k-th term stored.
func (a *answerTerms) weight(k int32) float64 {
	c := a.code[k]
	if c == 0 {
		return a.raw[k]
	}
	// termWeight's arithmetic, with its logarithm from a table.
	w := onePlusLog[c>>1] * a.idf[a.term[k]]
	if c&1 != 0 {
		w *= lightWeight
	}
	return w
}

// dot is the dot product of records i and j's answer vectors, read from
// the stored terms without decoding them (decoding both for every
// candidate pair was a third of scoring them): the terms are in the
// vocabulary's order, which is the hashes' order, so the shared terms
// meet in the order shared meets them, with the same weights, and the sum
// is the same float64.
func (a *answerTerms) dot(i, j int) float64 {
	ti, tj := a.term[a.at[i]:a.at[i+1]], a.term[a.at[j]:a.at[j+1]]
	oi, oj := a.at[i], a.at[j]
	dot := 0.0
	for x, y := 0, 0; x < len(ti) && y < len(tj); {
		u, v := ti[x], tj[y]
		if u == v {
			dot += a.weight(oi+int32(x)) * a.weight(oj+int32(y))
		}
		x += b2i(u <= v)
		y += b2i(u >= v)
	}
	return dot
}

// has reports whether record i's answer vector holds token h: its terms
// are in the vocabulary's order, which is the hashes' order.
func (a *answerTerms) has(i int, h uint64) bool {
	_, ok := slices.BinarySearchFunc(a.term[a.at[i]:a.at[i+1]], h, func(t uint32, h uint64) int { return cmp.Compare(a.vocab[t], h) })
	return ok
}

// answerCosine is cosine of records i and j's answer vectors, as scoring
// their decoded features (feat) computes it.
func (ix *Index) answerCosine(i, j int) float64 {
	fi, fj := &ix.feats[i], &ix.feats[j]
	if ix.answers == nil {
		return cosine(fi.a, fj.a)
	}
	return cosineOf(fi.a, fj.a, ix.answers.dot(i, j))
}

// featScratch holds one record's features with its answer vector decoded
// (and, from a view, the rest of them).
type featScratch struct {
	f features
	e []entry
	// q, toks, raws, techs, topics and substance hold a record's features
	// decoded from a view (view.feat).
	q                   []entry
	toks                []qtok
	raws, techs, topics []string
	substance           []uint64
	topicIdx            []uint64
	lazy                lazyAnswers
}

// feat returns record i's features whole: ix.feats[i] itself, or for a
// loaded Index a copy in sc with its answer vector decoded, valid until sc
// is used again.
func (ix *Index) feat(i int, sc *featScratch) *features {
	if ix.feats == nil {
		return ix.view.feat(i, ix.st, sc, nil)
	}
	a := ix.answers
	if a == nil || a.at[i] == a.at[i+1] {
		return &ix.feats[i]
	}
	sc.f = ix.feats[i]
	sc.e = a.decode(sc.e[:0], i)
	sc.f.a.e = sc.e
	return &sc.f
}
