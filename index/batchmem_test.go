package index

import (
	"cmp"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/index/scorch"
	bindex "github.com/blevesearch/bleve_index_api"

	"github.com/iq-search/iq/ingest"
	"github.com/iq-search/iq/record"
)

// TestBuildMatchesBleve builds records as iq does, in batches of 16
// applied by two writers on each of two shards, whose fields' token
// frequencies and locations live in chunks the next batches reuse
// (batchMem), and compares every term, posting (frequency, norm, every
// location with its array positions), doc value and stored field of every
// record with an index Bleve builds from the same records through its own
// mapping and analysis (MapDocument, document.TextField,
// analysis.TokenFrequency), in one batch. Memory a batch reused while a
// segment builder, a merge or anything else still read it would show as a
// posting or a location that differs (chunks handed out one element into
// each other fail it, with -short too). The records: the embedded corpus,
// and ../shared's corpora when present (not with -short).
func TestBuildMatchesBleve(t *testing.T) {
	recs := loadCorpus(t)
	if d := filepath.Join("..", "..", "shared", "corpora"); testing.Short() {
		t.Log("-short: the embedded corpus only")
	} else if dirExists(d) {
		shared, _, err := ingest.Paths(context.Background(), []string{d}, ingest.Options{})
		if err != nil {
			t.Fatal(err)
		}
		recs = append(recs, shared...)
	} else {
		t.Logf("no %s: the embedded corpus only", d)
	}
	recs = uniqueRecords(recs)
	ix := buildRecords(t, recs, BuildOptions{Fingerprint: "batchmem", BatchSize: 16, Writers: 2, Shards: 2})
	var got []string
	for i := range ix.shards {
		if err := ix.withReader(i, func(r bindex.IndexReader) error {
			got = append(got, dumpIndex(t, r)...)
			return nil
		}); err != nil {
			t.Fatal(err)
		}
	}
	slices.Sort(got)

	im, _, err := NewMapping(DefaultSynonyms())
	if err != nil {
		t.Fatal(err)
	}
	ref, err := bleve.NewUsing(filepath.Join(t.TempDir(), "bleve"), im, scorch.Name, scorch.Name, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer ref.Close()
	b := ref.NewBatch()
	for _, r := range recs {
		v, err := recordValue(r)
		if err != nil {
			t.Fatal(err)
		}
		if err := b.Index(r.ID, v); err != nil {
			t.Fatal(err)
		}
	}
	if err := ref.Batch(b); err != nil {
		t.Fatal(err)
	}
	adv, err := ref.Advanced()
	if err != nil {
		t.Fatal(err)
	}
	rr, err := adv.Reader()
	if err != nil {
		t.Fatal(err)
	}
	defer rr.Close()
	want := dumpIndex(t, rr)

	if len(got) != len(want) {
		t.Errorf("%d records: iq's build has %d entries, Bleve's %d", len(recs), len(got), len(want))
	}
	diffs := 0
	for i, j := 0, 0; (i < len(got) || j < len(want)) && diffs < 10; {
		switch c := cmpDump(got, want, i, j); {
		case c == 0:
			i++
			j++
		case c < 0:
			t.Errorf("only in iq's build: %s", got[i])
			i++
			diffs++
		default:
			t.Errorf("only in Bleve's: %s", want[j])
			j++
			diffs++
		}
	}
	t.Logf("%d records, %d entries compared", len(recs), len(want))
}

// cmpDump compares got[i] and want[j], a missing one last.
func cmpDump(got, want []string, i, j int) int {
	switch {
	case i == len(got):
		return 1
	case j == len(want):
		return -1
	}
	return cmp.Compare(got[i], want[j])
}

func dirExists(d string) bool {
	st, err := os.Stat(d)
	return err == nil && st.IsDir()
}

// uniqueRecords keeps the first record of each ID: a batch indexes an ID
// once.
func uniqueRecords(recs []record.Record) []record.Record {
	seen := map[string]bool{}
	var out []record.Record
	for _, r := range recs {
		if !seen[r.ID] {
			seen[r.ID] = true
			out = append(out, r)
		}
	}
	return out
}

// dumpIndex returns, sorted, a line for every posting of every term of
// every field of r (with its frequency, norm and locations), every doc
// value and every stored field, each by the document's external ID, so
// that two indexes of the same documents in any segment layout compare.
func dumpIndex(t *testing.T, r bindex.IndexReader) []string {
	t.Helper()
	fields, err := r.Fields()
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(fields)
	var out []string
	ids := map[string]string{} // internal → external
	extID := func(in bindex.IndexInternalID) string {
		if id, ok := ids[string(in)]; ok {
			return id
		}
		id, err := r.ExternalID(in)
		if err != nil {
			t.Fatal(err)
		}
		ids[string(slices.Clone(in))] = id
		return id
	}
	for _, field := range fields {
		d, err := r.FieldDict(field)
		if err != nil {
			t.Fatal(err)
		}
		for _, term := range dictTermList(t, d) {
			eachBlevePosting(t, r, field, term, true, func(p *bindex.TermFieldDoc) {
				var locs strings.Builder
				for _, v := range p.Vectors {
					fmt.Fprintf(&locs, " %s@%d[%d:%d]%v", v.Field, v.Pos, v.Start, v.End, v.ArrayPositions)
				}
				id := extID(p.ID)
				if strings.HasPrefix(id, synonymIDPrefix) {
					return
				}
				out = append(out, fmt.Sprintf("post\t%s\t%q\t%s\tfreq %d norm %g%s", field, term, id, p.Freq, p.Norm, locs.String()))
			})
		}
	}
	dvr, err := r.DocValueReader(fields)
	if err != nil {
		t.Fatal(err)
	}
	all, err := r.DocIDReaderAll()
	if err != nil {
		t.Fatal(err)
	}
	defer all.Close()
	for {
		in, err := all.Next()
		if err != nil {
			t.Fatal(err)
		}
		if in == nil {
			break
		}
		id := extID(in)
		if strings.HasPrefix(id, synonymIDPrefix) {
			continue
		}
		if err := dvr.VisitDocValues(in, func(field string, term []byte) {
			out = append(out, fmt.Sprintf("docvalue\t%s\t%s\t%q", field, id, term))
		}); err != nil {
			t.Fatal(err)
		}
		doc, err := r.Document(id)
		if err != nil {
			t.Fatal(err)
		}
		doc.VisitFields(func(f bindex.Field) {
			out = append(out, fmt.Sprintf("stored\t%s\t%s\t%v\t%q", f.Name(), id, f.ArrayPositions(), f.Value()))
		})
	}
	slices.Sort(out)
	return out
}
