package pipeline

import (
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"github.com/iq-search/iq/ingest"

	"github.com/iq-search/iq/index"
	"github.com/iq-search/iq/query"
)

// OpenOptions say which index to open or build, and from what.
type OpenOptions struct {
	// IndexDir is the index directory; empty means the default index
	// directory (index.CacheDir). The package reads no environment: iq
	// passes $IQ_INDEX here.
	IndexDir string
	// Sources are files or folders for Build to index. With none, Build
	// refreshes the index from the sources it remembers (Origin).
	Sources []string
	// Embedded makes Build index the corpus embedded in iq.
	Embedded bool
	// Taxonomy and Synonyms name a topic and tag taxonomy (JSON, like
	// ingest/taxonomy.json) and a synonym list (like index/synonyms.txt)
	// for Build. The index remembers them; a refresh reuses them unless
	// others are given.
	Taxonomy, Synonyms string
	// Decisions names a maintainer's duplicate decisions (a JSON file,
	// dedup.Decisions) for Build, applied at this and every later build
	// of the index, which remembers the file.
	Decisions string
	// Repair lets Build restore the previous generation of a damaged
	// index whose sources are gone.
	Repair bool
	// Verify is how much Open checks the index's files (index.VerifyAuto
	// unless set).
	Verify index.Verification
	// Serving: the searcher serves requests for long, and its first
	// search counts the near-duplicate clusters' sizes, or takes them
	// from the stored duplicate features loaded by then, rather than
	// Open (query.SearcherOptions.LateClusterSizes).
	Serving bool
	// Stdin is what the source "-" reads (standard input), and Format,
	// when set, the format of every source (see ingest.Options). Neither
	// is remembered: an index of standard input cannot be refreshed.
	Stdin  io.Reader
	Format ingest.Format
	// Progress, when set, reports an index build: records done of total.
	Progress func(done, total int)
	// Notify, when set, is told what Open and Build do that the user did
	// not ask for in so many words: rebuilding an index for this iq from
	// its sources, rebuilding a damaged index of the embedded corpus,
	// waiting for another process's build.
	Notify func(msg string)
}

func (o OpenOptions) notify(format string, args ...any) {
	if o.Notify != nil {
		o.Notify(fmt.Sprintf(format, args...))
	}
}

// Error is an index that cannot be used as it is: the directory, what is
// wrong (wrapping index.ErrNotExist, ErrCorrupt, ErrVersionMismatch or
// another cause), and the command that fixes it.
type Error struct {
	Dir string
	Err error
	// Fix is the command line to run, or empty.
	Fix string
}

func (e *Error) Error() string { return e.Err.Error() }
func (e *Error) Unwrap() error { return e.Err }

// Dir returns the index directory for OpenOptions.IndexDir: dir when not
// empty, else the default index directory. named is false only for the
// default, the one directory iq fills with the embedded corpus by itself.
func Dir(dir string) (path string, named bool, err error) {
	if dir != "" {
		return dir, true, nil
	}
	d, err := index.CacheDir()
	return d, false, err
}

// indexFlag is the --index part of a command line for dir.
func indexFlag(dir string, named bool) string {
	if !named {
		return ""
	}
	if strings.ContainsAny(dir, " \t'\"$\\") {
		return fmt.Sprintf(" --index '%s'", strings.ReplaceAll(dir, "'", `'\''`))
	}
	return " --index " + dir
}

