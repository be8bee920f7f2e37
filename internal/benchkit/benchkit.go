// Package benchkit holds what the benchmarks of the index and bench
// packages, and iq serve's load test, share: the settings they take from the
// environment (bench/run.sh sets them), the synthetic index they search, and
// the timed loop over a query mix.
//
// Files: benchkit.go (Sizes, Int, Queries: the environment and the timed
// loop), index.go (Seed, MustSizes, BuildOptions, SynthIndex: the
// synthetic index, built once per size and kept between runs), memory.go
// (Memory, StartMemory: the resident memory of a build, sampled).
package benchkit

import (
	"cmp"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"runtime/metrics"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/iq-search/iq/internal/cputime"
)

// Sizes returns the record counts of IQ_BENCH_SIZES (comma-separated,
// default "10000,100000").
func Sizes() ([]int, error) {
	s := os.Getenv("IQ_BENCH_SIZES")
	if s == "" {
		s = "10000,100000"
	}
	var rv []int
	for _, f := range strings.Split(s, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n <= 0 {
			return nil, fmt.Errorf("IQ_BENCH_SIZES=%q: %q is not a record count", s, f)
		}
		rv = append(rv, n)
	}
	return rv, nil
}

// Int returns the integer in the environment variable name, or 0 when it
// is unset or not a number.
func Int(name string) int {
	n, _ := strconv.Atoi(os.Getenv(name))
	return n
}

// Queries benchmarks a mix of n queries in two halves. The first half
// runs once, first thing after the index is opened (dictionaries, doc
// values, vocabularies and decoded postings load: what a one-shot `iq
// search` pays), reported as first-p50-ms and first-p99-ms. The second
// half then runs once more as queries the process has not seen
// (unseen-p50-ms, unseen-p99-ms, unseen-cpu-ms/query: a server's new
// queries), and then once per b.Loop, warm (p50-ms, p99-ms,
// cpu-ms/query, hits/query). No timed query is one of the first pass.
// Each pass also reports the 99th percentile of the CPU time a query
// took (first-cpu-p99-ms, unseen-cpu-p99-ms, cpu-p99-ms: the process's,
// GC included), which a busy machine does not inflate as it does the
// wall time.
// IQ_BENCH_CPUPROFILE=first, unseen or warm (with IQ_BENCH_CPUPROFILE_FILE,
// default cpu-<pass>.prof) writes a CPU profile of that pass alone (warm:
// every timed round), so the cost of a cold pass is not drowned by the
// warm ones; IQ_BENCH_SLOWEST=n logs each pass's n costliest queries (warm:
// of the last round). The unseen pass also reports what it allocated and
// how many collections it ran (unseen-alloc-MB, unseen-gcs: on a fresh
// heap each new page costs CPU, and each collection lands on one query);
// IQ_BENCH_MEMPROFILE=unseen writes the allocations of that pass alone
// (IQ_BENCH_MEMPROFILE_FILE, default mem-unseen.prof, read with the
// profile before the pass beside it: go tool pprof -base
// mem-unseen-base.prof mem-unseen.prof; -test.memprofilerate=4096 samples
// finely).
// search runs query i and returns its hit count; name names it in errors.
// It fails when the timed half matches nothing or its hits drift between
// passes.
func Queries(b *testing.B, n int, name func(i int) string, search func(i int) (uint64, error)) {
	half := n / 2
	run := func(from, to int, lat, cpu *[]time.Duration) uint64 {
		var hits uint64
		for i := from; i < to; i++ {
			c, t := cputime.Used(), time.Now()
			h, err := search(i)
			*lat = append(*lat, time.Since(t))
			*cpu = append(*cpu, cputime.Used()-c)
			if err != nil {
				b.Fatalf("Search(%q) error = %v", name(i), err)
			}
			hits += h
		}
		return hits
	}
	var first, unseen, lat, firstQC, unseenQC, warmQC []time.Duration // ...QC: CPU per query
	stop := profile(b, "first")
	run(0, half, &first, &firstQC)
	stop()
	stop = profile(b, "unseen")
	stopMem := memProfile(b, "unseen")
	alloc0 := readAllocs()
	cpu0 := cputime.Used()
	want := run(half, n, &unseen, &unseenQC)
	unseenCPU := cputime.Used() - cpu0
	alloc := readAllocs().sub(alloc0)
	stopMem()
	stop()
	logSlowest(b, "first", firstQC, 0, name)
	logSlowest(b, "unseen", unseenQC, half, name)
	if want == 0 {
		b.Fatal("the query mix matched nothing")
	}
	stop = profile(b, "warm")
	cpu0 = cputime.Used()
	for b.Loop() {
		if hits := run(half, n, &lat, &warmQC); hits != want {
			b.Fatalf("the query mix matched %d hits, then %d; want the same", want, hits)
		}
	}
	warmCPU := cputime.Used() - cpu0
	stop()
	logSlowest(b, "warm", warmQC[len(warmQC)-(n-half):], half, name)
	b.ReportMetric(warmCPU.Seconds()*1000/float64(len(lat)), "cpu-ms/query")
	report := func(lat []time.Duration, prefix string) {
		slices.Sort(lat)
		b.ReportMetric(ms(lat[len(lat)/2]), prefix+"p50-ms")
		b.ReportMetric(ms(lat[len(lat)*99/100]), prefix+"p99-ms")
	}
	report(lat, "")
	b.ReportMetric(float64(want)/float64(n-half), "hits/query")
	report(first, "first-")
	report(unseen, "unseen-")
	b.ReportMetric(unseenCPU.Seconds()*1000/float64(n-half), "unseen-cpu-ms/query")
	b.ReportMetric(float64(alloc.bytes)/(1<<20), "unseen-alloc-MB")
	b.ReportMetric(float64(alloc.gcs), "unseen-gcs")
	for _, c := range []struct {
		cpu  []time.Duration
		name string
	}{{firstQC, "first-cpu-p99-ms"}, {unseenQC, "unseen-cpu-p99-ms"}, {warmQC, "cpu-p99-ms"}} {
		slices.Sort(c.cpu)
		b.ReportMetric(ms(c.cpu[len(c.cpu)*99/100]), c.name)
	}
}

