package fts5

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/iq-search/iq/index/synth"
)

// The same sizes, seed and query mix as index/bench_test.go.
const seed = 1

func sizes(b *testing.B) []int {
	s := os.Getenv("IQ_BENCH_SIZES")
	if s == "" {
		s = "10000,100000"
	}
	var rv []int
	for _, f := range strings.Split(s, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n <= 0 {
			b.Fatalf("IQ_BENCH_SIZES=%q: %q is not a record count", s, f)
		}
		rv = append(rv, n)
	}
	return rv
}

func TestSearch(t *testing.T) {
	db, err := Open(filepath.Join(t.TempDir(), "t.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	recs := synth.Generate(500, seed)
	if err := Build(context.Background(), db, recs); err != nil {
		t.Fatal(err)
	}
	res, err := Search(context.Background(), db, `"closure"`)
	if err != nil {
		t.Fatal(err)
	}
	want := 0
	for _, r := range recs {
		txt := strings.ToLower(r.Question)
		for _, a := range r.Answers {
			txt += " " + strings.ToLower(a.Text+" "+a.HowToAnswer+" "+a.ExampleAnswer)
		}
		if strings.Contains(txt, "closure") {
			want++
		}
	}
	if res.Total != want || len(res.Hits) == 0 {
		t.Errorf("Search(closure) total = %d, %d hits; want %d", res.Total, len(res.Hits), want)
	}
	levels := 0
	for _, n := range res.Facets["level"] {
		levels += n
	}
	if levels > res.Total || levels == 0 {
		t.Errorf("level facet sums to %d of %d hits", levels, res.Total)
	}
}

func BenchmarkBuild(b *testing.B) {
	for _, n := range sizes(b) {
		b.Run(fmt.Sprintf("records=%d", n), func(b *testing.B) {
			// The records are made as the build reads them, as iq's
			// build benchmarks make them; the CPU of making them is
			// measured apart and taken out of cpu-s/op (source-cpu-s).
			c := cpuTime()
			for r := range synth.Stream(n, seed) {
				_ = r
			}
			source := cpuTime() - c
			path := dbPath(n)
			var size, peak int64
			cpu0 := cpuTime()
			for b.Loop() {
				os.Remove(path)
				runtime.GC()
				resetPeakRSS()
				if err := buildDB(path, n); err != nil {
					b.Fatal(err)
				}
				peak = max(peak, peakRSS())
				st, err := os.Stat(path)
				if err != nil {
					b.Fatal(err)
				}
				size = st.Size()
			}
			// CPU time (user + system) is steadier than wall time on a
			// machine shared with other work; it includes the untimed
			// reopen and size check of each round.
			b.ReportMetric(((cpuTime()-cpu0)/time.Duration(b.N) - source).Seconds(), "cpu-s/op")
			b.ReportMetric(source.Seconds(), "source-cpu-s")
			b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "records/s")
			b.ReportMetric(float64(size)/(1<<20), "index-MB")
			b.ReportMetric(float64(peak)/(1<<20), "peak-RSS-MB")
		})
	}
}

// buildDB builds the database of n synthetic records at path, under
// another name renamed to path once complete, so an interrupted build
// leaves nothing that BenchmarkSearch would take for a database.
func buildDB(path string, n int) error {
	tmp := path + ".building"
	os.Remove(tmp)
	db, err := Open(tmp)
	if err != nil {
		return err
	}
	if err := BuildStream(context.Background(), db, synth.Stream(n, seed)); err != nil {
		db.Close()
		os.Remove(tmp)
		return err
	}
	if err := db.Close(); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}

// dbPath is where BenchmarkBuild leaves the database of n records for
// BenchmarkSearch, which builds it only when it is missing (a 1M build
// takes minutes). Remove it after changing Build.
func dbPath(n int) string {
	return filepath.Join(os.TempDir(), fmt.Sprintf("iq-bench-fts5-%d-seed%d.db", n, seed))
}

// BenchmarkSearch times the query mix as benchkit.Queries does for iq:
// the first 200 queries once after opening (first-*), the other 200 once
// unseen (unseen-*), then those again per round, warm; with the CPU p99
// of each pass (first-cpu-p99-ms, unseen-cpu-p99-ms, cpu-p99-ms).
func BenchmarkSearch(b *testing.B) {
	queries := synth.ParsedQueries(400, seed)
	for _, n := range sizes(b) {
		b.Run(fmt.Sprintf("records=%d", n), func(b *testing.B) {
			path := dbPath(n)
			if _, err := os.Stat(path); err != nil {
				if err := buildDB(path, n); err != nil {
					b.Fatal(err)
				}
			}
			db, err := Open(path)
			if err != nil {
				b.Fatal(err)
			}
			// Opened afresh: the first pass reads a cold connection, as
			// iq's first pass reads a freshly opened index.
			defer db.Close()
			ctx := context.Background()
			exprs := make([]string, len(queries))
			for i, q := range queries {
				exprs[i] = MatchExpr(q)
			}
			half := len(exprs) / 2
			run := func(es []string, lat, cpu *[]time.Duration) int {
				hits := 0
				for _, e := range es {
					c, t := cpuTime(), time.Now()
					res, err := Search(ctx, db, e)
					*lat = append(*lat, time.Since(t))
					*cpu = append(*cpu, cpuTime()-c)
					if err != nil {
						b.Fatal(err)
					}
					hits += res.Total
				}
				return hits
			}
			var first, unseen, lat, firstQC, unseenQC, warmQC []time.Duration // ...QC: CPU per query
			run(exprs[:half], &first, &firstQC)
			cpu0 := cpuTime()
			want := run(exprs[half:], &unseen, &unseenQC)
			unseenCPU := cpuTime() - cpu0
			if want == 0 {
				b.Fatal("the query mix matched nothing")
			}
			cpu0 = cpuTime()
			for b.Loop() {
				if hits := run(exprs[half:], &lat, &warmQC); hits != want {
					b.Fatalf("the query mix matched %d hits, then %d; want the same", want, hits)
				}
			}
			b.ReportMetric((cpuTime()-cpu0).Seconds()*1000/float64(len(lat)), "cpu-ms/query")
			report := func(lat []time.Duration, prefix string) {
				slices.Sort(lat)
				b.ReportMetric(float64(lat[len(lat)/2])/1e6, prefix+"p50-ms")
				b.ReportMetric(float64(lat[len(lat)*99/100])/1e6, prefix+"p99-ms")
			}
			report(lat, "")
			b.ReportMetric(float64(want)/float64(len(exprs)-half), "hits/query")
			report(first, "first-")
			report(unseen, "unseen-")
			b.ReportMetric(unseenCPU.Seconds()*1000/float64(len(exprs)-half), "unseen-cpu-ms/query")
			for _, c := range []struct {
				cpu  []time.Duration
				name string
			}{{firstQC, "first-cpu-p99-ms"}, {unseenQC, "unseen-cpu-p99-ms"}, {warmQC, "cpu-p99-ms"}} {
				slices.Sort(c.cpu)
				b.ReportMetric(float64(c.cpu[len(c.cpu)*99/100])/1e6, c.name)
			}
		})
	}
}

func resetPeakRSS() { os.WriteFile("/proc/self/clear_refs", []byte("5"), 0) }

func peakRSS() int64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			if f := strings.Fields(v); len(f) > 0 {
				kb, _ := strconv.ParseInt(f[0], 10, 64)
				return kb << 10
			}
		}
	}
	return 0
}

// cpuTime returns the user and system CPU time of this process so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
