package index

import (
	"context"
	"fmt"
	"runtime"
	"slices"
	"sync"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/mapping"
	bsearch "github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
	bindex "github.com/blevesearch/bleve_index_api"
	"github.com/iq-search/iq/record"
)

// matchSet is what a document matched with, per field and term: every
// occurrence (all), or only the locations listed (phrase words).
type matchSet map[postKey]map[uint64]bool

func (ms matchSet) all(p *postings) {
	ms[postKey{field: p.field, term: p.term}] = nil
}

func (ms matchSet) at(p *postings, loc uint64) {
	k := postKey{field: p.field, term: p.term}
	if l, ok := ms[k]; ok {
		if l != nil {
			l[loc] = true
		}
		return
	}
	ms[k] = map[uint64]bool{loc: true}
}

// collect adds to ms the terms through which n matches doc, which n is on:
// the clauses Bleve's searchers would report term locations for.
func collect(n node, doc uint32, ms matchSet) {
	switch n := n.(type) {
	case *termNode:
		if n.advance(doc) == doc {
			ms.all(n.p)
		}
	case *phraseNode:
		n.collect(doc, ms)
	case *minMatchNode:
		collectMatching(n.ch, doc, ms)
	case *termDisjNode:
		collectMatching(n.ch, doc, ms)
	case *disjNode:
		collectMatching(n.ch, doc, ms)
	case *conjNode:
		for _, c := range n.ch {
			collect(c, doc, ms)
		}
	case *boolNode:
		collect(n.must, doc, ms)
		if n.should != nil && n.should.advance(doc) == doc {
			collect(n.should, doc, ms)
		}
	}
}

// collectMatching collects the clauses of a disjunction that match doc.
func collectMatching(ch []node, doc uint32, ms matchSet) {
	for _, c := range ch {
		if c.advance(doc) == doc {
			collect(c, doc, ms)
		}
	}
}

// collect adds the words of every occurrence of the phrase in doc.
func (p *phraseNode) collect(doc uint32, ms matchSet) {
	pos := p.pos
	for len(pos) > 0 && len(pos[0]) == 0 {
		pos = pos[1:]
	}
	at := func(i int, want uint64) []*termNode {
		var rv []*termNode
		for _, a := range pos[i] {
			if a.advance(doc) != doc {
				continue
			}
			for _, l := range a.locations() {
				if l == want {
					rv = append(rv, a)
					break
				}
			}
		}
		return rv
	}
	for _, a := range pos[0] {
		if a.advance(doc) != doc {
			continue
		}
		for _, l := range a.locations() {
			words := [][]*termNode{{a}}
			ok := true
			for i := 1; i < len(pos) && ok; i++ {
				if len(pos[i]) > 0 {
					w := at(i, l+uint64(i))
					ok = len(w) > 0
					words = append(words, w)
				} else {
					words = append(words, nil)
				}
			}
			if !ok {
				continue
			}
			for i, ws := range words {
				for _, w := range ws {
					ms.at(w.p, l+uint64(i))
				}
			}
		}
	}
}

// fastDetails loads the stored fields and term locations of the page's
// hits after a fast ranking pass. Locations come from the clauses each
// hit matched (collect) and from analysing the hit's question and answers
// again with the field's analyzer, which gives the tokens, positions and
// byte offsets the index holds, without Bleve's page pass: it re-opens
// every term reader and steps through chunks of postings, frequencies and
// locations to reach ten documents.
func (ix *Index) fastDetails(ctx context.Context, q query.Query, hits bsearch.DocumentMatchCollection, opts SearchOptions) error {
	sh := ix.shards[0]
	adv, err := sh.Advanced()
	if err != nil {
		return err
	}
	r, err := adv.Reader()
	if err != nil {
		return err
	}
	defer r.Close()
	m := sh.Mapping()
	var root node
	if opts.Locations {
		c, err := ix.postingCache(r)
		if err != nil {
			return err
		}
		e := &fastEnv{ctx: ctx, snap: r, m: m, c: c}
		fts, err := e.synonymMap(q)
		if err != nil {
			return err
		}
		if root, err = e.compile(q, fts); err != nil {
			return err
		}
	}
	byDoc := slices.Clone(hits)
	slices.SortFunc(byDoc, func(a, b *bsearch.DocumentMatch) int { return a.IndexInternalID.Compare(b.IndexInternalID) })
	// The texts to analyse are the question and answer fields as stored
	// (document), which is what was indexed.
	fields := opts.Fields
	if opts.Locations {
		fields = slices.Clone(fields)
		for _, f := range []string{record.FieldQuestion, record.FieldAnswer} {
			if !slices.Contains(fields, f) {
				fields = append(fields, f)
			}
		}
	}
	stored := newStoredReader(r, fields)
	var jobs []locateJob
	for _, h := range byDoc {
		h.Fields = nil
		if len(fields) > 0 {
			if err := stored.load(h); err != nil {
				return err
			}
		}
		if !opts.Locations {
			continue
		}
		doc, ok := docNum(h.IndexInternalID)
		if !ok || root.advance(doc) != doc {
			return fmt.Errorf("load hits: %w: hit %s does not match the query again", ErrCorrupt, h.ID)
		}
		ms := matchSet{}
		collect(root, doc, ms)
		question, _ := h.Fields[record.FieldQuestion].(string)
		var answers []string
		switch a := h.Fields[record.FieldAnswer].(type) {
		case string: // one value comes back as a string
			answers = []string{a}
		case []any:
			for _, v := range a {
				s, _ := v.(string)
				answers = append(answers, s)
			}
		}
		for _, f := range []string{record.FieldQuestion, record.FieldAnswer} {
			if !slices.Contains(opts.Fields, f) {
				delete(h.Fields, f)
			}
		}
		if len(h.Fields) == 0 {
			h.Fields = nil
		}
		jobs = append(jobs, locateJob{h, ms, question, answers})
	}
	// Analysing the texts is most of the work: the hits are shared out
	// over the CPUs.
	workers := min(len(jobs), runtime.GOMAXPROCS(0), maxSlices)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := w; i < len(jobs); i += workers {
				j := jobs[i]
				h := j.h
				h.Locations = bsearch.FieldTermLocationMap{}
				ix.locate(m, h.Locations, record.FieldQuestion, []string{j.question}, false, j.ms)
				ix.locate(m, h.Locations, record.FieldAnswer, j.answers, true, j.ms)
				ix.locateLangs(m, h.Locations, j.question, j.answers, j.ms)
				if len(h.Locations) == 0 {
					h.Locations = nil // as Bleve leaves a hit without locations
				}
			}
		}()
	}
	wg.Wait()
	return nil
}

