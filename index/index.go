package index

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
	"io/fs"
	"os"
	"path/filepath"
	"runtime/debug"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/blevesearch/bleve/v2"
	bindex "github.com/blevesearch/bleve_index_api"
	"github.com/blevesearch/mmap-go"

	"github.com/iq-search/iq/index/expr"
	"github.com/iq-search/iq/index/internal/corrupt"
	"github.com/iq-search/iq/index/internal/facets"
	"github.com/iq-search/iq/index/internal/fastrank"
	"github.com/iq-search/iq/index/internal/scorchx"
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
	ErrCorrupt = corrupt.Err
	// ErrNotIndex: Build refuses to replace a directory that is not empty
	// and not an iq index, so a mistaken --index or IQ_INDEX cannot delete
	// a user's files.
	ErrNotIndex = errors.New("directory is not an iq index")
)

// metaFile is the name of a generation's metadata file, written last.
const metaFile = "iq-index.json"

// Meta describes how an index was built.
type Meta struct {
	// Format is the directory layout (Format when current, 0 for the
	// layout before generations).
	Format int `json:"format"`
	// Generation is the generation directory the index was read from.
	Generation string `json:"generation,omitempty"`
	// IQVersion is the version of the iq module that built the index, from
	// its build info ("(devel)" for a local build).
	IQVersion      string `json:"iq_version"`
	MappingVersion int    `json:"mapping_version"`
	// MappingHash identifies the mapping's structure (MappingHash()), so
	// an edit of mapping.go invalidates old indexes even without a
	// MappingVersion bump.
	MappingHash string `json:"mapping_hash"`
	// Fingerprint identifies the corpus the records came from
	// (BuildOptions.Fingerprint).
	Fingerprint string `json:"fingerprint"`
	// Origin is what the caller recorded about the records' sources
	// (BuildOptions.Origin), opaque to this package.
	Origin json.RawMessage `json:"origin,omitempty"`
	// Synonyms is "default" or the path of the synonym list used.
	Synonyms string `json:"synonyms"`
	Records  int    `json:"records"`
	// IDs is the digest of the records' IDs (record.IDDigest), made at
	// the build from the index as written (every Build and Update of one
	// shard), so that a server tells whether stored duplicate features
	// are those of its records without reading every ID; "" when not
	// known (several shards, or an index built before it).
	IDs     string    `json:"ids,omitempty"`
	Shards  int       `json:"shards"`
	BuiltAt time.Time `json:"built_at"`
	// BuildTime is how long Build took, for `iq stats`.
	BuildTime time.Duration `json:"build_time_ns"`
}

// diskMeta is the metadata file: Meta and the checksum of every other file
// of the generation.
type diskMeta struct {
	Meta
	Files []fileSum `json:"files"`
}

// Index is an open, read-only iq index: one or more Bleve shards searched
// as one.
type Index struct {
	dir    string
	gdir   string // the generation directory
	meta   Meta
	sums   []fileSum
	shards []bleve.Index
	search bleve.Index   // the single shard, or an alias over all of them
	facets facets.Tables // Search's facet values, per snapshot and field
	// tablesOnce loads tablesFile into facets and fast (loadTables).
	tablesOnce sync.Once
	tablesErr  error
	tablesMap  mmap.MMap        // tablesFile, mapped; unmapped by Close
	ranks      byRank           // RecordNear's table, from tablesFile
	fast       *fastrank.Ranker // nil when the index is not one it ranks
	noFast     bool             // rank through Bleve's searchers only (SetFastRanking)
	ranked     struct {
		fast, bleve atomic.Uint64 // ranking passes run each way
	}
	panicked atomic.Bool // a panic was recovered: see Explain
	closed   atomic.Bool
	// mapMu: Close holds it while it unmaps the index's files,
	// ReleaseMapped while it advises their pages.
	mapMu sync.RWMutex
	// checked: every file was read against its checksum, on open or by
	// VerifyRest (MapAttachment checks no file again).
	checked atomic.Bool
	// opened is the checking the open made (VerifyRest reads what it
	// left).
	opened Verification
	// attached are the attachments MapAttachment mapped (under mapMu),
	// unmapped by Close, and attachedNames their names.
	attached      []mmap.MMap
	attachedNames []string
	// later: VerifyRest will read what the open did not (VerifyLater),
	// so MapAttachment does not; read holds the names of the files
	// MapAttachment read whole against their checksums, which
	// VerifyRest does not read again.
	later atomic.Bool
	read  sync.Map
	// prefixes caches TermsWithPrefix's answers: an open index never
	// changes, and search as you type asks for the same prefixes again.
	prefixMu    sync.Mutex
	prefixes    map[[2]string][]TermCount
	prefixTerms int // the terms prefixes holds
	// kept: the mapped ranges PreloadSearch maps ahead, which
	// ReleaseMapped leaves (read without a lock; keptMu orders the
	// writers, so two preloads at once lose no range).
	kept   atomic.Pointer[[]addrRange]
	keptMu sync.Mutex
}

