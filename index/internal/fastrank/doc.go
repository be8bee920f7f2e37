// Package fastrank is index's fast ranker: a query tree (package expr)
// ranked over postings decoded once into memory, with the hits and scores
// of Bleve's searchers over bleveq.Query(tree), bit for bit.
//
// Bleve's searchers cost ~1.5–2.5 µs per hit at 100k records (decoding
// chunked postings, a pooled DocumentMatch per term and clause, location
// merging): queries of common words with 10k–30k hits made the p99. The
// fast ranker keeps each term's document numbers and BM25 term scores in
// arrays (a bounded cache per snapshot) and runs small iterators that
// mirror Bleve's searchers: the same matches, and the same scores, because
// every score is built by the same float operations in the same order
// (children sorted by Count as Bleve sorts them, sums in that order,
// coord, query norm from the root). Large indexes are ranked in slices of
// documents, one goroutine each.
//
// It is chosen before ranking, never midway: Supports is a static check
// of the tree (every node kind but IDs; no disjunction larger than Bleve's
// slice disjunction), Check a check of the index once when it opens
// (BM25), and Plan compiles the tree before the first document is ranked
// (refusing only a term whose synonym set Bleve would sum in heap order).
// index's versus suite and query's TestFastRankingMatchesBleve hold it to
// Bleve's own answers over random trees and the queries iq builds.
//
// Files:
//   - supports.go: Supports.
//   - rank.go: Ranker, Check, Plan, Rank (slices, the top hits, the ID
//     order for ties: IDOrder, or PresetIDOrder from the index's stored
//     tables).
//   - prune.go: the ranking pass in two steps (issue 15, 1M search p99):
//     the tree's documents found first as a set of bits (each node's
//     bits: the total, and the hits whose facets are counted), then only
//     the blocks of documents whose score bound (each node's bound, from
//     each term's highest score per block) reaches the worst kept hit
//     are scored; the bounds are exact in floating point, so hits,
//     scores and ties are those of scoring every hit.
//   - compile.go: the tree compiled into nodes, with its synonyms and the
//     minimum-match cost estimate.
//   - postings.go: the decoded postings (scorchx.FindPostings, its count
//     from the postings' bitmaps, or a term field reader on other
//     readers) and their cache, which drops the entries asked for longest
//     ago past its budget, scored as Bleve's TermQueryScorer scores (BM25,
//     or tf-idf in a field without terms), each pair of frequency and
//     field length once (scoreMemo) and kept once: a posting names its
//     score in two bytes (sidx into vals; scoreBuilder), as fresh memory
//     costs a fresh term more than decoding it. The cache also keeps each
//     term's synonyms (the thesaurus of a snapshot never changes).
//   - phraselocs.go: a phrase's word locations, read and checked
//     (scorchx.TermLocations) only in the documents holding a word of
//     every position.
//   - node.go: the node interface; then one node kind per file, named
//     after Bleve's searcher it mirrors: term.go (TermSearcher), disj.go
//     (DisjunctionSliceSearcher), minmatch.go (bleveq.MinMatchQuery),
//     conj.go (ConjunctionSearcher), phrase.go (bleveq.ExactPhrase),
//     bool.go (BooleanSearcher), none.go (MatchNoneSearcher).
//   - page.go: Details, the page's stored fields and term locations, from
//     the clauses each hit matched and its texts (Config.Texts) analysed
//     again
//     (into pooled buffers: Config.Analyze).
package fastrank
