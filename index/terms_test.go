package index

import (
	"context"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	bindex "github.com/blevesearch/bleve_index_api"
	"github.com/iq-search/iq/index/internal/scorchx"
	"github.com/iq-search/iq/record"
)

// TestTermCountsMatchTerms holds TermCounts to the counts Terms reads from
// whole dictionaries, for every term of question and answer and for terms
// the index lacks: over one shard of many segments, an updated index (whose
// shared segments hold deleted documents, which dictionary counts include)
// and three shards.
func TestTermCountsMatchTerms(t *testing.T) {
	fields := []string{record.FieldQuestion, record.FieldAnswer}
	updated, built, sharded := termIndexes(t)
	for _, tc := range []struct {
		name string
		ix   *Index
	}{{"built", built}, {"updated", updated}, {"3 shards", sharded}} {
		want := map[string]uint64{}
		for _, f := range fields {
			terms, err := tc.ix.Terms(f)
			if err != nil {
				t.Fatal(err)
			}
			for term, n := range terms {
				want[term] += n
			}
		}
		terms := []string{"", "zzzqx", "a b"}
		for term := range want {
			// The term, a term twice, and words one letter off (what
			// spelling asks): the one walk over a dictionary for all
			// of them must count each as a lookup of its own would.
			terms = append(terms, term, term[:max(0, len(term)-1)], term+"e", term[1:])
		}
		got, err := tc.ix.TermCounts(terms, fields...)
		if err != nil {
			t.Fatalf("%s: TermCounts error = %v", tc.name, err)
		}
		bad := 0
		for i, term := range terms {
			if got[i] != want[term] && bad < 10 {
				bad++
				t.Errorf("%s: TermCounts(%q) = %d; Terms says %d", tc.name, term, got[i], want[term])
			}
		}
		if len(want) < 100 {
			t.Errorf("%s: %d terms in question and answer; want the corpus's hundreds", tc.name, len(want))
		}
	}
}

// TestTermsWithPrefixCountsLive holds TermsWithPrefix, which reads a
// snapshot's segments in turn, to the terms and live-document counts Terms
// reads (each term's postings read afresh, deletions excepted), for the
// prefixes of every term of the text fields and of the code field: over one
// shard of many segments, an updated index (deleted documents) and three
// shards. Bleve's FieldDictPrefix gives other counts on the code field
// (no term vectors, so zap's 1-hit encoding: after a term held by one
// document every later term of the segment counts 1, blevesearch/zapx#445)
// and counts deleted documents; the test checks it still meets such a
// miscount, so that it would notice iq reading Bleve's counts again.
func TestTermsWithPrefixCountsLive(t *testing.T) {
	updated, built, sharded := termIndexes(t)
	bleveCounts := func(ix *Index, field, prefix string) []TermCount {
		counts := map[string]uint64{}
		for _, sh := range ix.shards {
			d, err := sh.FieldDictPrefix(field, []byte(prefix))
			if err != nil {
				t.Fatal(err)
			}
			for {
				e, err := d.Next()
				if err != nil {
					t.Fatal(err)
				}
				if e == nil {
					break
				}
				if !strings.Contains(e.Term, " ") {
					counts[e.Term] += e.Count
				}
			}
			d.Close()
		}
		return sortedCounts(counts)
	}
	bleveDiffers := 0
	for _, tc := range []struct {
		name string
		ix   *Index
	}{{"built", built}, {"updated", updated}, {"3 shards", sharded}} {
		asked := 0
		for _, f := range []string{record.FieldQuestion, record.FieldAnswer, record.FieldCode} {
			terms, err := tc.ix.Terms(f)
			if err != nil {
				t.Fatal(err)
			}
			prefixes := map[string]bool{"": true, "zzzq": true, "\xff": true}
			for term := range terms {
				for n := 1; n <= min(len(term), 3); n++ {
					prefixes[term[:n]] = true
				}
			}
			for p := range prefixes {
				got, err := tc.ix.termsWithPrefix(f, p)
				if err != nil {
					t.Fatalf("%s: termsWithPrefix(%s, %q) error = %v", tc.name, f, p, err)
				}
				want := map[string]uint64{}
				for term, n := range terms {
					if strings.HasPrefix(term, p) && !strings.Contains(term, " ") {
						want[term] = n
					}
				}
				if !slices.Equal(got, sortedCounts(want)) {
					t.Fatalf("%s: termsWithPrefix(%s, %q) = %v; Terms counts %v", tc.name, f, p, got, sortedCounts(want))
				}
				if !slices.Equal(got, bleveCounts(tc.ix, f, p)) {
					bleveDiffers++
				}
				asked++
			}
		}
		if asked < 300 {
			t.Errorf("%s: %d prefixes asked; want the corpus's hundreds", tc.name, asked)
		}
	}
	if bleveDiffers == 0 {
		t.Errorf("Bleve's FieldDictPrefix counted every prefix as Terms does: zapx#445 may be fixed; say so in scorchx.liveCount")
	}
	t.Logf("%d prefixes counted otherwise by Bleve's FieldDictPrefix", bleveDiffers)
}

