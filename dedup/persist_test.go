package dedup

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"testing"

	"github.com/iq-search/iq/record"
)

// TestLoadIndex: features stored and loaded are the features computed,
// with the records' cards and the clusters the build made, and give the
// same clusters and the same Similar, by text and by record; other code or
// synonyms are refused as stale, damaged data with an error.
func TestLoadIndex(t *testing.T) {
	t.Run("seeds", func(t *testing.T) { testLoadIndex(t, seedRecords(t)) })
	t.Run("corpora", func(t *testing.T) { testLoadIndex(t, corporaRecords(t)) })
}

func testLoadIndex(t *testing.T, recs []record.Record) {
	opts := Options{Synonyms: [][]string{{"db", "database"}, {"GIL", "global interpreter lock"}}}
	ix := NewIndex(recs, opts)
	cs := ix.Clusters()
	data, err := ix.MarshalFeatures("k1", cs)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%d records: %d bytes of features (%.0f per record)", len(recs), len(data), float64(len(data))/float64(len(recs)))
	ctx := context.Background()
	lx, err := LoadIndex(ctx, data, "k1", opts)
	if err != nil {
		t.Fatal(err)
	}
	if lx.Len() != len(recs) {
		t.Fatalf("loaded %d records; want %d", lx.Len(), len(recs))
	}
	var digest record.IDDigest
	for _, r := range recs {
		digest.Add(r.ID)
	}
	if got, want := lx.IDsDigest(), digest.String(); got != want {
		t.Errorf("IDsDigest() = %q; want %q, the digest of the records' IDs", got, want)
	}
	if got := ix.IDsDigest(); got != "" {
		t.Errorf("IDsDigest() of a computed Index = %q; want none", got)
	}
	// Formats 5 (words written where they are used, 8-byte offsets) and
	// 4 (before the digest) are read in place as well: indexes built
	// before format 6 open as they did.
	for _, format := range []uint64{featuresFormat5, featuresFormat4} {
		old, err := ix.marshalFeatures("k1", cs, format)
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("format %d: %d bytes", format, len(old))
		ox, err := LoadIndex(ctx, old, "k1", opts)
		if err != nil {
			t.Fatalf("LoadIndex(format %d) error = %v", format, err)
		}
		wantDigest := ""
		if format == featuresFormat5 {
			wantDigest = lx.IDsDigest()
		}
		if !ReadInPlace(old) || ox.IDsDigest() != wantDigest || ox.Len() != len(recs) {
			t.Errorf("format %d: read in place %v, digest %q, %d records; want true, %q, %d", format, ReadInPlace(old), ox.IDsDigest(), ox.Len(), wantDigest, len(recs))
		}
		var sc featScratch
		for i := range recs {
			if want, got := ix.feats[i], *ox.feat(i, &sc); !reflect.DeepEqual(got, want) {
				t.Fatalf("format %d, record %q: loaded features\n%+v\nwant\n%+v", format, recs[i].Question, got, want)
			}
			if got, want := ox.Card(i), lx.Card(i); !reflect.DeepEqual(got, want) {
				t.Fatalf("format %d: Card(%d) = %+v; want %+v", format, i, got, want)
			}
		}
		if got, want := ox.Similar(recs[0], 5), lx.Similar(recs[0], 5); !reflect.DeepEqual(got, want) {
			t.Errorf("format %d: Similar(%q) = %+v; want %+v", format, recs[0].Question, got, want)
		}
		if stored, _ := ox.StoredClusters(); len(stored) != len(cs) {
			t.Errorf("format %d: %d stored clusters; want %d", format, len(stored), len(cs))
		}
	}
	var sc featScratch
	for i, r := range recs {
		if want, got := ix.feats[i], *lx.feat(i, &sc); !reflect.DeepEqual(got, want) {
			t.Fatalf("record %q: loaded features\n%+v\nwant\n%+v", r.Question, got, want)
		}
		want := Card{ID: r.ID, Question: r.Question, Level: r.Level, Topics: r.Topics}
		if got := lx.Card(i); !reflect.DeepEqual(got, want) && !(len(got.Topics) == 0 && len(want.Topics) == 0) {
			t.Fatalf("Card(%d) = %+v; want %+v", i, got, want)
		}
		if j, ok := lx.Lookup(r.ID); !ok || j != i {
			t.Fatalf("Lookup(%q) = %d, %v; want %d", r.ID, j, ok, i)
		}
		if lx.sourceCount(i) != len(r.Sources) || lx.answerLen(i) != answerLen(&r) {
			t.Fatalf("record %q: %d sources, %d of answers; want %d, %d", r.Question, lx.sourceCount(i), lx.answerLen(i), len(r.Sources), answerLen(&r))
		}
	}
	lv, ld := lx.st.vocabulary()
	iv, id := ix.st.vocabulary()
	if !reflect.DeepEqual(lv, iv) || !reflect.DeepEqual(ld, id) || lx.st.n != ix.st.n || !reflect.DeepEqual(lx.st.groups, ix.st.groups) {
		t.Errorf("loaded stats differ")
	}
	for _, h := range iv {
		if lx.st.idf(h) != ix.st.idf(h) {
			t.Fatalf("idf(%x) = %v; want %v", h, lx.st.idf(h), ix.st.idf(h))
		}
	}
	questions := func(cs []Cluster) []string {
		var out []string
		for _, c := range cs {
			var qs []string
			for _, m := range c.Members {
				qs = append(qs, fmt.Sprintf("%d %s %s %v", m.Index, m.ID, m.Question, m.Score))
			}
			out = append(out, c.ID+" "+fmt.Sprint(qs))
		}
		return out
	}
	want := questions(cs)
	stored, ok := lx.StoredClusters()
	if !ok || !reflect.DeepEqual(questions(stored), want) {
		t.Errorf("stored clusters (%v)\n%q\nwant\n%q", ok, questions(stored), want)
	}
	list, _ := lx.StoredClusterList()
	if list.Len() != len(cs) {
		t.Fatalf("StoredClusterList().Len() = %d; want %d", list.Len(), len(cs))
	}
	for k, c := range cs {
		last := len(c.Members) - 1
		if list.ID(k) != c.ID || list.Size(k) != len(c.Members) || list.MemberIndex(k, last) != c.Members[last].Index {
			t.Fatalf("cluster %d: ID %q, size %d, last member %d; want %q, %d, %d", k, list.ID(k), list.Size(k), list.MemberIndex(k, last), c.ID, len(c.Members), c.Members[last].Index)
		}
	}
	if len(cs) > 0 {
		// A cluster's names are copies: they outlive the features, a
		// mapped file that closing the index unmaps.
		mapped := bytes.Clone(data)
		mx, err := LoadIndex(ctx, mapped, "k1", opts)
		if err != nil {
			t.Fatal(err)
		}
		ml, _ := mx.StoredClusterList()
		first := ml.At(0)
		clear(mapped)
		if got := questions([]Cluster{first}); !reflect.DeepEqual(got, want[:1]) {
			t.Errorf("a cluster named before its features are gone: %q; want %q", got, want[:1])
		}
	}
	if got := questions(lx.Clusters()); !reflect.DeepEqual(got, want) {
		t.Errorf("clusters of the loaded index differ:\n%q\nwant\n%q", got, want)
	}
	if _, ok := ix.StoredClusters(); ok {
		t.Errorf("StoredClusters of a computed Index: ok")
	}
	probe := record.Record{ID: "probe", Question: "What are the benefits of the GIL in Python?"}
	// By ID and score to nine places: weigh sums a new text's weights in
	// map order, so the last bits of its norm vary from call to call.
	matches := func(ms []Match) (out []string) {
		for _, m := range ms {
			out = append(out, fmt.Sprintf("%d %s %s %.9f %s", m.Index, m.ID, m.Question, m.Score, m.Detail.Reason))
		}
		return out
	}
	if a, b := matches(ix.Similar(probe, 5)), matches(lx.Similar(probe, 5)); len(a) == 0 || !reflect.DeepEqual(a, b) {
		t.Errorf("Similar of the loaded index = %q; want %q", b, a)
	}
	// A record of the collection, by position, is its record by text.
	for i := 0; i < len(recs); i += max(1, len(recs)/200) {
		want := matches(ix.Similar(recs[i], 10))
		got, err := lx.SimilarToContext(ctx, i, 10)
		if err != nil || !reflect.DeepEqual(matches(got), want) {
			t.Fatalf("SimilarToContext(%d) = %q, %v; want %q", i, matches(got), err, want)
		}
	}

	for _, tc := range []struct {
		name string
		load func() error
	}{
		{"other key", func() error { _, err := LoadIndex(ctx, data, "k2", opts); return err }},
		{"other synonyms", func() error { _, err := LoadIndex(ctx, data, "k1", Options{}); return err }},
	} {
		if err := tc.load(); !errors.Is(err, ErrStaleFeatures) {
			t.Errorf("%s: error %v; want ErrStaleFeatures", tc.name, err)
		}
	}
	for _, cut := range []int{0, 10, len(data) / 3, len(data) - 1} {
		if _, err := LoadIndex(ctx, data[:cut], "k1", opts); err == nil {
			t.Errorf("features cut at %d bytes loaded; want an error", cut)
		}
	}

	// Clusters at a stricter score come from the stored edges, as a
	// collection scored afresh makes them.
	if err := lx.loadEdges(); err != nil || lx.stored == nil || len(lx.stored.es) == 0 {
		t.Fatalf("no scored edges loaded")
	}
	for _, min := range []float64{DefaultMinScore, 0.7, 0.8, 0.9} {
		want := questions(NewIndex(recs, opts).ClustersAt(min))
		if got := questions(lx.ClustersAt(min)); !reflect.DeepEqual(got, want) {
			t.Errorf("ClustersAt(%v) of the loaded index (stored edges):\n%q\nwant\n%q", min, got, want)
		}
		if got := questions(ix.ClustersAt(min)); !reflect.DeepEqual(got, want) {
			t.Errorf("ClustersAt(%v) of the index after Clusters (kept edges):\n%q\nwant\n%q", min, got, want)
		}
	}
	// Below the stored edges' score, every candidate pair is scored again
	// from the features decoded whole.
	if got, want := questions(lx.ClustersAt(0.5)), questions(NewIndex(recs, opts).ClustersAt(0.5)); !reflect.DeepEqual(got, want) {
		t.Errorf("ClustersAt(0.5) of the loaded index:\n%q\nwant\n%q", got, want)
	}
	testOldFormats(t, recs, opts, cs, questions)
}

