package bench

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/iq-search/iq/index"
	"github.com/iq-search/iq/index/synth"
	"github.com/iq-search/iq/query"

	"github.com/iq-search/iq/internal/benchkit"
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
			// IQ_BENCH_RANKING=bleve ranks through Bleve's searchers
			// (index.SetFastRanking(false)), for the difference.
			if os.Getenv("IQ_BENCH_RANKING") == "bleve" {
				s.Index().SetFastRanking(false)
			}
			ctx := context.Background()
			reqs := make([]query.Request, len(texts))
			for i, t := range texts {
				reqs[i] = query.Request{Text: t}
			}
			benchkit.Queries(b, len(reqs), func(i int) string { return reqs[i].Text }, func(i int) (uint64, error) {
				res, err := s.Search(ctx, reqs[i])
				if err != nil {
					return 0, err
				}
				return res.Total, nil
			})
		})
	}
}

const benchSeed = 1

func benchSizes(b *testing.B) []int {
	sizes, err := benchkit.Sizes()
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
		Fingerprint:     fmt.Sprintf("synth-%d-seed%d", n, benchSeed),
		BatchSize:       benchkit.Int("IQ_BENCH_BATCH"),
		Writers:         benchkit.Int("IQ_BENCH_WRITERS"),
		Shards:          benchkit.Int("IQ_BENCH_SHARDS"),
		Segments:        benchkit.Int("IQ_BENCH_SEGMENTS"),
		SegmentsPerTier: benchkit.Int("IQ_BENCH_TIER"),
	}
	dir := filepath.Join(os.TempDir(), fmt.Sprintf("iq-bench-index-%d-shards%d-segments%d-tier%d", n, max(opts.Shards, 1), opts.Segments, opts.SegmentsPerTier))
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
