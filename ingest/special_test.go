//go:build unix

package ingest

import (
	"context"
	"net"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"
)

// Named pipes, sockets and devices, in a folder, behind a symbolic link or
// given by name, are skipped with a reason that says what they are, and
// the run ends: opening a pipe for reading used to block forever, waiting
// for a writer (issue 16).
func TestSpecialFiles(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "a-good.txt"), []byte(goodText), 0o644); err != nil {
		t.Fatal(err)
	}
	fifo := filepath.Join(dir, "b-pipe.md")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Skipf("mkfifo: %v", err)
	}
	link := filepath.Join(dir, "c-link.md")
	if err := os.Symlink(fifo, link); err != nil {
		t.Fatal(err)
	}
	sock := filepath.Join(dir, "d.sock")
	if ln, err := net.Listen("unix", sock); err == nil {
		defer ln.Close()
	} else {
		sock = ""
	}
	outside := filepath.Join(t.TempDir(), "given.txt")
	if err := syscall.Mkfifo(outside, 0o644); err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		fifo:        "a named pipe (FIFO), not a regular file: not read, as reading it could block or never end",
		link:        "a named pipe (FIFO), not a regular file: not read, as reading it could block or never end",
		outside:     "a named pipe (FIFO), not a regular file: not read, as reading it could block or never end",
		"/dev/null": "a character device, not a regular file: not read, as reading it could block or never end",
	}
	if sock != "" {
		want[sock] = "a socket, not a regular file: not read, as reading it could block or never end"
	}

	type answer struct {
		rep *Report
		n   int
		err error
	}
	done := make(chan answer, 1)
	go func() {
		recs, rep, err := Paths(context.Background(), []string{dir, outside, "/dev/null"}, Options{})
		done <- answer{rep, len(recs), err}
	}()
	var a answer
	select {
	case a = <-done:
	case <-time.After(10 * time.Second):
		// Unblock the reader so the test binary can end.
		for _, p := range []string{fifo, outside} {
			if f, err := os.OpenFile(p, os.O_WRONLY|syscall.O_NONBLOCK, 0); err == nil {
				f.Close()
			}
		}
		t.Fatal("Paths still running after 10s; want special files skipped without opening them for a blocking read")
	}
	if a.err != nil || a.n != 2 {
		t.Fatalf("Paths = %d records, %v; want the 2 questions of the good file", a.n, a.err)
	}
	got := map[string]string{}
	for _, s := range a.rep.Skipped {
		if s.Reason != SkipUnreadable {
			t.Errorf("skip of %s: reason %q; want %q", s.File, s.Reason, SkipUnreadable)
		}
		got[s.File] = s.Detail
	}
	for file, detail := range want {
		if got[file] != detail {
			t.Errorf("skip of %s = %q; want %q", file, got[file], detail)
		}
	}
	if len(got) != len(want) {
		t.Errorf("skipped %v; want exactly %v", got, want)
	}
}
