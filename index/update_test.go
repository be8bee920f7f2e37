package index

import (
	"context"
	"encoding/json"
	"maps"
	"path/filepath"
	"slices"
	"testing"

	"github.com/iq-search/iq/index/synth"
	"github.com/iq-search/iq/record"
)

// Update gives the index a full build of the same records would: the same
// records, counts and hits, and leaves the generation it started from as it
// was for the readers that have it open. The order of hits with close
// scores may differ: the document frequencies behind the scores count
// deleted records until their segment is merged away (as in Lucene).
func TestUpdate(t *testing.T) {
	recs := loadCorpus(t)
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "index")
	old := recs[:60]
	buildFP(t, dir, old, "old")
	base, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer base.Close()
	before := recordsOf(t, base)
	if got, want := base.Meta().IDs, digestOf(old); got != want {
		t.Errorf("Meta().IDs after Build = %q; want %q, the digest of the records' IDs", got, want)
	}

	// Ten records go, ten come in, five change.
	var gone []string
	for _, r := range old[:10] {
		gone = append(gone, r.ID)
	}
	upserts := slices.Clone(recs[60:70])
	for _, r := range old[10:15] {
		r.Answers = append(slices.Clone(r.Answers), record.Answer{Text: "An answer added by the update, about websockets."})
		upserts = append(upserts, r)
	}
	want := map[string]record.Record{}
	for _, r := range old[10:] {
		want[r.ID] = r
	}
	for _, r := range upserts {
		want[r.ID] = r
	}
	w, err := Lock(ctx, dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	err = w.Update(ctx, base, upserts, gone, BuildOptions{Fingerprint: "new", Attach: map[string][]byte{"extra.json": []byte("{}")}})
	w.Close()
	if err != nil {
		t.Fatalf("Update: %v", err)
	}

	updated, err := OpenVerify(dir, VerifyFull)
	if err != nil {
		t.Fatalf("Open after Update: %v", err)
	}
	defer updated.Close()
	if m := updated.Meta(); m.Fingerprint != "new" || m.Records != len(want) {
		t.Errorf("Meta after Update = %s, %d records; want new, %d", m.Fingerprint, m.Records, len(want))
	}
	got := recordsOf(t, updated)
	if len(got) != len(want) {
		t.Errorf("Update left %d records; want %d", len(got), len(want))
	}
	for id, r := range want {
		if g, ok := got[id]; !ok || !sameRecord(g, r) {
			t.Errorf("record %s after Update differs from the upsert (found %v)", id, ok)
		}
	}
	// The digest of the IDs is the records' after the update, as a full
	// build's, though the shared segments still name the deleted ones.
	if got, want := updated.Meta().IDs, digestOf(slices.Collect(maps.Values(want))); got != want {
		t.Errorf("Meta().IDs after Update = %q; want %q, the digest of the records' IDs", got, want)
	}
	if b, err := updated.Attachment("extra.json"); err != nil || string(b) != "{}" {
		t.Errorf("Attachment after Update = %q, %v", b, err)
	}

	full := filepath.Join(t.TempDir(), "full")
	var wantRecs []record.Record
	for _, r := range want {
		wantRecs = append(wantRecs, r)
	}
	buildFP(t, full, wantRecs, "new")
	fix, err := Open(full)
	if err != nil {
		t.Fatal(err)
	}
	defer fix.Close()
	if got, want := fix.Meta().IDs, updated.Meta().IDs; got != want {
		t.Errorf("Meta().IDs of a full build of the updated records = %q; want the update's %q", got, want)
	}
	for _, q := range []string{"dependency injection", "websockets", "pydantic model", "async", "DI"} {
		a, b := search(t, updated, textQuery(q)), search(t, fix, textQuery(q))
		slices.Sort(a)
		slices.Sort(b)
		if !slices.Equal(a, b) {
			t.Errorf("Search(%q) after Update = %v; a full build finds %v", q, a, b)
		}
	}
	// The base generation, still open, is as it was.
	if after := recordsOf(t, base); len(after) != len(before) {
		t.Errorf("the base generation holds %d records after Update; want %d", len(after), len(before))
	}
	if err := verifyFiles(base.gdir, base.sums, VerifyFull); err != nil {
		t.Errorf("the base generation after Update: %v", err)
	}
}

// digestOf is the digest of the records' IDs.
func digestOf(recs []record.Record) string {
	var d record.IDDigest
	for _, r := range recs {
		d.Add(r.ID)
	}
	return d.String()
}

func recordsOf(t *testing.T, ix *Index) map[string]record.Record {
	t.Helper()
	m := map[string]record.Record{}
	if err := ix.Records(context.Background(), func(r record.Record) error { m[r.ID] = r; return nil }); err != nil {
		t.Fatal(err)
	}
	// IDs names every record, and besides them only records Update
	// deleted.
	seen := 0
	if err := ix.IDs(context.Background(), func(id string) error {
		if _, ok := m[id]; ok {
			seen++
		} else if _, ok, err := ix.Record(id); ok || err != nil {
			t.Errorf("IDs names %s, which Records does not list (Record: %v, %v)", id, ok, err)
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if seen != len(m) {
		t.Errorf("IDs names %d of the %d records", seen, len(m))
	}
	checkRecordNear(t, ix)
	return m
}

func sameRecord(a, b record.Record) bool {
	ja, _ := json.Marshal(a)
	jb, _ := json.Marshal(b)
	return string(ja) == string(jb)
}

// Updates add a segment a batch, a few records each, which scorch's merge
// policy lets build up: it merges the segments under its floor (2000
// records by default) only once they pass its budget (50 at 100k records:
// 40 updates of three records left 40 segments of three beside the
// build's 4). Update merges the segments under the floor into one. Here
// the floor is 100 records, so that 5000 records have the budget 100k
// records have with scorch's (below it the policy merges the build's own
// segments): five updates of three records leave the build's two
// segments and one of the updates' records.
func TestUpdateMergesSmall(t *testing.T) {
	recs := synth.Generate(5015, 9)
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "index")
	if err := Build(ctx, dir, recs[:5000], BuildOptions{Fingerprint: "small", BatchSize: 2500, MergeFloor: 100}); err != nil {
		t.Fatal(err)
	}
	for k := range 5 {
		base, err := Open(dir)
		if err != nil {
			t.Fatal(err)
		}
		w, err := Lock(ctx, dir, nil)
		if err != nil {
			t.Fatal(err)
		}
		err = w.Update(ctx, base, recs[5000+3*k:5003+3*k], nil, BuildOptions{Fingerprint: "small"})
		w.Close()
		base.Close()
		if err != nil {
			t.Fatal(err)
		}
	}
	ix, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	shape := shapeOf(t, ix)
	small := 0
	for _, n := range shape {
		if n < 100 {
			small++
		}
	}
	if small > 1 || len(shape) < 2 {
		t.Errorf("after 5 updates the segments hold %v records: %d under the merge floor (100); want the build's and one", shape, small)
	}
	if n, err := ix.Count(); err != nil || n != 5015 {
		t.Errorf("Count() = %d, %v; want 5015", n, err)
	}
}
