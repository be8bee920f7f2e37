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

// ReleaseMapped drops the pages of the index files mapped into this
// process under dir (an index directory: every generation of it) from the
// process's resident set, and returns how many bytes of mappings it
// advised. The files are mapped read-only and shared (Bleve's segments,
// iq-tables.bin), so madvise(MADV_DONTNEED) loses nothing: the pages stay
// in the kernel's page cache while memory allows, and the next read of
// one maps it again (a minor fault, or a disk read once the kernel has
// dropped it). A long-running server calls it to keep its resident set to
// what it is using lately rather than every page a search ever touched;
// on systems other than Linux it does nothing.
func ReleaseMapped(dir string) (int64, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return 0, fmt.Errorf("release mapped pages of %s: %w", dir, err)
	}
	if real, err := filepath.EvalSymlinks(abs); err == nil {
		abs = real
	}
	prefix := strings.TrimSuffix(abs, string(filepath.Separator)) + string(filepath.Separator)
	f, err := os.Open("/proc/self/maps")
	if err != nil {
		return 0, fmt.Errorf("release mapped pages of %s: %w", dir, err)
	}
	defer f.Close()
	var total int64
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 0, 64<<10), 1<<20)
	for sc.Scan() {
		lo, hi, ok := mappedRange(sc.Bytes(), prefix)
		if !ok || !stillMapped(lo, hi, prefix) {
			continue
		}
		if _, _, errno := syscall.Syscall(syscall.SYS_MADVISE, lo, hi-lo, syscall.MADV_DONTNEED); errno != 0 {
			return total, fmt.Errorf("release mapped pages of %s: madvise: %w", dir, errno)
		}
		total += int64(hi - lo)
	}
	if err := sc.Err(); err != nil {
		return total, fmt.Errorf("release mapped pages of %s: %w", dir, err)
	}
	return total, nil
}

// stillMapped reports whether [lo, hi) is, just before it is advised, still
// one mapping of a file under prefix. A build unmaps segments as scorch
// merges them, and the process may map anything in the hole (the Go
// runtime's own memory, which MADV_DONTNEED would zero): the range read
// from /proc/self/maps is checked again through /proc/self/map_files,
// which names only a range that is exactly one mapping of a file. It
// narrows the window to the two system calls, without closing it: the
// kernel offers no atomic "advise only if still this file".
func stillMapped(lo, hi uintptr, prefix string) bool {
	path, err := os.Readlink("/proc/self/map_files/" + strconv.FormatUint(uint64(lo), 16) + "-" + strconv.FormatUint(uint64(hi), 16))
	return err == nil && strings.HasPrefix(path, prefix)
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
