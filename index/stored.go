package index

import (
	"bytes"
	"fmt"
	"io"
	"sync"

	kflate "github.com/klauspost/compress/flate"
)

// The stored record (FieldRecord) is its JSON deflated (RFC 1951). Zap
// compresses each document's stored values with snappy, which takes a
// record's JSON to about 0.78 of its size; deflate takes it to about 0.53
// first (synthetic records; prose compresses better), and the record is
// most of what an index stores (issue 15, BENCHMARKS.md "Stored text
// once"). Readers see the JSON: packRecord and unpackRecord are the only
// code that knows.
//
// The deflate is klauspost/compress's stateless one (one block per 32 KB,
// no writer kept): for records of a few KB it writes streams as small as
// compress/flate's BestSpeed at a third of its CPU, most of which went to
// building a Huffman table for each record (BENCHMARKS.md, "The engine
// build's CPU, session 10"). Any RFC 1951 stream reads back, so records
// deflated by compress/flate (indexes of mapping 6 before it) still do.

// Records are inflated by klauspost's inflate too: a fifth less CPU a
// record than compress/flate's (BenchmarkPackRecord/inflate: 23 against
// 28.5 µs), for every hit a search shows and every record read.
var recordReaders = sync.Pool{New: func() any { return kflate.NewReader(bytes.NewReader(nil)) }}

// packRecord returns a record's JSON as FieldRecord stores it.
func packRecord(raw []byte) []byte {
	var b bytes.Buffer
	b.Grow(len(raw)/2 + 64)
	// A bytes.Buffer takes every write: no error.
	kflate.StatelessDeflate(&b, raw, true, nil)
	return b.Bytes()
}

// maxRecordJSON bounds a record's JSON as the index stores it: a build
// refuses a larger record (visitRecord), so a stored value that inflates
// past it is damage, and unpackRecord stops there. Without it a damaged
// or hostile index made a reader allocate without bound: deflate expands
// its input up to 1032 times, from a stored value as large as its
// segment file. 64 MiB is twice the largest file ingest reads by default
// (ingest.DefaultMaxFileSize), which holds every text of its records.
const maxRecordJSON = 64 << 20

// unpackRecord returns the JSON of a record stored as packRecord made it.
// A stored value that does not inflate, or inflates past maxRecordJSON,
// is damage (ErrCorrupt).
func unpackRecord(stored []byte) ([]byte, error) {
	r := recordReaders.Get().(io.ReadCloser)
	defer recordReaders.Put(r)
	if err := r.(kflate.Resetter).Reset(bytes.NewReader(stored), nil); err != nil {
		return nil, fmt.Errorf("%w: stored %s: %w", ErrCorrupt, FieldRecord, err)
	}
	out := bytes.NewBuffer(make([]byte, 0, min(2*len(stored)+64, maxRecordJSON)))
	if _, err := out.ReadFrom(io.LimitReader(r, maxRecordJSON+1)); err != nil {
		return nil, fmt.Errorf("%w: stored %s: %w", ErrCorrupt, FieldRecord, err)
	}
	if out.Len() > maxRecordJSON {
		return nil, fmt.Errorf("%w: stored %s: inflates past %d bytes, the most a record's JSON takes", ErrCorrupt, FieldRecord, maxRecordJSON)
	}
	return out.Bytes(), nil
}
