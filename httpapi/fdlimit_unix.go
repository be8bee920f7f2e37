//go:build unix

package httpapi

import "syscall"

// fdLimit returns the process's limit on open file descriptors (the soft
// RLIMIT_NOFILE), or 0 when it cannot be read.
func fdLimit() int {
	var rl syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &rl); err != nil || rl.Cur > 1<<30 {
		return 0
	}
	return int(rl.Cur)
}
