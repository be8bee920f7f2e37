package index

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"runtime/debug"
	"slices"
	"strings"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis"
	bindex "github.com/blevesearch/bleve_index_api"

	"github.com/iq-search/iq/index/internal/scorchx"
)

// Token is one token of an analysed text.
type Token struct {
	Term string
	// Start and End are the token's byte offsets in the text.
	Start, End int
	Position   int
	// Concept marks a multi-word concept token ("depend inject") that the
	// analysis adds for a phrase of the synonym list, spanning its words.
	Concept bool
}

// Analyzer analyses text as the index analysed one field.
type Analyzer struct {
	a analysis.Analyzer
}

// Analyze returns the tokens of text.
func (a Analyzer) Analyze(text string) []Token {
	var out []Token
	analyzeTemp(a.a, text, func(ts analysis.TokenStream) {
		out = make([]Token, len(ts))
		for i, t := range ts {
			out[i] = Token{Term: string(t.Term), Start: t.Start, End: t.End, Position: t.Position, Concept: t.Type == analysis.Shingle}
		}
	})
	return out
}

// Analyzer returns the analyzer of a field of the mapping.
func (ix *Index) Analyzer(field string) (Analyzer, error) {
	m := ix.shards[0].Mapping()
	name := m.AnalyzerNameForPath(field)
	a := m.AnalyzerNamed(name)
	if a == nil {
		return Analyzer{}, fmt.Errorf("index %s: no analyzer %q for field %s", ix.dir, name, field)
	}
	return Analyzer{a}, nil
}

// Terms returns the terms of a field with the number of live documents
// holding each, summed over the shards. The counts come from the postings
// lists themselves (scorchx.FieldCounts): Bleve's dictionary counts are
// wrong on zap v17 after a term held by one document.
func (ix *Index) Terms(field string) (_ map[string]uint64, err error) {
	defer ix.guard(&err, debug.SetPanicOnFault(true))
	terms := map[string]uint64{}
	for _, sh := range ix.shards {
		if err := shardTerms(sh, field, terms); err != nil {
			return nil, err
		}
	}
	return terms, nil
}

// shardTerms adds the terms of one shard's field to terms, counted by
// scorchx.FieldCounts on a scorch snapshot and by Bleve's dictionary
// otherwise.
func shardTerms(sh bleve.Index, field string, terms map[string]uint64) error {
	var ok bool
	err := withShardReader(sh, func(r bindex.IndexReader) (err error) {
		ok, err = scorchx.FieldCounts(r, field, terms)
		return err
	})
	if err != nil {
		return fmt.Errorf("read dictionary of %s: %w", field, err)
	}
	if ok {
		return nil
	}
	return dictTerms(sh, field, terms)
}

// dictTerms adds the terms of one shard's field to terms from Bleve's
// dictionary. It is closed by a defer: Bleve holds the index's read lock
// until it is.
func dictTerms(sh bleve.Index, field string, terms map[string]uint64) (err error) {
	d, err := sh.FieldDict(field)
	if err != nil {
		return fmt.Errorf("read dictionary of %s: %w", field, err)
	}
	defer func() {
		if cerr := d.Close(); err == nil && cerr != nil {
			err = fmt.Errorf("read dictionary of %s: %w", field, cerr)
		}
	}()
	for {
		e, err := d.Next()
		if err != nil {
			return fmt.Errorf("read dictionary of %s: %w", field, err)
		}
		if e == nil {
			return nil
		}
		terms[e.Term] += e.Count
	}
}

// readers calls fn with a reader of each shard in turn, until fn returns
// false or an error.
func (ix *Index) readers(fn func(bindex.IndexReader) (bool, error)) error {
	for _, sh := range ix.shards {
		adv, err := sh.Advanced()
		if err != nil {
			return fmt.Errorf("read index %s: %w", ix.dir, err)
		}
		r, err := adv.Reader()
		if err != nil {
			return fmt.Errorf("read index %s: %w", ix.dir, err)
		}
		more, err := readWith(r, fn)
		if err != nil || !more {
			return err
		}
	}
	return nil
}