// locateJob is a hit whose locations are to be found in its texts.
type locateJob struct {
	h        *bsearch.DocumentMatch
	ms       matchSet
	question string
	answers  []string
}

// locate analyses the values of a field and adds the locations of the
// tokens ms holds to locs. array tells whether the field is an array
// (locations carry the value's index).
func (ix *Index) locate(m mapping.IndexMapping, locs bsearch.FieldTermLocationMap, field string, values []string, array bool, ms matchSet) {
	want := false
	for k := range ms {
		want = want || k.field == field
	}
	if !want || !ix.Positions(field) {
		return
	}
	an := m.AnalyzerNamed(m.AnalyzerNameForPath(field))
	if an == nil {
		return
	}
	for i, v := range values {
		var ap uint64
		var aps []uint64
		if array {
			ap, aps = uint64(i)+1, []uint64{uint64(i)}
		}
		for _, t := range an.Analyze([]byte(v)) {
			set, ok := ms[postKey{field: field, term: string(t.Term)}]
			if !ok || set != nil && !set[ap<<32|uint64(t.Position)] {
				continue
			}
			if locs[field] == nil {
				locs[field] = bsearch.TermLocationMap{}
			}
			locs[field][string(t.Term)] = append(locs[field][string(t.Term)], &bsearch.Location{
				Pos: uint64(t.Position), Start: uint64(t.Start), End: uint64(t.End), ArrayPositions: aps,
			})
		}
	}
}

// storedReader loads a hit's stored fields as bleve.LoadAndHighlightFields
// does (a text field's value as a string, several values as a []any in
// stored order), but from the hit's segment and document number instead of
// looking its ID up in every segment's _id dictionary: with the ~30
// segments of a 100k build that lookup was 5% of a search's CPU.
type storedReader struct {
	r       bindex.IndexReader
	fields  []string
	all     bool // fields holds "*"
	segs    []*scorch.SegmentSnapshot
	offsets []uint64 // each segment's first global document number
}

func newStoredReader(r bindex.IndexReader, fields []string) *storedReader {
	sr := &storedReader{r: r, fields: fields, all: slices.Contains(fields, "*")}
	if snap, ok := r.(*scorch.IndexSnapshot); ok {
		sr.segs = snap.Segments()
		var next uint64
		for _, s := range sr.segs {
			sr.offsets = append(sr.offsets, next)
			next += s.Count()
		}
	}
	return sr
}

func (sr *storedReader) load(h *bsearch.DocumentMatch) error {
	n, ok := docNum(h.IndexInternalID)
	if sr.segs == nil || !ok {
		err, _ := bleve.LoadAndHighlightFields(h, &bleve.SearchRequest{Fields: sr.fields}, "", sr.r, nil)
		return err
	}
	i, found := slices.BinarySearch(sr.offsets, uint64(n))
	if !found {
		i--
	}
	if i < 0 || uint64(n)-sr.offsets[i] >= sr.segs[i].Count() {
		return fmt.Errorf("load hit %s: %w: document %d is in no segment", h.ID, ErrCorrupt, n)
	}
	var other bool
	err := sr.segs[i].VisitDocument(uint64(n)-sr.offsets[i], func(name string, typ byte, value []byte, _ []uint64) bool {
		if name == "_id" || !sr.all && !slices.Contains(sr.fields, name) {
			return true
		}
		if typ != 't' {
			other = true // not a type iq stores: Bleve's decoding below
			return false
		}
		h.AddFieldValue(name, string(value))
		return true
	})
	if err != nil {
		return fmt.Errorf("load hit %s: %w", h.ID, err)
	}
	if other {
		h.Fields = nil
		err, _ := bleve.LoadAndHighlightFields(h, &bleve.SearchRequest{Fields: sr.fields}, "", sr.r, nil)
		return err
	}
	return nil
}
