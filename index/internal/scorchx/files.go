package scorchx

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/index/scorch/mergeplan"
	segment "github.com/blevesearch/scorch_segment_api/v2"
)

// Name is the index type and kvstore name of a scorch index, for
// bleve.NewUsing.
const Name = scorch.Name

// MergeConfig returns the index configuration that sets scorch's merge
// policy to let perTier segments of one size build up before merging them
// (MaxSegmentsPerTier and SegmentsPerMergeTask; scorch decodes the map as
// JSON over its defaults), and names the handler that keeps the errors of
// scorch's background work (asyncErrors), for ForceMerge and MergeTail to
// report. A positive floor sets the policy's FloorSegmentSize (scorch's
// default 2000 documents), under which every segment counts as one of the
// floor's size: an index of fewer documents than the floor ends merged
// into one segment (the tests' small corpora, which want several, set 1).
func MergeConfig(perTier, floor int) map[string]any {
	plan := map[string]any{
		"MaxSegmentsPerTier":   perTier,
		"SegmentsPerMergeTask": perTier,
	}
	if floor > 0 {
		plan["FloorSegmentSize"] = floor
	}
	return map[string]any{
		"scorchMergePlanOptions": plan,
		"asyncErrorCallbackName": asyncErrorsName,
	}
}

// asyncErrorsName is the name of scorchx's handler of the errors scorch's
// merger and persister report (they have no caller to return them to):
// it keeps the last of each task of each index (asyncKey). A wait reads
// only its own task's (a persister failing again without end had
// replaced a failed merge's error with its own:
// TestForceMergeReportsMergersError), forgets what the task reported
// before it began, and Close forgets the index's (the map is global, for
// the life of the process: TestCloseForgetsAsyncErrors).
const asyncErrorsName = "iq-scorchx"

var asyncErrors sync.Map // asyncKey → error

// asyncKey names an error of asyncErrors: the index's store path (Bleve's
// indexStorePath, which scorch names to the handler) and the task that
// reported it, scorch's ScorchError.Source (merger, persister; the
// persister's removal of old snapshots and files, "cleanup").
type asyncKey struct{ path, task string }

func init() {
	scorch.RegistryAsyncErrorCallbacks[asyncErrorsName] = func(err error, path string) {
		task := ""
		var se *scorch.ScorchError
		if errors.As(err, &se) {
			task = se.Source
			if errors.Is(err, scorch.ErrCleanup) {
				task = "cleanup"
			}
		}
		asyncErrors.Store(asyncKey{path, task}, err)
	}
}

// forgetAsync forgets the errors asyncErrors keeps of the index at store
// path path: those of the tasks named, or all when none is.
func forgetAsync(path string, tasks ...string) {
	if len(tasks) > 0 {
		for _, task := range tasks {
			asyncErrors.Delete(asyncKey{path, task})
		}
		return
	}
	asyncErrors.Range(func(k, _ any) bool {
		if k.(asyncKey).path == path {
			asyncErrors.Delete(k)
		}
		return true
	})
}

// Close closes idx, a scorch index, and forgets the errors its background
// work reported that no wait read (asyncErrors).
func Close(idx bleve.Index) error {
	err := idx.Close()
	forgetAsync(storePath(idx))
	return err
}

// forceMerge is sc.ForceMerge(ctx, mo), which returns only once the merge
// is done or the index closed, returning as well when ctx is done or
// when scorch's merger reports a failed merge: the merger tries a failed
// merge again at once, without end, and its ForceMerge waits on neither
// (a merge that cannot write its file hung a build, a core busy,
// through a cancel: TestMergeTailFails). The request left with the
// merger ends when the index is closed. idx is sc's index, for the
// merger's error (asyncErrors).
func forceMerge(ctx context.Context, idx bleve.Index, sc *scorch.Scorch, mo *mergeplan.MergePlanOptions) error {
	st, _ := sc.Stats().(*scorch.Stats)
	forgetAsync(storePath(idx), merger)
	failed := failures(st, func(st *scorch.Stats) *uint64 { return &st.TotFileMergeLoopErr })
	before := failed()
	done := make(chan error, 1)
	go func() { done <- sc.ForceMerge(ctx, mo) }()
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	for {
		select {
		case err := <-done:
			return err
		case <-ctx.Done():
			return ctx.Err()
		case <-tick.C:
			if n := failed(); n > before {
				return asyncError(idx, "merge segments", merger, n-before)
			}
		}
	}
}

