package pipeline

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"sync"
	"time"

	"github.com/iq-search/iq/index"
	"github.com/iq-search/iq/ingest"
	"github.com/iq-search/iq/query"
	"github.com/iq-search/iq/record"
)

// A refresh re-reads only the files that changed (issue 13.2). Each index
// of the user's files stores, beside its records, what ingest made of each
// file before exact repeats were merged (ingest.FileResult), keyed by the
// file's stamp, and a hash of every record as indexed. A refresh walks the
// sources again, takes the stored result of every file whose size and time
// (or else SHA-256) are unchanged, ingests the rest, merges all of them
// again in order and clusters the whole set again, so exact-repeat merges
// and near-duplicate clusters come out as a full build's would: a question
// whose last source went is gone, one still found elsewhere keeps its other
// answers and sources. Only the records whose hash changed are written to
// the new generation (index.Writer.Update), and the ones that disappeared
// deleted.

// cacheAttachment is the file holding the ingest cache in a generation:
// JSON, gzipped. The cache holds every file's records as ingest made them
// (a refresh merges them again without reading the file), so it is about
// the size of the sources; as plain JSON it was 176 MB at 100k synthetic
// records, about 2.7 times less gzipped at the fastest level (real text
// compresses better), for about a second of CPU at 100k.
const cacheAttachment = "ingest-cache.json.gz"

// marshalCache encodes c as cacheAttachment holds it.
func marshalCache(c ingestCache) ([]byte, error) {
	var b bytes.Buffer
	zw, err := gzip.NewWriterLevel(&b, gzip.BestSpeed)
	if err != nil {
		return nil, err
	}
	if err := json.NewEncoder(zw).Encode(c); err != nil {
		return nil, err
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// unmarshalCache decodes what marshalCache encoded.
func unmarshalCache(data []byte) (ingestCache, error) {
	var c ingestCache
	zr, err := gzip.NewReader(bytes.NewReader(data))
	if err != nil {
		return c, err
	}
	if err := json.NewDecoder(zr).Decode(&c); err != nil {
		return c, err
	}
	return c, zr.Close()
}

// ingestCache is what a refresh starts from.
type ingestCache struct {
	// Key says which iq and which taxonomy and synonyms made the results;
	// any change invalidates them all.
	Key   string       `json:"key"`
	Files []cachedFile `json:"files"`
	// Indexed maps every record ID to a hash of the record as indexed.
	Indexed map[string]string `json:"indexed"`
}

// cachedFile is one source file's stamp and what ingest made of it.
type cachedFile struct {
	Stamp  Stamp             `json:"stamp"`
	Result ingest.FileResult `json:"result"`
}

func newCache(o Origin, ld *loaded, hashes map[string]string) ingestCache {
	c := ingestCache{Key: cacheKey(ld.stamps), Indexed: hashes}
	byPath := map[string]Stamp{}
	for _, st := range ld.stamps.Files {
		byPath[st.Path] = st
	}
	for i, f := range ld.files {
		if st, ok := byPath[f.Path]; ok && f.Skip == nil {
			c.Files = append(c.Files, cachedFile{Stamp: st, Result: ld.results[i]})
		}
	}
	return c
}

// cacheKey names the code and the settings that made the cached results.
func cacheKey(st *Stamps) string {
	k := buildID()
	for _, s := range []*Stamp{st.Taxonomy, st.Synonyms} {
		k += " "
		if s != nil {
			k += s.SHA256
		}
	}
	return k
}

// buildID identifies this iq's code: its version and VCS revision, and
// for a development build (whose version says nothing) a hash of the
// executable.
func buildID() string {
	id := index.Version()
	devel := id == "(devel)"
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				id += " " + s.Value
			case "vcs.modified":
				devel = devel || s.Value == "true"
			}
		}
	}
	if devel {
		id += " " + executableHash()
	}
	return id
}

var executableHash = sync.OnceValue(func() string {
	exe, err := os.Executable()
	if err != nil {
		return "unknown-" + time.Now().String() // never matches: no reuse
	}
	f, err := os.Open(exe)
	if err != nil {
		return "unknown-" + time.Now().String()
	}
	defer f.Close()
	h := sha256.New()
	io.Copy(h, f)
	return hex.EncodeToString(h.Sum(nil))
})

// recordHashes hashes every record as it is indexed.
func recordHashes(recs []record.Record) map[string]string {
	m := make(map[string]string, len(recs))
	for i := range recs {
		b, _ := json.Marshal(&recs[i])
		sum := sha256.Sum256(b)
		m[recs[i].ID] = hex.EncodeToString(sum[:16])
	}
	return m
}

// errFullBuild: a refresh cannot start from the current index; build in
// full.
var errFullBuild = errors.New("full build needed")

