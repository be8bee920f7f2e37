package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/iq-search/iq/record"
)

// writeOutput writes through write to the file name, or to stdout when
// name is "" or "-", buffered. A file is written whole or not at all
// (writeFileAtomic), so an export or ingest that fails part way leaves
// the file it would replace as it was.
func writeOutput(name string, stdout io.Writer, write func(io.Writer) error) error {
	buffered := func(w io.Writer) error {
		bw := bufio.NewWriter(w)
		if err := write(bw); err != nil {
			return err
		}
		return bw.Flush()
	}
	if name == "" || name == "-" {
		return buffered(stdout)
	}
	return writeFileAtomic(name, buffered)
}

// writeJSONL writes one record a line, HTML characters as they are: what
// iq ingest, iq export and iq dups export print, and what iq index reads
// back to the same records.
func writeJSONL(w io.Writer, recs []record.Record) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	for i := range recs {
		if err := enc.Encode(&recs[i]); err != nil {
			return fmt.Errorf("write record %s: %w", recs[i].ID, err)
		}
	}
	return nil
}

// writeFileAtomic writes a file through a temporary file beside it, synced
// and renamed into place, so that a failure part way (a full disk, an
// interrupt) leaves the old file as it was (issue 16.9). A symbolic link
// is written through, and an existing file keeps its permissions.
func writeFileAtomic(name string, write func(io.Writer) error) (err error) {
	if real, err := filepath.EvalSymlinks(name); err == nil {
		name = real
	}
	mode := os.FileMode(0o644)
	if st, err := os.Stat(name); err == nil {
		mode = st.Mode().Perm()
	}
	f, err := os.CreateTemp(filepath.Dir(name), "."+filepath.Base(name)+".tmp-*")
	if err != nil {
		return fmt.Errorf("write %s: %w", name, err)
	}
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(f.Name())
		}
	}()
	if err := write(f); err != nil {
		return fmt.Errorf("write %s: %w", name, err)
	}
	if err := f.Chmod(mode); err != nil {
		return fmt.Errorf("write %s: %w", name, err)
	}
	if err := f.Sync(); err != nil {
		return fmt.Errorf("write %s: %w", name, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("write %s: %w", name, err)
	}
	if err := os.Rename(f.Name(), name); err != nil {
		return fmt.Errorf("write %s: %w", name, err)
	}
	return nil
}
