package pipeline

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/iq-search/iq/dedup"
	"github.com/iq-search/iq/index"
	"github.com/iq-search/iq/query"
	"github.com/iq-search/iq/record"
)

// TestIDsDigest: over the real banks of ../shared/corpora, a build stores
// the same digest of its records' IDs in the index's metadata and in the
// duplicate features, and so does a refresh that adds and removes records
// (index.Writer.Update); features of another generation beside an index
// are told apart by it and not used.
func TestIDsDigest(t *testing.T) {
	isolate(t)
	_, file, _, _ := runtime.Caller(0)
	corpora := filepath.Join(filepath.Dir(file), "..", "..", "shared", "corpora")
	if _, err := os.Stat(corpora); err != nil {
		t.Skipf("no shared corpora at %s: %v", corpora, err)
	}
	src := filepath.Join(t.TempDir(), "bank")
	if err := os.CopyFS(src, os.DirFS(corpora)); err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(t.TempDir(), "idx")
	ctx := context.Background()
	// check returns the index's stored features after checking that their
	// digest, the metadata's and the records' agree.
	check := func(when string) []byte {
		t.Helper()
		ix, err := index.Open(dir)
		if err != nil {
			t.Fatal(err)
		}
		defer ix.Close()
		var ids record.IDDigest
		if err := ix.Records(ctx, func(r record.Record) error { ids.Add(r.ID); return nil }); err != nil {
			t.Fatal(err)
		}
		data, err := ix.Attachment(query.FeaturesAttachment)
		if err != nil {
			t.Fatal(err)
		}
		var opts dedup.Options
		if b, err := ix.Attachment(query.DedupAttachment); err != nil || json.Unmarshal(b, &opts) != nil {
			t.Fatalf("%s: read %s: %v", when, query.DedupAttachment, err)
		}
		dd, err := dedup.LoadIndex(ctx, data, buildID(), opts)
		if err != nil {
			t.Fatal(err)
		}
		if m := ix.Meta(); m.IDs != ids.String() || dd.IDsDigest() != ids.String() || m.Records != ids.Len() {
			t.Errorf("%s: digest of the IDs in the metadata %q, in the features %q; want both %q (%d records)", when, m.IDs, dd.IDsDigest(), ids.String(), ids.Len())
		}
		t.Logf("%s: %d records, digest %s", when, ids.Len(), ids.String())
		return data
	}
	if _, err := Build(ctx, OpenOptions{IndexDir: dir, Sources: []string{src}}); err != nil {
		t.Fatal(err)
	}
	first := check("build")
	// A bank removed, a question added: a refresh.
	if err := os.RemoveAll(filepath.Join(src, "lydiahallie__javascript-questions")); err != nil {
		t.Fatal(err)
	}
	write(t, filepath.Join(src, "added.md"), "# Go\n\n## What is a goroutine leak?\n\nA goroutine blocked forever, never collected.\n")
	if _, err := Build(ctx, OpenOptions{IndexDir: dir}); err != nil {
		t.Fatal(err)
	}
	check("refresh")

	// The first generation's features beside the refreshed index: not
	// its records', so not used (PrepareDups: not ready).
	ix, err := index.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	w, err := index.Lock(ctx, dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	m := ix.Meta()
	err = w.Update(ctx, ix, nil, nil, index.BuildOptions{Fingerprint: m.Fingerprint, Origin: m.Origin, Attach: map[string][]byte{query.FeaturesAttachment: first}})
	w.Close()
	ix.Close()
	if err != nil {
		t.Fatal(err)
	}
	ix, err = index.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	s, err := query.NewSearcher(ix)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	s.UseStoredFeatures(buildID)
	if ready, err := s.PrepareDups(ctx); ready || err != nil {
		t.Errorf("PrepareDups with the features of another generation = %v, %v; want them not used", ready, err)
	}
}
