package pipeline

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/iq-search/iq/corpus"
	"github.com/iq-search/iq/dedup"
	"github.com/iq-search/iq/index"
	"github.com/iq-search/iq/ingest"
	"github.com/iq-search/iq/internal/regular"
	"github.com/iq-search/iq/query"
	"github.com/iq-search/iq/record"
)

// Origin is what an index was built from, recorded in its metadata
// (index.Meta.Origin) so that `iq index` can refresh it and a new iq
// version can rebuild it, from the same sources and never from others.
type Origin struct {
	// Embedded: the corpus embedded in iq.
	Embedded bool `json:"embedded,omitempty"`
	// Sources are the files and folders given, each with its absolute
	// path and its name as given (the records' file names start with it).
	Sources []ingest.Root `json:"sources,omitempty"`
	// Taxonomy and Synonyms are the absolute paths of the taxonomy and
	// synonym files used, when not iq's own.
	Taxonomy string `json:"taxonomy,omitempty"`
	Synonyms string `json:"synonyms,omitempty"`
	// Decisions is the absolute path of the maintainer's duplicate
	// decisions (dedup.Decisions), applied at every build.
	Decisions string `json:"decisions,omitempty"`
}

// describe names the origin for messages.
func (o Origin) describe() string {
	if o.Embedded {
		return "the embedded corpus"
	}
	names := make([]string, len(o.Sources))
	for i, s := range o.Sources {
		names[i] = s.Path
	}
	if len(names) > 3 {
		names = append(names[:3], fmt.Sprintf("and %d more", len(names)-3))
	}
	return strings.Join(names, ", ")
}

// settingFiles are the files besides the sources a build reads: the
// taxonomy, synonyms and duplicate decisions ("" when not given).
func (o Origin) settingFiles() []string {
	return []string{o.Taxonomy, o.Synonyms, o.Decisions}
}

// checkSources returns an error naming the first source, taxonomy,
// synonym or decisions file that is gone.
func (o Origin) checkSources() error {
	paths := o.settingFiles()
	for _, s := range o.Sources {
		paths = append(paths, s.Path)
	}
	for _, p := range paths {
		switch {
		case p == "" || ingest.IsURL(p):
			continue // a page is fetched again; it can only fail then
		case p == ingest.Stdin:
			return errors.New("it was built from standard input, which cannot be read again")
		}
		if _, err := os.Stat(p); err != nil {
			return fmt.Errorf("source %s is gone (%w)", p, errors.Unwrap(err))
		}
	}
	return nil
}

// legacyEmbedded matches the fingerprint an index of the embedded corpus
// had before indexes recorded their origin: the corpus's SHA-256.
var legacyEmbedded = regexp.MustCompile(`^[0-9a-f]{64}(\+|$)`)

// Embedded reports whether an index was built from the corpus embedded in
// iq (iq stats then says what it holds).
func Embedded(m index.Meta) bool {
	o, known := originOf(m)
	return known && o.Embedded
}

// originOf reads an index's origin from its metadata; known is false for
// an index built before origins were recorded from the user's files.
func originOf(m index.Meta) (o Origin, known bool) {
	if len(m.Origin) > 0 {
		if err := json.Unmarshal(m.Origin, &o); err == nil && (o.Embedded || len(o.Sources) > 0) {
			return o, true
		}
		return Origin{}, false
	}
	if legacyEmbedded.MatchString(m.Fingerprint) {
		return Origin{Embedded: true}, true
	}
	return Origin{}, false
}

// prepVersion names how records are prepared beyond ingest (today:
// near-duplicate clusters). It is part of the embedded corpus's
// fingerprint, so an index built before a change to it is rebuilt.
const prepVersion = "+clusters1"

func embeddedFingerprint() string { return corpus.Fingerprint() + prepVersion }

// sourcesPrefix starts the fingerprint of an index of the user's files.
const sourcesPrefix = "sources:"

