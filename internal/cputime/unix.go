//go:build unix

package cputime

import (
	"syscall"
	"time"
)

// Used returns the user + system CPU time of this process, or 0 when it
// cannot be read.
func Used() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
