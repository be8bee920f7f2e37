//go:build unix

package ingest

import (
	"syscall"
	"time"
)

// cpuTime returns the CPU time (user + system) the test process has used,
// so that a benchmark on a machine shared with other work can report
// throughput per CPU second beside the wall-clock figure.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
