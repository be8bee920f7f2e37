package index

import (
	"bytes"
	"compress/flate"
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	bsearch "github.com/blevesearch/bleve/v2/search"
	"github.com/golang/snappy"

	"github.com/iq-search/iq/index/expr"
	"github.com/iq-search/iq/index/internal/fastrank"
	"github.com/iq-search/iq/index/synth"
	"github.com/iq-search/iq/internal/cputime"
	"github.com/iq-search/iq/record"
)

// TestPackRecord: every corpus record's JSON comes back byte for byte, as
// packRecord stores it and as compress/flate at BestSpeed stored it before
// (indexes of mapping 6 built before session 10 stay readable), and a
// stored value that is not a deflated record is damage, not a panic or a
// wrong record.
func TestPackRecord(t *testing.T) {
	var packed, plain int
	for _, r := range loadCorpus(t) {
		raw, err := json.Marshal(r)
		if err != nil {
			t.Fatal(err)
		}
		p := packRecord(raw)
		packed, plain = packed+len(p), plain+len(raw)
		got, err := unpackRecord(p)
		if err != nil || string(got) != string(raw) {
			t.Fatalf("unpackRecord(packRecord(%s)) = %.40q, %v; want the JSON back", r.ID, got, err)
		}
		var old bytes.Buffer
		w, err := flate.NewWriter(&old, flate.BestSpeed)
		if err != nil {
			t.Fatal(err)
		}
		w.Write(raw)
		w.Close()
		if got, err := unpackRecord(old.Bytes()); err != nil || string(got) != string(raw) {
			t.Fatalf("unpackRecord(%s deflated by compress/flate) = %.40q, %v; want the JSON back", r.ID, got, err)
		}
	}
	if packed >= plain {
		t.Errorf("the corpus's records packed take %d bytes, their JSON %d", packed, plain)
	}
	for name, stored := range map[string][]byte{
		"empty":     nil,
		"plain":     []byte(`{"id":"0123456789abcdef","question":"What is a goroutine?"}`),
		"truncated": packRecord([]byte(`{"id":"0123456789abcdef","question":"What is a goroutine?"}`))[:10],
	} {
		if got, err := unpackRecord(stored); !errors.Is(err, ErrCorrupt) {
			t.Errorf("unpackRecord(%s) = %q, %v; want ErrCorrupt", name, got, err)
		}
	}
}

// A stored value that inflates past maxRecordJSON is damage, found once
// that much is inflated (80 KB of deflate make 64 MiB of zeros: before,
// a hostile index's stored records made a reader allocate without
// bound); a record's JSON past it is one a build refuses; the largest a
// build takes comes back.
func TestUnpackRecordBounded(t *testing.T) {
	for _, c := range []struct {
		size int
		ok   bool
	}{{maxRecordJSON, true}, {maxRecordJSON + 1, false}} {
		var b bytes.Buffer
		w, err := flate.NewWriter(&b, flate.BestSpeed)
		if err != nil {
			t.Fatal(err)
		}
		zeros := make([]byte, 1<<20)
		for left := c.size; left > 0; left -= len(zeros) {
			w.Write(zeros[:min(left, len(zeros))])
		}
		w.Close()
		got, err := unpackRecord(b.Bytes())
		switch {
		case c.ok && (err != nil || len(got) != c.size):
			t.Errorf("unpackRecord(%d bytes inflating to %d) = %d bytes, %v; want them all", b.Len(), c.size, len(got), err)
		case !c.ok && !errors.Is(err, ErrCorrupt):
			t.Errorf("unpackRecord(%d bytes inflating to %d) = %d bytes, %v; want ErrCorrupt", b.Len(), c.size, len(got), err)
		}
	}
	big := record.Record{ID: "0123456789abcdef", Question: strings.Repeat("x", maxRecordJSON)}
	err := Build(context.Background(), t.TempDir(), []record.Record{big}, BuildOptions{})
	if want := "more than an index stores"; err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("Build(a record of %d bytes of JSON) error = %v; want one saying %q", maxRecordJSON+len(`{"id":"0123456789abcdef","question":""}`), err, want)
	}
}

