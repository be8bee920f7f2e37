package pipeline

import (
	"context"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/iq-search/iq/index"
	"github.com/iq-search/iq/query"
	"github.com/iq-search/iq/record"
)

// TestBuildStream: an index built from a stream of the embedded corpus's
// records holds what iq index --embedded builds: the same records with the
// same clusters, the same stored duplicate features, settings and
// acronyms.
func TestBuildStream(t *testing.T) {
	isolate(t)
	ctx := context.Background()
	want := filepath.Join(t.TempDir(), "built")
	if _, err := Build(ctx, OpenOptions{IndexDir: want, Embedded: true}); err != nil {
		t.Fatal(err)
	}
	recs, _, err := LoadRecords(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	passes := 0
	stream := func(yield func(record.Record, error) bool) {
		passes++
		for _, r := range recs {
			r.Cluster = "" // as read, before clustering
			if !yield(r, nil) {
				return
			}
		}
	}
	got := filepath.Join(t.TempDir(), "streamed")
	clustered := 0
	rep, err := BuildStream(ctx, got, stream, StreamOptions{Dedup: DedupOptions(index.DefaultSynonyms()),
		Index: index.BuildOptions{Fingerprint: embeddedFingerprint(), BatchSize: 50}, Clustered: func() { clustered = passes }})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Records != len(recs) || rep.Clusters == 0 || passes != 3 || clustered != 2 {
		t.Errorf("BuildStream: %d records, %d clusters, %d passes, clustered after %d; want %d records, some clusters, 3 passes, clustered after 2",
			rep.Records, rep.Clusters, passes, clustered, len(recs))
	}
	wix, err := index.Open(want)
	if err != nil {
		t.Fatal(err)
	}
	defer wix.Close()
	gix, err := index.Open(got)
	if err != nil {
		t.Fatal(err)
	}
	defer gix.Close()
	records := func(ix *index.Index) map[string]record.Record {
		m := map[string]record.Record{}
		if err := ix.Records(ctx, func(r record.Record) error { m[r.ID] = r; return nil }); err != nil {
			t.Fatal(err)
		}
		return m
	}
	wr, gr := records(wix), records(gix)
	if len(gr) != len(wr) {
		t.Errorf("streamed index: %d records; want %d", len(gr), len(wr))
	}
	for id, w := range wr {
		if g := gr[id]; !reflect.DeepEqual(g, w) {
			t.Fatalf("record %s streamed = %+v; want %+v", id, g, w)
		}
	}
	for _, name := range []string{query.FeaturesAttachment, query.DedupAttachment, acronymsAttachment} {
		w, err := wix.Attachment(name)
		if err != nil {
			t.Fatal(err)
		}
		g, err := gix.Attachment(name)
		if err != nil {
			t.Fatalf("streamed index: attachment %s: %v", name, err)
		}
		if string(g) != string(w) {
			t.Errorf("attachment %s differs (%d bytes; want %d)", name, len(g), len(w))
		}
	}
}
