package index

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"iter"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/blevesearch/bleve/v2"

	"github.com/iq-search/iq/index/internal/scorchx"
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
	// Synonyms are added to that list: acronyms the collection spells out
	// (dedup.MineAcronyms, marked Mined: a term of theirs the index cannot
	// hold is left out instead of failing the build), for instance.
	Synonyms []Synonym
	// BatchSize is the number of records per Bleve batch (default 1000).
	// Bleve's issues show memory trouble with huge batches.
	BatchSize int
	// Writers is the number of goroutines applying batches to each shard
	// (default 2): Bleve builds a segment per batch on one core, so two
	// writers keep two cores busy.
	Writers int
	// Shards splits the index into this many Bleve indexes searched
	// through an alias (default 1). On 2 cores two shards took the same
	// build CPU, 1.8× the memory, and 3.5–5× the CPU per search, which
	// goes through Bleve's searchers: the fast ranker reads one shard
	// (BENCHMARKS.md, run 12).
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
	// MergeFloor, when positive, is the segment size (in records) under
	// which the merge policy counts every segment as one of that size
	// (scorch's FloorSegmentSize, default 2000): a build of fewer records
	// than the floor ends as one segment, once the policy's merges are
	// done (the build waits for them: scorchx.Settle). The tests set 1 to
	// keep the segments of a small corpus.
	MergeFloor int
	// LeaveTail leaves the small segments the merge policy ends a build
	// with as they are: up to SegmentsPerTier-1 of each size below the
	// largest (87 of 105 segments at 1M records, holding 13 % of them).
	// By default every segment holding fewer than half the records of the
	// largest is merged, at the end of the build, into segments no larger
	// than the largest (scorchx.MergeTail): a search visits every segment
	// (a dictionary lookup per term per field, the first read of each
	// postings, spelling's candidate walks), and the merge reads only the
	// tail again. Ignored when Segments is set (BENCHMARKS.md, "The
	// segments a build leaves").
	LeaveTail bool
	// Origin is recorded in the metadata as given (Meta.Origin): what the
	// caller needs to rebuild the index from its sources.
	Origin json.RawMessage
	// Attach are files stored in the index (name → content), read back
	// with Index.Attachment and checked like the index's own files. Names
	// are plain file names.
	Attach map[string][]byte
	// AttachFrom are attachments a function writes (name → write), into
	// the new generation before any record is indexed, checked like
	// Attach. The function may write at any offset (w is the file) and
	// should drop what it wrote from: a large attachment is then never
	// held whole, nor beside the build's own working set (the duplicate
	// features of a million records, written from the duplicate
	// detector's Index: issue 15's peak RSS).
	AttachFrom map[string]func(w io.WriterAt) error
	// Progress, when set, is called after each batch with the number of
	// records indexed so far and the total. Calls do not overlap.
	Progress func(done, total int)
	// Total is the number of records a stream holds (BuildStream), for
	// Progress; 0 when unknown. Build sets it.
	Total int
}

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

// Build indexes recs into a new generation of the index directory dir and
// makes it current once complete (see Writer), so a crash or a cancelled ctx
// never leaves a half index: the index that was there stays until the new
// one replaces it. It takes dir's lock for the time of the build, and
// refuses a directory that holds files and no iq index (ErrNotIndex).
func Build(ctx context.Context, dir string, recs []record.Record, opts BuildOptions) error {
	w, err := Lock(ctx, dir, nil)
	if err != nil {
		return fmt.Errorf("build index %s: %w", dir, err)
	}
	defer w.Close()
	return w.Build(ctx, recs, opts)
}

// BuildStream is Build over a stream of records (Writer.BuildStream).
func BuildStream(ctx context.Context, dir string, recs iter.Seq2[record.Record, error], opts BuildOptions) error {
	w, err := Lock(ctx, dir, nil)
	if err != nil {
		return fmt.Errorf("build index %s: %w", dir, err)
	}
	defer w.Close()
	return w.BuildStream(ctx, recs, opts)
}

// Build indexes recs into a new generation and publishes it.
func (w *Writer) Build(ctx context.Context, recs []record.Record, opts BuildOptions) error {
	opts.Total = len(recs)
	return w.BuildStream(ctx, func(yield func(record.Record, error) bool) {
		for _, r := range recs {
			if !yield(r, nil) {
				return
			}
		}
	}, opts)
}

