package dedup

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"slices"

	"github.com/iq-search/iq/record"
)

// An Index's features are computed once, when the index is built, and
// stored beside it (MarshalFeatures); a server that opens the index loads
// them (LoadIndex) instead of parsing every record again, which at 100k
// records takes longer than reading them. The encoding is compact: the
// collection's vocabulary once, sorted, and each vector as deltas into it
// with the term count from which its weight is computed again exactly;
// token hashes are recomputed from their text.

// featuresMagic starts the encoding; featuresFormat is its version.
const (
	featuresMagic  = "iq dedup features\n"
	featuresFormat = 1
)

// ErrStaleFeatures: stored features were made by other code, with other
// options or for other records; compute them again (NewIndex).
var ErrStaleFeatures = errors.New("stored duplicate features do not match")

// MarshalFeatures encodes the Index's weights and features. key names the
// code that made them (the caller's build ID): LoadIndex refuses features
// of another key, since a change to the scorer changes what they hold.
func (ix *Index) MarshalFeatures(key string) ([]byte, error) {
	st := ix.st
	vocab := make([]uint64, 0, len(st.df))
	for h := range st.df {
		vocab = append(vocab, h)
	}
	slices.Sort(vocab)
	at := make(map[uint64]uint32, len(vocab))
	for i, h := range vocab {
		at[h] = uint32(i)
	}
	var w encoder
	w.b = make([]byte, 0, 64+len(vocab)*10+len(ix.feats)*400)
	w.b = append(w.b, featuresMagic...)
	w.uint(featuresFormat)
	w.str(key)
	w.str(optionsHash(ix.opts))
	// Stats.
	w.uint(uint64(st.n))
	w.uint(uint64(len(vocab)))
	prev := uint64(0)
	for _, h := range vocab {
		w.uint(h - prev)
		w.uint(uint64(st.df[h]))
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
	// Features, one record after the other.
	w.uint(uint64(len(ix.feats)))
	for i := range ix.feats {
		f := &ix.feats[i]
		w.str(ix.recs[i].ID)
		w.uint(flags(f.generic, f.long, f.negated, f.answers, f.differ))
		w.uint(uint64(f.aspects))
		for _, v := range []vector{f.q, f.a} {
			if err := w.vector(v, st, at); err != nil {
				return nil, fmt.Errorf("record %s: %w", ix.recs[i].ID, err)
			}
		}
		w.uint(uint64(len(f.toks)))
		for _, t := range f.toks {
			w.str(t.text)
			w.uint(uint64(t.pos))
			w.uint(uint64(t.kind))
			w.uint(flags(t.weak, t.content, t.context, t.fam != 0))
			if t.fam != 0 {
				w.b = binary.LittleEndian.AppendUint64(w.b, t.fam)
			}
		}
		w.strs(f.raws)
		w.strs(f.techs)
		w.uint(uint64(len(f.substance)))
		for _, h := range f.substance {
			w.b = binary.LittleEndian.AppendUint64(w.b, h)
		}
	}
	return w.b, nil
}

// LoadIndex is NewIndex from features MarshalFeatures stored: recs are the
// same records in any order, opts the same options. It returns
// ErrStaleFeatures (wrapped) when data was made by code of another key,
// with other options or for other records, and another error when data is
// damaged.
func LoadIndex(ctx context.Context, data []byte, key string, recs []record.Record, opts Options) (*Index, error) {
	r := decoder{b: data}
	if !r.magic(featuresMagic) || r.uint() != featuresFormat {
		return nil, fmt.Errorf("%w: not features of this format", ErrStaleFeatures)
	}
	if k := r.str(); k != key {
		return nil, fmt.Errorf("%w: made by %q, not %q", ErrStaleFeatures, k, key)
	}
	opts = opts.withDefaults()
	if r.str() != optionsHash(opts) {
		return nil, fmt.Errorf("%w: made with other synonyms", ErrStaleFeatures)
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
	n := r.count(1)
	if r.err == nil && n != len(recs) {
		return nil, fmt.Errorf("%w: %d records, not %d", ErrStaleFeatures, n, len(recs))
	}
	pos := make(map[string]int, len(recs))
	for i := range recs {
		pos[recs[i].ID] = i
	}
	ix := &Index{recs: recs, st: st, opts: opts}
	ix.feats = make([]features, len(recs))
	done := make([]bool, len(recs))
	for k := 0; k < n && r.err == nil; k++ {
		if k%1024 == 0 && ctx.Err() != nil {
			return nil, ctx.Err()
		}
		id := r.str()
		i, ok := pos[id]
		if !ok || done[i] {
			return nil, fmt.Errorf("%w: record %s is not among the records", ErrStaleFeatures, id)
		}
		done[i] = true
		f := &ix.feats[i]
		fl := r.uint()
		f.generic, f.long, f.negated, f.answers, f.differ = fl&1 != 0, fl&2 != 0, fl&4 != 0, fl&8 != 0, fl&16 != 0
		f.aspects = aspect(r.uint())
		f.q = r.vector(vocab, idf)
		f.a = r.vector(vocab, idf)
		f.toks = make([]qtok, r.count(3))
		for j := range f.toks {
			t := &f.toks[j]
			t.text = r.str()
			t.h = hashToken(t.text)
			t.pos = int32(r.uint())
			t.kind = kind(r.uint())
			tf := r.uint()
			t.weak, t.content, t.context = tf&1 != 0, tf&2 != 0, tf&4 != 0
			if tf&8 != 0 {
				t.fam = r.uint64()
			}
			t.idf = float32(st.idf(t.h))
		}
		f.raws = r.strs()
		f.techs = r.strs()
		if f.substance = make([]uint64, r.count(8)); len(f.substance) == 0 {
			f.substance = nil
		}
		for j := range f.substance {
			f.substance[j] = r.uint64()
		}
		f.topics = topicsOf(recs[i].Topics, f.techs)
		f.nHeavy = heavyCount(f.toks)
		for _, t := range f.toks {
			if int(t.pos) >= len(f.raws) {
				r.fail()
			}
		}
	}
	if r.err != nil {
		return nil, fmt.Errorf("stored duplicate features: %w", r.err)
	}
	if len(r.b) != 0 {
		return nil, errors.New("stored duplicate features: trailing bytes")
	}
	return ix, nil
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

func (r *decoder) str() string {
	n := r.count(1)
	s := string(r.b[:n])
	r.b = r.b[n:]
	return s
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

func (r *decoder) vector(vocab []uint64, idf []float64) vector {
	n := r.count(2)
	if n == 0 {
		r.uint64() // the norm
		return vector{}
	}
	v := vector{e: make([]entry, n)}
	i := uint64(0)
	for k := range v.e {
		i += r.uint()
		if i >= uint64(len(vocab)) {
			r.fail()
			return vector{}
		}
		c := r.uint()
		w := 0.0
		if c == 0 {
			w = math.Float64frombits(r.uint64())
		} else {
			w = termWeight(c>>1, c&1 != 0, idf[i])
		}
		v.e[k] = entry{vocab[i], w}
	}
	v.norm = math.Float64frombits(r.uint64())
	return v
}
