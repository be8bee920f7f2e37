package query

import (
	"context"
	"fmt"
	"path/filepath"
	"reflect"
	"slices"
	"testing"

	"github.com/iq-search/iq/dedup"
	"github.com/iq-search/iq/index"
	"github.com/iq-search/iq/record"
)

// TestStoredFeatures: a Searcher loads the duplicate features stored with
// its index when their key is its own, and then answers Dups and Similar
// exactly as when it computes them; features of another key, damaged
// ones or those of other records (told by the digest of the IDs stored
// with each, or by the index's IDs) are computed again without an error.
func TestStoredFeatures(t *testing.T) {
	_, recs := embeddedSearcher(t)
	dd := dedup.NewIndex(recs, dedup.Options{})
	data, err := dd.MarshalFeatures("k", clustersOf(dd, recs))
	if err != nil {
		t.Fatal(err)
	}
	featuresOf := func(recs []record.Record) []byte {
		dd := dedup.NewIndex(recs, dedup.Options{})
		data, err := dd.MarshalFeatures("k", clustersOf(dd, recs))
		if err != nil {
			t.Fatal(err)
		}
		return data
	}
	other := slices.Clone(recs)
	other[3].ID = "elsewhere"
	ctx := context.Background()
	// With one shard the index's metadata holds the digest of its
	// records' IDs, compared with the features'; with two it holds none,
	// and the IDs are read from the index.
	answers := func(attach []byte, key string, shards int) (stored bool, out []string) {
		t.Helper()
		dir := filepath.Join(t.TempDir(), "index")
		if err := index.Build(ctx, dir, recs, index.BuildOptions{Fingerprint: "test", Shards: shards, Attach: map[string][]byte{FeaturesAttachment: attach}}); err != nil {
			t.Fatal(err)
		}
		s := openSearcher(t, dir)
		defer s.Close()
		if digest := s.Index().Meta().IDs; (digest != "") != (shards == 1) {
			t.Fatalf("%d shards: digest of the IDs %q", shards, digest)
		}
		if key != "" {
			s.UseStoredFeatures(func() string { return key })
		}
		// PrepareDups loads usable stored features at once, and computes
		// nothing when there are none.
		ready, err := s.PrepareDups(ctx)
		if err != nil || ready != (s.dups != nil) || ready && !s.dups.stored {
			t.Fatalf("PrepareDups = %v, %v; state %+v", ready, err, s.dups)
		}
		res, err := s.Dups(ctx, DupsRequest{Limit: MaxDupsLimit})
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range res.Clusters {
			out = append(out, fmt.Sprintf("%s %d %v", c.ID, c.Size, c.Members[len(c.Members)-1].Score))
		}
		sim, err := s.Similar(ctx, SimilarRequest{ID: res.Clusters[0].ID})
		if err != nil {
			t.Fatal(err)
		}
		for _, h := range sim.Matches {
			out = append(out, fmt.Sprintf("%s %v %s", h.ID, h.Score, h.Reason))
		}
		if ready != s.dups.stored {
			t.Errorf("PrepareDups = %v; the stored features were used: %v", ready, s.dups.stored)
		}
		return s.dups.stored, out
	}
	_, want := answers(data, "", 1)
	for _, tc := range []struct {
		name   string
		attach []byte
		key    string
		stored bool
	}{
		{"own key", data, "k", true},
		{"another key", data, "other", false},
		{"damaged", data[:len(data)/2], "k", false},
		{"fewer records", featuresOf(recs[1:]), "k", false},
		{"another record", featuresOf(other), "k", false},
	} {
		for _, shards := range []int{1, 2} {
			stored, got := answers(tc.attach, tc.key, shards)
			if stored != tc.stored {
				t.Errorf("%s, %d shards: loaded the stored features: %v; want %v", tc.name, shards, stored, tc.stored)
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("%s, %d shards: answers\n%q\nwant\n%q", tc.name, shards, got, want)
			}
		}
	}
}
