package index

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
	"io/fs"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
	"sync/atomic"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/mapping"
	bindex "github.com/blevesearch/bleve_index_api"
	"github.com/iq-search/iq/record"
)

// Errors of Open, Ensure and Build. Test for them with errors.Is; the
// returned errors wrap them with the directory and the cause.
var (
	// ErrNotExist: there is no index at the directory.
	ErrNotExist = errors.New("no index")
	// ErrVersionMismatch: the index was built by another iq or mapping
	// version; rebuild it.
	ErrVersionMismatch = errors.New("index built by another iq version")
	// ErrCorrupt: the directory holds something that does not open as an
	// iq index (a crashed build of an old iq, garbage, a partial copy).
	ErrCorrupt = errors.New("index is corrupt")
	// ErrNotIndex: Build refuses to replace a directory that is not empty
	// and not an iq index, so a mistaken --index or IQ_INDEX cannot delete
	// a user's files.
	ErrNotIndex = errors.New("directory is not an iq index")
)

// metaFile is the name of the metadata file in an index directory. Build
// writes it last, so its presence marks a complete index.
const metaFile = "iq-index.json"

// Meta describes how an index was built.
type Meta struct {
	// IQVersion is the version of the iq module that built the index, from
	// its build info ("(devel)" for a local build).
	IQVersion      string `json:"iq_version"`
	MappingVersion int    `json:"mapping_version"`
	// MappingHash identifies the mapping's structure (MappingHash()), so
	// an edit of mapping.go invalidates old indexes even without a
	// MappingVersion bump.
	MappingHash string `json:"mapping_hash"`
	// Fingerprint identifies the corpus the records came from
	// (corpus.Fingerprint() for the embedded corpus).
	Fingerprint string `json:"fingerprint"`
	// Synonyms is "default" or the path of the synonym list used.
	Synonyms string    `json:"synonyms"`
	Records  int       `json:"records"`
	Shards   int       `json:"shards"`
	BuiltAt  time.Time `json:"built_at"`
	// BuildTime is how long Build took, for `iq stats`.
	BuildTime time.Duration `json:"build_time_ns"`
}

// Index is an open, read-only iq index: one or more Bleve shards searched
// as one.
type Index struct {
	dir    string
	meta   Meta
	shards []bleve.Index
	search bleve.Index  // the single shard, or an alias over all of them
	facets facetTables  // Search's facet values, per snapshot and field
	posts  postingCache // the fast ranking pass's decoded postings
	ids    idRanks      // the fast ranking pass's ID order
	noFast bool         // rank through Bleve's searchers only (SetFastRanking)
	slices int          // fast ranking slices (SetRankSlices); 0: by size
	ranked struct {
		fast, bleve atomic.Uint64 // ranking passes run each way
	}
}

// RankingPasses returns how many ranking passes Search has run over
// decoded postings (fast) and through Bleve's searchers (bleve: queries or
// indexes the fast pass does not handle, or fast ranking turned off).
func (ix *Index) RankingPasses() (fast, bleve uint64) {
	return ix.ranked.fast.Load(), ix.ranked.bleve.Load()
}

// SetFastRanking turns Search's fast ranking pass (decoded postings in
// memory, index/fast.go) on or off; it is on unless turned off. Off, every
// query ranks through Bleve's searchers: for checking that both agree, and
// for measuring the difference. Not safe to call during searches.
func (ix *Index) SetFastRanking(on bool) { ix.noFast = !on }

// SetRankSlices makes the fast ranking pass rank n slices of the
// documents, one goroutine each, and merge them; n = 0 (the default)
// takes one slice below 20,000 documents and one per CPU (at most four)
// from there. Results do not depend on it. Not safe to call during
// searches.
func (ix *Index) SetRankSlices(n int) { ix.slices = max(n, 0) }

// Version returns the iq version recorded in new indexes: the main module's
// version from the build info.
func Version() string {
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" {
		return bi.Main.Version
	}
	return "(devel)"
}

// Bleve returns the index to search. With several shards it is an index
// alias: Search works (facets, highlighting, synonyms included), but
// per-index calls such as Document, FieldDict or DocCount do not; use
// Shards, Record or Count for those.
func (ix *Index) Bleve() bleve.Index { return ix.search }