// failures returns a reader of the count of st that counter names (0
// when st is nil).
func failures(st *scorch.Stats, counter func(*scorch.Stats) *uint64) func() uint64 {
	return func() uint64 {
		if st == nil {
			return 0
		}
		return atomic.LoadUint64(counter(st))
	}
}

// The tasks of scorch that report errors to asyncErrors, as its
// ScorchError.Source names them.
const (
	merger    = "merger"
	persister = "persister"
)

// asyncError returns the error scorch's background task (merger,
// persister) reported last for idx (asyncErrors), or says it failed n
// times when its index has no handler (built before it was named).
func asyncError(idx bleve.Index, action, task string, n uint64) error {
	err, _ := asyncErrors.LoadAndDelete(asyncKey{storePath(idx), task})
	if err, ok := err.(error); ok {
		return fmt.Errorf("%s: %w", action, err)
	}
	return fmt.Errorf("%s: scorch's %s failed %d times", action, task, n)
}

// ForceMerge merges the segments of a scorch index down to at most n.
// Scorch's own force merge plans over the segments persisted when it
// starts, so segments a busy persister still holds in memory are left
// beside the merged one: ForceMerge asks again, a few times over some
// seconds, while the snapshot holds more than n segments (best effort:
// an index that will not merge further is left as it is).
func ForceMerge(ctx context.Context, idx bleve.Index, n int) error {
	sc, err := scorchOf(idx)
	if err != nil {
		return err
	}
	mo := mergeplan.SingleSegmentMergePlanOptions
	mo.MaxSegmentsPerTier = n
	for try := 0; ; try++ {
		if err := forceMerge(ctx, idx, sc, &mo); err != nil {
			return err
		}
		k, err := segmentCount(sc)
		if err != nil || k <= n || try == forceMergeTries {
			return errors.Join(err, persisted(ctx, idx, sc), ctx.Err())
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(forceMergeWait):
		}
	}
}

// MergeTail merges the small segments a merge policy leaves behind (up to
// SegmentsPerTier-1 of each size below the largest) into few: every
// segment holding fewer than half the live documents of the largest is
// eligible, and the eligible ones are merged into segments that each hold
// fewer documents than the largest. It is scorch's own force merge with a
// plan that says so (mergeplan's MaxSegmentSize is twice the eligible
// size; a budget of one segment): segments of the largest size are never
// merged again, so the work is bounded by the tail's size, not the
// index's. Like ForceMerge it asks again while segments a busy persister
// still holds in memory are left out, and gives up after some seconds
// (best effort). It returns the number of segments before and after.
// idx must be open for writing: a read-only scorch index has no merger,
// and its force merge would wait forever.
func MergeTail(ctx context.Context, idx bleve.Index) (before, after int, err error) {
	return mergeWith(ctx, idx, tailPlan)
}

// MergeSmall merges the segments of idx under its merge policy's floor
// (FloorSegmentSize: 2000 documents, or what the index's configuration
// sets) into one, when there are at least two: what updates leave, a
// segment a batch of a few records each, which the policy merges only
// once they pass its budget (some 50 segments at 100k documents), while
// each costs a search a dictionary lookup per term per field. The work
// is bounded by the floor: segments at or over it are never merged here.
// Like MergeTail it is scorch's own force merge, best effort, and returns
// the number of segments before and after; idx must be open for writing.
func MergeSmall(ctx context.Context, idx bleve.Index) (before, after int, err error) {
	floor, err := mergeFloor(idx)
	if err != nil {
		return 0, 0, err
	}
	return mergeWith(ctx, idx, func(sizes []int64) (mergeplan.MergePlanOptions, int) {
		return belowPlan(sizes, 2*floor)
	})
}

// mergeWith is MergeTail and MergeSmall: scorch's force merge with the
// options plan returns for the live sizes of idx's segments, asked again
// while plan finds more than one segment to merge.
func mergeWith(ctx context.Context, idx bleve.Index, plan func([]int64) (mergeplan.MergePlanOptions, int)) (before, after int, err error) {
	sc, err := scorchOf(idx)
	if err != nil {
		return 0, 0, err
	}
	for try := 0; ; try++ {
		sizes, err := liveSizes(sc)
		if err != nil {
			return before, after, err
		}
		if try == 0 {
			before = len(sizes)
		}
		after = len(sizes)
		mo, n := plan(sizes)
		if n <= 1 || try == forceMergeTries {
			return before, after, errors.Join(persisted(ctx, idx, sc), ctx.Err())
		}
		if try > 0 {
			select {
			case <-ctx.Done():
				return before, after, ctx.Err()
			case <-time.After(forceMergeWait):
			}
		}
		if err := forceMerge(ctx, idx, sc, &mo); err != nil {
			return before, after, err
		}
	}
}

