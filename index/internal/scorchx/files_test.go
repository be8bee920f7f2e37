package scorchx

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/index/scorch/mergeplan"
)

// seg is a segment as mergeplan sees it: an ID and a live size, no deletions.
type seg struct {
	id   uint64
	size int64
}

func (s seg) Id() uint64          { return s.id }
func (s seg) FullSize() int64     { return s.size }
func (s seg) LiveSize() int64     { return s.size }
func (s seg) HasVector() bool     { return false }
func (s seg) FileSize() int64     { return s.size * 4000 }
func (s seg) LiveFileSize() int64 { return s.size * 4000 }

// TestTailPlan runs mergeplan's planner with tailPlan's options over
// segment sizes as builds leave them: only segments under half the largest
// are merged, into segments smaller than the largest, and the tail ends as
// at most one segment under half the largest plus those merged pieces.
func TestTailPlan(t *testing.T) {
	rep := func(n int, size int64) []int64 { return slices.Repeat([]int64{size}, n) }
	cases := []struct {
		name  string
		sizes []int64
		tail  int // segments under half the largest
	}{
		{"1M as run 22 left it", slices.Concat(rep(15, 50000), []int64{48000, 48000, 26000, 14000, 8000, 6000, 3000}, rep(14, 2000), rep(69, 1000)), 87},
		{"100k", slices.Concat([]int64{34000, 32055}, rep(29, 1100)), 29},
		{"no tail", rep(10, 1000), 0},
		{"one small", []int64{1000, 1000, 10}, 1},
		{"a tail larger than the largest", slices.Concat([]int64{10000}, rep(40, 4000)), 40},
		{"one segment", []int64{5}, 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if _, n := tailPlan(c.sizes); n != c.tail {
				t.Fatalf("tail of %d segments; want %d", n, c.tail)
			}
			// MergeTail's rounds: plan, merge, again while the tail
			// holds more than one segment.
			sizes := c.sizes
			for round := 0; ; round++ {
				mo, n := tailPlan(sizes)
				if n <= 1 {
					break
				}
				if round == 5 {
					t.Fatalf("after %d rounds %v: a tail of %d", round, sizes, n)
				}
				next := planOnce(t, sizes, mo)
				if len(next) >= len(sizes) {
					t.Fatalf("round %d over %v merged nothing", round, sizes)
				}
				sizes = next
			}
			if len(sizes) > len(c.sizes)-c.tail+(c.tail+1)/2+1 {
				t.Errorf("%v became %v", c.sizes, sizes)
			}
		})
	}
}

// planOnce returns the segment sizes after the tasks mergeplan plans over
// sizes with mo, checking that each merges only segments under half the
// largest into one smaller than the largest.
func planOnce(t *testing.T, sizes []int64, mo mergeplan.MergePlanOptions) []int64 {
	t.Helper()
	var segs []mergeplan.Segment
	largest := int64(0)
	for i, s := range sizes {
		segs = append(segs, seg{uint64(i), s})
		largest = max(largest, s)
	}
	plan, err := mergeplan.Plan(segs, &mo)
	if err != nil {
		t.Fatal(err)
	}
	merged := map[uint64]bool{}
	var after []int64
	if plan != nil {
		for _, task := range plan.Tasks {
			var sum int64
			for _, s := range task.Segments {
				if s.LiveSize() >= largest/2 {
					t.Errorf("a task merges a segment of %d documents, not under half the largest (%d)", s.LiveSize(), largest)
				}
				merged[s.Id()] = true
				sum += s.LiveSize()
			}
			if sum >= largest {
				t.Errorf("a task makes a segment of %d documents; the largest holds %d", sum, largest)
			}
			after = append(after, sum)
		}
	}
	for i, s := range sizes {
		if !merged[uint64(i)] {
			after = append(after, s)
		}
	}
	return after
}

