package index

import (
	"context"
	"encoding/json"
	"errors"
	"maps"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search/query"

	"github.com/iq-search/iq/corpus"
	"github.com/iq-search/iq/index/expr"
	"github.com/iq-search/iq/ingest"
	"github.com/iq-search/iq/record"
)

// corpusRecords ingests the embedded corpus once per test binary.
var corpusRecords = sync.OnceValues(func() ([]record.Record, error) {
	recs, _, err := ingest.FS(context.Background(), corpus.Seeds(), ingest.Options{})
	return recs, err
})

func loadCorpus(t testing.TB) []record.Record {
	t.Helper()
	recs, err := corpusRecords()
	if err != nil {
		t.Fatalf("ingest.FS(corpus) error = %v", err)
	}
	if len(recs) < 20 {
		t.Fatalf("ingest.FS(corpus) = %d records; want the seed questions", len(recs))
	}
	return recs
}

// updatedCorpus builds the embedded corpus as buildCorpus does, then
// updates it: its first 20 records deleted and the next 5 replaced, so that
// the segments it shares hold deleted documents, which keep their document
// numbers. It returns the index and the records it holds.
func updatedCorpus(t *testing.T) (*Index, []record.Record) {
	t.Helper()
	recs := loadCorpus(t)
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "updated")
	if err := Build(ctx, dir, recs, testSegmented(BuildOptions{Fingerprint: "old", BatchSize: 16})); err != nil {
		t.Fatal(err)
	}
	base, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer base.Close()
	var gone []string
	for _, r := range recs[:20] {
		gone = append(gone, r.ID)
	}
	w, err := Lock(ctx, dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	err = w.Update(ctx, base, recs[20:25], gone, BuildOptions{Fingerprint: "new"})
	w.Close()
	if err != nil {
		t.Fatal(err)
	}
	ix, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ix.Close() })
	return ix, recs[20:]
}

// buildCorpus builds the embedded corpus into a new directory and opens it.
// buildRecords builds recs into an index of their own with opts, opens
// it, and closes it when the test ends.
func buildRecords(t *testing.T, recs []record.Record, opts BuildOptions) *Index {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "index")
	if err := Build(context.Background(), dir, recs, opts); err != nil {
		t.Fatal(err)
	}
	ix, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ix.Close() })
	return ix
}

// testSegmented returns opts set to leave a small corpus in several
// segments: a merge floor of one record and the tail left.
func testSegmented(opts BuildOptions) BuildOptions {
	opts.MergeFloor = 1
	opts.LeaveTail = true
	return opts
}

func buildCorpus(t *testing.T) (*Index, []record.Record) {
	t.Helper()
	recs := loadCorpus(t)
	// Batches of 16 with the merge policy's tail left make an index of
	// several segments, the shape the tests of this file and of the
	// tables, stored reader and facets are written for: a merge floor of
	// one record, where scorch's 2000 merges a corpus this small into one
	// segment once the build waits for the policy's merges
	// (scorchx.Settle), and the tail left (tail_test.go tests its merge).
	return buildRecords(t, recs, testSegmented(BuildOptions{Fingerprint: corpus.Fingerprint(), BatchSize: 16})), recs
}

// textQuery searches question and answer the plain way (a match query per
// field, OR-ed); package query does the real thing.
func textQuery(text string) query.Query {
	var qs []query.Query
	for _, f := range []string{record.FieldQuestion, record.FieldAnswer, record.FieldCode} {
		q := bleve.NewMatchQuery(text)
		q.SetField(f)
		qs = append(qs, q)
	}
	return bleve.NewDisjunctionQuery(qs...)
}

