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
//     index), AppendBinary and DecodeTable (checked, never trusted),
//     AppendColumns and DecodeColumns (the table by value, stored beside
//     it so that a first search does not build it), Tables.Preset (a
//     stored table put in the cache), and the aligned uint32 and uint64
//     arrays of the stored file (AppendUint32s, DecodeUint32s).
//   - alias.go: a mapped file's aligned little-endian bytes used as
//     uint32s in place (unsafe), so a first search fills no fresh memory.
//   - count.go: Counter and Part, the counts of one search, and Results in
//     Bleve's form.
//   - columns.go: the table by value (each value's documents, as bits when
//     common), and Part.CountSet, which counts a set of many hits value by
//     value (the fast ranker's, when PreferSet says it costs less than
//     hit by hit).
//
// Tests: columns_test.go (CountSet against Count over random tables and
// sets; stored columns decoded to the built ones, cut and damaged); index's search and versus suites hold the counts to Bleve's.
package facets
