package parse

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/iq-search/iq/internal/cputime"
)

// BenchmarkParse measures parse throughput over ../shared/corpora: the
// Markdown files, the HTML pages, and both (the ingest issue's target is 20
// MB/s overall on a 2-core machine). MB/s is per wall-clock second;
// cpu-MB/s per second of the process's CPU time (GC included), which holds
// still when other jobs share the machine. It fails if the block count
// changes between iterations.
//
//	go test ./ingest/parse -run '^$' -bench Parse -benchtime 3s
func BenchmarkParse(b *testing.B) {
	dir := corporaDir(b)
	type file struct {
		name string
		src  []byte
	}
	var md, htm []file
	err := filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		switch strings.ToLower(filepath.Ext(path)) {
		case ".md":
			src, err := os.ReadFile(path)
			md = append(md, file{path, src})
			return err
		case ".html", ".htm":
			src, err := os.ReadFile(path)
			htm = append(htm, file{path, src})
			return err
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	for _, bc := range []struct {
		name  string
		files []file
	}{
		{"markdown", md},
		{"html", htm},
		{"all", append(append([]file(nil), md...), htm...)},
	} {
		b.Run(bc.name, func(b *testing.B) {
			size := 0
			for _, f := range bc.files {
				size += len(f.src)
			}
			want := -1
			cpu0 := cputime.Used()
			for b.Loop() {
				n := 0
				for _, f := range bc.files {
					blocks, err := parseFile(f.name, f.src)
					if err != nil {
						b.Fatalf("parse %s: %v", f.name, err)
					}
					n += len(blocks)
				}
				if want < 0 {
					want = n
				} else if n != want {
					b.Fatalf("blocks = %d; want %d as in the first iteration", n, want)
				}
			}
			cpu := cputime.Used() - cpu0
			b.ReportMetric(float64(size)*float64(b.N)/b.Elapsed().Seconds()/1e6, "MB/s")
			if cpu > 0 {
				b.ReportMetric(float64(size)*float64(b.N)/cpu.Seconds()/1e6, "cpu-MB/s")
			}
			b.ReportMetric(float64(want), "blocks/op")
		})
	}
}