// FuzzUnpackRecord: any stored bytes give a record's bytes or an error,
// never a panic; any bytes packed come back as they were.
func FuzzUnpackRecord(f *testing.F) {
	f.Add(packRecord([]byte(`{"id":"0123456789abcdef","question":"What is a goroutine?","answers":[]}`)))
	f.Add([]byte(`{"id":"x"}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		unpackRecord(b)
		if got, err := unpackRecord(packRecord(b)); err != nil || !bytes.Equal(got, b) {
			t.Fatalf("unpackRecord(packRecord(%q)) = %q, %v", b, got, err)
		}
	})
}

// BenchmarkPackRecord measures what the stored record's deflate costs and
// saves (BENCHMARKS.md, "Stored text once"): 10k synthetic records' JSON
// compressed as zap compresses a document's stored values (snappy) and as
// packRecord stores it (klauspost's stateless deflate), each with its size over
// the JSON's (packed/json) and its CPU for the 10k (one core), and
// unpackRecord's CPU a record.
func BenchmarkPackRecord(b *testing.B) {
	const n = 10000
	var raws [][]byte
	plain := 0
	for r, err := range synth.Stream(n, 1) {
		if err != nil {
			b.Fatal(err)
		}
		raw, err := json.Marshal(r)
		if err != nil {
			b.Fatal(err)
		}
		raws, plain = append(raws, raw), plain+len(raw)
	}
	if len(raws) != n {
		b.Fatalf("synth.Stream(%d) gave %d records", n, len(raws))
	}
	compress := func(name string, pack func([]byte) []byte) {
		b.Run(name, func(b *testing.B) {
			packed := 0
			cpu0 := cputime.Used()
			for b.Loop() {
				packed = 0
				for _, raw := range raws {
					packed += len(pack(raw))
				}
			}
			b.ReportMetric((cputime.Used()-cpu0).Seconds()/float64(b.N), "cpu-s/10k")
			b.ReportMetric(float64(packed)/float64(plain), "packed/json")
		})
	}
	compress("snappy", func(raw []byte) []byte { return snappy.Encode(nil, raw) })
	compress("deflate", packRecord)
	b.Run("inflate", func(b *testing.B) {
		packed := make([][]byte, len(raws))
		for i, raw := range raws {
			packed[i] = packRecord(raw)
		}
		cpu0 := cputime.Used()
		for b.Loop() {
			for i, p := range packed {
				raw, err := unpackRecord(p)
				if err != nil || len(raw) != len(raws[i]) {
					b.Fatalf("unpackRecord(record %d) = %d bytes, %v; want %d", i, len(raw), err, len(raws[i]))
				}
			}
		}
		b.ReportMetric((cputime.Used()-cpu0).Seconds()*1e6/float64(b.N*n), "cpu-us/record")
	})
}

// TestInvalidUTF8Locations: a record whose text is not valid UTF-8 is
// stored as JSON, which holds each bad byte as U+FFFD; its term locations
// must be offsets into that text, the one a reader of the record has, on
// Bleve's searchers' path (from the term vectors) as on the fast ranker's
// (which analyses the stored record again).
func TestInvalidUTF8Locations(t *testing.T) {
	q := "What is a goroutine \xff\xfe in Go?"
	recs := []record.Record{
		{ID: record.QuestionID(q), Question: q, Answers: []record.Answer{{Text: "A \xffgoroutine\xfe is a lightweight thread of the runtime."}}},
		{ID: record.QuestionID("What is a channel?"), Question: "What is a channel?", Answers: []record.Answer{{Text: "A typed conduit."}}},
	}
	ix := buildRecords(t, recs, BuildOptions{})
	tree := expr.Or{Clauses: []expr.Node{
		expr.Term{Field: record.FieldQuestion, Term: "goroutin", Boost: 1},
		expr.Term{Field: record.FieldAnswer, Term: "thread", Boost: 1},
	}}
	opts := SearchOptions{Size: 1, Fields: []string{FieldRecord}, Locations: true}
	for _, fast := range []bool{true, false} {
		ix.SetFastRanking(fast)
		p, err := ix.Search(context.Background(), tree, opts)
		if err != nil || len(p.Hits) != 1 || p.Hits[0].Record == nil {
			t.Fatalf("fast %v: Search = %+v, %v; want the record", fast, p, err)
		}
		h := p.Hits[0]
		for field, want := range map[string]string{record.FieldQuestion: "goroutine", record.FieldAnswer: "thread"} {
			text := h.Record.Question
			if field == record.FieldAnswer {
				text = AnswerTexts(*h.Record)[0]
			}
			var got []string
			for _, ls := range h.Locations[field] {
				for _, l := range ls {
					got = append(got, text[l.Start:l.End])
				}
			}
			if len(got) != 1 || got[0] != want {
				t.Errorf("fast %v: %s locations in the stored record's text %q read %q; want %q", fast, field, text, got, want)
			}
		}
	}
}

// TestDamagedRecordHit: a hit whose stored record does not inflate fails
// the page with ErrCorrupt, said once and the same way on both rankers'
// paths (Bleve's: newHit; the fast ranker's: Config.Texts, here given the
// record cut short).
func TestDamagedRecordHit(t *testing.T) {
	ix, _ := buildCorpus(t)
	cut := func(stored string) (map[string][]string, any, error) { return recordTexts(stored[:len(stored)/2]) }
	ix.fast = fastrank.New(fastrank.Config{All: expr.Term{Field: FieldKind, Term: KindRecord, Boost: 1},
		Sources: textSource, TextField: FieldRecord, Texts: cut, Analyze: analyzeTemp})
	p, err := ix.Search(context.Background(), expr.Term{Field: record.FieldQuestion, Term: "python", Boost: 1},
		SearchOptions{Size: 1, Fields: []string{FieldRecord}, Locations: true})
	if !errors.Is(err, ErrCorrupt) || strings.Count(err.Error(), ErrCorrupt.Error()) != 1 || !strings.HasPrefix(err.Error(), "load hit ") {
		t.Fatalf("Search with a damaged record = %v, %v; want an error saying %q once, naming the hit", p, err, ErrCorrupt)
	}
	// Bleve's path, given the same damage.
	_, raw, _ := strings.Cut(err.Error(), ": ")
	id, _, _ := strings.Cut(strings.TrimPrefix(err.Error(), "load hit "), ":")
	_, herr := newHit(&bsearch.DocumentMatch{ID: id, Fields: map[string]any{FieldRecord: "x"}})
	if herr == nil || strings.Count(herr.Error(), ErrCorrupt.Error()) != 1 {
		t.Errorf("newHit(damaged record) = %v; want %q once (fast ranker's: %s)", herr, ErrCorrupt, raw)
	}
}
