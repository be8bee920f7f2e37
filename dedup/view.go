package dedup

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"slices"
	"sync"
	"unsafe"
)

// view is an Index's features read in place from their encoding (formats
// 4 to 6, MarshalFeatures): a server opening an index of a million records
// decoded every record's features before it could answer similar or
// dups (6.3 of its 15 CPU-s of start-up, issue 15); a view decodes the
// small head of the encoding (the weights, the digest of the IDs, the
// levels and topics, the clusters) and checks that its arrays' offsets stay inside it, and a
// record's features are decoded when the record is scored. The arrays are
// fixed-width, little-endian and aligned to 8 bytes, used where they lie
// on a little-endian machine (copied elsewhere).
type view struct {
	n int
	// format is the encoding's (4, 5 or 6).
	format uint64
	// Record i's features are blobs[recAt[i]:recAt[i+1]] (MarshalFeatures
	// says what they hold), its ID ids[idAt[i]:idAt[i+1]], its question
	// qs[qAt[i]:qAt[i+1]].
	recAt, idAt, qAt offs
	blobs, ids, qs   []byte
	// byID are the records in the order of their IDs (lookup).
	byID []uint32
	// postKey are the question tokens (and a generic question's answer
	// tokens), sorted; the records holding postKey[k] are
	// postPos[postAt[k]:postAt[k+1]] (buildPostings).
	postKey []uint64
	postAt  offs
	postPos []int32
	// Format 6: the words records point into, word k being
	// words[wordAt[k]:wordAt[k+1]] with its place in the vocabulary plus
	// one (0: none) wordPlace[k]; the tokens' families.
	wordAt    offs
	words     []byte
	wordPlace []uint32
	fams      []uint64
	// heapWords are the words copied out of the encoding, made on first
	// use (heap), for features that outlive a call (view.feat).
	heapOnce  sync.Once
	heapWords []string
	// levels and topics are what the records' levels and topics index;
	// topicName is each topic's name as features give it (topicsOf).
	levels, topics, topicName []string
	vocab                     []uint64
	idf                       []float64
	// digest is the digest of the records' IDs stored with them
	// (record.IDDigest; "" in format 4).
	digest string

	// edges are the stored edges' encoding, decoded on first use
	// (Index.loadEdges).
	edges     []byte
	edgesOnce sync.Once
	edgesErr  error

	// all is the Index with every record's features decoded (whole).
	allOnce sync.Once
	all     *Index
}

