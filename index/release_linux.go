package index

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
)

// madvPageout is MADV_PAGEOUT (Linux 5.4): reclaim the pages of a range.
// Kernels without it answer EINVAL, which PageOutMapped reports.
const madvPageout = 21

// PageOutMapped asks the kernel to reclaim the pages of the index files
// under dir (an index directory: every generation of it) mapped into this
// process (madvise(MADV_PAGEOUT)), and returns how many bytes of mappings
// it advised. A build calls it while scorch writes, maps, merges and
// unmaps segments on goroutines of its own: a range read from
// /proc/self/maps may be unmapped, and the address reused for other
// memory, before it is advised. MADV_PAGEOUT never loses data (anonymous
// memory is at most swapped out, and stays where there is no swap), so
// the race costs nothing; MADV_DONTNEED would zero such memory. The
// segments' pages leave the page cache too (a merge reading one again
// reads the file). On systems other than Linux it does nothing.
func PageOutMapped(dir string) (int64, error) {
	n, err := adviseMapped(dir, madvPageout, nil)
	if err != nil {
		return n, fmt.Errorf("page out mapped index files of %s: %w", dir, err)
	}
	return n, nil
}

// ReleaseMapped drops the pages of this open index's files mapped into
// the process (its generation's segments and iq-tables.bin) from the
// process's resident set with madvise(MADV_DONTNEED), and returns how many
// bytes of mappings it advised. The files are mapped read-only and shared,
// so nothing is lost: the pages stay in the kernel's page cache while
// memory allows, and the next read of one maps it again (a minor fault).
// An index opened by Open is read-only: it maps its files when it opens
// and unmaps them only in Close, which waits for ReleaseMapped (mapMu), so
// every range advised is still this index's file (MADV_DONTNEED on memory
// mapped at a freed address would zero it). A long-running server calls
// it to keep its resident set to what it is using lately rather than
// every page a search ever touched. The search sections PreloadSearch
// mapped ahead stay (they are what a server preloads them for). It does
// nothing once the index is closed, and on systems other than Linux.
func (ix *Index) ReleaseMapped() (int64, error) {
	ix.mapMu.RLock()
	defer ix.mapMu.RUnlock()
	if ix.closed.Load() {
		return 0, nil
	}
	var kept []addrRange
	if k := ix.kept.Load(); k != nil {
		kept = *k
	}
	n, err := adviseMapped(ix.gdir, syscall.MADV_DONTNEED, kept)
	if err != nil {
		return n, fmt.Errorf("release mapped pages of %s: %w", ix.gdir, err)
	}
	return n, nil
}

// dropMapped drops the pages of the index files under dir mapped into the
// process from its resident set (MADV_DONTNEED; the page cache keeps
// them). It is for a caller that alone maps the files under dir, read-only,
// and unmaps none of them until it returns: writeTables, which reads a new
// generation's one shard that it opened read-only (no merges, no unmapping
// before Close) and that nothing else in the process maps (a generation's
// directory is new; an update links the old one's files under new names).
// An error leaves the pages where they are.
func dropMapped(dir string) { adviseMapped(dir, syscall.MADV_DONTNEED, nil) }

// adviseMapped gives advice to every read-only shared mapping of a file
// under dir, as /proc/self/maps lists them, but for the ranges of kept
// (sorted: the search sections PreloadSearch mapped ahead).
func adviseMapped(dir string, advice int, kept []addrRange) (int64, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return 0, err
	}
	if real, err := filepath.EvalSymlinks(abs); err == nil {
		abs = real
	}
	prefix := strings.TrimSuffix(abs, string(filepath.Separator)) + string(filepath.Separator)
	f, err := os.Open("/proc/self/maps")
	if err != nil {
		return 0, err
	}
	defer f.Close()
	var total int64
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 0, 64<<10), 1<<20)
	for sc.Scan() {
		lo, hi, ok := mappedRange(sc.Bytes(), prefix)
		if !ok {
			continue
		}
		var err error
		outside(lo, hi, kept, func(lo, hi uintptr) {
			if err != nil {
				return
			}
			_, _, errno := syscall.Syscall(syscall.SYS_MADVISE, lo, hi-lo, uintptr(advice))
			switch errno {
			case 0:
				total += int64(hi - lo)
			case syscall.ENOMEM:
				// Unmapped since /proc/self/maps was read (a merge
				// dropped the segment): nothing of it is left to
				// advise.
			default:
				err = fmt.Errorf("madvise: %w", errno)
			}
		})
		if err != nil {
			return total, err
		}
	}
	return total, sc.Err()
}

// mappedRange parses a line of /proc/self/maps ("lo-hi perms offset dev
// inode path") and returns the range when it maps, read-only and shared,
// a file whose path starts with prefix.
func mappedRange(line []byte, prefix string) (lo, hi uintptr, ok bool) {
	fields := bytes.Fields(line)
	if len(fields) < 6 {
		return 0, 0, false
	}
	// A path may hold spaces: it is the rest of the line after the fifth
	// field.
	path := string(bytes.TrimSpace(line[bytes.Index(line, fields[5]):]))
	perms := string(fields[1])
	if !strings.HasPrefix(path, prefix) || len(perms) != 4 || perms[1] != '-' || perms[3] != 's' {
		return 0, 0, false
	}
	a, b, found := strings.Cut(string(fields[0]), "-")
	if !found {
		return 0, 0, false
	}
	l, err1 := strconv.ParseUint(a, 16, 64)
	h, err2 := strconv.ParseUint(b, 16, 64)
	if err1 != nil || err2 != nil || h <= l {
		return 0, 0, false
	}
	return uintptr(l), uintptr(h), true
}