// TestTermsWithPrefixCached checks that TermsWithPrefix answers the same
// from its cache as from the dictionaries, and that a caller changing an
// answer does not change the next one.
func TestTermsWithPrefixCached(t *testing.T) {
	ix, _ := buildCorpus(t)
	for _, prefix := range []string{"de", "inj", "zzzq"} {
		first, err := ix.TermsWithPrefix(record.FieldQuestion, prefix)
		if err != nil {
			t.Fatal(err)
		}
		want := slices.Clone(first)
		for i := range first {
			first[i] = TermCount{"changed", 0}
		}
		got, err := ix.TermsWithPrefix(record.FieldQuestion, prefix)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(got, want) {
			t.Errorf("TermsWithPrefix(question, %q) = %v again; first %v", prefix, got, want)
		}
		if prefix == "de" && len(want) < 2 {
			t.Errorf("TermsWithPrefix(question, %q) = %v; the corpus has more", prefix, want)
		}
	}
}

// TestFieldTermsMatchBleve holds scorchx.FieldTerms, which the IDs walk,
// LangsUsed and the facet tables use so that a damaged dictionary panics on
// the caller's goroutine (TestDamageUnderSearcher), to the terms Bleve's
// FieldDict lists, in its order: the records' IDs and a text field, over one
// shard of many segments and an updated index whose segments hold deleted
// documents.
func TestFieldTermsMatchBleve(t *testing.T) {
	updated, _ := updatedCorpus(t)
	built, _ := buildCorpus(t)
	for name, ix := range map[string]*Index{"built": built, "updated": updated} {
		for _, field := range []string{"_id", record.FieldQuestion, record.FieldTopic} {
			d, err := ix.shards[0].FieldDict(field)
			if err != nil {
				t.Fatal(err)
			}
			want := dictTermList(t, d)
			var got []string
			var ok bool
			if err := withShardReader(ix.shards[0], func(r bindex.IndexReader) (err error) {
				got, ok, err = scorchx.FieldTerms(r, field)
				return err
			}); err != nil || !ok {
				t.Fatalf("%s: FieldTerms(%s) = ok %v, error %v", name, field, ok, err)
			}
			if len(want) == 0 || !slices.Equal(got, want) {
				t.Errorf("%s: FieldTerms(%s) = %d terms; want Bleve's %d, in its order", name, field, len(got), len(want))
			}
		}
	}
}

// TestFuzzyTermsMatchBleve holds FuzzyTerms, which walks the dictionaries
// on the caller's goroutine (scorchx.FuzzyTerms), to Bleve's FieldDictFuzzy:
// the same terms in the same order, for misspellings at one and two edits,
// over one shard of many segments and an updated index.
func TestFuzzyTermsMatchBleve(t *testing.T) {
	updated, _ := updatedCorpus(t)
	built, _ := buildCorpus(t)
	words := []string{"dependncy", "injection", "midleware", "fastapi", "pydantc", "asyncc", "react", "hoks"}
	matched := 0
	for name, ix := range map[string]*Index{"built": built, "updated": updated} {
		for _, w := range words {
			for fuzziness := 1; fuzziness <= 2; fuzziness++ {
				var got []string
				if err := ix.FuzzyTerms(w, fuzziness, []string{record.FieldQuestion}, func(s string) { got = append(got, s) }); err != nil {
					t.Fatal(err)
				}
				r := shardReader(t, ix)
				d, err := r.(bindex.IndexReaderFuzzy).FieldDictFuzzy(record.FieldQuestion, w, fuzziness, "")
				if err != nil {
					t.Fatal(err)
				}
				want := dictTermList(t, d)
				r.Close()
				if !slices.Equal(got, want) {
					t.Errorf("%s: FuzzyTerms(%q, %d) = %q; want Bleve's %q", name, w, fuzziness, got, want)
				}
				if len(want) > 0 {
					matched++
				}
			}
		}
	}
	if matched < len(words) {
		t.Errorf("only %d of %d lookups found terms: the comparison tests little", matched, 4*len(words))
	}
}

// dictTermList returns the terms d lists, in its order, and closes it.
func dictTermList(t *testing.T, d bindex.FieldDict) []string {
	t.Helper()
	defer d.Close()
	var terms []string
	for {
		e, err := d.Next()
		if err != nil {
			t.Fatal(err)
		}
		if e == nil {
			return terms
		}
		terms = append(terms, e.Term)
	}
}

// termIndexes returns the corpus built three ways for the dictionary tests:
// updated (shared segments holding deleted documents), built in one shard
// of many segments, and in three shards.
func termIndexes(t *testing.T) (updated, built, sharded *Index) {
	t.Helper()
	updated, _ = updatedCorpus(t)
	built, _ = buildCorpus(t)
	dir := filepath.Join(t.TempDir(), "shards")
	if err := Build(context.Background(), dir, loadCorpus(t), BuildOptions{Shards: 3, BatchSize: 10}); err != nil {
		t.Fatal(err)
	}
	sharded, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sharded.Close() })
	return updated, built, sharded
}
