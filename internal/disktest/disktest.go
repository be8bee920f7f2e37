// Package disktest holds what the tests of an index on disk share (index,
// query, pipeline, httpapi): damaging a file the way failing disks do,
// copying an index, and reading an index again and again while it is
// rewritten.
//
// Only tests import it. It imports nothing of iq, so that index's own tests
// can use it.
package disktest

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"sync/atomic"
)

// A Fault is a way a disk damages a file.
type Fault int

const (
	// FlipBits flips 1 to 8 random bits.
	FlipBits Fault = iota
	// ZeroPage writes zeros over one 4 KiB page.
	ZeroPage
	// Cut cuts the file short.
	Cut
)

// Damage damages the file at path with one of faults, chosen by rng, and
// says which and whether the content changed (flipping a bit twice, or
// zeroing a page of zeros, does not). It writes in place, through the same
// file, so that an index holding the file open (memory-mapped) sees the
// damage. An empty file is left alone.
func Damage(path string, rng *rand.Rand, faults ...Fault) (kind string, changed bool, err error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return "", false, err
	}
	if len(b) == 0 {
		return "empty", false, nil
	}
	orig := slices.Clone(b)
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		return "", false, err
	}
	defer f.Close()
	switch faults[rng.IntN(len(faults))] {
	case FlipBits:
		n := 1 + rng.IntN(8)
		kind = fmt.Sprintf("%d flipped bits", n)
		for range n {
			i := rng.IntN(len(b))
			b[i] ^= 1 << rng.IntN(8)
		}
		_, err = f.WriteAt(b, 0)
	case ZeroPage:
		page := rng.IntN((len(b) + 4095) / 4096)
		kind = fmt.Sprintf("zeroed page %d", page)
		clear(b[page*4096 : min(len(b), page*4096+4096)])
		_, err = f.WriteAt(b, 0)
	case Cut:
		n := rng.IntN(len(b))
		kind = fmt.Sprintf("cut to %d bytes", n)
		b = b[:n]
		err = f.Truncate(int64(n))
	}
	if err == nil {
		err = f.Close()
	}
	if err != nil {
		return "", false, fmt.Errorf("damage %s: %w", path, err)
	}
	return kind, !slices.Equal(b, orig), nil
}

// CopyDir copies the tree at from to to, which must not exist yet.
func CopyDir(from, to string) error {
	return filepath.WalkDir(from, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(from, p)
		dst := filepath.Join(to, rel)
		if d.IsDir() {
			return os.MkdirAll(dst, 0o755)
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(dst, b, 0o644)
	})
}

// Reads counts what ReadWhile saw.
type Reads struct {
	// N is how many reads ran and Failed how many returned an error.
	N, Failed int64
	// First is the first error a read returned.
	First error
}

// ReadWhile calls read from readers goroutines, each again and again
// (reader is the goroutine's number, i counts its calls), until write
// returns, and then waits for the reads under way. A write that ends the
// test (t.Fatal) stops the readers too.
func ReadWhile(readers int, read func(reader, i int) error, write func()) (r Reads) {
	var (
		stop      atomic.Bool
		n, failed atomic.Int64
		mu        sync.Mutex
		first     error
		wg        sync.WaitGroup
	)
	for c := range readers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; !stop.Load(); i++ {
				err := read(c, i)
				n.Add(1)
				if err != nil {
					failed.Add(1)
					mu.Lock()
					if first == nil {
						first = err
					}
					mu.Unlock()
				}
			}
		}()
	}
	defer func() {
		stop.Store(true)
		wg.Wait()
		r = Reads{N: n.Load(), Failed: failed.Load(), First: first}
	}()
	write()
	return
}
