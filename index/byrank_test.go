package index

import (
	"context"
	"slices"
	"testing"
)

// TestRecordNear: RecordNear is Record whatever the guess (the place
// itself, the first, past the last, a little off), through the table of
// the ID order.
func TestRecordNear(t *testing.T) {
	ix, recs := buildCorpus(t)
	checkRecordNear(t, ix)
	if ix.idRanks() == nil {
		t.Fatalf("no table of the ID order for a one-shard index of %d records", len(recs))
	}
	if _, ok, err := ix.RecordNear("0000000000000000", 3); ok || err != nil {
		t.Errorf("RecordNear(unknown) = _, %v, %v; want false, nil", ok, err)
	}
	if _, ok, err := ix.RecordNear("zzzzzzzzzzzzzzzz", len(recs)); ok || err != nil {
		t.Errorf("RecordNear(unknown) = _, %v, %v; want false, nil", ok, err)
	}
}

// checkRecordNear checks RecordNear against Record for every ID IDs names
// (after an Update, deleted records too: not found either way).
func checkRecordNear(t *testing.T, ix *Index) {
	t.Helper()
	var ids []string
	if err := ix.IDs(context.Background(), func(id string) error { ids = append(ids, id); return nil }); err != nil {
		t.Fatal(err)
	}
	slices.Sort(ids)
	for k, id := range ids {
		want, wok, werr := ix.Record(id)
		for _, near := range []int{k, 0, -1, len(ids), k + 3, k - 5, len(ids) / 2} {
			got, ok, err := ix.RecordNear(id, near)
			if ok != wok || (err == nil) != (werr == nil) || !sameRecord(got, want) {
				t.Fatalf("RecordNear(%s, %d) = %s, %v, %v; Record: %s, %v, %v", id, near, got.ID, ok, err, want.ID, wok, werr)
			}
		}
	}
}
