package index

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"os"
	"runtime/debug"
	"slices"
	"time"
	"unsafe"

	bindex "github.com/blevesearch/bleve_index_api"

	"github.com/iq-search/iq/index/internal/scorchx"
)

// Preloaded is what PreloadSearch did.
type Preloaded struct {
	// Bytes is how much of the segment files' mappings was mapped ahead
	// (their search sections), Stored how much was left out (the stored
	// documents), over Segments segment files.
	Bytes, Stored int64
	Segments      int
	// Advice is how: "populate" (madvise MADV_POPULATE_READ: the pages
	// mapped into the process), "willneed" (MADV_WILLNEED, on a kernel
	// without it, before Linux 5.14: the pages read into the page cache
	// only), or "" (nothing done: not Linux, or the index closed).
	Advice string
	// Took is the wall time, pauses for pace included.
	Took time.Duration
}

// preloadPiece is how much PreloadSearch maps between two calls of its
// pace: about a millisecond of CPU from the page cache (0.13–0.17 µs a
// page, BENCHMARKS.md), more when the pages are read from disk.
const preloadPiece = 4 << 20

// PreloadSearch maps into the process, ahead of the searches, the pages
// of the index's segment files that searches read: every segment's
// dictionaries, postings, frequencies and norms, locations and doc
// values, and its stored fields' index, but not the stored documents
// (zap writes them first; scorchx.SearchSections). A search that first
// touches a page of a mapped file takes a page fault, 44–48 µs of CPU
// here even when the file is in the page cache, while mapping the same
// pages ahead costs 0.13–0.17 µs a page (BENCHMARKS.md, "Unseen queries:
// phrases from their rarest word"): a long-running server calls it once
// it listens, as Lucene's MMapDirectory preloads, so that its first
// queries, and the new queries of any later moment, do not pay those
// faults. The pages count in the process's resident set (RssFile) for as
// long as the index is open: ReleaseMapped leaves them (it drops the
// rest), and PreloadedBytes says how much they are.
//
// It maps preloadPiece at a time, calling pace (when not nil) before each
// piece: a server gives way to its requests there. It stops with ctx's
// or pace's error, and as soon as the index is closed (a server swapped
// in a newer generation: nothing is left to do, and nil is returned).
// The kernel reads the file's pages; nothing of them is read in Go, so a
// damaged or truncated file cannot fault here: a piece the kernel cannot
// map (a file cut short under its mapping) ends that segment's preload,
// and the errors are returned, joined, naming the files, after the other
// segments are done. Elsewhere than Linux it maps nothing ahead.
//
// Before the segments, on every system, it loads the tables file as the
// first search would (its checksum read and its tables decoded: 20–30 ms
// of CPU at 1M records): a damaged one is an error wrapping ErrCorrupt,
// here and for every search after.
func (ix *Index) PreloadSearch(ctx context.Context, pace func(context.Context) error) (p Preloaded, err error) {
	start := time.Now()
	defer func() { p.Took = time.Since(start) }()
	// The tables file first, everywhere: its checksum and decoding
	// (loadTables, 20–30 ms of CPU at 1M records) are then not the first
	// search's. A damaged one is an error here and for every search.
	if err := ix.preloadTables(); err != nil {
		return p, fmt.Errorf("preload index %s: %w", ix.dir, err)
	}
	if !canPreload {
		return p, nil
	}
	var errs []error
	for i := range ix.shards {
		ix.mapMu.RLock()
		closed := ix.closed.Load()
		ix.mapMu.RUnlock()
		if closed {
			return p, nil
		}
		err := ix.withReader(i, func(r bindex.IndexReader) error {
			// r holds its segments (and their mappings) until closed.
			secs := scorchx.SearchSections(r)
			for _, s := range secs {
				p.Segments++
				p.Stored += s.Stored
				for off := 0; off < len(s.Data); off += preloadPiece {
					if pace != nil {
						if err := pace(ctx); err != nil {
							return err
						}
					}
					if err := ctx.Err(); err != nil {
						return err
					}
					piece := s.Data[off:min(off+preloadPiece, len(s.Data))]
					ix.mapMu.RLock()
					if ix.closed.Load() {
						ix.mapMu.RUnlock()
						return errClosed
					}
					advice, err := preloadRange(piece)
					ix.mapMu.RUnlock()
					if err != nil {
						errs = append(errs, fmt.Errorf("%s: %w", s.Path, err))
						break
					}
					// Kept once mapped: a piece the kernel did not
					// map, or a preload stopped before it, is not the
					// server's to keep (PreloadedBytes).
					ix.keepMapped([]scorchx.Mapped{{Path: s.Path, Data: piece}})
					p.Advice = advice
					p.Bytes += int64(len(piece))
				}
			}
			return nil
		})
		if errors.Is(err, errClosed) {
			return p, nil
		}
		if err != nil {
			return p, fmt.Errorf("preload index %s: %w", ix.dir, err)
		}
	}
	if err := errors.Join(errs...); err != nil {
		return p, fmt.Errorf("preload index %s: %w", ix.dir, err)
	}
	return p, nil
}

