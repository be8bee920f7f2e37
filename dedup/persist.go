package dedup

import (
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"math"
	"slices"
	"unsafe"

	"github.com/iq-search/iq/record"
)

// An Index's features are computed once, when the index is built, and
// stored beside it (MarshalFeatures) with the clusters the build made; a
// server that opens the index loads them (LoadIndex) instead of reading
// every record back and parsing it again, and holds no record: what it
// shows of one (Card) is stored too, and the rest it reads from the index
// for the few records a page lists. The encoding is compact: the
// collection's vocabulary once, sorted, and each vector as deltas into it
// with the term count from which its weight is computed again exactly;
// token hashes are recomputed from their text. Format 6 (view.go) is read
// in place, and so are formats 5 (words written out where they are used)
// and 4 (format 5 without the IDs' digest); formats 2 and 3 had totals up
// front that let the loader put
// every record's vectors, tokens and words in a few flat arrays rather
// than a slice per record, with strings repeated across records (words,
// levels, topics) kept once.

// featuresMagic starts the encoding; featuresFormat is its version.
const (
	featuresMagic  = "iq dedup features\n"
	featuresFormat = 6
	// featuresFormat5 is format 6 with each word written out where a
	// record uses it (its bytes, and a token's place in the vocabulary),
	// a token's family in 8 bytes, the answer vector before the tokens
	// and offsets of 8 bytes; format 6 writes the collection's words and
	// families once, in tables a record points into, its answer vector
	// last, and offsets of 4 bytes where they fit: a sixth smaller (issue
	// 15, the index's size), and a candidate Similar drops is read from
	// one run of bytes.
	featuresFormat5 = 5
	// featuresFormat4 is format 5 without the digest of the records' IDs
	// (record.IDDigest) after the record count: read in place as well, its
	// records checked against the index's by reading every ID.
	featuresFormat4 = 4
	// featuresFormat3 and featuresFormat2 are the formats before the
	// arrays read in place (format 4, which a server loads without
	// decoding every record: issue 15's 1M tier), and before the edges
	// (format 3 adds them after the clusters); LoadIndex still reads
	// both, decoding every record as it did.
	featuresFormat3 = 3
	featuresFormat2 = 2
)

// ErrStaleFeatures: stored features were made by other code, with other
// options or for other records; compute them again (NewIndex).
var ErrStaleFeatures = errors.New("stored duplicate features do not match")

// MarshalFeatures encodes the Index's weights and features, what it keeps
// of each record (Card, and what chooses a canonical question), and
// clusters, the collection's clusters as the build assigned them
// (Clusters, or nil for none), which LoadIndex's StoredClusters returns.
// key names the code that made them (the caller's build ID): LoadIndex
// refuses features of another key, since a change to the scorer changes
// what they hold.
//
// The encoding (format 6) is read where it lies (view.go): a small head
// decoded when it loads (the weights, the digest of the records' IDs
// (IDsDigest), the tables of levels and topics, the clusters), then
// fixed-width little-endian arrays aligned to 8 bytes that a loader uses
// in place: each record's features as a varint blob (its words and token
// families as numbers in the tables at the end, its answer vector last)
// and where it starts, the IDs and questions, the records in ID order,
// the question tokens' postings that Similar reads, and the tables of
// words (with each one's place in the vocabulary) and families. Offsets
// take 4 bytes where they fit.
func (ix *Index) MarshalFeatures(key string, clusters []Cluster) ([]byte, error) {
	return ix.marshalFeatures(key, clusters, featuresFormat)
}

// marshalFeatures is MarshalFeatures in format (featuresFormat4, without
// the IDs' digest, for the tests of indexes built before it).
func (ix *Index) marshalFeatures(key string, clusters []Cluster, format uint64) ([]byte, error) {
	var b bufferAt
	if _, err := ix.writeFeatures(&b, key, clusters, format); err != nil {
		return nil, err
	}
	return b.b, nil
}

// WriteFeatures writes the encoding MarshalFeatures returns to dst, byte for
// byte, in pieces of about a megabyte: the encoding is never held whole,
// nor its records' blobs, which go to their place in dst as they are made
// (the array before them is written last, at its offset). At a
// million records the encoding is half a gigabyte, written while the
// Index it describes is live (issue 15: the 1M build's peak RSS). It
// returns the encoding's size.
func (ix *Index) WriteFeatures(dst io.WriterAt, key string, clusters []Cluster) (int64, error) {
	return ix.writeFeatures(dst, key, clusters, featuresFormat)
}

