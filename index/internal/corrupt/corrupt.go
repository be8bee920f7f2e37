// Package corrupt holds the error that every part of the index wraps when
// what it reads is not what iq wrote: index.ErrCorrupt is Err, so that the
// internal packages (the rankers, the stored reader) report damage that
// callers test for with errors.Is(err, index.ErrCorrupt).
package corrupt

import "errors"

// Err is index.ErrCorrupt: the directory holds something that does not
// read as an iq index.
var Err = errors.New("index is corrupt")
