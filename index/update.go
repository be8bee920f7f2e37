package index

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/blevesearch/bleve/v2"

	"github.com/iq-search/iq/index/internal/scorchx"
	"github.com/iq-search/iq/record"
)

// Update makes a new generation from base, the current one, with upserts
// indexed (added, or replacing the record of the same ID) and the records
// of deletes removed, and publishes it (issue 13.2: a refresh that changed a
// few files costs a few records, not a rebuild). The new generation shares
// base's segment files through hard links: scorch never changes a segment
// once written (deletions live in root.bolt, which is copied), so base stays
// intact for the readers that have it open. Where the file system has no
// hard links the segments are copied. opts supplies the fingerprint, origin
// and attachments of the new generation; the mapping and synonyms stay
// base's.
func (w *Writer) Update(ctx context.Context, base *Index, upserts []record.Record, deletes []string, opts BuildOptions) (err error) {
	start := time.Now()
	dir := w.dir
	if p, err := readPointer(dir); err != nil || filepath.Join(dir, p.Generation) != base.gdir {
		return fmt.Errorf("update index %s: %s is not the current generation", dir, filepath.Base(base.gdir))
	}
	if err := checkAttachNames(opts); err != nil {
		return fmt.Errorf("update index %s: %w", dir, err)
	}
	opts.defaults()
	w.collect()
	gen, err := w.newGeneration()
	if err != nil {
		return fmt.Errorf("update index %s: %w", dir, err)
	}
	gdir := filepath.Join(dir, gen)
	defer func() {
		if err != nil {
			removeGeneration(gdir)
		}
	}()
	if err := writeAttachFrom(gdir, &opts); err != nil {
		return fmt.Errorf("update index %s: %w", dir, err)
	}
	shards := len(base.shards)
	for i := range shards {
		if err := linkShard(shardDir(base.gdir, i), shardDir(gdir, i)); err != nil {
			return fmt.Errorf("update index %s: %w", dir, err)
		}
	}
	crashPoint("shards-linked")
	var count uint64
	for i := range shards {
		n, err := updateShard(ctx, shardDir(gdir, i), i, shards, upserts, deletes, opts)
		if err != nil {
			return fmt.Errorf("update index %s: shard %d: %w", dir, i, err)
		}
		count += n
	}
	var ids string
	if shards == 1 {
		if ids, err = writeTables(gdir); err != nil {
			return fmt.Errorf("update index %s: %w", dir, err)
		}
	}
	crashPoint("shards-built")
	for name, data := range opts.Attach {
		if err := writeFileSync(filepath.Join(gdir, name), data); err != nil {
			return fmt.Errorf("update index %s: %w", dir, err)
		}
	}
	meta := base.meta
	meta.Generation = gen
	meta.Fingerprint = opts.Fingerprint
	meta.Origin = opts.Origin
	meta.Records = int(count)
	meta.IDs = idsOf(ids, count)
	meta.BuiltAt = time.Now().UTC().Truncate(time.Second)
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("update index %s: %w", dir, err)
	}
	return w.finishShared(gdir, meta, start, base)
}

// linkShard makes the Bleve index at to a copy of the one at from: the
// files scorch never changes (scorchx.Shared: the segments) hard-linked,
// everything else copied, since scorch writes to those.
func linkShard(from, to string) error {
	return filepath.WalkDir(from, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(from, path)
		dst := filepath.Join(to, rel)
		if d.IsDir() {
			return os.MkdirAll(dst, 0o755)
		}
		if scorchx.Shared(d.Name()) {
			if err := os.Link(path, dst); err == nil {
				return nil
			}
		}
		return copyFile(path, dst)
	})
}

func copyFile(from, to string) error {
	in, err := os.Open(from)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(to, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

// updateShard applies the share of upserts and deletes that belongs to
// shard i of n to the Bleve index at path, and returns its record count.
func updateShard(ctx context.Context, path string, i, n int, upserts []record.Record, deletes []string, opts BuildOptions) (count uint64, err error) {
	s, err := bleve.Open(path)
	if err != nil {
		return 0, err
	}
	defer func() {
		if cerr := scorchx.Close(s); cerr != nil && err == nil {
			err = cerr
		}
	}()
	b := s.NewBatch()
	flush := func() error {
		if b.Size() == 0 {
			return nil
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		if err := s.Batch(b); err != nil {
			return err
		}
		b.Reset()
		return nil
	}
	for _, id := range deletes {
		if shardOf(id, n) == i {
			b.Delete(id)
		}
	}
	rm := newRecordMapper(s.Mapping())
	for _, r := range upserts {
		if shardOf(r.ID, n) != i {
			continue
		}
		d, err := rm.document(r)
		if err == nil {
			err = b.IndexAdvanced(d)
		}
		if err != nil {
			return 0, fmt.Errorf("index record %s: %w", r.ID, err)
		}
		if b.Size() >= opts.BatchSize {
			if err := flush(); err != nil {
				return 0, err
			}
		}
	}
	if err := flush(); err != nil {
		return 0, err
	}
	// The update's segments, a few records each, merged with the other
	// small ones where the merge policy would let them build up.
	if _, _, err := scorchx.MergeSmall(ctx, s); err != nil {
		return 0, err
	}
	res, err := s.Search(bleve.NewSearchRequestOptions(allRecords(), 0, 0, false))
	if err != nil {
		return 0, err
	}
	return res.Total, scorchx.Settle(ctx, s)
}