// fingerprint identifies what an index is built from.
func (o Origin) fingerprint() string {
	if o.Embedded {
		return embeddedFingerprint()
	}
	h := sha256.New()
	for _, s := range o.Sources {
		h.Write([]byte(s.Path))
		h.Write([]byte{0})
	}
	return sourcesPrefix + hex.EncodeToString(h.Sum(nil))
}

// BuildReport says what Build indexed.
type BuildReport struct {
	Dir     string         `json:"dir"`
	Origin  Origin         `json:"origin"`
	Records int            `json:"records"`
	Ingest  *ingest.Report `json:"ingest"`
	Took    time.Duration  `json:"took_ns"`
	// Restored is the earlier generation Build made current again
	// (OpenOptions.Repair) when the index was damaged and its sources
	// gone.
	Restored string `json:"restored,omitempty"`
	// Refresh, when set, says what an incremental refresh re-read and
	// rewrote.
	Refresh *Refresh `json:"refresh,omitempty"`
	// NotKept names the files the index was built with before (a
	// taxonomy, a synonym list, a maintainer's duplicate decisions) that
	// this build, given its sources again without them, does not use.
	NotKept []NotKept `json:"not_kept,omitempty"`
}

// NotKept is a file an index was built with that a build given its
// sources again does not use: Flag is the flag that would keep it.
type NotKept struct {
	Flag string `json:"flag"`
	Path string `json:"path"`
}

// notKept lists the files of the origin an index at dir was built from
// that origin o leaves out.
func notKept(dir string, o Origin) []NotKept {
	m, err := index.ReadMeta(dir)
	if err != nil {
		return nil
	}
	prev, known := originOf(m)
	if !known {
		return nil
	}
	var out []NotKept
	for _, f := range []struct{ flag, was, now string }{
		{"--taxonomy", prev.Taxonomy, o.Taxonomy},
		{"--synonyms", prev.Synonyms, o.Synonyms},
		{"--dups-decisions", prev.Decisions, o.Decisions},
	} {
		if f.was != "" && f.now == "" {
			out = append(out, NotKept{Flag: f.flag, Path: f.was})
		}
	}
	return out
}

// Build builds the index: from opts.Sources, or the embedded corpus with
// opts.Embedded, or else again from the sources the index remembers (the
// default index directory with none: the embedded corpus). The new index
// replaces the old one only when complete; nothing is written outside the
// index directory.
func Build(ctx context.Context, opts OpenOptions) (*BuildReport, error) {
	dir, named, err := Dir(opts.IndexDir)
	if err != nil {
		return nil, err
	}
	start := time.Now()
	refresh := len(opts.Sources) == 0 && !opts.Embedded
	origin, err := buildOrigin(dir, named, opts)
	if err != nil && !(opts.Repair && refresh) {
		return nil, err
	}
	w, err := lock(ctx, dir, opts)
	if err != nil {
		return nil, err
	}
	defer w.Close()
	if refresh {
		// Read again under the lock: another build may have changed it.
		origin, err = buildOrigin(dir, named, opts)
		if err != nil && opts.Repair {
			return restore(ctx, w, err, start)
		}
		if err != nil {
			return nil, err
		}
	}
	var dropped []NotKept
	if len(opts.Sources) > 0 {
		dropped = notKept(dir, origin)
	}
	rep, err := build(ctx, w, origin, opts)
	if rep != nil {
		rep.NotKept = dropped
	}
	return rep, err
}

// restore makes an earlier generation current when the index is damaged
// and cannot be rebuilt (why: the reason).
func restore(ctx context.Context, w *index.Writer, why error, start time.Time) (*BuildReport, error) {
	if err := index.Check(ctx, w.Dir()); err == nil {
		return nil, why // nothing to repair
	}
	m, err := w.RestorePrevious()
	if err != nil {
		return nil, fmt.Errorf("%w; %w", why, err)
	}
	o, _ := originOf(m)
	return &BuildReport{Dir: w.Dir(), Origin: o, Records: m.Records, Took: time.Since(start), Restored: m.Generation}, nil
}

