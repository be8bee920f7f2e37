package dedup

import (
	"cmp"
	"context"
	"runtime"
	"slices"
	"sync"

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
	ft.answerVector() // decoded now if left encoded: read by every worker
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
	// The candidates in that order, each once (next), numbered from 1
	// (scored, the target's own record counted); none once ctx is done.
	seen := make([]uint64, (n+63)/64)
	li, pi := 0, 0
	scored := 0
	next := func() (int32, bool) {
		for ; li < len(lists); li, pi = li+1, 0 {
			for l := lists[li]; pi < len(l); {
				i := l[pi]
				pi++
				if i < 0 || int(i) >= n || seen[i/64]&(1<<(i%64)) != 0 {
					continue
				}
				seen[i/64] |= 1 << (i % 64)
				if scored++; scored%ctxEvery == 0 && ctx.Err() != nil {
					return 0, false
				}
				return i, true
			}
		}
		return 0, false
	}
	limit := ix.similarCandidates()
	// The candidates numbered below limit are scored whatever their
	// scores (every one, with no limit), on several cores (scoreAll).
	var first []int32
	for limit <= 0 || scored+1 < limit {
		i, ok := next()
		if !ok {
			break
		}
		if int(i) != selfAt {
			first = append(first, i)
		}
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	var best topK
	best.k = k
	if err := ix.scoreAll(ctx, ft, first, &best); err != nil {
		return nil, err
	}
	// Past limit, one at a time until k are found.
	var sc featScratch
	for len(best.c) < k {
		i, ok := next()
		if !ok {
			break
		}
		if int(i) != selfAt {
			ix.consider(ft, i, &sc, &best)
		}
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

// consider scores candidate i against ft as far as it could beat the
// k-th best kept (scoreAbove), and keeps it among best if it does.
func (ix *Index) consider(ft *features, i int32, sc *featScratch, best *topK) {
	floor := best.floor()
	f := (*features)(nil)
	if ix.feats == nil {
		f = ix.view.feat(int(i), ix.st, sc, scoredOnly)
	} else {
		f = ix.feat(int(i), sc)
	}
	if s := scoreAbove(ft, f, false, floor).Score; s > 0 && s >= floor {
		best.add(i, s, ix)
	}
}

// parallelFrom is how many candidates make Similar score them on several
// cores (scoreAll): a first call at a million records scores 65,536, 0.4
// CPU-s while the features are cold (issue 15). A variable for the tests,
// which score any number on several.
var parallelFrom = 1 << 12

// scoreAll keeps in best the k best of cands against ft, as scoring them
// in turn with consider would: split among up to GOMAXPROCS workers (at
// most 4), each keeping its own k best, which hold every one of the k
// best overall (a candidate beaten by fewer than k of all is beaten by
// fewer than k of its part), merged into best by the same order.
func (ix *Index) scoreAll(ctx context.Context, ft *features, cands []int32, best *topK) error {
	workers := min(runtime.GOMAXPROCS(0), 4, max(1, len(cands)/parallelFrom))
	part := (len(cands) + workers - 1) / workers
	tops := make([]topK, workers)
	var wg sync.WaitGroup
	for w := range workers {
		tops[w].k = best.k
		wg.Go(func() {
			var sc featScratch
			for j, i := range cands[min(w*part, len(cands)):min((w+1)*part, len(cands))] {
				if j%ctxEvery == ctxEvery-1 && ctx.Err() != nil {
					return
				}
				ix.consider(ft, i, &sc, &tops[w])
			}
		})
	}
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return err
	}
	for w := range tops {
		for _, c := range tops[w].c {
			best.keep(c)
		}
	}
	return nil
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
	t.keep(candidate{i: i, id: ix.ID(int(i)), score: s})
}

// keep is add of a candidate with its ID.
func (t *topK) keep(c candidate) {
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
