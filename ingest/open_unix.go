//go:build unix

package ingest

import (
	"os"
	"syscall"
)

// openNonBlocking opens name for reading without waiting (OpenFile): a
// named pipe that took the place of a checked file opens at once instead
// of blocking until a writer comes, and the caller's type check then
// refuses it. O_NONBLOCK changes nothing for a regular file.
func openNonBlocking(name string) (*os.File, error) {
	return os.OpenFile(name, os.O_RDONLY|syscall.O_NONBLOCK, 0)
}