// textTree is textQuery as a query tree: each field's terms of text, any
// of them, in any of the three fields (at most ten terms a field, as the
// fast ranker takes them).
func textTree(t testing.TB, ix *Index, text string) expr.Node {
	t.Helper()
	var fields []expr.Node
	for _, f := range []string{record.FieldQuestion, record.FieldAnswer, record.FieldCode} {
		a, err := ix.Analyzer(f)
		if err != nil {
			t.Fatal(err)
		}
		var terms []expr.Node
		for _, tok := range a.Analyze(text) {
			terms = append(terms, expr.Term{Field: f, Term: tok.Term, Boost: 1})
		}
		fields = append(fields, expr.Or{Clauses: terms[:min(len(terms), 10)]})
	}
	return expr.Or{Clauses: fields}
}

// phraseTree is the phrase of text's words in field, as package query
// builds phrases (the synonym list's concept tokens left out).
func phraseTree(t testing.TB, ix *Index, field, text string) expr.Phrase {
	t.Helper()
	a, err := ix.Analyzer(field)
	if err != nil {
		t.Fatal(err)
	}
	p := expr.Phrase{Field: field, Boost: 1}
	for _, tok := range a.Analyze(text) {
		if !tok.Concept {
			p.Terms = append(p.Terms, []string{tok.Term})
		}
	}
	return p
}

func search(t *testing.T, ix *Index, q query.Query) []string {
	t.Helper()
	req := bleve.NewSearchRequestOptions(q, 100, 0, false)
	res, err := ix.search.Search(req)
	if err != nil {
		t.Fatalf("Search(%v) error = %v", q, err)
	}
	var ids []string
	for _, h := range res.Hits {
		ids = append(ids, h.ID)
	}
	return ids
}

func byID(recs []record.Record) map[string]record.Record {
	m := map[string]record.Record{}
	for _, r := range recs {
		m[r.ID] = r
	}
	return m
}

// recordText is everything the text fields of a record hold, lower case.
func recordText(r record.Record) string {
	parts := append([]string{r.Question}, AnswerTexts(r)...)
	for _, a := range r.Answers {
		for _, c := range a.Code {
			parts = append(parts, c.Text)
		}
	}
	return strings.ToLower(strings.Join(parts, "\n"))
}

func TestSearchCorpus(t *testing.T) {
	ix, recs := buildCorpus(t)
	m := byID(recs)
	tests := []struct {
		name string
		text string
		// every hit among the first want must contain one of these
		// (lower case) in its text, and at least one hit must exist.
		mustContain []string
		// and the hits must include at least one record whose text
		// contains none of the query's own words (found only through a
		// synonym).
		viaSynonym bool
	}{
		{"DI finds dependency injection", "DI", []string{"dependency injection"}, true},
		{"auth finds authentication", "auth", []string{"authenticat"}, true},
		{"identifier whole", "OAuth2PasswordBearer", []string{"oauth2passwordbearer", "oauth2", "password", "bearer"}, false},
		{"identifier in words", "oauth2 password bearer", []string{"oauth2", "password", "bearer"}, false},
		{"decorator", "@app.get", []string{"app", "get"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ids := search(t, ix, textQuery(tt.text))
			if len(ids) == 0 {
				t.Fatalf("Search(%q) = no hits; want some", tt.text)
			}
			synonymOnly := false
			for _, id := range ids {
				txt := recordText(m[id])
				if !slices.ContainsFunc(tt.mustContain, func(s string) bool { return strings.Contains(txt, s) }) {
					t.Errorf("Search(%q) hit %s %q contains none of %q", tt.text, id, m[id].Question, tt.mustContain)
				}
				if !regexp.MustCompile(`\b` + regexp.QuoteMeta(strings.ToLower(tt.text)) + `\b`).MatchString(txt) {
					synonymOnly = true
				}
			}
			if tt.viaSynonym && !synonymOnly {
				t.Errorf("Search(%q) = %d hits, all containing %q; want hits found through the synonym list", tt.text, len(ids), tt.text)
			}
		})
	}

	// The identifier itself is found whole: a term query for the whole
	// token hits the record whose answer spells it.
	tq := bleve.NewTermQuery("oauth2passwordbearer")
	tq.SetField(record.FieldAnswer)
	if ids := search(t, ix, tq); len(ids) == 0 {
		t.Errorf("term answer:oauth2passwordbearer = no hits; want the answers that use it")
	}
}

