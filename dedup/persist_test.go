package dedup

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"reflect"
	"testing"

	"github.com/iq-search/iq/record"
)

// TestLoadIndex: features stored and loaded (with the records in another
// order, as an index reads them) are the features computed, and give the
// same clusters and the same Similar; other code, synonyms or records are
// refused as stale, damaged data with an error.
func TestLoadIndex(t *testing.T) {
	t.Run("seeds", func(t *testing.T) { testLoadIndex(t, seedRecords(t)) })
	t.Run("corpora", func(t *testing.T) { testLoadIndex(t, corporaRecords(t)) })
}

func testLoadIndex(t *testing.T, recs []record.Record) {
	opts := Options{Synonyms: [][]string{{"db", "database"}, {"GIL", "global interpreter lock"}}}
	ix := NewIndex(recs, opts)
	data, err := ix.MarshalFeatures("k1")
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%d records: %d bytes of features (%.0f per record)", len(recs), len(data), float64(len(data))/float64(len(recs)))
	shuffled := append([]record.Record(nil), recs...)
	rand.New(rand.NewPCG(1, 2)).Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
	ctx := context.Background()
	lx, err := LoadIndex(ctx, data, "k1", shuffled, opts)
	if err != nil {
		t.Fatal(err)
	}
	pos := map[string]int{}
	for i, r := range recs {
		pos[r.ID] = i
	}
	for i, r := range shuffled {
		if want, got := ix.feats[pos[r.ID]], lx.feats[i]; !reflect.DeepEqual(got, want) {
			t.Fatalf("record %q: loaded features\n%+v\nwant\n%+v", r.Question, got, want)
		}
	}
	if !reflect.DeepEqual(lx.st.df, ix.st.df) || lx.st.n != ix.st.n || !reflect.DeepEqual(lx.st.groups, ix.st.groups) {
		t.Errorf("loaded stats differ")
	}
	questions := func(ix *Index, cs []Cluster) []string {
		var out []string
		for _, c := range cs {
			var qs []string
			for _, m := range c.Members {
				qs = append(qs, fmt.Sprintf("%s %.6f", m.Question, m.Score))
			}
			out = append(out, fmt.Sprint(qs))
		}
		return out
	}
	want, got := questions(ix, ix.Clusters()), questions(lx, lx.Clusters())
	if !reflect.DeepEqual(got, want) {
		t.Errorf("clusters of the loaded index differ:\n%q\nwant\n%q", got, want)
	}
	probe := record.Record{ID: "probe", Question: "What are the benefits of the GIL in Python?"}
	// By ID and score to nine places: weigh sums a new text's weights in
	// map order, so the last bits of its norm vary from call to call.
	matches := func(ms []Match) (out []string) {
		for _, m := range ms {
			out = append(out, fmt.Sprintf("%s %.9f %s", m.ID, m.Score, m.Detail.Reason))
		}
		return out
	}
	if a, b := matches(ix.Similar(probe, 5)), matches(lx.Similar(probe, 5)); len(a) == 0 || !reflect.DeepEqual(a, b) {
		t.Errorf("Similar of the loaded index = %q; want %q", b, a)
	}

	for _, tc := range []struct {
		name string
		load func() error
	}{
		{"other key", func() error { _, err := LoadIndex(ctx, data, "k2", recs, opts); return err }},
		{"other synonyms", func() error { _, err := LoadIndex(ctx, data, "k1", recs, Options{}); return err }},
		{"fewer records", func() error { _, err := LoadIndex(ctx, data, "k1", recs[1:], opts); return err }},
		{"another record", func() error {
			other := append([]record.Record(nil), recs...)
			other[3].ID = "elsewhere"
			_, err := LoadIndex(ctx, data, "k1", other, opts)
			return err
		}},
	} {
		if err := tc.load(); !errors.Is(err, ErrStaleFeatures) {
			t.Errorf("%s: error %v; want ErrStaleFeatures", tc.name, err)
		}
	}
	for _, cut := range []int{0, 10, len(data) / 3, len(data) - 1} {
		if _, err := LoadIndex(ctx, data[:cut], "k1", recs, opts); err == nil {
			t.Errorf("features cut at %d bytes loaded; want an error", cut)
		}
	}
}

// FuzzLoadIndex: no bytes make LoadIndex panic or allocate without bound.
func FuzzLoadIndex(f *testing.F) {
	recs := records("What is a closure?", "Explain closures in JavaScript.", "What is hoisting?")
	data, err := NewIndex(recs, Options{}).MarshalFeatures("k")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(data)
	f.Add(data[:len(data)/2])
	f.Fuzz(func(t *testing.T, b []byte) {
		ix, err := LoadIndex(context.Background(), b, "k", recs, Options{})
		if err == nil {
			ix.Clusters()
		}
	})
}
