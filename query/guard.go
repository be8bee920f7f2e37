package query

import (
	"errors"
	"runtime/debug"

	"github.com/iq-search/iq/index"
)

// guard turns a panic while a Searcher reads the index (through Bleve,
// which trusts the offsets in its files) into an error: a damaged index
// must never crash a command or the server (issue 16.3). The error names
// the damaged file when a full check of the index finds one, and says it is
// a bug otherwise. Every exported method that reads the index defers
//
//	defer guard(s.ix, &err, debug.SetPanicOnFault(true))
//
// so that a fault on a memory-mapped file cut short panics too.
func guard(ix *index.Index, err *error, panicOnFault bool) {
	debug.SetPanicOnFault(panicOnFault)
	if r := recover(); r != nil {
		*err = ix.Explain(r)
		return
	}
	var qe *Error
	if !errors.As(*err, &qe) { // a bad request is not the index's fault
		*err = ix.ExplainError(*err)
	}
}
