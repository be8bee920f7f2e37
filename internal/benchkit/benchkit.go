// Package benchkit holds what the benchmarks of the index and bench
// packages, and iq serve's load test, share: the settings they take from the
// environment (bench/run.sh sets them), the synthetic index they search, and
// the timed loop over a query mix.
package benchkit

import (
	"fmt"
	"os"
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

// Queries benchmarks a mix of n queries: one warm-up pass (dictionaries,
// doc values, vocabularies and decoded postings load; reported as
// first-p50-ms and first-p99-ms), then the mix once per b.Loop, timing
// each query. search runs query i and returns its hit count; name names it
// in errors. It reports cpu-ms/query, p50-ms, p99-ms and hits/query, and
// fails when the mix matches nothing or its hits drift between passes.
func Queries(b *testing.B, n int, name func(i int) string, search func(i int) (uint64, error)) {
	run := func(lat *[]time.Duration) uint64 {
		var hits uint64
		for i := range n {
			t := time.Now()
			h, err := search(i)
			if lat != nil {
				*lat = append(*lat, time.Since(t))
			}
			if err != nil {
				b.Fatalf("Search(%q) error = %v", name(i), err)
			}
			hits += h
		}
		return hits
	}
	var first []time.Duration
	want := run(&first)
	if want == 0 {
		b.Fatal("the query mix matched nothing")
	}
	var lat []time.Duration
	cpu0 := cputime.Used()
	for b.Loop() {
		if hits := run(&lat); hits != want {
			b.Fatalf("the query mix matched %d hits, then %d; want the same", want, hits)
		}
	}
	b.ReportMetric((cputime.Used()-cpu0).Seconds()*1000/float64(len(lat)), "cpu-ms/query")
	slices.Sort(lat)
	b.ReportMetric(ms(lat[len(lat)/2]), "p50-ms")
	b.ReportMetric(ms(lat[len(lat)*99/100]), "p99-ms")
	b.ReportMetric(float64(want)/float64(n), "hits/query")
	// The warm-up pass: each query's terms read for the first time since
	// the index was opened (what a one-shot `iq search` pays).
	slices.Sort(first)
	b.ReportMetric(ms(first[len(first)/2]), "first-p50-ms")
	b.ReportMetric(ms(first[len(first)*99/100]), "first-p99-ms")
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
