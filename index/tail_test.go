package index

import (
	"context"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"strings"
	"testing"

	"github.com/blevesearch/bleve/v2"
	bindex "github.com/blevesearch/bleve_index_api"

	"github.com/iq-search/iq/index/expr"
	"github.com/iq-search/iq/index/internal/scorchx"
	"github.com/iq-search/iq/index/synth"
)

// shapeOf returns the document count of each segment of ix's snapshot.
func shapeOf(t testing.TB, ix *Index) []uint64 {
	t.Helper()
	var shape []uint64
	if err := ix.withReader(0, func(r bindex.IndexReader) error { shape = scorchx.Shape(r); return nil }); err != nil {
		t.Fatal(err)
	}
	return shape
}

// tailOf returns how many segments of shape hold fewer than half the
// documents of the largest.
func tailOf(shape []uint64) int {
	largest := uint64(0)
	for _, n := range shape {
		largest = max(largest, n)
	}
	k := 0
	for _, n := range shape {
		if n < largest/2 {
			k++
		}
	}
	return k
}

// TestBuildMergesTail builds the same records twice, leaving the merge
// policy's small segments and merging them (the default): the merged
// build ends with at most one segment under half the largest, and every
// tree the versus suite makes finds the same records on both, through
// either ranker (total, facets, every hit with its stored fields and term
// locations). Scores are not compared: Bleve's BM25 average field length
// is the sum of the segments' dictionary sizes over the documents
// (IndexSnapshot.FieldCardinality), so it moves with any merge, the merge
// policy's own included.
func TestBuildMergesTail(t *testing.T) {
	recs := synth.Generate(600, 5)
	// Batches of 10 records, three of a size before a merge: tiers of
	// 10, 30, 90, ... records, some segments left on each.
	opts := BuildOptions{Fingerprint: "tail", BatchSize: 10, SegmentsPerTier: 3}
	build := func(name string, leave bool) (*Index, []uint64) {
		dir := filepath.Join(t.TempDir(), name)
		o := opts
		o.LeaveTail = leave
		if err := Build(context.Background(), dir, recs, o); err != nil {
			t.Fatal(err)
		}
		ix, err := Open(dir)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { ix.Close() })
		return ix, shapeOf(t, ix)
	}
	// The policy's layout depends on timing: a build that ends with
	// its in-flight merges done (scorchx.Settle) left no tail in about
	// one build of eight; build again until there is one to merge.
	var left *Index
	var leftShape []uint64
	for try := 0; try < 10 && tailOf(leftShape) < 2; try++ {
		left, leftShape = build(fmt.Sprintf("left%d", try), true)
	}
	merged, mergedShape := build("merged", false)
	t.Logf("segments (documents): left %v, merged %v", leftShape, mergedShape)
	if tailOf(leftShape) < 2 {
		t.Fatalf("the build left %v: no tail to merge, the test tests nothing", leftShape)
	}
	if k := tailOf(mergedShape); k > 1 || len(mergedShape) >= len(leftShape) {
		t.Errorf("merged build has %d segments, %d under half the largest (%v); left %d", len(mergedShape), k, mergedShape, len(leftShape))
	}
	if left.Meta().Records != len(recs) || merged.Meta().Records != len(recs) || left.Meta().IDs != merged.Meta().IDs {
		t.Errorf("records %d (%s) and %d (%s); want %d", left.Meta().Records, left.Meta().IDs, merged.Meta().Records, merged.Meta().IDs, len(recs))
	}

	e := versusEnvOf(t, left, recs)
	ctx := context.Background()
	r := rand.New(rand.NewPCG(4, 15))
	n := 30
	if testing.Short() {
		n = 10
	}
	opts2 := SearchOptions{Size: len(recs), Fields: []string{FieldRecord}, Locations: true, Facets: versusFacets}
	for i := range n {
		q := e.tree(r, 3)
		for _, fast := range []bool{true, false} {
			left.SetFastRanking(fast)
			merged.SetFastRanking(fast)
			want, werr := left.searchTree(ctx, q, opts2)
			got, gerr := merged.searchTree(ctx, q, opts2)
			if werr != nil || gerr != nil {
				if (werr == nil) != (gerr == nil) {
					t.Errorf("tree %d %s (fast %v): error %v, left %v", i, expr.String(q), fast, gerr, werr)
				}
				continue
			}
			// The same hits in ID order, and no scores: diffResults
			// then compares what was found.
			for _, res := range []*bleve.SearchResult{want, got} {
				for _, h := range res.Hits {
					h.Score = 0
				}
				sortHits(res.Hits)
			}
			if d := diffResults("merged", got, want, false); len(d) > 0 {
				t.Errorf("tree %d %s (fast %v):\n  %s", i, expr.String(q), fast, strings.Join(d[:min(len(d), 5)], "\n  "))
			}
		}
	}
}
