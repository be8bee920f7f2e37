package index

import (
	"fmt"
	"io/fs"
	"path/filepath"
)

// MapAttachment is Attachment read in place: the file mapped read-only
// into the process until Close, which unmaps it, so a caller must not use
// the bytes after closing the index. A large attachment (the duplicate
// features of a million records, 446 MB) is then read only where it is
// used, and its pages are the index's own for ReleaseMapped. Its
// checksum is checked here unless the index read every file against its
// checksum already (VerifyFull on open, or VerifyRest).
func (ix *Index) MapAttachment(name string) ([]byte, error) {
	for _, s := range ix.sums {
		if s.Path != name {
			continue
		}
		path := filepath.Join(ix.gdir, name)
		if s.Size == 0 {
			return ix.Attachment(name)
		}
		ix.mapMu.Lock()
		defer ix.mapMu.Unlock()
		if ix.closed.Load() {
			return nil, fmt.Errorf("read %s: index closed", path)
		}
		m, err := mapFile(path, s.Size)
		if err != nil {
			return nil, fmt.Errorf("read %s: %w", path, err)
		}
		if !ix.checked.Load() {
			if got := crcOf(m); got != s.CRC {
				m.Unmap()
				return nil, fmt.Errorf("read %s: %w: checksum mismatch", path, ErrCorrupt)
			}
		}
		ix.attached = append(ix.attached, m)
		return m, nil
	}
	return nil, fmt.Errorf("read %s of index %s: %w", name, ix.dir, fs.ErrNotExist)
}