// testOldFormats: features of the formats before 4 (indexes built before
// it) load, decoded whole, into the same features, clusters and
// Similar; format 2, before the edges, without them.
func testOldFormats(t *testing.T, recs []record.Record, opts Options, cs []Cluster, questions func([]Cluster) []string) {
	ctx := context.Background()
	ix := NewIndex(recs, opts)
	ix.Clusters() // the edges, kept
	data3, err := ix.marshalFormat3("k1", cs)
	if err != nil {
		t.Fatal(err)
	}
	ox, err := LoadIndex(ctx, data3, "k1", opts)
	if err != nil {
		t.Fatalf("LoadIndex(format %d) error = %v", featuresFormat3, err)
	}
	var sc featScratch
	for i := range recs {
		if want, got := ix.feats[i], *ox.feat(i, &sc); !reflect.DeepEqual(got, want) {
			t.Fatalf("format %d, record %q: loaded features\n%+v\nwant\n%+v", featuresFormat3, recs[i].Question, got, want)
		}
	}
	if stored, _ := ox.StoredClusters(); !reflect.DeepEqual(questions(stored), questions(cs)) {
		t.Errorf("format %d: stored clusters differ", featuresFormat3)
	}
	if got, want := questions(ox.ClustersAt(0.8)), questions(NewIndex(recs, opts).ClustersAt(0.8)); ox.stored == nil || !reflect.DeepEqual(got, want) {
		t.Errorf("format %d: ClustersAt(0.8) differs, or no edges loaded", featuresFormat3)
	}
	// Format 3 converts into the current one (a server's features
	// brought up to date without a build), the same features.
	conv, err := ox.MarshalFeatures("k1", cs)
	if err != nil {
		t.Fatal(err)
	}
	cx, err := LoadIndex(ctx, conv, "k1", opts)
	if err != nil {
		t.Fatal(err)
	}
	for i := range recs {
		if want, got := ix.feats[i], *cx.feat(i, &sc); !reflect.DeepEqual(got, want) {
			t.Fatalf("converted from format %d, record %q: features\n%+v\nwant\n%+v", featuresFormat3, recs[i].Question, got, want)
		}
	}
	if got, want := questions(cx.ClustersAt(0.8)), questions(NewIndex(recs, opts).ClustersAt(0.8)); !reflect.DeepEqual(got, want) {
		t.Errorf("converted from format %d: ClustersAt(0.8) differs", featuresFormat3)
	}

	plain, err := NewIndex(recs, opts).marshalFormat3("k1", cs) // no clustering: no edges
	if err != nil {
		t.Fatal(err)
	}
	if plain[len(plain)-1] != 0 || plain[len(featuresMagic)] != featuresFormat3 {
		t.Fatalf("features without edges do not end in a zero count")
	}
	old := slices.Clone(plain[:len(plain)-1])
	old[len(featuresMagic)] = featuresFormat2
	ox, err = LoadIndex(ctx, old, "k1", opts)
	if err != nil {
		t.Fatalf("LoadIndex(format %d) error = %v", featuresFormat2, err)
	}
	if got := questions(ox.ClustersAt(0.8)); ox.stored != nil || !reflect.DeepEqual(got, questions(NewIndex(recs, opts).ClustersAt(0.8))) {
		t.Errorf("format %d: ClustersAt(0.8) differs, or edges loaded", featuresFormat2)
	}
}