// Shards returns the Bleve indexes the index is made of (one, unless it was
// built with BuildOptions.Shards > 1), e.g. to walk a field's dictionary.
func (ix *Index) Shards() []bleve.Index { return ix.shards }

// Mapping returns the index mapping, for analysing text the way the index
// did (m.AnalyzerNamed(AnalyzerText)).
func (ix *Index) Mapping() mapping.IndexMapping { return ix.shards[0].Mapping() }

// Meta returns how the index was built.
func (ix *Index) Meta() Meta { return ix.meta }

// Dir returns the index directory.
func (ix *Index) Dir() string { return ix.dir }

// Count returns the number of records in the index (Bleve's DocCount also
// counts synonym definitions).
func (ix *Index) Count() (uint64, error) {
	req := bleve.NewSearchRequestOptions(AllRecords(), 0, 0, false)
	res, err := ix.search.Search(req)
	if err != nil {
		return 0, fmt.Errorf("count index %s: %w", ix.dir, err)
	}
	return res.Total, nil
}

// Close closes the index.
func (ix *Index) Close() error {
	var errs []error
	for _, s := range ix.shards {
		errs = append(errs, s.Close())
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("close index %s: %w", ix.dir, err)
	}
	return nil
}

// Record returns the record with the given ID as it was indexed, with every
// merged answer and source; ok is false when there is none.
func (ix *Index) Record(id string) (rec record.Record, ok bool, err error) {
	d, err := ix.shards[shardOf(id, len(ix.shards))].Document(id)
	if err != nil {
		return rec, false, fmt.Errorf("read record %s: %w", id, err)
	}
	if d == nil {
		return rec, false, nil
	}
	var raw []byte
	d.VisitFields(func(f bindex.Field) {
		if f.Name() == FieldRecord {
			raw = f.Value()
		}
	})
	if raw == nil {
		return rec, false, fmt.Errorf("read record %s: %w: no stored %s field", id, ErrCorrupt, FieldRecord)
	}
	if err := json.Unmarshal(raw, &rec); err != nil {
		return rec, false, fmt.Errorf("decode record %s: %w: %w", id, ErrCorrupt, err)
	}
	return rec, true, nil
}

// shardOf returns the shard a record ID lives in: a hash, so Record finds
// it without asking every shard.
func shardOf(id string, n int) int {
	if n <= 1 {
		return 0
	}
	h := fnv.New32a()
	h.Write([]byte(id))
	return int(h.Sum32() % uint32(n))
}

func shardDir(dir string, i int) string {
	return filepath.Join(dir, fmt.Sprintf("shard-%d", i))
}

// Open opens the index in dir read-only. It returns an error wrapping
// ErrNotExist, ErrVersionMismatch or ErrCorrupt (with the cause) when the
// index is missing, from another version, or unreadable; it does not panic on
// a damaged directory.
func Open(dir string) (*Index, error) {
	st, err := os.Stat(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil, fmt.Errorf("open index %s: %w", dir, ErrNotExist)
	case err != nil:
		return nil, fmt.Errorf("open index %s: %w", dir, err)
	case !st.IsDir():
		return nil, fmt.Errorf("open index %s: %w: not a directory", dir, ErrCorrupt)
	}
	meta, err := readMeta(dir)
	if err != nil {
		return nil, fmt.Errorf("open index %s: %w", dir, err)
	}
	if meta.MappingVersion != MappingVersion || meta.IQVersion != Version() || meta.MappingHash != MappingHash() {
		return nil, fmt.Errorf("open index %s: %w: built by iq %s (mapping %d, %s), this is iq %s (mapping %d, %s)",
			dir, ErrVersionMismatch, meta.IQVersion, meta.MappingVersion, meta.MappingHash, Version(), MappingVersion, MappingHash())
	}
	if meta.Shards < 1 {
		return nil, fmt.Errorf("open index %s: %w: %s says %d shards", dir, ErrCorrupt, metaFile, meta.Shards)
	}
	ix := &Index{dir: dir, meta: meta}
	for i := range meta.Shards {
		s, err := openShard(shardDir(dir, i))
		if err != nil {
			ix.Close()
			return nil, fmt.Errorf("open index %s: %w: %w", dir, ErrCorrupt, err)
		}
		ix.shards = append(ix.shards, s)
	}
	ix.search = ix.shards[0]
	if len(ix.shards) > 1 {
		alias := bleve.NewIndexAlias(ix.shards...)
		if err := alias.SetIndexMapping(ix.shards[0].Mapping()); err != nil {
			ix.Close()
			return nil, fmt.Errorf("open index %s: %w", dir, err)
		}
		ix.search = alias
	}
	n, err := ix.Count()
	if err == nil && n != uint64(meta.Records) {
		err = fmt.Errorf("%d records, %s says %d", n, metaFile, meta.Records)
	}
	if err != nil {
		ix.Close()
		return nil, fmt.Errorf("open index %s: %w: %w", dir, ErrCorrupt, err)
	}
	return ix, nil
}

