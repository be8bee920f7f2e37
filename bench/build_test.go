package bench

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"runtime"
	"runtime/metrics"
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

// BenchmarkUserCluster measures the clustering of BenchmarkUserBuild
// alone, as iq index runs it (pipeline.BuildStream's first stage: with the
// synonyms iq index uses, dedup.NewIndexStream's two passes, then the
// clusters at the default score) under the build's collector settings
// (benchkit.BuildGC), for the 1M tier's clustering (issue 15).
// cpu-s/op is its CPU without making the synthetic records twice
// (source-cpu-s is one pass) or the digest; index-cpu-s/op and
// edges-cpu-s/op are its two parts (the features, then the candidate pairs scored and
// clustered); gc-share is the collector's share of its CPU as the
// runtime counts it (runtime/metrics), gcs/op how many collections ran; peak-live-MB is the
// largest heap a collection left (sampled every 10 ms), peak-RSS-MB the
// process's. IQ_BENCH_DIGEST=1 logs a SHA-256 of the clusters (as JSON),
// the acronyms and the stored features (which hold the scored edges with
// their scores' bits): a change that must leave the clustering as it was
// leaves it.
func BenchmarkUserCluster(b *testing.B) {
	for _, n := range benchkit.MustSizes(b) {
		b.Run(fmt.Sprintf("records=%d", n), func(b *testing.B) {
			source := benchkit.SourceCPU(n)
			dopts := pipeline.DedupOptions(index.DefaultSynonyms())
			defer benchkit.BuildGC()()
			var feats, edges, gcCPU, allCPU time.Duration
			var gcs uint64
			var live uint64
			var hwm, anon, file int64
			var clusters int
			ctx := context.Background()
			for b.Loop() {
				b.StopTimer()
				runtime.GC()
				b.StartTimer()
				mem := benchkit.StartMemory()
				peak := watchLive()
				gc0 := readGC()
				c0 := cputime.Used()
				dx, err := dedup.NewIndexStream(ctx, synth.Stream(n, benchkit.Seed), dopts)
				if err != nil {
					b.Fatal(err)
				}
				c1 := cputime.Used()
				cs, err := dx.ClustersAtContext(ctx, 0)
				if err != nil {
					b.Fatal(err)
				}
				c2 := cputime.Used()
				feats += c1 - c0 - 2*source
				edges += c2 - c1
				g := readGC()
				gcCPU += g.cpu - gc0.cpu
				allCPU += g.all - gc0.all
				gcs += g.n - gc0.n
				live = max(live, peak())
				h, a, f := mem.Stop()
				hwm, anon, file = max(hwm, h), max(anon, a), max(file, f)
				clusters = len(cs)
				if os.Getenv("IQ_BENCH_DIGEST") == "1" {
					b.StopTimer()
					b.Logf("records=%d digest %s", n, clusterDigest(b, dx, cs))
					b.StartTimer()
				}
			}
			per := func(d time.Duration) float64 { return d.Seconds() / float64(b.N) }
			b.ReportMetric(per(feats+edges), "cpu-s/op")
			b.ReportMetric(per(feats), "index-cpu-s/op")
			b.ReportMetric(per(edges), "edges-cpu-s/op")
			b.ReportMetric(gcCPU.Seconds()/allCPU.Seconds(), "gc-share")
			b.ReportMetric(float64(gcs)/float64(b.N), "gcs/op")
			b.ReportMetric(source.Seconds(), "source-cpu-s")
			b.ReportMetric(float64(clusters), "clusters")
			b.ReportMetric(float64(live)/(1<<20), "peak-live-MB")
			benchkit.ReportMemory(b, hwm, anon, file)
		})
	}
}

// gcStats are the collector's cumulative CPU and collections, and the
// CPU the runtime counted in all but idle (its own estimates, from the time its
// workers held a processor: on a loaded machine they run long beside
// the rusage figures, their ratio is what to read).
type gcStats struct {
	cpu, all time.Duration
	n        uint64
}

func readGC() gcStats {
	s := []metrics.Sample{{Name: "/cpu/classes/gc/total:cpu-seconds"}, {Name: "/gc/cycles/total:gc-cycles"},
		{Name: "/cpu/classes/total:cpu-seconds"}, {Name: "/cpu/classes/idle:cpu-seconds"}}
	metrics.Read(s)
	sec := func(v float64) time.Duration { return time.Duration(v * float64(time.Second)) }
	return gcStats{cpu: sec(s[0].Value.Float64()), n: s[1].Value.Uint64(), all: sec(s[2].Value.Float64() - s[3].Value.Float64())}
}

// watchLive samples the heap the last collection left live every 10 ms
// until the function it returns is called, which returns the largest.
func watchLive() (stop func() uint64) {
	s := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	done, stopped := make(chan struct{}), make(chan struct{})
	var peak uint64
	go func() {
		defer close(stopped)
		t := time.NewTicker(10 * time.Millisecond)
		defer t.Stop()
		for {
			metrics.Read(s)
			peak = max(peak, s[0].Value.Uint64())
			select {
			case <-done:
				return
			case <-t.C:
			}
		}
	}()
	return func() uint64 { close(done); <-stopped; return peak }
}

// clusterDigest returns a SHA-256, in hex, of the clusters as JSON, the
// acronyms and the stored features (written under a fixed key).
func clusterDigest(tb testing.TB, dx *dedup.Index, cs []dedup.Cluster) string {
	h := sha256.New()
	cj, err := json.Marshal(cs)
	if err != nil {
		tb.Fatal(err)
	}
	aj, err := json.Marshal(dx.Acronyms())
	if err != nil {
		tb.Fatal(err)
	}
	fb, err := dx.MarshalFeatures("digest", cs)
	if err != nil {
		tb.Fatal(err)
	}
	for _, p := range [][]byte{cj, aj, fb} {
		fmt.Fprintf(h, "%d:", len(p))
		h.Write(p)
	}
	return hex.EncodeToString(h.Sum(nil))
}
