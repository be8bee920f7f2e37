package scorchx

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/index/scorch/mergeplan"
)

// Name is the index type and kvstore name of a scorch index, for
// bleve.NewUsing.
const Name = scorch.Name

// MergeConfig returns the index configuration that sets scorch's merge
// policy to let perTier segments of one size build up before merging them
// (MaxSegmentsPerTier and SegmentsPerMergeTask; scorch decodes the map as
// JSON over its defaults).
func MergeConfig(perTier int) map[string]any {
	return map[string]any{"scorchMergePlanOptions": map[string]any{
		"MaxSegmentsPerTier":   perTier,
		"SegmentsPerMergeTask": perTier,
	}}
}

// ForceMerge merges the segments of a scorch index down to at most n.
// Scorch's own force merge plans over the segments persisted when it
// starts, so segments a busy persister still holds in memory are left
// beside the merged one: ForceMerge asks again, a few times over some
// seconds, while the snapshot holds more than n segments (best effort:
// an index that will not merge further is left as it is).
func ForceMerge(ctx context.Context, idx bleve.Index, n int) error {
	adv, err := idx.Advanced()
	if err != nil {
		return err
	}
	sc, ok := adv.(*scorch.Scorch)
	if !ok {
		return fmt.Errorf("not a scorch index: %T", adv)
	}
	mo := mergeplan.SingleSegmentMergePlanOptions
	mo.MaxSegmentsPerTier = n
	for try := 0; ; try++ {
		if err := sc.ForceMerge(ctx, &mo); err != nil {
			return err
		}
		k, err := segmentCount(sc)
		if err != nil || k <= n || try == forceMergeTries {
			return errors.Join(err, ctx.Err())
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(forceMergeWait):
		}
	}
}

// forceMergeTries and forceMergeWait bound ForceMerge's asking again.
const (
	forceMergeTries = 50
	forceMergeWait  = 100 * time.Millisecond
)

// segmentCount returns how many segments the index's current snapshot
// holds.
func segmentCount(sc *scorch.Scorch) (int, error) {
	r, err := sc.Reader()
	if err != nil {
		return 0, err
	}
	defer r.Close()
	snap, ok := r.(*scorch.IndexSnapshot)
	if !ok {
		return 0, fmt.Errorf("not a scorch snapshot: %T", r)
	}
	return len(snap.Segments()), nil
}

// Shared reports whether a file of a scorch index directory is one that
// scorch never changes once written, so that a copy of the index may share
// it (a hard link): a segment (*.zap). Deletions and the list of live
// segments live in root.bolt, which scorch rewrites, as it may
// index_meta.json: those must be copied.
func Shared(name string) bool {
	return strings.HasSuffix(name, ".zap")
}
