package index

import (
	"bytes"
	"encoding/binary"
	"hash/crc32"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	bindex "github.com/blevesearch/bleve_index_api"
	zap "github.com/blevesearch/zapx/v17"

	"github.com/iq-search/iq/index/internal/scorchx"
	"github.com/iq-search/iq/index/synth"
)

// TestNewSegmentMatchesZap builds segments of iq's documents with
// scorchx.NewSegment and with zap v17's own builder, as scorch would
// (the ID field added, every indexed field analysed), and compares the
// segment files byte for byte. zap writes each field's section addresses
// in its map order of sections, which varies from run to run, so both
// files have those pairs put in order first, and the CRC that covers them
// is checked on its own. The batches: the embedded corpus, synthetic
// records in several languages (the language fields, answers of several
// values), and 3,000 records in one segment, where a common term's
// postings span several chunks.
func TestNewSegmentMatchesZap(t *testing.T) {
	im, _, err := NewMapping(DefaultSynonyms())
	if err != nil {
		t.Fatal(err)
	}
	corpus := loadCorpus(t)
	batches := map[string][]int{}
	recs := slices.Clone(corpus)
	batches["corpus"] = []int{0, len(recs)}
	many := synth.Generate(3000, 3)
	batches["synth-3000"] = []int{len(recs), len(recs) + len(many)}
	recs = append(recs, many...)
	for i := 0; i < 5; i++ {
		small := synth.Generate(37+i*50, int64(10+i))
		for j := range small {
			if j%3 == 0 { // the language fields
				small[j].Lang = []string{"de", "fr", "ru", "es", "it"}[(i+j)%5]
			}
		}
		batches["synth-small-"+string(rune('a'+i))] = []int{len(recs), len(recs) + len(small)}
		recs = append(recs, small...)
	}
	dir := t.TempDir()
	zp := &zap.ZapPlugin{}
	for name, span := range batches {
		// Each builder gets documents of its own: zap's merges a field's
		// second value into the first's token frequencies in place.
		mapped := func() (docs []bindex.Document, multi, langs int) {
			rm := newRecordMapper(im)
			for _, r := range uniqueRecords(recs[span[0]:span[1]]) {
				d, err := rm.document(r)
				if err != nil {
					t.Fatal(err)
				}
				d.AddIDField()
				d.VisitFields(func(f bindex.Field) {
					if f.Options().IsIndexed() {
						f.Analyze()
					}
				})
				seen := map[string]bool{}
				for _, f := range d.Fields {
					if seen[f.Name()] && f.Name() == "answer" {
						multi++
					}
					seen[f.Name()] = true
					if strings.HasPrefix(f.Name(), "answer_") {
						langs++
					}
				}
				docs = append(docs, d)
			}
			return docs, multi, langs
		}
		docs, multi, langs := mapped()
		t.Logf("%s: %d documents, %d second answers, %d language answers", name, len(docs), multi, langs)
		want, _, err := zp.New(docs)
		if err != nil {
			t.Fatal(err)
		}
		docs, _, _ = mapped()
		got, _, err := scorchx.NewSegment(docs)
		if err != nil {
			t.Fatal(err)
		}
		wf, gf := filepath.Join(dir, name+".zap"), filepath.Join(dir, name+".iq")
		if err := zap.PersistSegmentBase(want.(*zap.SegmentBase), wf); err != nil {
			t.Fatal(err)
		}
		if err := zap.PersistSegmentBase(got.(*zap.SegmentBase), gf); err != nil {
			t.Fatal(err)
		}
		wb, gb := readSegmentFile(t, wf), readSegmentFile(t, gf)
		if !bytes.Equal(wb, gb) {
			i := 0
			for i < min(len(wb), len(gb)) && wb[i] == gb[i] {
				i++
			}
			t.Fatalf("%s: NewSegment wrote %d bytes, zap %d; first difference at byte %d (stored index at %d): got %x want %x", name, len(gb), len(wb), i, binary.BigEndian.Uint64(wb[len(wb)-24+4-8:]), gb[max(0, i-20):i+40], wb[max(0, i-20):i+40])
		}
	}
}

// readSegmentFile reads a zap v17 segment file with every field's section
// pairs sorted by section type and its CRC (checked) left out.
func readSegmentFile(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	// The footer's end: ... sections index offset (8), chunk mode (4),
	// version (4), CRC (4).
	n := len(b)
	crc := binary.BigEndian.Uint32(b[n-4:])
	sections := binary.BigEndian.Uint64(b[n-20 : n-12])
	if sum := crc32.ChecksumIEEE(b[:n-4]); sum != crc {
		t.Fatalf("%s: CRC %08x; its bytes sum to %08x", path, crc, sum)
	}
	body := slices.Clone(b[:n-4])
	p := int(sections)
	nf, w := binary.Uvarint(body[p:])
	p += w
	for range nf {
		off := int(binary.BigEndian.Uint64(body[p:]))
		p += 8
		q := off
		l, w := binary.Uvarint(body[q:])
		q += w + int(l)
		_, w = binary.Uvarint(body[q:])
		q += w
		ns, w := binary.Uvarint(body[q:])
		q += w
		pairs := make([][]byte, ns)
		for i := range pairs {
			pairs[i] = slices.Clone(body[q+10*i : q+10*i+10])
		}
		slices.SortFunc(pairs, func(x, y []byte) int { return bytes.Compare(x[:2], y[:2]) })
		for i, pr := range pairs {
			copy(body[q+10*i:], pr)
		}
	}
	return body
}