// logSlowest logs the IQ_BENCH_SLOWEST queries of a pass that took the
// most CPU (query from+i took cpu[i]), to find what makes its p99.
func logSlowest(b *testing.B, pass string, cpu []time.Duration, from int, name func(int) string) {
	k := Int("IQ_BENCH_SLOWEST")
	if k <= 0 || len(cpu) == 0 {
		return
	}
	order := make([]int, len(cpu))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(i, j int) int { return cmp.Compare(cpu[j], cpu[i]) })
	for _, i := range order[:min(k, len(order))] {
		b.Logf("%s pass, query %d %q: %.1f ms CPU", pass, from+i, name(from+i), ms(cpu[i]))
	}
}

// profile starts a CPU profile of the pass named pass when
// IQ_BENCH_CPUPROFILE names it, and returns what stops it.
func profile(b *testing.B, pass string) (stop func()) {
	if os.Getenv("IQ_BENCH_CPUPROFILE") != pass {
		return func() {}
	}
	name := os.Getenv("IQ_BENCH_CPUPROFILE_FILE")
	if name == "" {
		name = "cpu-" + pass + ".prof"
	}
	f, err := os.Create(name)
	if err != nil {
		b.Fatal(err)
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		b.Fatal(err)
	}
	return func() {
		pprof.StopCPUProfile()
		if err := f.Close(); err != nil {
			b.Fatal(err)
		}
	}
}

// allocs is what the process has allocated and how many collections it
// has finished.
type allocs struct{ bytes, gcs uint64 }

func readAllocs() allocs {
	s := []metrics.Sample{{Name: "/gc/heap/allocs:bytes"}, {Name: "/gc/cycles/total:gc-cycles"}}
	metrics.Read(s)
	return allocs{s[0].Value.Uint64(), s[1].Value.Uint64()}
}

func (a allocs) sub(b allocs) allocs { return allocs{a.bytes - b.bytes, a.gcs - b.gcs} }

// memProfile writes the allocation profile before and after the pass
// named pass when IQ_BENCH_MEMPROFILE names it (the file, and before the
// pass the file named with -base), so that pprof -base shows that pass's
// allocations alone.
func memProfile(b *testing.B, pass string) (stop func()) {
	if os.Getenv("IQ_BENCH_MEMPROFILE") != pass {
		return func() {}
	}
	name := os.Getenv("IQ_BENCH_MEMPROFILE_FILE")
	if name == "" {
		name = "mem-" + pass + ".prof"
	}
	write := func(name string) {
		runtime.GC() // the profile shows allocations as of the last collection
		f, err := os.Create(name)
		if err != nil {
			b.Fatal(err)
		}
		if err := pprof.Lookup("allocs").WriteTo(f, 0); err != nil {
			f.Close()
			b.Fatal(err)
		}
		if err := f.Close(); err != nil {
			b.Fatal(err)
		}
	}
	write(strings.TrimSuffix(name, ".prof") + "-base.prof")
	return func() { write(name) }
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// DirSize is the size of the files under dir: an index's generations (the
// one built; scorch removed obsolete segment files as it closed).
func DirSize(dir string) int64 {
	var n int64
	filepath.WalkDir(dir, func(_ string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			if info, err := d.Info(); err == nil {
				n += info.Size()
			}
		}
		return nil
	})
	return n
}