// Open opens the index for searching. Only the default index directory is
// built by itself, from the embedded corpus, when it is missing or holds an
// older build of that corpus. An index built from the user's files is
// never replaced by anything else: built by another iq version, it is
// rebuilt from the sources it remembers (saying so through Notify); damaged,
// it is an *Error saying how to repair it. A named directory (IndexDir set:
// --index, $IQ_INDEX) with no index in it is an *Error saying how to build
// one.
//
// With opts.Sources or opts.Embedded, Open opens the index of those and
// builds it first when the directory holds anything else (as Build would).
func Open(ctx context.Context, opts OpenOptions) (*query.Searcher, error) {
	dir, named, err := Dir(opts.IndexDir)
	if err != nil {
		return nil, err
	}
	if len(opts.Sources) > 0 || opts.Embedded {
		return openOf(ctx, dir, named, opts)
	}
	ix, err := openCurrent(dir, opts.Verify)
	if err == nil {
		return newSearcherOrClose(ix, opts)
	}
	origin, notice, err := rebuildPlan(dir, named, err)
	if err != nil {
		return nil, err
	}
	w, err := lock(ctx, dir, opts)
	if err != nil {
		return nil, err
	}
	defer w.Close()
	// Another process may have built it while this one waited.
	if ix, err := openCurrent(dir, opts.Verify); err == nil {
		return newSearcherOrClose(ix, opts)
	}
	if notice != "" {
		opts.notify("%s", notice)
	}
	if _, err := build(ctx, w, origin, opts); err != nil {
		return nil, err
	}
	ix, err = index.OpenVerify(dir, opts.Verify)
	if err != nil {
		return nil, err
	}
	return newSearcherOrClose(ix, opts)
}

// openOf opens the index of opts.Sources or the embedded corpus in dir,
// building it when dir holds another.
func openOf(ctx context.Context, dir string, named bool, opts OpenOptions) (*query.Searcher, error) {
	origin, err := buildOrigin(dir, named, opts)
	if err != nil {
		return nil, err
	}
	fp := origin.fingerprint()
	of := func() (*index.Index, error) {
		ix, err := openCurrent(dir, opts.Verify)
		if err == nil && ix.Meta().Fingerprint != fp {
			ix.Close()
			return nil, errors.New("another index")
		}
		return ix, err
	}
	if ix, err := of(); err == nil {
		return newSearcherOrClose(ix, opts)
	}
	w, err := lock(ctx, dir, opts)
	if err != nil {
		return nil, err
	}
	defer w.Close()
	if ix, err := of(); err == nil {
		return newSearcherOrClose(ix, opts)
	}
	if _, err := build(ctx, w, origin, opts); err != nil {
		return nil, err
	}
	ix, err := index.OpenVerify(dir, opts.Verify)
	if err != nil {
		return nil, err
	}
	return newSearcherOrClose(ix, opts)
}

// errStaleEmbedded: the index holds a build of another version of the
// embedded corpus.
var errStaleEmbedded = errors.New("an older build of the embedded corpus")

// openCurrent opens the index in dir, failing with errStaleEmbedded when it
// holds another version of the embedded corpus.
func openCurrent(dir string, v index.Verification) (*index.Index, error) {
	ix, err := index.OpenVerify(dir, v)
	if err != nil {
		return nil, err
	}
	if o, _ := originOf(ix.Meta()); o.Embedded && ix.Meta().Fingerprint != embeddedFingerprint() {
		ix.Close()
		return nil, errStaleEmbedded
	}
	return ix, nil
}

// builtBy names what built an index of another version for a notice: the
// iq version, and when that is this iq's own (a development build, or an
// index whose layout changed without a release), the index format and
// mapping that differ, with the mapping's hash (index.MappingHash: a
// mapping changed without its version bumped differs there only), so the
// notice never reads "built by iq X" to iq X.
func builtBy(m index.Meta) string {
	if m.IQVersion != index.Version() {
		return "iq " + m.IQVersion
	}
	return fmt.Sprintf("iq %s with index format %d and mapping %d, hash %s (this iq writes format %d, mapping %d, hash %s)",
		m.IQVersion, m.Format, m.MappingVersion, m.MappingHash, index.Format, index.MappingVersion, index.MappingHash())
}