func (ix *Index) writeFeatures(dst io.WriterAt, key string, clusters []Cluster, format uint64) (int64, error) {
	st := ix.st
	vocab, dfs := st.vocabulary()
	at := make(map[uint64]uint32, len(vocab))
	for i, h := range vocab {
		at[h] = uint32(i)
	}
	n := ix.Len()
	// The tables of the levels and topics the records name, in the order
	// they first appear.
	var levels, topics []string
	levelAt, topicAt := map[string]uint64{}, map[string]uint64{}
	index := func(s string, m map[string]uint64, list *[]string) uint64 {
		k, ok := m[s]
		if !ok {
			k = uint64(len(*list))
			m[s] = k
			*list = append(*list, s)
		}
		return k
	}
	for i := range n {
		c := ix.Card(i)
		index(c.Level, levelAt, &levels)
		for _, t := range c.Topics {
			index(t, topicAt, &topics)
		}
	}
	out := &pieces{w: dst}
	h := &out.e
	ix.appendHead(h, format, key, vocab, dfs)
	h.uint(uint64(n))
	if format >= featuresFormat5 {
		var digest record.IDDigest
		for i := range n {
			digest.Add(ix.ID(i))
		}
		h.str(digest.String())
	}
	h.strs(levels)
	// Each topic with the name features give it (topicsOf).
	h.uint(uint64(len(topics)))
	for _, t := range topics {
		h.str(t)
		h.str(topicsOf([]string{t}, nil)[0])
	}
	// The records in ID order (Lookup), which also finds an ID twice.
	byID := make([]uint32, n)
	for i := range byID {
		byID[i] = uint32(i)
	}
	slices.SortFunc(byID, func(a, b uint32) int { return cmp.Compare(ix.ID(int(a)), ix.ID(int(b))) })
	for k := 1; k < n; k++ {
		if ix.ID(int(byID[k])) == ix.ID(int(byID[k-1])) {
			return 0, fmt.Errorf("record %s: twice in the collection", ix.ID(int(byID[k])))
		}
	}
	// Clusters: members by position, canonical first, with their scores.
	var cw encoder
	cw.uint(uint64(len(clusters)))
	for _, c := range clusters {
		cw.uint(uint64(len(c.Members)))
		for _, m := range c.Members {
			i, ok := ix.Lookup(m.ID)
			if !ok {
				return 0, fmt.Errorf("cluster %s: member %s is not in the collection", c.ID, m.ID)
			}
			cw.uint(uint64(i))
			cw.b = binary.LittleEndian.AppendUint64(cw.b, math.Float64bits(m.Score))
		}
	}
	h.uint(uint64(len(cw.b)))
	h.b = append(h.b, cw.b...)
	cw.b = nil
	// The scored edges of the clustering (keptEdges): every candidate
	// pair at or above its MinScore, strongest first, so that clusters at
	// a stricter score are made without scoring every candidate pair
	// again (ClustersAtContext). Members by position, the score's bits.
	es, err := ix.keptEdges()
	if err != nil {
		return 0, err
	}
	var ew encoder
	ew.uint(uint64(len(es.es)))
	if len(es.es) > 0 {
		ew.b = binary.LittleEndian.AppendUint64(ew.b, math.Float64bits(es.min))
	}
	for _, e := range es.es {
		ew.uint(uint64(e.a))
		ew.uint(uint64(e.b))
		ew.b = binary.LittleEndian.AppendUint64(ew.b, math.Float64bits(e.score))
	}
	h.uint(uint64(len(ew.b)))
	h.b = append(h.b, ew.b...)
	ew.b = nil
	// The arrays read in place (fixed, fixedBytes). Where each record's
	// blob starts comes before the blobs: its room is kept and written
	// once the blobs are, with the blobs' size, whose count takes at
	// most 8 bytes before the blobs' alignment.
	var recAt int64
	if format < featuresFormat {
		h.uint(uint64(n + 1))
		out.align()
		recAt = out.reserve(8 * (n + 1))
	} else {
		out.align() // the blobs' size in the 8 bytes from here (view's blobsOf)
	}
	blobsHead := out.reserve(8)
	blobsAt := out.pos()
	recs := make([]uint64, 1, n+1)
	var sc featScratch
	var a encoder
	var words wordTable
	post := map[uint64][]uint32{}
	place := func(t qtok) uint64 {
		// Its place in the vocabulary, plus one (0: none), which gives a
		// loader its hash and weight without hashing or looking it up.
		if k, ok := at[t.h]; ok {
			return uint64(k) + 1
		}
		return 0
	}
	for i := range n {
		f := ix.feat(i, &sc)
		c := ix.Card(i)
		w := &out.e
		w.uint(levelAt[c.Level])
		w.uint(uint64(len(c.Topics)))
		for _, t := range c.Topics {
			w.uint(topicAt[t])
		}
		w.uint(uint64(ix.sourceCount(i)))
		w.uint(uint64(ix.answerLen(i)))
		w.uint(flags(f.generic, f.long, f.negated, f.answers, f.differ))
		w.uint(uint64(f.aspects))
		if err := w.vector(f.q, st, at); err != nil {
			return 0, fmt.Errorf("record %s: %w", c.ID, err)
		}
		a.b = a.b[:0]
		if err := a.vector(f.a, st, at); err != nil {
			return 0, fmt.Errorf("record %s: %w", c.ID, err)
		}
		if format < featuresFormat {
			// The answer vector after its size, so that a reader can
			// pass over it (similar reads it only when the answers
			// could lift a candidate's score).
			w.uint(uint64(len(a.b)))
			w.b = append(w.b, a.b...)
		}
		w.uint(uint64(len(f.toks)))
		for _, t := range f.toks {
			if format < featuresFormat {
				w.str(t.text)
			} else {
				w.uint(uint64(words.index(t.text, place(t), true)))
			}
			w.uint(uint64(t.pos))
			w.uint(uint64(t.kind))
			// Format 6: bit 7 says the token's place in the vocabulary
			// is not its word's (never, as tokens are made: a token's
			// hash is its text's).
			own := format == featuresFormat && place(t) != uint64(words.place[words.at[t.text]])
			w.uint(flags(t.weak, t.content, t.context, t.fam != 0, t.placed, t.later, t.generic, own))
			if t.fam != 0 {
				if format < featuresFormat {
					w.b = binary.LittleEndian.AppendUint64(w.b, t.fam)
				} else {
					w.uint(uint64(words.family(t.fam)))
				}
			}
			if format < featuresFormat || own {
				w.uint(place(t))
			}
		}
		if format < featuresFormat {
			w.strs(f.raws)
			w.strs(f.techs)
		} else {
			for _, list := range [][]string{f.raws, f.techs} {
				w.uint(uint64(len(list)))
				for _, word := range list {
					w.uint(uint64(words.index(word, 0, false)))
				}
			}
		}
		w.uint(uint64(len(f.substance)))
		for _, h := range f.substance {
			w.b = binary.LittleEndian.AppendUint64(w.b, h)
		}
		if format == featuresFormat {
			// The answer vector last: a candidate Similar drops before
			// comparing answers is read from one run of bytes.
			w.b = append(w.b, a.b...)
		}
		recs = append(recs, uint64(out.pos()-blobsAt))
		// Similar's postings, as buildPostings makes them.
		for _, t := range f.toks {
			post[t.h] = append(post[t.h], uint32(i))
		}
		if f.generic {
			for _, e := range f.a.e {
				post[e.h] = append(post[e.h], uint32(i))
			}
		}
		out.flushFull()
	}
	blobs := out.pos() - blobsAt
	if blobs >= 1<<56 {
		return 0, errors.New("features too large")
	}
	if format < featuresFormat {
		b := make([]byte, 0, 8*len(recs))
		for _, r := range recs {
			b = binary.LittleEndian.AppendUint64(b, r)
		}
		out.writeAt(b, recAt)
	}
	if format < featuresFormat {
		out.writeAt(binary.AppendUvarint(make([]byte, 0, 8), uint64(blobs)), blobsHead)
	} else {
		out.writeAt(binary.LittleEndian.AppendUint64(make([]byte, 0, 8), uint64(blobs)), blobsHead)
	}
	if format == featuresFormat {
		offsetsTo(out, format, recs)
	}
	recs = nil
	// The IDs and questions, each as where it starts and the bytes.
	for _, text := range []func(int) string{ix.ID, ix.question} {
		ends := make([]uint64, 1, n+1)
		for i := range n {
			ends = append(ends, ends[i]+uint64(len(text(i))))
		}
		offsetsTo(out, format, ends)
		out.e.uint(ends[n])
		out.align()
		for i := range n {
			out.e.b = append(out.e.b, text(i)...)
			out.flushFull()
		}
	}
	fixedTo(out, byID)
	byID = nil
	keys := slices.Sorted(maps.Keys(post))
	fixedTo(out, keys)
	ends := make([]uint64, 1, len(keys)+1)
	for k, key := range keys {
		ends = append(ends, ends[k]+uint64(len(post[key])))
	}
	offsetsTo(out, format, ends)
	end := ends[len(keys)]
	out.e.uint(uint64(end))
	out.align()
	for _, k := range keys {
		for _, p := range post[k] {
			out.e.b = binary.LittleEndian.AppendUint32(out.e.b, p)
		}
		out.flushFull()
	}
	if format == featuresFormat {
		// The words the records point into: where each ends, its
		// bytes, its place in the vocabulary plus one (0: none); the
		// tokens' families.
		ends := make([]uint64, 1, len(words.list)+1)
		for k, word := range words.list {
			ends = append(ends, ends[k]+uint64(len(word)))
		}
		offsetsTo(out, format, ends)
		out.e.uint(ends[len(words.list)])
		out.align()
		for _, word := range words.list {
			out.e.b = append(out.e.b, word...)
			out.flushFull()
		}
		fixedTo(out, words.place)
		fixedTo(out, words.fams)
	}
	out.flush()
	return out.pos(), out.err
}