// loadView reads features of the current format (or of format 5, or 4
// without the IDs' digest); r is past the options' hash.
func loadView(ctx context.Context, r *decoder, data []byte, opts Options, format uint64) (*Index, error) {
	st := &Stats{n: int(r.uint())}
	nv := r.count(2)
	st.vocab, st.dfs = make([]uint64, nv), make([]int32, nv)
	prev := uint64(0)
	for i := range nv {
		prev += r.uint()
		st.vocab[i], st.dfs[i] = prev, int32(r.uint())
		if i > 0 && prev <= st.vocab[i-1] {
			r.fail()
			break
		}
	}
	idf := make([]float64, nv)
	for i, h := range st.vocab {
		idf[i] = st.idf(h)
	}
	r.headTail(st)
	// Each record takes 28 bytes of the arrays at least.
	v := &view{n: r.count(16), vocab: st.vocab, idf: idf, format: format}
	if format >= featuresFormat5 {
		v.digest = r.str()
	}
	v.levels = r.strs()
	nt := r.count(2)
	v.topics, v.topicName = make([]string, nt), make([]string, nt)
	for k := range nt {
		v.topics[k], v.topicName[k] = r.str(), r.str()
	}
	clusters := r.bytes()
	v.edges = r.bytes()
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if format < featuresFormat {
		v.recAt = offsetsOf(r, data, format)
		v.blobs = fixedBytes(r, data)
	} else {
		v.blobs = blobsOf(r, data)
		v.recAt = offsetsOf(r, data, format)
	}
	v.idAt = offsetsOf(r, data, format)
	v.ids = fixedBytes(r, data)
	v.qAt = offsetsOf(r, data, format)
	v.qs = fixedBytes(r, data)
	v.byID = fixedArray[uint32](r, data)
	v.postKey = fixedArray[uint64](r, data)
	v.postAt = offsetsOf(r, data, format)
	v.postPos = fixedArray[int32](r, data)
	if format == featuresFormat {
		v.wordAt = offsetsOf(r, data, format)
		v.words = fixedBytes(r, data)
		v.wordPlace = fixedArray[uint32](r, data)
		v.fams = fixedArray[uint64](r, data)
	}
	if r.err != nil {
		return nil, fmt.Errorf("stored duplicate features: %w", r.err)
	}
	if len(r.b) != 0 {
		return nil, errors.New("stored duplicate features: trailing bytes")
	}
	// The offsets go up and end at their array's end, so that slicing by
	// them never fails; what the arrays hold is checked where it is read.
	n := v.n
	if v.recAt.len() != n+1 || v.idAt.len() != n+1 || v.qAt.len() != n+1 || len(v.byID) != n ||
		!v.recAt.upTo(len(v.blobs)) || !v.idAt.upTo(len(v.ids)) || !v.qAt.upTo(len(v.qs)) ||
		v.postAt.len() != len(v.postKey)+1 || !v.postAt.upTo(len(v.postPos)) ||
		format == featuresFormat && (v.wordAt.len() != len(v.wordPlace)+1 || !v.wordAt.upTo(len(v.words))) {
		return nil, errors.New("stored duplicate features: damaged")
	}
	ix := &Index{view: v, st: st, opts: opts}
	cr := decoder{b: clusters}
	ix.clusterList = cr.clusterList(ix)
	if cr.err != nil || len(cr.b) != 0 {
		return nil, errors.New("stored duplicate features: damaged clusters")
	}
	return ix, nil
}

// offs are where each item of an array of bytes starts, and the last
// where it ends: 8 bytes each, or in format 6 4 bytes where they fit.
type offs struct {
	w4 []uint32
	w8 []uint64
}

func (o offs) len() int {
	if o.w8 != nil {
		return len(o.w8)
	}
	return len(o.w4)
}

func (o offs) at(k int) uint64 {
	if o.w8 != nil {
		return o.w8[k]
	}
	return uint64(o.w4[k])
}

// upTo reports whether the offsets go up from 0 to end.
func (o offs) upTo(end int) bool {
	n := o.len()
	if n == 0 || o.at(0) != 0 || o.at(n-1) != uint64(end) {
		return false
	}
	for k := 1; k < n; k++ {
		if o.at(k) < o.at(k-1) {
			return false
		}
	}
	return true
}

// offsetsOf reads offsets offsetsTo wrote.
func offsetsOf(r *decoder, data []byte, format uint64) offs {
	if format < featuresFormat {
		return offs{w8: fixedArray[uint64](r, data)}
	}
	switch r.uint() {
	case 4:
		return offs{w4: fixedArray[uint32](r, data)}
	case 8:
		return offs{w8: fixedArray[uint64](r, data)}
	}
	r.fail()
	return offs{}
}

// littleEndian: this machine's byte order is the encoding's, and its
// arrays are used in place.
var littleEndian = func() bool {
	x := uint16(1)
	return *(*byte)(unsafe.Pointer(&x)) == 1
}()

// fixedArray reads an array encoder.fixed wrote, in place when it can.
func fixedArray[T uint32 | uint64 | int32](r *decoder, data []byte) []T {
	var zero T
	size := int(unsafe.Sizeof(zero))
	n := r.count(size)
	b := fixedBytesN(r, data, n*size)
	if r.err != nil || n == 0 {
		return nil
	}
	if littleEndian && uintptr(unsafe.Pointer(unsafe.SliceData(b)))%uintptr(size) == 0 {
		return unsafe.Slice((*T)(unsafe.Pointer(unsafe.SliceData(b))), n)
	}
	out := make([]T, n)
	for k := range out {
		if size == 4 {
			out[k] = T(binary.LittleEndian.Uint32(b[4*k:]))
		} else {
			out[k] = T(binary.LittleEndian.Uint64(b[8*k:]))
		}
	}
	return out
}

