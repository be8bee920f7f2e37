package scorchx

import (
	"errors"
	"strings"
	"testing"

	"github.com/blevesearch/bleve/v2/index/scorch"
)

// An error met in a walk of the dictionaries (countsOf's term outside
// the set asked for, which only damage makes) names the segment file it
// was met in, as the walk's own errors do.
func TestLiveCountsErrorNamesSegment(t *testing.T) {
	idx, _, _ := tailIndex(t)
	sc, err := scorchOf(idx)
	if err != nil {
		t.Fatal(err)
	}
	r, err := sc.Reader()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	snap := r.(*scorch.IndexSnapshot)
	segs, ok := zapSegments(snap)
	if !ok {
		t.Fatal("not zap v17 segments")
	}
	w := fstWalks.Get().(*fstWalk)
	defer fstWalks.Put(w)
	w.pre.prefix = []byte("batch")
	defer func() { w.pre.prefix = nil }()
	damage := errors.New("a term outside the set")
	err = w.liveCounts(segs, snap.Segments(), "text", &w.pre, func([]byte, uint64) error { return damage })
	if !errors.Is(err, damage) || !strings.Contains(err.Error(), segs[0].Path()) {
		t.Fatalf("liveCounts with fn failing = %v; want its error naming %s", err, segs[0].Path())
	}
}
