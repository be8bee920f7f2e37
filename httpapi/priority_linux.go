package httpapi

import "syscall"

// lowerThreadPriority gives the calling thread (locked to its goroutine)
// the lowest priority: on Linux setpriority of a thread ID sets that
// thread's nice value alone. A failure leaves it as it was.
func lowerThreadPriority() {
	_ = syscall.Setpriority(syscall.PRIO_PROCESS, syscall.Gettid(), 19)
}
