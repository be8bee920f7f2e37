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
// checksum already (VerifyFull on open, or VerifyRest) or will
// (VerifyLater); a file read whole here is not read again by VerifyRest.
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
		if !ix.checked.Load() && !ix.later.Load() {
			if got := crcOf(m); got != s.CRC {
				m.Unmap()
				return nil, fmt.Errorf("read %s: %w: checksum mismatch", path, ErrCorrupt)
			}
			ix.read.Store(name, true)
		}
		ix.attached = append(ix.attached, m)
		ix.attachedNames = append(ix.attachedNames, name)
		return m, nil
	}
	return nil, fmt.Errorf("read %s of index %s: %w", name, ix.dir, fs.ErrNotExist)
}

// VerifyLater tells the index that VerifyRest will read every byte the
// open did not (a server's check while it serves, httpapi): from then on
// MapAttachment maps an attachment without reading it whole against its
// checksum first (its size and both 64 KiB ends were checked on open),
// and VerifyRest reads the attachments mapped so far before the other
// files. A server of a million records then uses its duplicate features
// without reading their 500 MB first (issue 15); until the check reaches
// them they are read as any file of the index is before its check ends
// (RELIABILITY.md, "Index lifecycle"): the reader of the features takes
// damaged bytes for a record without features, never a panic.
func (ix *Index) VerifyLater() { ix.later.Store(true) }