// rebuildPlan decides what Open rebuilds an index that did not open from,
// and what to tell the user; or returns the error to report.
func rebuildPlan(dir string, named bool, openErr error) (Origin, string, error) {
	switch {
	case errors.Is(openErr, errStaleEmbedded):
		return Origin{Embedded: true}, "", nil
	case errors.Is(openErr, index.ErrNotExist) && !named:
		return Origin{Embedded: true}, "", nil
	case errors.Is(openErr, index.ErrNotExist):
		return Origin{}, "", &Error{Dir: dir, Err: fmt.Errorf("%w at %s", index.ErrNotExist, dir),
			Fix: "iq index PATH..." + indexFlag(dir, named) + "   (your files and folders of questions)"}
	case errors.Is(openErr, index.ErrVersionMismatch):
		m, err := index.ReadMeta(dir)
		if err != nil {
			return Origin{}, "", &Error{Dir: dir, Err: openErr, Fix: "iq index PATH..." + indexFlag(dir, named)}
		}
		o, known := originOf(m)
		switch {
		case o.Embedded:
			return o, "", nil
		case !known:
			return Origin{}, "", &Error{Dir: dir,
				Err: fmt.Errorf("index %s was built by %s, which did not record its sources, and this iq cannot read it", dir, builtBy(m)),
				Fix: "iq index PATH..." + indexFlag(dir, named) + "   (the files and folders it was built from)"}
		}
		if err := o.checkSources(); err != nil {
			return Origin{}, "", &Error{Dir: dir,
				Err: fmt.Errorf("index %s was built by %s and cannot be rebuilt for this iq: %w", dir, builtBy(m), err),
				Fix: "iq index PATH..." + indexFlag(dir, named)}
		}
		return o, fmt.Sprintf("index %s was built by %s; rebuilding it from its sources (%s)", dir, builtBy(m), o.describe()), nil
	case errors.Is(openErr, index.ErrCorrupt):
		if o, known := lastOrigin(dir); known && o.Embedded {
			return o, fmt.Sprintf("index %s is damaged (%v); rebuilding it from the embedded corpus", dir, openErr), nil
		}
		return Origin{}, "", &Error{Dir: dir, Err: openErr, Fix: "iq index --repair" + indexFlag(dir, named)}
	}
	return Origin{}, "", openErr
}

// lastOrigin reads what the index in dir was built from: from its current
// metadata, or from the previous generation's when that is damaged.
func lastOrigin(dir string) (Origin, bool) {
	m, err := index.ReadMeta(dir)
	if err != nil {
		if m, err = index.PreviousMeta(dir); err != nil {
			return Origin{}, false
		}
	}
	return originOf(m)
}

func newSearcherOrClose(ix *index.Index, opts OpenOptions) (*query.Searcher, error) {
	s, err := query.NewSearcherOptions(ix, query.SearcherOptions{LateClusterSizes: opts.Serving})
	if err != nil {
		ix.Close()
		return nil, err
	}
	s.UseStoredFeatures(buildID)
	return s, nil
}

// lock takes the index directory's writers' lock, saying so when another
// process holds it.
func lock(ctx context.Context, dir string, opts OpenOptions) (*index.Writer, error) {
	w, err := index.Lock(ctx, dir, func() {
		opts.notify("waiting for another iq to finish building %s", dir)
	})
	if err != nil {
		return nil, err
	}
	return w, nil
}

// Check reads every file of the index against its checksums and decodes
// every record (iq index --check).
func Check(ctx context.Context, opts OpenOptions) (*index.Meta, error) {
	dir, named, err := Dir(opts.IndexDir)
	if err != nil {
		return nil, err
	}
	if err := index.Check(ctx, dir); err != nil {
		fix := "iq index --repair" + indexFlag(dir, named)
		if errors.Is(err, index.ErrNotExist) || errors.Is(err, index.ErrNotIndex) {
			fix = ""
		}
		return nil, &Error{Dir: dir, Err: err, Fix: fix}
	}
	m, err := index.ReadMeta(dir)
	if err != nil {
		return nil, err
	}
	return &m, nil
}

// absPath resolves a file name given on the command line.
func absPath(p string) (string, error) {
	if p == "" || p == ingest.Stdin || ingest.IsURL(p) {
		return p, nil // not a file: standard input and web pages stay as given
	}
	a, err := filepath.Abs(p)
	if err != nil {
		return "", fmt.Errorf("resolve %s: %w", p, err)
	}
	return a, nil
}
