// Package bleveq compiles iq's query trees (package expr) into Bleve
// queries, for Bleve's own searchers: the ranking pass of the queries the
// fast ranker does not take (fastrank.Supports), --explain, and every
// search's page pass when the fast ranker did not rank it. The Bleve
// queries match and score exactly as the fast ranker does; index's versus
// suite holds both to Bleve's own answer.
//
// Two query types of its own stand in for Bleve's where Bleve costs too
// much or errs:
//
//   - MinMatchQuery: Bleve's disjunction with a minimum, found by stepping
//     through the rarest clauses only (Lucene's minimum-should-match
//     scorer).
//   - ExactPhrase: a phrase without synonym expansion, which works around
//     Bleve's phrase/synonym bug; TestPhraseSynonymBugCanary fails when
//     Bleve fixes it, so that the workaround can go. For the ranking pass
//     it checks word order on the conjunction's term vectors instead of
//     building Bleve's map of every match's locations.
//
// Files:
//   - query.go: Query, the tree compiled.
//   - phrase.go: ExactPhrase and its ranking searcher.
//   - minmatch.go: MinMatchQuery, its searcher and its cost estimate.
//
// Tests: canary_test.go (the phrase/synonym bug, on a Bleve index of one
// document); index's minmatch_test.go checks MinMatchQuery against Bleve's
// disjunction over indexes of real and synthetic records.
package bleveq
