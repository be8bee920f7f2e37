package scorchx

import (
	"bytes"
	"encoding/binary"
	"hash/crc32"
	"math"
	"slices"
	"strings"
	"unsafe"

	"github.com/RoaringBitmap/roaring/v2"
	"github.com/blevesearch/bleve/v2/document"
	"github.com/blevesearch/bleve/v2/index/scorch"
	bindex "github.com/blevesearch/bleve_index_api"
	segment "github.com/blevesearch/scorch_segment_api/v2"
	"github.com/blevesearch/vellum"
	zap "github.com/blevesearch/zapx/v17"
	"github.com/golang/snappy"
)

// Direct marks a field whose documents scorch's new segments are built
// from by NewSegment instead of zap's own builder: a batch is built
// directly when one of its fields is Direct and every field is a plain
// indexed or stored one (document.TextField or a Direct field). Bleve's
// own documents (the reference indexes of the tests) never are.
type Direct interface {
	// DirectTokenFreqs is what AnalyzedTokenFrequencies maps by term,
	// without the map.
	DirectTokenFreqs() []bindex.TokenFreq
}

// plugin is zap v17 with its New replaced by NewSegment for iq's batches.
// It has zap's type and version: the segments it makes are zap v17's,
// byte for byte (TestNewSegmentMatchesZap), and zapx opens and merges
// them.
type plugin struct {
	*zap.ZapPlugin
}

func init() {
	// The default plugin, replaced for zap v17 under its own name: every
	// scorch index of the process builds its new segments through it,
	// and a batch without a Direct field goes to zap's builder.
	scorch.RegisterSegmentPlugin(plugin{&zap.ZapPlugin{}}, true)
}

func (p plugin) New(results []bindex.Document) (segment.Segment, uint64, error) {
	return p.NewUsing(results, nil)
}

func (p plugin) NewUsing(results []bindex.Document, config map[string]any) (segment.Segment, uint64, error) {
	if direct(results) {
		return newSegment(results, config)
	}
	return p.ZapPlugin.NewUsing(results, config)
}

// NewSegment builds the in-memory zap v17 segment zap's New builds from
// results, when direct(results); the bytes are zap's. Exported for the
// tests.
func NewSegment(results []bindex.Document) (segment.Segment, uint64, error) {
	return newSegment(results, nil)
}

// direct reports whether results are iq's documents NewSegment builds:
// no nested documents, no composite fields, every field a TextField or a
// Direct field, one at least Direct.
func direct(results []bindex.Document) bool {
	any := false
	for _, r := range results {
		d, ok := r.(*document.Document)
		if !ok || len(d.NestedDocuments) > 0 || len(d.CompositeFields) > 0 {
			return false
		}
		for _, f := range d.Fields {
			switch f.(type) {
			case *document.TextField:
			case Direct:
				any = true
			default:
				return false
			}
		}
	}
	return any
}

// Why NewSegment: zap's builder (zapx v17's interim and its inverted
// text section) walks every field's term map three times (to count, to
// add each document to a roaring bitmap, then a lookup per term when
// writing), merges a field's second value into the first's map, and
// appends every posting's term to a per-document buffer for doc values
// whether the field has them or not: half of the engine build's CPU
// (BENCHMARKS.md, "The engine build's CPU, session 10"). NewSegment looks
// each (document, field, term) up once, keeps the postings in arrays in
// arrival order, groups them by term with a counting sort, and writes the
// same bytes: the stored fields, then each field's postings (the chunked
// frequencies and norms, the locations, the roaring bitmap), its FST and
// doc values, then the fields section. The writing follows zapx v17.2.5
// (new.go, section_inverted_text_index.go, intcoder.go,
// contentcoder.go, write.go; Apache License 2.0); a change there shows in
// TestNewSegmentMatchesZap. What it leaves out: zap's counts of new
// documents in scorch's statistics (nothing of iq reads them) and its
// ValidateDocFields hook (unset). Measured: BENCHMARKS.md, "The engine
// build's new segments written by iq".

// chunkMode is zap's DefaultChunkMode, the one its New uses.
const chunkMode = 1026

// sectionTypes are the sections zapx v17 registers without the vectors
// build tag (the inverted text index, synonyms, geo shapes): each field
// of the fields section names its address in each, zero where it has
// none.
var sectionTypes = []uint16{zap.SectionInvertedTextIndex, zap.SectionSynonymIndex, zap.SectionGeoShapeV2Index}

