package index

import (
	"errors"
	"sync/atomic"

	"golang.org/x/sys/unix"
)

// canPreload: PreloadSearch maps pages ahead on Linux.
const canPreload = true

// populateRefused is set once the kernel refused MADV_POPULATE_READ
// (EINVAL: before Linux 5.14): preloadRange then asks MADV_WILLNEED.
var populateRefused atomic.Bool

// preloadRange maps the pages of b, a page-aligned part of a read-only
// file mapping, into the process (madvise(MADV_POPULATE_READ)), reading
// them from the file where the page cache does not hold them; where the
// kernel refuses that advice, it asks for them to be read into the page
// cache (MADV_WILLNEED: no faults saved, the disk reads are). It returns
// the advice given. MADV_POPULATE_READ answers EFAULT where a page cannot
// be read (the file cut short under its mapping: where a read would
// raise SIGBUS) and ENOMEM where b is not mapped.
func preloadRange(b []byte) (string, error) {
	if !populateRefused.Load() {
		err := unix.Madvise(b, unix.MADV_POPULATE_READ)
		if !errors.Is(err, unix.EINVAL) {
			return "populate", err
		}
		populateRefused.Store(true)
	}
	return "willneed", unix.Madvise(b, unix.MADV_WILLNEED)
}