// openShard opens one Bleve index read-only. Bleve and its storage can panic
// on some damaged files; a panic becomes an error here.
func openShard(path string) (idx bleve.Index, err error) {
	defer func() {
		if r := recover(); r != nil {
			idx, err = nil, fmt.Errorf("open %s: panic: %v", path, r)
		}
	}()
	idx, err = bleve.OpenUsing(path, map[string]any{
		"read_only": true,
		// A writer holding the lock must not hang a reader forever.
		"bolt_timeout": "5s",
	})
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	return idx, nil
}

func readMeta(dir string) (Meta, error) {
	var m Meta
	b, err := os.ReadFile(filepath.Join(dir, metaFile))
	if errors.Is(err, fs.ErrNotExist) {
		return m, fmt.Errorf("%w: no %s", ErrCorrupt, metaFile)
	}
	if err != nil {
		return m, fmt.Errorf("read %s: %w", metaFile, err)
	}
	if err := json.Unmarshal(b, &m); err != nil {
		return m, fmt.Errorf("%w: %s: %w", ErrCorrupt, metaFile, err)
	}
	return m, nil
}

// DefaultDir returns the directory of the default index: $IQ_INDEX when set,
// else iq/index under the user's cache directory (os.UserCacheDir:
// $XDG_CACHE_HOME or ~/.cache on Linux, ~/Library/Caches on macOS,
// %LocalAppData% on Windows). The index is derived data that iq rebuilds at
// will, which is what a cache directory is for.
func DefaultDir() (string, error) {
	if d := os.Getenv("IQ_INDEX"); d != "" {
		return d, nil
	}
	c, err := os.UserCacheDir()
	if err != nil {
		return "", fmt.Errorf("find index directory: %w (set IQ_INDEX)", err)
	}
	return filepath.Join(c, "iq", "index"), nil
}

// Records calls fn with every record of the index, shard by shard in ID
// order, reading stored records directly (a search that pages through
// 100k hits costs minutes; this costs seconds). It stops at the first
// error, from fn or from ctx.
func (ix *Index) Records(ctx context.Context, fn func(record.Record) error) error {
	for _, sh := range ix.shards {
		d, err := sh.FieldDict("_id")
		if err != nil {
			return fmt.Errorf("list records of %s: %w", ix.dir, err)
		}
		for {
			e, err := d.Next()
			if err != nil {
				d.Close()
				return fmt.Errorf("list records of %s: %w", ix.dir, err)
			}
			if e == nil {
				break
			}
			if err := ctx.Err(); err != nil {
				d.Close()
				return err
			}
			if strings.HasPrefix(e.Term, synonymIDPrefix) {
				continue
			}
			rec, ok, err := ix.Record(e.Term)
			if err == nil && !ok {
				err = fmt.Errorf("read record %s: %w: listed but missing", e.Term, ErrCorrupt)
			}
			if err == nil {
				err = fn(rec)
			}
			if err != nil {
				d.Close()
				return err
			}
		}
		if err := d.Close(); err != nil {
			return fmt.Errorf("list records of %s: %w", ix.dir, err)
		}
	}
	return nil
}
