package index

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/gofrs/flock"
)

// An index directory holds generations: complete, immutable indexes, one
// of which a pointer file names as current (issue 16). Readers follow the
// pointer and need no lock; a writer holds the directory's lock, builds a
// new generation beside the current one, and publishes it by atomically
// replacing the pointer. After a crash at any point the pointer names a
// complete generation (the old one or the new), and only what iq created
// and marked is ever removed:
//
//	DIR/iq-index.lock    the writers' lock (never removed)
//	DIR/iq-current       the pointer: {"generation", "meta_crc32c", "previous"}
//	DIR/gen-000007/      a generation:
//	    iq-generation      its marker, written first: only marked
//	                       directories are ever removed
//	    shard-0/ ...       the Bleve index
//	    iq-tables.bin      facet table, its columns and ID order of a
//	                       one-shard index (tables.go), read on the
//	                       first search
//	    <attachments>      files stored with the index (BuildOptions.Attach)
//	    iq-index.json      Meta and the checksum of every other file, last
//
// The current generation and the one it replaced ("previous") are kept;
// older ones are removed by the next writer. A reader that opened the
// previous generation just before the swap keeps reading it (Unix keeps
// removed files readable while open; on Windows the removal waits for a
// later writer), and a reader that finds its generation gone re-reads the
// pointer.
const (
	lockFile    = "iq-index.lock"
	pointerFile = "iq-current"
	genMarker   = "iq-generation"
	genPrefix   = "gen-"
	// tmpPointerPrefix names the pointer being written, before the rename.
	tmpPointerPrefix = pointerFile + ".tmp-"
)

// Format is the layout of the index directories this iq reads and writes:
// 2 is generations behind a pointer; Meta.Format 0 is the layout before it
// (metadata and shards at the top of the directory), which Open reports as
// ErrVersionMismatch and a writer replaces.
const Format = 2

var genPattern = regexp.MustCompile(`^gen-[0-9]{6,}$`)

// castagnoli is the CRC-32C table: the checksum of ext4, iSCSI and
// LevelDB, computed by the CPU's crc32 instruction where there is one.
var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// pointer is the content of the pointer file.
type pointer struct {
	Generation string `json:"generation"`
	// MetaCRC is the checksum of the generation's metadata file, so a
	// damaged metadata file (which holds every other checksum) is caught.
	MetaCRC string `json:"meta_crc32c"`
	// Previous is the generation this one replaced, kept until the next
	// build.
	Previous string `json:"previous,omitempty"`
	// CRC is the checksum of the pointer itself (its JSON with CRC
	// empty), so no damaged pointer is followed.
	CRC string `json:"crc32c,omitempty"`
}

// sum returns the pointer's own checksum.
func (p pointer) sum() string {
	p.CRC = ""
	b, _ := json.Marshal(p)
	return crcOf(b)
}

// errNoPointer: the directory has no pointer file.
var errNoPointer = errors.New("no " + pointerFile)

func readPointer(dir string) (pointer, error) {
	var p pointer
	b, err := os.ReadFile(filepath.Join(dir, pointerFile))
	if errors.Is(err, fs.ErrNotExist) {
		return p, errNoPointer
	}
	if err != nil {
		return p, fmt.Errorf("read %s: %w", filepath.Join(dir, pointerFile), err)
	}
	if err := json.Unmarshal(b, &p); err != nil {
		return p, fmt.Errorf("%w: %s: %w", ErrCorrupt, filepath.Join(dir, pointerFile), err)
	}
	if !genPattern.MatchString(p.Generation) || (p.Previous != "" && !genPattern.MatchString(p.Previous)) || len(p.MetaCRC) != 8 || p.CRC != p.sum() {
		return p, fmt.Errorf("%w: %s: not a generation pointer: %q", ErrCorrupt, filepath.Join(dir, pointerFile), b)
	}
	return p, nil
}

// writePointer replaces the pointer file atomically: a temporary file,
// written and synced, renamed over it, then the directory synced so the
// rename survives a power cut.
func writePointer(dir string, p pointer) error {
	p.CRC = p.sum()
	b, err := json.Marshal(p)
	if err != nil {
		return err
	}
	tmp := filepath.Join(dir, tmpPointerPrefix+randomSuffix())
	if err := writeFileSync(tmp, append(b, '\n')); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("write %s: %w", pointerFile, err)
	}
	crashPoint("pointer-written")
	if err := os.Rename(tmp, filepath.Join(dir, pointerFile)); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("replace %s: %w", pointerFile, err)
	}
	crashPoint("pointer-renamed")
	return syncDir(dir)
}

