package dedup

import (
	"cmp"
	"context"
	"slices"

	"github.com/iq-search/iq/record"
)

// Match is one answer to "questions like this one".
type Match struct {
	// Index is the record's position in the slice given to NewIndex.
	Index    int     `json:"-"`
	ID       string  `json:"id"`
	Question string  `json:"question"`
	Score    float64 `json:"score"`
	Detail   Detail  `json:"detail"`
}

// Similar returns up to k records of the collection most likely to be
// duplicates of target, best first, leaving out target itself (same ID)
// and records that score 0. target may be outside the collection:
// record.Record{Question: "…"} asks about a text. Every record sharing a
// question token with target is scored, up to DefaultSimilarCandidates
// (SetSimilarCandidates), the records of its rarest tokens first: exact in
// a bank of tens of thousands of questions, and at a million, the records
// of its commonest words left out; a caller with its own candidates (a
// search index's top hits) can use Score with Stats instead.
func (ix *Index) Similar(target record.Record, k int) []Match {
	ms, _ := ix.SimilarContext(context.Background(), target, k)
	return ms
}

// SimilarContext is Similar that stops early, with ctx's error, once ctx
// is done: a target made of the collection's commonest words is scored
// against nearly every record.
func (ix *Index) SimilarContext(ctx context.Context, target record.Record, k int) ([]Match, error) {
	if k <= 0 {
		return nil, nil
	}
	ft := newFeatures(&target, ix.st)
	return ix.similar(ctx, &ft, target.ID, k)
}

// SimilarToContext is SimilarContext for the record at position i of the
// collection, scored with the features the Index holds for it (the same
// as its record's): an Index loaded from stored features has no records.
func (ix *Index) SimilarToContext(ctx context.Context, i, k int) ([]Match, error) {
	if k <= 0 {
		return nil, nil
	}
	var sc featScratch
	return ix.similar(ctx, ix.feat(i, &sc), ix.ID(i), k)
}