// buildOrigin decides what Build indexes.
func buildOrigin(dir string, named bool, opts OpenOptions) (Origin, error) {
	tax, err := absPath(opts.Taxonomy)
	if err != nil {
		return Origin{}, err
	}
	syn, err := absPath(opts.Synonyms)
	if err != nil {
		return Origin{}, err
	}
	dec, err := absPath(opts.Decisions)
	if err != nil {
		return Origin{}, err
	}
	override := func(o Origin) Origin {
		if tax != "" {
			o.Taxonomy = tax
		}
		if syn != "" {
			o.Synonyms = syn
		}
		if dec != "" {
			o.Decisions = dec
		}
		return o
	}
	switch {
	case len(opts.Sources) > 0:
		o := Origin{Taxonomy: tax, Synonyms: syn, Decisions: dec}
		adir, err := filepath.Abs(dir)
		if err != nil {
			return o, err
		}
		for _, s := range opts.Sources {
			a, err := absPath(s)
			if err != nil {
				return o, err
			}
			if a == adir || strings.HasPrefix(adir, a+string(filepath.Separator)) {
				return o, fmt.Errorf("index %s would be inside the source folder %s: choose an index directory outside it", dir, s)
			}
			o.Sources = append(o.Sources, ingest.Root{Path: a, Name: s})
		}
		return o, nil
	case opts.Embedded:
		return override(Origin{Embedded: true}), nil
	}
	m, err := index.ReadMeta(dir)
	if errors.Is(err, index.ErrNotExist) {
		if named {
			return Origin{}, &Error{Dir: dir, Err: fmt.Errorf("%w at %s to refresh", index.ErrNotExist, dir),
				Fix: "iq index PATH..." + indexFlag(dir, named) + "   (or --embedded for the corpus built into iq)"}
		}
		return override(Origin{Embedded: true}), nil
	}
	if err != nil {
		if m, err = index.PreviousMeta(dir); err != nil {
			return Origin{}, &Error{Dir: dir, Err: fmt.Errorf("index %s is damaged and does not say what it was built from", dir),
				Fix: "iq index PATH..." + indexFlag(dir, named)}
		}
	}
	o, known := originOf(m)
	if !known {
		return Origin{}, &Error{Dir: dir, Err: fmt.Errorf("index %s does not say what it was built from (built by iq %s)", dir, m.IQVersion),
			Fix: "iq index PATH..." + indexFlag(dir, named)}
	}
	o = override(o)
	if err := o.checkSources(); err != nil {
		return Origin{}, &Error{Dir: dir, Err: fmt.Errorf("cannot refresh index %s: %w", dir, err),
			Fix: "iq index PATH..." + indexFlag(dir, named) + "   (the files and folders to index now)"}
	}
	return o, nil
}

// sourcesAttachment is the file stored with an index of the user's files:
// a fingerprint of every file it read.
const sourcesAttachment = "sources.json"

// Stamp is the fingerprint of one source file when it was indexed.
type Stamp struct {
	Path    string    `json:"path"`
	Size    int64     `json:"size"`
	ModTime time.Time `json:"mod_time"`
	SHA256  string    `json:"sha256"`
}

// Stamps fingerprint an index's source files.
type Stamps struct {
	Files     []Stamp `json:"files"`
	Taxonomy  *Stamp  `json:"taxonomy,omitempty"`
	Synonyms  *Stamp  `json:"synonyms,omitempty"`
	Decisions *Stamp  `json:"decisions,omitempty"`
}

// ingestOptions are the ingest options of a build: what "-" reads and a
// format forced on every source.
func (o OpenOptions) ingestOptions() ingest.Options {
	return ingest.Options{Stdin: o.Stdin, Format: o.Format}
}

