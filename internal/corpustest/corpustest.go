// Package corpustest holds what the tests of several packages know of the
// embedded corpus (package corpus): the question it asks twice and the
// questions on FastAPI's dependency injection, duplicates of one another.
// Search, similar and dups tests in query and cmd/iq check their results
// against these facts; kept here, a change to the corpus is one edit.
//
// Only tests import it.
package corpustest

import "strings"

// TwiceAsked is the question that two files of the embedded corpus ask, so
// ingest merges them into one record with two answers.
const TwiceAsked = "What is dependency injection in FastAPI, and why is it important?"

// IsDIQuestion reports whether q is one of the embedded corpus's questions
// on FastAPI's dependency injection, which are duplicates of each other.
func IsDIQuestion(q string) bool {
	return strings.Contains(q, "Depends") || strings.Contains(strings.ToLower(q), "dependency injection")
}