// wordTable is the words and token families of format 6, each once, in
// the order the records first use them.
type wordTable struct {
	at    map[string]uint32
	list  []string
	place []uint32 // a word's place in the vocabulary plus one, 0 for none
	// placed: a token has set the word's place.
	placed []bool
	famAt  map[uint64]uint32
	fams   []uint64
}

// index returns word's number, adding it when new. A token's word
// (token set) takes the token's place in the vocabulary the first time a
// token has it; a token of another place says so (writeFeatures).
func (t *wordTable) index(word string, place uint64, token bool) uint32 {
	if t.at == nil {
		t.at, t.famAt = map[string]uint32{}, map[uint64]uint32{}
	}
	k, ok := t.at[word]
	if !ok {
		k = uint32(len(t.list))
		t.at[word] = k
		t.list = append(t.list, word)
		t.place = append(t.place, 0)
		t.placed = append(t.placed, false)
	}
	if token && !t.placed[k] {
		t.place[k], t.placed[k] = uint32(place), true
	}
	return k
}

// family returns a token family's number, adding it when new.
func (t *wordTable) family(fam uint64) uint32 {
	k, ok := t.famAt[fam]
	if !ok {
		k = uint32(len(t.fams))
		t.famAt[fam] = k
		t.fams = append(t.fams, fam)
	}
	return k
}