// acronymsAttachment holds the acronyms the collection spells out
// (dedup.MineAcronyms), added to the index's synonyms at a full build; a
// refresh that would change them builds in full.
const acronymsAttachment = "acronyms.json"

// build builds the origin's records into a new generation: incrementally
// from the current one when only some source files changed (refresh.go),
// else in full.
func build(ctx context.Context, w *index.Writer, origin Origin, opts OpenOptions) (*BuildReport, error) {
	start := time.Now()
	if !origin.Embedded && !opts.Repair {
		rep, err := refresh(ctx, w, origin, opts, start)
		if !errors.Is(err, errFullBuild) {
			return rep, err
		}
	}
	ld, err := load(ctx, origin, opts.ingestOptions(), nil)
	if err != nil {
		return nil, err
	}
	return buildAll(ctx, w, origin, opts, ld, start)
}

// buildAll builds loaded records into a new generation from scratch.
func buildAll(ctx context.Context, w *index.Writer, origin Origin, opts OpenOptions, ld *loaded, start time.Time) (*BuildReport, error) {
	if len(ld.recs) == 0 {
		return nil, fmt.Errorf("build index %s: %w", w.Dir(), errNoRecords(origin, ld.rep))
	}
	bo, _, err := buildOptions(origin, opts, ld)
	if err != nil {
		return nil, err
	}
	if err := w.Build(ctx, ld.recs, bo); err != nil {
		return nil, err
	}
	return &BuildReport{Dir: w.Dir(), Origin: origin, Records: len(ld.recs), Ingest: ld.rep, Took: time.Since(start)}, nil
}

// buildOptions returns the index options of a build of ld: the origin, and
// for the user's files the stamps and the ingest cache as attachments. It
// also returns the hashes of the records as indexed.
func buildOptions(origin Origin, opts OpenOptions, ld *loaded) (index.BuildOptions, map[string]string, error) {
	ob, err := json.Marshal(origin)
	if err != nil {
		return index.BuildOptions{}, nil, err
	}
	db, err := json.Marshal(ld.dopts)
	if err != nil {
		return index.BuildOptions{}, nil, err
	}
	ab, err := json.Marshal(ld.acronyms)
	if err != nil {
		return index.BuildOptions{}, nil, err
	}
	bo := index.BuildOptions{Fingerprint: origin.fingerprint(), Origin: ob, SynonymsFile: origin.Synonyms, Progress: opts.Progress,
		Attach: map[string][]byte{query.DedupAttachment: db, acronymsAttachment: ab, query.FeaturesAttachment: ld.features}}
	// Acronyms the collection spells out help search too: "GIL" finds
	// "global interpreter lock".
	for _, g := range ld.acronyms {
		bo.Synonyms = append(bo.Synonyms, index.Synonym{Terms: g, Mined: true})
	}
	if ld.stamps == nil {
		return bo, nil, nil
	}
	sb, err := json.MarshalIndent(ld.stamps, "", " ")
	if err != nil {
		return bo, nil, err
	}
	hashes := recordHashes(ld.recs)
	cb, err := marshalCache(newCache(origin, ld, hashes))
	if err != nil {
		return bo, nil, err
	}
	bo.Attach[sourcesAttachment], bo.Attach[cacheAttachment] = sb, cb
	return bo, hashes, nil
}

func errNoRecords(o Origin, rep *ingest.Report) error {
	if rep != nil && len(rep.Skipped) > 0 {
		return fmt.Errorf("no questions found in %s (%d files skipped, first: %s: %s)", o.describe(), len(rep.Skipped), rep.Skipped[0].File, rep.Skipped[0].Reason)
	}
	return errors.New("no questions found in " + o.describe())
}

// LoadRecords ingests the given files and folders, or the embedded corpus
// when there are none, into the records an index is built from.
func LoadRecords(ctx context.Context, sources []string) ([]record.Record, *ingest.Report, error) {
	o := Origin{Embedded: len(sources) == 0}
	for _, s := range sources {
		o.Sources = append(o.Sources, ingest.Root{Path: s, Name: s})
	}
	ld, err := load(ctx, o, ingest.Options{}, nil)
	if err != nil {
		return nil, nil, err
	}
	return ld.recs, ld.rep, nil
}