// readWith calls fn with r and closes r, even when fn panics.
func readWith(r bindex.IndexReader, fn func(bindex.IndexReader) (bool, error)) (more bool, err error) {
	defer func() {
		if cerr := r.Close(); err == nil && cerr != nil {
			err = cerr
		}
	}()
	return fn(r)
}

// DocFreq returns how many documents hold term, in each of fields, summed.
// The counts of terms a search has just ranked come from the fast ranker's
// decoded postings (the same term reader's count): spelling asks for the
// words of every query after its first pass, which reading them from the
// dictionaries again cost a tenth of a warm query's CPU at 100k records.
// Others are counted from the postings' bitmaps (scorchx.FindPostings),
// without opening a term reader.
func (ix *Index) DocFreq(ctx context.Context, term string, fields ...string) (_ uint64, err error) {
	defer ix.guard(&err, debug.SetPanicOnFault(true))
	var n uint64
	err = ix.readers(func(r bindex.IndexReader) (bool, error) {
		for _, f := range fields {
			if ix.fast != nil && len(ix.shards) == 1 {
				if c, ok := ix.fast.Count(r, f, term); ok {
					n += c
					continue
				}
			}
			// The count of the term's postings found by hand (the term
			// reader's Count, without opening a reader), or the reader's.
			sp, ok, err := scorchx.FindPostings(r, f, term)
			if err != nil {
				return false, fmt.Errorf("read term %q of %s: %w", term, f, err)
			}
			if ok {
				n += sp.Count()
				continue
			}
			tfr, err := r.TermFieldReader(ctx, []byte(term), f, false, false, false)
			if err != nil {
				return false, fmt.Errorf("read term %q of %s: %w", term, f, err)
			}
			n += tfr.Count()
			tfr.Close()
		}
		return true, nil
	})
	return n, err
}

// TermCounts returns, for each of terms, the count Terms gives it, summed
// over fields (0 for a term in none): Terms' figures for a few terms,
// looked up one by one instead of reading whole dictionaries, which costs a
// one-shot search hundreds of milliseconds on a large index.
func (ix *Index) TermCounts(terms []string, fields ...string) (_ []uint64, err error) {
	defer ix.guard(&err, debug.SetPanicOnFault(true))
	counts := make([]uint64, len(terms))
	set := scorchx.NewTermSet(terms) // one automaton for every dictionary
	err = ix.readers(func(r bindex.IndexReader) (bool, error) {
		for _, f := range fields {
			d, err := scorchx.NewDicts(r, f)
			if err != nil {
				return false, err
			}
			ns, err := d.CountsOf(set)
			if err != nil {
				return false, err
			}
			for i, n := range ns {
				counts[i] += n
			}
		}
		return true, nil
	})
	if err != nil {
		return nil, err
	}
	return counts, nil
}

// FuzzyTerms calls fn with every term within fuzziness edits of term in
// each of fields (Bleve's Levenshtein automaton over the dictionary), shard
// by shard and field by field, in dictionary order. A term in several
// shards or fields comes once for each.
func (ix *Index) FuzzyTerms(term string, fuzziness int, fields []string, fn func(string)) (err error) {
	defer ix.guard(&err, debug.SetPanicOnFault(true))
	return ix.readers(func(r bindex.IndexReader) (bool, error) {
		// On a scorch snapshot, walked on this goroutine (scorchx.FuzzyTerms),
		// where the guard catches a damaged dictionary's panic.
		walked := false
		for _, f := range fields {
			ok, err := scorchx.FuzzyTerms(r, f, term, fuzziness, fn)
			if err != nil {
				return false, fmt.Errorf("search dictionary of %s: %w", f, err)
			}
			if !ok {
				break // not a scorch snapshot: none of the fields is walked
			}
			walked = true
		}
		if walked {
			return true, nil
		}
		fr, ok := r.(bindex.IndexReaderFuzzy)
		if !ok {
			return false, nil
		}
		for _, f := range fields {
			d, err := fr.FieldDictFuzzy(f, term, fuzziness, "")
			if err != nil {
				return false, fmt.Errorf("search dictionary of %s: %w", f, err)
			}
			for {
				e, err := d.Next()
				if err != nil || e == nil {
					break
				}
				fn(e.Term)
			}
			d.Close()
		}
		return true, nil
	})
}

