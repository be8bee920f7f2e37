//go:build unix

package main

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// A named pipe given where iq reads a file (a taxonomy, a synonym list,
// duplicate decisions, an input) never blocks a command: a file iq needs
// is refused with an error naming it and what it is, an input is skipped
// with the same reason (issue 16). Before, each waited forever for a
// writer.
func TestNamedPipeArguments(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "go.txt")
	if err := os.WriteFile(in, []byte("Go Questions\n\n1. What is a goroutine?\n\nA cheap concurrent function.\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	fifo := filepath.Join(dir, "pipe.json")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Skipf("mkfifo: %v", err)
	}
	const reason = "a named pipe (FIFO), not a regular file: not read, as reading it could block or never end"
	idx := filepath.Join(dir, "index")
	tests := []struct {
		name string
		args []string
		code int
		want string // in stderr
	}{
		{"ingest taxonomy", []string{"ingest", in, "--taxonomy", fifo}, 1, "read taxonomy: read " + fifo + ": " + reason},
		{"index taxonomy", []string{"index", in, "--index", idx, "--taxonomy", fifo}, 1, "read taxonomy: read " + fifo + ": " + reason},
		{"index synonyms", []string{"index", in, "--index", idx, "--synonyms", fifo}, 1, "read synonyms: read " + fifo + ": " + reason},
		{"index decisions", []string{"index", in, "--index", idx, "--dups-decisions", fifo}, 1, "read duplicate decisions: read " + fifo + ": " + reason},
		{"ingest input", []string{"ingest", fifo}, -1, reason},
		{"index input", []string{"index", in, fifo, "--index", idx}, 0, reason},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			type result struct {
				code           int
				stdout, stderr string
			}
			done := make(chan result, 1)
			go func() {
				code, stdout, stderr := iq(t, tt.args...)
				done <- result{code, stdout, stderr}
			}()
			select {
			case r := <-done:
				if tt.code >= 0 && r.code != tt.code || !strings.Contains(r.stderr, tt.want) {
					t.Errorf("iq %v: exit %d, stderr %q; want exit %d and %q", tt.args, r.code, r.stderr, tt.code, tt.want)
				}
			case <-time.After(30 * time.Second):
				t.Fatalf("iq %v still blocked after 30 s", tt.args)
			}
		})
	}
}
