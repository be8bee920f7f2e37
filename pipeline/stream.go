package pipeline

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"iter"
	"time"

	"github.com/iq-search/iq/dedup"
	"github.com/iq-search/iq/index"
	"github.com/iq-search/iq/query"
	"github.com/iq-search/iq/record"
)

// StreamReport says what BuildStream did, and what its two stages cost.
type StreamReport struct {
	Records  int `json:"records"`
	Clusters int `json:"clusters"`
	// ClusterTook and IndexTook are the two stages' wall times.
	ClusterTook time.Duration `json:"cluster_took_ns"`
	IndexTook   time.Duration `json:"index_took_ns"`
}

// StreamOptions are BuildStream's options.
type StreamOptions struct {
	// Dedup are the duplicate detector's options (DedupOptions).
	Dedup dedup.Options
	// Index are the index's options; BuildStream adds to them the
	// attachments and synonyms iq index adds.
	Index index.BuildOptions
	// Clustered, when set, is called once the clusters are made, before
	// the index pass (a benchmark reads the CPU spent so far there).
	Clustered func()
}

// BuildStream builds an index of the records a stream yields into dir as
// iq index prepares the records it ingests: near-duplicate clusters
// (dedup.NewIndexStream, two passes over recs), the acronyms the
// records spell out added to the synonyms, the duplicate detector's
// features and settings stored with the index, then a third pass that
// indexes each record with its cluster set (index.BuildStream). Every pass
// must yield the same records in the same order: a file read again, a
// generator run again. What stays in memory is the duplicate detector's
// Index (about two kilobytes a record) until its features are written
// into the new index, in pieces, before the third pass, then an ID →
// cluster map of the records in clusters and a few batches: never the
// collection, nor the features' encoding whole (issue 15's 1M tier and its
// peak RSS).
func BuildStream(ctx context.Context, dir string, recs iter.Seq2[record.Record, error], so StreamOptions) (*StreamReport, error) {
	rep := &StreamReport{}
	t0 := time.Now()
	cl, err := clusterStream(ctx, recs, so.Dedup)
	if err != nil {
		return nil, fmt.Errorf("build index %s: %w", dir, err)
	}
	rep.Records, rep.Clusters = cl.records, cl.clusters
	rep.ClusterTook = time.Since(t0)
	if so.Clustered != nil {
		so.Clustered()
	}
	opts := so.Index
	db, err := json.Marshal(so.Dedup)
	if err != nil {
		return nil, err
	}
	ab, err := json.Marshal(cl.acronyms)
	if err != nil {
		return nil, err
	}
	attach := map[string][]byte{query.DedupAttachment: db, acronymsAttachment: ab}
	for name, data := range opts.Attach {
		attach[name] = data
	}
	opts.Attach = attach
	from := map[string]func(io.WriterAt) error{query.FeaturesAttachment: cl.features}
	for name, write := range opts.AttachFrom {
		from[name] = write
	}
	opts.AttachFrom = from
	for _, g := range cl.acronyms {
		opts.Synonyms = append(opts.Synonyms, index.Synonym{Terms: g, Mined: true})
	}
	if opts.Total == 0 {
		opts.Total = cl.records
	}
	t1 := time.Now()
	if err := index.BuildStream(ctx, dir, withClusters(recs, cl.of), opts); err != nil {
		return nil, err
	}
	rep.IndexTook = time.Since(t1)
	return rep, nil
}

// streamClusters is what the near-duplicate stage leaves for the index:
// the cluster of each record in a cluster (by ID), the acronyms, and what
// writes the stored features.
type streamClusters struct {
	of       map[string]string
	acronyms [][]string
	// features writes the stored features into the index (an
	// index.BuildOptions.AttachFrom), once: the duplicate Index is
	// dropped then, before the index pass's working set grows.
	features          func(io.WriterAt) error
	records, clusters int
}

// clusterStream clusters a stream's records. The duplicate Index is kept
// only for writing its features, and dropped once they are written.
func clusterStream(ctx context.Context, recs iter.Seq2[record.Record, error], dopts dedup.Options) (*streamClusters, error) {
	dx, err := dedup.NewIndexStream(ctx, recs, dopts)
	if err != nil {
		return nil, err
	}
	cs, err := dx.ClustersAtContext(ctx, 0)
	if err != nil {
		return nil, err
	}
	cl := &streamClusters{of: map[string]string{}, acronyms: dx.Acronyms(), clusters: len(cs), records: dx.Len()}
	for _, c := range cs {
		for _, m := range c.Members {
			cl.of[m.ID] = c.ID
		}
	}
	// Stored so that a server need not compute them again; written in
	// pieces, never held whole (half a gigabyte at a million records).
	cl.features = func(w io.WriterAt) error {
		if dx == nil {
			return errors.New("duplicate features written twice")
		}
		_, err := dx.WriteFeatures(w, buildID(), cs)
		dx, cs = nil, nil
		return err
	}
	return cl, nil
}

// withClusters sets each record's cluster as dedup.Assign does: its
// cluster's ID, or its own ID outside any cluster.
func withClusters(recs iter.Seq2[record.Record, error], of map[string]string) iter.Seq2[record.Record, error] {
	return func(yield func(record.Record, error) bool) {
		for r, err := range recs {
			if err == nil {
				if c, ok := of[r.ID]; ok {
					r.Cluster = c
				} else {
					r.Cluster = r.ID
				}
			}
			if !yield(r, err) {
				return
			}
		}
	}
}

// recordStream yields recs, as a stream read again at every pass.
func recordStream(recs []record.Record) iter.Seq2[record.Record, error] {
	return func(yield func(record.Record, error) bool) {
		for _, r := range recs {
			if !yield(r, nil) {
				return
			}
		}
	}
}
