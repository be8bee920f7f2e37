package index_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/iq-search/iq/index"
	"github.com/iq-search/iq/internal/benchkit"
)

// BenchmarkOpen measures what checking an index against its checksums adds
// to opening it (issue 16.3): a one-shot `iq search` pays it on every run.
// quick reads sizes and both ends of each large file; full reads every
// byte (VerifyAuto's choice up to index.FullVerifyLimit); check is
// `iq index --check` (full, and every stored record decoded). The files are
// in the page cache after the first run, as for repeated searches.
func BenchmarkOpen(b *testing.B) {
	for _, n := range benchkit.MustSizes(b) {
		b.Run(fmt.Sprintf("records=%d", n), func(b *testing.B) {
			ix := benchkit.SynthIndex(b, "", n)
			dir := ix.Dir()
			ix.Close()
			b.ReportMetric(float64(benchkit.DirSize(dir))/(1<<20), "MiB")
			for _, v := range []struct {
				name string
				v    index.Verification
			}{{"quick", index.VerifyQuick}, {"full", index.VerifyFull}} {
				b.Run("verify="+v.name, func(b *testing.B) {
					for b.Loop() {
						ix, err := index.OpenVerify(dir, v.v)
						if err != nil {
							b.Fatal(err)
						}
						ix.Close()
					}
				})
			}
			b.Run("check", func(b *testing.B) {
				for b.Loop() {
					if err := index.Check(context.Background(), dir); err != nil {
						b.Fatal(err)
					}
				}
			})
		})
	}
}