func randomSuffix() string {
	var b [6]byte
	rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// writeFileSync writes a new file and syncs it to disk before closing.
func writeFileSync(name string, data []byte) error {
	return writeFileFrom(name, func(w io.WriterAt) error {
		_, err := w.WriteAt(data, 0)
		return err
	})
}

// writeFileFrom is writeFileSync for a file that write fills.
func writeFileFrom(name string, write func(io.WriterAt) error) error {
	f, err := os.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return err
	}
	if err := write(f); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// syncDir makes the entries of a directory (created, renamed files)
// durable. Windows cannot open a directory for syncing and does not need
// to.
func syncDir(dir string) error {
	if runtime.GOOS == "windows" {
		return nil
	}
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	if err := d.Sync(); err != nil {
		return fmt.Errorf("sync %s: %w", dir, err)
	}
	return nil
}

// crashAt names a point of a build at which the process exits on the spot,
// as if killed: the crash-injection tests set IQ_TEST_CRASH_AT to each of
// crashPoints in turn and check that a complete index is always there.
var crashAt = os.Getenv("IQ_TEST_CRASH_AT")

// crashExit is the exit code of an injected crash.
const crashExit = 86

// crashPoints are the named points of Writer.Build, in order.
var crashPoints = []string{
	"locked", "generation-created", "shards-built", "attachments-written",
	"checksummed", "meta-written", "pointer-written", "pointer-renamed",
	"published", "removing-old", "removing-legacy",
	"shards-linked", // Update only
}

func crashPoint(step string) {
	if crashAt == step {
		os.Exit(crashExit)
	}
}

// fileSum is the size and checksum of one file of a generation, path
// relative to the generation with slashes. Files longer than 2*edge also
// get the checksums of their first and last edge bytes, which Open checks
// when a full check would read too much.
type fileSum struct {
	Path string `json:"path"`
	Size int64  `json:"size"`
	CRC  string `json:"crc32c"`
	Head string `json:"head_crc32c,omitempty"`
	Tail string `json:"tail_crc32c,omitempty"`
}

// edge is how much of each end of a large file the quick check reads:
// scorch keeps a segment's footer and section offsets at its end, and the
// start holds the first stored documents.
const edge = 64 << 10

func crcHex(sum uint32) string { return fmt.Sprintf("%08x", sum) }

// crcOf returns the CRC-32C of b in hex, as the manifest records it.
func crcOf(b []byte) string { return crcHex(crc32.Checksum(b, castagnoli)) }

// sumFiles returns the checksums of every file under gdir but the metadata
// file, syncing each to disk on the way (the generation must be durable
// before the pointer names it). A file that is base's own file under
// another name (a hard link made by Update) keeps base's checksum.
func sumFiles(gdir string, base *Index) ([]fileSum, error) {
	shared := map[string]fileSum{}
	if base != nil {
		for _, s := range base.sums {
			shared[s.Path] = s
		}
	}
	var sums []fileSum
	err := filepath.WalkDir(gdir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(gdir, path)
		rel = filepath.ToSlash(rel)
		if d.IsDir() {
			return syncDir(path)
		}
		if rel == metaFile {
			return nil
		}
		if s, ok := shared[rel]; ok {
			a, aerr := os.Stat(path)
			b, berr := os.Stat(filepath.Join(base.gdir, filepath.FromSlash(rel)))
			if aerr == nil && berr == nil && os.SameFile(a, b) && a.Size() == s.Size {
				sums = append(sums, s)
				return nil
			}
		}
		s, err := sumFile(path, true)
		if err != nil {
			return err
		}
		s.Path = rel
		sums = append(sums, s)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("checksum %s: %w", gdir, err)
	}
	return sums, nil
}

// sumFile computes a file's checksums, syncing it first when sync is set.
func sumFile(path string, sync bool) (fileSum, error) {
	var s fileSum
	flag := os.O_RDONLY
	if sync && runtime.GOOS == "windows" {
		flag = os.O_RDWR // FlushFileBuffers needs write access there
	}
	f, err := os.OpenFile(path, flag, 0)
	if err != nil {
		return s, err
	}
	defer f.Close()
	if sync {
		if err := f.Sync(); err != nil {
			return s, fmt.Errorf("sync %s: %w", path, err)
		}
	}
	h := crc32.New(castagnoli)
	n, err := io.Copy(h, f)
	if err != nil {
		return s, err
	}
	s.Size, s.CRC = n, crcHex(h.Sum32())
	if n > 2*edge {
		if s.Head, s.Tail, err = edgeSums(f, n); err != nil {
			return s, err
		}
	}
	return s, nil
}

func edgeSums(f *os.File, size int64) (head, tail string, err error) {
	buf := make([]byte, edge)
	if _, err := f.ReadAt(buf, 0); err != nil {
		return "", "", err
	}
	head = crcOf(buf)
	if _, err := f.ReadAt(buf, size-edge); err != nil {
		return "", "", err
	}
	return head, crcOf(buf), nil
}

// Verification says how much of a generation Open checks against the
// checksums recorded when it was built.
type Verification int

const (
	// VerifyAuto checks everything when the generation is at most
	// FullVerifyLimit bytes, else VerifyQuick.
	VerifyAuto Verification = iota
	// VerifyQuick checks every file's size, small files in full and the
	// two ends of large ones.
	VerifyQuick
	// VerifyFull reads every file.
	VerifyFull
	// verifyNone checks nothing: for tests of what Bleve does with damage
	// the checksums would have caught.
	verifyNone Verification = -1
)

// FullVerifyLimit is the size up to which VerifyAuto reads a whole
// generation on open: 64 MiB is about 20,000 questions, read in tens of
// milliseconds from the page cache (RELIABILITY.md, "Index lifecycle").
const FullVerifyLimit = 64 << 20

// verifyFiles checks the files of a generation against their recorded
// sums. The error wraps ErrCorrupt and names the damaged file.
func verifyFiles(gdir string, sums []fileSum, v Verification) error {
	if v == verifyNone {
		return nil
	}
	if v == VerifyAuto {
		v = VerifyQuick
		if fullyVerified(sums, VerifyAuto) {
			v = VerifyFull
		}
	}
	for _, s := range sums {
		path := filepath.Join(gdir, filepath.FromSlash(s.Path))
		if err := verifyFile(path, s, v); err != nil {
			return fmt.Errorf("%w: %s: %w", ErrCorrupt, path, err)
		}
	}
	return nil
}

// fullyVerified reports whether v reads every file of sums in full.
func fullyVerified(sums []fileSum, v Verification) bool {
	if v != VerifyAuto {
		return v == VerifyFull
	}
	var total int64
	for _, s := range sums {
		total += s.Size
	}
	return total <= FullVerifyLimit
}

func verifyFile(path string, want fileSum, v Verification) error {
	return verifyFileContext(context.Background(), path, want, v, nil)
}

// verifyFileContext is verifyFile stopping with ctx's error within a file
// (a segment of a million records is gigabytes), and calling pace, when
// set, before each piece it reads (VerifyRestPaced).
func verifyFileContext(ctx context.Context, path string, want fileSum, v Verification, pace func(context.Context) error) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return err
	}
	if !st.Mode().IsRegular() {
		return fmt.Errorf("not a regular file")
	}
	if st.Size() != want.Size {
		return fmt.Errorf("%d bytes, want %d", st.Size(), want.Size)
	}
	if v == VerifyQuick && want.Head != "" {
		head, tail, err := edgeSums(f, st.Size())
		if err != nil {
			return err
		}
		if head != want.Head || tail != want.Tail {
			return fmt.Errorf("checksum mismatch")
		}
		return nil
	}
	h := crc32.New(castagnoli)
	// 1 MiB at a time, not io.Copy's 32 KiB: a quarter less CPU to read
	// a million records' 4 GB of segments from the page cache (fewer
	// read calls), what a server's check while serving costs.
	buf := readBuffers.Get().(*[]byte)
	defer readBuffers.Put(buf)
	if _, err := io.CopyBuffer(h, ctxReader{ctx, f, pace}, *buf); err != nil {
		return err
	}
	if got := crcHex(h.Sum32()); got != want.CRC {
		return fmt.Errorf("checksum mismatch (crc32c %s, want %s)", got, want.CRC)
	}
	return nil
}