// offsetsTo writes offsets (each where an item ends, from 0) as fixedTo
// does, in 4 bytes each where the last fits and the format has them (6),
// after the width.
func offsetsTo(p *pieces, format uint64, offs []uint64) {
	if format < featuresFormat {
		fixedTo(p, offs)
		return
	}
	if offs[len(offs)-1] <= math.MaxUint32 {
		p.e.uint(4)
		p.e.uint(uint64(len(offs)))
		p.align()
		for _, v := range offs {
			p.e.b = binary.LittleEndian.AppendUint32(p.e.b, uint32(v))
			p.flushFull()
		}
		return
	}
	p.e.uint(8)
	fixedTo(p, offs)
}

// pieces writes an encoding to an io.WriterAt a megabyte at a time: e
// holds what is not yet written, from off.
type pieces struct {
	w   io.WriterAt
	e   encoder
	off int64
	err error
}

// fixedTo is fixed for pieces, whose buffer starts anywhere in the
// encoding: the alignment is the encoding's.
func fixedTo[T uint32 | uint64](p *pieces, vs []T) {
	p.e.uint(uint64(len(vs)))
	p.align()
	for _, v := range vs {
		if unsafe.Sizeof(v) == 4 {
			p.e.b = binary.LittleEndian.AppendUint32(p.e.b, uint32(v))
		} else {
			p.e.b = binary.LittleEndian.AppendUint64(p.e.b, uint64(v))
		}
		p.flushFull()
	}
}

// pieceSize is how much pieces holds before it writes (a variable for
// the tests, which write a byte at a time).
var pieceSize = 1 << 20

// pos is the offset in the encoding of the next byte.
func (p *pieces) pos() int64 { return p.off + int64(len(p.e.b)) }

// align pads the encoding with zeros to a multiple of 8 bytes (as
// encoder.align does: the offsets are the file's).
func (p *pieces) align() {
	for p.pos()%8 != 0 {
		p.e.b = append(p.e.b, 0)
	}
}

func (p *pieces) flushFull() {
	if len(p.e.b) >= pieceSize {
		p.flush()
	}
}

func (p *pieces) flush() {
	if p.err == nil && len(p.e.b) > 0 {
		_, p.err = p.w.WriteAt(p.e.b, p.off)
	}
	p.off += int64(len(p.e.b))
	p.e.b = p.e.b[:0]
}

// reserve keeps n bytes at the current offset for writeAt, and returns
// where they start.
func (p *pieces) reserve(n int) int64 {
	p.flush()
	at := p.off
	p.off += int64(n)
	return at
}

// writeAt writes b where reserve kept room for it.
func (p *pieces) writeAt(b []byte, off int64) {
	if p.err == nil {
		_, p.err = p.w.WriteAt(b, off)
	}
}

// bufferAt is an io.WriterAt into memory (MarshalFeatures); bytes never
// written read as zeros.
type bufferAt struct{ b []byte }

func (w *bufferAt) WriteAt(p []byte, off int64) (int, error) {
	if end := int(off) + len(p); end > len(w.b) {
		n := len(w.b)
		w.b = slices.Grow(w.b, end-n)[:end]
		clear(w.b[n:end])
	}
	return copy(w.b[off:], p), nil
}

// totals counts what the records' features hold in all, so that a loader
// allocates each kind once: question and answer vector terms, tokens,
// words as written, technologies, shingles, topics.
type totals [7]int

func (t *totals) add(f *features, topics int) {
	t[0] += len(f.q.e)
	t[1] += len(f.a.e)
	t[2] += len(f.toks)
	t[3] += len(f.raws)
	t[4] += len(f.techs)
	t[5] += len(f.substance)
	t[6] += topics
}

// ReadInPlace reports whether data are features of the format LoadIndex
// reads in place (fast at any size), not of an older one it decodes
// whole.
func ReadInPlace(data []byte) bool {
	r := decoder{b: data}
	if !r.magic(featuresMagic) {
		return false
	}
	f := r.uint()
	return f == featuresFormat || f == featuresFormat5 || f == featuresFormat4
}