// TestStopWords checks that function words are indexed: a phrase made only
// of them finds questions, and "what is pydantic" matches as a phrase.
func TestStopWords(t *testing.T) {
	ix, recs := buildCorpus(t)
	m := byID(recs)
	for _, phrase := range []string{"what is pydantic", "what is", "how do you"} {
		q := bleve.NewMatchPhraseQuery(phrase)
		q.SetField(record.FieldQuestion)
		ids := search(t, ix, q)
		if len(ids) == 0 {
			t.Errorf("phrase question:%q = no hits; want questions starting so", phrase)
		}
		for _, id := range ids {
			if !strings.Contains(strings.ToLower(m[id].Question), phrase) {
				t.Errorf("phrase question:%q hit %q", phrase, m[id].Question)
			}
		}
	}
	tq := bleve.NewTermQuery("is")
	tq.SetField(record.FieldQuestion)
	if ids := search(t, ix, tq); len(ids) == 0 {
		t.Errorf("term question:is = no hits; want the stop word indexed")
	}
}

// TestClosure uses a real collection from ../shared: "What is a closure"
// must find its question by phrase, every word kept.
func TestClosure(t *testing.T) {
	file := filepath.Join("..", "..", "shared", "corpora", "h5bp__Front-end-Developer-Interview-Questions", "src", "questions", "javascript-questions.md")
	if _, err := os.Stat(file); err != nil {
		t.Skipf("shared corpus not available: %v", err)
	}
	// Records made from the file's "* question" lines directly, so this
	// test checks analysis, not the ingest of this layout.
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	var recs []record.Record
	for i, line := range strings.Split(string(b), "\n") {
		if q, ok := strings.CutPrefix(line, "* "); ok {
			recs = append(recs, record.Record{ID: record.QuestionID(q), Question: q,
				Sources: []record.Source{{File: "javascript-questions.md", Line: i + 1}}})
		}
	}
	if len(recs) < 20 {
		t.Fatalf("%s: %d questions; want the file's list", file, len(recs))
	}
	ix := buildRecords(t, recs, BuildOptions{})
	q := bleve.NewMatchPhraseQuery("what is a closure")
	q.SetField(record.FieldQuestion)
	ids := search(t, ix, q)
	if len(ids) != 1 {
		t.Fatalf("phrase question:\"what is a closure\" = %d hits; want 1", len(ids))
	}
	if r, _, _ := ix.Record(ids[0]); !strings.HasPrefix(r.Question, "What is a closure") {
		t.Errorf("phrase question:\"what is a closure\" = %q", r.Question)
	}
}

func TestRecord(t *testing.T) {
	ix, recs := buildCorpus(t)
	n, err := ix.Count()
	if err != nil || n != uint64(len(recs)) {
		t.Fatalf("Count() = %d, %v; want %d", n, err, len(recs))
	}
	if got := ix.Meta().Records; got != len(recs) {
		t.Errorf("Meta().Records = %d; want %d", got, len(recs))
	}
	for _, want := range recs {
		got, ok, err := ix.Record(want.ID)
		if err != nil || !ok {
			t.Fatalf("Record(%s) = _, %v, %v; want the record", want.ID, ok, err)
		}
		// Compare through JSON: nil and empty slices are the same record.
		gj, _ := json.Marshal(got)
		wj, _ := json.Marshal(want)
		if string(gj) != string(wj) {
			t.Errorf("Record(%s) = %s; want %s", want.ID, gj, wj)
		}
	}
	if _, ok, err := ix.Record("0000000000000000"); ok || err != nil {
		t.Errorf("Record(unknown) = _, %v, %v; want false, nil", ok, err)
	}
}

