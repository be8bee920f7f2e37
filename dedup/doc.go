// Package dedup finds near-duplicate interview questions among
// record.Records: the same question in other words, in other banks.
//
// It is pure Go over Records and imports nothing of iq but record. Exact
// repeats are merged by ingest already; this package finds the rest:
// "What is FastAPI, and how does it differ from other Python web
// frameworks?" and "…like Flask or Django?".
//
// A cluster means "an answer to one fully answers the other" (issue 12).
// How it works: every question is read as a head clause and tails (a tail
// that only looks back, "…, and how does it work?", counts lightly) and
// normalised into tokens (stemmed, British spellings folded, stop words
// out, synonym groups and acronyms the collection spells out mapped to one
// form), weighted by TF-IDF learned from the collection itself. Weighted
// MinHash with LSH banding proposes candidate pairs without comparing
// every pair. Each candidate is scored in [0, 1] by Score: question
// similarity (raised when both ask about exactly the same words of
// substance), pulled up by agreeing answers, multiplied by guards against
// the classic false matches — a word of substance on one side only
// ("Constraints" / "UNIQUE constraint"; not a word of an "of"/"in" phrase
// that only places the subject where the other's answer has it, "ACID
// properties of transactions" / "…in a database"; less where the other has
// a light noun in its place, "request validation" / "data validation"),
// sibling subjects in one frame,
// another technology ("middleware in Express" / "in FastAPI"), a number,
// version or operator that differs ("L1" vs "L2", `==` vs `is`), antonyms
// and negation, a comparison asked on one side only (not against a question
// that names the kinds compared; and in two comparisons of the same things
// a word the other's answer speaks of only says what they are), another aspect of one
// subject ("What is X?" / "How to test X?"). Generic titles ("What's the
// output?") are judged by their code and answers alone; placeholder
// answers and multiple-choice options are no answers. Explain says why in
// the questions' own words. Clusters grow by average linkage, so a chain
// of pairwise matches does not pull in unrelated questions, and apply a
// maintainer's Decisions.
//
// Cluster IDs are the ID of the cluster's canonical record (its most
// general, complete question, or the one a maintainer chose); Assign gives
// every record outside a cluster its own ID as cluster, so search can
// collapse on the field with no special case. Merge writes the bank with
// each cluster merged into one record.
//
// An Index's features are made once, when an index is built, and stored
// beside it with the build's clusters (MarshalFeatures); a server loads
// them (LoadIndex) unless they are stale, and holds no record: a loaded
// Index keeps of each record its Card (ID, question, level, topics) and
// answers Similar of a record of the collection by its position
// (SimilarToContext). The stored features are read where they lie (a
// mapped file): loading decodes a small head, and a record's features are
// decoded when it is scored, so a server of a million records answers
// similar and dups from its first second (issue 15).
//
// Files:
//   - doc.go: this overview.
//   - text.go: tokenizer (words, numbers, versions, operators, code spans,
//     examples and asides marked weak; in a title a symbol standing alone,
//     "the * quantifier", and a light word naming a thing, "the Strategy
//     pattern", are subjects); what a word normalises to, cached per
//     goroutine (wordCache), a capitalised word lowered without a copy.
//   - clause.go: a question's head clause and its tails; tails that only
//     look back at the head ("…, and how does it work?") count as light.
//   - lexicon.go: synonym groups and acronyms (given, and mined from the
//     collection by MineAcronyms) mapped to one form.
//   - stem.go: Porter stemmer.
//   - words.go: stop words, synonym groups, light words, generic words,
//     antonyms, technologies by their names and within which (read from
//     record.Technologies).
//   - aspect.go: what a question asks about its subject.
//   - stats.go: Stats, the collection's token weights and repeated titles.
//   - features.go: per-record features, vectors, cosine, coverage,
//     shingles.
//   - score.go: Score, Explain and the penalties; for a clustering's
//     candidate pairs, a bound (penaltyBound) that stops most of them
//     before their answers are compared, changing no edge.
//   - explain.go: a match said in the questions' own words (Detail's
//     Shared, Synonyms, Guards, Reason), never in stems.
//   - minhash.go: weighted MinHash signatures and LSH banding; the
//     buckets give each record's candidate pairs in turn (partners), so
//     every pair is never held at once.
//   - cluster.go: Options, Index, Find, Clusters (average linkage, with a
//     maintainer's decisions), the canonical question, Assign; the
//     candidate pairs' prefilter from three masks a record (pairSummary,
//     siblingsBelow), before their features are read.
//   - stream.go: NewIndexStream, an Index made from a stream of records
//     read in passes, keeping features and not records (issue 15's 1M
//     tier, its records kept as cards); no parse outlives its record
//     (a pooled slab, docsOf), answer terms counted in blocks, the texts
//     that do not repeat dropped (repeated): at a million records the
//     heap sits at the build's soft limit, where what is live and what is
//     allocated set how often the collector runs.
//   - decisions.go: Decisions, a maintainer's verdicts kept in a JSON
//     file (ParseDecisions), resolved against the collection.
//   - compact.go: a loaded or streamed Index's answer vectors in 5 bytes
//     a term (answerTerms), decoded when a record is scored, and compared
//     without decoding for a clustering's candidate pairs (dot).
//   - persist.go: MarshalFeatures (WriteFeatures: the same bytes
//     written in pieces) and LoadIndex, the features (and
//     clusters and edges) stored with an index; features of formats 2
//     and 3 (indexes built before view.go) decoded whole into a few flat
//     arrays.
//   - view.go: the current format (6) and formats 4 and 5 read in
//     place: arrays used where they lie, a record's features decoded when
//     it is scored, its words from the table of the collection's words,
//     the stored postings Similar reads, the IDs in order for Lookup.
//   - clusterlist.go: ClusterList, stored clusters whose members are
//     named (copied out of the features) only when a page asks for them.
//   - cards.go: Card, what an Index keeps of a record besides its
//     features, with or without the records.
//   - merge.go: Merge, the bank with each cluster merged into one record.
//   - similar.go: Similar, "questions like this one".
//   - semeval.go: EvalSemEval, the SemEval-2016 Task 3 subtask B
//     evaluation.
package dedup
