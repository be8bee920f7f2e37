//go:build unix

package regular

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// A regular file reads whole; a named pipe, a link to one, a device and a
// directory are refused at once with what they are.
func TestReadFile(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "good.json")
	want := strings.Repeat("x", 10000)
	if err := os.WriteFile(good, []byte(want), 0o644); err != nil {
		t.Fatal(err)
	}
	if got, err := ReadFile(good); err != nil || string(got) != want {
		t.Errorf("ReadFile(good) = %d bytes, %v; want %d bytes", len(got), err, len(want))
	}
	fifo := filepath.Join(dir, "pipe.json")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Skipf("mkfifo: %v", err)
	}
	link := filepath.Join(dir, "link.json")
	if err := os.Symlink(fifo, link); err != nil {
		t.Fatal(err)
	}
	tests := []struct{ name, path, want string }{
		{"pipe", fifo, "read " + fifo + ": a named pipe (FIFO), not a regular file: not read, as reading it could block or never end"},
		{"link to a pipe", link, "read " + link + ": a named pipe (FIFO), not a regular file"},
		{"device", "/dev/null", "read /dev/null: a character device, not a regular file"},
		{"directory", dir, "read " + dir + ": a directory, not a regular file"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			done := make(chan error, 1)
			go func() { _, err := ReadFile(tt.path); done <- err }()
			select {
			case err := <-done:
				if err == nil || !strings.HasPrefix(err.Error(), tt.want) {
					t.Errorf("ReadFile(%s) error = %v; want it to start %q", tt.path, err, tt.want)
				}
				var pe *fs.PathError
				if !errors.As(err, &pe) {
					t.Errorf("ReadFile(%s) error %T; want a *fs.PathError", tt.path, err)
				}
			case <-time.After(5 * time.Second):
				t.Fatalf("ReadFile(%s) still blocked after 5 s", tt.path)
			}
		})
	}
}
