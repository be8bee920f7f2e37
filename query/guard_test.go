package query

import (
	"context"
	"errors"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/iq-search/iq/index"
	"github.com/iq-search/iq/internal/disktest"
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
		if err := disktest.CopyDir(master, dir); err != nil {
			t.Fatal(err)
		}
		s := openSearcher(t, dir)
		files, _ := filepath.Glob(filepath.Join(dir, "gen-*", "shard-0", "store", "*"))
		victim := files[rng.IntN(len(files))]
		kind, _, err := disktest.Damage(victim, rng, disktest.FlipBits, disktest.ZeroPage)
		if err != nil {
			t.Fatal(err)
		}
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

// An error of Stream's function (a caller's "enough", a closed pipe) is
// the caller's: it comes back as it was, not checked against the index's
// files, so that damage the search never read does not turn it into
// ErrCorrupt.
func TestStreamCallerError(t *testing.T) {
	_, recs := embeddedSearcher(t)
	dir := filepath.Join(t.TempDir(), "index")
	if err := index.Build(context.Background(), dir, recs, index.BuildOptions{Fingerprint: "test", Attach: map[string][]byte{"note.txt": []byte("unread by a search")}}); err != nil {
		t.Fatal(err)
	}
	s := openSearcher(t, dir)
	defer s.Close()
	notes, _ := filepath.Glob(filepath.Join(dir, "gen-*", "note.txt"))
	if len(notes) != 1 {
		t.Fatalf("attachment note.txt: found %v", notes)
	}
	if err := os.WriteFile(notes[0], []byte("damaged, same size"), 0o644); err != nil {
		t.Fatal(err)
	}
	enough := errors.New("enough")
	_, err := s.Stream(context.Background(), Request{Text: "dependency injection"}, func(Hit) error { return enough })
	if err != enough {
		t.Errorf("Stream with a function that stops = %v; want its error as it was", err)
	}
}