// LoadIndex makes an Index from features MarshalFeatures stored, with
// opts the options they were made with, and no records: Card stands for
// them, Cluster members have no Sources, and Similar of a record of the
// collection is SimilarToContext. It returns ErrStaleFeatures (wrapped)
// when data was made by code of another key or with other options, and
// another error when data is damaged. Whether they are the features of
// the caller's records is the caller's check (Len and ID).
//
// Features of the current format are read where they lie: the Index
// keeps data, which must not change while it is used (a file mapped
// read-only, say), and decodes a record's features when it is scored; a
// damaged record reads as one without features, never a panic. Those of
// formats 2 and 3 (indexes built before it) are decoded whole, into
// memory, as they were.
func LoadIndex(ctx context.Context, data []byte, key string, opts Options) (*Index, error) {
	r := decoder{b: data, interned: map[string]string{}}
	if !r.magic(featuresMagic) {
		return nil, fmt.Errorf("%w: not features of this format", ErrStaleFeatures)
	}
	format := r.uint()
	if format != featuresFormat && format != featuresFormat5 && format != featuresFormat4 && format != featuresFormat3 && format != featuresFormat2 {
		return nil, fmt.Errorf("%w: not features of this format", ErrStaleFeatures)
	}
	if k := r.str(); k != key {
		return nil, fmt.Errorf("%w: made by %q, not %q", ErrStaleFeatures, k, key)
	}
	opts = opts.withDefaults()
	if r.str() != optionsHash(opts) {
		return nil, fmt.Errorf("%w: made with other synonyms", ErrStaleFeatures)
	}
	if format == featuresFormat || format == featuresFormat5 || format == featuresFormat4 {
		return loadView(ctx, &r, data, opts, format)
	}
	st := &Stats{n: int(r.uint())}
	nv := r.count(2)
	vocab := make([]uint64, nv)
	idf := make([]float64, nv)
	st.df = make(map[uint64]int32, nv)
	prev := uint64(0)
	for i := range nv {
		prev += r.uint()
		df := int32(r.uint())
		vocab[i] = prev
		st.df[prev] = df
		idf[i] = st.idf(prev)
	}
	r.headTail(st)
	// A record takes 30 bytes at least (two empty vectors alone take 18),
	// so damaged data cannot claim more records than it could hold.
	n := r.count(30)
	var tot totals
	for k := range tot {
		// Each item takes a byte at least.
		tot[k] = r.count(1)
	}
	if r.err != nil {
		return nil, fmt.Errorf("stored duplicate features: %w", r.err)
	}
	ix := &Index{st: st, opts: opts, feats: make([]features, n)}
	c := &cards{ids: make([]string, n), questions: make([]string, n), levels: make([]string, n),
		topics: make([]string, 0, tot[6]), topicAt: make([]int32, 1, n+1), sources: make([]int32, n), answerLen: make([]int32, n)}
	ix.cards = c
	ix.answers = &answerTerms{vocab: vocab, idf: idf, at: make([]int32, 1, n+1), term: make([]uint32, 0, tot[1]), code: make([]uint8, 0, tot[1])}
	flat := flatFeatures{q: make([]entry, 0, tot[0]), toks: make([]qtok, 0, tot[2]),
		raws: make([]string, 0, tot[3]), techs: make([]string, 0, tot[4]), substance: make([]uint64, 0, tot[5])}
	// Room for IDs of 16 hex digits and questions of about 80 bytes;
	// longer ones grow the arenas as appends do.
	ids, questions := newArena(n, 16), newArena(n, 80)
	topicNames := topicMemo{}
	for i := 0; i < n && r.err == nil; i++ {
		if i%1024 == 0 && ctx.Err() != nil {
			return nil, ctx.Err()
		}
		ids.add(r.bytes())
		questions.add(r.bytes())
		c.levels[i] = r.istr()
		c.topics = r.istrsInto(c.topics, tot[6])
		c.topicAt = append(c.topicAt, int32(len(c.topics)))
		c.sources[i] = int32(r.uint())
		c.answerLen[i] = int32(r.uint())
		f := &ix.feats[i]
		fl := r.uint()
		f.generic, f.long, f.negated, f.answers, f.differ = fl&1 != 0, fl&2 != 0, fl&4 != 0, fl&8 != 0, fl&16 != 0
		f.aspects = aspect(r.uint())
		f.q.e, f.q.norm = r.vector(&flat.q, tot[0], vocab, idf)
		f.a.norm = r.answerVector(ix.answers, tot[1])
		ix.answers.at = append(ix.answers.at, int32(len(ix.answers.term)))
		nt := r.count(3)
		if len(flat.toks)+nt > tot[2] {
			r.fail()
			break
		}
		lo := len(flat.toks)
		for range nt {
			text := r.istr()
			pos := int32(r.uint())
			t := newQtok(text, kind(r.uint()))
			t.h = hashToken(t.text)
			t.pos = pos
			tf := r.uint()
			t.weak, t.content, t.context, t.placed, t.later = tf&1 != 0, tf&2 != 0, tf&4 != 0, tf&16 != 0, tf&32 != 0
			if tf&8 != 0 {
				t.fam = r.uint64()
			}
			t.idf = float32(st.idf(t.h))
			flat.toks = append(flat.toks, t)
		}
		if nt > 0 {
			f.toks = flat.toks[lo:len(flat.toks):len(flat.toks)]
		}
		lo = len(flat.raws)
		if flat.raws = r.istrsInto(flat.raws, tot[3]); len(flat.raws) > lo {
			f.raws = flat.raws[lo:len(flat.raws):len(flat.raws)]
		}
		lo = len(flat.techs)
		if flat.techs = r.istrsInto(flat.techs, tot[4]); len(flat.techs) > lo {
			f.techs = flat.techs[lo:len(flat.techs):len(flat.techs)]
		}
		ns := r.count(8)
		if len(flat.substance)+ns > tot[5] {
			r.fail()
			break
		}
		lo = len(flat.substance)
		for range ns {
			flat.substance = append(flat.substance, r.uint64())
		}
		if ns > 0 {
			f.substance = flat.substance[lo:len(flat.substance):len(flat.substance)]
		}
		f.topics = topicNames.topicsOf(c.topics[c.topicAt[i]:c.topicAt[i+1]], f.techs)
		f.nHeavy = heavyCount(f.toks)
		for _, t := range f.toks {
			if int(t.pos) >= len(f.raws) {
				r.fail()
			}
		}
	}
	if r.err == nil {
		c.ids, c.questions = ids.strings(), questions.strings()
		ix.clusterList = ListOf(r.clusters(ix))
		if format >= featuresFormat3 {
			ix.stored = r.edges(ix)
		}
	}
	if r.err != nil {
		return nil, fmt.Errorf("stored duplicate features: %w", r.err)
	}
	if len(r.b) != 0 {
		return nil, errors.New("stored duplicate features: trailing bytes")
	}
	if len(ix.byID()) != n {
		return nil, errors.New("stored duplicate features: a record twice")
	}
	return ix, nil
}

