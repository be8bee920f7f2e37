// Package pipeline turns sources into a searchable index: the embedded
// corpus or the user's files and folders → ingest → dedup (clusters) →
// index, and finds or builds the index a command searches. It is the one
// place records are prepared for indexing; package query searches what it
// builds and never imports it.
//
// Files:
//   - open.go: Open (find or build the index so a fresh clone just works),
//     Build (iq index), LoadRecords (ingest and cluster), Dir.
package pipeline
