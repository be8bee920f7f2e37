package dedup

import (
	"context"
	"maps"
	"math"
	"slices"

	"github.com/iq-search/iq/record"
)

// minIDF is the least weight a token gets. Words common in one bank are
// what tell banks apart ("fastapi" beside "redux"), so none counts for
// nothing.
const minIDF = 1.0

// statsAnswerTokens bounds how much of each answer the weights learn from.
const statsAnswerTokens = 200

// Stats holds what the scorer learns from a whole collection: how rare
// each token is (inverse document frequency over question and answer
// start) and how often each normalised question text repeats. It is
// read-only once built and safe for concurrent use.
type Stats struct {
	n  int
	df map[uint64]int32
	// vocab and dfs stand for df in Stats loaded from a view: the
	// collection's token hashes, sorted, and their document frequencies.
	vocab []uint64
	dfs   []int32
	qfreq map[string]int32
	// afreq counts the records whose answers start alike.
	afreq map[string]int32
	lex   *lexicon
	// groups are the synonym groups lex was made of (kept to persist it).
	groups [][]string
}

// NewStats computes Stats over recs. Build it over the whole collection
// being compared: weights learned from the records themselves are what
// lets "fastapi" count for nothing in a FastAPI bank. Acronyms the
// collection spells out join their expansions (MineAcronyms); synonyms
// adds groups of terms of one meaning (see Options.Synonyms).
func NewStats(recs []record.Record, synonyms ...[]string) *Stats {
	_, st, _ := parseAll(context.Background(), recs, synonyms)
	return st
}

// parseAll parses recs with the lexicon of synonyms and recs' acronyms and
// learns their Stats; it stops early, with ctx's error, once ctx is done.
func parseAll(ctx context.Context, recs []record.Record, synonyms [][]string) ([]parsed, *Stats, error) {
	groups := append(slices.Clip(synonyms), MineAcronyms(recs)...)
	lx := newLexicon(groups)
	ps := make([]parsed, len(recs))
	if err := parallelCtx(ctx, len(recs), func(i int) { ps[i] = parse(&recs[i], lx) }); err != nil {
		return nil, nil, err
	}
	st := statsOf(ps)
	st.lex, st.groups = lx, groups
	return ps, st, nil
}

// lexicon returns the lexicon records are parsed with (nil: none).
func (st *Stats) lexicon() *lexicon {
	if st == nil {
		return nil
	}
	return st.lex
}

func statsOf(ps []parsed) *Stats {
	st := &Stats{df: map[uint64]int32{}, qfreq: map[string]int32{}, afreq: map[string]int32{}}
	seen := map[uint64]bool{}
	for i := range ps {
		st.add(&ps[i], seen)
	}
	st.qfreq, st.afreq = repeated(st.qfreq), repeated(st.afreq)
	return st
}

// add counts a record's question and each of its answers as separate
// documents: an answer is a text of its own, and counting it apart gives
// the weights many more samples of the collection's language than one
// document per record would.
func (st *Stats) add(p *parsed, seen map[uint64]bool) {
	st.qfreq[p.norm]++
	for i, a := range p.answers {
		st.addAnswer(a.norm, i, func(j int) string { return p.answers[j].norm })
	}
	st.addTerms(p, seen)
}

// addAnswer counts the i-th answer's start, norm, unless an earlier
// answer of the record (prev(j), j < i) starts alike.
func (st *Stats) addAnswer(norm string, i int, prev func(j int) string) {
	if norm == "" {
		return
	}
	for j := range i {
		if prev(j) == norm {
			return
		}
	}
	st.afreq[norm]++
}

// addTerms counts a record's tokens: its question, then each answer, as
// documents of their own.
func (st *Stats) addTerms(p *parsed, seen map[uint64]bool) {
	eachDoc(p, seen, func() { st.count(seen) })
}

// eachDoc fills seen with the distinct tokens of each document of p that
// Stats counts (its question, then each answer with any tokens) and calls
// doc after each: what addTerms counts and docsOf collects, walked once.
func eachDoc(p *parsed, seen map[uint64]bool, doc func()) {
	clear(seen)
	for _, t := range p.q {
		seen[t.h] = true
	}
	doc()
	for _, a := range p.answers {
		if len(a.text)+len(a.code)+len(a.rest) == 0 {
			continue
		}
		clear(seen)
		for _, t := range a.text {
			seen[t.h] = true
		}
		for _, t := range a.code {
			seen[t.h] = true
		}
		for _, h := range a.rest {
			seen[h] = true
		}
		doc()
	}
}

// termDocs are a record's distinct tokens in each document addTerms
// counts: the hashes of document k are h[end[k-1]:end[k]].
type termDocs struct {
	h   []uint64
	end []int32
}

// docsOf returns in d what addTerms would count of p, made without Stats
// (in parallel), for addDocs to count.
func docsOf(d termDocs, p *parsed, seen map[uint64]bool) termDocs {
	d.h, d.end = d.h[:0], d.end[:0]
	eachDoc(p, seen, func() {
		for h := range seen {
			d.h = append(d.h, h)
		}
		d.end = append(d.end, int32(len(d.h)))
	})
	return d
}

// addDocs counts the documents of d (docsOf) as addTerms counts them.
func (st *Stats) addDocs(d *termDocs) {
	for k, end := range d.end {
		lo := int32(0)
		if k > 0 {
			lo = d.end[k-1]
		}
		st.n++
		for _, h := range d.h[lo:end] {
			st.df[h]++
		}
	}
}

func (st *Stats) count(seen map[uint64]bool) {
	st.n++
	for h := range seen {
		st.df[h]++
	}
}

// idf is the smoothed inverse document frequency; tokens the collection
// has never seen get the largest weight it can give.
func (st *Stats) idf(h uint64) float64 {
	if st == nil || st.n == 0 {
		return 1
	}
	var df int32
	if st.df != nil {
		df = st.df[h]
	} else if k, ok := slices.BinarySearch(st.vocab, h); ok {
		df = st.dfs[k]
	}
	return max(minIDF, math.Log(float64(st.n+1)/(float64(df)+0.5)))
}

// vocabulary returns the collection's token hashes, sorted, and their
// document frequencies.
func (st *Stats) vocabulary() ([]uint64, []int32) {
	if st.df == nil {
		return st.vocab, st.dfs
	}
	vocab := slices.Sorted(maps.Keys(st.df))
	dfs := make([]int32, len(vocab))
	for k, h := range vocab {
		dfs[k] = st.df[h]
	}
	return vocab, dfs
}

// repeats returns how many records of the collection have the same
// normalised question as q.
func (st *Stats) repeats(norm string) int {
	if st == nil {
		return 0
	}
	return int(st.qfreq[norm])
}

// answerRepeats returns how many records of the collection have an answer
// starting as norm does.
func (st *Stats) answerRepeats(norm string) int {
	if st == nil {
		return 0
	}
	return int(st.afreq[norm])
}

// hashToken is 64-bit FNV-1a, written out to avoid an allocation per
// token; collisions at 64 bits are negligible for a vocabulary.
func hashToken(s string) uint64 {
	h := uint64(14695981039346656037)
	for i := 0; i < len(s); i++ {
		h ^= uint64(s[i])
		h *= 1099511628211
	}
	return h
}