// topicMemo is topicsOf for a loader: a collection has few topics, each
// on many records, and tokenizing each record's topics again was a sixth
// of LoadIndex's CPU.
type topicMemo map[string]string

func (m topicMemo) topicsOf(topics, named []string) []string {
	if len(topics) == 0 {
		return named
	}
	out := make([]string, 0, len(topics))
	for _, t := range topics {
		name, ok := m[t]
		if !ok {
			name = topicsOf([]string{t}, nil)[0]
			m[t] = name
		}
		if !slices.Contains(out, name) {
			out = append(out, name)
		}
	}
	return out
}

// StoredClusters returns the clusters stored with the features
// (MarshalFeatures), as Clusters returned them at the build, largest
// first; ok is false for an Index not loaded from stored features.
func (ix *Index) StoredClusters() (clusters []Cluster, ok bool) {
	return ix.clusterList.All(), ix.loaded()
}

// StoredClusterList is StoredClusters with each cluster's members named
// only when it is asked for (ClusterList.At): what a server lists a page
// of.
func (ix *Index) StoredClusterList() (clusters *ClusterList, ok bool) {
	if ix.clusterList == nil {
		return ListOf(nil), ix.loaded()
	}
	return ix.clusterList, ix.loaded()
}

// flatFeatures are the arrays a loaded Index's features are slices of.
type flatFeatures struct {
	q         []entry
	toks      []qtok
	raws      []string
	techs     []string
	substance []uint64
}

// arena collects strings into one allocation.
type arena struct {
	b   []byte
	end []int
}

func newArena(n, size int) arena {
	return arena{b: make([]byte, 0, n*size), end: make([]int, 0, n)}
}

func (a *arena) add(b []byte) {
	a.b = append(a.b, b...)
	a.end = append(a.end, len(a.b))
}

func (a *arena) strings() []string {
	s := string(a.b)
	out := make([]string, len(a.end))
	lo := 0
	for i, hi := range a.end {
		out[i] = s[lo:hi]
		lo = hi
	}
	return out
}

// optionsHash names the options features depend on: the synonyms.
func optionsHash(o Options) string {
	b, _ := json.Marshal(o.Synonyms)
	sum := sha256.Sum256(b)
	return fmt.Sprintf("%x", sum[:12])
}

func flags(bs ...bool) uint64 {
	var f uint64
	for i, b := range bs {
		if b {
			f |= 1 << i
		}
	}
	return f
}

type encoder struct{ b []byte }

func (w *encoder) uint(v uint64) { w.b = binary.AppendUvarint(w.b, v) }

func (w *encoder) str(s string) {
	w.uint(uint64(len(s)))
	w.b = append(w.b, s...)
}

func (w *encoder) strs(ss []string) {
	w.uint(uint64(len(ss)))
	for _, s := range ss {
		w.str(s)
	}
}

// fixed appends a count and, from the next multiple of 8 bytes, the
// values of vs in little-endian order: an array a loader reads in place
// (fixedArray).
func fixed[T uint32 | uint64](w *encoder, vs []T) {
	w.uint(uint64(len(vs)))
	w.align()
	for _, v := range vs {
		if unsafe.Sizeof(v) == 4 {
			w.b = binary.LittleEndian.AppendUint32(w.b, uint32(v))
		} else {
			w.b = binary.LittleEndian.AppendUint64(w.b, uint64(v))
		}
	}
}

