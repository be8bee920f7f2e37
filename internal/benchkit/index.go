package benchkit

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime/debug"
	"testing"
	"time"

	"github.com/iq-search/iq/index"
	"github.com/iq-search/iq/index/synth"
	"github.com/iq-search/iq/internal/cputime"
)

// Seed seeds the synthetic corpus and query mix of every benchmark.
const Seed = 1

// BuildGCPercent is the garbage collector's target that iq sets while it
// builds an index (cmd/iq/knobs.go, whose test keeps the two equal): the
// libraries set none, so the benchmarks set it as iq index does.
const BuildGCPercent = 300

// BuildMemoryLimit is the heap's soft limit iq sets while it builds an
// index (cmd/iq/knobs.go, whose test keeps the two equal).
const BuildMemoryLimit = 3 << 30

// BuildGC sets the collector's target to BuildGCPercent, unless GOGC is
// set, and its memory limit to BuildMemoryLimit, unless GOMEMLIMIT is set,
// and returns what restores them.
func BuildGC() (restore func()) {
	restoreLimit := func() {}
	if os.Getenv("GOMEMLIMIT") == "" {
		old := debug.SetMemoryLimit(BuildMemoryLimit)
		restoreLimit = func() { debug.SetMemoryLimit(old) }
	}
	if os.Getenv("GOGC") != "" {
		return restoreLimit
	}
	old := debug.SetGCPercent(BuildGCPercent)
	return func() { debug.SetGCPercent(old); restoreLimit() }
}

// BuildReleaseEvery is how often iq releases the pages of the index files
// a build has mapped (cmd/iq/knobs.go, whose test keeps the two equal).
const BuildReleaseEvery = 2 * time.Second

// BuildRelease releases the mapped pages of the index files under dir
// (index.PageOutMapped) every BuildReleaseEvery, as iq index does while
// it builds, until the function it returns is called.
func BuildRelease(dir string) (stop func()) { return index.PageOutEvery(dir, BuildReleaseEvery) }

// MustSizes is Sizes, failing tb on a bad IQ_BENCH_SIZES.
func MustSizes(tb testing.TB) []int {
	tb.Helper()
	sizes, err := Sizes()
	if err != nil {
		tb.Fatal(err)
	}
	return sizes
}

// BuildOptions returns the options of a benchmark build of n synthetic
// records: the corpus's fingerprint, and the build levers IQ_BENCH_BATCH,
// IQ_BENCH_WRITERS, IQ_BENCH_SHARDS, IQ_BENCH_SEGMENTS and IQ_BENCH_TIER
// (index.BuildOptions' defaults when unset), and IQ_BENCH_LEAVETAIL=1
// (index.BuildOptions.LeaveTail: the merge policy's small segments left
// as they are, for the difference).
func BuildOptions(n int) index.BuildOptions {
	return index.BuildOptions{
		Fingerprint:     fmt.Sprintf("synth-%d-seed%d", n, Seed),
		BatchSize:       Int("IQ_BENCH_BATCH"),
		Writers:         Int("IQ_BENCH_WRITERS"),
		Shards:          Int("IQ_BENCH_SHARDS"),
		Segments:        Int("IQ_BENCH_SEGMENTS"),
		SegmentsPerTier: Int("IQ_BENCH_TIER"),
		LeaveTail:       os.Getenv("IQ_BENCH_LEAVETAIL") == "1",
	}
}

// SynthDir is the directory under os.TempDir of the benchmark index of n
// synthetic records built with BuildOptions(n) (its name holds the
// options, "-tailleft" with IQ_BENCH_LEAVETAIL=1); clustered names the one
// BenchmarkUserBuild leaves, built as iq index builds (clusters set).
func SynthDir(n int, clustered bool) string {
	opts := BuildOptions(n)
	dir := filepath.Join(os.TempDir(), fmt.Sprintf("iq-bench-index-%d-shards%d-segments%d-tier%d",
		n, max(opts.Shards, 1), opts.Segments, opts.SegmentsPerTier))
	if opts.LeaveTail {
		dir += "-tailleft"
	}
	if clustered {
		dir += "-clustered"
	}
	return dir
}

// SynthIndex opens the index of n synthetic records in dir, building it
// with BuildOptions(n) when it is missing or stale. With dir "" it is
// SynthDir(n, false), so the benchmarks of several packages, and several
// runs, build it once; with IQ_BENCH_CLUSTERED=1 it is SynthDir(n, true),
// the index BenchmarkUserBuild left (clusters set as iq index sets them),
// which must exist. The records are streamed into the build
// (index.BuildStream), never all in memory.
func SynthIndex(tb testing.TB, dir string, n int) *index.Index {
	tb.Helper()
	opts := BuildOptions(n)
	clustered := dir == "" && os.Getenv("IQ_BENCH_CLUSTERED") == "1"
	if dir == "" {
		dir = SynthDir(n, clustered)
	}
	// Synthetic indexes are derived data in a directory of their own: one
	// that does not open, or holds other records, is rebuilt.
	ix, err := index.Open(dir)
	if err == nil && ix.Meta().Fingerprint != opts.Fingerprint {
		ix.Close()
		err = fmt.Errorf("index of %s; want %s", ix.Meta().Fingerprint, opts.Fingerprint)
	}
	if err != nil && clustered {
		tb.Fatalf("IQ_BENCH_CLUSTERED=1: %v (BenchmarkUserBuild in ./bench builds it)", err)
	}
	if err != nil {
		restore, stop := BuildGC(), BuildRelease(dir)
		err = index.BuildStream(context.Background(), dir, synth.Stream(n, Seed), opts)
		stop()
		restore()
		if err == nil {
			ix, err = index.Open(dir)
		}
	}
	if err != nil {
		tb.Fatalf("synthetic index of %d records in %s: %v", n, dir, err)
	}
	return ix
}

// SourceCPU returns the CPU time one pass over synth.Stream(n, Seed)
// takes: a streamed build makes its records as it goes, and the
// benchmarks take that out of the build's CPU (the peers' builds read
// records made before they start).
func SourceCPU(n int) time.Duration {
	c := cputime.Used()
	for r := range synth.Stream(n, Seed) {
		_ = r
	}
	return cputime.Used() - c
}