// preloadTables loads the tables file (loadTables) as a search does,
// guarded: a file cut short under its mapping is damage, not a crash.
func (ix *Index) preloadTables() (err error) {
	defer ix.guard(&err, debug.SetPanicOnFault(true))
	ix.mapMu.RLock()
	defer ix.mapMu.RUnlock()
	if ix.closed.Load() {
		return nil
	}
	return ix.loadTables()
}

// errClosed ends a preload when the index is closed under it.
var errClosed = errors.New("index closed")

// PreloadedBytes returns how much of the index's mapped files
// PreloadSearch keeps mapped (the parts of the search sections it
// mapped; 0 before it runs): what ReleaseMapped leaves, for a server's
// budget of mapped pages beyond them.
func (ix *Index) PreloadedBytes() int64 {
	k := ix.kept.Load()
	if k == nil {
		return 0
	}
	var n int64
	for _, r := range *k {
		n += int64(r.hi - r.lo)
	}
	return n
}

// addrRange is a range of addresses [lo, hi), page-aligned.
type addrRange struct{ lo, hi uintptr }

// keepMapped records the address ranges of secs, which ReleaseMapped
// leaves mapped from now on. They are the index's segment files' own
// mappings, which stay until Close (an index opened by Open never merges
// or drops a segment). Ranges kept already are kept once (a second
// preload: PreloadedBytes counts each byte once).
func (ix *Index) keepMapped(secs []scorchx.Mapped) {
	ix.keptMu.Lock()
	defer ix.keptMu.Unlock()
	page := uintptr(os.Getpagesize())
	var rs []addrRange
	if k := ix.kept.Load(); k != nil {
		rs = append(rs, *k...)
	}
	for _, s := range secs {
		if len(s.Data) == 0 {
			continue
		}
		lo := uintptr(unsafe.Pointer(unsafe.SliceData(s.Data)))
		hi := (lo + uintptr(len(s.Data)) + page - 1) &^ (page - 1)
		rs = append(rs, addrRange{lo, hi})
	}
	slices.SortFunc(rs, func(a, b addrRange) int { return cmp.Compare(a.lo, b.lo) })
	// Overlapping ranges merged: sorted and apart, as outside reads them.
	merged := rs[:0]
	for _, r := range rs {
		if n := len(merged); n > 0 && r.lo <= merged[n-1].hi {
			merged[n-1].hi = max(merged[n-1].hi, r.hi)
			continue
		}
		merged = append(merged, r)
	}
	ix.kept.Store(&merged)
}

// outside calls fn with each part of [lo, hi) that no range of kept
// (sorted, not overlapping) covers.
func outside(lo, hi uintptr, kept []addrRange, fn func(lo, hi uintptr)) {
	for _, k := range kept {
		if k.hi <= lo || k.lo >= hi {
			continue
		}
		if k.lo > lo {
			fn(lo, k.lo)
		}
		lo = max(lo, k.hi)
		if lo >= hi {
			return
		}
	}
	if lo < hi {
		fn(lo, hi)
	}
}