// RankingPasses returns how many ranking passes Search has run over
// decoded postings (fast) and through Bleve's searchers (bleve: queries or
// indexes the fast pass does not handle, or fast ranking turned off).
func (ix *Index) RankingPasses() (fast, bleve uint64) {
	return ix.ranked.fast.Load(), ix.ranked.bleve.Load()
}

// SetFastRanking turns Search's fast ranking pass (decoded postings in
// memory, internal/fastrank) on or off; it is on unless turned off. Off, every
// query ranks through Bleve's searchers: for checking that both agree, and
// for measuring the difference. Not safe to call during searches.
func (ix *Index) SetFastRanking(on bool) { ix.noFast = !on }

// SetRankSlices makes the fast ranking pass rank n slices of the
// documents, one goroutine each, and merge them; n = 0 (the default)
// takes one slice below 20,000 documents and one per CPU (at most four)
// from there. Results do not depend on it. Not safe to call during
// searches.
func (ix *Index) SetRankSlices(n int) {
	if ix.fast != nil {
		ix.fast.SetSlices(n)
	}
}

// SetPostingBudget bounds the postings the fast ranker keeps decoded
// between searches to about n bytes (512 MiB by default; n <= 0 restores
// it): a long-running server trades some decoding of common terms again
// for a smaller heap. Results do not depend on it. Not safe to call
// during searches.
func (ix *Index) SetPostingBudget(n int) {
	if ix.fast != nil {
		ix.fast.SetPostingBudget(n)
	}
}

// Version returns the iq version recorded in new indexes: the main module's
// version from the build info.
//
// IQ_TEST_VERSION, when set, replaces it: the tests of a version change
// (an index built by another iq must be rebuilt from its own sources, never
// from the embedded corpus) set it rather than build iq twice.
func Version() string {
	if v := os.Getenv("IQ_TEST_VERSION"); v != "" {
		return v
	}
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" {
		return bi.Main.Version
	}
	return "(devel)"
}

// Meta returns how the index was built.
func (ix *Index) Meta() Meta { return ix.meta }

// Dir returns the index directory.
func (ix *Index) Dir() string { return ix.dir }

// Count returns the number of records in the index (Bleve's DocCount also
// counts synonym definitions): the live documents holding the term every
// record holds (allRecords), from its postings' counts. Searching for it,
// as before, visited every record: ~8 ms of CPU at 100k records on every
// Open, which a one-shot `iq search` pays.
func (ix *Index) Count() (n uint64, err error) {
	n, err = ix.DocFreq(context.Background(), KindRecord, FieldKind)
	if err != nil {
		return 0, fmt.Errorf("count index %s: %w", ix.dir, err)
	}
	return n, nil
}

// Close closes the index.
func (ix *Index) Close() error {
	ix.mapMu.Lock()
	defer ix.mapMu.Unlock()
	if ix.closed.Swap(true) {
		return nil // closed already (a swapped-out searcher, say)
	}
	if ix.panicked.Load() {
		return fmt.Errorf("close index %s: left open after a panic reading it", ix.dir)
	}
	var errs []error
	for _, s := range ix.shards {
		errs = append(errs, s.Close())
	}
	if ix.tablesMap != nil {
		errs = append(errs, ix.tablesMap.Unmap())
	}
	for _, m := range ix.attached {
		errs = append(errs, m.Unmap())
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("close index %s: %w", ix.dir, err)
	}
	return nil
}

