// Package regular reads the files a user names (a taxonomy, a synonym
// list, duplicate decisions, study progress, inputs) without blocking on
// what is not a regular file. Opening a named pipe for reading waits for a
// writer, forever if none comes, and a device or socket is no document, so
// such a file is refused with an error that says what it is (issue 16).
//
// Files: regular.go (Describe, Open, Check, ReadFile), open_unix.go
// (openNonBlocking: O_NONBLOCK, so a pipe's open returns at once),
// open_other.go (a plain open elsewhere).
package regular

import (
	"errors"
	"io"
	"io/fs"
	"os"
)

// Describe says what a file of type t is and why it is not read; t is a
// mode's Type() that is not a regular file's.
func Describe(t fs.FileMode) string {
	kind := "not a regular file"
	switch {
	case t&fs.ModeNamedPipe != 0:
		kind = "a named pipe (FIFO)"
	case t&fs.ModeSocket != 0:
		kind = "a socket"
	case t&fs.ModeCharDevice != 0:
		kind = "a character device"
	case t&fs.ModeDevice != 0:
		kind = "a device"
	case t&fs.ModeDir != 0:
		kind = "a directory"
	}
	return kind + ", not a regular file: not read, as reading it could block or never end"
}

// Open opens name for reading without waiting (see openNonBlocking) and
// returns it with its size when it is a regular file; anything else is
// closed and refused, the error naming the file and what it is.
func Open(name string) (*os.File, int64, error) {
	f, err := openNonBlocking(name)
	if err != nil {
		return nil, 0, err
	}
	size, err := Check(f)
	if err != nil {
		f.Close()
		var pe *fs.PathError
		if errors.As(err, &pe) {
			return nil, 0, err
		}
		return nil, 0, &fs.PathError{Op: "read", Path: name, Err: err}
	}
	return f, size, nil
}

// Check returns the size of the open file f when it is a regular file,
// and otherwise an error saying what it is (Describe). The caller closes
// f either way. Open uses it for a path; ingest for a file of an fs.FS.
func Check(f fs.File) (int64, error) {
	info, err := f.Stat()
	if err != nil {
		return 0, err
	}
	if !info.Mode().IsRegular() {
		return 0, errors.New(Describe(info.Mode().Type()))
	}
	return info.Size(), nil
}

// ReadFile reads name as os.ReadFile does when it is a regular file and
// refuses anything else (see Open).
func ReadFile(name string) ([]byte, error) {
	f, size, err := Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	b := make([]byte, 0, size+1)
	for {
		n, err := f.Read(b[len(b):cap(b)])
		b = b[:len(b)+n]
		if err == io.EOF {
			return b, nil
		}
		if err != nil {
			return b, err
		}
		if len(b) == cap(b) {
			b = append(b, 0)[:len(b)]
		}
	}
}