// fixedBytes reads bytes encoder.fixedBytes wrote.
func fixedBytes(r *decoder, data []byte) []byte {
	return fixedBytesN(r, data, r.count(1))
}

// blobsOf reads the records' blobs of format 6: from the next multiple
// of 8 bytes, their size in 8 bytes (written once they are), then the
// blobs.
func blobsOf(r *decoder, data []byte) []byte {
	fixedBytesN(r, data, 0) // the padding
	return fixedBytesN(r, data, int(min(r.uint64(), uint64(len(r.b)+1))))
}

// fixedBytesN skips the padding to the next multiple of 8 (counted from
// the start of data, of which r.b is the rest) and reads n bytes.
func fixedBytesN(r *decoder, data []byte, n int) []byte {
	if r.err != nil {
		return nil
	}
	at := len(data) - len(r.b)
	pad := (8 - at%8) % 8
	if len(r.b) < pad+n {
		r.fail()
		return nil
	}
	b := r.b[pad : pad+n : pad+n]
	r.b = r.b[pad+n:]
	return b
}

func (v *view) id(i int) []byte       { return v.ids[v.idAt.at(i):v.idAt.at(i+1)] }
func (v *view) question(i int) []byte { return v.qs[v.qAt.at(i):v.qAt.at(i+1)] }
func (v *view) blob(i int) []byte     { return v.blobs[v.recAt.at(i):v.recAt.at(i+1)] }

// word returns word k of format 6's table: the encoding's own bytes for
// features scored and dropped (scoredOnly), else a copy (heap); ok is
// false for no such word.
func (v *view) word(k uint64, scored bool) (w string, ok bool) {
	if k >= uint64(len(v.wordPlace)) {
		return "", false
	}
	if !scored {
		return v.heap()[k], true
	}
	b := v.words[v.wordAt.at(int(k)):v.wordAt.at(int(k)+1)]
	return unsafe.String(unsafe.SliceData(b), len(b)), true
}

// heap returns the words of format 6's table copied out of the encoding,
// into one string.
func (v *view) heap() []string {
	v.heapOnce.Do(func() {
		all := string(v.words)
		v.heapWords = make([]string, len(v.wordPlace))
		for k := range v.heapWords {
			v.heapWords[k] = all[v.wordAt.at(k):v.wordAt.at(k+1)]
		}
	})
	return v.heapWords
}

// lookup finds the record of an ID among byID.
func (v *view) lookup(id string) (int, bool) {
	k, ok := v.rank(id)
	if !ok {
		return 0, false
	}
	return int(v.byID[k]), true
}

// rank finds the place of an ID in byID.
func (v *view) rank(id string) (int, bool) {
	return slices.BinarySearchFunc(v.byID, id, func(i uint32, id string) int {
		if int(i) >= v.n {
			return -1 // damaged: never found
		}
		b := v.id(int(i))
		switch {
		case string(b) < id:
			return -1
		case string(b) > id:
			return 1
		}
		return 0
	})
}

// posting returns the records holding token h.
func (v *view) posting(h uint64) []int32 {
	k, ok := slices.BinarySearch(v.postKey, h)
	if !ok {
		return nil
	}
	return v.postPos[v.postAt.at(k):v.postAt.at(k+1)]
}

// card decodes what a list shows of record i.
func (v *view) card(i int) Card {
	d := blobDecoder{s: string(v.blob(i))}
	c := Card{ID: string(v.id(i)), Question: string(v.question(i))}
	if l := d.uint(); l < uint64(len(v.levels)) {
		c.Level = v.levels[l]
	}
	for n := d.count(1); n > 0; n-- {
		if t := d.uint(); t < uint64(len(v.topics)) {
			c.Topics = append(c.Topics, v.topics[t])
		}
	}
	return c
}

