package dedup

import (
	"context"
	"fmt"
	"path/filepath"
	"runtime"
	"runtime/metrics"
	"sync"
	"testing"
	"time"

	"github.com/iq-search/iq/index/synth"
	"github.com/iq-search/iq/ingest"
	"github.com/iq-search/iq/internal/cputime"
)

// TestSynthetic checks duplicate detection on a generated collection with
// planted paraphrases, small enough for every test run.
func TestSynthetic(t *testing.T) {
	s := generate(3000, 1)
	cs := Find(s.recs, Options{})
	recall, precision := s.pairMeasures(cs)
	t.Logf("synthetic 3000: %d planted pairs, recall %.3f, precision %.3f", len(s.planted), recall, precision)
	if recall < 0.75 || precision < 0.85 {
		t.Errorf("synthetic 3000: recall %.3f, precision %.3f of %d planted pairs; want at least 0.75 and 0.85", recall, precision, len(s.planted))
	}
}

// BenchmarkCluster measures Find on generated collections with planted
// duplicates: time, records per second, peak heap, and the recall and
// precision of the planted pairs.
func BenchmarkCluster(b *testing.B) {
	for _, n := range []int{10_000, 100_000} {
		b.Run(fmt.Sprintf("n=%dk", n/1000), func(b *testing.B) {
			s := generate(n, 1)
			runtime.GC()
			peak := watchHeap()
			cpu := cputime.Used()
			var cs []Cluster
			for b.Loop() {
				cs = Find(s.recs, Options{})
			}
			b.StopTimer()
			cpu = cputime.Used() - cpu
			heap := peak()
			recall, precision := s.pairMeasures(cs)
			if recall < 0.75 || precision < 0.85 {
				b.Fatalf("recall %.3f, precision %.3f of %d planted pairs; want at least 0.75 and 0.85", recall, precision, len(s.planted))
			}
			b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "records/s")
			// CPU seconds beside wall time: the machine is shared, and a
			// loaded machine stretches the wall time, not the work.
			b.ReportMetric(cpu.Seconds()/float64(b.N), "cpu-s/op")
			b.ReportMetric(float64(heap)/(1<<20), "peak-heap-MB")
			b.ReportMetric(recall, "recall")
			b.ReportMetric(precision, "precision")
			b.ReportMetric(float64(len(cs)), "clusters")
		})
	}
}

// watchHeap samples the live heap every few milliseconds until the
// returned function is called, which returns the largest sample.
func watchHeap() func() uint64 {
	sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	var mu sync.Mutex
	var peak uint64
	done := make(chan struct{})
	stopped := make(chan struct{})
	go func() {
		defer close(stopped)
		tick := time.NewTicker(5 * time.Millisecond)
		defer tick.Stop()
		for {
			metrics.Read(sample)
			mu.Lock()
			peak = max(peak, sample[0].Value.Uint64())
			mu.Unlock()
			select {
			case <-done:
				return
			case <-tick.C:
			}
		}
	}()
	return func() uint64 {
		close(done)
		<-stopped
		mu.Lock()
		defer mu.Unlock()
		return peak
	}
}

// BenchmarkClusterCorpora measures Find on every collection of
// ../shared/corpora plus the embedded seeds, as ingested.
func BenchmarkClusterCorpora(b *testing.B) {
	dir := filepath.Join(sharedDir(b), "corpora")
	recs, _, err := ingest.Paths(context.Background(), []string{dir}, ingest.Options{})
	if err != nil {
		b.Fatalf("ingest %s: %v", dir, err)
	}
	recs = append(recs, seedRecords(b)...)
	var cs []Cluster
	for b.Loop() {
		cs = Find(recs, Options{})
	}
	if len(cs) < 50 {
		b.Fatalf("%d clusters among %d records; want at least 50", len(cs), len(recs))
	}
	b.ReportMetric(float64(len(recs))*float64(b.N)/b.Elapsed().Seconds(), "records/s")
	b.ReportMetric(float64(len(recs)), "records")
	b.ReportMetric(float64(len(cs)), "clusters")
}

// BenchmarkFeatures compares computing an Index's features (NewIndex, what
// a server did at start) with loading the ones stored at the build
// (LoadIndex), on the index benchmark's synthetic records (answers of
// 1.0-1.5 KB); bytes/record is the size stored beside the index, with
// the clusters.
func BenchmarkFeatures(b *testing.B) {
	for _, n := range []int{10_000, 100_000} {
		recs := synth.Generate(n, 1)
		ix := NewIndex(recs, Options{})
		data, err := ix.MarshalFeatures("bench", ix.Clusters())
		if err != nil {
			b.Fatal(err)
		}
		for _, how := range []string{"compute", "load"} {
			b.Run(fmt.Sprintf("n=%dk/%s", n/1000, how), func(b *testing.B) {
				runtime.GC()
				cpu := cputime.Used()
				for b.Loop() {
					if how == "compute" {
						NewIndex(recs, Options{})
					} else if _, err := LoadIndex(context.Background(), data, "bench", Options{}); err != nil {
						b.Fatal(err)
					}
				}
				b.ReportMetric((cputime.Used()-cpu).Seconds()/float64(b.N), "cpu-s/op")
				b.ReportMetric(float64(len(data))/float64(n), "bytes/record")
			})
		}
	}
}