const fieldNotUninverted = math.MaxUint64

// posting is one document's entry in a term's postings.
type posting struct {
	pid    int32 // the term's
	doc    uint32
	freq   uint32
	norm   uint32 // float32 bits
	loc    int32  // its locations in segBuilder.locs, as zap writes them
	locLen int32  // 0: none
}

// termRef is a term of a field with its postings id.
type termRef struct {
	term string
	pid  int32
}

type fieldRef struct {
	id    uint16
	field bindex.Field
}

// segBuilder holds the working memory of NewSegment, reused (pooled).
type segBuilder struct {
	fieldsMap  map[string]uint16 // name → id
	fieldsInv  []string
	fieldsOpts []bindex.FieldIndexingOptions
	docValues  []bool
	remap      []uint16 // definition order → id

	dicts  [][]termRef        // field → its terms, in pid order, then sorted
	index  []map[string]int32 // field → term → pid
	count  []int32            // pid → its postings
	posts  []posting          // arrival order (document-major)
	locs   []byte             // the postings' locations, encoded, in arrival order
	enc    []byte             // a posting's locations being encoded
	order  []int32            // posts grouped by pid (a counting sort)
	start  []int32            // pid → its first in order
	merge  map[string]int32   // a term's index in mposts
	mposts []mergedPosting

	fields  []fieldRef // a document's, by id
	lens    []int      // field → its length in the document
	docTerm [][]byte
	docs    []uint32
	bm      *roaring.Bitmap
	addrs   []uint64
	offsets []uint64

	out        *bytes.Buffer
	lastSize   int
	lastDocs   int
	meta, data []byte
	compressed []byte
	buf        []byte
	tf, lc     intCoder
	dv         contentCoder
	fst        *vellum.Builder
	fstBuf     bytes.Buffer
}

// mergedPosting is a term of a field with several values in one
// document, as zap's TokenFrequencies.MergeAll makes it.
type mergedPosting struct {
	term string
	freq int
	locs []*bindex.TokenLocation
}

// builders are the segBuilders not in use: a few, kept across
// collections (a sync.Pool drops them at each, and a batch's builder then
// grows its arrays from nothing again: a tenth of NewSegment's CPU).
var builders = make(chan *segBuilder, 4)

func getBuilder() *segBuilder {
	select {
	case b := <-builders:
		return b
	default:
		return &segBuilder{fieldsMap: map[string]uint16{}, merge: map[string]int32{}, bm: roaring.New()}
	}
}

func putBuilder(b *segBuilder) {
	select {
	case builders <- b:
	default:
	}
}

func newSegment(results []bindex.Document, config map[string]any) (segment.Segment, uint64, error) {
	b := getBuilder()
	stats, _ := config[segment.StatsKey].(*segment.Stats)
	if stats == nil {
		stats = new(segment.Stats)
	}
	b.defineFields(results)
	b.invert(results)
	// As zap's: a buffer the segment keeps, sized from the last one's
	// bytes per document.
	size := 1 << 20
	if b.lastDocs > 0 {
		size = b.lastSize/b.lastDocs*len(results) + b.lastSize/8
	}
	b.out = bytes.NewBuffer(make([]byte, 0, size))
	storedIndexOffset := b.writeStored(results)
	if err := b.writeFields(len(results)); err != nil {
		return nil, 0, err
	}
	sectionsIndexOffset := b.writeFieldsSection()
	mem := b.out.Bytes()
	b.lastSize, b.lastDocs = len(mem), len(results)
	b.reset()
	putBuilder(b)
	sb, err := zap.InitSegmentBase(mem, crc32.ChecksumIEEE(mem), chunkMode, uint64(len(results)),
		storedIndexOffset, sectionsIndexOffset, config, stats)
	if err != nil {
		return nil, 0, err
	}
	return sb, uint64(len(mem)), nil
}

// reset drops what refers to the batch's documents and keeps the memory.
func (b *segBuilder) reset() {
	clear(b.fieldsMap)
	b.fieldsInv = b.fieldsInv[:0]
	b.fieldsOpts = b.fieldsOpts[:0]
	b.docValues = b.docValues[:0]
	for i := range b.dicts {
		clear(b.dicts[i])
		b.dicts[i] = b.dicts[i][:0]
		clear(b.index[i])
	}
	b.count = b.count[:0]
	clear(b.posts)
	b.posts = b.posts[:0]
	b.locs = b.locs[:0]
	clear(b.fields)
	b.fields = b.fields[:0]
	clear(b.merge)
	for i := range b.mposts {
		b.mposts[i] = mergedPosting{locs: b.mposts[i].locs[:0]}
	}
	b.mposts = b.mposts[:0]
	for i := range b.docTerm {
		b.docTerm[i] = b.docTerm[i][:0]
	}
	b.out = nil
}