// counts decodes record i's number of sources and length of answers.
func (v *view) counts(i int) (sources, answerLen int) {
	d := blobDecoder{s: string(v.blob(i))}
	d.uint()
	for n := d.count(1); n > 0; n-- {
		d.uint()
	}
	sources, answerLen = int(d.uint()), int(d.uint())
	if d.bad {
		return 0, 0
	}
	return sources, answerLen
}

// scoredOnly, as feat's answers, decodes features that are scored and
// dropped unless they are among the best (similar): their strings are
// the view's own bytes, not a copy, and their answer vector is decoded
// only if the scorer reads it (features.answerVector).
var scoredOnly = &answerTerms{}

// feat decodes record i's features into sc, valid until sc is used again;
// the strings are of one copy of the record's bytes, made for this call,
// so they outlive sc and the view (but with scoredOnly). With answers
// set, the answer vector is added there (Index.whole) rather than
// decoded. Damaged bytes decode as a record without features.
func (v *view) feat(i int, st *Stats, sc *featScratch, answers *answerTerms) *features {
	f := &sc.f
	*f = features{}
	if i < 0 || i >= v.n {
		return f
	}
	b := v.blob(i)
	var d blobDecoder
	if answers == scoredOnly && len(b) > 0 {
		d.s = unsafe.String(unsafe.SliceData(b), len(b))
	} else {
		d.s = string(b)
	}
	d.uint() // level
	sc.topicIdx = sc.topicIdx[:0]
	for n := d.count(1); n > 0; n-- {
		sc.topicIdx = append(sc.topicIdx, d.uint())
	}
	d.uint() // sources
	d.uint() // answers' length
	fl := d.uint()
	f.generic, f.long, f.negated, f.answers, f.differ = fl&1 != 0, fl&2 != 0, fl&4 != 0, fl&8 != 0, fl&16 != 0
	f.aspects = aspect(d.uint())
	sc.q = d.vector(sc.q[:0], v, nil)
	if len(sc.q) > 0 {
		f.q.e = sc.q
	}
	f.q.norm = d.float()
	// The answer vector's terms up to end, then its norm.
	answerPart := func(end int) {
		switch {
		case answers == scoredOnly && !d.bad:
			// Decoded if the scorer reads it (features.answerVector):
			// most candidates are dropped before their answers are
			// compared, and the answer vector was a third of decoding
			// one (issue 15).
			sc.lazy = lazyAnswers{d: blobDecoder{s: d.s[d.p:end]}, v: v, sc: sc}
			f.lazy = &sc.lazy
			d.p = end
		case answers != nil && answers != scoredOnly:
			d.vector(nil, v, answers)
		default:
			if sc.e = d.vector(sc.e[:0], v, nil); len(sc.e) > 0 {
				f.a.e = sc.e
			}
		}
		if d.p != end {
			d.bad = true
		}
		f.a.norm = d.float()
	}
	six := v.format == featuresFormat
	if !six {
		size := d.count(1)    // the answer vector's bytes, its norm's 8 included
		end := d.p + size - 8 // where the norm starts: count(1) keeps it in d.s
		if size < 8 {
			d.bad, d.p, end = true, len(d.s), len(d.s)
		}
		answerPart(end)
	}
	scored := answers == scoredOnly
	sc.toks = sc.toks[:0]
	for n := d.count(3); n > 0 && !d.bad; n-- {
		var t qtok
		place := uint64(0)
		if six {
			k := d.uint()
			text, ok := v.word(k, scored)
			if !ok {
				d.bad = true
				break
			}
			t.text, place = text, uint64(v.wordPlace[k])
		} else {
			t.text = d.str()
		}
		t.pos, t.kind = int32(d.uint()), kind(d.uint())
		tf := d.uint()
		t.weak, t.content, t.context, t.placed, t.later, t.generic = tf&1 != 0, tf&2 != 0, tf&4 != 0, tf&16 != 0, tf&32 != 0, tf&64 != 0
		if tf&8 != 0 {
			if !six {
				t.fam = d.u64()
			} else if k := d.uint(); k < uint64(len(v.fams)) {
				t.fam = v.fams[k]
			} else {
				d.bad = true
			}
		}
		if !six || tf&128 != 0 {
			place = d.uint()
		}
		if place > 0 && place <= uint64(len(v.vocab)) {
			t.h, t.idf = v.vocab[place-1], float32(v.idf[place-1])
		} else {
			t.h = hashToken(t.text)
			t.idf = float32(st.idf(t.h))
		}
		sc.toks = append(sc.toks, t)
	}
	if len(sc.toks) > 0 {
		f.toks = sc.toks
	}
	if six {
		sc.raws = v.words6(&d, sc.raws[:0], scored)
	} else {
		sc.raws = d.strs(sc.raws[:0])
	}
	if len(sc.raws) > 0 {
		f.raws = sc.raws
	}
	if six {
		sc.techs = v.words6(&d, sc.techs[:0], scored)
	} else {
		sc.techs = d.strs(sc.techs[:0])
	}
	if len(sc.techs) > 0 {
		f.techs = sc.techs
	}
	sc.substance = sc.substance[:0]
	for n := d.count(8); n > 0; n-- {
		sc.substance = append(sc.substance, d.u64())
	}
	if len(sc.substance) > 0 {
		f.substance = sc.substance
	}
	if six {
		// The answer vector last, its norm ending the blob.
		if len(d.s)-d.p < 9 {
			d.bad = true
		} else {
			answerPart(len(d.s) - 8)
		}
	}
	f.topics = f.techs
	if len(sc.topicIdx) > 0 {
		sc.topics = sc.topics[:0]
		for _, t := range sc.topicIdx {
			if t >= uint64(len(v.topicName)) {
				d.bad = true
				break
			}
			if name := v.topicName[t]; !slices.Contains(sc.topics, name) {
				sc.topics = append(sc.topics, name)
			}
		}
		f.topics = sc.topics
	}
	f.nHeavy = heavyCount(f.toks)
	for _, t := range f.toks {
		if int(t.pos) >= len(f.raws) || t.pos < 0 {
			d.bad = true
		}
	}
	if d.bad || d.p != len(d.s) {
		*f = features{}
	}
	return f
}

