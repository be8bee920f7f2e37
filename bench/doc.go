// Package bench holds end-to-end benchmarks of iq: the search path as users
// reach it (query.Searcher.Search over a synthetic index built by package
// index) and the build as `iq index` runs it, beside two peers on the same
// records and queries. It has no code of its own.
//
// Files:
//   - run.sh: the benchmark of record, iq and its peers in one run, with
//     iq/peer ratios (BENCHMARKS.md, "Index and search").
//   - search_test.go: BenchmarkQuerySearch.
//   - fresh_test.go: BenchmarkFreshQuery, a few queries' CPU the first
//     time a freshly opened index runs them, one at a time.
//   - build_test.go: BenchmarkUserBuild (pipeline.BuildStream: clustering,
//     then the index, the records streamed, peak memory reported) and
//     BenchmarkUserBuildInMemory (the records in memory, for the
//     difference); BenchmarkUserCluster, the clustering alone as iq index
//     runs it (the collector's share, the live heap, a digest of what it
//     makes for exact levers).
//   - serve_test.go: BenchmarkServeStart, the HTTP server started on the
//     index BenchmarkUserBuild leaves as iq serve starts it: time to
//     listen, to the first similar and dups answers, memory, searches
//     through HTTP; TestConvertFeatures (an index's stored features
//     brought to the current format without a build) and
//     TestSimilarCandidates (Similar exact and capped on a large index:
//     CPU and agreement), both run only when pointed at an index.
//   - serve_rss.sh: what `iq serve` holds in memory on an index, after a
//     number of searches and at rest.
//   - fts5/: the SQLite FTS5 peer, a module of its own (cgo).
//   - lucene/: the Lucene peer (LuceneBench.java, run.sh; Java and Debian's
//     liblucene8-java, optional) and export/, which writes the synthetic
//     records and queries as JSON lines for it.
package bench
