package benchkit

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime/debug"
	"testing"

	"github.com/iq-search/iq/index"
	"github.com/iq-search/iq/index/synth"
)

// Seed seeds the synthetic corpus and query mix of every benchmark.
const Seed = 1

// BuildGCPercent is the garbage collector's target that iq sets while it
// builds an index (cmd/iq/knobs.go, whose test keeps the two equal): the
// libraries set none, so the benchmarks set it as iq index does.
const BuildGCPercent = 300

// BuildGC sets the collector's target to BuildGCPercent, unless GOGC is
// set, and returns what restores it.
func BuildGC() (restore func()) {
	if os.Getenv("GOGC") != "" {
		return func() {}
	}
	old := debug.SetGCPercent(BuildGCPercent)
	return func() { debug.SetGCPercent(old) }
}

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
// (index.BuildOptions' defaults when unset).
func BuildOptions(n int) index.BuildOptions {
	return index.BuildOptions{
		Fingerprint:     fmt.Sprintf("synth-%d-seed%d", n, Seed),
		BatchSize:       Int("IQ_BENCH_BATCH"),
		Writers:         Int("IQ_BENCH_WRITERS"),
		Shards:          Int("IQ_BENCH_SHARDS"),
		Segments:        Int("IQ_BENCH_SEGMENTS"),
		SegmentsPerTier: Int("IQ_BENCH_TIER"),
	}
}

// SynthIndex opens the index of n synthetic records in dir, building it
// with BuildOptions(n) when it is missing or stale. With dir "" it is the
// one directory under os.TempDir named after n and the levers, so the
// benchmarks of several packages, and several runs, build it once.
func SynthIndex(tb testing.TB, dir string, n int) *index.Index {
	tb.Helper()
	opts := BuildOptions(n)
	if dir == "" {
		dir = filepath.Join(os.TempDir(), fmt.Sprintf("iq-bench-index-%d-shards%d-segments%d-tier%d",
			n, max(opts.Shards, 1), opts.Segments, opts.SegmentsPerTier))
	}
	// Synthetic indexes are derived data in a directory of their own: one
	// that does not open, or holds other records, is rebuilt.
	ix, err := index.Open(dir)
	if err == nil && ix.Meta().Fingerprint != opts.Fingerprint {
		ix.Close()
		err = fmt.Errorf("index of %s; want %s", ix.Meta().Fingerprint, opts.Fingerprint)
	}
	if err != nil {
		restore := BuildGC()
		err = index.Build(context.Background(), dir, synth.Generate(n, Seed), opts)
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
