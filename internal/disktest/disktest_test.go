package disktest

import (
	"bytes"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// Damage changes the file in place (the same file, so a mapping sees it)
// as its kind says, and reports a change only when the bytes differ.
func TestDamage(t *testing.T) {
	orig := bytes.Repeat([]byte("0123456789abcdef"), 1000) // 16,000 bytes: 4 pages
	seen := map[string]bool{}
	for seed := range 60 {
		path := filepath.Join(t.TempDir(), "f")
		if err := os.WriteFile(path, orig, 0o644); err != nil {
			t.Fatal(err)
		}
		before, _ := os.Stat(path)
		kind, changed, err := Damage(path, rand.New(rand.NewPCG(uint64(seed), 1)), FlipBits, ZeroPage, Cut)
		if err != nil {
			t.Fatalf("seed %d: Damage: %v", seed, err)
		}
		after, err := os.Stat(path)
		if err != nil || !os.SameFile(before, after) {
			t.Fatalf("seed %d: %s: the file was replaced, not written in place (%v)", seed, kind, err)
		}
		got, _ := os.ReadFile(path)
		if changed != !bytes.Equal(got, orig) {
			t.Errorf("seed %d: %s: changed = %v; the bytes say %v", seed, kind, changed, !bytes.Equal(got, orig))
		}
		var n int
		switch {
		case strings.HasSuffix(kind, "flipped bits"):
			seen["flip"] = true
			if len(got) != len(orig) {
				t.Errorf("seed %d: %s: size %d; want %d", seed, kind, len(got), len(orig))
			}
		case strings.HasPrefix(kind, "cut to"):
			seen["cut"] = true
			if _, err := fmt.Sscanf(kind, "cut to %d bytes", &n); err != nil || len(got) != n {
				t.Errorf("seed %d: %s: size %d (%v)", seed, kind, len(got), err)
			}
		default:
			seen["zero"] = true
			if _, err := fmt.Sscanf(kind, "zeroed page %d", &n); err != nil || len(got) != len(orig) || !bytes.Equal(got[n*4096:min(len(got), n*4096+4096)], make([]byte, min(4096, len(got)-n*4096))) {
				t.Errorf("seed %d: %s: page not zeroed (%v)", seed, kind, err)
			}
		}
	}
	if len(seen) != 3 {
		t.Errorf("60 seeds made only %v; want flips, zeroed pages and cuts", seen)
	}
	empty := filepath.Join(t.TempDir(), "empty")
	os.WriteFile(empty, nil, 0o644)
	if kind, changed, err := Damage(empty, rand.New(rand.NewPCG(1, 1)), Cut); kind != "empty" || changed || err != nil {
		t.Errorf("Damage(empty file) = %q, %v, %v; want \"empty\", false, nil", kind, changed, err)
	}
	if _, _, err := Damage(filepath.Join(t.TempDir(), "missing"), rand.New(rand.NewPCG(1, 1)), Cut); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("Damage(missing file) error = %v; want ErrNotExist", err)
	}
}

// ReadWhile keeps every reader reading until the write is done, counts
// the reads and failures, keeps the first error, and returns only when
// no reader is still reading.
func TestReadWhile(t *testing.T) {
	var returned atomic.Bool
	var late atomic.Int64
	var perReader [3]atomic.Int64
	boom := errors.New("boom")
	r := ReadWhile(3, func(reader, i int) error {
		perReader[reader].Add(1)
		time.Sleep(time.Millisecond) // a read takes a while
		if returned.Load() {
			late.Add(1)
		}
		if reader == 1 && i%2 == 0 {
			return fmt.Errorf("read %d: %w", i, boom)
		}
		return nil
	}, func() {
		// The write lasts until every reader has read twice.
		for perReader[0].Load() < 2 || perReader[1].Load() < 2 || perReader[2].Load() < 2 {
			time.Sleep(time.Millisecond)
		}
	})
	returned.Store(true)
	if r.N < 6 || r.Failed == 0 || r.Failed > r.N || !errors.Is(r.First, boom) {
		t.Errorf("ReadWhile = %+v; want at least 6 reads, some failed, the first error kept", r)
	}
	time.Sleep(5 * time.Millisecond) // a reader left running would read on
	if late.Load() > 0 {
		t.Errorf("%d reads still running after ReadWhile returned; want none", late.Load())
	}
}
