package index

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
	"sync"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/index/scorch/mergeplan"
	"github.com/iq-search/iq/record"
)

// BuildOptions tune Build. The zero value builds with the shipped synonyms
// and the settings measured best on a 2-core machine (BENCHMARKS.md).
type BuildOptions struct {
	// Fingerprint identifies the corpus the records came from; Ensure
	// rebuilds when it changes.
	Fingerprint string
	// SynonymsFile replaces the shipped synonym list (index/synonyms.txt)
	// when set.
	SynonymsFile string
	// BatchSize is the number of records per Bleve batch (default 1000).
	// Bleve's issues show memory trouble with huge batches.
	BatchSize int
	// Writers is the number of goroutines applying batches to each shard
	// (default 2): Bleve builds a segment per batch on one core, so two
	// writers keep two cores busy.
	Writers int
	// Shards splits the index into this many Bleve indexes searched
	// through an alias (default 1).
	Shards int
	// Segments, when positive, force-merges each shard down to at most
	// this many segments at the end of the build. A search visits every
	// segment (dictionary lookups, fuzzy expansion, doc values for
	// facets), so fewer segments search faster, for a longer build.
	// Zero leaves the segments as the merge policy (SegmentsPerTier) left
	// them.
	Segments int
	// SegmentsPerTier is how many segments of one size Bleve's merge
	// policy lets build up before merging them into one of the next size
	// (its MaxSegmentsPerTier and SegmentsPerMergeTask). Default 50, where
	// Bleve's is 10: a 100k build then merges each record about once
	// instead of twice (-10% CPU) and ends with ~30 segments instead of 13.
	// Warm searches cost the same; the first search after opening reads
	// more dictionaries (p99 ~200 ms instead of ~130 at 100k; BENCHMARKS.md,
	// run 8).
	SegmentsPerTier int
	// Progress, when set, is called after each batch with the number of
	// records indexed so far and the total. Calls do not overlap.
	Progress func(done, total int)
}

// buildGCPercent is the garbage collector's target percentage during Build.
const buildGCPercent = 300

func (o *BuildOptions) defaults() {
	if o.BatchSize <= 0 {
		o.BatchSize = 1000
	}
	if o.Writers <= 0 {
		o.Writers = 2
	}
	if o.Shards <= 0 {
		o.Shards = 1
	}
	if o.SegmentsPerTier <= 0 {
		o.SegmentsPerTier = 50
	}
}

