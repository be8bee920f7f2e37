// Package scorchx is the only code of iq that knows the internals of
// Bleve's scorch index, beyond Bleve's public index API
// (bleve_index_api): how scorch numbers documents, how it lays a snapshot
// out in segments, how zap v17 writes a term's postings (read and bounded
// before zapx reads their locations), which of its files it never
// rewrites, and how to force a merge. Everything else in index/ reaches
// scorch through this package.
//
// Checked against: github.com/blevesearch/bleve/v2 v2.6.3 (index/scorch),
// github.com/blevesearch/zapx/v17 v17.2.5 (the segment format Bleve
// v2.6.3 writes), bleve_index_api v1.4.1, scorch_segment_api/v2 v2.4.11.
// On a Bleve upgrade, re-read what each file here relies on (its comment
// says what), then run index's parity and versus tests, which compare
// every answer with Bleve's own: a changed encoding shows there.
// version_test.go fails when the build's versions are not these, until
// this header and its list are updated.
//
// Files:
//   - docnum.go: DocNum and InternalID, scorch's internal document IDs
//     (a snapshot-wide document number, 8 bytes big-endian); DocSeq, the
//     numbers a reader returns checked against the snapshot (issue 16);
//     Shape, the segments' sizes a table by document number is made for.
//   - zapcheck.go: CheckLocations, a term's postings read as zapx reads
//     them, every count bounded by the bytes that hold it, before any
//     reader of locations: zapx loops forever on a location size past its
//     chunk and sizes buffers from an unchecked frequency (issue 16). It
//     decodes zap v17's format by hand; index/zapcheck_test.go compares it
//     with zapx on every term of real indexes. CheckLocationsAt checks
//     only what a reader landing on some documents reads (their chunks,
//     the location sizes it steps over, their locations); TermLocations
//     reads those documents' locations in the same walk (a phrase's words,
//     for the fast ranker), compared with Bleve's reader in the tests.
//   - postings.go: TermPostings, a term's live documents with the
//     frequencies and norms Bleve's term field reader gives, decoded by
//     hand from the same format (the fast ranker's postings: a fifth of
//     the reader's cost a posting), compared with the reader on every term
//     of real indexes; FindPostings, the same found first, with the
//     reader's Count from the postings' bitmaps before they are read.
//   - stored.go: StoredReader, a hit's stored fields read from its
//     segment by document number instead of an _id lookup in every
//     segment.
//   - page.go: PageReader, a snapshot whose term readers yield only a
//     page's documents (the page pass of a search), checking locations
//     before reading them.
//   - dict.go: Dicts, one field's dictionaries looked up a term at a time
//     with the counts Bleve's FieldDict gives (the spelling pass's
//     candidates), without a goroutine per segment per term; PrefixTerms,
//     the terms a word being typed starts with their dictionary counts,
//     segment by segment (what FieldDictPrefix merges, without its
//     goroutines); FieldPostings,
//     every term of a field with its documents, a segment's bitmap at a
//     time (the facet tables).
//   - fst.go: a zap segment's term dictionary (its FST) walked by hand
//     with one vellum iterator reset from walk to walk (fstWalk, pooled),
//     where zapx makes an iterator, its states and a postings list per
//     segment per walk: PrefixTerms' walks and Dicts.CountsOf's
//     (spelling's candidates), each term counted by its live documents
//     from the postings where the walk stands (liveCount; not zapx's
//     dictionary iterator's count, wrong after a 1-hit term and counting
//     deleted documents); the pooled walk keeps the
//     dictionaries it loaded, with a reader for FindPostings' lookups.
//   - preload.go: SearchSections, the part of each zap segment's mapping
//     past its stored documents (from the footer's stored index offset),
//     which a server maps ahead.
//   - newseg.go: NewSegment, scorch's new segments of iq's documents
//     (a batch with a Direct field: index's analysed fields) built
//     directly in zap v17's format, the bytes zap's own builder writes
//     (TestNewSegmentMatchesZap in index), with one dictionary lookup per
//     posting where zap made three and a map merge; installed as the
//     zap v17 segment plugin (same type and version: zapx opens and merges
//     the segments), other batches going to zap's builder
//     (BENCHMARKS.md, "The engine build's new segments").
//   - files.go: ForceMerge; MergeTail, the small segments a merge policy
//     leaves merged into few (scorch's force merge with a plan that
//     leaves the largest segments alone); MergeSmall, the segments under
//     the policy's floor (an update's) merged into one; both end on a cancel or a
//     failed merge, which scorch's own force merge waits through
//     (forceMerge, the merger's error kept by asyncErrors), and so does
//     their wait for the persister (persisted); Settle, the wait before a
//     writer closes until the persister has removed the snapshots and
//     files the merges replaced (which Close does not wait for); Shared
//     (the segment files scorch never changes once written, which an
//     update may hard-link); Close, a writer closed with the errors its
//     background work reported and no wait read forgotten (asyncErrors
//     keeps them by index and task).
package scorchx
