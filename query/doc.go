// Package query is iq's one search API: the CLI (cmd/iq) and the HTTP
// endpoint both fill a Request through ParseRequest, call Searcher.Search,
// and print the Result as WriteJSON encodes it, so they cannot disagree.
// It imports index and dedup, never Bleve, cobra or lipgloss, nor package
// pipeline, which builds the indexes it searches.
//
// User text is never handed to an engine's query-string parser. syntax.go
// parses a small syntax (words, "phrases", -exclusions, a name:value
// filter per facet of record.Facets) and build.go builds a query tree
// (package index/expr) from it, which index.Search runs: each word must
// match the question (boosted), an answer or code; one or two words must all
// match, longer queries may miss one word in four; question words like
// "what" and "is" only rank. A word in the script of a language the index
// has records in (Russian, Chinese…) is also looked for in that
// language's fields, analysed by Bleve's analyzer for it (index.LangField):
// Russian word forms and Chinese words match, and the function words that
// analyzer drops ("что", "такое") only rank. When nothing matches, Search retries with the
// closest known spelling of unknown words, then with any word.
// Near-duplicates share a cluster id in the index: Search shows the best
// hit of each cluster and says how many it stands for, unless
// Request.All; Similar and Dups answer "questions like this one" and list
// the clusters from the duplicate features and clusters stored with the
// index at the build (UseStoredFeatures, PrepareDups), reading from the
// index only the records a page lists; when those are missing or stale,
// from every record read back and the features computed again.
//
// Files:
//   - request.go: Request, ParseRequest and its limits, the *Error type
//     with stable codes for HTTP 400s.
//   - syntax.go: the query syntax and its parser.
//   - rank.go: every ranking signal in one place (field weights, required
//     words, function words, the whole-text phrase), with the score
//     explanation of Request.Explain (`iq search --explain`).
//   - build.go: analysis of the words with the index's analyzers, and the
//     query tree (units, concept phrases, field boosts and language fields,
//     must/should/not, filters).
//   - search.go: Searcher, Search, Result, Hit, facets, cluster collapse,
//     Record, Stats.
//   - prefix.go: search as you type: the last word of a text that does
//     not end in a space also matches the terms it starts, as plain term
//     queries (the fast ranking pass runs them), below the word itself.
//   - order.go: Stream (every hit, chunk by chunk) and the level and
//     source orders (Request.Sort): one ranking pass over every match that
//     reads no records, then records and highlighting a chunk at a time.
//   - values.go: a filter value the index does not hold is an *Error
//     (unknown_value) naming the closest values it does (issue 13.7).
//   - dups.go: Similar and Dups with their requests, URL parsers and
//     results.
//   - spell.go: spelling correction ("dependncy injecton" → "dependency
//     injection") from the index's term dictionary.
//   - highlight.go: <mark> highlighting of questions and answer fragments
//     from the page's term locations, everything else HTML-escaped.
//   - limits.go: the bounds on what one answer lists (MaxHitSources,
//     MaxRecordAnswers…) with the count of what it leaves out, and
//     Question, a record as GET /api/questions/ID shows it (issue 16).
//   - guard.go: guard, deferred by every method that reads the index, so
//     that a panic or memory fault on a damaged index is an error naming
//     the file (issue 16.3).
//   - json.go: WriteJSON, the one JSON encoding of results.
//
// testdata/ranking.json holds {query, want} pairs written from the seeds
// and ../shared/corpora, some cut in their last word as typed ("typing");
// TestRanking writes recall@1, recall@5 and MRR, for all, for whole words
// and as you type, to testdata/ranking.results.json, so a ranking change
// shows in review.
package query