// Build indexes recs into dir. It builds in a temporary sibling directory and
// renames it into place only when complete, so a crash or a cancelled ctx
// never leaves a half index at dir; an index already at dir stays until the
// new one replaces it. Build refuses to replace a directory that is neither
// empty nor an iq index (ErrNotIndex).
func Build(ctx context.Context, dir string, recs []record.Record, opts BuildOptions) (err error) {
	start := time.Now()
	opts.defaults()
	// A build allocates tens of times its input in short-lived garbage
	// (analysis, segments, merges); a laxer collector takes ~10% less CPU
	// for about twice the peak memory (BENCHMARKS.md). A GOGC already set
	// higher, or off, is kept.
	if old := debug.SetGCPercent(buildGCPercent); old < 0 || old > buildGCPercent {
		debug.SetGCPercent(old)
	} else {
		defer debug.SetGCPercent(old)
	}
	syn, synName := DefaultSynonyms(), "default"
	if opts.SynonymsFile != "" {
		if syn, err = LoadSynonyms(opts.SynonymsFile); err != nil {
			return fmt.Errorf("build index %s: %w", dir, err)
		}
		synName = opts.SynonymsFile
	}
	im, defs, err := NewMapping(syn)
	if err != nil {
		return fmt.Errorf("build index %s: %w", dir, err)
	}
	if err := checkReplaceable(dir); err != nil {
		return fmt.Errorf("build index %s: %w", dir, err)
	}
	parent, base := filepath.Split(filepath.Clean(dir))
	if parent == "" {
		parent = "."
	}
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return fmt.Errorf("build index %s: %w", dir, err)
	}
	removeStale(parent, base)
	tmp, err := os.MkdirTemp(parent, base+tmpInfix)
	if err != nil {
		return fmt.Errorf("build index %s: %w", dir, err)
	}
	defer func() {
		if err != nil {
			os.RemoveAll(tmp)
		}
	}()

	shards := make([]bleve.Index, opts.Shards)
	defer func() {
		for _, s := range shards {
			if s != nil {
				s.Close()
			}
		}
	}()
	// Scorch decodes these as JSON over its defaults.
	config := map[string]any{"scorchMergePlanOptions": map[string]any{
		"MaxSegmentsPerTier":   opts.SegmentsPerTier,
		"SegmentsPerMergeTask": opts.SegmentsPerTier,
	}}
	for i := range shards {
		s, err := bleve.NewUsing(shardDir(tmp, i), im, scorch.Name, scorch.Name, config)
		if err != nil {
			return fmt.Errorf("build index %s: create shard %d: %w", dir, i, err)
		}
		shards[i] = s
		if err := indexSynonyms(s, defs); err != nil {
			return fmt.Errorf("build index %s: %w", dir, err)
		}
	}
	if err := fill(ctx, shards, recs, opts); err != nil {
		return fmt.Errorf("build index %s: %w", dir, err)
	}
	if opts.Segments > 0 {
		for i, s := range shards {
			if err := forceMerge(ctx, s, opts.Segments); err != nil {
				return fmt.Errorf("build index %s: merge shard %d: %w", dir, i, err)
			}
		}
	}
	var count uint64
	for i, s := range shards {
		res, err := s.Search(bleve.NewSearchRequestOptions(AllRecords(), 0, 0, false))
		if err != nil {
			return fmt.Errorf("build index %s: count shard %d: %w", dir, i, err)
		}
		count += res.Total
		// Close now so the files are complete before the rename.
		if err := s.Close(); err != nil {
			return fmt.Errorf("build index %s: close shard %d: %w", dir, i, err)
		}
		shards[i] = nil
	}
	meta := Meta{
		IQVersion:      Version(),
		MappingVersion: MappingVersion,
		MappingHash:    MappingHash(),
		Fingerprint:    opts.Fingerprint,
		Synonyms:       synName,
		Records:        int(count),
		Shards:         opts.Shards,
		BuiltAt:        time.Now().UTC().Truncate(time.Second),
		BuildTime:      time.Since(start),
	}
	if err := writeMeta(tmp, meta); err != nil {
		return fmt.Errorf("build index %s: %w", dir, err)
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("build index %s: %w", dir, err)
	}
	if err := swap(tmp, dir); err != nil {
		return fmt.Errorf("build index %s: %w", dir, err)
	}
	return nil
}

// tmpInfix and oldInfix name Build's sibling directories: dir.tmp-XXXX
// while building, dir.old-XXXX for the replaced index during the swap.
const (
	tmpInfix = ".tmp-"
	oldInfix = ".old-"
)

// staleAfter is how old a sibling temporary directory must be before Build
// removes it as the leftover of a crashed build rather than another process's
// build in progress.
const staleAfter = time.Hour

func removeStale(parent, base string) {
	entries, err := os.ReadDir(parent)
	if err != nil {
		return
	}
	for _, e := range entries {
		name := e.Name()
		if !e.IsDir() || !(strings.HasPrefix(name, base+tmpInfix) || strings.HasPrefix(name, base+oldInfix)) {
			continue
		}
		if info, err := e.Info(); err == nil && time.Since(info.ModTime()) > staleAfter {
			os.RemoveAll(filepath.Join(parent, name))
		}
	}
}

// checkReplaceable returns nil when dir is missing, empty, or holds an iq
// index (complete or not: anything with our metadata file).
func checkReplaceable(dir string) error {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) || (err == nil && len(entries) == 0) {
		return nil
	}
	if err != nil {
		return err
	}
	if _, err := os.Stat(filepath.Join(dir, metaFile)); err == nil {
		return nil
	}
	return fmt.Errorf("%w: it holds files but no %s; remove it or choose another directory", ErrNotIndex, metaFile)
}

// swap moves the complete index at tmp to dir, replacing what was there.
// Between the two renames dir is briefly missing, never half written.
func swap(tmp, dir string) error {
	old := ""
	if _, err := os.Stat(dir); err == nil {
		// A fresh name, not a directory: rename(2) will not move a
		// directory onto an existing one everywhere.
		old = fmt.Sprintf("%s%s%d-%d", filepath.Clean(dir), oldInfix, os.Getpid(), rand.Int64())
		if err := os.Rename(dir, old); err != nil {
			return fmt.Errorf("move old index aside: %w", err)
		}
	}
	if err := os.Rename(tmp, dir); err != nil {
		if old != "" {
			os.Rename(old, dir)
		}
		return fmt.Errorf("move new index into place: %w", err)
	}
	if old != "" {
		os.RemoveAll(old)
	}
	return nil
}