// FuzzLoadIndex: no bytes make LoadIndex panic or allocate without bound,
// nor an Index it loads panic when used.
func FuzzLoadIndex(f *testing.F) {
	recs := records("What is a closure?", "Explain closures in JavaScript.", "What is hoisting?")
	ix := NewIndex(recs, Options{})
	data, err := ix.MarshalFeatures("k", ix.Clusters())
	if err != nil {
		f.Fatal(err)
	}
	f.Add(data)
	f.Add(data[:len(data)/2])
	old, err := ix.marshalFormat3("k", ix.Clusters())
	if err != nil {
		f.Fatal(err)
	}
	f.Add(old)
	for _, format := range []uint64{featuresFormat5, featuresFormat4} {
		old, err := ix.marshalFeatures("k", ix.Clusters(), format)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(old)
	}
	// Format 6 with what the three questions above leave out: answers
	// with code (answer vectors, token families), levels, topics, words
	// as written and technologies in the word table, a cluster and edges.
	answer := func(text, code string) []record.Answer {
		return []record.Answer{{Text: text, Code: []record.Code{{Lang: "js", Text: code}}}}
	}
	rich := NewIndex([]record.Record{
		{ID: "a1", Question: "What is a closure in JavaScript?", Level: "beginner", Topics: []string{"javascript"},
			Answers: answer("A closure keeps the variables of its scope.", "function counter() { let n = 0; return () => ++n }")},
		{ID: "a2", Question: "What is a closure in JavaScript, and why use one?", Level: "beginner", Topics: []string{"javascript"},
			Answers: answer("A closure keeps the variables of its scope alive.", "const add = x => y => x + y")},
		{ID: "b1", Question: "How does useEffect work in React?", Level: "intermediate", Topics: []string{"react", "hooks"},
			Answers: answer("useEffect runs after render.", "useEffect(() => { document.title = name }, [name])")},
	}, Options{})
	data, err = rich.MarshalFeatures("k", rich.Clusters())
	if err != nil {
		f.Fatal(err)
	}
	f.Add(data)
	f.Fuzz(func(t *testing.T, b []byte) {
		ix, err := LoadIndex(context.Background(), b, "k", Options{})
		if err != nil {
			return
		}
		ix.Clusters()
		ix.ClustersAt(0.3)
		ix.StoredClusters()
		ix.IDsDigest()
		ix.Decisions()
		for i := range ix.Len() {
			ix.Card(i)
			ix.Lookup(ix.ID(i))
			ix.SimilarToContext(context.Background(), i, 3)
		}
	})
}