// tailIndex returns a scorch index of one segment of 100 documents and
// 19 of 5, each persisted before the next is indexed, under a merge
// policy that merges none of them, its directory, and a Close that may be
// called before the test ends (it closes the index then, once).
func tailIndex(t *testing.T) (idx bleve.Index, dir string, closeIdx func() error) {
	t.Helper()
	dir = filepath.Join(t.TempDir(), "tail")
	config := MergeConfig(1000, 1)
	idx, err := bleve.NewUsing(dir, bleve.NewIndexMapping(), Name, Name, config)
	if err != nil {
		t.Fatal(err)
	}
	var once sync.Once
	closeIdx = func() error {
		err := errors.New("closed before")
		once.Do(func() { err = Close(idx) })
		return err
	}
	t.Cleanup(func() { closeIdx() })
	sc, err := scorchOf(idx)
	if err != nil {
		t.Fatal(err)
	}
	for b := range 20 {
		batch := idx.NewBatch()
		n := 5
		if b == 0 {
			n = 100
		}
		for i := range n {
			if err := batch.Index(fmt.Sprintf("d%d-%d", b, i), map[string]any{"text": fmt.Sprintf("text %d of batch %d", i, b)}); err != nil {
				t.Fatal(err)
			}
		}
		if err := idx.Batch(batch); err != nil {
			t.Fatal(err)
		}
		if err := persisted(context.Background(), idx, sc); err != nil {
			t.Fatal(err)
		}
	}
	if sizes, err := liveSizes(sc); err != nil || len(sizes) != 20 {
		t.Fatalf("segments %v, %v; want 20", sizes, err)
	}
	return idx, dir, closeIdx
}

// A merge that cannot write its file (its directory gone, as a full or
// failing disk would fail it) is an error naming the cause: scorch's
// merger tries a failed merge again without end, and its ForceMerge
// waits for neither that nor a cancel (before, each case here was still
// merging after a minute, a core busy, and a cancelled context changed
// nothing).
func TestMergeTailFails(t *testing.T) {
	for _, c := range []struct {
		name  string
		merge func(context.Context, bleve.Index) error
	}{
		{"MergeTail", func(ctx context.Context, idx bleve.Index) error { _, _, err := MergeTail(ctx, idx); return err }},
		{"ForceMerge", func(ctx context.Context, idx bleve.Index) error { return ForceMerge(ctx, idx, 1) }},
	} {
		t.Run(c.name, func(t *testing.T) {
			idx, dir, _ := tailIndex(t)
			if err := os.RemoveAll(dir); err != nil {
				t.Fatal(err)
			}
			done := make(chan error, 1)
			go func() { done <- c.merge(context.Background(), idx) }()
			var err error
			select {
			case err = <-done:
			case <-time.After(time.Minute):
				t.Fatalf("%s still merging after a minute", c.name)
			}
			t.Logf("%s: %v", c.name, err)
			if err == nil || !strings.Contains(err.Error(), "no such file or directory") {
				t.Fatalf("%s = %v; want the merger's error (no such file or directory)", c.name, err)
			}
		})
	}
}

// A persister that cannot write (the index directory removed under it)
// makes persisted an error carrying the persister's, where it waited
// persistWait (30 s) and returned nil: scorch's persister tries again at
// once, without end.
func TestPersistedFails(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "persist")
	config := MergeConfig(1000, 0)
	config["unsafe_batch"] = true // Batch returns before the persister writes
	idx, err := bleve.NewUsing(dir, bleve.NewIndexMapping(), Name, Name, config)
	if err != nil {
		t.Fatal(err)
	}
	defer idx.Close()
	sc, err := scorchOf(idx)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.RemoveAll(dir); err != nil {
		t.Fatal(err)
	}
	b := idx.NewBatch()
	for i := range 10 {
		if err := b.Index(fmt.Sprint(i), map[string]any{"text": "text"}); err != nil {
			t.Fatal(err)
		}
	}
	if err := idx.Batch(b); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	err = persisted(context.Background(), idx, sc)
	if err == nil || !strings.Contains(err.Error(), "no such file or directory") {
		t.Fatalf("persisted() = %v after %v; want the persister's error (no such file or directory)", err, time.Since(start))
	}
}
