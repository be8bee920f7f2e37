package fastrank

import (
	"errors"
	"fmt"
	"github.com/blevesearch/bleve/v2/analysis"
	"runtime"
	"slices"
	"sync"

	"github.com/blevesearch/bleve/v2/mapping"
	bsearch "github.com/blevesearch/bleve/v2/search"

	"github.com/iq-search/iq/index/expr"
	"github.com/iq-search/iq/index/internal/corrupt"
	"github.com/iq-search/iq/index/internal/scorchx"
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

// Details loads the stored fields and term locations of a page's hits
// after Rank. Locations come from the clauses each hit matched (collect)
// and from analysing the hit's texts again with the field's analyzer
// (Config.Sources says which text each field was analysed from,
// Config.Texts reads it from the stored Config.TextField),
// which gives the tokens, positions and byte offsets the index holds,
// without Bleve's page pass: it re-opens every term reader and steps
// through chunks of postings, frequencies and locations to reach ten
// documents. Answer locations are then complete where Bleve's page pass
// loses some (query's TestFastRankingMatchesBleve says how).
func (p *Plan) Details(hits bsearch.DocumentMatchCollection, fields []string, locations bool) error {
	rk, r, m, tree := p.rk, p.r, p.m, p.tree
	var root node
	load := fields
	texts := false // whether locations are found in the texts
	if locations {
		var err error
		if root, err = p.compile(); err != nil {
			return err
		}
		for _, f := range rk.treeFields(tree) {
			if _, _, ok := rk.source(f); ok {
				texts = true
			}
		}
		if tf := rk.cfg.TextField; texts && !slices.Contains(load, tf) {
			load = append(slices.Clone(fields), tf)
		}
	}
	byDoc := slices.Clone(hits)
	slices.SortFunc(byDoc, func(a, b *bsearch.DocumentMatch) int { return a.IndexInternalID.Compare(b.IndexInternalID) })
	stored := scorchx.NewStoredReader(r, load)
	var jobs []locateJob
	for _, h := range byDoc {
		h.Fields = nil
		if len(load) > 0 {
			if err := stored.Load(h); err != nil {
				return err
			}
		}
		if !locations {
			continue
		}
		doc, ok := scorchx.DocNum(h.IndexInternalID)
		if !ok || root.advance(doc) != doc {
			return fmt.Errorf("load hits: %w: hit %s does not match the query again", corrupt.Err, h.ID)
		}
		ms := matchSet{}
		root.collect(doc, ms)
		j := locateJob{h: h, ms: ms}
		if texts {
			tf := rk.cfg.TextField
			v, _ := h.Fields[tf].(string)
			var keep any
			var err error
			if j.texts, keep, err = rk.cfg.Texts(v); err != nil {
				if !errors.Is(err, corrupt.Err) {
					err = fmt.Errorf("%w: %w", corrupt.Err, err)
				}
				return fmt.Errorf("load hit %s: %w", h.ID, err)
			}
			if slices.Contains(fields, tf) {
				h.Fields[tf] = keep
			} else {
				delete(h.Fields, tf)
			}
		}
		if len(h.Fields) == 0 {
			h.Fields = nil
		}
		jobs = append(jobs, j)
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
				rk.locate(m, jobs[i])
			}
		}()
	}
	wg.Wait()
	return nil
}

// locateJob is a hit whose locations are to be found in its texts
// (source → values, Config.Texts).
type locateJob struct {
	h     *bsearch.DocumentMatch
	ms    matchSet
	texts map[string][]string
}

// source returns Config.Sources for field.
func (rk *Ranker) source(field string) (source string, array, ok bool) {
	if rk.cfg.Sources == nil || rk.cfg.Texts == nil {
		return "", false, false
	}
	return rk.cfg.Sources(field)
}

// treeFields returns the fields the terms and phrases of tree search.
func (rk *Ranker) treeFields(tree expr.Node) []string {
	var fs []string
	add := func(f string) {
		if !slices.Contains(fs, f) {
			fs = append(fs, f)
		}
	}
	expr.Walk(tree, func(n expr.Node) bool {
		switch n := n.(type) {
		case expr.Term:
			add(n.Field)
		case expr.Phrase:
			add(n.Field)
		case expr.All:
			add(rk.cfg.All.Field)
		}
		return true
	})
	return fs
}

// locate sets the locations of a job's hit: for each field it matched in
// that keeps positions, its source text analysed again, and the tokens
// the match set holds. Tokens are looked up by their bytes (no string
// each) and analysed into pooled buffers (Config.Analyze).
func (rk *Ranker) locate(m mapping.IndexMapping, j locateJob) {
	h := j.h
	h.Locations = bsearch.FieldTermLocationMap{}
	type want struct {
		term string
		at   map[uint64]bool // nil: every occurrence
	}
	byField := map[string]map[string]want{}
	for k, at := range j.ms {
		w := byField[k.field]
		if w == nil {
			w = map[string]want{}
			byField[k.field] = w
		}
		w[k.term] = want{k.term, at}
	}
	var slab []bsearch.Location // the Locations, allocated a few at a time
	for field, terms := range byField {
		source, array, ok := rk.source(field)
		if !ok || !positions(m, field) {
			continue
		}
		an := m.AnalyzerNamed(m.AnalyzerNameForPath(field))
		if an == nil {
			continue
		}
		for i, v := range j.texts[source] {
			var ap uint64
			var aps []uint64
			if array {
				ap, aps = uint64(i)+1, []uint64{uint64(i)}
			}
			rk.analyze(an, v, func(ts analysis.TokenStream) {
				for _, t := range ts {
					w, ok := terms[string(t.Term)]
					if !ok || w.at != nil && !w.at[ap<<32|uint64(t.Position)] {
						continue
					}
					if h.Locations[field] == nil {
						h.Locations[field] = bsearch.TermLocationMap{}
					}
					if len(slab) == cap(slab) {
						slab = make([]bsearch.Location, 0, 16)
					}
					slab = append(slab, bsearch.Location{
						Pos: uint64(t.Position), Start: uint64(t.Start), End: uint64(t.End), ArrayPositions: aps,
					})
					h.Locations[field][w.term] = append(h.Locations[field][w.term], &slab[len(slab)-1])
				}
			})
		}
	}
	if len(h.Locations) == 0 {
		h.Locations = nil // as Bleve leaves a hit without locations
	}
}

// analyze runs a over text through Config.Analyze.
func (rk *Ranker) analyze(a analysis.Analyzer, text string, fn func(analysis.TokenStream)) {
	if rk.cfg.Analyze != nil {
		rk.cfg.Analyze(a, text, fn)
		return
	}
	fn(a.Analyze([]byte(text)))
}

// positions reports whether the mapping keeps the term positions of field.
func positions(m mapping.IndexMapping, field string) bool {
	im, ok := m.(*mapping.IndexMappingImpl)
	if !ok {
		return true
	}
	return im.FieldMappingForPath(field).IncludeTermVectors
}