// TestFacets checks the keyword fields against a count over the records.
func TestFacets(t *testing.T) {
	ix, recs := buildCorpus(t)
	want := map[string]map[string]int{}
	add := func(field, v string) {
		if want[field] == nil {
			want[field] = map[string]int{}
		}
		want[field][v]++
	}
	for _, r := range recs {
		if r.Level != "" {
			add(record.FieldLevel, r.Level)
		}
		for _, v := range r.Topics {
			add(record.FieldTopic, v)
		}
		for _, v := range r.Tags {
			add(record.FieldTag, v)
		}
		files := map[string]bool{}
		for _, s := range r.Sources {
			files[s.File] = true
		}
		for f := range files {
			add(record.FieldSource, f)
		}
	}
	req := bleve.NewSearchRequestOptions(allRecords(), 0, 0, false)
	for _, f := range []string{record.FieldLevel, record.FieldTopic, record.FieldTag, record.FieldSource} {
		req.AddFacet(f, bleve.NewFacetRequest(f, 1000))
	}
	res, err := ix.search.Search(req)
	if err != nil {
		t.Fatal(err)
	}
	if res.Total != uint64(len(recs)) {
		t.Errorf("allRecords() total = %d; want %d", res.Total, len(recs))
	}
	for f, counts := range want {
		got := map[string]int{}
		if fr := res.Facets[f]; fr != nil && fr.Terms != nil {
			for _, tf := range fr.Terms.Terms() {
				got[tf.Term] = tf.Count
			}
		}
		if !reflect.DeepEqual(got, counts) {
			t.Errorf("facet %s = %v; want %v", f, got, counts)
		}
	}
}

// TestStoredFields checks that a hit can be shown from its stored fields,
// and that its question and answers are stored once: in the record, where
// recordTexts finds the texts the fast ranker's locations are read from.
func TestStoredFields(t *testing.T) {
	ix, recs := buildCorpus(t)
	var want record.Record
	for _, r := range recs {
		if len(r.Topics) > 0 && len(r.Sources) > 0 && len(r.Answers) > 0 {
			want = r
			break
		}
	}
	if want.ID == "" {
		t.Fatal("no record with topics, sources and answers in the corpus")
	}
	req := bleve.NewSearchRequest(bleve.NewDocIDQuery([]string{want.ID}))
	req.Fields = []string{"*"}
	res, err := ix.search.Search(req)
	if err != nil || len(res.Hits) != 1 {
		t.Fatalf("Search(id %s) = %v, %v", want.ID, res, err)
	}
	f := res.Hits[0].Fields
	if got := slices.Sorted(maps.Keys(f)); !slices.Equal(got, []string{record.FieldCluster, FieldRecord, FieldSources}) && !slices.Equal(got, []string{FieldRecord, FieldSources}) {
		t.Errorf("stored fields = %q; want record and sources, and cluster when set", got)
	}
	// Level and topics are shown from the stored record.
	stored, _ := f[FieldRecord].(string)
	raw, err := unpackRecord([]byte(stored))
	if err != nil {
		t.Fatal(err)
	}
	var rec record.Record
	if err := json.Unmarshal(raw, &rec); err != nil {
		t.Fatalf("stored record: %v", err)
	}
	if rec.Level != want.Level || !slices.Equal(rec.Topics, want.Topics) {
		t.Errorf("stored record level, topics = %q, %q; want %q, %q", rec.Level, rec.Topics, want.Level, want.Topics)
	}
	if got := asStrings(f[FieldSources]); !slices.Equal(got, sourceStrings(want)) {
		t.Errorf("stored sources = %q; want %q", got, sourceStrings(want))
	}
	texts, keep, err := recordTexts(stored)
	if err != nil {
		t.Fatalf("recordTexts: %v", err)
	}
	if r, ok := keep.(*record.Record); !ok || !reflect.DeepEqual(*r, rec) {
		t.Errorf("recordTexts kept %v; want the record decoded", keep)
	}
	if w := map[string][]string{record.FieldQuestion: {want.Question}, record.FieldAnswer: AnswerTexts(want)}; !reflect.DeepEqual(texts, w) {
		t.Errorf("recordTexts = %q; want %q", texts, w)
	}
}

