// Package record holds the nouns every stage of iq shares: Record (one clean
// interview question with every answer and source), Answer, Code, Source,
// the normalised Levels, the Field* names the index and the query layer
// agree on, the facet registry (Facets: one entry per facet, which the
// mapping, filters, query syntax, flags, completion and stats all read),
// the stable IDs (NormalizeQuestion, QuestionID), and Technologies, the
// technologies questions are asked about, which dedup tells apart and
// ingest's default taxonomy names as topics. It imports nothing of iq, so
// ingest, dedup, index and query can all depend on it (STYLE.md 1,
// DESIGN.md).
//
// Files:
//   - record.go: the types, field names, levels and IDs.
//   - facet.go: Facet and Facets, the facet registry.
//   - digest.go: IDDigest, a digest of a set of record IDs that the index
//     and the duplicate features store to tell they hold the same records.
//   - tech.go: Technology and Technologies, each technology's names, the
//     one it is within, and its topic.
package record
