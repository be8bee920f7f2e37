package bench

import (
	"context"
	"fmt"
	"os"
	"testing"

	"github.com/iq-search/iq/index/synth"
	"github.com/iq-search/iq/query"

	"github.com/iq-search/iq/internal/benchkit"
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
//
// IQ_BENCH_PRELOAD=1 maps the index's search sections ahead after the
// open, as iq serve does once it listens (index.Index.PreloadSearch), and
// before the first timed pass; it reports that preload's CPU and wall
// time (preload-cpu-ms, preload-wall-ms), the bytes it mapped and left
// out (preload-MB, preload-stored-MB) and the process's file-backed
// resident memory after it (preload-file-MB).
func BenchmarkQuerySearch(b *testing.B) {
	texts := synth.Queries(400, benchkit.Seed) // 200 after opening, 200 timed (benchkit.Queries)
	for _, n := range benchkit.MustSizes(b) {
		b.Run(fmt.Sprintf("records=%d", n), func(b *testing.B) {
			s := benchSearcher(b, n)
			defer s.Close()
			// IQ_BENCH_RANKING=bleve ranks through Bleve's searchers
			// (index.SetFastRanking(false)), for the difference.
			if os.Getenv("IQ_BENCH_RANKING") == "bleve" {
				s.Index().SetFastRanking(false)
			}
			ctx := context.Background()
			var preload []float64 // reported after the passes: b.Loop clears metrics
			if os.Getenv("IQ_BENCH_PRELOAD") == "1" {
				c0 := cputime.Used()
				p, err := s.Index().PreloadSearch(ctx, nil)
				if err != nil {
					b.Fatal(err)
				}
				cpu := cputime.Used() - c0
				_, _, file := benchkit.Resident()
				preload = []float64{ms(cpu), ms(p.Took), mb(p.Bytes), mb(p.Stored), mb(file)}
			}
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
			for i, unit := range []string{"preload-cpu-ms", "preload-wall-ms", "preload-MB", "preload-stored-MB", "preload-file-MB"}[:len(preload)] {
				b.ReportMetric(preload[i], unit)
			}
		})
	}
}

// benchSearcher opens the benchmark index of n synthetic records, building
// it when missing or stale (benchkit.SynthIndex, as package index's
// benchmarks do).
func benchSearcher(b testing.TB, n int) *query.Searcher {
	b.Helper()
	ix := benchkit.SynthIndex(b, "", n)
	s, err := query.NewSearcher(ix)
	if err != nil {
		ix.Close()
		b.Fatal(err)
	}
	return s
}
