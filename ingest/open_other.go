//go:build !unix

package ingest

import "os"

// openNonBlocking opens name for reading; off Unix there are no named
// pipes in folders to block on.
func openNonBlocking(name string) (*os.File, error) { return os.Open(name) }
