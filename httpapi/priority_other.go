//go:build !linux

package httpapi

// lowerThreadPriority does nothing where a thread's priority cannot be set
// apart from the process's.
func lowerThreadPriority() {}