// defineFields numbers the fields as zap does: _id first, then the others
// by name; a field's options are those of its values or'ed.
func (b *segBuilder) defineFields(results []bindex.Document) {
	define := func(name string, opts bindex.FieldIndexingOptions) {
		id, ok := b.fieldsMap[name]
		if !ok {
			id = uint16(len(b.fieldsInv))
			b.fieldsMap[name] = id
			b.fieldsInv = append(b.fieldsInv, name)
			b.fieldsOpts = append(b.fieldsOpts, 0)
			b.docValues = append(b.docValues, false)
		}
		b.fieldsOpts[id] |= opts
		if opts.IncludeDocValues() {
			b.docValues[id] = true
		}
	}
	define("_id", bindex.IndexField|bindex.StoreField)
	for _, r := range results {
		r.VisitFields(func(f bindex.Field) { define(f.Name(), f.Options()) })
	}
	// Sort the names after _id, carrying the options along.
	n := len(b.fieldsInv)
	b.remap = slices.Grow(b.remap[:0], n)[:n]
	type named struct {
		name string
		opts bindex.FieldIndexingOptions
		dv   bool
	}
	all := make([]named, n)
	for i, name := range b.fieldsInv {
		all[i] = named{name, b.fieldsOpts[i], b.docValues[i]}
	}
	slices.SortFunc(all[1:], func(x, y named) int { return strings.Compare(x.name, y.name) })
	for i, f := range all {
		b.fieldsInv[i], b.fieldsOpts[i], b.docValues[i] = f.name, f.opts, f.dv
		b.fieldsMap[f.name] = uint16(i)
	}
	for len(b.dicts) < n {
		b.dicts = append(b.dicts, nil)
		b.index = append(b.index, map[string]int32{})
	}
	b.lens = slices.Grow(b.lens[:0], n)[:n]
	clear(b.lens)
}

// invert reads every document's fields into postings and locations.
func (b *segBuilder) invert(results []bindex.Document) {
	for docNum, r := range results {
		b.fields = b.fields[:0]
		r.VisitFields(func(f bindex.Field) {
			id := b.fieldsMap[f.Name()]
			b.fields = append(b.fields, fieldRef{id, f})
			b.lens[id] += f.AnalyzedLength()
		})
		// By id, the values of a field in their order.
		slices.SortStableFunc(b.fields, func(x, y fieldRef) int { return int(x.id) - int(y.id) })
		for i := 0; i < len(b.fields); {
			j := i + 1
			for j < len(b.fields) && b.fields[j].id == b.fields[i].id {
				j++
			}
			id := b.fields[i].id
			norm := uint32(b.lens[id])
			b.lens[id] = 0
			if j > i+1 {
				b.addMerged(id, uint32(docNum), norm, b.fields[i:j])
			} else if df, ok := b.fields[i].field.(Direct); ok {
				list := df.DirectTokenFreqs()
				for k := range list {
					tf := &list[k]
					b.add(id, uint32(docNum), termString(tf.Term), tf.Frequency(), norm, tf.Locations)
				}
			} else {
				for term, tf := range b.fields[i].field.AnalyzedTokenFrequencies() {
					b.add(id, uint32(docNum), term, tf.Frequency(), norm, tf.Locations)
				}
			}
			i = j
		}
	}
	// Group the postings by term, keeping the document order.
	b.start = slices.Grow(b.start[:0], len(b.count))[:len(b.count)]
	var off int32
	for pid, n := range b.count {
		b.start[pid] = off
		off += n
	}
	b.order = slices.Grow(b.order[:0], len(b.posts))[:len(b.posts)]
	next := append([]int32(nil), b.start...)
	for i := range b.posts {
		pid := b.posts[i].pid
		b.order[next[pid]] = int32(i)
		next[pid]++
	}
}

