package index

import (
	"fmt"
	"reflect"
	"slices"
	"testing"

	"github.com/blevesearch/bleve/v2/document"
	bindex "github.com/blevesearch/bleve_index_api"

	"github.com/iq-search/iq/index/synth"
)

// TestAnalysedFieldMatchesBleve analyses every field of the corpus records
// and of synthetic ones both ways, with Bleve's TextField and with
// analysedField, and requires the same tokens, frequencies and locations.
func TestAnalysedFieldMatchesBleve(t *testing.T) {
	im, _, err := NewMapping(DefaultSynonyms())
	if err != nil {
		t.Fatal(err)
	}
	recs := append(slices.Clone(loadCorpus(t)), synth.Generate(500, 7)...)
	rm := newRecordMapper(im)
	if rm.fields == nil {
		t.Fatal("newRecordMapper(NewMapping) falls back to MapDocument; want its own mapping")
	}
	wrapped, vectors, stored := 0, 0, 0
	for _, r := range recs {
		v, err := recordValue(r)
		if err != nil {
			t.Fatal(err)
		}
		plain := document.NewDocument(r.ID)
		if err := im.MapDocument(plain, v); err != nil {
			t.Fatalf("MapDocument(%s) error = %v", r.ID, err)
		}
		fast, err := rm.document(r)
		if err != nil {
			t.Fatalf("document(%s) error = %v", r.ID, err)
		}
		if plain.Indexed() != fast.Indexed() || fast.ID() != plain.ID() {
			t.Fatalf("record %s: ID %q, indexed %v; want %q, %v", r.ID, fast.ID(), fast.Indexed(), plain.ID(), plain.Indexed())
		}
		if len(plain.Fields) != len(fast.Fields) {
			t.Fatalf("record %s: %d fields; want %d", r.ID, len(fast.Fields), len(plain.Fields))
		}
		// The mapping walks the record's map in Go's map order, so match
		// fields by name and array position.
		key := func(f document.Field) string { return fmt.Sprint(f.Name(), f.ArrayPositions()) }
		fastBy := make(map[string]document.Field, len(fast.Fields))
		for _, f := range fast.Fields {
			fastBy[key(f)] = f
		}
		for _, pf := range plain.Fields {
			ff := fastBy[key(pf)]
			if ff == nil {
				t.Fatalf("record %s: no field %s", r.ID, key(pf))
			}
			if reflect.TypeOf(pf) != reflect.TypeFor[*document.TextField]() {
				t.Fatalf("record %s: field %s is a %T; want text fields only", r.ID, key(pf), pf)
			}
			if ff.Options() != pf.Options() || string(ff.Value()) != string(pf.Value()) ||
				unwrap(ff).Analyzer() != pf.(*document.TextField).Analyzer() {
				t.Fatalf("record %s: field %s: options %v, value %q; want Bleve's %v, %q (or another analyzer)", r.ID, key(pf),
					ff.Options(), ff.Value(), pf.Options(), pf.Value())
			}
			if !pf.Options().IsIndexed() {
				stored++
				continue
			}
			pf.Analyze()
			ff.Analyze()
			if _, ok := ff.(*analysedField); ok {
				wrapped++
				if ff.Options().IncludeTermVectors() {
					vectors++
				}
			}
			name := r.ID + "/" + pf.Name()
			if ff.Name() != pf.Name() || !reflect.DeepEqual(ff.ArrayPositions(), pf.ArrayPositions()) ||
				ff.Options() != pf.Options() || string(ff.Value()) != string(pf.Value()) {
				t.Fatalf("%s: field %q %v %v differs from Bleve's %q %v %v", name,
					ff.Name(), ff.ArrayPositions(), ff.Options(), pf.Name(), pf.ArrayPositions(), pf.Options())
			}
			if ff.AnalyzedLength() != pf.AnalyzedLength() {
				t.Fatalf("%s: AnalyzedLength() = %d; want %d", name, ff.AnalyzedLength(), pf.AnalyzedLength())
			}
			compareFreqs(t, name, ff.AnalyzedTokenFrequencies(), pf.AnalyzedTokenFrequencies())
			if ps, fs := pf.Size(), ff.Size(); fs != ps {
				t.Errorf("%s: Size() = %d; want Bleve's %d", name, fs, ps)
			}
		}
	}
	if wrapped == 0 || vectors == 0 || stored == 0 {
		t.Fatalf("%d wrapped fields, %d with term vectors, %d stored only; want some of each", wrapped, vectors, stored)
	}
}

// unwrap returns the Bleve text field of a document field.
func unwrap(f document.Field) *document.TextField {
	if af, ok := f.(*analysedField); ok {
		return af.TextField
	}
	return f.(*document.TextField)
}

func compareFreqs(t *testing.T, name string, got, want bindex.TokenFrequencies) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: %d distinct terms; want %d", name, len(got), len(want))
	}
	for term, w := range want {
		g := got[term]
		if g == nil {
			t.Fatalf("%s: term %q missing", name, term)
		}
		if string(g.Term) != string(w.Term) || g.Frequency() != w.Frequency() || len(g.Locations) != len(w.Locations) {
			t.Fatalf("%s: term %q: %q freq %d, %d locations; want %q freq %d, %d locations", name, term,
				g.Term, g.Frequency(), len(g.Locations), w.Term, w.Frequency(), len(w.Locations))
		}
		for i := range w.Locations {
			if !reflect.DeepEqual(*g.Locations[i], *w.Locations[i]) {
				t.Fatalf("%s: term %q location %d = %+v; want %+v", name, term, i, *g.Locations[i], *w.Locations[i])
			}
		}
	}
}

// BenchmarkAnalysedField maps synthetic records into documents and analyses
// their text fields as a batch does (tokens, then token frequencies and
// locations): the analysis share of a build, with its allocations.
func BenchmarkAnalysedField(b *testing.B) {
	im, _, err := NewMapping(DefaultSynonyms())
	if err != nil {
		b.Fatal(err)
	}
	recs := synth.Generate(2000, 1)
	rm := newRecordMapper(im)
	b.ReportAllocs()
	for b.Loop() {
		for _, r := range recs {
			d, err := rm.document(r)
			if err != nil {
				b.Fatal(err)
			}
			for _, f := range d.Fields {
				if f.Options().IsIndexed() {
					f.Analyze()
				}
			}
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(recs)), "ns/record")
}

// A batch's chunks come back zeroed after reset, however they were taken
// (small takes sharing a chunk, one larger than a chunk, a take that
// skips the rest of a chunk), and hand out the same memory again.
func TestChunksReuseZeroed(t *testing.T) {
	var c chunks[int]
	sizes := []int{3, chunkLen - 2, 5, 2 * chunkLen, 7, 0, 1}
	first := 0
	for round := range 3 {
		var got [][]int
		for _, n := range sizes {
			s := c.take(n)
			if len(s) != n || cap(s) != n {
				t.Fatalf("round %d: take(%d) = len %d cap %d", round, n, len(s), cap(s))
			}
			for i := range s {
				if s[i] != 0 {
					t.Fatalf("round %d: take(%d)[%d] = %d; want 0", round, n, i, s[i])
				}
				s[i] = round + 1
			}
			got = append(got, s)
		}
		for i, s := range got {
			for _, v := range s {
				if v != round+1 {
					t.Fatalf("round %d: take %d overwritten by a later take", round, i)
				}
			}
		}
		if round == 0 {
			first = len(c.all)
		} else if len(c.all) != first {
			t.Fatalf("round %d: %d chunks; want the first round's %d reused", round, len(c.all), first)
		}
		c.reset()
	}
}
