// Package facets counts the term facets of a search from per-document
// value lists held in memory, for both of index's rankers: Bleve's
// searchers (through the collector's hit handler) and the fast ranker
// (fastrank, which counts each hit of its slices). The counts, their
// order (count, then value) and the trimming are those of Bleve's term
// facets builder, without decoding every hit's doc values for every field.
//
// Files:
//   - table.go: Table, what the faceted fields hold for each document of a
//     snapshot (built from the fields' postings on first use), and Tables,
//     their cache.
//   - persist.go: Read (a table from the postings, for storing with the
//     index), AppendBinary and DecodeTable (checked, never trusted), and
//     Tables.Preset (a stored table put in the cache).
//   - count.go: Counter and Part, the counts of one search, and Results in
//     Bleve's form.
package facets
