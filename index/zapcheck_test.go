package index

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/blevesearch/bleve/v2/index/scorch"
	bindex "github.com/blevesearch/bleve_index_api"
	"github.com/blevesearch/vellum"
	zap "github.com/blevesearch/zapx/v17"
	"github.com/iq-search/iq/index/expr"
	"github.com/iq-search/iq/index/internal/scorchx"
	"github.com/iq-search/iq/index/synth"
	"github.com/iq-search/iq/internal/watchdog"
	"github.com/iq-search/iq/record"
)

// zapSegments returns the zap segments of a single-shard index's snapshot.
func zapSegments(t *testing.T, ix *Index) []*zap.Segment {
	t.Helper()
	r := shardReader(t, ix)
	t.Cleanup(func() { r.Close() })
	snap, ok := r.(*scorch.IndexSnapshot)
	if !ok {
		t.Fatalf("reader is a %T, not a scorch snapshot", r)
	}
	var segs []*zap.Segment
	for _, ss := range snap.Segments() {
		zs, ok := ss.Segment().(*zap.Segment)
		if !ok {
			t.Fatalf("segment is a %T, not zap v17: CheckLocations would check nothing", ss.Segment())
		}
		segs = append(segs, zs)
	}
	return segs
}

// segmentTerms calls fn with every term of every field of zs.
func segmentTerms(t *testing.T, zs *zap.Segment, fn func(field, term string)) {
	t.Helper()
	for _, field := range zs.Fields() {
		loc, err := zs.DictAddr(field)
		if err != nil {
			continue
		}
		mem := zs.Data()
		n, k := binary.Uvarint(mem[loc:])
		fst, err := vellum.Load(mem[loc+uint64(k) : loc+uint64(k)+n])
		if err != nil {
			t.Fatalf("%s: dictionary of %s: %v", zs.Path(), field, err)
		}
		it, err := fst.Iterator(nil, nil)
		for err == nil {
			term, _ := it.Current()
			fn(field, string(term))
			err = it.Next()
		}
		if !errors.Is(err, vellum.ErrIteratorDone) {
			t.Fatalf("%s: terms of %s: %v", zs.Path(), field, err)
		}
	}
}

// The check must accept every term of sound indexes and read what zapx
// reads: the same postings and locations. Indexes of many small segments
// (the corpus in batches of 16), of large postings spread over several
// chunks (synthetic records), and with deleted documents (Update).
func TestCheckLocationsHealthy(t *testing.T) {
	small, _ := buildCorpus(t)

	large := chunkedIndex(t)

	updated, _ := updatedCorpus(t)

	for _, c := range []struct {
		name string
		ix   *Index
	}{{"corpus in batches of 16", small}, {"2000 synthetic records in one segment", large}, {"corpus after Update", updated}} {
		var terms, postings, withLocs, locations, chunked int
		for _, zs := range zapSegments(t, c.ix) {
			segmentTerms(t, zs, func(field, term string) {
				terms++
				got, err := scorchx.WalkTerm(zs, field, term)
				if err != nil {
					t.Errorf("%s: scorchx.WalkTerm(%s, %q) error %v on a sound index", c.name, field, term, err)
					return
				}
				if got.Postings == 0 {
					return // one posting, held in the dictionary
				}
				want := zapRead(t, zs, field, term)
				if got.Postings != want.Postings || got.WithLocs != want.WithLocs || got.Locations != want.Locations {
					t.Errorf("%s: %s:%q: read %d postings, %d with %d locations; zapx reads %d, %d, %d",
						c.name, field, term, got.Postings, got.WithLocs, got.Locations, want.Postings, want.WithLocs, want.Locations)
				}
				postings += got.Postings
				withLocs += got.WithLocs
				locations += got.Locations
				if got.Postings > 1024 {
					chunked++
				}
			})
		}
		t.Logf("%s: %d terms, %d postings read (%d with %d locations), %d terms of more than 1024 postings", c.name, terms, postings, withLocs, locations, chunked)
		if withLocs == 0 {
			t.Errorf("%s: no postings with locations read: the check was not exercised", c.name)
		}
	}
}