// Refresh says what an incremental refresh did.
type Refresh struct {
	FilesRead    int `json:"files_read"`
	FilesReused  int `json:"files_reused"`
	FilesRemoved int `json:"files_removed"`
	Upserted     int `json:"records_written"`
	Deleted      int `json:"records_deleted"`
	// Unchanged: nothing changed, no new generation was made.
	Unchanged bool `json:"unchanged,omitempty"`
	// Where the time went: walking, stamping and ingesting the changed
	// files and merging all; clustering every record again; writing the
	// new generation.
	IngestTook  time.Duration `json:"ingest_ns"`
	ClusterTook time.Duration `json:"cluster_ns"`
	IndexTook   time.Duration `json:"index_ns"`
}

// refresh builds the origin's records into a new generation from the
// current one, re-reading only the files that changed. It returns
// errFullBuild when the current index cannot be the start (missing,
// damaged, another origin or iq, no cache).
func refresh(ctx context.Context, w *index.Writer, origin Origin, opts OpenOptions, start time.Time) (*BuildReport, error) {
	base, err := index.Open(w.Dir())
	if err != nil {
		return nil, errFullBuild
	}
	defer base.Close()
	m := base.Meta()
	if m.Fingerprint != origin.fingerprint() || m.Synonyms != synonymsName(origin) {
		return nil, errFullBuild
	}
	raw, err := base.Attachment(cacheAttachment)
	if err != nil {
		return nil, errFullBuild
	}
	old, err := unmarshalCache(raw)
	if err != nil {
		return nil, errFullBuild
	}
	ld, err := load(ctx, origin, opts.ingestOptions(), &old)
	if err != nil {
		return nil, err
	}
	if cacheKey(ld.stamps) != old.Key {
		// Another iq, taxonomy or synonym list: nothing cached held, load
		// read every file.
		return buildAll(ctx, w, origin, opts, ld, start)
	}
	if len(ld.recs) == 0 {
		return nil, fmt.Errorf("build index %s: %w", w.Dir(), errNoRecords(origin, ld.rep))
	}
	bo, hashes, err := buildOptions(origin, opts, ld)
	if err != nil {
		return nil, err
	}
	rf := &Refresh{FilesRead: ld.read, FilesReused: len(ld.files) - ld.read, IngestTook: ld.ingestTook, ClusterTook: ld.clusterTook}
	seen := map[string]bool{}
	for _, f := range ld.files {
		seen[f.Path] = true
	}
	removed := map[string]bool{}
	for _, f := range old.Files {
		if !seen[f.Stamp.Path] {
			removed[f.Stamp.Path] = true
		}
	}
	rf.FilesRemoved = len(removed)
	var upserts []record.Record
	for _, r := range ld.recs {
		if old.Indexed[r.ID] != hashes[r.ID] {
			upserts = append(upserts, r)
		}
	}
	var deletes []string
	for id := range old.Indexed {
		if _, ok := hashes[id]; !ok {
			deletes = append(deletes, id)
		}
	}
	rf.Upserted, rf.Deleted = len(upserts), len(deletes)
	rep := &BuildReport{Dir: w.Dir(), Origin: origin, Records: len(ld.recs), Ingest: ld.rep, Refresh: rf}
	t := time.Now()
	// The duplicate settings (a new decisions file) may change without a
	// record changing; the acronyms the records spell out go into the
	// index's synonyms, which only a full build writes.
	sameDedup := sameAttachment(base, query.DedupAttachment, bo.Attach[query.DedupAttachment])
	sameAcronyms := sameAttachment(base, acronymsAttachment, bo.Attach[acronymsAttachment])
	switch {
	case len(upserts) == 0 && len(deletes) == 0 && ld.read == 0 && rf.FilesRemoved == 0 && sameDedup && sameAcronyms:
		rf.Unchanged = true
	case 2*(len(upserts)+len(deletes)) > len(ld.recs) || !sameAcronyms:
		// Most records changed: a full build is cheaper than deletes.
		err = w.Build(ctx, ld.recs, bo)
	default:
		err = w.Update(ctx, base, upserts, deletes, bo)
	}
	if err != nil {
		return nil, err
	}
	rf.IndexTook = time.Since(t)
	rep.Took = time.Since(start)
	return rep, nil
}

// synonymsName is what index.Meta.Synonyms says for an origin's synonyms.
func synonymsName(o Origin) string {
	if o.Synonyms == "" {
		return "default"
	}
	return o.Synonyms
}

// sameAttachment reports whether base holds the attachment name with
// exactly data.
func sameAttachment(base *index.Index, name string, data []byte) bool {
	b, err := base.Attachment(name)
	return err == nil && bytes.Equal(b, data)
}
