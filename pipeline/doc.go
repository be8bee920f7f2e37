// Package pipeline turns sources into a searchable index: the embedded
// corpus or the user's files and folders → ingest → dedup (clusters) →
// index, and finds or builds the index a command searches. It is the one
// place records are prepared for indexing; package query searches what it
// builds and never imports it.
//
// The index lifecycle's policy lives here (issues 13.1, 16.1); package
// index keeps the directory crash-safe. An index records its Origin (the
// embedded corpus, or absolute paths with the names given, the taxonomy and
// synonym files) and a SHA-256 stamp of every source file. Only the
// default index directory is ever built unasked, from the embedded corpus;
// a user's index is refreshed (iq index with no path) and rebuilt for a new
// iq version from its own sources, never from others; what cannot be done
// is an *Error with the command that fixes it.
//
// Files:
//   - open.go: Open (open, or build the default index; rebuild for a new
//     version or a damaged embedded build), Dir, Check, Error.
//   - build.go: Build (iq index: paths, --embedded, or a refresh; --repair),
//     Origin, load (ingest, stamps, clusters), LoadRecords.
//   - stream.go: BuildStream, an index of a stream of records (read three
//     times: two passes for the clusters, one into the index), in memory
//     that does not grow with the records (issue 15's 1M tier).
//   - refresh.go: the incremental refresh: the ingest cache stored with
//     the index, only changed files re-read, only changed records written
//     (index.Writer.Update).
//   - watch.go: Watch (iq index --watch), fsnotify over the source trees.
//   - follow.go: Follow, new generations delivered to a running server.
package pipeline