// Record returns the record with the given ID as it was indexed, with every
// merged answer and source; ok is false when there is none.
func (ix *Index) Record(id string) (rec record.Record, ok bool, err error) {
	defer ix.guard(&err, debug.SetPanicOnFault(true))
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
	return storedRecord(id, raw)
}

// storedRecord decodes the record id's stored FieldRecord value raw, as
// Record and RecordNear read it; raw nil is a damaged document.
func storedRecord(id string, raw []byte) (record.Record, bool, error) {
	if raw == nil {
		return record.Record{}, false, fmt.Errorf("read record %s: %w: no stored %s field", id, ErrCorrupt, FieldRecord)
	}
	r, err := loadRecord(raw)
	if err != nil {
		return record.Record{}, false, fmt.Errorf("read record %s: %w", id, err)
	}
	return *r, true, nil
}

// guard turns a panic inside Bleve, which trusts the offsets and lengths
// in its files, into an error wrapping ErrCorrupt: a damaged index must
// never crash a command or the server (issue 16). Every method that reads
// the index defers it as
//
//	defer ix.guard(&err, debug.SetPanicOnFault(true))
//
// so that a fault reading a memory-mapped file (a file cut short under
// bbolt's or zap's mmap: SIGBUS) panics instead of killing the process;
// guard restores the goroutine's previous setting.
func (ix *Index) guard(err *error, panicOnFault bool) {
	debug.SetPanicOnFault(panicOnFault)
	if r := recover(); r != nil {
		*err = ix.Explain(r)
		return
	}
	*err = ix.ExplainError(*err)
}

// ExplainError returns err, or when a full check of the index's files finds
// damage, the damage (wrapping ErrCorrupt, naming the file) with err: an
// error out of Bleve (EOF, a bad varint) is how damage shows when it does not
// panic. Cancellations, and errors that name a file of the index already,
// pass as they are.
func (ix *Index) ExplainError(err error) error {
	if err == nil || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) || strings.Contains(err.Error(), ix.gdir) {
		return err
	}
	if verr := verifyFiles(ix.gdir, ix.sums, VerifyFull); verr != nil {
		return fmt.Errorf("read index %s: %w (%v)", ix.dir, verr, err)
	}
	return err
}

// VerifyRest reads every byte the open did not read (VerifyQuick, or
// VerifyAuto above FullVerifyLimit: the middle of large files) against the
// checksums recorded at build: the rest of a full check, for a server
// that starts serving after the quick one (RELIABILITY.md, "Index
// lifecycle"). The error wraps ErrCorrupt and names the damaged file. It
// returns nil at once when every file was read already, and stops with
// ctx's error between files.
func (ix *Index) VerifyRest(ctx context.Context) error { return ix.VerifyRestPaced(ctx, nil) }

// VerifyRestPaced is VerifyRest calling pace, when not nil, before each
// piece it reads (a megabyte): a server's check waits there while requests
// are answered, so that it does not take the core a request needs
// (httpapi). An error from pace stops the check with that error.
func (ix *Index) VerifyRestPaced(ctx context.Context, pace func(context.Context) error) error {
	if ix.checked.Load() {
		return nil
	}
	var paceErr error // not damage
	if p := pace; p != nil {
		pace = func(ctx context.Context) error {
			paceErr = p(ctx)
			return paceErr
		}
	}
	// The attachments mapped already first: they are in use unchecked
	// (VerifyLater).
	ix.mapMu.RLock()
	first := slices.Clone(ix.attachedNames)
	ix.mapMu.RUnlock()
	sums := slices.Clone(ix.sums)
	slices.SortStableFunc(sums, func(a, b fileSum) int {
		return cmp.Compare(bool2int(!slices.Contains(first, a.Path)), bool2int(!slices.Contains(first, b.Path)))
	})
	for _, s := range sums {
		if err := ctx.Err(); err != nil {
			return err
		}
		if ix.opened == VerifyQuick && s.Head == "" {
			continue // a small file, read whole on open
		}
		if _, ok := ix.read.Load(s.Path); ok {
			continue // read whole by MapAttachment
		}
		path := filepath.Join(ix.gdir, filepath.FromSlash(s.Path))
		if err := verifyFileContext(ctx, path, s, VerifyFull, pace); err != nil {
			if cerr := ctx.Err(); cerr != nil {
				return cerr
			}
			if paceErr != nil {
				return paceErr
			}
			return fmt.Errorf("read index %s: %w: %s: %w", ix.dir, ErrCorrupt, path, err)
		}
	}
	ix.checked.Store(true)
	return nil
}

