package ingest

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"

	"github.com/iq-search/iq/ingest/parse"
	"github.com/iq-search/iq/record"
)

// Options tune an ingest run. The zero value is ready to use.
type Options struct {
	// MaxFileSize is the largest file read, in bytes; larger files are
	// skipped as SkipTooLarge. Zero means DefaultMaxFileSize.
	MaxFileSize int64
	// Strict makes a file that could not be used an error (a *SkipError)
	// instead of only a Skip in the report. A file that was read but held
	// no question is not an error even then: folders of interview material
	// hold READMEs and licences.
	Strict bool
	// Taxonomy assigns topics and tags; nil means DefaultTaxonomy().
	Taxonomy *Taxonomy
}

func (o Options) maxSize() int64 {
	if o.MaxFileSize > 0 {
		return o.MaxFileSize
	}
	return DefaultMaxFileSize
}

// SkipError is returned by a Strict run that skipped files. The records and
// the report are returned beside it, complete.
type SkipError struct {
	Skipped []Skip
}

func (e *SkipError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "ingest: %d file", len(e.Skipped))
	if len(e.Skipped) != 1 {
		b.WriteByte('s')
	}
	b.WriteString(" skipped: ")
	for i, s := range e.Skipped {
		if i == 3 {
			fmt.Fprintf(&b, ", and %d more", len(e.Skipped)-3)
			break
		}
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "%s (%s: %s)", s.File, s.Reason, s.Detail)
	}
	return b.String()
}

// source is one file to read: where it came from and how to open it.
type source struct {
	name string // Source.File
	rel  string // path below the root, for topics and levels
	open func() (io.ReadCloser, int64, error)
	skip *Skip // set when the path already failed while walking
	size int64 // size seen while walking, to schedule big files first
}

// Paths ingests files and folders (recursively, in lexical order; hidden
// files and folders are left out). Source file names are the paths as given,
// joined with the path below a folder. A path that cannot be read is
// skipped and reported; the run goes on.
func Paths(ctx context.Context, paths []string, opts Options) ([]record.Record, *Report, error) {
	var srcs []source
	for _, p := range paths {
		info, err := os.Stat(p)
		if err != nil {
			srcs = append(srcs, source{name: p, skip: &Skip{File: p, Reason: SkipUnreadable, Detail: describeErr(err)}})
			continue
		}
		if !info.IsDir() {
			srcs = append(srcs, osSource(p, filepath.Base(p)))
			continue
		}
		root := p
		err = filepath.WalkDir(root, func(name string, d fs.DirEntry, err error) error {
			if err != nil {
				srcs = append(srcs, source{name: name, skip: &Skip{File: name, Reason: SkipUnreadable, Detail: describeErr(err)}})
				return nil
			}
			if name != root && strings.HasPrefix(d.Name(), ".") {
				if d.IsDir() {
					return filepath.SkipDir
				}
				return nil
			}
			if d.IsDir() {
				return ctx.Err()
			}
			rel, _ := filepath.Rel(root, name)
			src := osSource(name, path.Join(filepath.Base(filepath.Clean(root)), filepath.ToSlash(rel)))
			if info, err := d.Info(); err == nil {
				src.size = info.Size()
			}
			srcs = append(srcs, src)
			return nil
		})
		if err != nil {
			return nil, nil, fmt.Errorf("walk %s: %w", root, err)
		}
	}
	return run(ctx, srcs, opts)
}

func osSource(name, rel string) source {
	return source{name: name, rel: rel, open: func() (io.ReadCloser, int64, error) {
		return openRegular(func() (fs.File, error) { return os.Open(name) })
	}}
}

// openRegular opens a file and returns it with its size; anything but a
// regular file (a device, a pipe) is refused.
func openRegular(open func() (fs.File, error)) (io.ReadCloser, int64, error) {
	f, err := open()
	if err != nil {
		return nil, 0, err
	}
	info, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, 0, err
	}
	if !info.Mode().IsRegular() {
		f.Close()
		return nil, 0, fmt.Errorf("not a regular file (%s)", info.Mode().Type())
	}
	return f, info.Size(), nil
}

// FS ingests every file of fsys, walked from its root in lexical order
// (hidden files and folders left out). Source file names are relative to
// the root, as in corpus.FS().
func FS(ctx context.Context, fsys fs.FS, opts Options) ([]record.Record, *Report, error) {
	var srcs []source
	err := fs.WalkDir(fsys, ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil {
			srcs = append(srcs, source{name: name, skip: &Skip{File: name, Reason: SkipUnreadable, Detail: describeErr(err)}})
			return nil
		}
		if name != "." && strings.HasPrefix(d.Name(), ".") {
			if d.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		if d.IsDir() {
			return ctx.Err()
		}
		var size int64
		if info, err := d.Info(); err == nil {
			size = info.Size()
		}
		srcs = append(srcs, source{name: name, rel: name, size: size, open: func() (io.ReadCloser, int64, error) {
			return openRegular(func() (fs.File, error) { return fsys.Open(name) })
		}})
		return nil
	})
	if err != nil {
		return nil, nil, fmt.Errorf("walk file system: %w", err)
	}
	return run(ctx, srcs, opts)
}

// Bytes ingests one in-memory file as if read from name: the format comes
// from the name's extension and the content, as for files on disk.
func Bytes(ctx context.Context, name string, data []byte, opts Options) ([]record.Record, *Report, error) {
	return run(ctx, []source{{name: name, rel: name, open: func() (io.ReadCloser, int64, error) {
		return io.NopCloser(bytes.NewReader(data)), int64(len(data)), nil
	}}}, opts)
}