// loaded is what load prepared: the records (clustered), the ingest report,
// and for the user's files the stamps and each file's own result.
type loaded struct {
	recs    []record.Record
	rep     *ingest.Report
	stamps  *Stamps
	files   []ingest.File
	results []ingest.FileResult
	// dopts are the settings the clusters were made with; acronyms the
	// acronyms the records spell out.
	dopts    dedup.Options
	acronyms [][]string
	// features are the duplicate detector's features of recs, stored
	// with the index (query.FeaturesAttachment).
	features []byte
	// read counts the files ingested (the others came from the cache).
	read int
	// ingestTook and clusterTook time the two stages.
	ingestTook, clusterTook time.Duration
}

// load ingests an origin's files into the records an index is built from,
// with near-duplicate clusters, and fingerprints its files. It is the one
// place records are prepared for indexing. A file found in the cache old
// (by absolute path) with the same size and time, or else the same
// SHA-256, is not read again: its cached result is used, when old was made
// by this iq with the same taxonomy and synonyms (its Key).
func load(ctx context.Context, o Origin, iopts ingest.Options, old *ingestCache) (*loaded, error) {
	ld := &loaded{}
	if !o.Embedded {
		ld.stamps = &Stamps{}
	}
	if o.Taxonomy != "" {
		data, st, err := readStamped(o.Taxonomy)
		if err != nil {
			return nil, fmt.Errorf("read taxonomy: %w", err)
		}
		if iopts.Taxonomy, err = ingest.ParseTaxonomy(data); err != nil {
			return nil, fmt.Errorf("%s: %w", o.Taxonomy, err)
		}
		if ld.stamps != nil {
			ld.stamps.Taxonomy = &st
		}
	}
	syn := index.DefaultSynonyms()
	if o.Synonyms != "" {
		data, st, err := readStamped(o.Synonyms)
		if err != nil {
			return nil, fmt.Errorf("read synonyms: %w", err)
		}
		if ld.stamps != nil {
			ld.stamps.Synonyms = &st
		}
		if syn, err = index.ParseSynonyms(bytes.NewReader(data)); err != nil {
			return nil, fmt.Errorf("parse synonyms %s: %w", o.Synonyms, err)
		}
	}
	ld.dopts = DedupOptions(syn)
	if o.Decisions != "" {
		data, st, err := readStamped(o.Decisions)
		if err != nil {
			return nil, fmt.Errorf("read duplicate decisions: %w", err)
		}
		if ld.dopts.Decisions, err = dedup.ParseDecisions(data); err != nil {
			return nil, fmt.Errorf("%s: %w", o.Decisions, err)
		}
		if ld.stamps != nil {
			ld.stamps.Decisions = &st
		}
	}
	var err error
	t0 := time.Now()
	if o.Embedded {
		ld.recs, ld.rep, err = ingest.FS(ctx, corpus.FS(), iopts)
	} else {
		var cache map[string]cachedFile
		if old != nil && old.Key == cacheKey(ld.stamps) {
			cache = make(map[string]cachedFile, len(old.Files))
			for _, f := range old.Files {
				cache[f.Stamp.Path] = f
			}
		}
		err = ld.readFiles(ctx, o, iopts, cache)
	}
	if err != nil {
		return nil, fmt.Errorf("ingest: %w", err)
	}
	// Near-duplicates get one cluster ID, stored in the index, so that
	// Search shows one hit per cluster (unless Request.All) while facet
	// counts still count records.
	// The records are in memory already (ingest merges exact repeats
	// across files); their parses are not: the duplicate detector reads
	// them as a stream (dedup.NewIndexStream, a batch parsed at a time),
	// where NewIndexContext would hold every record's parse at once (3.1
	// GB at 100k synthetic records, issue 15's 4 GB target at 1M).
	t1 := time.Now()
	dx, err := dedup.NewIndexStream(ctx, recordStream(ld.recs), ld.dopts)
	if err != nil {
		return nil, err
	}
	cs, err := dx.ClustersAtContext(ctx, 0)
	if err != nil {
		return nil, err
	}
	dedup.Assign(ld.recs, cs)
	if a := dx.Acronyms(); len(a) > 0 {
		ld.acronyms = a // dedup.MineAcronyms(ld.recs), mined once
	}
	// Stored so that a server need not compute them again.
	if ld.features, err = dx.MarshalFeatures(buildID(), cs); err != nil {
		return nil, err
	}
	ld.ingestTook, ld.clusterTook = t1.Sub(t0), time.Since(t1)
	return ld, nil
}

