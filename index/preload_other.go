//go:build !linux

package index

// canPreload: PreloadSearch does nothing elsewhere than Linux.
const canPreload = false

// preloadRange is never called elsewhere than Linux (see
// preload_linux.go).
func preloadRange(b []byte) (string, error) { return "", nil }
