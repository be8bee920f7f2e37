package bench

import (
	"context"
	"fmt"
	"os"
	"runtime"
	"testing"
	"time"

	"github.com/iq-search/iq/dedup"
	"github.com/iq-search/iq/index"
	"github.com/iq-search/iq/index/synth"
	"github.com/iq-search/iq/pipeline"

	"github.com/iq-search/iq/internal/benchkit"
	"github.com/iq-search/iq/internal/cputime"
)

// BenchmarkUserBuild measures a build as `iq index` runs it once the
// records are read: near-duplicate clustering with the synonyms iq index
// uses, the acronyms, the stored features, then the index with the
// clusters set, through pipeline.BuildStream, which streams the records
// (two passes for the clusters, one into the index) and never holds
// them all: the 1M tier's build (issue 15). BenchmarkBuild in package
// index times the index alone. cpu-s/op is the whole, without the CPU of
// making the synthetic records three times (source-cpu-s is one pass);
// cluster-cpu-s/op is the clustering's share; peak-RSS-MB (VmHWM),
// peak-anon-MB and peak-file-MB are the build's memory. The index is left
// in benchkit.SynthDir(n, true) for the search benchmarks
// (IQ_BENCH_CLUSTERED=1).
func BenchmarkUserBuild(b *testing.B) {
	for _, n := range benchkit.MustSizes(b) {
		b.Run(fmt.Sprintf("records=%d", n), func(b *testing.B) {
			source := benchkit.SourceCPU(n)
			opts := benchkit.BuildOptions(n)
			dopts := pipeline.DedupOptions(index.DefaultSynonyms())
			dir := benchkit.SynthDir(n, true)
			defer benchkit.BuildGC()()         // as iq index builds
			defer benchkit.BuildRelease(dir)() // likewise
			var cluster time.Duration
			var hwm, anon, file int64
			var clusters int
			cpu0 := cputime.Used()
			for b.Loop() {
				b.StopTimer()
				os.RemoveAll(dir)
				runtime.GC()
				b.StartTimer()
				mem := benchkit.StartMemory()
				c0 := cputime.Used()
				rep, err := pipeline.BuildStream(context.Background(), dir, synth.Stream(n, benchkit.Seed), pipeline.StreamOptions{
					Dedup: dopts, Index: opts, Clustered: func() { cluster += cputime.Used() - c0 - 2*source }})
				if err != nil {
					b.Fatal(err)
				}
				h, a, f := mem.Stop()
				hwm, anon, file = max(hwm, h), max(anon, a), max(file, f)
				clusters = rep.Clusters
			}
			b.ReportMetric(((cputime.Used()-cpu0)/time.Duration(b.N) - 3*source).Seconds(), "cpu-s/op")
			b.ReportMetric(cluster.Seconds()/float64(b.N), "cluster-cpu-s/op")
			b.ReportMetric(source.Seconds(), "source-cpu-s")
			b.ReportMetric(float64(clusters), "clusters")
			// Measured after opening: scorch removes obsolete segment
			// files on open.
			ix, err := index.Open(dir)
			if err != nil {
				b.Fatal(err)
			}
			ix.Close()
			b.ReportMetric(float64(benchkit.DirSize(dir))/(1<<20), "index-MB")
			b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "records/s")
			benchkit.ReportMemory(b, hwm, anon, file)
		})
	}
}

// BenchmarkUserBuildInMemory is the build as iq index ran it before
// streaming, for the difference: the records in memory, clustered with
// dedup.NewIndex (one parse per record, every record's parse held), then
// index.Build.
func BenchmarkUserBuildInMemory(b *testing.B) {
	for _, n := range benchkit.MustSizes(b) {
		b.Run(fmt.Sprintf("records=%d", n), func(b *testing.B) {
			opts := benchkit.BuildOptions(n)
			parent := b.TempDir()
			defer benchkit.BuildGC()()
			defer benchkit.BuildRelease(parent)()
			var cluster time.Duration
			var hwm, anon, file int64
			var gen time.Duration
			cpu0 := cputime.Used()
			for b.Loop() {
				b.StopTimer()
				g := cputime.Used()
				recs := synth.Generate(n, benchkit.Seed)
				gen += cputime.Used() - g
				dir := parent + "/index"
				os.RemoveAll(dir)
				runtime.GC()
				b.StartTimer()
				mem := benchkit.StartMemory()
				c0 := cputime.Used()
				dedup.Assign(recs, dedup.Find(recs, pipeline.DedupOptions(index.DefaultSynonyms())))
				cluster += cputime.Used() - c0
				if err := index.Build(context.Background(), dir, recs, opts); err != nil {
					b.Fatal(err)
				}
				h, a, f := mem.Stop()
				hwm, anon, file = max(hwm, h), max(anon, a), max(file, f)
			}
			b.ReportMetric((cputime.Used()-cpu0-gen).Seconds()/float64(b.N), "cpu-s/op")
			b.ReportMetric(cluster.Seconds()/float64(b.N), "cluster-cpu-s/op")
			b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "records/s")
			benchkit.ReportMemory(b, hwm, anon, file)
		})
	}
}