// add is a term of field id in document doc.
func (b *segBuilder) add(id uint16, doc uint32, term string, freq int, norm uint32, locs []*bindex.TokenLocation) {
	m := b.index[id]
	pid, ok := m[term]
	if !ok {
		pid = int32(len(b.count))
		m[term] = pid
		b.dicts[id] = append(b.dicts[id], termRef{term, pid})
		b.count = append(b.count, 0)
	}
	b.count[pid]++
	p := posting{pid: pid, doc: doc, freq: uint32(freq), norm: norm}
	if len(locs) > 0 {
		// What zap's writeDicts writes of them: their size, then each
		// location's field, position, offsets and array positions. Kept
		// encoded, the writing copies a posting's locations in one piece
		// (it reads the postings a term at a time, from all over the
		// batch: a cache miss each).
		enc := b.enc[:0]
		for _, l := range locs {
			f := id
			if l.Field != "" {
				f = b.fieldsMap[l.Field]
			}
			enc = binary.AppendUvarint(enc, uint64(f))
			enc = binary.AppendUvarint(enc, uint64(l.Position))
			enc = binary.AppendUvarint(enc, uint64(l.Start))
			enc = binary.AppendUvarint(enc, uint64(l.End))
			enc = binary.AppendUvarint(enc, uint64(len(l.ArrayPositions)))
			for _, ap := range l.ArrayPositions {
				enc = binary.AppendUvarint(enc, ap)
			}
		}
		b.enc = enc
		p.loc = int32(len(b.locs))
		b.locs = binary.AppendUvarint(b.locs, uint64(len(enc)))
		b.locs = append(b.locs, enc...)
		p.locLen = int32(len(b.locs)) - p.loc
	}
	b.posts = append(b.posts, p)
}

// addMerged is the values of field id in document doc, their terms'
// frequencies added and locations in the values' order, as zap's
// TokenFrequencies.MergeAll gives them.
func (b *segBuilder) addMerged(id uint16, doc uint32, norm uint32, values []fieldRef) {
	clear(b.merge)
	n := 0
	each := func(v bindex.Field, fn func(term string, tf *bindex.TokenFreq)) {
		if df, ok := v.(Direct); ok {
			list := df.DirectTokenFreqs()
			for k := range list {
				fn(termString(list[k].Term), &list[k])
			}
			return
		}
		for term, tf := range v.AnalyzedTokenFrequencies() {
			fn(term, tf)
		}
	}
	for _, v := range values {
		each(v.field, func(term string, tf *bindex.TokenFreq) {
			k, ok := b.merge[term]
			if !ok {
				k = int32(n)
				b.merge[term] = k
				if n == len(b.mposts) {
					b.mposts = append(b.mposts, mergedPosting{})
				}
				b.mposts[n] = mergedPosting{term: term, locs: b.mposts[n].locs[:0]}
				n++
			}
			b.mposts[k].freq += tf.Frequency()
			b.mposts[k].locs = append(b.mposts[k].locs, tf.Locations...)
		})
	}
	for _, mp := range b.mposts[:n] {
		b.add(id, doc, mp.term, mp.freq, norm, mp.locs)
	}
	for i := range b.mposts[:n] {
		clear(b.mposts[i].locs)
	}
}

// termString is a term's bytes as a string, without a copy: the terms of
// a batch's documents are not modified while its segment is built.
func termString(b []byte) string { return unsafe.String(unsafe.SliceData(b), len(b)) }