func sourceStrings(r record.Record) []string {
	var rv []string
	for _, s := range r.Sources {
		rv = append(rv, SourceString(s))
	}
	return rv
}

// asStrings reads a stored field: a string for one value, a slice for more.
func asStrings(v any) []string {
	switch v := v.(type) {
	case string:
		return []string{v}
	case []any:
		var rv []string
		for _, x := range v {
			s, _ := x.(string)
			rv = append(rv, s)
		}
		return rv
	}
	return nil
}

func TestShards(t *testing.T) {
	recs := loadCorpus(t)
	dir := filepath.Join(t.TempDir(), "index")
	if err := Build(context.Background(), dir, recs, BuildOptions{Shards: 3, BatchSize: 10}); err != nil {
		t.Fatal(err)
	}
	ix, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	if n, err := ix.Count(); err != nil || n != uint64(len(recs)) {
		t.Errorf("Count() = %d, %v; want %d", n, err, len(recs))
	}
	for _, r := range recs {
		if _, ok, err := ix.Record(r.ID); !ok || err != nil {
			t.Errorf("Record(%s) = _, %v, %v; want the record", r.ID, ok, err)
		}
	}
	// Synonyms work through the alias.
	if ids := search(t, ix, textQuery("DI")); len(ids) == 0 {
		t.Errorf("Search(DI) over 3 shards = no hits")
	}
}

func TestCacheDir(t *testing.T) {
	t.Setenv("IQ_INDEX", "/tmp/elsewhere") // the command's to read, not this package's
	t.Setenv("XDG_CACHE_HOME", "/tmp/cache")
	t.Setenv("HOME", "/tmp/home")
	want := filepath.Join("/tmp/cache", "iq", "index")
	if d, err := CacheDir(); err != nil || d != want {
		t.Errorf("CacheDir() = %q, %v; want %s", d, err, want)
	}
}

// TestBuildStream: a stream builds the index Build builds from the same
// records, and an error from the stream stops the build with nothing
// published.
func TestBuildStream(t *testing.T) {
	recs := loadCorpus(t)
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "index")
	var seen []int
	stream := func(yield func(record.Record, error) bool) {
		for _, r := range recs {
			if !yield(r, nil) {
				return
			}
		}
	}
	opts := BuildOptions{BatchSize: 7, Total: len(recs), Progress: func(done, total int) { seen = append(seen, done, total) }}
	if err := BuildStream(ctx, dir, stream, opts); err != nil {
		t.Fatal(err)
	}
	ix, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	if n, err := ix.Count(); err != nil || n != uint64(len(recs)) {
		t.Errorf("Count() = %d, %v; want %d", n, err, len(recs))
	}
	for _, r := range recs {
		got, ok, err := ix.Record(r.ID)
		if !ok || err != nil || !reflect.DeepEqual(got, r) {
			t.Fatalf("Record(%s) = %+v, %v, %v; want %+v", r.ID, got, ok, err, r)
		}
	}
	if len(seen) == 0 || seen[len(seen)-2] != len(recs) || seen[len(seen)-1] != len(recs) {
		t.Errorf("last Progress = %v; want (%d, %d)", seen[max(0, len(seen)-2):], len(recs), len(recs))
	}

	bad := errors.New("read records.jsonl: line 9: unexpected EOF")
	failing := func(yield func(record.Record, error) bool) {
		for i, r := range recs {
			if i == 20 {
				yield(record.Record{}, bad)
				return
			}
			if !yield(r, nil) {
				return
			}
		}
	}
	other := filepath.Join(t.TempDir(), "index")
	if err := BuildStream(ctx, other, failing, BuildOptions{BatchSize: 7}); !errors.Is(err, bad) {
		t.Errorf("BuildStream(stream failing at record 20) = %v; want %v", err, bad)
	}
	if _, err := Open(other); !errors.Is(err, ErrNotExist) {
		t.Errorf("Open after a failed stream = %v; want ErrNotExist", err)
	}
}
