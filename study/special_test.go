//go:build unix

package study

import (
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// A named pipe given as the progress file is refused at once, not waited
// on for a writer (issue 16).
func TestLoadNamedPipe(t *testing.T) {
	fifo := filepath.Join(t.TempDir(), "progress.json")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Skipf("mkfifo: %v", err)
	}
	done := make(chan error, 1)
	go func() { _, err := Load(fifo); done <- err }()
	select {
	case err := <-done:
		if err == nil || !strings.Contains(err.Error(), "a named pipe (FIFO), not a regular file") {
			t.Errorf("Load(pipe) error = %v; want a named pipe refused", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Load(pipe) still blocked after 5 s")
	}
}
