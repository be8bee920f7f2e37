package ingest

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"os"
	"path"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/iq-search/iq/ingest/parse"
	"github.com/iq-search/iq/internal/regular"
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
	// Format, when set, is the format of every source, in place of the
	// one its name, content type and content suggest.
	Format Format
	// Stdin is what the source Stdin ("-") reads; nil reads nothing.
	Stdin io.Reader
	// FetchTimeout bounds the fetch of one web page (DefaultFetchTimeout
	// when 0); HTTPClient fetches them (http.DefaultClient when nil).
	FetchTimeout time.Duration
	HTTPClient   *http.Client
	// Explain records in Report.Fates what became of every block and by
	// which rule (iq ingest --explain). It costs memory; off by default.
	Explain bool
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
	// fetch, when set, reads the source instead of open: a web page or
	// standard input, with the format its content type names (or 0).
	fetch func(context.Context) ([]byte, Format, *Skip)
	// detect is the name the format is guessed from, when not name (a
	// page's URL path).
	detect string
	name   string // Source.File
	rel    string // path below the root, for topics and levels
	open   func() (io.ReadCloser, int64, error)
	skip   *Skip // set when the path already failed while walking
	size   int64 // size seen while walking, to schedule big files first
}

// Paths ingests files and folders (recursively, in lexical order; hidden
// files and folders are left out). Source file names are the paths as given,
// joined with the path below a folder. A path that cannot be read is
// skipped and reported; the run goes on. It is Walk, ReadFiles and Merge.
func Paths(ctx context.Context, paths []string, opts Options) ([]record.Record, *Report, error) {
	files, err := Walk(ctx, paths)
	if err != nil {
		return nil, nil, err
	}
	results, err := ReadFiles(ctx, files, opts)
	if err != nil {
		return nil, nil, err
	}
	return Merge(results, opts)
}

// File is one file of a run, as Walk finds it.
type File struct {
	// Name is the Source.File of its records: the path as given, joined
	// with the path below a folder.
	Name string `json:"name"`
	// Path is where the file is read from, when not Name (WalkRoots).
	Path string `json:"path,omitempty"`
	// Rel is the path below the folder's parent (or the file's base
	// name), read for topics and levels.
	Rel     string    `json:"rel"`
	Size    int64     `json:"size"`
	ModTime time.Time `json:"mod_time"`
	// Skip is set when the path could not be walked.
	Skip *Skip `json:"skip,omitempty"`
}

// Walk lists the files Paths reads, in its order: each path that is a file,
// and the files below each folder (lexical order; hidden files and folders
// left out). A path that cannot be read is listed with its Skip.
func Walk(ctx context.Context, paths []string) ([]File, error) {
	roots := make([]Root, len(paths))
	for i, p := range paths {
		roots[i] = Root{Path: p, Name: p}
	}
	return WalkRoots(ctx, roots)
}

// Root is a file or folder to walk, read at Path and named Name in
// records: what was given on a command line, read again later from
// another working directory.
type Root struct {
	Path string `json:"path"`
	Name string `json:"name"`
}