// TermCount is a term of a field's dictionary and the number of documents
// that hold it.
type TermCount struct {
	Term  string
	Count uint64
}

// TermsWithPrefix returns the terms of field that start with prefix, with
// their document counts summed over the shards, in term order. It reads the
// dictionary's range for the prefix only, so a search can expand a word
// being typed without holding the vocabulary in memory. Synonym concept
// terms (which hold a space) are left out.
func (ix *Index) TermsWithPrefix(field, prefix string) (_ []TermCount, err error) {
	defer ix.guard(&err, debug.SetPanicOnFault(true))
	k := [2]string{field, prefix}
	ix.prefixMu.Lock()
	cached, ok := ix.prefixes[k]
	ix.prefixMu.Unlock()
	if ok {
		return slices.Clone(cached), nil
	}
	out, err := ix.termsWithPrefix(field, prefix)
	if err != nil {
		return nil, err
	}
	ix.prefixMu.Lock()
	if ix.prefixes == nil || ix.prefixTerms+len(out) > maxCachedPrefixTerms {
		ix.prefixes, ix.prefixTerms = map[[2]string][]TermCount{}, 0
	}
	if len(out) <= maxCachedPrefixTerms {
		ix.prefixes[k] = slices.Clone(out)
		ix.prefixTerms += len(out) + 1
	}
	ix.prefixMu.Unlock()
	return out, nil
}

// maxCachedPrefixTerms bounds TermsWithPrefix's cache: the terms of all
// answers held (a few MB).
const maxCachedPrefixTerms = 1 << 17

func (ix *Index) termsWithPrefix(field, prefix string) ([]TermCount, error) {
	var out []TermCount
	at := map[string]int{} // a term's place in out
	// A scorch snapshot's segments are read in turn (scorchx.PrefixTerms),
	// each term counted by its live documents as Terms counts it (not by
	// Bleve's FieldDictPrefix, which miscounts on zap v17: see
	// scorchx.PrefixTerms); a term's string is made once, not once a
	// segment. Bleve's dictionary is read only for a reader that is not a
	// scorch snapshot.
	err := ix.readers(func(r bindex.IndexReader) (bool, error) {
		ok, err := scorchx.PrefixTerms(r, field, []byte(prefix), func(term []byte, n uint64) {
			if i, ok := at[string(term)]; ok {
				out[i].Count += n
			} else if bytes.IndexByte(term, ' ') < 0 {
				t := string(term)
				at[t] = len(out)
				out = append(out, TermCount{t, n})
			}
		})
		if err == nil && !ok {
			err = errNotScorch
		}
		return err == nil, err
	})
	if err == nil {
		slices.SortFunc(out, func(a, b TermCount) int { return strings.Compare(a.Term, b.Term) })
		return out, nil
	}
	if !errors.Is(err, errNotScorch) {
		return nil, err
	}
	counts := map[string]uint64{}
	for _, sh := range ix.shards {
		d, err := sh.FieldDictPrefix(field, []byte(prefix))
		if err != nil {
			return nil, fmt.Errorf("read dictionary of %s: %w", field, err)
		}
		for {
			e, err := d.Next()
			if err != nil {
				d.Close()
				return nil, fmt.Errorf("read dictionary of %s: %w", field, err)
			}
			if e == nil {
				break
			}
			if !strings.Contains(e.Term, " ") {
				counts[e.Term] += e.Count
			}
		}
		if err := d.Close(); err != nil {
			return nil, fmt.Errorf("read dictionary of %s: %w", field, err)
		}
	}
	return sortedCounts(counts), nil
}

// errNotScorch says a shard's reader is not a scorch snapshot.
var errNotScorch = errors.New("not a scorch snapshot")

// sortedCounts returns counts as TermCounts in term order.
func sortedCounts(counts map[string]uint64) []TermCount {
	out := make([]TermCount, 0, len(counts))
	for t, n := range counts {
		out = append(out, TermCount{t, n})
	}
	slices.SortFunc(out, func(a, b TermCount) int { return strings.Compare(a.Term, b.Term) })
	return out
}
