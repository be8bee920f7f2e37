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
	var fe fnError
	// A bad request, or an error of Stream's caller (its "enough"), is
	// not the index's fault: no check of the index's files for them.
	if !errors.As(*err, &qe) && !errors.As(*err, &fe) {
		*err = ix.ExplainError(*err)
	}
}

// fnError is an error of the function given to Stream, on its way out
// through guard.
type fnError struct{ error }

func (e fnError) Unwrap() error { return e.error }
