package dedup

import (
	"os"
	"strconv"
	"testing"

	"github.com/iq-search/iq/index/synth"
	"github.com/iq-search/iq/internal/cputime"
)

// BenchmarkParse measures parsing records (parseInto, the largest part of
// a streamed build's features) on one goroutine, over 20k of the
// build benchmark's synthetic records (IQ_PARSE_RECORDS=n: n of them).
func BenchmarkParse(b *testing.B) {
	n := 20_000
	if v, err := strconv.Atoi(os.Getenv("IQ_PARSE_RECORDS")); err == nil && v > 0 {
		n = v
	}
	recs := synth.Generate(n, 1)
	lx := newLexicon(nil)
	var slab []token
	cpu := cputime.Used()
	for b.Loop() {
		for i := range recs {
			slab = slab[:0]
			parseInto(&recs[i], lx, &slab)
		}
	}
	b.ReportMetric((cputime.Used()-cpu).Seconds()/float64(b.N), "cpu-s/op")
}