// words6 appends a list of words of format 6 (a count, then each word's
// number in the table) to ws.
func (v *view) words6(d *blobDecoder, ws []string, scored bool) []string {
	for n := d.count(1); n > 0; n-- {
		w, ok := v.word(d.uint(), scored)
		if !ok {
			d.bad = true
			return ws
		}
		ws = append(ws, w)
	}
	return ws
}

// lazyAnswers is a candidate's answer vector left in its encoding by
// view.feat (scoredOnly) until the scorer reads it.
type lazyAnswers struct {
	d  blobDecoder // the vector's terms, without its norm
	v  *view
	sc *featScratch
}

// answerVector returns f's answer vector, decoding it first when view.feat
// left it encoded; damaged terms decode as none.
func (f *features) answerVector() vector {
	if l := f.lazy; l != nil {
		f.lazy = nil
		e := l.d.vector(l.sc.e[:0], l.v, nil)
		l.sc.e = e
		if !l.d.bad && l.d.p == len(l.d.s) && len(e) > 0 {
			f.a.e = e
		}
	}
	return f.a
}

// codeWeight is termWeight of a stored count code (count<<1 | light),
// its logarithm from a table (onePlusLog) where it can.
func codeWeight(c uint64, idf float64) float64 {
	n := c >> 1
	if n >= uint64(len(onePlusLog)) {
		return termWeight(n, c&1 != 0, idf)
	}
	w := onePlusLog[n] * idf
	if c&1 != 0 {
		w *= lightWeight
	}
	return w
}

// whole returns the Index with every record's features decoded, for what
// reads them all (every candidate pair scored: clusters below the stored
// edges' score). The answer vectors are kept compact (answerTerms).
func (ix *Index) whole() *Index {
	v := ix.view
	v.allOnce.Do(func() {
		all := &Index{view: v, st: ix.st, opts: ix.opts, feats: make([]features, v.n),
			answers: &answerTerms{vocab: v.vocab, idf: v.idf, at: make([]int32, 1, v.n+1)}}
		for i := range v.n {
			var sc featScratch
			all.feats[i] = *v.feat(i, ix.st, &sc, all.answers)
			all.answers.at = append(all.answers.at, int32(len(all.answers.term)))
		}
		v.all = all
	})
	return v.all
}