// readBuffers are verifyFileContext's buffers.
var readBuffers = sync.Pool{New: func() any { b := make([]byte, 1<<20); return &b }}

// ctxReader reads r until ctx is done, calling pace (when set) before
// each read.
type ctxReader struct {
	ctx  context.Context
	r    io.Reader
	pace func(context.Context) error
}

func (c ctxReader) Read(p []byte) (int, error) {
	if c.pace != nil {
		if err := c.pace(c.ctx); err != nil {
			return 0, err
		}
	}
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}

// Writer holds the lock of an index directory: the one process that adds
// generations to it and removes old ones. Readers (Open) take no lock.
type Writer struct {
	dir  string
	lock *flock.Flock
}

// Lock takes the writers' lock of the index directory dir, creating dir
// when it does not exist, and waits while another process holds it
// (calling waiting once, when set, before it starts to wait) until ctx is
// done. It refuses, with ErrNotIndex, a directory that holds files but no
// iq index.
func Lock(ctx context.Context, dir string, waiting func()) (*Writer, error) {
	if err := checkReplaceable(dir); err != nil {
		return nil, fmt.Errorf("lock index %s: %w", dir, err)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("lock index %s: %w", dir, err)
	}
	fl := flock.New(filepath.Join(dir, lockFile), flock.SetPermissions(0o644))
	ok, err := fl.TryLock()
	if err == nil && !ok {
		if waiting != nil {
			waiting()
		}
		ok, err = fl.TryLockContext(ctx, 50*time.Millisecond)
	}
	if err == nil && !ok {
		err = ctx.Err()
	}
	if err != nil {
		fl.Close()
		return nil, fmt.Errorf("lock index %s: %w", dir, err)
	}
	crashPoint("locked")
	return &Writer{dir: dir, lock: fl}, nil
}

