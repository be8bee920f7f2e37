package bench

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/iq-search/iq/index"
	"github.com/iq-search/iq/index/synth"
	"github.com/iq-search/iq/query"

	"github.com/iq-search/iq/internal/benchenv"
	"github.com/iq-search/iq/internal/cputime"
)

// BenchmarkQuerySearch measures the search path as `iq search`, `iq serve`
// and the HTTP API take it: query.Searcher.Search with the text as typed
// (parsing, analysis, strict pass, spelling correction and retries, facets
// on level, topic, tag and source, stored records of the hits, highlighting,
// cluster collapse). The queries are synth.Queries(200, 1), the mix
// BenchmarkSearch in package index and the FTS5 peer run, typed as text: the
// misspelt eighth is corrected by query's own spelling fallback, not by
// Bleve fuzziness.
//
// The index is the one package index's benchmarks build (same directory
// under os.TempDir, same options from IQ_BENCH_* variables), so a run of
// both builds it once.
func BenchmarkQuerySearch(b *testing.B) {
	texts := synth.Queries(200, benchSeed)
	for _, n := range benchSizes(b) {
		b.Run(fmt.Sprintf("records=%d", n), func(b *testing.B) {
			s := benchSearcher(b, n)
			defer s.Close()
			ctx := context.Background()
			reqs := make([]query.Request, len(texts))
			for i, t := range texts {
				reqs[i] = query.Request{Text: t}
			}
			// Warm up: the first queries load dictionaries, doc values and
			// the spelling vocabulary.
			var want uint64
			for _, r := range reqs {
				res, err := s.Search(ctx, r)
				if err != nil {
					b.Fatalf("Search(%q) error = %v", r.Text, err)
				}
				want += res.Total
			}
			if want == 0 {
				b.Fatal("the query mix matched nothing")
			}
			var lat []time.Duration
			cpu0 := cputime.Used()
			for b.Loop() {
				var hits uint64
				for _, r := range reqs {
					t := time.Now()
					res, err := s.Search(ctx, r)
					lat = append(lat, time.Since(t))
					if err != nil {
						b.Fatalf("Search(%q) error = %v", r.Text, err)
					}
					hits += res.Total
				}
				if hits != want {
					b.Fatalf("the query mix matched %d hits, then %d; want the same", want, hits)
				}
			}
			b.ReportMetric((cputime.Used()-cpu0).Seconds()*1000/float64(len(lat)), "cpu-ms/query")
			slices.Sort(lat)
			b.ReportMetric(ms(lat[len(lat)/2]), "p50-ms")
			b.ReportMetric(ms(lat[len(lat)*99/100]), "p99-ms")
			b.ReportMetric(float64(want)/float64(len(reqs)), "hits/query")
		})
	}
}

const benchSeed = 1

func benchSizes(b *testing.B) []int {
	sizes, err := benchenv.Sizes()
	if err != nil {
		b.Fatal(err)
	}
	return sizes
}

// benchSearcher opens the benchmark index of n synthetic records, building
// it when missing or stale, exactly as benchIndex in package index does.
func benchSearcher(b testing.TB, n int) *query.Searcher {
	b.Helper()
	opts := index.BuildOptions{
		Fingerprint: fmt.Sprintf("synth-%d-seed%d", n, benchSeed),
		BatchSize:   benchenv.Int("IQ_BENCH_BATCH"),
		Writers:     benchenv.Int("IQ_BENCH_WRITERS"),
		Shards:      benchenv.Int("IQ_BENCH_SHARDS"),
		Segments:    benchenv.Int("IQ_BENCH_SEGMENTS"),
	}
	dir := filepath.Join(os.TempDir(), fmt.Sprintf("iq-bench-index-%d-shards%d-segments%d", n, max(opts.Shards, 1), opts.Segments))
	ix, err := index.Open(dir)
	if err == nil && ix.Meta().Fingerprint != opts.Fingerprint {
		ix.Close()
		err = fmt.Errorf("fingerprint %q", ix.Meta().Fingerprint)
	}
	if err != nil {
		if err := index.Build(context.Background(), dir, synth.Generate(n, benchSeed), opts); err != nil {
			b.Fatal(err)
		}
		if ix, err = index.Open(dir); err != nil {
			b.Fatal(err)
		}
	}
	s, err := query.NewSearcher(ix)
	if err != nil {
		ix.Close()
		b.Fatal(err)
	}
	return s
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