func (w *encoder) fixed(vs any) {
	switch vs := vs.(type) {
	case []uint32:
		fixed(w, vs)
	case []uint64:
		fixed(w, vs)
	default:
		panic("fixed: not an array of uint32 or uint64")
	}
}

// fixedBytes appends a count and the bytes, from the next multiple of 8.
func (w *encoder) fixedBytes(b []byte) {
	w.uint(uint64(len(b)))
	w.align()
	w.b = append(w.b, b...)
}

// align pads the encoding with zeros to a multiple of 8 bytes: the
// encoding is the whole file, so an array that starts there is aligned
// in a mapping of it.
func (w *encoder) align() {
	for len(w.b)%8 != 0 {
		w.b = append(w.b, 0)
	}
}

func (w *encoder) strss(sss [][]string) {
	w.uint(uint64(len(sss)))
	for _, ss := range sss {
		w.strs(ss)
	}
}

// vector writes v's terms as deltas of their place in the vocabulary, each
// with the count its weight is computed from (tf<<1 | light), or 0 and
// the weight itself when no count gives it exactly; then the norm.
func (w *encoder) vector(v vector, st *Stats, at map[uint64]uint32) error {
	w.uint(uint64(len(v.e)))
	prev := uint32(0)
	for _, e := range v.e {
		i, ok := at[e.h]
		if !ok {
			return errors.New("a term outside the collection's vocabulary")
		}
		w.uint(uint64(i - prev))
		prev = i
		if c := termCount(e.w, st.idf(e.h)); c != 0 {
			w.uint(c)
		} else {
			w.uint(0)
			w.b = binary.LittleEndian.AppendUint64(w.b, math.Float64bits(e.w))
		}
	}
	w.b = binary.LittleEndian.AppendUint64(w.b, math.Float64bits(v.norm))
	return nil
}

// termWeight is weigh's weight of a term seen n times.
func termWeight(n uint64, light bool, idf float64) float64 {
	w := (1 + math.Log(float64(n))) * idf
	if light {
		w *= lightWeight
	}
	return w
}

// termCount finds the count (n<<1 | light) whose weight is exactly w, or
// returns 0.
func termCount(w, idf float64) uint64 {
	for _, light := range []bool{false, true} {
		r := w / idf
		if light {
			r /= lightWeight
		}
		n := uint64(math.Round(math.Exp(r - 1)))
		if n >= 1 && termWeight(n, light, idf) == w {
			return n<<1 | uint64(flags(light))
		}
	}
	return 0
}

type decoder struct {
	b   []byte
	err error
	// interned holds each repeated string once (istr).
	interned map[string]string
}

var errDamaged = errors.New("damaged")

func (r *decoder) fail() {
	if r.err == nil {
		r.err = errDamaged
	}
	r.b = nil
}

func (r *decoder) magic(m string) bool {
	if len(r.b) < len(m) || string(r.b[:len(m)]) != m {
		r.fail()
		return false
	}
	r.b = r.b[len(m):]
	return true
}

func (r *decoder) uint() uint64 {
	v, n := binary.Uvarint(r.b)
	if n <= 0 {
		r.fail()
		return 0
	}
	r.b = r.b[n:]
	return v
}

// appendHead writes what every format's head holds up to the records
// (decoder.headTail reads its end): the magic, the format, the key and the
// options' hash, the vocabulary with its document frequencies, the texts
// that repeat, the synonym groups.
func (ix *Index) appendHead(w *encoder, format uint64, key string, vocab []uint64, dfs []int32) {
	st := ix.st
	w.b = append(w.b, featuresMagic...)
	w.uint(format)
	w.str(key)
	w.str(optionsHash(ix.opts))
	// Stats.
	w.uint(uint64(st.n))
	w.uint(uint64(len(vocab)))
	prev := uint64(0)
	for k, h := range vocab {
		w.uint(h - prev)
		w.uint(uint64(dfs[k]))
		prev = h
	}
	for _, m := range []map[string]int32{st.qfreq, st.afreq} {
		// Only texts that repeat: the scorer asks whether a text repeats
		// three times or more.
		var keys []string
		for k, n := range m {
			if n >= 2 {
				keys = append(keys, k)
			}
		}
		slices.Sort(keys)
		w.uint(uint64(len(keys)))
		for _, k := range keys {
			w.str(k)
			w.uint(uint64(m[k]))
		}
	}
	w.strss(st.groups)
}

// headTail reads what every format's head ends with after the vocabulary:
// the questions' and answers' word counts, and the synonym groups.
func (r *decoder) headTail(st *Stats) {
	for _, m := range []*map[string]int32{&st.qfreq, &st.afreq} {
		n := r.count(2)
		*m = make(map[string]int32, n)
		for range n {
			k := r.str()
			(*m)[k] = int32(r.uint())
		}
	}
	st.groups = r.strss()
	st.lex = newLexicon(st.groups)
}

