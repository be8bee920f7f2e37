package index

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestMapAttachment: a mapped attachment holds the file's bytes until
// Close; one damaged in the middle, which a quick open does not read, is
// refused with ErrCorrupt, and one a full open read is not read again.
func TestMapAttachment(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "index")
	big := bytes.Repeat([]byte("features "), 100_000) // past the quick check's two ends
	err := Build(context.Background(), dir, loadCorpus(t)[:10], BuildOptions{Fingerprint: "fp", Attach: map[string][]byte{"big.bin": big, "empty.bin": {}}})
	if err != nil {
		t.Fatal(err)
	}
	ix, err := OpenVerify(dir, VerifyQuick)
	if err != nil {
		t.Fatal(err)
	}
	if b, err := ix.MapAttachment("big.bin"); err != nil || !bytes.Equal(b, big) {
		t.Fatalf("MapAttachment(big.bin) = %d bytes, %v; want %d", len(b), err, len(big))
	}
	if b, err := ix.MapAttachment("empty.bin"); err != nil || len(b) != 0 {
		t.Fatalf("MapAttachment(empty.bin) = %d bytes, %v; want none", len(b), err)
	}
	if _, err := ix.MapAttachment("missing.bin"); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("MapAttachment(missing.bin) error = %v; want ErrNotExist", err)
	}
	if err := ix.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := ix.MapAttachment("big.bin"); err == nil {
		t.Fatalf("MapAttachment after Close: no error")
	}

	p, err := current(dir)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, p.Generation, "big.bin")
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.WriteAt([]byte("X"), int64(len(big)/2)); err != nil {
		t.Fatal(err)
	}
	f.Close()
	ix, err = OpenVerify(dir, VerifyQuick)
	if err != nil {
		t.Fatalf("quick open of a file damaged in the middle: %v", err)
	}
	defer ix.Close()
	if _, err := ix.MapAttachment("big.bin"); !errors.Is(err, ErrCorrupt) {
		t.Fatalf("MapAttachment of a damaged file: error %v; want ErrCorrupt", err)
	}
	if _, err := OpenVerify(dir, VerifyFull); !errors.Is(err, ErrCorrupt) {
		t.Fatalf("full open of a damaged file: error %v; want ErrCorrupt", err)
	}
}

// TestVerifyRest: after a quick open, VerifyRest reads the middles of
// large files the open skipped, finds damage there as ErrCorrupt naming
// the file, and passes an undamaged index; after a full open it reads
// nothing again.
func TestVerifyRest(t *testing.T) {
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "index")
	big := bytes.Repeat([]byte("features "), 100_000) // past the quick check's two ends
	if err := Build(ctx, dir, loadCorpus(t)[:10], BuildOptions{Fingerprint: "fp", Attach: map[string][]byte{"big.bin": big}}); err != nil {
		t.Fatal(err)
	}
	for _, v := range []Verification{VerifyQuick, VerifyAuto, VerifyFull} {
		ix, err := OpenVerify(dir, v)
		if err != nil {
			t.Fatal(err)
		}
		if err := ix.VerifyRest(ctx); err != nil {
			t.Errorf("VerifyRest of an undamaged index opened with %d: %v", v, err)
		}
		ix.Close()
	}
	p, err := current(dir)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, p.Generation, "big.bin")
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	b[len(b)/2] ^= 0x20
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
	ix, err := OpenVerify(dir, VerifyQuick)
	if err != nil {
		t.Fatalf("quick open of a file damaged in the middle: %v", err)
	}
	defer ix.Close()
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	if err := ix.VerifyRest(cancelled); !errors.Is(err, context.Canceled) {
		t.Errorf("VerifyRest(cancelled) = %v; want context.Canceled", err)
	}
	// Paced (a server's check gives way to requests), it asks before
	// every piece and finds the same damage; pace's error stops it.
	paces := 0
	err = ix.VerifyRestPaced(ctx, func(context.Context) error { paces++; return nil })
	if !errors.Is(err, ErrCorrupt) || !strings.Contains(err.Error(), path) || paces == 0 {
		t.Fatalf("VerifyRestPaced of a damaged index = %v after %d paces; want ErrCorrupt naming %s", err, paces, path)
	}
	stop := errors.New("stop")
	if err := ix.VerifyRestPaced(ctx, func(context.Context) error { return stop }); err != stop {
		t.Errorf("VerifyRestPaced with pace failing = %v; want its error, not damage", err)
	}
	err = ix.VerifyRest(ctx)
	if !errors.Is(err, ErrCorrupt) || !strings.Contains(err.Error(), path) {
		t.Fatalf("VerifyRest of a damaged index = %v; want ErrCorrupt naming %s", err, path)
	}
}