// TestWriteFeaturesPieces: the features written in pieces of any size,
// into a file where the blobs' offsets are written last (a hole until
// then), are MarshalFeatures' bytes, which a buffer of the whole encoding
// makes with one piece.
func TestWriteFeaturesPieces(t *testing.T) {
	ix := NewIndex(seedRecords(t), Options{Synonyms: [][]string{{"db", "database"}}})
	cs := ix.Clusters()
	defer func(size int) { pieceSize = size }(pieceSize)
	pieceSize = 1 << 40
	want, err := ix.MarshalFeatures("k", cs)
	if err != nil {
		t.Fatal(err)
	}
	for _, size := range []int{1, 7, 4096} {
		pieceSize = size
		f, err := os.Create(filepath.Join(t.TempDir(), "features"))
		if err != nil {
			t.Fatal(err)
		}
		n, err := ix.WriteFeatures(f, "k", cs)
		if err != nil {
			t.Fatal(err)
		}
		if err := f.Close(); err != nil {
			t.Fatal(err)
		}
		got, err := os.ReadFile(f.Name())
		if err != nil {
			t.Fatal(err)
		}
		if n != int64(len(got)) || !bytes.Equal(got, want) {
			t.Errorf("WriteFeatures in pieces of %d: %d bytes (said %d), equal %v; want MarshalFeatures' %d", size, len(got), n, bytes.Equal(got, want), len(want))
		}
	}
}

