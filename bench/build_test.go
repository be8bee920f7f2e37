package bench

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/iq-search/iq/dedup"
	"github.com/iq-search/iq/index"
	"github.com/iq-search/iq/index/synth"

	"github.com/iq-search/iq/internal/benchkit"
	"github.com/iq-search/iq/internal/cputime"
)

// BenchmarkUserBuild measures a build as `iq index` runs it once the
// records are read: near-duplicate clustering (dedup.Find and Assign, as
// package pipeline calls them), then index.Build. BenchmarkBuild in
// package index times the second part only. cpu-s/op is the whole;
// cluster-cpu-s/op the clustering's share.
func BenchmarkUserBuild(b *testing.B) {
	for _, n := range benchkit.MustSizes(b) {
		b.Run(fmt.Sprintf("records=%d", n), func(b *testing.B) {
			opts := benchkit.BuildOptions(n)
			parent := b.TempDir()
			defer benchkit.BuildGC()() // as iq index builds
			var cluster float64
			cpu0 := cputime.Used()
			for b.Loop() {
				b.StopTimer()
				recs := synth.Generate(n, benchkit.Seed)
				dir := filepath.Join(parent, "index")
				os.RemoveAll(dir)
				runtime.GC()
				b.StartTimer()
				c0 := cputime.Used()
				dedup.Assign(recs, dedup.Find(recs, dedup.Options{}))
				cluster += (cputime.Used() - c0).Seconds()
				if err := index.Build(context.Background(), dir, recs, opts); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric((cputime.Used()-cpu0).Seconds()/float64(b.N), "cpu-s/op")
			b.ReportMetric(cluster/float64(b.N), "cluster-cpu-s/op")
			b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "records/s")
		})
	}
}
