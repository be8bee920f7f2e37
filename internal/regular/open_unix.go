//go:build unix

package regular

import (
	"os"
	"syscall"
)

// openNonBlocking opens name for reading without waiting: a named pipe
// opens at once instead of blocking until a writer comes, and Open then
// refuses it. O_NONBLOCK changes nothing for a regular file.
func openNonBlocking(name string) (*os.File, error) {
	return os.OpenFile(name, os.O_RDONLY|syscall.O_NONBLOCK, 0)
}