// writeStored writes the stored fields as zap's writeStoredFields does
// and returns the offset of their index.
func (b *segBuilder) writeStored(results []bindex.Document) uint64 {
	b.offsets = slices.Grow(b.offsets[:0], len(results))[:len(results)]
	for docNum, r := range results {
		b.fields = b.fields[:0]
		r.VisitFields(func(f bindex.Field) {
			if f.Options().IsStored() {
				b.fields = append(b.fields, fieldRef{b.fieldsMap[f.Name()], f})
			}
		})
		slices.SortStableFunc(b.fields, func(x, y fieldRef) int { return int(x.id) - int(y.id) })
		var id []byte
		b.meta, b.data = b.meta[:0], b.data[:0]
		for _, f := range b.fields {
			if f.id == 0 {
				if id == nil {
					id = f.field.Value()
				}
				continue
			}
			v, ap := f.field.Value(), f.field.ArrayPositions()
			b.meta = binary.AppendUvarint(b.meta, uint64(f.id))
			b.meta = binary.AppendUvarint(b.meta, uint64(f.field.EncodedFieldType()))
			b.meta = binary.AppendUvarint(b.meta, uint64(len(b.data)))
			b.meta = binary.AppendUvarint(b.meta, uint64(len(v)))
			b.meta = binary.AppendUvarint(b.meta, uint64(len(ap)))
			for _, p := range ap {
				b.meta = binary.AppendUvarint(b.meta, p)
			}
			b.data = append(b.data, v...)
		}
		meta := binary.AppendUvarint(nil, uint64(len(id)))
		meta = append(meta, b.meta...)
		b.compressed = snappy.Encode(b.compressed[:cap(b.compressed)], b.data)
		b.offsets[docNum] = uint64(b.out.Len())
		b.buf = binary.AppendUvarint(b.buf[:0], uint64(len(meta)))
		b.buf = binary.AppendUvarint(b.buf, uint64(len(id)+len(b.compressed)))
		b.out.Write(b.buf)
		b.out.Write(meta)
		b.out.Write(id)
		b.out.Write(b.compressed)
	}
	storedIndexOffset := uint64(b.out.Len())
	for _, o := range b.offsets {
		b.buf = binary.BigEndian.AppendUint64(b.buf[:0], o)
		b.out.Write(b.buf)
	}
	b.out.WriteByte(0) // no nested documents: an empty edge list
	return storedIndexOffset
}

func (b *segBuilder) uvarint(v uint64) {
	b.buf = binary.AppendUvarint(b.buf[:0], v)
	b.out.Write(b.buf)
}

// writeFields writes each field's postings, dictionary and doc values as
// zap's writeDicts does.
func (b *segBuilder) writeFields(numDocs int) error {
	b.addrs = slices.Grow(b.addrs[:0], len(b.fieldsInv))[:len(b.fieldsInv)]
	if numDocs == 0 {
		clear(b.addrs)
		return nil
	}
	maxDocNum := uint64(numDocs - 1)
	if b.fst == nil {
		var err error
		if b.fst, err = vellum.New(&b.fstBuf, vellumOpts); err != nil {
			return err
		}
	}
	for len(b.docTerm) < numDocs {
		b.docTerm = append(b.docTerm, nil)
	}
	for id := range b.fieldsInv {
		terms := b.dicts[id]
		slices.SortFunc(terms, func(x, y termRef) int { return strings.Compare(x.term, y.term) })
		dv := b.docValues[id]
		for _, t := range terms {
			n := b.count[t.pid]
			chunk := uint64(numDocs) / (uint64(n)/1024 + 1) // zap's chunk mode 1026
			b.tf.setChunkSize(chunk, maxDocNum)
			b.lc.setChunkSize(chunk, maxDocNum)
			b.docs = b.docs[:0]
			for _, k := range b.order[b.start[t.pid] : b.start[t.pid]+n] {
				p := &b.posts[k]
				d := uint64(p.doc)
				b.docs = append(b.docs, p.doc)
				hasLocs := uint64(0)
				if p.locLen > 0 {
					hasLocs = 1
				}
				if p.freq > 0 {
					b.tf.add(d, uint64(p.freq)<<1|hasLocs)
					b.tf.add(d, uint64(p.norm))
				} else {
					b.tf.add(d, hasLocs)
				}
				if p.locLen > 0 {
					b.lc.addBytes(d, b.locs[p.loc:p.loc+p.locLen])
				}
				if dv {
					b.docTerm[d] = append(append(b.docTerm[d], t.term...), bindex.DocValueTermSeparator)
				}
			}
			b.tf.close()
			b.lc.close()
			// writePostings
			tfOffset := b.tf.writeAt(b)
			locOffset := b.lc.writeAt(b)
			postingsOffset := uint64(b.out.Len())
			b.uvarint(tfOffset)
			b.uvarint(locOffset)
			if err := b.writeBitmap(); err != nil {
				return err
			}
			if err := b.fst.Insert(unsafe.Slice(unsafe.StringData(t.term), len(t.term)), postingsOffset); err != nil {
				return err
			}
			b.tf.reset()
			b.lc.reset()
		}
		if err := b.fst.Close(); err != nil {
			return err
		}
		dictOffset := uint64(b.out.Len())
		b.uvarint(uint64(b.fstBuf.Len()))
		b.out.Write(b.fstBuf.Bytes())
		b.fstBuf.Reset()
		if err := b.fst.Reset(&b.fstBuf); err != nil {
			return err
		}
		dvStart, dvEnd := uint64(fieldNotUninverted), uint64(fieldNotUninverted)
		if dv {
			opts := b.fieldsOpts[id]
			size := uint64(1024) // zap's LegacyChunkMode, as its doc values keep
			if opts.SkipDVChunking() {
				size = 1
			}
			b.dv.init(size, maxDocNum, opts.SkipDVCompression())
			for d, terms := range b.docTerm[:numDocs] {
				if len(terms) > 0 {
					b.dv.add(uint64(d), terms)
				}
				b.docTerm[d] = terms[:0]
			}
			b.dv.flush()
			dvStart = uint64(b.out.Len())
			b.dv.write(b.out)
			dvEnd = uint64(b.out.Len())
		}
		b.addrs[id] = uint64(b.out.Len())
		b.uvarint(dvStart)
		b.uvarint(dvEnd)
		b.uvarint(dictOffset)
	}
	return nil
}

