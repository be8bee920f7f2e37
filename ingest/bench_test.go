package ingest

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime/debug"
	"slices"
	"testing"

	"github.com/iq-search/iq/ingest/parse"
	"github.com/iq-search/iq/internal/cputime"
)

// BenchmarkIngest ingests all of ../shared/corpora per iteration and reports
// MB/s of source read, records/s and MB per CPU-second. It fails if the record count drifts
// from the count measured when the benchmark was last reviewed.
//
//	go test ./ingest -run '^$' -bench Ingest -benchtime 10x
func BenchmarkIngest(b *testing.B) {
	dir := filepath.Join(sharedDir(b), "corpora")
	var size int64
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			if info, err := d.Info(); err == nil {
				size += info.Size()
			}
		}
		return err
	})
	if err != nil {
		b.Fatal(err)
	}
	// Warm the page cache so the first iteration does not measure the disk.
	if _, _, err := Paths(context.Background(), []string{dir}, Options{}); err != nil {
		b.Fatal(err)
	}
	// The garbage collector takes a large share: the live heap is small
	// and each run allocates about 55 MB. gogc=400 is what iq ingest sets
	// for its batch run (see cmd/iq/ingest.go).
	for _, gogc := range []int{100, 400} {
		b.Run(fmt.Sprintf("gogc=%d", gogc), func(b *testing.B) {
			defer debug.SetGCPercent(debug.SetGCPercent(gogc))
			const wantRecords = benchCorporaRecords
			records := 0
			cpu0 := cputime.Used()
			for b.Loop() {
				recs, _, err := Paths(context.Background(), []string{dir}, Options{})
				if err != nil {
					b.Fatal(err)
				}
				records = len(recs)
			}
			if records != wantRecords {
				b.Fatalf("ingest %s = %d records; want %d (update benchCorporaRecords after reviewing the change)", dir, records, wantRecords)
			}
			cpu := (cputime.Used() - cpu0).Seconds() / float64(b.N)
			sec := b.Elapsed().Seconds() / float64(b.N)
			b.ReportMetric(float64(size)/1e6/sec, "MB/s")
			b.ReportMetric(float64(records)/sec, "records/s")
			if cpu > 0 {
				// On a shared machine wall-clock MB/s depends on the
				// neighbours; MB per CPU-second does not (much).
				b.ReportMetric(float64(size)/1e6/cpu, "MB/cpu-s")
			}
		})
	}
}

// benchCorporaRecords is the record count of ../shared/corpora.
const benchCorporaRecords = 2412

// BenchmarkIngestFile measures single files by size and format.
func BenchmarkIngestFile(b *testing.B) {
	dir := filepath.Join(sharedDir(b), "corpora")
	for _, tt := range []struct{ name, file string }{
		{"md-500KB", "sudheerj__reactjs-interview-questions/README.md"},
		{"md-35KB", "Devinterview-io__python-interview-questions/README.md"},
		{"html-100KB", "html-pages/javatpoint__corejava-interview-questions.html"},
	} {
		data, err := os.ReadFile(filepath.Join(dir, tt.file))
		if err != nil {
			b.Fatal(err)
		}
		b.Run(tt.name, func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			for b.Loop() {
				if _, _, err := Bytes(context.Background(), tt.file, data, Options{}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
	data, err := fs.ReadFile(os.DirFS(filepath.Join("..", "corpus")), seedBlog)
	if err != nil {
		b.Fatal(err)
	}
	b.Run("text-22KB", func(b *testing.B) {
		b.SetBytes(int64(len(data)))
		for b.Loop() {
			if _, _, err := Bytes(context.Background(), seedBlog, data, Options{}); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkIngestStages measures the per-file stages over every Markdown,
// HTML and text file of ../shared/corpora, one stage at a time: parse,
// noise stripping, segmentation and the whole of process (noise,
// segmentation, records, levels, topics, tags, languages). MB/s is of the
// files' source, so the stages' figures compare with each other and with
// BenchmarkIngest.
//
//	go test ./ingest -run '^$' -bench IngestStages -cpu 1
func BenchmarkIngestStages(b *testing.B) {
	dir := filepath.Join(sharedDir(b), "corpora")
	type file struct {
		doc  document
		text []byte
	}
	var files []file
	var size int64
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		text, reason, _ := checkContent(data)
		if reason != "" {
			return nil
		}
		f := detectFormat(p, text)
		if f == FormatJSONL || f == FormatCSV {
			return nil
		}
		rel, _ := filepath.Rel(dir, p)
		files = append(files, file{document{name: p, rel: filepath.ToSlash(rel), format: f}, text})
		size += int64(len(data))
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	parsed := make([][]parse.Block, len(files))
	kept := make([][]parse.Block, len(files))
	for i, f := range files {
		if parsed[i], err = parseFormat(f.doc.format, f.text); err != nil {
			b.Fatal(err)
		}
		kept[i], _, _ = filterNoise(f.doc.name, slices.Clone(parsed[i]))
	}
	tax := DefaultTaxonomy()
	stage := func(name string, run func(i int)) {
		b.Run(name, func(b *testing.B) {
			cpu0 := cputime.Used()
			for b.Loop() {
				for i := range files {
					run(i)
				}
			}
			cpu := (cputime.Used() - cpu0).Seconds() / float64(b.N)
			b.ReportMetric(float64(size)/1e6/(b.Elapsed().Seconds()/float64(b.N)), "MB/s")
			if cpu > 0 {
				b.ReportMetric(float64(size)/1e6/cpu, "MB/cpu-s")
			}
		})
	}
	var sink int
	stage("parse", func(i int) {
		blocks, _ := parseFormat(files[i].doc.format, files[i].text)
		sink += len(blocks)
	})
	stage("noise", func(i int) {
		k, _, _ := filterNoise(files[i].doc.name, slices.Clone(parsed[i]))
		sink += len(k)
	})
	stage("segment", func(i int) {
		sink += len(segmentBlocks(slices.Clone(kept[i])).segments)
	})
	stage("process", func(i int) {
		doc := files[i].doc
		doc.blocks = slices.Clone(parsed[i])
		sink += len(process(doc, tax, false).records)
	})
	_ = sink
}