// BuildStream is Build over a stream of records, read once: records flow
// into the index in batches (BuildOptions.BatchSize) as they come, so the
// build holds a few batches, not the collection, and a source can read or
// make its records one by one (issue 15's 1M tier). An error from the
// stream stops the build, and nothing is published.
func (w *Writer) BuildStream(ctx context.Context, recs iter.Seq2[record.Record, error], opts BuildOptions) (err error) {
	start := time.Now()
	dir := w.dir
	opts.defaults()
	syn, synName := DefaultSynonyms(), "default"
	if opts.SynonymsFile != "" {
		if syn, err = LoadSynonyms(opts.SynonymsFile); err != nil {
			return fmt.Errorf("build index %s: %w", dir, err)
		}
		synName = opts.SynonymsFile
	}
	syn = append(slices.Clip(syn), opts.Synonyms...)
	im, defs, err := NewMapping(syn)
	if err != nil {
		return fmt.Errorf("build index %s: %w", dir, err)
	}
	if err := checkAttachNames(opts); err != nil {
		return fmt.Errorf("build index %s: %w", dir, err)
	}
	w.collect() // what crashed builds left
	gen, err := w.newGeneration()
	if err != nil {
		return fmt.Errorf("build index %s: %w", dir, err)
	}
	gdir := filepath.Join(dir, gen)
	defer func() {
		if err != nil {
			removeGeneration(gdir)
		}
	}()

	if err := writeAttachFrom(gdir, &opts); err != nil {
		return fmt.Errorf("build index %s: %w", dir, err)
	}

	shards := make([]bleve.Index, opts.Shards)
	defer func() {
		for _, s := range shards {
			if s != nil {
				scorchx.Close(s)
			}
		}
	}()
	config := scorchx.MergeConfig(opts.SegmentsPerTier, opts.MergeFloor)
	for i := range shards {
		s, err := bleve.NewUsing(shardDir(gdir, i), im, scorchx.Name, scorchx.Name, config)
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
	for i, s := range shards {
		var err error
		switch {
		case opts.Segments > 0:
			err = scorchx.ForceMerge(ctx, s, opts.Segments)
		case !opts.LeaveTail:
			_, _, err = scorchx.MergeTail(ctx, s)
		}
		if err != nil {
			return fmt.Errorf("build index %s: merge shard %d: %w", dir, i, err)
		}
	}
	var count uint64
	for i, s := range shards {
		res, err := s.Search(bleve.NewSearchRequestOptions(allRecords(), 0, 0, false))
		if err != nil {
			return fmt.Errorf("build index %s: count shard %d: %w", dir, i, err)
		}
		count += res.Total
		// Close now so the files are complete before they are summed,
		// once scorch has removed the files its merges replaced.
		if err := scorchx.Settle(ctx, s); err != nil {
			return fmt.Errorf("build index %s: settle shard %d: %w", dir, i, err)
		}
		if err := scorchx.Close(s); err != nil {
			return fmt.Errorf("build index %s: close shard %d: %w", dir, i, err)
		}
		shards[i] = nil
	}
	var ids string
	if opts.Shards == 1 {
		if ids, err = writeTables(gdir); err != nil {
			return fmt.Errorf("build index %s: %w", dir, err)
		}
	}
	crashPoint("shards-built")
	for name, data := range opts.Attach {
		if err := writeFileSync(filepath.Join(gdir, name), data); err != nil {
			return fmt.Errorf("build index %s: %w", dir, err)
		}
	}
	crashPoint("attachments-written")
	meta := Meta{
		Format:         Format,
		Generation:     gen,
		IQVersion:      Version(),
		MappingVersion: MappingVersion,
		MappingHash:    MappingHash(),
		Fingerprint:    opts.Fingerprint,
		Origin:         opts.Origin,
		Synonyms:       synName,
		Records:        int(count),
		IDs:            idsOf(ids, count),
		Shards:         opts.Shards,
		BuiltAt:        time.Now().UTC().Truncate(time.Second),
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("build index %s: %w", dir, err)
	}
	return w.finish(gdir, meta, start)
}

// finish checksums a complete generation, writes its metadata and makes it
// current.
func (w *Writer) finish(gdir string, meta Meta, start time.Time) error {
	return w.finishShared(gdir, meta, start, nil)
}

// finishShared is finish for a generation that shares files with base
// (Update): the checksums of shared files are base's, not read again.
func (w *Writer) finishShared(gdir string, meta Meta, start time.Time, base *Index) error {
	sums, err := sumFiles(gdir, base)
	if err != nil {
		return fmt.Errorf("build index %s: %w", w.dir, err)
	}
	sortSums(sums)
	crashPoint("checksummed")
	meta.BuildTime = time.Since(start)
	return w.finishMeta(gdir, diskMeta{Meta: meta, Files: sums})
}

// finishMeta writes a generation's metadata and makes it current.
func (w *Writer) finishMeta(gdir string, dm diskMeta) error {
	b, err := json.MarshalIndent(dm, "", "  ")
	if err != nil {
		return fmt.Errorf("build index %s: %w", w.dir, err)
	}
	b = append(b, '\n')
	if err := writeFileSync(filepath.Join(gdir, metaFile), b); err != nil {
		return fmt.Errorf("build index %s: write %s: %w", w.dir, metaFile, err)
	}
	crashPoint("meta-written")
	if err := w.publish(filepath.Base(gdir), crcOf(b)); err != nil {
		return fmt.Errorf("build index %s: %w", w.dir, err)
	}
	w.collect()
	return nil
}

// checkAttachNames checks the names of opts' attachments.
func checkAttachNames(opts BuildOptions) error {
	for name := range opts.Attach {
		if err := checkAttachName(name); err != nil {
			return err
		}
	}
	for name := range opts.AttachFrom {
		if err := checkAttachName(name); err != nil {
			return err
		}
		if _, ok := opts.Attach[name]; ok {
			return fmt.Errorf("attachment %q given twice", name)
		}
	}
	return nil
}

// writeAttachFrom writes opts.AttachFrom into the generation gdir, then
// forgets the functions, so that what they held is garbage for the rest
// of the build.
func writeAttachFrom(gdir string, opts *BuildOptions) error {
	for name, write := range opts.AttachFrom {
		if err := writeFileFrom(filepath.Join(gdir, name), write); err != nil {
			return fmt.Errorf("attachment %s: %w", name, err)
		}
	}
	opts.AttachFrom = nil
	return nil
}

// checkAttachName accepts a plain file name that is none of the index's
// own.
func checkAttachName(name string) error {
	if name == "" || name != filepath.Base(name) || strings.ContainsAny(name, `/\`) || strings.HasPrefix(name, ".") ||
		name == metaFile || name == genMarker || name == tablesFile || legacyShard.MatchString(name) {
		return fmt.Errorf("attachment name %q is not a plain file name of its own", name)
	}
	return nil
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
// batches, opts.Writers goroutines per shard apply them. At most
// 2×opts.Writers+1 batches per shard are alive at once (queued, applied,
// being filled).
func fill(ctx context.Context, shards []bleve.Index, recs iter.Seq2[record.Record, error], opts BuildOptions) error {
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)

	type job struct {
		shard int
		batch *bleve.Batch
		mem   *batchMem
		n     int
	}
	// The memory of the analysed fields of the batches being applied,
	// reused by the next (batchMem): as many as writers.
	slabs := make(chan *fieldSlabs, len(shards)*opts.Writers)
	getSlabs := func() *fieldSlabs {
		select {
		case s := <-slabs:
			return s
		default:
			return new(fieldSlabs)
		}
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
					j.mem.attach(getSlabs())
					err := shards[j.shard].Batch(j.batch)
					// Applied (or failed): nothing reads the batch's
					// documents any more.
					select {
					case slabs <- j.mem.detach():
					default:
					}
					if err != nil {
						cancel(fmt.Errorf("shard %d: %w", j.shard, err))
						continue
					}
					if opts.Progress != nil {
						mu.Lock()
						done += j.n
						opts.Progress(done, max(opts.Total, done))
						mu.Unlock()
					}
				}
			}()
		}
	}

	batches := make([]*bleve.Batch, len(shards))
	counts := make([]int, len(shards))
	mappers := make([]*recordMapper, len(shards))
	for i, s := range shards {
		mappers[i] = newRecordMapper(s.Mapping())
	}
	send := func(i int) {
		select {
		case jobs[i] <- job{shard: i, batch: batches[i], mem: mappers[i].mem, n: counts[i]}:
		case <-ctx.Done():
		}
		batches[i], counts[i], mappers[i].mem = nil, 0, nil
	}
	var err error
	for r, rerr := range recs {
		if rerr != nil {
			err = rerr
			break
		}
		if ctx.Err() != nil {
			break
		}
		i := shardOf(r.ID, len(shards))
		if batches[i] == nil {
			batches[i] = shards[i].NewBatch()
			mappers[i].mem = new(batchMem)
		}
		d, derr := mappers[i].document(r)
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

// synonymIDPrefix starts the IDs of the synonym definitions Build stores
// beside the records ("synonym-0000"); record IDs are hex digits and never
// do, so Records can skip them by ID (searches use allRecords).
const synonymIDPrefix = "synonym-"