// writeBitmap writes b.docs as roaring's ToBytes does, with its length
// before it. Documents below 65536, at most 4096 of them, make one array
// container, written here; other sets go through roaring.
func (b *segBuilder) writeBitmap() error {
	n := len(b.docs)
	if n == 0 || n > 4096 || b.docs[n-1] >= 1<<16 {
		b.bm.Clear()
		b.bm.AddMany(b.docs)
		bm, err := b.bm.ToBytes()
		if err != nil {
			return err
		}
		b.uvarint(uint64(len(bm)))
		b.out.Write(bm)
		return nil
	}
	// The cookie without run containers (12346), one container, its key
	// (0) and cardinality less one, its offset, then its values.
	b.uvarint(uint64(16 + 2*n))
	b.buf = binary.LittleEndian.AppendUint32(b.buf[:0], 12346)
	b.buf = binary.LittleEndian.AppendUint32(b.buf, 1)
	b.buf = binary.LittleEndian.AppendUint16(b.buf, 0)
	b.buf = binary.LittleEndian.AppendUint16(b.buf, uint16(n-1))
	b.buf = binary.LittleEndian.AppendUint32(b.buf, 16)
	for _, d := range b.docs {
		b.buf = binary.LittleEndian.AppendUint16(b.buf, uint16(d))
	}
	b.out.Write(b.buf)
	return nil
}

// writeFieldsSection writes the fields section (zap's
// persistFieldsSection) and returns its offset.
func (b *segBuilder) writeFieldsSection() uint64 {
	b.offsets = b.offsets[:0]
	for id, name := range b.fieldsInv {
		b.offsets = append(b.offsets, uint64(b.out.Len()))
		b.uvarint(uint64(len(name)))
		b.out.WriteString(name)
		b.uvarint(uint64(b.fieldsOpts[id]))
		b.uvarint(uint64(len(sectionTypes)))
		for _, st := range sectionTypes {
			var addr uint64
			if st == zap.SectionInvertedTextIndex {
				addr = b.addrs[id]
			}
			b.buf = binary.BigEndian.AppendUint16(b.buf[:0], st)
			b.buf = binary.BigEndian.AppendUint64(b.buf, addr)
			b.out.Write(b.buf)
		}
	}
	off := uint64(b.out.Len())
	b.uvarint(uint64(len(b.fieldsInv)))
	for _, o := range b.offsets {
		b.buf = binary.BigEndian.AppendUint64(b.buf[:0], o)
		b.out.Write(b.buf)
	}
	return off
}

// vellumOpts are zap's vellumBuilderOpts.
var vellumOpts = &vellum.BuilderOpts{Encoder: 1, RegistryTableSize: 0, RegistryMRUSize: 1}

// intCoder is zap's chunkedIntCoder: varints in chunks of documents.
type intCoder struct {
	final      []byte
	chunkSize  uint64
	chunkLens  []uint64
	cur        uint64
	chunkStart int
	buf        []byte
}

func (c *intCoder) setChunkSize(size, maxDocNum uint64) {
	c.chunkSize = size
	n := int(maxDocNum/size + 1)
	c.chunkLens = slices.Grow(c.chunkLens[:0], n)[:n]
	clear(c.chunkLens)
}

func (c *intCoder) add(doc, v uint64) {
	if chunk := doc / c.chunkSize; chunk != c.cur {
		c.chunkLens[c.cur] = uint64(len(c.final) - c.chunkStart)
		c.chunkStart = len(c.final)
		c.cur = chunk
	}
	c.final = binary.AppendUvarint(c.final, v)
}