func describeErr(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		err = pe.Err
	}
	return err.Error()
}

// run reads and processes the sources on all cores, then merges their
// records in source order so that the output does not depend on timing.
func run(ctx context.Context, srcs []source, opts Options) ([]record.Record, *Report, error) {
	tax := opts.Taxonomy
	if tax == nil {
		tax = DefaultTaxonomy()
	}
	results := make([]fileResult, len(srcs))
	workers := min(runtime.GOMAXPROCS(0), len(srcs))
	next := make(chan int)
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				results[i] = ingestSource(srcs[i], opts, tax)
			}
		}()
	}
	// Big files go first so that the largest one does not run alone at
	// the end; results keep source order whatever the schedule.
	order := make([]int, len(srcs))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return cmp.Compare(srcs[b].size, srcs[a].size) })
	var ctxErr error
	for _, i := range order {
		if ctxErr = ctx.Err(); ctxErr != nil {
			break
		}
		next <- i
	}
	close(next)
	wg.Wait()
	if ctxErr != nil {
		return nil, nil, fmt.Errorf("ingest: %w", ctxErr)
	}

	rep := &Report{Skipped: []Skip{}, Dropped: []Drop{}, Warnings: []Warning{}}
	records := []record.Record{}
	byKey := map[string]int{}
	var hardSkips []Skip
	for _, res := range results {
		if res.read {
			rep.FilesRead++
		}
		if res.skip != nil {
			rep.Skipped = append(rep.Skipped, *res.skip)
			if res.skip.Reason != SkipNoQuestion {
				hardSkips = append(hardSkips, *res.skip)
			}
		}
		rep.Dropped = append(rep.Dropped, res.drops...)
		rep.Warnings = append(rep.Warnings, res.warns...)
		for _, r := range res.records {
			// Same normalised question, same ID: the ID is the merge key.
			key := r.ID
			i, seen := byKey[key]
			if !seen {
				byKey[key] = len(records)
				records = append(records, r)
				continue
			}
			// An exact repeat: one record keeps every answer and source.
			m := &records[i]
			m.Answers = append(m.Answers, r.Answers...)
			m.Sources = append(m.Sources, r.Sources...)
			if m.Level == "" {
				m.Level, m.LevelLabel = r.Level, r.LevelLabel
			}
			m.Topics = mergeSorted(m.Topics, r.Topics)
			m.Tags = mergeSorted(m.Tags, r.Tags)
			rep.Merged++
			rep.Dropped = append(rep.Dropped, Drop{File: r.Sources[0].File, Line: r.Sources[0].Line, Reason: DropDuplicate, Text: excerpt(r.Question)})
		}
	}
	rep.Records = len(records)
	if opts.Strict && len(hardSkips) > 0 {
		return records, rep, &SkipError{Skipped: hardSkips}
	}
	return records, rep, nil
}

// ingestSource reads, checks and parses one file and runs the per-file
// stages on it.
func ingestSource(src source, opts Options, tax *Taxonomy) fileResult {
	if src.skip != nil {
		return fileResult{skip: src.skip}
	}
	skip := func(r Reason, detail string) fileResult {
		return fileResult{skip: &Skip{File: src.name, Reason: r, Detail: detail}}
	}
	rc, size, err := src.open()
	if err != nil {
		return skip(SkipUnreadable, describeErr(err))
	}
	defer rc.Close()
	limit := opts.maxSize()
	if size > limit {
		return skip(SkipTooLarge, fmt.Sprintf("%d bytes, over the %d-byte limit", size, limit))
	}
	// Read into a buffer of the stated size plus bytes.MinRead, the free
	// space ReadFrom wants before each read (and room to see a file that
	// grew): io.ReadAll's doubling would allocate twice as much.
	buf := bytes.NewBuffer(make([]byte, 0, size+bytes.MinRead))
	_, err = buf.ReadFrom(io.LimitReader(rc, limit+1))
	data := buf.Bytes()
	if err != nil {
		return skip(SkipUnreadable, describeErr(err))
	}
	if int64(len(data)) > limit {
		return skip(SkipTooLarge, fmt.Sprintf("more than %d bytes", limit))
	}
	text, reason, detail := checkContent(data)
	if reason != "" {
		return skip(reason, detail)
	}
	doc := document{name: src.name, rel: src.rel, format: detectFormat(src.name, text)}
	if doc.rel == "" {
		doc.rel = src.name
	}
	doc.blocks, err = parseFormat(doc.format, text)
	if err != nil {
		return skip(SkipParse, fmt.Sprintf("parse %s: %v", doc.format, err))
	}
	res := process(doc, tax)
	if len(res.records) == 0 {
		res.skip = &Skip{File: src.name, Reason: SkipNoQuestion, Detail: fmt.Sprintf("%s, %d blocks, no question found", doc.format, len(doc.blocks))}
	}
	return res
}

// parseFormat runs the parser for a format, turning a parser panic into an
// error so that one bad file cannot stop a run.
func parseFormat(f Format, src []byte) (blocks []parse.Block, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("parser panic: %v", r)
		}
	}()
	switch f {
	case FormatMarkdown:
		return parse.Markdown(src)
	case FormatHTML:
		return parse.HTML(src)
	}
	return parseText(src), nil
}