// mergeFloor returns the FloorSegmentSize of idx's merge policy: its
// configuration's (index_meta.json, as MergeConfig wrote it), else
// mergeplan's default.
func mergeFloor(idx bleve.Index) (int64, error) {
	b, err := os.ReadFile(filepath.Join(idx.Name(), "index_meta.json"))
	if err != nil {
		return 0, err
	}
	var meta struct {
		Config struct {
			Plan struct {
				Floor int64 `json:"FloorSegmentSize"`
			} `json:"scorchMergePlanOptions"`
		} `json:"config"`
	}
	if err := json.Unmarshal(b, &meta); err != nil {
		return 0, fmt.Errorf("read %s: %w", filepath.Join(idx.Name(), "index_meta.json"), err)
	}
	if f := meta.Config.Plan.Floor; f > 0 {
		return f, nil
	}
	return mergeplan.DefaultMergePlanOptions.FloorSegmentSize, nil
}

// persisted waits until scorch has persisted its current snapshot: a
// merge is introduced before the persister writes it down, and Close does
// not wait for that, so an index closed right after a merge may open
// without it (the merged file then removed as garbage). Best effort, like
// the merges: it gives up after persistWait. A persister that fails
// (it tries again at once, without end) is an error carrying its own, not
// persistWait spent (TestPersistedFails).
func persisted(ctx context.Context, idx bleve.Index, sc *scorch.Scorch) error {
	st, ok := sc.Stats().(*scorch.Stats)
	if !ok {
		return nil
	}
	forgetAsync(storePath(idx), persister)
	failed := failures(st, func(st *scorch.Stats) *uint64 { return &st.TotPersistLoopErr })
	before := failed()
	epoch := atomic.LoadUint64(&st.CurRootEpoch)
	deadline := time.Now().Add(persistWait)
	for atomic.LoadUint64(&st.LastPersistedEpoch) < epoch && time.Now().Before(deadline) {
		if n := failed(); n > before {
			return asyncError(idx, "persist segments", persister, n-before)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(10 * time.Millisecond):
		}
	}
	return nil
}

// persistWait bounds persisted's wait.
const persistWait = 30 * time.Second

// tailPlan returns the merge plan options MergeTail asks scorch for, given
// the live document counts of an index's segments, and how many segments
// the tail holds (those the plan may merge).
func tailPlan(sizes []int64) (mergeplan.MergePlanOptions, int) {
	largest := int64(0)
	for _, s := range sizes {
		largest = max(largest, s)
	}
	return belowPlan(sizes, largest)
}

// belowPlan returns the merge plan options that merge the segments under
// half maxSize live documents into segments of fewer than maxSize, given
// the live document counts of an index's segments, and how many segments
// are under it (those the plan may merge).
func belowPlan(sizes []int64, maxSize int64) (mergeplan.MergePlanOptions, int) {
	n := 0
	var total int64
	for _, s := range sizes {
		if s < maxSize/2 {
			n++
			total += s
		}
	}
	return mergeplan.MergePlanOptions{
		// Eligible: live size below MaxSegmentSize/2; a merged
		// segment holds fewer than MaxSegmentSize documents.
		MaxSegmentSize:     min(max(maxSize, 2), mergeplan.MaxSegmentSizeLimit),
		MaxSegmentFileSize: mergeplan.DefaultMergePlanOptions.MaxSegmentFileSize,
		// A budget of one segment for the eligible ones: every tier
		// is the floor's, which holds them all.
		MaxSegmentsPerTier:   1,
		TierGrowth:           1,
		FloorSegmentSize:     max(total, 1),
		SegmentsPerMergeTask: max(n, 2),
		ReclaimDeletesWeight: mergeplan.DefaultMergePlanOptions.ReclaimDeletesWeight,
	}, n
}

// liveSizes returns the live document count of each segment of the
// index's current snapshot.
func liveSizes(sc *scorch.Scorch) ([]int64, error) {
	r, err := sc.Reader()
	if err != nil {
		return nil, err
	}
	defer r.Close()
	snap, ok := r.(*scorch.IndexSnapshot)
	if !ok {
		return nil, fmt.Errorf("not a scorch snapshot: %T", r)
	}
	var out []int64
	for _, ss := range snap.Segments() {
		out = append(out, ss.LiveSize())
	}
	return out, nil
}

// scorchOf returns the scorch index under idx.
func scorchOf(idx bleve.Index) (*scorch.Scorch, error) {
	adv, err := idx.Advanced()
	if err != nil {
		return nil, err
	}
	sc, ok := adv.(*scorch.Scorch)
	if !ok {
		return nil, fmt.Errorf("not a scorch index: %T", adv)
	}
	return sc, nil
}