// Explain returns the error for a panic r raised while reading the index:
// the damage, wrapping ErrCorrupt and naming the file, when a full check of
// the index's files finds one; otherwise a bug in iq, said as one.
//
// It marks the index as not to be closed: Bleve takes its index lock
// without a deferred unlock in places, and a panic there leaves it held, so
// Close would wait forever (and make every later search wait behind it).
// The process keeps the files open instead; the OS closes them at exit.
func (ix *Index) Explain(r any) error {
	ix.panicked.Store(true)
	if err := verifyFiles(ix.gdir, ix.sums, VerifyFull); err != nil {
		return fmt.Errorf("read index %s: %w (panic: %v)", ix.dir, err, r)
	}
	return fmt.Errorf("read index %s: internal error: panic: %v", ix.dir, r)
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

// Open opens the current index in dir read-only, checking its files
// against the checksums recorded when it was built (VerifyAuto). It returns
// an error wrapping ErrNotExist, ErrNotIndex, ErrVersionMismatch or
// ErrCorrupt, naming the directory and the damaged file; it does not panic
// on a damaged directory.
func Open(dir string) (*Index, error) { return OpenVerify(dir, VerifyAuto) }

// OpenVerify is Open with the given depth of checking.
func OpenVerify(dir string, v Verification) (*Index, error) {
	for attempt := 0; ; attempt++ {
		p, err := current(dir)
		if err != nil {
			return nil, fmt.Errorf("open index %s: %w", dir, err)
		}
		ix, err := openGeneration(dir, p, v)
		if err == nil {
			return ix, nil
		}
		// A writer may have replaced and removed the generation between
		// reading the pointer and opening it: follow the new pointer.
		if q, perr := readPointer(dir); attempt < 5 && perr == nil && q.Generation != p.Generation {
			continue
		}
		return nil, fmt.Errorf("open index %s: %w", dir, err)
	}
}

// current reads the pointer of the index directory dir, telling a missing
// index (ErrNotExist), a directory of other files (ErrNotIndex) and the
// layout before generations (ErrVersionMismatch) apart.
func current(dir string) (pointer, error) {
	st, err := os.Stat(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return pointer{}, ErrNotExist
	case err != nil:
		return pointer{}, err
	case !st.IsDir():
		return pointer{}, fmt.Errorf("%w: not a directory", ErrNotIndex)
	}
	p, err := readPointer(dir)
	if !errors.Is(err, errNoPointer) {
		return p, err
	}
	switch m, lerr := readLegacyMeta(dir); {
	case lerr == nil:
		return p, fmt.Errorf("%w: built by iq %s in the layout before generations (format 0), this iq reads format %d", ErrVersionMismatch, m.IQVersion, Format)
	case errors.Is(lerr, ErrCorrupt):
		return p, lerr
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return p, err
	}
	for _, e := range entries {
		// What a first build cut short leaves: nothing published.
		if n := e.Name(); n != lockFile && !strings.HasPrefix(n, tmpPointerPrefix) && !genPattern.MatchString(n) {
			return p, fmt.Errorf("%w: it holds files but no %s", ErrNotIndex, pointerFile)
		}
	}
	return p, ErrNotExist
}

// openGeneration opens the generation p names.
func openGeneration(dir string, p pointer, v Verification) (*Index, error) {
	gdir := filepath.Join(dir, p.Generation)
	dm, err := readGenMeta(gdir, p.MetaCRC)
	if err != nil {
		return nil, err
	}
	meta := dm.Meta
	if err := checkVersion(meta); err != nil {
		return nil, err
	}
	if meta.Shards < 1 {
		return nil, fmt.Errorf("%w: %s says %d shards", ErrCorrupt, filepath.Join(gdir, metaFile), meta.Shards)
	}
	if err := verifyFiles(gdir, dm.Files, shardsVerification(v, meta.Shards)); err != nil {
		return nil, err
	}
	ix := &Index{dir: dir, gdir: gdir, meta: meta, sums: dm.Files, opened: shardsVerification(v, meta.Shards)}
	ix.checked.Store(fullyVerified(dm.Files, ix.opened))
	for i := range meta.Shards {
		s, err := openShard(shardDir(gdir, i))
		if err != nil {
			ix.Close()
			return nil, fmt.Errorf("%w: %w", ErrCorrupt, err)
		}
		ix.shards = append(ix.shards, s)
	}
	ix.search = ix.shards[0]
	if len(ix.shards) > 1 {
		alias := bleve.NewIndexAlias(ix.shards...)
		if err := alias.SetIndexMapping(ix.shards[0].Mapping()); err != nil {
			ix.Close()
			return nil, err
		}
		ix.search = alias
	}
	n, err := ix.Count()
	if err == nil && n != uint64(meta.Records) {
		err = fmt.Errorf("%d records, %s says %d", n, filepath.Join(gdir, metaFile), meta.Records)
	}
	if err == nil {
		err = ix.setFast()
	}
	if err != nil {
		ix.Close()
		return nil, fmt.Errorf("%w: %w", ErrCorrupt, err)
	}
	return ix, nil
}

// setFast gives the index its fast ranker when it is one the ranker
// ranks: one shard (the ranker reads one snapshot's document numbers)
// that fastrank.Check accepts. The choice is made once, here; Search then
// chooses per query tree (fastrank.Supports).
func (ix *Index) setFast() (err error) {
	defer ix.guard(&err, debug.SetPanicOnFault(true))
	if len(ix.shards) != 1 {
		return nil
	}
	return ix.withReader(0, func(r bindex.IndexReader) error {
		switch err := fastrank.Check(r, ix.shards[0].Mapping()); {
		case errors.Is(err, fastrank.ErrUnsupported):
			return nil
		case err != nil:
			return err
		}
		ix.fast = fastrank.New(fastrank.Config{
			All:       expr.Term{Field: FieldKind, Term: KindRecord, Boost: 1},
			Sources:   textSource,
			TextField: FieldRecord,
			Texts:     recordTexts,
			Analyze:   analyzeTemp,
		})
		return nil
	})
}

// shardsVerification is the checking v asks for on a generation of
// shards: an index of several is read whole on open whatever its size
// (VerifyAuto becomes VerifyFull), as Bleve searches its shards in
// goroutines of its own, where a panic on damaged bytes ends the process
// and no recover of iq's reaches it.
func shardsVerification(v Verification, shards int) Verification {
	if v == VerifyAuto && shards > 1 {
		return VerifyFull
	}
	return v
}

func checkVersion(m Meta) error {
	if m.Format != Format || m.MappingVersion != MappingVersion || m.IQVersion != Version() || m.MappingHash != MappingHash() {
		return fmt.Errorf("%w: built by iq %s (format %d, mapping %d, %s), this is iq %s (format %d, mapping %d, %s)",
			ErrVersionMismatch, m.IQVersion, m.Format, m.MappingVersion, m.MappingHash, Version(), Format, MappingVersion, MappingHash())
	}
	return nil
}

// readGenMeta reads a generation's metadata file and checks it against the
// checksum the pointer recorded.
func readGenMeta(gdir, crc string) (diskMeta, error) {
	var dm diskMeta
	path := filepath.Join(gdir, metaFile)
	b, err := os.ReadFile(path)
	if err != nil {
		return dm, fmt.Errorf("%w: %w", ErrCorrupt, err)
	}
	if got := crcOf(b); got != crc {
		return dm, fmt.Errorf("%w: %s: checksum mismatch (crc32c %s, %s says %s)", ErrCorrupt, path, got, pointerFile, crc)
	}
	return parseGenMeta(gdir, b)
}

// ReadMeta reads how the current index in dir was built without opening
// it or checking its version, so a caller can rebuild an index this iq
// cannot open from what it was built from. The metadata of the layout
// before generations comes back with Format 0.
func ReadMeta(dir string) (Meta, error) {
	p, err := current(dir)
	if errors.Is(err, ErrVersionMismatch) {
		if m, lerr := readLegacyMeta(dir); lerr == nil {
			return m, nil
		}
	}
	if err != nil {
		return Meta{}, fmt.Errorf("read index %s: %w", dir, err)
	}
	dm, err := readGenMeta(filepath.Join(dir, p.Generation), p.MetaCRC)
	if err != nil {
		return Meta{}, fmt.Errorf("read index %s: %w", dir, err)
	}
	return dm.Meta, nil
}

// PreviousMeta reads the metadata of the generation the current one
// replaced, when it is still there and intact: what to rebuild from when
// the current generation's own metadata is damaged.
func PreviousMeta(dir string) (Meta, error) {
	p, err := readPointer(dir)
	if err != nil {
		return Meta{}, fmt.Errorf("read index %s: %w", dir, err)
	}
	if p.Previous == "" {
		return Meta{}, fmt.Errorf("read index %s: no previous generation", dir)
	}
	dm, err := readGenMetaUnchecked(filepath.Join(dir, p.Previous))
	if err != nil {
		return Meta{}, fmt.Errorf("read index %s: %w", dir, err)
	}
	return dm.Meta, nil
}

// readGenMetaUnchecked reads a generation's metadata without a checksum
// from a pointer (the previous generation's was in the pointer it
// replaced); the metadata must still parse.
func readGenMetaUnchecked(gdir string) (diskMeta, error) {
	b, err := os.ReadFile(filepath.Join(gdir, metaFile))
	if err != nil {
		return diskMeta{}, err
	}
	return parseGenMeta(gdir, b)
}

// parseGenMeta parses b, the metadata file of the generation gdir.
func parseGenMeta(gdir string, b []byte) (diskMeta, error) {
	var dm diskMeta
	if err := json.Unmarshal(b, &dm); err != nil {
		return dm, fmt.Errorf("%w: %s: %w", ErrCorrupt, filepath.Join(gdir, metaFile), err)
	}
	dm.Generation = filepath.Base(gdir)
	return dm, nil
}

// Check reads every file of the current index in dir against its
// checksums, opens it and decodes every stored record: the full check of
// `iq index --check`, which Open (VerifyAuto) shortens for large indexes.
func Check(ctx context.Context, dir string) (err error) {
	ix, err := OpenVerify(dir, VerifyFull)
	if err != nil {
		return err
	}
	defer ix.Close()
	n := 0
	err = ix.Records(ctx, func(record.Record) error { n++; return nil })
	if err == nil && n != ix.meta.Records {
		err = fmt.Errorf("%w: %d stored records, %s says %d", ErrCorrupt, n, metaFile, ix.meta.Records)
	}
	if err != nil {
		return fmt.Errorf("check index %s: %w", dir, err)
	}
	return nil
}

// Attachment returns the content of a file stored with the index
// (BuildOptions.Attach), checked against its checksum.
func (ix *Index) Attachment(name string) ([]byte, error) {
	for _, s := range ix.sums {
		if s.Path != name {
			continue
		}
		path := filepath.Join(ix.gdir, name)
		b, err := os.ReadFile(path)
		if err != nil {
			return nil, fmt.Errorf("read %s: %w", path, err)
		}
		if got := crcOf(b); got != s.CRC || int64(len(b)) != s.Size {
			return nil, fmt.Errorf("read %s: %w: checksum mismatch", path, ErrCorrupt)
		}
		return b, nil
	}
	return nil, fmt.Errorf("read %s of index %s: %w", name, ix.dir, fs.ErrNotExist)
}

// openShard opens one Bleve index read-only. Bleve and its storage can panic
// on some damaged files; a panic becomes an error here.
func openShard(path string) (idx bleve.Index, err error) {
	old := debug.SetPanicOnFault(true)
	defer func() {
		debug.SetPanicOnFault(old)
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

// CacheDir returns iq/index under the user's cache directory
// (os.UserCacheDir: $XDG_CACHE_HOME or ~/.cache on Linux, ~/Library/Caches
// on macOS, %LocalAppData% on Windows): where the index of the embedded
// corpus lives, derived data that iq rebuilds at will, which is what a
// cache directory is for.
func CacheDir() (string, error) {
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
func (ix *Index) Records(ctx context.Context, fn func(record.Record) error) (err error) {
	defer ix.guard(&err, debug.SetPanicOnFault(true))
	for _, sh := range ix.shards {
		if err := ix.shardRecords(ctx, sh, fn); err != nil {
			return err
		}
	}
	return nil
}

// IDs calls fn with the ID of every record of the index, shard by shard
// in ID order, from the ID dictionary alone (no record is read: a
// fraction of Records' cost). It may also name records Update deleted
// whose segment was not merged away yet. It stops at the first error,
// from fn or from ctx.
func (ix *Index) IDs(ctx context.Context, fn func(id string) error) (err error) {
	defer ix.guard(&err, debug.SetPanicOnFault(true))
	for _, sh := range ix.shards {
		if err := ix.shardIDs(ctx, sh, fn); err != nil {
			return err
		}
	}
	return nil
}

func (ix *Index) shardIDs(ctx context.Context, sh bleve.Index, fn func(string) error) (err error) {
	// On a scorch snapshot the dictionaries are walked on this goroutine
	// (scorchx.FieldTerms), where IDs' guard catches a damaged one's panic;
	// Bleve's FieldDict would walk them on goroutines of its own.
	var ids []string
	var ok bool
	if err := withShardReader(sh, func(r bindex.IndexReader) (err error) {
		ids, ok, err = scorchx.FieldTerms(r, "_id")
		return err
	}); err != nil {
		return fmt.Errorf("list records of %s: %w", ix.dir, err)
	}
	if ok {
		for n, id := range ids {
			if n%1024 == 0 {
				if err := ctx.Err(); err != nil {
					return err
				}
			}
			if strings.HasPrefix(id, synonymIDPrefix) {
				continue
			}
			if err := fn(id); err != nil {
				return err
			}
		}
		return nil
	}
	d, err := sh.FieldDict("_id")
	if err != nil {
		return fmt.Errorf("list records of %s: %w", ix.dir, err)
	}
	defer func() {
		if cerr := d.Close(); cerr != nil && err == nil {
			err = fmt.Errorf("list records of %s: %w", ix.dir, cerr)
		}
	}()
	for n := 0; ; n++ {
		e, err := d.Next()
		if err != nil {
			return fmt.Errorf("list records of %s: %w", ix.dir, err)
		}
		if e == nil {
			return nil
		}
		if n%1024 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		if strings.HasPrefix(e.Term, synonymIDPrefix) {
			continue
		}
		if err := fn(e.Term); err != nil {
			return err
		}
	}
}

func (ix *Index) shardRecords(ctx context.Context, sh bleve.Index, fn func(record.Record) error) error {
	return ix.shardIDs(ctx, sh, func(id string) error {
		rec, ok, err := ix.Record(id)
		if err == nil && !ok {
			// Deleted by Update: the dictionary keeps a deleted
			// document's terms until its segment is merged away.
			// (Check compares the records seen with the metadata.)
			return nil
		}
		if err != nil {
			return err
		}
		return fn(rec)
	})
}

func bool2int(b bool) int {
	if b {
		return 1
	}
	return 0
}
