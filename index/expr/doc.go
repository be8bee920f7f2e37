// Package expr is iq's query tree: the one contract between package query,
// which builds trees from what the user typed, and package index, which
// runs them (index.Search) with Bleve's searchers or its own fast ranker.
// It is a leaf: it imports nothing, and nothing in it knows an engine.
//
// A tree scores the way Bleve's equivalent query does: a term by BM25
// times its boost; And as the sum of its clauses; Or as the sum of the
// clauses matched times the share matched (coord); Bool as Must plus
// Should where it matches. Field names and terms are index terms, already
// analysed (index.Analyzer).
//
// Files:
//   - expr.go: the node types, Walk and String.
package expr