// zapRead reads a term's postings with locations through zapx.
func zapRead(t *testing.T, zs *zap.Segment, field, term string) scorchx.TermWalk {
	t.Helper()
	d, err := zs.Dictionary(field)
	if err != nil {
		t.Fatal(err)
	}
	pl, err := d.PostingsList([]byte(term), nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	var w scorchx.TermWalk
	it := pl.Iterator(true, true, true, nil)
	for {
		p, err := it.Next()
		if err != nil {
			t.Fatalf("zapx: %s:%q: %v", field, term, err)
		}
		if p == nil {
			return w
		}
		w.Postings++
		if n := len(p.Locations()); n > 0 {
			w.WithLocs++
			w.Locations += n
		}
	}
}

// The bug of issue 16 that took 24 GB: a posting whose location size
// exceeds its chunk, written under an open index, made zapx loop forever.
// A phrase search over that term must now fail as damage, at once.
func TestCheckLocationsRunaway(t *testing.T) {
	ix, _ := buildCorpus(t)
	var seg *zap.Segment
	var field, term string
	var walk scorchx.TermWalk
	for _, zs := range zapSegments(t, ix) {
		segmentTerms(t, zs, func(f, tm string) {
			if seg != nil || f != record.FieldQuestion {
				return
			}
			w, err := scorchx.WalkTerm(zs, f, tm)
			if err == nil && w.FirstLocs >= 0 && w.FirstSize == 1 && w.FirstLeft < 127 && w.Postings >= 2 {
				seg, field, term, walk = zs, f, tm, w
			}
		})
	}
	if seg == nil {
		t.Fatal("no question term whose locations end a chunk less than 127 bytes on")
	}
	// The first posting's location size becomes 127, more than is left
	// of its chunk; the locations themselves stay sound.
	f, err := os.OpenFile(seg.Path(), os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.WriteAt([]byte{0x7f}, walk.FirstLocs); err != nil {
		t.Fatal(err)
	}
	f.Close()
	if _, err := scorchx.WalkTerm(seg, field, term); err == nil {
		t.Fatalf("WalkTerm(%s:%q) accepts a location size past its chunk", field, term)
	}
	// zapx steps over the first posting to reach the second: its location
	// size is read then too.
	if docs := zapDocs(t, seg, field, term); len(docs) < 2 {
		t.Fatalf("%s:%q has %d postings; want 2", field, term, len(docs))
	} else if _, err := scorchx.WalkTermAt(seg, field, term, docs[1:2]); err == nil {
		t.Fatalf("WalkTermAt(%s:%q, its second document) accepts a location size past its chunk before it", field, term)
	}
	phrase := expr.Phrase{Field: field, Terms: [][]string{{term}, {term}}, Boost: 1}
	for _, c := range []struct {
		name string
		fast bool
		q    expr.Node
		opts SearchOptions
	}{
		{"phrase, fast pass", true, phrase, SearchOptions{Size: 10}},
		{"phrase, Bleve's searchers", false, phrase, SearchOptions{Size: 10}},
		{"term with locations, Bleve's page pass", false, expr.Term{Field: field, Term: term, Boost: 1}, SearchOptions{Size: 10, Locations: true}},
	} {
		ix.SetFastRanking(c.fast)
		var err error
		watchdog.Call(30*time.Second, "a search over damaged postings ("+c.name+")", func() {
			_, err = ix.Search(context.Background(), c.q, c.opts)
		})
		if !errors.Is(err, ErrCorrupt) || !strings.Contains(err.Error(), filepath.Base(seg.Path())) {
			t.Errorf("%s over the damaged postings: error %v; want ErrCorrupt naming %s", c.name, err, seg.Path())
		}
	}
}

// WalkTermAt reads the chunks holding the documents asked for, and all of
// them when asked for every document: on postings of several chunks, the
// first or the last document reads fewer postings than the whole term,
// every document as many, and the same locations.
func TestWalkTermAt(t *testing.T) {
	ix := chunkedIndex(t)
	chunked := 0
	for _, zs := range zapSegments(t, ix) {
		segmentTerms(t, zs, func(field, term string) {
			full, err := scorchx.WalkTerm(zs, field, term)
			if err != nil || full.Postings <= 1024 || full.WithLocs == 0 || chunked == 20 {
				return
			}
			chunked++
			docs := zapDocs(t, zs, field, term)
			last := docs[len(docs)-1:]
			for _, c := range []struct {
				name  string
				local []uint64
				want  func(w scorchx.TermWalk) bool
			}{
				{"every document", docs, func(w scorchx.TermWalk) bool {
					landed := w.Landed
					w.Landed = 0
					return w == full && landed == len(docs)
				}},
				{"none", nil, func(w scorchx.TermWalk) bool { return w.Postings == 0 }},
				{"the last", last, func(w scorchx.TermWalk) bool {
					return w.Postings > 0 && w.Postings < full.Postings && w.Locations > 0 && w.Locations < full.Locations
				}},
				{"the first", docs[:1], func(w scorchx.TermWalk) bool {
					return w.Postings > 0 && w.Postings < full.Postings && w.FirstLocs == full.FirstLocs
				}},
			} {
				got, err := scorchx.WalkTermAt(zs, field, term, c.local)
				if err != nil || !c.want(got) {
					t.Errorf("WalkTermAt(%s:%q, %s) = %+v, %v; the whole term: %+v", field, term, c.name, got, err, full)
				}
			}
		})
	}
	if chunked == 0 {
		t.Fatal("no term with postings in several chunks: the test checks nothing")
	}
}

// zapDocs returns a term's documents in a segment, through zapx.
func zapDocs(t *testing.T, zs *zap.Segment, field, term string) []uint64 {
	t.Helper()
	d, err := zs.Dictionary(field)
	if err != nil {
		t.Fatal(err)
	}
	pl, err := d.PostingsList([]byte(term), nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	var docs []uint64
	it := pl.Iterator(false, false, false, nil)
	for {
		p, err := it.Next()
		if err != nil {
			t.Fatal(err)
		}
		if p == nil {
			return docs
		}
		docs = append(docs, p.Number())
	}
}

// TermPostings must give what Bleve's term field reader gives, posting for
// posting (document number, frequency, norm), for every term of every
// field: on many small segments, on postings of several chunks, and with
// deleted documents.
func TestTermPostingsMatchBleve(t *testing.T) {
	small, _ := buildCorpus(t)
	updated, _ := updatedCorpus(t)
	large := chunkedIndex(t)
	type posting struct {
		doc  uint32
		freq uint64
		norm float64
	}
	for name, ix := range map[string]*Index{"corpus": small, "updated": updated, "2000 synthetic records": large} {
		r := shardReader(t, ix)
		terms := map[[2]string]bool{}
		for _, zs := range zapSegments(t, ix) {
			segmentTerms(t, zs, func(field, term string) { terms[[2]string{field, term}] = true })
		}
		n := 0
		for ft := range terms {
			field, term := ft[0], ft[1]
			var got []posting
			ok, err := scorchx.TermPostings(r, field, term, func(doc uint32, freq uint64, norm float64) {
				got = append(got, posting{doc, freq, norm})
			})
			if !ok || err != nil {
				t.Fatalf("%s: TermPostings(%s, %q) = %v, %v", name, field, term, ok, err)
			}
			var want []posting
			eachBlevePosting(t, r, field, term, false, func(d *bindex.TermFieldDoc) {
				num, _ := scorchx.DocNum(d.ID)
				want = append(want, posting{num, d.Freq, d.Norm})
			})
			if len(got) != len(want) {
				t.Errorf("%s: TermPostings(%s, %q) = %d postings; Bleve reads %d", name, field, term, len(got), len(want))
				continue
			}
			for i := range got {
				if got[i] != want[i] && !(math.IsInf(got[i].norm, 1) && math.IsInf(want[i].norm, 1) && got[i].doc == want[i].doc && got[i].freq == want[i].freq) {
					t.Errorf("%s: TermPostings(%s, %q) posting %d = %+v; Bleve reads %+v", name, field, term, i, got[i], want[i])
					break
				}
			}
			n += len(got)
		}
		r.Close()
		t.Logf("%s: %d terms, %d postings", name, len(terms), n)
	}
}

// TermLocations must read what Bleve's term field reader with term
// vectors reads on the documents it lands on (every third document of a
// term's postings), location for location, on many small segments, on
// postings of several chunks, and with deleted documents.
func TestTermLocationsMatchBleve(t *testing.T) {
	updated, _ := updatedCorpus(t)
	large := chunkedIndex(t)
	ctx := context.Background()
	for name, ix := range map[string]*Index{"updated": updated, "2000 synthetic records": large} {
		r := shardReader(t, ix)
		terms := map[string]bool{}
		for _, zs := range zapSegments(t, ix) {
			segmentTerms(t, zs, func(field, term string) {
				if field == record.FieldAnswer || field == record.FieldQuestion {
					terms[field+"\x00"+term] = true
				}
			})
		}
		checked, locs := 0, 0
		for ft := range terms {
			if checked == 300 {
				break
			}
			field, term, _ := strings.Cut(ft, "\x00")
			var docs []uint32
			scorchx.TermPostings(r, field, term, func(doc uint32, _ uint64, _ float64) { docs = append(docs, doc) })
			var land []uint32
			for i := 0; i < len(docs); i += 3 {
				land = append(land, docs[i])
			}
			var got []string
			ok, err := scorchx.TermLocations(r, field, term, land, func(n uint32) {
				got = append(got, fmt.Sprint("doc ", n))
			}, func(pos uint64, arrays []uint64) error {
				got = append(got, fmt.Sprint(pos, arrays))
				return nil
			})
			if !ok || err != nil {
				t.Fatalf("%s: TermLocations(%s, %q) = %v, %v", name, field, term, ok, err)
			}
			var want []string
			tfr, err := r.TermFieldReader(ctx, []byte(term), field, true, true, true)
			if err != nil {
				t.Fatal(err)
			}
			for _, n := range land {
				d, err := tfr.Advance(scorchx.InternalID(n), nil)
				if err != nil || d == nil {
					t.Fatalf("%s: %s:%q: Advance(%d) = %v, %v", name, field, term, n, d, err)
				}
				want = append(want, fmt.Sprint("doc ", n))
				for _, v := range d.Vectors {
					want = append(want, fmt.Sprint(v.Pos, []uint64(v.ArrayPositions)))
				}
			}
			tfr.Close()
			if !slices.Equal(got, want) {
				t.Errorf("%s: TermLocations(%s, %q) = %v; Bleve reads %v", name, field, term, got, want)
			}
			checked++
			locs += len(got)
		}
		r.Close()
		t.Logf("%s: %d terms, %d documents and locations", name, checked, locs)
	}
}

// FindPostings' Count must be the count of Bleve's term field reader, for
// every term of every field, with deleted documents and on many segments,
// and Read what TermPostings reads.
func TestFindPostingsCountMatchesBleve(t *testing.T) {
	small, _ := buildCorpus(t)
	updated, _ := updatedCorpus(t)
	for name, ix := range map[string]*Index{"corpus": small, "updated": updated} {
		r := shardReader(t, ix)
		terms := map[[2]string]bool{{record.FieldQuestion, "no such term"}: true}
		for _, zs := range zapSegments(t, ix) {
			segmentTerms(t, zs, func(field, term string) { terms[[2]string{field, term}] = true })
		}
		for ft := range terms {
			field, term := ft[0], ft[1]
			p, ok, err := scorchx.FindPostings(r, field, term)
			if !ok || err != nil {
				t.Fatalf("%s: FindPostings(%s, %q) = %v, %v", name, field, term, ok, err)
			}
			tfr, err := r.TermFieldReader(context.Background(), []byte(term), field, false, false, false)
			if err != nil {
				t.Fatal(err)
			}
			want := tfr.Count()
			tfr.Close()
			if p.Count() != want {
				t.Errorf("%s: FindPostings(%s, %q).Count() = %d; Bleve counts %d", name, field, term, p.Count(), want)
			}
			var read, all []uint32
			if err := p.Read(func(doc uint32, _ uint64, _ float64) { read = append(read, doc) }); err != nil {
				t.Fatal(err)
			}
			scorchx.TermPostings(r, field, term, func(doc uint32, _ uint64, _ float64) { all = append(all, doc) })
			if uint64(len(read)) != want || !slices.Equal(read, all) {
				t.Errorf("%s: FindPostings(%s, %q).Read = %d documents, TermPostings %d; want the same, %d", name, field, term, len(read), len(all), want)
			}
		}
		r.Close()
	}
}

// eachBlevePosting calls fn with every posting of term in field as
// Bleve's term field reader reads it (frequency, norm, and term vectors
// when vectors), for the tests that hold iq's reads of r to Bleve's. A
// posting is fn's only while it runs: the reader reuses the memory of its
// locations' array positions.
func eachBlevePosting(t *testing.T, r bindex.IndexReader, field, term string, vectors bool, fn func(*bindex.TermFieldDoc)) {
	t.Helper()
	tfr, err := r.TermFieldReader(context.Background(), []byte(term), field, true, true, vectors)
	if err != nil {
		t.Fatal(err)
	}
	defer tfr.Close()
	for {
		d, err := tfr.Next(nil)
		if err != nil {
			t.Fatal(err)
		}
		if d == nil {
			return
		}
		fn(d)
	}
}

// chunkedIndex builds 2,000 synthetic records into one segment: postings
// long enough to span several chunks. Closed when the test ends.
func chunkedIndex(t *testing.T) *Index {
	t.Helper()
	return buildRecords(t, synth.Generate(2000, 7), BuildOptions{Fingerprint: "synth", Segments: 1})
}

// shardReader opens a reader of ix's first shard; the caller closes it.
func shardReader(t *testing.T, ix *Index) bindex.IndexReader {
	t.Helper()
	adv, err := ix.shards[0].Advanced()
	if err != nil {
		t.Fatal(err)
	}
	r, err := adv.Reader()
	if err != nil {
		t.Fatal(err)
	}
	return r
}
