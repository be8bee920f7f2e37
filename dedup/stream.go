package dedup

import (
	"context"
	"fmt"
	"iter"
	"slices"

	"github.com/iq-search/iq/record"
)

// streamBatch is how many records NewIndexStream parses at once, in
// parallel: enough to keep every core busy, few enough that their text and
// tokens are a small part of the memory the features take.
const streamBatch = 2048

// NewIndexStream is NewIndexContext over a stream of records, for a
// collection too large to hold in memory with its parse (issue 15's 1M
// tier). recs is ranged over three times (the acronyms the collection
// spells out; the weights; the features), and each pass must yield the
// same records in the same order (a stream that yields another number of
// records is an error). Records are parsed a batch at a time and only
// their features and cards are kept (as LoadIndex keeps them: a Cluster's
// members carry no sources), so the memory grows with the features (about
// two kilobytes a record with long answers), not with the records and
// their tokens. The Index is the one
// NewIndexContext makes of the same records; each record is parsed twice
// instead of once (for the weights, then for its features), the price of
// not keeping every record's tokens until the weights are known.
func NewIndexStream(ctx context.Context, recs iter.Seq2[record.Record, error], opts Options) (*Index, error) {
	var m acronymMiner
	n := 0
	for r, err := range recs {
		if err != nil {
			return nil, err
		}
		if n%ctxEvery == 0 && ctx.Err() != nil {
			return nil, ctx.Err()
		}
		m.add(&r)
		n++
	}
	groups := append(slices.Clip(opts.Synonyms), m.groups()...)
	lx := newLexicon(groups)
	st := &Stats{df: map[uint64]int32{}, qfreq: map[string]int32{}, afreq: map[string]int32{}, lex: lx, groups: groups}
	seen := map[uint64]bool{}
	ps := make([]parsed, streamBatch)
	k, err := batches(ctx, recs, func(batch []record.Record) error {
		ps := ps[:len(batch)]
		if err := parallelCtx(ctx, len(batch), func(i int) { ps[i] = parse(&batch[i], lx) }); err != nil {
			return err
		}
		for i := range ps {
			st.add(&ps[i], seen)
			ps[i] = parsed{}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if k != n {
		return nil, fmt.Errorf("the records changed while they were read: %d, then %d", n, k)
	}
	ix := &Index{st: st, opts: opts.withDefaults()}
	ix.feats = make([]features, 0, n)
	c := &cards{ids: make([]string, 0, n), questions: make([]string, 0, n), levels: make([]string, 0, n),
		topicAt: make([]int32, 1, n+1), sources: make([]int32, 0, n), answerLen: make([]int32, 0, n)}
	ix.cards = c
	// Answer vectors, the bulk of the features, are kept as a loaded
	// Index keeps them (answerTerms: 5 bytes a term, not 16, decoded to
	// the same weights when scored).
	vocab := make([]uint64, 0, len(st.df))
	for h := range st.df {
		vocab = append(vocab, h)
	}
	slices.Sort(vocab)
	term := make(map[uint64]uint32, len(vocab))
	idf := make([]float64, len(vocab))
	for i, h := range vocab {
		term[h], idf[i] = uint32(i), st.idf(h)
	}
	ans := &answerTerms{vocab: vocab, idf: idf, at: make([]int32, 1, n+1)}
	ix.answers = ans
	k, err = batches(ctx, recs, func(batch []record.Record) error {
		at := len(ix.feats)
		if at+len(batch) > n {
			return fmt.Errorf("the records changed while they were read: %d, then more", n)
		}
		ix.feats = ix.feats[:at+len(batch)]
		fs := ix.feats[at:]
		if err := parallelCtx(ctx, len(batch), func(i int) {
			p := parse(&batch[i], lx)
			fs[i] = featuresOf(&batch[i], &p, st)
		}); err != nil {
			return err
		}
		for i := range fs {
			f := &fs[i]
			for _, e := range f.a.e {
				t, ok := term[e.h]
				if !ok {
					return fmt.Errorf("record %s: an answer term outside the collection's vocabulary", batch[i].ID)
				}
				ans.add(t, termCount(e.w, idf[t]), e.w)
			}
			ans.at = append(ans.at, int32(len(ans.term)))
			if len(f.a.e) > 0 {
				f.a.e = nil
			}
		}
		for i := range batch {
			r := &batch[i]
			c.ids, c.questions, c.levels = append(c.ids, r.ID), append(c.questions, r.Question), append(c.levels, r.Level)
			c.topics = append(c.topics, r.Topics...)
			c.topicAt = append(c.topicAt, int32(len(c.topics)))
			c.sources, c.answerLen = append(c.sources, int32(len(r.Sources))), append(c.answerLen, int32(answerLen(r)))
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if k != n || len(ix.feats) != n {
		return nil, fmt.Errorf("the records changed while they were read: %d, then %d", n, k)
	}
	return ix, nil
}

// batches calls fn with the records of recs streamBatch at a time, and
// returns how many records there were. fn must not keep the slice.
func batches(ctx context.Context, recs iter.Seq2[record.Record, error], fn func([]record.Record) error) (int, error) {
	batch := make([]record.Record, 0, streamBatch)
	n := 0
	flush := func() error {
		if err := ctx.Err(); err != nil {
			return err
		}
		err := fn(batch)
		clear(batch)
		batch = batch[:0]
		return err
	}
	for r, err := range recs {
		if err != nil {
			return n, err
		}
		batch = append(batch, r)
		n++
		if len(batch) == streamBatch {
			if err := flush(); err != nil {
				return n, err
			}
		}
	}
	if len(batch) > 0 {
		if err := flush(); err != nil {
			return n, err
		}
	}
	return n, nil
}

// Acronyms returns the acronyms the collection spells out (MineAcronyms of
// its records), which the Index's weights were learned with.
func (ix *Index) Acronyms() [][]string {
	return slices.Clip(ix.st.groups[len(ix.opts.Synonyms):])
}
