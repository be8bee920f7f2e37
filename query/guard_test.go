package query

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/iq-search/iq/index"
)

// Damage after open: an index that passed its checks is damaged under a
// Searcher that has it open (memory-mapped): flipped bits or a zeroed page,
// in a segment or the root file. No method may panic; an error must say the
// index is damaged and name the file (issue 16.3: iq serve holds an index
// open for days). A file cut short under an open index is left out: a read
// past its end faults (SIGBUS) inside goroutines Bleve starts itself
// (scorch's per-segment dictionaries), where no recover reaches; a cut
// before the index is opened is caught by the size check of every open.
func TestDamageUnderSearcher(t *testing.T) {
	_, recs := embeddedSearcher(t)
	master := filepath.Join(t.TempDir(), "master")
	if err := index.Build(context.Background(), master, recs, index.BuildOptions{Fingerprint: "test"}); err != nil {
		t.Fatal(err)
	}
	seeds := 80
	if testing.Short() {
		seeds = 20
	}
	var calls, failed, damaged, panics int
	for seed := range seeds {
		rng := rand.New(rand.NewPCG(uint64(seed), 16))
		dir := filepath.Join(t.TempDir(), "index")
		copyTree(t, master, dir)
		ix, err := index.Open(dir)
		if err != nil {
			t.Fatal(err)
		}
		s, err := NewSearcher(ix)
		if err != nil {
			t.Fatal(err)
		}
		files, _ := filepath.Glob(filepath.Join(dir, "gen-*", "shard-0", "store", "*"))
		victim := files[rng.IntN(len(files))]
		kind := spoil(t, victim, rng)
		ctx := context.Background()
		check := func(what string, err error) {
			calls++
			if err == nil {
				return
			}
			failed++
			var qe *Error
			if errors.As(err, &qe) {
				return // a request error, not the index
			}
			if !errors.Is(err, index.ErrCorrupt) || !strings.Contains(err.Error(), victim) {
				t.Errorf("seed %d (%s of %s): %s error %v; want ErrCorrupt naming the file", seed, kind, filepath.Base(victim), what, err)
				return
			}
			damaged++
			if strings.Contains(err.Error(), "panic:") {
				panics++
			}
		}
		for _, q := range []string{"dependency injection", "pydantic", "async def", "oauth2", "middleware cors"} {
			_, err := s.Search(ctx, Request{Text: q, Limit: 10})
			check("Search("+q+")", err)
		}
		_, err = s.Stats(ctx)
		check("Stats", err)
		_, err = s.Record(recs[rng.IntN(len(recs))].ID)
		check("Record", err)
		_, err = s.Similar(ctx, SimilarRequest{ID: recs[0].ID})
		check("Similar", err)
		s.Close()
	}
	t.Logf("%d seeds, %d calls on damaged open indexes: %d failed, %d of them reported as damage naming the file (%d panics recovered), no crash", seeds, calls, failed, damaged, panics)
}

// spoil damages a file in place, as a disk would: flipped bits or a zeroed
// 4 KiB page written over it, or a cut.
func spoil(t *testing.T, path string, rng *rand.Rand) string {
	t.Helper()
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	st, _ := f.Stat()
	size := st.Size()
	if size == 0 {
		return "empty"
	}
	switch rng.IntN(2) {
	case 0:
		for range 1 + rng.IntN(8) {
			off := rng.Int64N(size)
			b := make([]byte, 1)
			f.ReadAt(b, off)
			b[0] ^= 1 << rng.IntN(8)
			f.WriteAt(b, off)
		}
		return "flipped bits"
	case 1:
		page := rng.Int64N((size + 4095) / 4096)
		f.WriteAt(make([]byte, min(4096, size-page*4096)), page*4096)
		return fmt.Sprintf("zeroed page %d", page)
	default:
		n := rng.Int64N(size)
		f.Truncate(n)
		return fmt.Sprintf("cut to %d bytes", n)
	}
}

func copyTree(t *testing.T, from, to string) {
	t.Helper()
	err := filepath.WalkDir(from, func(p string, d os.DirEntry, err error) error {
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
	if err != nil {
		t.Fatal(err)
	}
}