// loadEdges decodes the stored edges of a view on first use.
func (ix *Index) loadEdges() error {
	v := ix.view
	if v == nil {
		return nil
	}
	v.edgesOnce.Do(func() {
		r := decoder{b: v.edges}
		es := r.edges(ix)
		if r.err != nil || len(r.b) != 0 {
			v.edgesErr = errors.New("stored duplicate features: damaged edges")
			return
		}
		ix.edgesMu.Lock()
		ix.stored = es
		ix.edgesMu.Unlock()
	})
	return v.edgesErr
}

// blobDecoder reads a record's blob from a string, whose substrings its
// strings are.
type blobDecoder struct {
	s   string
	p   int
	bad bool
}

func (d *blobDecoder) uint() uint64 {
	if d.p < len(d.s) && d.s[d.p] < 0x80 {
		// One byte, as most are.
		d.p++
		return uint64(d.s[d.p-1])
	}
	var x uint64
	for shift := uint(0); shift < 64; shift += 7 {
		if d.p >= len(d.s) {
			d.bad = true
			return 0
		}
		c := d.s[d.p]
		d.p++
		if c < 0x80 {
			if shift == 63 && c > 1 {
				d.bad = true
				return 0
			}
			return x | uint64(c)<<shift
		}
		x |= uint64(c&0x7f) << shift
	}
	d.bad = true
	return 0
}

// count reads a length whose items take at least size bytes each.
func (d *blobDecoder) count(size int) int {
	n := d.uint()
	if n > uint64((len(d.s)-d.p)/size) {
		d.bad = true
		return 0
	}
	return int(n)
}

func (d *blobDecoder) str() string {
	n := d.count(1)
	s := d.s[d.p : d.p+n]
	d.p += n
	return s
}

func (d *blobDecoder) strs(ss []string) []string {
	for n := d.count(1); n > 0; n-- {
		ss = append(ss, d.str())
	}
	return ss
}

func (d *blobDecoder) u64() uint64 {
	if len(d.s)-d.p < 8 {
		d.bad = true
		d.p = len(d.s)
		return 0
	}
	b := d.s[d.p : d.p+8]
	d.p += 8
	return uint64(b[0]) | uint64(b[1])<<8 | uint64(b[2])<<16 | uint64(b[3])<<24 |
		uint64(b[4])<<32 | uint64(b[5])<<40 | uint64(b[6])<<48 | uint64(b[7])<<56
}

func (d *blobDecoder) float() float64 { return math.Float64frombits(d.u64()) }

// vector decodes a vector's terms as encoder.vector wrote them (not its
// norm): appended to dst as entries, or with answers set, added there.
func (d *blobDecoder) vector(dst []entry, v *view, answers *answerTerms) []entry {
	i := uint64(0)
	for n := d.count(2); n > 0; n-- {
		i += d.uint()
		if i >= uint64(len(v.vocab)) {
			d.bad = true
			return dst
		}
		c, w := d.uint(), 0.0
		if c == 0 {
			w = d.float()
		}
		if answers != nil {
			answers.add(uint32(i), c, w)
			continue
		}
		if c != 0 {
			w = codeWeight(c, v.idf[i])
		}
		dst = append(dst, entry{v.vocab[i], w})
	}
	return dst
}

// IDsDigest returns the digest of the records' IDs (record.IDDigest's
// String) stored with the features MarshalFeatures wrote, so that a caller
// tells whether they are the features of its records without reading
// every ID; "" when none is stored (features of an older format, or not
// loaded from stored features). It is the digest written at the build: a
// damaged ID array is not caught by it, but by the file's checksum.
func (ix *Index) IDsDigest() string {
	if ix.view == nil {
		return ""
	}
	return ix.view.digest
}
