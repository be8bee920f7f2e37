package pipeline

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/iq-search/iq/index/synth"
	"github.com/iq-search/iq/internal/benchkit"
)

// BenchmarkRefresh measures `iq index` after one file of a bank changed
// (a question added to one of 100 Markdown files) against a full build of
// the same bank (issue 13.2). Sizes from IQ_BENCH_SIZES (questions);
// BENCHMARKS.md, "Refresh", has the command and the figures.
func BenchmarkRefresh(b *testing.B) {
	defer benchkit.BuildGC()() // as iq index builds
	for _, n := range benchkit.MustSizes(b) {
		b.Run(fmt.Sprintf("questions=%d", n), func(b *testing.B) {
			src := filepath.Join(b.TempDir(), "bank")
			writeBank(b, src, n, 100)
			dir := filepath.Join(b.TempDir(), "index")
			ctx := context.Background()
			rep, err := Build(ctx, OpenOptions{IndexDir: dir, Sources: []string{src}})
			if err != nil {
				b.Fatal(err)
			}
			records := rep.Records
			if records < n*9/10 {
				b.Fatalf("bank of %d questions gave %d records", n, records)
			}
			b.Run("full", func(b *testing.B) {
				for b.Loop() {
					if _, err := Build(ctx, OpenOptions{IndexDir: dir, Repair: true}); err != nil {
						b.Fatal(err)
					}
				}
				b.ReportMetric(float64(records), "records")
			})
			b.Run("one-file", func(b *testing.B) {
				file := filepath.Join(src, "bank-042.md")
				orig, _ := os.ReadFile(file)
				i := 0
				var rf *Refresh
				for b.Loop() {
					b.StopTimer()
					i++
					extra := fmt.Sprintf("\n## What is benchmark question %d about?\n\nAn answer written by the benchmark, number %d.\n", i, i)
					os.WriteFile(file, append(orig, extra...), 0o644)
					b.StartTimer()
					rep, err := Build(ctx, OpenOptions{IndexDir: dir})
					if err != nil {
						b.Fatal(err)
					}
					if rf = rep.Refresh; rf == nil || rf.FilesRead != 1 {
						b.Fatalf("refresh after one file changed: %+v; want 1 file read", rf)
					}
				}
				b.ReportMetric(float64(rf.Upserted), "written")
				b.ReportMetric(float64(rf.Deleted), "deleted")
				b.ReportMetric(rf.IngestTook.Seconds(), "ingest-s")
				b.ReportMetric(rf.ClusterTook.Seconds(), "cluster-s")
				b.ReportMetric(rf.IndexTook.Seconds(), "index-s")
			})
		})
	}
}

// writeBank writes n synthetic questions with their answers as Markdown,
// spread over files files.
func writeBank(tb testing.TB, dir string, n, files int) {
	tb.Helper()
	recs := synth.Generate(n, benchkit.Seed)
	bufs := make([]strings.Builder, files)
	for i, r := range recs {
		w := &bufs[i%files]
		if w.Len() == 0 {
			fmt.Fprintf(w, "# Interview questions, part %d\n", i%files)
		}
		fmt.Fprintf(w, "\n## %s\n\n%s\n", r.Question, r.Answers[0].Text)
		for _, c := range r.Answers[0].Code {
			fmt.Fprintf(w, "\n```%s\n%s\n```\n", c.Lang, c.Text)
		}
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		tb.Fatal(err)
	}
	for i := range bufs {
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("bank-%03d.md", i)), []byte(bufs[i].String()), 0o644); err != nil {
			tb.Fatal(err)
		}
	}
}
