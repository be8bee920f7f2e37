// Package index owns iq's Bleve index: the mapping and analysis, turning
// record.Records into documents, building, opening and rebuilding the
// index directory, and running query trees (package expr) over it. It is
// the one door to Bleve: nothing outside index/ imports Bleve, and what it
// exports speaks iq's types (expr.Node in, Page out, Token, Terms). Package
// query builds the trees and ranks nothing itself; nothing here parses
// user queries.
//
// Files:
//   - mapping.go: the mapping, in one file (fields, analyzers, synonym
//     source); MappingVersion.
//   - analysis.go: the code-aware tokenizer, the identifier-parts filter, the
//     lower-case and English stemming filters and the synonym phrase filter,
//     registered in Bleve's registry.
//   - synonyms.go, synonyms.txt: the shipped, editable synonym list and its
//     parser.
//   - lang.go: the language fields (question_ru, answer_cjk…): which of
//     Bleve's analyzers reads which record language (record.Record.Lang),
//     which script each reads, the analyzers an index uses (their
//     locations after a fast pass come from the base field's text:
//     textSource in mapping.go).
//   - document.go: Record → Bleve document (recordMapper: the fields the
//     mapping makes of a record's properties, built directly as
//     MapDocument builds them from recordValue's map); recordTexts, the question and
//     answers read back from the stored record (their one stored copy).
//   - stored.go: the stored record deflated (packRecord, unpackRecord;
//     klauspost/compress's flate, RFC 1951 either way), at most
//     maxRecordJSON inflated.
//   - field.go: analysedField, the indexed text fields as batches take
//     them: Bleve's analysis with fewer allocations (Tokens from a pooled
//     slab, tokenBuf in analysis.go; terms counted in a reused table, then
//     the frequency map made at its size, a term's locations side by
//     side), and a Size that does not walk every token; the distinct terms
//     given to scorchx.NewSegment as a slice (DirectTokenFreqs), the map
//     made only when asked; batchMem, the
//     TokenFreqs and locations of the batch being applied in chunks the
//     next batches reuse (fill in build.go).
//   - index.go: Index (open, read-only), Open, Record, CacheDir, errors.
//   - byrank.go: RecordNear, a record found by its rank in the ID order of
//     iq-tables.bin near where the caller expects it (dups pages and
//     similar's matches), and the rank → document number table.
//   - page.go: Search over a query tree, and Page, Hit, Location, Facet:
//     iq's own answer type.
//   - search.go: searchTree, one page of a search as Bleve would answer
//     it, cheaper: the ranker chosen before ranking (the fast ranker when
//     the index has one and fastrank.Supports the tree, else Bleve's
//     searchers), facets counted from per-document values in memory,
//     stored fields and term locations read for the page's documents only
//     (or those SearchOptions.Pick chooses: query's collapsed page).
//   - terms.go: Analyzer and Token (analysing text as a field was), Terms,
//     TermCounts (Terms' counts of a few terms: one walk of each
//     segment's dictionary for all of them, scorchx.Dicts.Counts),
//     DocFreq, FuzzyTerms and TermsWithPrefix (the dictionaries, for
//     filters, spelling and the word being typed; TermsWithPrefix reads
//     a snapshot's segments in turn, scorchx.PrefixTerms).
//   - expr/: the query tree, the contract between query and index.
//   - build.go: Build and Writer.Build (batches, concurrent writers, merge
//     policy, the small segments it leaves merged at the end unless
//     BuildOptions.LeaveTail, scorch's background work settled before
//     each shard closes: scorchx.Settle) into a new generation,
//     checksummed and published;
//     BuildStream, the same over a stream of records, read once in
//     bounded batches (a collection larger than memory, issue 15);
//     attachments given as bytes, or written by a function into the new
//     generation before the records (BuildOptions.AttachFrom: large ones
//     never held whole).
//   - attach.go: MapAttachment, an attachment mapped read-only until
//     Close (the duplicate features a server reads in place), its
//     checksum checked unless the open read every file.
//   - tables.go: iq-tables.bin, the facet table, its columns and the ID
//     order of a one-shard generation, written by Build and Update, checked and read on
//     the first search (a one-shot search read both from every posting and
//     stored ID: 130–200 ms of CPU each at 100k records).
//   - dir.go: the index directory (issue 16): generations behind an
//     atomically replaced pointer file, the writers' lock, checksums
//     (CRC-32C) verified on open, removal of only what iq marked, the
//     crash points of the crash-injection test.
//   - release.go: PageOutEvery, PageOutMapped on a ticker beside a build.
//   - release_linux.go, release_other.go: Index.ReleaseMapped, an open
//     index's mapped pages dropped from a server's resident set (under the
//     lock Close takes), and PageOutMapped, the pages of an index directory
//     being built reclaimed while scorch maps and unmaps its segments.
//   - preload.go, preload_linux.go, preload_other.go:
//     Index.PreloadSearch, the segment files' search sections (not the
//     stored documents) mapped into a server ahead of its searches
//     (madvise MADV_POPULATE_READ) in pieces, each after a pace, and kept
//     by ReleaseMapped.
//   - update.go: Writer.Update, a new generation from the current one with
//     some records replaced or deleted, sharing its segments (hard links),
//     its few-record segments merged with the other small ones
//     (scorchx.MergeSmall).
//   - synth/: a deterministic synthetic corpus for benchmarks.
//
// Bleve-specific code lives in internal packages, which nothing outside
// index/ can import:
//   - internal/bleveq: the tree compiled into Bleve queries, with
//     MinMatchQuery, ExactPhrase (the phrase/synonym workaround) and the
//     canary that fails when Bleve fixes that bug.
//   - internal/fastrank: the fast ranker (Supports, Plan, Rank, Details),
//     one node kind per file.
//   - internal/facets: facet tables and counters, shared by both rankers.
//   - internal/scorchx: the only code that knows scorch's internals
//     (document numbers, segments, files that are never rewritten, forced
//     merges, zap's postings format: CheckLocations, called before any
//     reader of term locations, issue 16), with the Bleve version it was
//     checked against.
//   - internal/corrupt: the error behind ErrCorrupt, which the internal
//     packages wrap.
//
// Where the cut is drawn, and why. The internal packages speak Bleve's
// types to each other and to index (DocumentMatch, FacetResults, query
// and reader interfaces): they are Bleve-specific by design, and only
// index's edge (page.go) turns Bleve's answer into a Page, so the
// conversion is written once and both rankers are compared with Bleve in
// Bleve's own form. What belongs to the mapping stays here and is handed
// in: the term every record holds (what expr.All means: FieldKind),
// which text each field was analysed from (textSource and recordTexts,
// for the fast ranker's locations), the analyzers. The page pass after Bleve's
// searchers (details, search.go) stays here too: it runs the query again
// over each shard, and the shards are the Index's. The tests that compare
// a search with Bleve's own request (search_test.go, minmatch_test.go,
// versus_test.go) stay in package index, where they can build an Index and
// ask its shards; the canary, which needs only Bleve, is bleveq's.
//
// Levers on the build's CPU (issue 15; figures in BENCHMARKS.md and the
// commit messages). A 10k build's profile after the pooled analysis
// (BenchmarkBuild, -cpuprofile): zap building in-memory segments (term
// dictionaries, postings, locations: Bleve's code) about half, analysis
// and term frequencies a quarter, merges a tenth; clearing fresh memory
// (page faults of a heap that GOGC 300 lets grow) is most of the system
// time, so what analysis keeps alive per batch sets peak RSS and part of
// the CPU. What the mapping already leaves out: _all, doc values on text
// fields and on cluster and kind, an indexed id, stored facet fields.
// What stays because a search needs it: term vectors on question and
// answer (quoted phrases inside answers; the fast ranker's highlighting
// analyses the record's text again). They are the largest lever left:
// without them on the answer field a 10k build takes 31% less CPU into a
// 44% smaller index (6 December), but Bleve keeps a term's positions only
// in its term vectors (zap has no positions-only option, and the phrase
// searcher reads the vectors' locations), so a quoted phrase would no
// longer match inside answers. The question and answer are stored once,
// in the record (mapping 5: no stored fields of their own; recordTexts
// gives the fast ranker their text). Also staying: doc values on the
// facets (Bleve's own facets, the reference of the tests that hold
// facets.Counter to them). The pooled analysis pays through memory, not
// analysis itself (BenchmarkAnalysedField's time per record is unchanged,
// its allocations 40% lower): less collection and fewer page faults in the
// build. Tried and not kept: reusing a batch's token locations for the
// next batch (an arena released after Batch; no gain, higher peak RSS),
// frequency-map keys aliasing the terms' bytes (41% fewer allocations, no
// measurable CPU, an unsafe invariant); before: unsafe batches, larger
// batches, GOGC 200/500, fewer stem-cache slots, stop words out of the
// answer field (recall drops).
//
// Index directory layout (dir.go): iq-current (the pointer), iq-index.lock,
// gen-NNNNNN/ generations holding iq-generation (the marker), shard-N/
// Bleve indexes, attachments and iq-index.json (Meta and checksums,
// written last). Bleve's synonym definitions are documents too: count and
// list records with allRecords (expr.All), not a match-all query.
//
// Tests: analysis_test.go (analysis table, synonyms, mapping golden file:
// `go test ./index -run TestMappingGolden -update`), terms_test.go
// (TermCounts and TermsWithPrefix against whole dictionaries' live counts;
// Bleve's FieldDictPrefix still miscounting), tables_test.go (the stored
// tables against those read from the postings; damage), index_test.go (build,
// search over the embedded corpus), dir_test.go (generations, crash
// injection in a child process, damage over many seeds, opens during
// builds, the layout before generations), search_test.go
// (Index.Search against Bleve's own answer, with either ranker; the fast
// ranker is checked on the queries package query builds, in
// query/fast_test.go; stored fields by document number against Bleve's
// lookup by ID), field_test.go (analysedField against Bleve's TextField),
// batchmem_test.go (every posting, location, doc value and stored field
// of a build whose batches reuse their analysis memory against Bleve's
// own mapping and analysis of the same records),
// minmatch_test.go (bleveq.MinMatchQuery against Bleve's disjunction),
// versus_test.go (random query trees over random records: Bleve's own
// request against Search through Bleve's searchers and through the fast
// ranker; FuzzVersus draws the trees from the fuzzer's bytes; a difference
// is shrunk to a smallest tree; TestVersusEdges: a field without terms, a
// synonym group too large for the fast ranker), zapcheck_test.go
// (scorchx.CheckLocations against zapx's own reading of every term of
// sound indexes, CheckLocationsAt's chunks, TermPostings and TermLocations
// against Bleve's term field reader; a location size past its chunk written under an open
// index, which hung each search path before), stored_test.go (the
// deflated record's round trip, damage and bound (maxRecordJSON), a damaged record's hit on both
// rankers' paths, term locations in text that is not UTF-8,
// FuzzUnpackRecord, BenchmarkPackRecord: its size and CPU beside
// snappy's), fuzz_test.go,
// bench_test.go (BenchmarkBuild, BenchmarkSearch; see BENCHMARKS.md and
// bench/run.sh, which runs them beside the SQLite FTS5 peer in bench/fts5).
package index