func writeMeta(dir string, m Meta) error {
	b, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return err
	}
	f, err := os.Create(filepath.Join(dir, metaFile))
	if err != nil {
		return err
	}
	if _, err := f.Write(append(b, '\n')); err != nil {
		f.Close()
		return fmt.Errorf("write %s: %w", metaFile, err)
	}
	// The meta file marks the index complete: make it durable before the
	// rename publishes it.
	if err := f.Sync(); err != nil {
		f.Close()
		return fmt.Errorf("write %s: %w", metaFile, err)
	}
	return f.Close()
}

func indexSynonyms(s bleve.Index, defs []*bleve.SynonymDefinition) error {
	if len(defs) == 0 {
		return nil
	}
	b := s.NewBatch()
	for i, d := range defs {
		if err := b.IndexSynonym(fmt.Sprintf("%s%04d", synonymIDPrefix, i), SynonymCollection, d); err != nil {
			return fmt.Errorf("index synonym %v: %w", d.Synonyms, err)
		}
	}
	if err := s.Batch(b); err != nil {
		return fmt.Errorf("index synonyms: %w", err)
	}
	return nil
}

// fill indexes recs into the shards: this goroutine maps records into
// batches, opts.Writers goroutines per shard apply them.
func fill(ctx context.Context, shards []bleve.Index, recs []record.Record, opts BuildOptions) error {
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)

	type job struct {
		shard int
		batch *bleve.Batch
		n     int
	}
	jobs := make([]chan job, len(shards))
	var wg sync.WaitGroup
	var mu sync.Mutex
	done := 0
	for i := range shards {
		jobs[i] = make(chan job, opts.Writers)
		for range opts.Writers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for j := range jobs[i] {
					if ctx.Err() != nil {
						continue // drain
					}
					if err := shards[j.shard].Batch(j.batch); err != nil {
						cancel(fmt.Errorf("shard %d: %w", j.shard, err))
						continue
					}
					if opts.Progress != nil {
						mu.Lock()
						done += j.n
						opts.Progress(done, len(recs))
						mu.Unlock()
					}
				}
			}()
		}
	}

	batches := make([]*bleve.Batch, len(shards))
	counts := make([]int, len(shards))
	send := func(i int) {
		select {
		case jobs[i] <- job{shard: i, batch: batches[i], n: counts[i]}:
		case <-ctx.Done():
		}
		batches[i], counts[i] = nil, 0
	}
	var err error
	for _, r := range recs {
		if ctx.Err() != nil {
			break
		}
		i := shardOf(r.ID, len(shards))
		if batches[i] == nil {
			batches[i] = shards[i].NewBatch()
		}
		d, derr := mapRecord(shards[i].Mapping(), r)
		if derr == nil {
			derr = batches[i].IndexAdvanced(d)
		}
		if derr != nil {
			err = fmt.Errorf("index record %s: %w", r.ID, derr)
			break
		}
		counts[i]++
		if counts[i] >= opts.BatchSize {
			send(i)
		}
	}
	for i := range batches {
		if err == nil && batches[i] != nil && ctx.Err() == nil {
			send(i)
		}
		close(jobs[i])
	}
	wg.Wait()
	if err != nil {
		return err
	}
	return context.Cause(ctx)
}

// Ensure opens the index in dir, first building it with opts from load's
// records when it is missing, was built by another iq or mapping version or
// from a corpus with a fingerprint other than opts.Fingerprint, or is
// corrupt. An index built with a custom synonym list is kept as long as the
// rest matches: choosing synonyms is the user's call, not a version change.
func Ensure(ctx context.Context, dir string, load func(ctx context.Context) ([]record.Record, error), opts BuildOptions) (*Index, error) {
	ix, err := Open(dir)
	switch {
	case err == nil && ix.meta.Fingerprint == opts.Fingerprint:
		return ix, nil
	case err == nil:
		ix.Close()
	case errors.Is(err, ErrNotExist), errors.Is(err, ErrVersionMismatch), errors.Is(err, ErrCorrupt):
	default:
		return nil, err
	}
	recs, err := load(ctx)
	if err != nil {
		return nil, fmt.Errorf("load records for index %s: %w", dir, err)
	}
	if err := Build(ctx, dir, recs, opts); err != nil {
		return nil, err
	}
	return Open(dir)
}

// forceMerge merges a shard's segments down to at most n.
func forceMerge(ctx context.Context, s bleve.Index, n int) error {
	adv, err := s.Advanced()
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

// synonymIDPrefix starts the IDs of the synonym definitions Build stores
// beside the records ("synonym-0000"); record IDs are hex digits and never
// do, so Records can skip them by ID (searches use AllRecords).
const synonymIDPrefix = "synonym-"
