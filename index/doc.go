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
//     which script each reads, the analyzers an index uses, and their
//     locations for highlighting after a fast pass.
//   - document.go: Record → Bleve document.
//   - field.go: analysedField, the indexed text fields as batches take
//     them: Bleve's analysis with fewer allocations, and a Size that does
//     not walk every token.
//   - index.go: Index (open, read-only), Open, Record, DefaultDir, errors.
//   - page.go: Search over a query tree, and Page, Hit, Location, Facet:
//     iq's own answer type.
//   - bleveq.go: the query tree compiled into Bleve queries.
//   - phrase.go: exactPhrase, a phrase query without synonyms (Bleve's
//     phrase searcher loses words without synonyms once one word has
//     some: 2.5.7 and 2.6.3), and the ranking pass's phrase searcher, which
//     checks word order without building location maps.
//   - terms.go: Analyzer and Token (analysing text as a field was), Terms,
//     DocFreq, FuzzyTerms and TermsWithPrefix (the dictionaries, for
//     filters, spelling and the word being typed).
//   - expr/: the query tree, the contract between query and index.
//   - search.go: searchBleve, one page of a search as Bleve would answer
//     it, cheaper: facets counted from per-document values in memory, stored
//     fields and term locations read for the page's documents only.
//   - fast.go, fastnodes.go, fastpage.go: Search's fast ranking pass:
//     the query run over postings decoded once into memory (a bounded
//     cache) by iterators that mirror Bleve's searchers score for score, in
//     slices of documents on every CPU; the page's term locations from the
//     clauses each hit matched and its stored texts analysed again. Queries
//     it does not handle rank through Bleve (SetFastRanking turns it off;
//     RankingPasses counts).
//   - zapcheck.go: checkLocations, a term's postings read as zapx reads
//     them, every count bounded by the bytes that hold it, before any
//     reader of locations: zapx loops forever on a location size past its
//     chunk and sizes buffers from an unchecked frequency (issue 16).
//   - minmatch.go: minMatchQuery, Bleve's disjunction with a minimum,
//     found by stepping through the rarest clauses only.
//   - build.go: Build and Writer.Build (batches, concurrent writers, merge
//     policy) into a new generation, checksummed and published.
//   - dir.go: the index directory (issue 16): generations behind an
//     atomically replaced pointer file, the writers' lock, checksums
//     (CRC-32C) verified on open, removal of only what iq marked, the
//     crash points of the crash-injection test.
//   - update.go: Writer.Update, a new generation from the current one with
//     some records replaced or deleted, sharing its segments (hard links).
//   - synth/: a deterministic synthetic corpus for benchmarks.
//
// Index directory layout (dir.go): iq-current (the pointer), iq-index.lock,
// gen-NNNNNN/ generations holding iq-generation (the marker), shard-N/
// Bleve indexes, attachments and iq-index.json (Meta and checksums,
// written last). Bleve's synonym definitions are documents too: count and
// list records with allRecords (expr.All), not a match-all query.
//
// Tests: analysis_test.go (analysis table, synonyms, mapping golden file:
// `go test ./index -run TestMappingGolden -update`), index_test.go (build,
// search over the embedded corpus), dir_test.go (generations, crash
// injection in a child process, damage over many seeds, opens during
// builds, the layout before generations), search_test.go
// (Index.Search against Bleve's own answer; the fast pass is checked on the
// queries package query builds, in query/fast_test.go; stored fields by
// document number against Bleve's lookup by ID), field_test.go
// (analysedField against Bleve's TextField), minmatch_test.go
// (minMatchQuery against Bleve's disjunction), versus_test.go (random
// query trees over random records: Bleve's own request against Search
// through Bleve's searchers and through the fast pass; FuzzVersus draws
// the trees from the fuzzer's bytes; a difference is shrunk to a smallest
// tree), canary_test.go (fails when Bleve fixes the phrase/synonym bug),
// zapcheck_test.go (checkLocations against zapx's own reading of every
// term of sound indexes; a location size past its chunk written under an
// open index, which hung each search path before), fuzz_test.go,
// bench_test.go (BenchmarkBuild, BenchmarkSearch; see BENCHMARKS.md and
// bench/run.sh, which runs them beside the SQLite FTS5 peer in bench/fts5).
package index