// TestVerifyLater: once told that VerifyRest will run, MapAttachment maps
// a large attachment damaged in the middle without reading it whole (the
// server's features are used before the check reaches them), and
// VerifyRest reads the attachments mapped so far first, so that it finds
// their damage before any other file's.
func TestVerifyLater(t *testing.T) {
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "index")
	big := bytes.Repeat([]byte("features "), 100_000) // past the quick check's two ends
	if err := Build(ctx, dir, loadCorpus(t)[:10], BuildOptions{Fingerprint: "fp", Attach: map[string][]byte{"big.bin": big, "zz.bin": big}}); err != nil {
		t.Fatal(err)
	}
	p, err := current(dir)
	if err != nil {
		t.Fatal(err)
	}
	var paths []string
	for _, name := range []string{"big.bin", "zz.bin"} {
		path := filepath.Join(dir, p.Generation, name)
		damaged := bytes.Clone(big)
		damaged[len(damaged)/2] ^= 0x20
		if err := os.WriteFile(path, damaged, 0o644); err != nil {
			t.Fatal(err)
		}
		paths = append(paths, path)
	}
	// In the files' order, big.bin's damage is found first.
	ix, err := OpenVerify(dir, VerifyQuick)
	if err != nil {
		t.Fatal(err)
	}
	if err := ix.VerifyRest(ctx); !errors.Is(err, ErrCorrupt) || !strings.Contains(err.Error(), paths[0]) {
		t.Errorf("VerifyRest = %v; want ErrCorrupt naming %s", err, paths[0])
	}
	ix.Close()

	ix, err = OpenVerify(dir, VerifyQuick)
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	ix.VerifyLater()
	if b, err := ix.MapAttachment("zz.bin"); err != nil || len(b) != len(big) {
		t.Fatalf("MapAttachment(zz.bin) after VerifyLater = %d bytes, %v; want it mapped, %d bytes", len(b), err, len(big))
	}
	if err := ix.VerifyRest(ctx); !errors.Is(err, ErrCorrupt) || !strings.Contains(err.Error(), paths[1]) {
		t.Errorf("VerifyRest after zz.bin was mapped = %v; want ErrCorrupt naming %s, read first", err, paths[1])
	}
}

// TestAttachFrom: an attachment a function writes (at offsets of its
// choosing, a hole left between) is stored and checked like one given as
// bytes; a name given both ways is refused, and a function's error stops
// the build with nothing published.
func TestAttachFrom(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "index")
	recs := loadCorpus(t)[:10]
	want := append(append([]byte("head"), make([]byte, 8)...), "tail"...)
	write := func(w io.WriterAt) error {
		if _, err := w.WriteAt([]byte("tail"), 12); err != nil {
			return err
		}
		_, err := w.WriteAt([]byte("head"), 0)
		return err
	}
	if err := Build(context.Background(), dir, recs, BuildOptions{AttachFrom: map[string]func(io.WriterAt) error{"f.bin": write}}); err != nil {
		t.Fatal(err)
	}
	ix, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	got, err := ix.Attachment("f.bin")
	ix.Close()
	if err != nil || !bytes.Equal(got, want) {
		t.Fatalf("Attachment(f.bin) = %q, %v; want %q", got, err, want)
	}

	err = Build(context.Background(), dir, recs, BuildOptions{Attach: map[string][]byte{"f.bin": nil}, AttachFrom: map[string]func(io.WriterAt) error{"f.bin": write}})
	if err == nil || !strings.Contains(err.Error(), `attachment "f.bin" given twice`) {
		t.Errorf("Build with f.bin given twice: error %v; want one naming it", err)
	}
	failed := errors.New("no room")
	err = Build(context.Background(), dir, recs, BuildOptions{Fingerprint: "new", AttachFrom: map[string]func(io.WriterAt) error{"f.bin": func(io.WriterAt) error { return failed }}})
	if !errors.Is(err, failed) {
		t.Errorf("Build with a failing attachment: error %v; want %v", err, failed)
	}
	if ix, err := Open(dir); err != nil || ix.Meta().Fingerprint != "" {
		t.Errorf("after the failed build: open error %v; want the first build, still current", err)
	} else {
		ix.Close()
	}
}
