package index_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"
	"unicode"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search/query"

	"github.com/iq-search/iq/index"
	"github.com/iq-search/iq/index/synth"
	"github.com/iq-search/iq/record"

	"github.com/iq-search/iq/internal/benchkit"
	"github.com/iq-search/iq/internal/cputime"
)

// Benchmarks of building and searching synthetic corpora (index/synth). They
// run only with -bench; bench/run.sh runs them beside the SQLite FTS5 peer.
// Levers for experiments, from the environment: IQ_BENCH_BATCH,
// IQ_BENCH_WRITERS, IQ_BENCH_SHARDS, IQ_BENCH_SEGMENTS, IQ_BENCH_TIER,
// IQ_BENCH_LEAVETAIL
// (index.BuildOptions, see benchkit.BuildOptions), IQ_BENCH_SIZES (comma
// separated record counts, default "10000,100000").

func BenchmarkBuild(b *testing.B) {
	for _, n := range benchkit.MustSizes(b) {
		b.Run(fmt.Sprintf("records=%d", n), func(b *testing.B) {
			// The records are made as the build reads them
			// (index.BuildStream), so peak memory is the build's, not
			// the collection's; the CPU of making them is measured
			// apart and taken out of cpu-s/op (source-cpu-s).
			source := benchkit.SourceCPU(n)
			opts := benchkit.BuildOptions(n)
			parent := b.TempDir()
			var size, hwm, anon, file int64
			defer benchkit.BuildGC()()            // as iq index builds
			defer benchkit.BuildRelease(parent)() // likewise
			cpu0 := cputime.Used()
			for b.Loop() {
				dir := filepath.Join(parent, "index")
				os.RemoveAll(dir)
				runtime.GC()
				mem := benchkit.StartMemory()
				if err := index.BuildStream(context.Background(), dir, synth.Stream(n, benchkit.Seed), opts); err != nil {
					b.Fatal(err)
				}
				h, a, f := mem.Stop()
				hwm, anon, file = max(hwm, h), max(anon, a), max(file, f)
				b.StopTimer()
				ix, err := index.Open(dir)
				if err != nil {
					b.Fatal(err)
				}
				if c, _ := ix.Count(); c != uint64(n) {
					b.Fatalf("built %d records; want %d", c, n)
				}
				ix.Close()
				size = benchkit.DirSize(dir)
				b.StartTimer()
			}
			// CPU time (user + system) is steadier than wall time on a
			// machine shared with other work; it includes the untimed
			// reopen and size check of each round.
			b.ReportMetric(((cputime.Used()-cpu0)/time.Duration(b.N) - source).Seconds(), "cpu-s/op")
			b.ReportMetric(source.Seconds(), "source-cpu-s")
			b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "records/s")
			b.ReportMetric(float64(size)/(1<<20), "index-MB")
			benchkit.ReportMemory(b, hwm, anon, file)
		})
	}
}

// benchFields are the text fields a search box searches, with the weights
// package query gives them.
var benchFields = []struct {
	name  string
	boost float64
}{{record.FieldQuestion, 3}, {record.FieldAnswer, 1}, {record.FieldCode, 0.5}}

// benchRequest is the kind of request package query sends for a search
// box: every content word required in some text field (question boosted),
// function words optional, a quoted text as a phrase, the misspelt eighth of
// the mix with fuzziness 1; facets on level, topic and tag; the first ten
// hits with their stored record and sources. Bleve's highlighter has
// nothing to read since mapping 5 (the question and answer are stored once,
// in the record, from which iq highlights with the term locations): the
// request asks for the locations instead.
func benchRequest(q synth.Query) *bleve.SearchRequest {
	// Each word is a phrase query: an identifier typed in a query
	// (strictNullChecks) then matches itself or its parts in sequence, not
	// any document with one of its parts ("null").
	anyField := func(words string) query.Query {
		var qs []query.Query
		for _, f := range benchFields {
			if q.Phrase && f.name == record.FieldCode {
				continue
			}
			fuzz := 0
			if q.Fuzzy && len(words) >= 4 {
				fuzz = 1
			}
			if plainWord(words) {
				// One term: a term query, no positions to check.
				m := bleve.NewMatchQuery(words)
				m.SetField(f.name)
				m.SetBoost(f.boost)
				m.SetFuzziness(fuzz)
				qs = append(qs, m)
				continue
			}
			m := bleve.NewMatchPhraseQuery(words)
			m.SetField(f.name)
			m.SetBoost(f.boost)
			m.SetFuzziness(fuzz)
			qs = append(qs, m)
		}
		return bleve.NewDisjunctionQuery(qs...)
	}
	var top query.Query
	if q.Phrase {
		top = anyField(strings.Join(q.Words, " "))
	} else {
		var must, should []query.Query
		for i, w := range q.Words {
			if q.Required[i] {
				must = append(must, anyField(w))
			} else {
				should = append(should, anyField(w))
			}
		}
		// Optional words only add to the score of hits of the required.
		top = query.NewBooleanQuery(must, should, nil)
	}
	req := bleve.NewSearchRequestOptions(top, 10, 0, false)
	req.Fields = []string{index.FieldRecord, index.FieldSources}
	req.IncludeLocations = true
	req.AddFacet(record.FieldLevel, bleve.NewFacetRequest(record.FieldLevel, 4))
	req.AddFacet(record.FieldTopic, bleve.NewFacetRequest(record.FieldTopic, 10))
	req.AddFacet(record.FieldTag, bleve.NewFacetRequest(record.FieldTag, 10))
	req.AddFacet(record.FieldSource, bleve.NewFacetRequest(record.FieldSource, 10))
	return req
}

// plainWord reports whether s is letters only, one term to the analyzer.
func plainWord(s string) bool {
	for _, r := range s {
		if !unicode.IsLetter(r) {
			return false
		}
	}
	return s != ""
}

func BenchmarkSearch(b *testing.B) {
	queries := synth.ParsedQueries(400, benchkit.Seed) // 200 after opening, 200 timed (benchkit.Queries)
	for _, n := range benchkit.MustSizes(b) {
		b.Run(fmt.Sprintf("records=%d", n), func(b *testing.B) {
			ix := benchkit.SynthIndex(b, "", n)
			defer ix.Close()
			reqs := make([]*bleve.SearchRequest, len(queries))
			for i, q := range queries {
				reqs[i] = benchRequest(q)
			}
			benchkit.Queries(b, len(reqs), func(i int) string { return queries[i].Text }, func(i int) (uint64, error) {
				res, err := index.BleveIndex(ix).Search(reqs[i])
				if err != nil {
					return 0, err
				}
				return res.Total, nil
			})
		})
	}
}