// Dir returns the index directory.
func (w *Writer) Dir() string { return w.dir }

// Close releases the lock.
func (w *Writer) Close() error {
	if err := w.lock.Close(); err != nil {
		return fmt.Errorf("unlock index %s: %w", w.dir, err)
	}
	return nil
}

// checkReplaceable returns nil when dir is missing, empty, or an iq index
// directory (a pointer, a lock, or the metadata of the layout before
// generations).
func checkReplaceable(dir string) error {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) || (err == nil && len(entries) == 0) {
		return nil
	}
	if err != nil {
		return err
	}
	for _, e := range entries {
		switch e.Name() {
		case pointerFile, lockFile, metaFile:
			return nil
		}
	}
	return fmt.Errorf("%w: it holds files but no iq index; remove them or choose another directory", ErrNotIndex)
}

// newGeneration creates the next generation directory, marked as iq's.
func (w *Writer) newGeneration() (string, error) {
	entries, err := os.ReadDir(w.dir)
	if err != nil {
		return "", err
	}
	next := 1
	for _, e := range entries {
		if n, ok := genNumber(e.Name()); ok && n >= next {
			next = n + 1
		}
	}
	if p, err := readPointer(w.dir); err == nil {
		for _, g := range []string{p.Generation, p.Previous} {
			if n, ok := genNumber(g); ok && n >= next {
				next = n + 1
			}
		}
	}
	name := fmt.Sprintf("%s%06d", genPrefix, next)
	gdir := filepath.Join(w.dir, name)
	if err := os.Mkdir(gdir, 0o755); err != nil {
		return "", err
	}
	if err := writeFileSync(filepath.Join(gdir, genMarker), []byte("iq index generation: removed by iq when no longer current\n")); err != nil {
		os.Remove(gdir)
		return "", err
	}
	crashPoint("generation-created")
	return name, nil
}

func genNumber(name string) (int, bool) {
	if !genPattern.MatchString(name) {
		return 0, false
	}
	n, err := strconv.Atoi(strings.TrimPrefix(name, genPrefix))
	return n, err == nil
}

// publish makes gen the current generation: its metadata is written and
// synced, then the pointer replaced.
func (w *Writer) publish(gen string, metaCRC string) error {
	if err := syncDir(w.dir); err != nil {
		return err
	}
	p := pointer{Generation: gen, MetaCRC: metaCRC}
	if old, err := readPointer(w.dir); err == nil {
		p.Previous = old.Generation
	}
	if err := writePointer(w.dir, p); err != nil {
		return err
	}
	crashPoint("published")
	return nil
}

// collect removes what no reader will open: generations other than the
// current and the previous one, pointer files left by a crash, and the
// layout before generations once a pointer has replaced it. It removes
// only what carries iq's mark, and ignores failures (a file still open on
// Windows): the next writer tries again.
func (w *Writer) collect() {
	p, perr := readPointer(w.dir)
	keep := map[string]bool{}
	if perr == nil {
		keep[p.Generation], keep[p.Previous] = true, true
	} else if !errors.Is(perr, errNoPointer) {
		// A damaged pointer: which generation it meant is unknown, so
		// keep them all until a build replaces it.
		return
	}
	entries, err := os.ReadDir(w.dir)
	if err != nil {
		return
	}
	for _, e := range entries {
		name := e.Name()
		switch {
		case genPattern.MatchString(name) && !keep[name] && e.IsDir():
			removeGeneration(filepath.Join(w.dir, name))
		case strings.HasPrefix(name, tmpPointerPrefix) && e.Type().IsRegular():
			os.Remove(filepath.Join(w.dir, name))
		}
	}
	if perr == nil {
		removeLegacy(w.dir)
	}
}