// addBytes is varints already encoded, of document doc.
func (c *intCoder) addBytes(doc uint64, enc []byte) {
	if chunk := doc / c.chunkSize; chunk != c.cur {
		c.chunkLens[c.cur] = uint64(len(c.final) - c.chunkStart)
		c.chunkStart = len(c.final)
		c.cur = chunk
	}
	c.final = append(c.final, enc...)
}

func (c *intCoder) close() {
	c.chunkLens[c.cur] = uint64(len(c.final) - c.chunkStart)
}

func (c *intCoder) reset() {
	c.final = c.final[:0]
	c.cur = 0
	c.chunkStart = 0
}

// writeAt writes the chunks' end offsets and the chunks, and returns
// where they start; 0 (zap's termNotEncoded) when there is nothing.
func (c *intCoder) writeAt(b *segBuilder) uint64 {
	if len(c.final) == 0 {
		return 0
	}
	start := uint64(b.out.Len())
	c.buf = binary.AppendUvarint(c.buf[:0], uint64(len(c.chunkLens)))
	var end uint64
	for _, n := range c.chunkLens {
		end += n
		c.buf = binary.AppendUvarint(c.buf, end)
	}
	b.out.Write(c.buf)
	b.out.Write(c.final)
	return start
}

// contentCoder is zap's chunkedContentCoder as writeDicts uses it (no
// progressive writes, no writer callback).
type contentCoder struct {
	final      []byte
	chunkSize  uint64
	currChunk  uint64
	chunkLens  []uint64
	compressed []byte
	skipComp   bool
	metaDocs   []uint64
	metaEnds   []uint64
	chunkMeta  []byte
	chunkBuf   []byte
	buf        []byte
}

func (c *contentCoder) init(size, maxDocNum uint64, skipCompression bool) {
	c.chunkSize = size
	n := int(maxDocNum/size + 1)
	c.chunkLens = slices.Grow(c.chunkLens[:0], n)[:n]
	clear(c.chunkLens)
	c.currChunk = 0
	c.final = c.final[:0]
	c.skipComp = skipCompression
	c.metaDocs, c.metaEnds = c.metaDocs[:0], c.metaEnds[:0]
	c.chunkMeta, c.chunkBuf = c.chunkMeta[:0], c.chunkBuf[:0]
}

func (c *contentCoder) flush() {
	metaLen := 0
	if c.chunkSize != 1 {
		c.chunkMeta = binary.AppendUvarint(c.chunkMeta, uint64(len(c.metaDocs)))
		for i, d := range c.metaDocs {
			c.chunkMeta = binary.AppendUvarint(c.chunkMeta, d)
			c.chunkMeta = binary.AppendUvarint(c.chunkMeta, c.metaEnds[i])
		}
		c.final = append(c.final, c.chunkMeta...)
		metaLen = len(c.chunkMeta)
	}
	var comp []byte
	if c.skipComp {
		comp = c.chunkBuf
	} else {
		c.compressed = snappy.Encode(c.compressed[:cap(c.compressed)], c.chunkBuf)
		comp = c.compressed
	}
	c.final = append(c.final, comp...)
	c.chunkLens[c.currChunk] = uint64(len(comp) + metaLen)
}

func (c *contentCoder) add(doc uint64, v []byte) {
	if chunk := doc / c.chunkSize; chunk != c.currChunk {
		c.flush()
		c.chunkBuf = c.chunkBuf[:0]
		c.chunkMeta = c.chunkMeta[:0]
		c.metaDocs, c.metaEnds = c.metaDocs[:0], c.metaEnds[:0]
		c.currChunk = chunk
	}
	c.chunkBuf = append(c.chunkBuf, v...)
	c.metaDocs = append(c.metaDocs, doc)
	c.metaEnds = append(c.metaEnds, uint64(len(c.chunkBuf)))
}

func (c *contentCoder) write(w *bytes.Buffer) {
	w.Write(c.final)
	c.buf = c.buf[:0]
	var end uint64
	for _, n := range c.chunkLens {
		end += n
		c.buf = binary.AppendUvarint(c.buf, end)
	}
	w.Write(c.buf)
	var tail [16]byte
	binary.BigEndian.PutUint64(tail[:8], uint64(len(c.buf)))
	binary.BigEndian.PutUint64(tail[8:], uint64(len(c.chunkLens)))
	w.Write(tail[:])
}
