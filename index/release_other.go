//go:build !linux

package index

// PageOutMapped asks the kernel to reclaim the pages of the index files
// mapped under dir; see release_linux.go. Elsewhere than Linux it does
// nothing.
func PageOutMapped(dir string) (int64, error) { return 0, nil }

// ReleaseMapped drops the pages of the index's mapped files from the
// process's resident set; see release_linux.go. Elsewhere than Linux it
// does nothing.
func (ix *Index) ReleaseMapped() (int64, error) { return 0, nil }

// dropMapped drops the pages of the index files under dir mapped into the
// process; see release_linux.go. Elsewhere than Linux it does nothing.
func dropMapped(dir string) {}