// DedupOptions are the duplicate detector's options for an index with
// the synonyms syn: it reads the search's synonyms as groups of one
// meaning.
func DedupOptions(syn []index.Synonym) dedup.Options {
	var o dedup.Options
	for _, g := range syn {
		o.Synonyms = append(o.Synonyms, append(slices.Clip(g.Input), g.Terms...))
	}
	return o
}

// readFiles walks the origin's sources and ingests each file, or takes its
// earlier result from cache, then merges them.
func (ld *loaded) readFiles(ctx context.Context, o Origin, iopts ingest.Options, cache map[string]cachedFile) error {
	files, err := ingest.WalkRoots(ctx, o.Sources)
	if err != nil {
		return err
	}
	ld.files = files
	ld.results = make([]ingest.FileResult, len(files))
	var todo []ingest.File
	var at []int
	for i, f := range files {
		if f.Skip != nil {
			todo, at = append(todo, f), append(at, i)
			continue
		}
		c, cached := cache[f.Path]
		if cached && c.Stamp.Size == f.Size && c.Stamp.ModTime.Equal(f.ModTime) {
			ld.results[i] = c.Result
			ld.stamps.Files = append(ld.stamps.Files, c.Stamp)
			continue
		}
		// Fingerprints first: a file that changes while it is read then
		// differs from its stamp, and the next refresh reads it again.
		st, err := stamp(f.Path)
		if err == nil {
			ld.stamps.Files = append(ld.stamps.Files, st)
			if cached && st.SHA256 == c.Stamp.SHA256 { // touched, not changed
				ld.results[i] = c.Result
				continue
			}
		}
		todo, at = append(todo, f), append(at, i)
	}
	fresh, err := ingest.ReadFiles(ctx, todo, iopts)
	if err != nil {
		return err
	}
	for k, i := range at {
		ld.results[i] = fresh[k]
	}
	ld.read = len(todo)
	ld.recs, ld.rep, err = ingest.Merge(ld.results, iopts)
	return err
}

// stamp fingerprints a file.
func stamp(path string) (Stamp, error) {
	f, _, err := regular.Open(path) // a named pipe behind a link must not block
	if err != nil {
		return Stamp{}, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return Stamp{}, err
	}
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return Stamp{}, err
	}
	return Stamp{Path: path, Size: st.Size(), ModTime: st.ModTime().UTC(), SHA256: hex.EncodeToString(h.Sum(nil))}, nil
}

// readStamped reads a small file (taxonomy, synonyms, decisions) with its
// stamp; a named pipe or device is refused, not waited on.
func readStamped(path string) ([]byte, Stamp, error) {
	data, err := regular.ReadFile(path)
	if err != nil {
		return nil, Stamp{}, err
	}
	st, err := os.Stat(path)
	if err != nil {
		return nil, Stamp{}, err
	}
	sum := sha256.Sum256(data)
	return data, Stamp{Path: path, Size: int64(len(data)), ModTime: st.ModTime().UTC(), SHA256: hex.EncodeToString(sum[:])}, nil
}