// TestOffsetsWidths: format 6's offsets come back as written in both of
// their widths: 4 bytes while the last fits, 8 past 4 GiB of items (a
// collection's blobs or questions that large; no test writes one whole).
func TestOffsetsWidths(t *testing.T) {
	for _, tc := range []struct {
		name  string
		offs  []uint64
		width uint64
	}{
		{"4 bytes", []uint64{0, 5, 9, math.MaxUint32}, 4},
		{"8 bytes", []uint64{0, 5, 9, math.MaxUint32 + 1, 1 << 40}, 8},
	} {
		var b bufferAt
		p := &pieces{w: &b}
		p.e.uint(7) // what precedes the offsets: any length
		offsetsTo(p, featuresFormat, tc.offs)
		p.flush()
		r := decoder{b: b.b}
		r.uint()
		if w, _ := binary.Uvarint(r.b); w != tc.width {
			t.Errorf("%s: offsetsTo wrote width %d; want %d", tc.name, w, tc.width)
		}
		got := offsetsOf(&r, b.b, featuresFormat)
		if r.err != nil || len(r.b) != 0 || got.len() != len(tc.offs) {
			t.Fatalf("%s: offsetsOf = %d offsets, %d bytes left, %v; want %d, 0", tc.name, got.len(), len(r.b), r.err, len(tc.offs))
		}
		for k, want := range tc.offs {
			if got.at(k) != want {
				t.Errorf("%s: offset %d = %d; want %d", tc.name, k, got.at(k), want)
			}
		}
		if !got.upTo(int(tc.offs[len(tc.offs)-1])) {
			t.Errorf("%s: upTo(%d) = false", tc.name, tc.offs[len(tc.offs)-1])
		}
	}
}
