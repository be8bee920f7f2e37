package main

import (
	"os"
	"runtime/debug"
	"time"

	"github.com/iq-search/iq/index"
)

// The process's runtime knobs are set here, in the command, not in the
// libraries it calls: a library that changed the garbage collector's
// target or read the environment would do it to every program that
// imports it (issue 15).

// envIndex is the environment variable that names the index directory when
// --index does not.
const envIndex = "IQ_INDEX"

// buildGCPercent is the garbage collector's target percentage while an
// index may be built. A build allocates tens of times its input in
// short-lived garbage (analysis, segments, merges); a laxer collector takes
// ~10% less CPU for about twice the peak memory (BENCHMARKS.md).
// internal/benchkit.BuildGCPercent is the same for the benchmarks.
const buildGCPercent = 300

// buildMemoryLimit is the heap's soft limit while an index may be built:
// buildGCPercent lets the heap grow to four times what is live, which a
// large build cannot afford (at 1M records the duplicate features alone
// are gigabytes, issue 15's 4 GB target); near the limit the collector
// runs more often instead. Smaller builds never reach it.
// internal/benchkit.BuildMemoryLimit is the same for the benchmarks.
const buildMemoryLimit = 3 << 30

// buildGC sets the collector's target and memory limit for a build and
// returns what restores them. A target set through GOGC, or higher in the
// process, is left alone; so is a limit set through GOMEMLIMIT.
func buildGC() (restore func()) {
	restoreLimit := func() {}
	if os.Getenv("GOMEMLIMIT") == "" {
		old := debug.SetMemoryLimit(buildMemoryLimit)
		restoreLimit = func() { debug.SetMemoryLimit(old) }
	}
	if os.Getenv("GOGC") != "" {
		return restoreLimit
	}
	old := debug.SetGCPercent(buildGCPercent)
	if old < 0 || old > buildGCPercent {
		debug.SetGCPercent(old)
		return restoreLimit
	}
	return func() { debug.SetGCPercent(old); restoreLimit() }
}

// buildReleaseEvery is how often a build has the kernel reclaim the pages
// of the index files it has mapped (index.PageOutMapped, which is safe
// while scorch maps and unmaps segments): scorch reads the segments it
// merges through mmap, and every page a merge touched would otherwise
// stay resident until the kernel needs the memory (1.6 GB of a 1M build's
// 4.6 GB peak, issue 15's 4 GB target).
// internal/benchkit.BuildReleaseEvery is the same for the benchmarks.
const buildReleaseEvery = 2 * time.Second

// buildRelease releases the mapped pages of the index files under dir
// every buildReleaseEvery until the function it returns is called.
func buildRelease(dir string) (stop func()) { return index.PageOutEvery(dir, buildReleaseEvery) }
