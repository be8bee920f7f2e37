package pipeline

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/iq-search/iq/corpus"
	"github.com/iq-search/iq/dedup"
	"github.com/iq-search/iq/index"
	"github.com/iq-search/iq/ingest"
	"github.com/iq-search/iq/query"
	"github.com/iq-search/iq/record"
)

// OpenOptions say which index to search and how to make it when it is
// missing.
type OpenOptions struct {
	// IndexDir is the index directory; empty means $IQ_INDEX, else the
	// per-user default (index.DefaultDir).
	IndexDir string
	// Sources are files or folders to index instead of the embedded
	// corpus (used by Build; Open builds from them when the index is
	// missing).
	Sources []string
	// Progress, when set, reports an index build: records done of total.
	Progress func(done, total int)
}

// sourcesPrefix marks the fingerprint of an index built from files given on
// the command line, so Open can tell it from an index of the embedded
// corpus that is merely out of date.
const sourcesPrefix = "sources:"

// prepVersion names how LoadRecords prepares records beyond ingest (today:
// near-duplicate clusters). It is part of the embedded corpus's
// fingerprint, so an index built before a change to it is rebuilt.
const prepVersion = "+clusters1"

// fingerprint identifies what an index is built from: the embedded corpus
// (with no sources) or the given files and folders.
func fingerprint(sources []string) (string, error) {
	if len(sources) > 0 {
		return sourcesFingerprint(sources)
	}
	return corpus.Fingerprint() + prepVersion, nil
}

// Dir returns the index directory Open uses: dir when not empty, else
// $IQ_INDEX, else the per-user default.
func Dir(dir string) (string, error) {
	if dir != "" {
		return dir, nil
	}
	return index.DefaultDir()
}

// Open opens the index for searching, building it first when needed so that
// a fresh clone just works: with no Sources, an index that is missing,
// corrupt, from another iq version, or from another version of the embedded
// corpus is (re)built from the embedded corpus; an index the user built from
// their own files (iq index PATH...) is searched as it is. With Sources, the
// index is rebuilt when it was built from other sources.
func Open(ctx context.Context, opts OpenOptions) (*query.Searcher, error) {
	dir, err := Dir(opts.IndexDir)
	if err != nil {
		return nil, err
	}
	fp, err := fingerprint(opts.Sources)
	if err != nil {
		return nil, err
	}
	// With sources, Ensure below rebuilds unless built from them.
	if len(opts.Sources) == 0 {
		if ix, err := index.Open(dir); err == nil {
			if m := ix.Meta(); m.Fingerprint == fp || strings.HasPrefix(m.Fingerprint, sourcesPrefix) {
				return newSearcherOrClose(ix)
			}
			ix.Close()
		}
	}
	ix, err := index.Open(dir)
	switch {
	case err == nil && ix.Meta().Fingerprint == fp:
		return newSearcherOrClose(ix)
	case err == nil:
		ix.Close()
	case errors.Is(err, index.ErrNotExist), errors.Is(err, index.ErrVersionMismatch), errors.Is(err, index.ErrCorrupt):
	default:
		return nil, err
	}
	recs, _, err := LoadRecords(ctx, opts.Sources)
	if err != nil {
		return nil, fmt.Errorf("load records for index %s: %w", dir, err)
	}
	if err := index.Build(ctx, dir, recs, index.BuildOptions{Fingerprint: fp, Progress: opts.Progress}); err != nil {
		return nil, err
	}
	if ix, err = index.Open(dir); err != nil {
		return nil, err
	}
	return newSearcherOrClose(ix)
}

func newSearcherOrClose(ix *index.Index) (*query.Searcher, error) {
	s, err := query.NewSearcher(ix)
	if err != nil {
		ix.Close()
		return nil, err
	}
	return s, nil
}

// BuildReport says what Build indexed.
type BuildReport struct {
	Dir     string         `json:"dir"`
	Records int            `json:"records"`
	Ingest  *ingest.Report `json:"ingest"`
	Took    time.Duration  `json:"took_ns"`
}

// Build (re)builds the index from opts.Sources, or from the embedded corpus
// when there are none, whatever is there now. The new index replaces the old
// one only when complete.
func Build(ctx context.Context, opts OpenOptions) (*BuildReport, error) {
	start := time.Now()
	dir, err := Dir(opts.IndexDir)
	if err != nil {
		return nil, err
	}
	fp, err := fingerprint(opts.Sources)
	if err != nil {
		return nil, err
	}
	recs, rep, err := LoadRecords(ctx, opts.Sources)
	if err != nil {
		return nil, err
	}
	if len(recs) == 0 {
		return nil, fmt.Errorf("build index %s: %w", dir, errNoRecords(opts.Sources, rep))
	}
	if err := index.Build(ctx, dir, recs, index.BuildOptions{Fingerprint: fp, Progress: opts.Progress}); err != nil {
		return nil, err
	}
	return &BuildReport{Dir: dir, Records: len(recs), Ingest: rep, Took: time.Since(start)}, nil
}

func errNoRecords(sources []string, rep *ingest.Report) error {
	if rep != nil && len(rep.Skipped) > 0 {
		return fmt.Errorf("no questions found in %v (%d files skipped, first: %s: %s)", sources, len(rep.Skipped), rep.Skipped[0].File, rep.Skipped[0].Reason)
	}
	return errors.New("no questions found in " + fmt.Sprint(sources))
}

// LoadRecords ingests the given files and folders, or the embedded corpus
// when there are none, into the records an index is built from. It is the
// one place records are prepared for indexing.
func LoadRecords(ctx context.Context, sources []string) ([]record.Record, *ingest.Report, error) {
	var (
		recs []record.Record
		rep  *ingest.Report
		err  error
	)
	if len(sources) == 0 {
		recs, rep, err = ingest.FS(ctx, corpus.FS(), ingest.Options{})
	} else {
		recs, rep, err = ingest.Paths(ctx, sources, ingest.Options{})
	}
	if err != nil {
		return nil, rep, fmt.Errorf("ingest: %w", err)
	}
	// Near-duplicates get one cluster ID, stored in the index, so that
	// Search shows one hit per cluster (unless Request.All) while facet
	// counts still count records.
	dedup.Assign(recs, dedup.Find(recs, dedup.Options{}))
	return recs, rep, nil
}

// sourcesFingerprint identifies a set of sources by their absolute paths.
func sourcesFingerprint(sources []string) (string, error) {
	abs := make([]string, 0, len(sources))
	for _, s := range sources {
		a, err := filepath.Abs(s)
		if err != nil {
			return "", fmt.Errorf("resolve source %s: %w", s, err)
		}
		abs = append(abs, a)
	}
	slices.Sort(abs)
	h := sha256.New()
	for _, a := range abs {
		h.Write([]byte(a))
		h.Write([]byte{0})
	}
	return sourcesPrefix + hex.EncodeToString(h.Sum(nil)), nil
}