// similar ranks the records sharing a token with ft, leaving out the one
// of ID self: the k best by score, then ID, scoring more than 0. On a
// collection of a few templates' questions nearly every record shares a
// token with any question (a million candidates at a million records), so
// once k are found a candidate is scored only as far as it could still
// beat the k-th (scoreAbove), without explaining it; the k kept are scored
// again with the reasons. The same matches as scoring every candidate in
// full (TestSimilarPruned) up to SimilarCandidates candidates; past them,
// the records of the target's rarer tokens only (issue 15: 2 s a call at
// a million templated records).
func (ix *Index) similar(ctx context.Context, ft *features, self string, k int) ([]Match, error) {
	n := ix.Len()
	selfAt := -1
	if self != "" {
		if i, ok := ix.Lookup(self); ok {
			selfAt = i
		}
	}
	seen := make([]uint64, (n+63)/64)
	var sc featScratch
	var best topK
	best.k = k
	scored := 0
	limit := ix.similarCandidates()
	full := func() bool { return limit > 0 && scored >= limit && len(best.c) == k }
	consider := func(posting []int32) {
		for _, i := range posting {
			if i < 0 || int(i) >= n || seen[i/64]&(1<<(i%64)) != 0 {
				continue
			}
			seen[i/64] |= 1 << (i % 64)
			if scored++; scored%ctxEvery == 0 && ctx.Err() != nil || full() {
				return
			}
			if int(i) == selfAt {
				continue
			}
			floor := best.floor()
			f := (*features)(nil)
			if ix.feats == nil {
				f = ix.view.feat(int(i), ix.st, &sc, scoredOnly)
			} else {
				f = ix.feat(int(i), &sc)
			}
			s := scoreAbove(ft, f, false, floor).Score
			if s > 0 && s >= floor {
				best.add(i, s, ix)
			}
		}
	}
	// The rarest tokens first: their records are the likeliest matches,
	// and past SimilarCandidates records scored (a bank of templates at a
	// million records), the rest are not looked at.
	var lists [][]int32
	for _, t := range ft.toks {
		lists = append(lists, ix.posting(t.h))
	}
	if ft.generic {
		for _, e := range ft.a.e {
			lists = append(lists, ix.posting(e.h))
		}
	}
	slices.SortStableFunc(lists, func(a, b []int32) int { return cmp.Compare(len(a), len(b)) })
	for _, l := range lists {
		if full() {
			break
		}
		consider(l)
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	var ms []Match
	for _, c := range best.sorted() {
		d := score(ft, ix.feat(int(c.i), &sc), true)
		ms = append(ms, Match{Index: int(c.i), ID: c.id, Question: ix.question(int(c.i)), Score: d.Score, Detail: d})
	}
	return ms, nil
}

// topK keeps the k best candidates by score, then ID.
type topK struct {
	k int
	c []candidate // a heap, the worst first
}

type candidate struct {
	i     int32
	id    string
	score float64
}

// worse orders candidates: lower score, or the same score and a later ID.
func worse(a, b candidate) bool {
	if a.score != b.score {
		return a.score < b.score
	}
	return a.id > b.id
}

// floor is the score a candidate must reach to be kept: the k-th best's
// once there are k, else 0.
func (t *topK) floor() float64 {
	if len(t.c) < t.k {
		return 0
	}
	return t.c[0].score
}

func (t *topK) add(i int32, s float64, ix *Index) {
	c := candidate{i: i, id: ix.ID(int(i)), score: s}
	if len(t.c) < t.k {
		t.c = append(t.c, c)
		for j := len(t.c) - 1; j > 0; {
			p := (j - 1) / 2
			if !worse(t.c[j], t.c[p]) {
				break
			}
			t.c[j], t.c[p] = t.c[p], t.c[j]
			j = p
		}
		return
	}
	if !worse(t.c[0], c) {
		return
	}
	t.c[0] = c
	for j := 0; ; {
		l, r, m := 2*j+1, 2*j+2, j
		if l < len(t.c) && worse(t.c[l], t.c[m]) {
			m = l
		}
		if r < len(t.c) && worse(t.c[r], t.c[m]) {
			m = r
		}
		if m == j {
			break
		}
		t.c[j], t.c[m] = t.c[m], t.c[j]
		j = m
	}
}

// sorted returns the candidates best first.
func (t *topK) sorted() []candidate {
	out := slices.Clone(t.c)
	slices.SortFunc(out, func(a, b candidate) int {
		if c := cmp.Compare(b.score, a.score); c != 0 {
			return c
		}
		return cmp.Compare(a.id, b.id)
	})
	return out
}

// Similar is Index.Similar over recs with default options.
func Similar(target record.Record, recs []record.Record, k int) []Match {
	return NewIndex(recs, Options{}).Similar(target, k)
}

// posting returns the records holding token h (buildPostings), read in
// place from a loaded Index's stored postings.
func (ix *Index) posting(h uint64) []int32 {
	if ix.view != nil {
		return ix.view.posting(h)
	}
	ix.postingsOnce.Do(ix.buildPostings)
	return ix.postings[h]
}

// buildPostings indexes records by question token, and generic questions
// by answer token too.
func (ix *Index) buildPostings() {
	ix.postings = map[uint64][]int32{}
	var sc featScratch
	for i := range ix.feats {
		f := &ix.feats[i]
		if f.generic {
			f = ix.feat(i, &sc)
		}
		for _, t := range f.toks {
			ix.postings[t.h] = append(ix.postings[t.h], int32(i))
		}
		if f.generic {
			for _, e := range f.a.e {
				ix.postings[e.h] = append(ix.postings[e.h], int32(i))
			}
		}
	}
}

// ExplainPair scores two records of the collection, given by their
// positions in the slice given to NewIndex, with the reasons in words.
func (ix *Index) ExplainPair(a, b int) Detail {
	var sa, sb featScratch
	return score(ix.feat(a, &sa), ix.feat(b, &sb), true)
}

// DefaultSimilarCandidates is how many records Similar scores at most
// before it stops taking the records of the target's commoner tokens
// (about a quarter of a second of CPU): never reached in a bank of tens of
// thousands of questions, where Similar is exact.
const DefaultSimilarCandidates = 1 << 16

// SetSimilarCandidates sets how many records Similar scores at most (n <=
// 0: every record sharing a token with the target, exact at any size;
// DefaultSimilarCandidates unless set). Not safe to call during Similar.
func (ix *Index) SetSimilarCandidates(n int) {
	if n <= 0 {
		n = -1
	}
	ix.similarMax = n
}

func (ix *Index) similarCandidates() int {
	switch {
	case ix.similarMax == 0:
		return DefaultSimilarCandidates
	case ix.similarMax < 0:
		return 0
	}
	return ix.similarMax
}
