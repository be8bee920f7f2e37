package index

import (
	"fmt"
	"runtime/debug"
	"slices"
	"sync"

	"github.com/blevesearch/bleve/v2/index/scorch"
	bindex "github.com/blevesearch/bleve_index_api"

	"github.com/iq-search/iq/record"
)

// byRank reads records by their place in the order of the index's IDs,
// from the ID order tablesFile holds (fastrank.IDOrder: each document
// number's rank): a record is then one stored document read, where
// Record looks its ID up in every segment's _id dictionary (a dups page of
// 987 records at 1M, ~100 segments: 0.44 CPU-s, issue 15).
type byRank struct {
	once  sync.Once
	order []uint32 // document number → rank, as tablesFile holds it
	docs  []uint32 // rank → document number; nil when there is no table
}

// RecordNear is Record, given a guess of the record's place among the
// index's IDs in order (0 for the first); a guess near the place (such as
// the record's position among the records in ID order) finds it in a few
// reads of stored documents. A guess that is wrong costs time, not the
// answer: every read is checked against the ID, and without a table of
// the ID order (several shards, an older index) it is Record.
func (ix *Index) RecordNear(id string, near int) (rec record.Record, ok bool, err error) {
	if ix.loadTables() != nil || ix.idRanks() == nil {
		return ix.Record(id)
	}
	defer ix.guard(&err, debug.SetPanicOnFault(true))
	var raw []byte
	found, stale := false, false
	err = ix.withReader(0, func(r bindex.IndexReader) error {
		snap, isSnap := r.(*scorch.IndexSnapshot)
		if !isSnap {
			return nil
		}
		segs := snap.Segments()
		offsets := make([]uint64, len(segs))
		var next uint64
		for i, s := range segs {
			offsets[i] = next
			next += uint64(s.FullSize())
		}
		docs := ix.ranks.docs
		// at reads the document of rank k: its ID and, when it is id,
		// its record.
		at := func(k int) (string, error) {
			n := uint64(docs[k])
			i, exact := slices.BinarySearch(offsets, n)
			if !exact {
				i--
			}
			if i < 0 || n-offsets[i] >= uint64(segs[i].FullSize()) {
				return "", fmt.Errorf("%w: %s: document %d is in no segment", ErrCorrupt, tablesFile, n)
			}
			var got string
			var val []byte
			err := segs[i].VisitDocument(n-offsets[i], func(name string, _ byte, value []byte, _ []uint64) bool {
				switch name {
				case "_id":
					got = string(value)
					if got != id {
						return false
					}
				case FieldRecord:
					val = value
				}
				return true
			})
			if got == id && err == nil {
				if del := segs[i].Deleted(); del != nil && del.Contains(uint32(n-offsets[i])) {
					// A deleted version (the table lists none but
					// at rank 0): Record finds the live one.
					stale = true
					return got, nil
				}
				raw = slices.Clone(val)
				found = true
			}
			return got, err
		}
		// A galloping search from near, then a binary search between
		// the last two places read.
		lo, hi := 0, len(docs) // id's rank is in [lo, hi)
		k := min(max(near, 0), len(docs)-1)
		for step := 1; lo < hi; step *= 2 {
			got, err := at(k)
			if err != nil || found || stale {
				return err
			}
			if got < id {
				lo = k + 1
				k += step
			} else {
				hi = k
				k -= step
			}
			if k < lo || k >= hi {
				break
			}
		}
		for lo < hi {
			mid := int(uint(lo+hi) >> 1)
			got, err := at(mid)
			if err != nil || found || stale {
				return err
			}
			if got < id {
				lo = mid + 1
			} else {
				hi = mid
			}
		}
		return nil
	})
	if err != nil {
		return rec, false, fmt.Errorf("read record %s: %w", id, err)
	}
	if !found {
		return ix.Record(id) // not in the table's order: Record says
	}
	return storedRecord(id, raw)
}

// idRanks returns the rank → document number table, made once from the ID
// order readTables found, or nil.
func (ix *Index) idRanks() []uint32 {
	ix.ranks.once.Do(func() {
		o := ix.ranks.order
		if o == nil {
			return
		}
		var n uint32
		for _, r := range o {
			n = max(n, r+1)
		}
		docs := make([]uint32, n)
		for d, r := range o {
			docs[r] = uint32(d)
		}
		ix.ranks.docs = docs
	})
	return ix.ranks.docs
}
