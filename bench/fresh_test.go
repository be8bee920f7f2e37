package bench

import (
	"context"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/iq-search/iq/internal/benchkit"
	"github.com/iq-search/iq/internal/cputime"
	"github.com/iq-search/iq/query"
)

// freshQueries are BenchmarkFreshQuery's queries unless IQ_BENCH_FRESH
// lists others ("|" between them): quoted phrases and identifiers split
// into phrases, of the synthetic query mix.
const freshQueries = `"useMemo"|"GROUP BY"|"pull request"|"generator function"|useState|"context.Context"|"higher-order component"|"eventual consistency"`

// BenchmarkFreshQuery measures what a query costs the first time a process
// runs it, one query at a time: each iteration opens the index afresh, runs
// one unrelated query (the first search's one-time loads), then each query
// once, and logs each query's median CPU (the process's, by getrusage:
// what a query makes the machine do, whatever the other goroutines on the
// host). cpu-ms/query is the mean of those medians.
func BenchmarkFreshQuery(b *testing.B) {
	list := freshQueries
	if s := os.Getenv("IQ_BENCH_FRESH"); s != "" {
		list = s
	}
	texts := strings.Split(list, "|")
	ctx := context.Background()
	for _, n := range benchkit.MustSizes(b) {
		b.Run(fmt.Sprintf("records=%d", n), func(b *testing.B) {
			cpu := make([][]time.Duration, len(texts))
			for b.Loop() {
				s := benchSearcher(b, n)
				if _, err := s.Search(ctx, query.Request{Text: "volume"}); err != nil {
					b.Fatal(err)
				}
				for i, t := range texts {
					t0 := cputime.Used()
					if _, err := s.Search(ctx, query.Request{Text: t}); err != nil {
						b.Fatalf("%s: %v", t, err)
					}
					cpu[i] = append(cpu[i], cputime.Used()-t0)
				}
				if err := s.Close(); err != nil {
					b.Fatal(err)
				}
			}
			var sum time.Duration
			for i, t := range texts {
				slices.Sort(cpu[i])
				med := cpu[i][len(cpu[i])/2]
				sum += med
				b.Logf("%-26s median %5.2f ms CPU (min %.2f, max %.2f, %d runs)", t, ms(med), ms(cpu[i][0]), ms(cpu[i][len(cpu[i])-1]), len(cpu[i]))
			}
			b.ReportMetric(ms(sum)/float64(len(texts)), "cpu-ms/query")
		})
	}
}

func ms(d time.Duration) float64 { return float64(d) / 1e6 }
