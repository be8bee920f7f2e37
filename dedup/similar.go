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
// question token with target is scored, which is exact and fast enough
// for a curator's one question; a caller with its own candidates (a
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
// of ID self.
func (ix *Index) similar(ctx context.Context, ft *features, self string, k int) ([]Match, error) {
	ix.postingsOnce.Do(ix.buildPostings)
	seen := map[int32]bool{}
	var sc featScratch
	var ms []Match
	scored := 0
	consider := func(h uint64) {
		for _, i := range ix.postings[h] {
			if seen[i] {
				continue
			}
			seen[i] = true
			if scored++; scored%ctxEvery == 0 && ctx.Err() != nil {
				return
			}
			id := ix.ID(int(i))
			if self != "" && id == self {
				continue
			}
			d := score(ft, ix.feat(int(i), &sc), true)
			if d.Score > 0 {
				ms = append(ms, Match{Index: int(i), ID: id, Question: ix.question(int(i)), Score: d.Score, Detail: d})
			}
		}
	}
	for _, t := range ft.toks {
		consider(t.h)
	}
	if ft.generic {
		for _, e := range ft.a.e {
			consider(e.h)
		}
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	slices.SortFunc(ms, func(a, b Match) int {
		if c := cmp.Compare(b.Score, a.Score); c != 0 {
			return c
		}
		return cmp.Compare(a.ID, b.ID)
	})
	return ms[:min(k, len(ms))], nil
}

// Similar is Index.Similar over recs with default options.
func Similar(target record.Record, recs []record.Record, k int) []Match {
	return NewIndex(recs, Options{}).Similar(target, k)
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