// forceMergeTries and forceMergeWait bound ForceMerge's asking again.
const (
	forceMergeTries = 50
	forceMergeWait  = 100 * time.Millisecond
)

// segmentCount returns how many segments the index's current snapshot
// holds.
func segmentCount(sc *scorch.Scorch) (int, error) {
	sizes, err := liveSizes(sc)
	return len(sizes), err
}

// Shared reports whether a file of a scorch index directory is one that
// scorch never changes once written, so that a copy of the index may share
// it (a hard link): a segment (*.zap). Deletions and the list of live
// segments live in root.bolt, which scorch rewrites, as it may
// index_meta.json: those must be copied.
func Shared(name string) bool {
	return strings.HasSuffix(name, ".zap")
}

// Settle waits until scorch's background work on idx has come to rest, so
// that Close leaves the index as its current snapshot says: that snapshot
// persisted, root.bolt holding it alone, and the store no segment file it
// does not name. Scorch's persister removes the snapshots a merge
// replaced from root.bolt, then the files no snapshot names, on a turn of
// its loop after the one that persists the merge, and only once the
// replaced snapshot's last reader has let it go (which scorch notes in a
// goroutine of its own); Close does not wait for that turn, and only a
// later writer removes those files (a read-only open never does): one
// 100k build closed with 200 MB of them (TestSettleRemovesReplaced).
// Settle asks for the turn (a force merge that merges nothing wakes the
// persister) until the store is clean, for at most settleWait: best
// effort, like persisted. A merge in flight (the merge policy's) ends
// first, its file not yet named by the snapshot; a reader of idx left
// open keeps the files of its snapshot, and costs Settle its whole wait.
func Settle(ctx context.Context, idx bleve.Index) error {
	sc, err := scorchOf(idx)
	if err != nil {
		return err
	}
	st, ok := sc.Stats().(*scorch.Stats)
	if !ok {
		return nil
	}
	dir := storePath(idx)
	nothing := mergeplan.DefaultMergePlanOptions
	nothing.MaxSegmentSize = 1 // no segment is eligible: none under half a document
	for deadline := time.Now().Add(settleWait); ; {
		if err := persisted(ctx, idx, sc); err != nil {
			return err
		}
		clean, err := settled(sc, st, dir)
		if err != nil || clean || time.Now().After(deadline) {
			return err
		}
		if err := forceMerge(ctx, idx, sc, &nothing); err != nil {
			return err
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(10 * time.Millisecond):
		}
	}
}

// settleWait bounds Settle's wait.
const settleWait = 10 * time.Second

// settled reports whether sc's current snapshot is the one persisted,
// root.bolt holds it alone, and its store directory dir holds only the
// segment files it names. Scorch's CurRootEpoch counts only snapshots
// introduced since the open: 0 until then, the snapshot loaded from
// root.bolt's latest (none in a new index).
func settled(sc *scorch.Scorch, st *scorch.Stats, dir string) (bool, error) {
	epochs, err := sc.RootBoltSnapshotEpochs()
	if err != nil || len(epochs) > 1 {
		return false, err
	}
	if epoch := atomic.LoadUint64(&st.CurRootEpoch); epoch != 0 &&
		(atomic.LoadUint64(&st.LastPersistedEpoch) != epoch || len(epochs) != 1 || epochs[0] != epoch) {
		return false, nil
	}
	r, err := sc.Reader()
	if err != nil {
		return false, err
	}
	defer r.Close()
	snap, ok := r.(*scorch.IndexSnapshot)
	if !ok {
		return false, fmt.Errorf("not a scorch snapshot: %T", r)
	}
	named := map[string]bool{}
	for _, ss := range snap.Segments() {
		ps, ok := ss.Segment().(segment.PersistedSegment)
		if !ok {
			return false, nil
		}
		named[filepath.Base(ps.Path())] = true
	}
	ents, err := os.ReadDir(dir)
	if err != nil {
		return false, err
	}
	for _, e := range ents {
		if strings.HasSuffix(e.Name(), ".zap") && !named[e.Name()] {
			return false, nil
		}
	}
	return true, nil
}

// storePath returns the path of idx's scorch store, the directory scorch
// writes into and names to its error callback, spelt as Bleve's
// indexStorePath spells it (not cleaned, as filepath.Join would).
func storePath(idx bleve.Index) string {
	return idx.Name() + string(os.PathSeparator) + "store"
}
