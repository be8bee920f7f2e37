package index

import (
	"reflect"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/document"
	bindex "github.com/blevesearch/bleve_index_api"
)

// analysedField is a mapped text field that analyses itself with fewer
// allocations than document.TextField and reports its size without walking
// its tokens. The terms, frequencies and locations it gives the segment
// builder are the same, in the same order (TestAnalysedFieldMatchesBleve).
//
// Why: at 100k records Bleve spent 6% of the build's CPU in
// Document.Size, which scorch.Batch calls on every analysed document for a
// memory statistic and which walks every token location, and 7% in
// analysis.TokenFrequency, which allocates a TokenFreq and a growing
// location slice per distinct term (BENCHMARKS.md, run 8).
type analysedField struct {
	*document.TextField
	length int
	freqs  bindex.TokenFrequencies
	size   int // of freqs, counted as Bleve's TokenFrequencies.Size does
}

// What Bleve's Size methods count for a TextField, a TokenFreq (with its
// map entry) and a TokenLocation, before their slices.
var (
	textFieldSize     = int(reflect.TypeFor[document.TextField]().Size()) + 8
	tokenFreqSize     = int(reflect.TypeFor[bindex.TokenFreq]().Size()) + 16 + 8
	tokenLocationSize = int(reflect.TypeFor[bindex.TokenLocation]().Size())
)

// wrapTextFields replaces the indexed text fields of d with analysedFields.
func wrapTextFields(d *document.Document) {
	for i, f := range d.Fields {
		if tf, ok := f.(*document.TextField); ok && tf.Options().IsIndexed() && tf.Analyzer() != nil {
			d.Fields[i] = &analysedField{TextField: tf}
		}
	}
}

// Analyze analyses the field's value as document.TextField.Analyze does.
func (f *analysedField) Analyze() {
	v := f.Value()
	if f.Options().IsStored() {
		// Token filters may rewrite the bytes they are given (lower case
		// in place); the stored value must stay as it was.
		v = append([]byte(nil), v...)
	}
	tokens := f.Analyzer().Analyze(v)
	f.length = len(tokens)
	var termBytes int
	f.freqs, termBytes = tokenFrequency(tokens, f.ArrayPositions(), f.Options())
	// The map's own pointer, then each entry: its key and the TokenFreq's
	// term are counted apart, though they are the same bytes.
	f.size = 8 + len(f.freqs)*tokenFreqSize + 2*termBytes
	if f.Options().IncludeTermVectors() {
		f.size += len(tokens) * (tokenLocationSize + 8*len(f.ArrayPositions()))
	}
}

// AnalyzedLength is the number of tokens Analyze produced.
func (f *analysedField) AnalyzedLength() int { return f.length }

// AnalyzedTokenFrequencies returns what Analyze produced.
func (f *analysedField) AnalyzedTokenFrequencies() bindex.TokenFrequencies { return f.freqs }

// Size is the field's memory as document.TextField.Size counts it, from
// totals Analyze kept, where document.TextField walks every location.
func (f *analysedField) Size() int {
	return textFieldSize + len(f.Name()) + 8*len(f.ArrayPositions()) + len(f.Value()) + f.size
}

// tokenFrequency is analysis.TokenFrequency with its per-term allocations
// gathered into slabs: one for the TokenFreqs, and with term vectors one
// for the locations and one for the location pointers, which every term's
// Locations slices in token order. It also returns the distinct terms'
// total length.
func tokenFrequency(tokens analysis.TokenStream, arrayPositions []uint64, options bindex.FieldIndexingOptions) (bindex.TokenFrequencies, int) {
	rv := make(bindex.TokenFrequencies, len(tokens))
	freqs := make([]bindex.TokenFreq, 0, len(tokens))
	vectors := options.IncludeTermVectors()
	termBytes := 0
	var of []*bindex.TokenFreq // each token's term, for the second pass
	if vectors {
		of = make([]*bindex.TokenFreq, len(tokens))
	}
	for i, t := range tokens {
		cur, ok := rv[string(t.Term)]
		if !ok {
			freqs = append(freqs, bindex.TokenFreq{Term: t.Term})
			cur = &freqs[len(freqs)-1]
			rv[string(t.Term)] = cur
			termBytes += len(t.Term)
		}
		// Counted even under SkipFreqNorm: the second pass sizes each
		// term's locations by it.
		cur.SetFrequency(cur.Frequency() + 1)
		if vectors {
			of[i] = cur
		}
	}
	if vectors {
		ptrs := make([]*bindex.TokenLocation, len(tokens))
		off := 0
		for j := range freqs {
			n := freqs[j].Frequency()
			freqs[j].Locations = ptrs[off : off : off+n]
			off += n
		}
		locs := make([]bindex.TokenLocation, len(tokens))
		for i, t := range tokens {
			locs[i] = bindex.TokenLocation{
				ArrayPositions: arrayPositions,
				Start:          t.Start,
				End:            t.End,
				Position:       t.Position,
			}
			of[i].Locations = append(of[i].Locations, &locs[i])
		}
	}
	if options.SkipFreqNorm() {
		for j := range freqs {
			freqs[j].SetFrequency(0)
		}
	}
	return rv, termBytes
}
