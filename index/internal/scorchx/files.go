package scorchx

import (
	"context"
	"fmt"
	"strings"

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
	if err := sc.ForceMerge(ctx, &mo); err != nil {
		return err
	}
	return ctx.Err()
}

// Shared reports whether a file of a scorch index directory is one that
// scorch never changes once written, so that a copy of the index may share
// it (a hard link): a segment (*.zap). Deletions and the list of live
// segments live in root.bolt, which scorch rewrites, as it may
// index_meta.json: those must be copied.
func Shared(name string) bool {
	return strings.HasSuffix(name, ".zap")
}