// removeGeneration removes a generation directory if it carries iq's
// marker (or is empty): its contents first and the marker last, so a
// removal cut short is still recognised and finished next time.
func removeGeneration(gdir string) {
	if os.Remove(gdir) == nil { // empty: a crash before the marker
		return
	}
	if st, err := os.Lstat(filepath.Join(gdir, genMarker)); err != nil || !st.Mode().IsRegular() {
		return
	}
	entries, err := os.ReadDir(gdir)
	if err != nil {
		return
	}
	failed := false
	for _, e := range entries {
		if e.Name() == genMarker {
			continue
		}
		if err := os.RemoveAll(filepath.Join(gdir, e.Name())); err != nil {
			failed = true
		}
		crashPoint("removing-old")
	}
	if !failed && os.Remove(filepath.Join(gdir, genMarker)) == nil {
		os.Remove(gdir)
	}
}

var legacyShard = regexp.MustCompile(`^shard-[0-9]+$`)

// removeLegacy removes an index in the layout before generations (the
// metadata file and shard-N directories at the top of dir), shards first
// and the metadata last, which is what marks them as iq's. A shard is
// removed only if Bleve's index_meta.json is in it.
func removeLegacy(dir string) {
	if _, err := readLegacyMeta(dir); err != nil {
		return
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	for _, e := range entries {
		if !e.IsDir() || !legacyShard.MatchString(e.Name()) {
			continue
		}
		sd := filepath.Join(dir, e.Name())
		if _, err := os.Stat(filepath.Join(sd, "index_meta.json")); err != nil {
			continue
		}
		if err := os.RemoveAll(sd); err != nil {
			return
		}
		crashPoint("removing-legacy")
	}
	os.Remove(filepath.Join(dir, metaFile))
}

// readLegacyMeta reads the metadata of an index in the layout before
// generations.
func readLegacyMeta(dir string) (Meta, error) {
	var m Meta
	b, err := os.ReadFile(filepath.Join(dir, metaFile))
	if err != nil {
		return m, err
	}
	if err := json.Unmarshal(b, &m); err != nil {
		return m, fmt.Errorf("%w: %s: %w", ErrCorrupt, filepath.Join(dir, metaFile), err)
	}
	m.Format = 0
	return m, nil
}

// sortSums orders checksums by path, so the metadata is deterministic.
func sortSums(s []fileSum) {
	slices.SortFunc(s, func(a, b fileSum) int { return strings.Compare(a.Path, b.Path) })
}

// RestorePrevious makes the newest intact generation other than the
// current one current again, after reading every file of it: what `iq index
// --repair` does for a damaged index whose sources are gone. It returns the
// restored generation's metadata.
func (w *Writer) RestorePrevious() (Meta, error) {
	cur := ""
	if p, err := readPointer(w.dir); err == nil {
		cur = p.Generation
	}
	entries, err := os.ReadDir(w.dir)
	if err != nil {
		return Meta{}, fmt.Errorf("restore index %s: %w", w.dir, err)
	}
	var gens []string
	for _, e := range entries {
		if genPattern.MatchString(e.Name()) && e.Name() != cur {
			gens = append(gens, e.Name())
		}
	}
	slices.Reverse(gens)
	var errs []error
	for _, g := range gens {
		gdir := filepath.Join(w.dir, g)
		if _, err := os.Lstat(filepath.Join(gdir, genMarker)); err != nil {
			continue
		}
		b, err := os.ReadFile(filepath.Join(gdir, metaFile))
		if err != nil {
			errs = append(errs, err)
			continue
		}
		p := pointer{Generation: g, MetaCRC: crcOf(b)}
		ix, err := openGeneration(w.dir, p, VerifyFull)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", g, err))
			continue
		}
		meta := ix.Meta()
		ix.Close()
		if err := w.publish(g, p.MetaCRC); err != nil {
			return Meta{}, fmt.Errorf("restore index %s: %w", w.dir, err)
		}
		return meta, nil
	}
	if len(errs) == 0 {
		errs = append(errs, errors.New("no other generation"))
	}
	return Meta{}, fmt.Errorf("restore index %s: no intact earlier generation: %w", w.dir, errors.Join(errs...))
}
