package dedup

import (
	"context"
	"fmt"
	"iter"
	"math"
	"slices"
	"sync"

	"github.com/iq-search/iq/record"
)

// streamBatch is how many records NewIndexStream parses at once, in
// parallel: enough to keep every core busy, few enough that their text and
// tokens are a small part of the memory the features take.
const streamBatch = 2048

// NewIndexStream is NewIndexContext over a stream of records, for a
// collection too large to hold in memory with its parse (issue 15's 1M
// tier). recs is ranged over twice (the acronyms the collection spells
// out and which texts repeat; then each record's tokens and features),
// and each pass must yield the same records in the same order (a stream
// that yields another number of records is an error). Records are parsed
// a batch at a time, once, and only their features and cards are kept (as
// LoadIndex keeps them: a Cluster's members carry no sources), so the
// memory grows with the features (about two kilobytes a record with long
// answers), not with the records and their tokens. The features are made
// as a record is parsed, with their tallies in place of weights
// (unweighed), and weighed once every record was counted. The Index is the
// one NewIndexContext makes of the same records.
func NewIndexStream(ctx context.Context, recs iter.Seq2[record.Record, error], opts Options) (*Index, error) {
	// Pass 1: the acronyms, and how often each question and each
	// answer's start repeat (what features need before the weights).
	var m acronymMiner
	st := &Stats{df: map[uint64]int32{}, qfreq: map[string]int32{}, afreq: map[string]int32{}}
	type norms struct {
		q string
		a []string
	}
	ns := make([]norms, streamBatch)
	n, err := batches(ctx, recs, func(batch []record.Record) error {
		ns := ns[:len(batch)]
		if err := parallelCtx(ctx, len(batch), func(i int) {
			r := &batch[i]
			ns[i].q, ns[i].a = record.NormalizeQuestion(r.Question), ns[i].a[:0]
			for _, a := range r.Answers {
				ns[i].a = append(ns[i].a, answerNorm(withoutOptions(a.Text)))
			}
		}); err != nil {
			return err
		}
		for i := range batch {
			m.add(&batch[i])
			st.qfreq[ns[i].q]++
			a := ns[i].a
			for j, norm := range a {
				st.addAnswer(norm, j, func(k int) string { return a[k] })
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	// The texts that do not repeat go before the features grow
	// (repeated), a string a question and an answer fewer for the
	// collector to mark (issue 15's 1M tier, where the heap sits at the
	// soft limit).
	st.qfreq, st.afreq = repeated(st.qfreq), repeated(st.afreq)
	groups := append(slices.Clip(opts.Synonyms), m.groups()...)
	lx := newLexicon(groups)
	st.lex, st.groups = lx, groups
	ix := &Index{st: st, opts: opts.withDefaults()}
	ix.feats = make([]features, 0, n)
	c := &cards{ids: make([]string, 0, n), questions: make([]string, 0, n), levels: make([]string, 0, n),
		topicAt: make([]int32, 1, n+1), sources: make([]int32, 0, n), answerLen: make([]int32, 0, n)}
	ix.cards = c
	// Answer vectors, the bulk of the features, are kept as a loaded
	// Index keeps them (answerTerms: 5 bytes a term, not 16, decoded to
	// the same weights when scored): a term's count and lightness, and,
	// until the vocabulary is known, a provisional number in the order
	// terms were first met.
	ans := &answerTerms{at: make([]int32, 1, n+1)}
	ix.answers = ans
	provisional := map[uint64]uint32{}
	var hashes []uint64
	var terms termBlocks
	wide := map[int32]uint64{} // terms counted too often for a code: their counts
	// Pass 2: each record parsed once, its tokens counted for the
	// weights, its features made but for the weights.
	docs := make([]termDocs, streamBatch)
	k, err := batches(ctx, recs, func(batch []record.Record) error {
		at := len(ix.feats)
		if at+len(batch) > n {
			return fmt.Errorf("the records changed while they were read: %d, then more", n)
		}
		ix.feats = ix.feats[:at+len(batch)]
		fs := ix.feats[at:]
		if err := parallelCtx(ctx, len(batch), func(i int) {
			// The parse is done with once its features and documents
			// are made: its tokens go in a pooled slab.
			sc := streamPool.Get().(*streamScratch)
			p := parseInto(&batch[i], lx, &sc.slab)
			fs[i] = unweighed(&batch[i], &p, st)
			docs[i] = docsOf(docs[i], &p, sc.seen)
			clear(sc.slab)
			sc.slab = sc.slab[:0]
			streamPool.Put(sc)
		}); err != nil {
			return err
		}
		for i := range fs {
			st.addDocs(&docs[i])
			f := &fs[i]
			for _, e := range f.a.e {
				id, ok := provisional[e.h]
				if !ok {
					id = uint32(len(hashes))
					provisional[e.h] = id
					hashes = append(hashes, e.h)
				}
				code := uint64(math.Abs(e.w))<<1 | uint64(flags(e.w < 0))
				if code>>1 >= uint64(len(onePlusLog)) {
					wide[int32(terms.n)] = code
					code = 0
				}
				terms.add(id, uint8(code))
			}
			ans.at = append(ans.at, int32(terms.n))
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
	// The weights, now that every record was counted.
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
	ans.vocab, ans.idf = vocab, idf
	final := make([]uint32, len(hashes))
	for id, h := range hashes {
		t, ok := term[h]
		if !ok {
			return nil, fmt.Errorf("an answer term outside the collection's vocabulary")
		}
		final[id] = t
	}
	// Vocabulary places keep the hashes' order, so each record's terms
	// stay sorted.
	ans.term, ans.code = terms.flat(final)
	for i, code := range wide {
		if ans.raw == nil {
			ans.raw = map[int32]float64{}
		}
		ans.raw[i] = termWeight(code>>1, code&1 != 0, idf[ans.term[i]])
	}
	if err := parallelCtx(ctx, n, func(i int) {
		f := &ix.feats[i]
		f.q = weighTally(f.q.e, st)
		for j := range f.toks {
			f.toks[j].idf = float32(st.idf(f.toks[j].h))
		}
		if ans.at[i] == ans.at[i+1] {
			return
		}
		// Summed in the vector's order, as weighTally sums it.
		norm := 0.0
		for k := ans.at[i]; k < ans.at[i+1]; k++ {
			w := ans.weight(k)
			norm += w * w
		}
		f.a.norm = math.Sqrt(norm)
	}); err != nil {
		return nil, err
	}
	return ix, nil
}

// streamScratch is where NewIndexStream parses a record and finds its
// documents' distinct tokens.
type streamScratch struct {
	slab []token
	seen map[uint64]bool
}

var streamPool = sync.Pool{New: func() any { return &streamScratch{seen: map[uint64]bool{}} }}

// termBlocks are the answer terms a streamed Index counts, by their
// provisional numbers and with their codes, in blocks of termBlock: one
// slice grown by append allocated about five times its final size (a
// gigabyte and a half at a million records, on a heap at the soft limit),
// copying it at each growth.
type termBlocks struct {
	term [][]uint32
	code [][]uint8
	n    int
}

// termBlock is how many terms a block of termBlocks holds.
const termBlock = 1 << 20

func (b *termBlocks) add(term uint32, code uint8) {
	k := len(b.term) - 1
	if k < 0 || len(b.term[k]) == termBlock {
		b.term = append(b.term, make([]uint32, 0, termBlock))
		b.code = append(b.code, make([]uint8, 0, termBlock))
		k++
	}
	b.term[k] = append(b.term[k], term)
	b.code[k] = append(b.code[k], code)
	b.n++
}

// flat returns the terms in one slice, each provisional number p as
// final[p], and their codes in another, and drops the blocks.
func (b *termBlocks) flat(final []uint32) ([]uint32, []uint8) {
	term, code := make([]uint32, 0, b.n), make([]uint8, 0, b.n)
	for k := range b.term {
		for _, p := range b.term[k] {
			term = append(term, final[p])
		}
		code = append(code, b.code[k]...)
		b.term[k], b.code[k] = nil, nil
	}
	*b = termBlocks{}
	return term, code
}

// repeated returns the texts of m counted twice or more, in a map of
// their own (a map keeps its size when keys are deleted): of the texts
// counted, only those that repeat are ever asked about (three times or
// more: Stats.repeats, answerRepeats) or stored (twice or more:
// appendHead), and most texts of a collection do not.
func repeated(m map[string]int32) map[string]int32 {
	out := map[string]int32{}
	for k, n := range m {
		if n >= 2 {
			out[k] = n
		}
	}
	return out
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