// count reads a length whose items take at least size bytes each, so that
// a damaged length cannot make a huge allocation.
func (r *decoder) count(size int) int {
	n := r.uint()
	if n > uint64(len(r.b)/size) {
		r.fail()
		return 0
	}
	return int(n)
}

func (r *decoder) uint64() uint64 {
	if len(r.b) < 8 {
		r.fail()
		return 0
	}
	v := binary.LittleEndian.Uint64(r.b)
	r.b = r.b[8:]
	return v
}

func (r *decoder) str() string { return string(r.bytes()) }

func (r *decoder) bytes() []byte {
	n := r.count(1)
	b := r.b[:n]
	r.b = r.b[n:]
	return b
}

// istr is str for a string many records share: a word, a level, a topic.
func (r *decoder) istr() string {
	b := r.bytes()
	if s, ok := r.interned[string(b)]; ok {
		return s
	}
	s := string(b)
	r.interned[s] = s
	return s
}

// istrsInto appends a list of shared strings to ss, failing when ss would
// grow past limit (the total the encoding announced).
func (r *decoder) istrsInto(ss []string, limit int) []string {
	n := r.count(1)
	if len(ss)+n > limit {
		r.fail()
		return ss
	}
	for range n {
		ss = append(ss, r.istr())
	}
	return ss
}

// clusters reads the stored clusters of ix's records, named (formats 2
// and 3, decoded whole).
func (r *decoder) clusters(ix *Index) []Cluster {
	n := r.count(2)
	if n == 0 {
		return nil
	}
	cs := make([]Cluster, n)
	in := make([]bool, ix.Len())
	for k := range cs {
		m := r.count(9)
		if m < 2 {
			r.fail()
			return nil
		}
		ms := make([]Member, m)
		for j := range ms {
			i := r.uint()
			if i >= uint64(len(in)) || in[i] {
				r.fail()
				return nil
			}
			in[i] = true
			ms[j] = Member{Index: int(i), ID: ix.ID(int(i)), Question: ix.question(int(i)), Score: math.Float64frombits(r.uint64())}
		}
		cs[k] = Cluster{ID: ms[0].ID, Members: ms}
	}
	return cs
}

// edges reads the scored edges MarshalFeatures wrote: valid positions, a
// pair once, scores no lower than the minimum and strongest first.
func (r *decoder) edges(ix *Index) *scoredEdges {
	n := r.count(10) // two positions and a score: 10 bytes at least
	if n == 0 {
		return nil
	}
	st := &scoredEdges{min: math.Float64frombits(r.uint64()), es: make([]edge, n)}
	for k := range st.es {
		a, b := r.uint(), r.uint()
		sc := math.Float64frombits(r.uint64())
		if r.err != nil || a >= uint64(ix.Len()) || b >= uint64(ix.Len()) || a == b || !(sc >= st.min) || k > 0 && sc > st.es[k-1].score {
			r.fail()
			return nil
		}
		st.es[k] = edge{int32(a), int32(b), sc}
	}
	return st
}

func (r *decoder) strs() []string {
	n := r.count(1)
	if n == 0 {
		return nil
	}
	ss := make([]string, n)
	for i := range ss {
		ss[i] = r.str()
	}
	return ss
}

func (r *decoder) strss() [][]string {
	n := r.count(1)
	if n == 0 {
		return nil
	}
	sss := make([][]string, n)
	for i := range sss {
		sss[i] = r.strs()
	}
	return sss
}

// answerVector reads an answer vector into a, failing past limit terms
// in all, and returns its norm.
func (r *decoder) answerVector(a *answerTerms, limit int) float64 {
	n := r.count(2)
	if n == 0 {
		return math.Float64frombits(r.uint64())
	}
	if len(a.term)+n > limit {
		r.fail()
		return 0
	}
	i := uint64(0)
	for range n {
		i += r.uint()
		if i >= uint64(len(a.vocab)) {
			r.fail()
			return 0
		}
		c, w := r.uint(), 0.0
		if c == 0 {
			w = math.Float64frombits(r.uint64())
		}
		a.add(uint32(i), c, w)
	}
	return math.Float64frombits(r.uint64())
}

func (r *decoder) vector(flat *[]entry, limit int, vocab []uint64, idf []float64) ([]entry, float64) {
	n := r.count(2)
	if n == 0 {
		return nil, math.Float64frombits(r.uint64())
	}
	if len(*flat)+n > limit {
		r.fail()
		return nil, 0
	}
	lo := len(*flat)
	i := uint64(0)
	for range n {
		i += r.uint()
		if i >= uint64(len(vocab)) {
			r.fail()
			return nil, 0
		}
		c := r.uint()
		w := 0.0
		if c == 0 {
			w = math.Float64frombits(r.uint64())
		} else {
			w = termWeight(c>>1, c&1 != 0, idf[i])
		}
		*flat = append(*flat, entry{vocab[i], w})
	}
	e := (*flat)[lo:len(*flat):len(*flat)]
	return e, math.Float64frombits(r.uint64())
}