// WalkRoots is Walk over roots read at one path and named by another.
func WalkRoots(ctx context.Context, roots []Root) ([]File, error) {
	var files []File
	for _, r := range roots {
		p := r.Name
		switch {
		case r.Path == Stdin:
			files = append(files, File{Name: p, Path: r.Path, Rel: "stdin"})
			continue
		case IsURL(r.Path):
			files = append(files, File{Name: p, Path: r.Path, Rel: urlRel(r.Path)})
			continue
		}
		info, err := os.Stat(r.Path)
		if err != nil {
			files = append(files, File{Name: p, Path: r.Path, Skip: &Skip{File: p, Reason: SkipUnreadable, Detail: describeErr(err)}})
			continue
		}
		if !info.IsDir() {
			if skip := irregular(p, info.Mode()); skip != nil {
				files = append(files, File{Name: p, Path: r.Path, Skip: skip})
				continue
			}
			files = append(files, File{Name: p, Path: r.Path, Rel: filepath.Base(p), Size: info.Size(), ModTime: info.ModTime()})
			continue
		}
		root := r.Path
		err = filepath.WalkDir(root, func(at string, d fs.DirEntry, err error) error {
			rel, _ := filepath.Rel(root, at)
			name := filepath.Join(p, rel)
			skip, read, next := visit(ctx, name, at == root, d, err)
			if skip != nil {
				files = append(files, File{Name: name, Path: at, Skip: skip})
			}
			if !read {
				return next
			}
			f := File{Name: name, Path: at, Rel: path.Join(filepath.Base(filepath.Clean(p)), filepath.ToSlash(rel))}
			if info, err := d.Info(); err == nil {
				f.Size, f.ModTime = info.Size(), info.ModTime()
			}
			files = append(files, f)
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("walk %s: %w", root, err)
		}
	}
	return files, nil
}

// FileResult is what one file contributes to a run before exact repeats
// across files are merged: kept by callers that re-ingest only the files
// that changed (package pipeline) and merged again with Merge.
type FileResult struct {
	Records  []record.Record `json:"records"`
	Drops    []Drop          `json:"drops"`
	Warnings []Warning       `json:"warnings"`
	Skip     *Skip           `json:"skip,omitempty"`
	Read     bool            `json:"read"`
	// Fates is what became of every block, with Options.Explain only.
	Fates []Fate `json:"fates,omitempty"`
}

// ReadFiles reads and processes files (from Walk) on all cores, one result
// per file, in order.
func ReadFiles(ctx context.Context, files []File, opts Options) ([]FileResult, error) {
	srcs := make([]source, len(files))
	for i, f := range files {
		at := f.Path
		if at == "" {
			at = f.Name
		}
		srcs[i] = osSource(f.Name, f.Rel)
		srcs[i].open = osSource(at, f.Rel).open
		srcs[i].size, srcs[i].skip = f.Size, f.Skip
		switch {
		case at == Stdin:
			srcs[i].fetch = func(context.Context) ([]byte, Format, *Skip) { return readStdin(f.Name, opts) }
		case IsURL(at):
			srcs[i].detect = urlName(at)
			srcs[i].fetch = func(ctx context.Context) ([]byte, Format, *Skip) {
				client, timeout := opts.HTTPClient, opts.FetchTimeout
				if client == nil {
					client = http.DefaultClient
				}
				if timeout <= 0 {
					timeout = DefaultFetchTimeout
				}
				data, format, skip := fetchPage(ctx, client, timeout, opts.maxSize(), at)
				if skip != nil {
					skip.File = f.Name
				}
				return data, format, skip
			}
		}
	}
	results, err := readAll(ctx, srcs, opts)
	if err != nil {
		return nil, err
	}
	out := make([]FileResult, len(results))
	for i, r := range results {
		out[i] = FileResult{Records: r.records, Drops: r.drops, Warnings: r.warns, Skip: r.skip, Read: r.read, Fates: r.fates}
	}
	return out, nil
}

// Merge merges the results of a run's files in order: exact repeats become
// one record with every answer and source, and the report counts it all. It
// does not modify the results, so they can be merged again.
func Merge(results []FileResult, opts Options) ([]record.Record, *Report, error) {
	in := make([]fileResult, len(results))
	for i, r := range results {
		in[i] = fileResult{records: r.Records, drops: r.Drops, warns: r.Warnings, skip: r.Skip, read: r.Read, fates: r.Fates}
	}
	return merge(in, opts)
}

func osSource(name, rel string) source {
	return source{name: name, rel: rel, open: func() (io.ReadCloser, int64, error) {
		f, size, err := regular.Open(name)
		if err != nil {
			return nil, 0, err
		}
		return f, size, nil
	}}
}

// irregular returns the skip of a path whose type (from a directory entry
// or a stat, before any open) is not a regular file, or nil. A symbolic
// link passes: what it points to is checked when opened (regular.Open).
// Opening a named pipe for reading blocks until a writer comes, forever
// in an input folder (issue 16), and a device or socket is no document.
func irregular(name string, mode fs.FileMode) *Skip {
	t := mode.Type()
	if t == 0 || t&fs.ModeSymlink != 0 || t&fs.ModeDir != 0 {
		return nil
	}
	return &Skip{File: name, Reason: SkipUnreadable, Detail: regular.Describe(t)}
}

// openRegular opens a file of an fs.FS and returns it with its size;
// anything but a regular file (a device, a pipe) is refused, as
// regular.Open does for a path.
func openRegular(open func() (fs.File, error)) (io.ReadCloser, int64, error) {
	f, err := open()
	if err != nil {
		return nil, 0, err
	}
	size, err := regular.Check(f)
	if err != nil {
		f.Close()
		return nil, 0, err
	}
	return f, size, nil
}

// FS ingests every file of fsys, walked from its root in lexical order
// (hidden files and folders left out). Source file names are relative to
// the root, as in corpus.FS().
func FS(ctx context.Context, fsys fs.FS, opts Options) ([]record.Record, *Report, error) {
	var srcs []source
	err := fs.WalkDir(fsys, ".", func(name string, d fs.DirEntry, err error) error {
		skip, read, next := visit(ctx, name, name == ".", d, err)
		if skip != nil {
			srcs = append(srcs, source{name: name, skip: skip})
		}
		if !read {
			return next
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

// visit applies the rules of a folder walk (WalkRoots' and FS's) to the
// entry d, named name, that the walk reached with err: an entry that could
// not be read is a skip, a hidden file or folder below the root is left
// out, a folder is entered unless ctx is done, a file that is not regular
// is a skip. It returns the skip to report if any, whether d is a file to
// read, and what the walk function returns.
func visit(ctx context.Context, name string, root bool, d fs.DirEntry, err error) (skip *Skip, read bool, next error) {
	switch {
	case err != nil:
		return &Skip{File: name, Reason: SkipUnreadable, Detail: describeErr(err)}, false, nil
	case !root && strings.HasPrefix(d.Name(), "."):
		if d.IsDir() {
			return nil, false, fs.SkipDir
		}
		return nil, false, nil
	case d.IsDir():
		return nil, false, ctx.Err()
	}
	if skip := irregular(name, d.Type()); skip != nil {
		return skip, false, nil
	}
	return nil, true, nil
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
	if opts.Format != 0 && opts.Format.spec() == nil {
		return nil, nil, fmt.Errorf("ingest: unknown format %d, want one of %s", opts.Format, strings.Join(FormatNames(), ", "))
	}
	results, err := readAll(ctx, srcs, opts)
	if err != nil {
		return nil, nil, err
	}
	return merge(results, opts)
}

// readAll reads and processes the sources on all cores; the results keep
// source order.
func readAll(ctx context.Context, srcs []source, opts Options) ([]fileResult, error) {
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
				results[i] = ingestSource(ctx, srcs[i], opts, tax)
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
		return nil, fmt.Errorf("ingest: %w", ctxErr)
	}
	return results, nil
}

// merge merges file results in order (see Merge).
func merge(results []fileResult, opts Options) ([]record.Record, *Report, error) {
	rep := &Report{Skipped: []Skip{}, Dropped: []Drop{}, Warnings: []Warning{}}
	// Sized for the records of all files: growing by doubling copied
	// every record a few times over.
	n, drops := 0, 0
	for _, res := range results {
		n += len(res.records)
		drops += len(res.drops)
	}
	records := make([]record.Record, 0, n)
	byKey := make(map[string]int, n)
	rep.Dropped = make([]Drop, 0, drops)
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
		rep.Fates = append(rep.Fates, res.fates...)
		for _, r := range res.records {
			// Same normalised question, same ID: the ID is the merge key.
			key := r.ID
			i, seen := byKey[key]
			if !seen {
				byKey[key] = len(records)
				// Clipped, so that appending a repeat's answers copies
				// them rather than writing into the file result's arrays.
				r.Answers, r.Sources = slices.Clip(r.Answers), slices.Clip(r.Sources)
				r.Topics, r.Tags = slices.Clip(r.Topics), slices.Clip(r.Tags)
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
func ingestSource(ctx context.Context, src source, opts Options, tax *Taxonomy) fileResult {
	if src.skip != nil {
		return fileResult{skip: src.skip}
	}
	skip := func(r Reason, detail string) fileResult {
		return fileResult{skip: &Skip{File: src.name, Reason: r, Detail: detail}}
	}
	data, hint, sk := readSource(ctx, src, opts)
	if sk != nil {
		return fileResult{skip: sk}
	}
	text, reason, detail := checkContent(data)
	if reason != "" {
		return skip(reason, detail)
	}
	format := opts.Format
	if format == 0 {
		format = hint
	}
	if format == 0 {
		name := src.name
		if src.fetch != nil {
			name = src.detect
		}
		format = detectFormat(name, text)
	}
	doc := document{name: src.name, rel: src.rel, format: format}
	if doc.rel == "" {
		doc.rel = src.name
	}
	if format.spec().records != nil {
		res, err := readRecords(doc, text, tax)
		var se schemaError
		switch {
		case errors.As(err, &se):
			return skip(SkipSchema, se.Error())
		case err != nil:
			return skip(SkipParse, fmt.Sprintf("parse %s: %v", format, err))
		}
		return res
	}
	var err error
	doc.blocks, err = parseFormat(doc.format, text)
	if err != nil {
		return skip(SkipParse, fmt.Sprintf("parse %s: %v", doc.format, err))
	}
	res := process(doc, tax, opts.Explain)
	if len(res.records) == 0 {
		res.skip = &Skip{File: src.name, Reason: SkipNoQuestion, Detail: fmt.Sprintf("%s, %d blocks, no question found", doc.format, len(doc.blocks))}
	}
	return res
}

// readRecords reads a records file, turning a panic into an error as
// parseFormat does; a file without records holds no question.
func readRecords(doc document, text []byte, tax *Taxonomy) (res fileResult, err error) {
	defer func() {
		if r := recover(); r != nil {
			res, err = fileResult{}, fmt.Errorf("internal error: %v", r)
		}
	}()
	var (
		recs  []record.Record
		lines []int
		drops []Drop
	)
	if recs, lines, drops, err = doc.format.spec().records(doc.name, text); err != nil {
		return fileResult{}, err
	}
	res = recordsResult(doc, recs, lines, drops, tax)
	if len(res.records) == 0 {
		res.skip = &Skip{File: doc.name, Reason: SkipNoQuestion, Detail: fmt.Sprintf("%s, %d lines dropped, no record", doc.format, len(res.drops))}
	}
	return res, nil
}

// readSource reads a source whole, at most opts.maxSize() bytes, with the
// format its content type names when it has one.
func readSource(ctx context.Context, src source, opts Options) ([]byte, Format, *Skip) {
	skip := func(r Reason, detail string) ([]byte, Format, *Skip) {
		return nil, 0, &Skip{File: src.name, Reason: r, Detail: detail}
	}
	if src.fetch != nil {
		return src.fetch(ctx)
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
	if err != nil {
		return skip(SkipUnreadable, describeErr(err))
	}
	if int64(buf.Len()) > limit {
		return skip(SkipTooLarge, fmt.Sprintf("more than %d bytes", limit))
	}
	return buf.Bytes(), 0, nil
}

// stdinOnce serialises reads of standard input: "-" given twice reads it
// once, and the second finds it empty.
var stdinOnce sync.Mutex

// readStdin reads opts.Stdin whole, at most opts.maxSize() bytes.
func readStdin(name string, opts Options) ([]byte, Format, *Skip) {
	if opts.Stdin == nil {
		return nil, 0, &Skip{File: name, Reason: SkipUnreadable, Detail: "no standard input to read"}
	}
	stdinOnce.Lock()
	defer stdinOnce.Unlock()
	limit := opts.maxSize()
	var buf bytes.Buffer
	if _, err := buf.ReadFrom(io.LimitReader(opts.Stdin, limit+1)); err != nil {
		return nil, 0, &Skip{File: name, Reason: SkipUnreadable, Detail: "read standard input: " + err.Error()}
	}
	if int64(buf.Len()) > limit {
		return nil, 0, &Skip{File: name, Reason: SkipTooLarge, Detail: fmt.Sprintf("more than %d bytes", limit)}
	}
	return buf.Bytes(), 0, nil
}

// parseFormat runs the parser for a format, turning a parser panic into an
// error so that one bad file cannot stop a run.
func parseFormat(f Format, src []byte) (blocks []parse.Block, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("parser panic: %v", r)
		}
	}()
	return f.spec().blocks(src)
}
