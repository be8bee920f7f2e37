package record

import (
	"crypto/sha256"
	"encoding/binary"
	"fmt"
)

// IDDigest stands for a set of record IDs: their number and the sum of a
// hash of each (the first 16 bytes of its SHA-256, as two 64-bit lanes
// summed modulo 2^64), which does not depend on the order they are added
// in. The index stores its records' digest in its metadata and the
// duplicate features theirs, made at the build; a server compares the two
// instead of reading a million IDs from the index to tell whether the
// features are those of its records (issue 15). Two different sets agree
// by chance about once in 2^128.
type IDDigest struct {
	n   uint64
	sum [2]uint64
}

// Add adds id to the set.
func (d *IDDigest) Add(id string) {
	h := sha256.Sum256([]byte(id))
	d.n++
	d.sum[0] += binary.LittleEndian.Uint64(h[0:8])
	d.sum[1] += binary.LittleEndian.Uint64(h[8:16])
}

// Len returns the number of IDs added.
func (d *IDDigest) Len() int { return int(d.n) }

// String returns the digest as text, "<count>:<32 hex digits>", what the
// index metadata and the features store.
func (d *IDDigest) String() string {
	return fmt.Sprintf("%d:%016x%016x", d.n, d.sum[0], d.sum[1])
}
