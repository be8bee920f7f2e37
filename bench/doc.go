// Package bench holds end-to-end benchmarks of iq: the search path as users
// reach it (query.Searcher.Search over a synthetic index built by package
// index), beside the SQLite FTS5 peer in bench/fts5 (its own module). It has
// no code of its own; see search_test.go and run.sh.
package bench
