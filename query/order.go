package query

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/iq-search/iq/index"
	"github.com/iq-search/iq/index/expr"
	"github.com/iq-search/iq/record"
)

// streamChunk is how many hits Stream and the sorted pages read in full
// (stored record, term locations) at a time.
const streamChunk = 100

// entry is one match of the ordering pass: what sorting and collapsing need,
// without the stored record.
type entry struct {
	id      string
	score   float64
	cluster string
	level   int    // index in record.Levels; len(record.Levels) for none
	tier    int    // 1 when only a longer word matches the word being typed
	file    string // first source
	line    int
}

// ordered fills res with the hits of q (whose first page is first) in
// res.Sort order from req.Offset: req.Limit of them, or, when each is not
// nil, every one through each. It ranks every match once without reading
// stored fields beyond the cluster (and the sources for source order), then
// reads records and term locations for a chunk of hits at a time, so a
// stream of 100k hits holds 100k small entries, not 100k records.
//
// When whole is not nil, the last word is being typed (prefix.go): the
// records whole matches (the word itself) come first in relevance order,
// with whole's scores, as Search's tieredPage puts them.
func (s *Searcher) ordered(ctx context.Context, res *Result, q, whole expr.Node, first *index.Page, req Request, each func(Hit) error) error {
	res.Total = first.Total
	s.facets(res, first)
	if res.Sort != SortRelevance {
		whole = nil // tiers order relevance only
	}
	if each != nil {
		res.Limit = 0
	}
	if first.Total == 0 {
		return nil
	}
	entries, err := s.entries(ctx, q, int(first.Total), res.Sort)
	if err != nil {
		return err
	}
	if res.Sort == SortLevel {
		if err := s.levels(ctx, q, entries, res.Facets[record.FieldLevel]); err != nil {
			return err
		}
	}
	if whole != nil {
		if err := s.tiers(ctx, whole, entries); err != nil {
			return err
		}
	}
	sortEntries(entries, res.Sort)
	if !req.All && s.hasClusters() {
		seen := map[string]bool{}
		kept := entries[:0]
		for _, e := range entries {
			if s.clusterSize[e.cluster] > 1 && seen[e.cluster] {
				if each == nil && len(kept) > req.Offset && len(kept) <= req.Offset+req.Limit {
					res.Collapsed++
				}
				continue
			}
			seen[e.cluster] = true
			kept = append(kept, e)
		}
		entries = kept
	}
	end := len(entries)
	if each == nil {
		end = min(end, req.Offset+req.Limit)
	}
	for i := min(req.Offset, len(entries)); i < end; i += streamChunk {
		hits, err := s.details(ctx, q, whole, entries[i:min(i+streamChunk, end)], req.All)
		if err != nil {
			return err
		}
		for _, h := range hits {
			if each == nil {
				res.Hits = append(res.Hits, h)
			} else if err := each(h); err != nil {
				return err
			}
		}
	}
	return nil
}

// entries ranks every match of q (n of them) and returns them in score
// order, with the cluster and, for source order, the first source of each.
func (s *Searcher) entries(ctx context.Context, q expr.Node, n int, order string) ([]entry, error) {
	fields := []string{record.FieldCluster}
	if order == SortSource {
		fields = append(fields, index.FieldSources)
	}
	sr, err := s.ix.Search(ctx, q, index.SearchOptions{Size: n, Fields: fields})
	if err != nil {
		return nil, fmt.Errorf("search index %s: %w", s.ix.Dir(), err)
	}
	out := make([]entry, 0, len(sr.Hits))
	for _, h := range sr.Hits {
		e := entry{id: h.ID, score: h.Score, level: len(record.Levels)}
		e.cluster = first(h.Fields[record.FieldCluster])
		e.file, e.line = splitSource(first(h.Fields[index.FieldSources]))
		out = append(out, e)
	}
	return out, nil
}

// splitSource reads a stored "file:line" (index.SourceString).
func splitSource(s string) (string, int) {
	if i := strings.LastIndexByte(s, ':'); i >= 0 {
		if n, err := strconv.Atoi(s[i+1:]); err == nil {
			return s[:i], n
		}
	}
	return s, 0
}

// levels sets the level of each entry from one ranking pass per level
// present among the matches (counts), which reads no stored fields: the
// level is indexed, not stored.
func (s *Searcher) levels(ctx context.Context, q expr.Node, entries []entry, counts []FacetCount) error {
	at := make(map[string]int, len(entries))
	for i, e := range entries {
		at[e.id] = i
	}
	for _, c := range counts {
		lv := slices.Index(record.Levels, c.Value)
		if lv < 0 || c.Count == 0 {
			continue
		}
		sr, err := s.ix.Search(ctx, and(q, termQuery(c.Value, record.FieldLevel, 0)), index.SearchOptions{Size: c.Count})
		if err != nil {
			return fmt.Errorf("search index %s: %w", s.ix.Dir(), err)
		}
		for _, h := range sr.Hits {
			if i, ok := at[h.ID]; ok {
				entries[i].level = lv
			}
		}
	}
	return nil
}

// tiers moves the entries that whole matches to the first tier, with
// whole's scores, and the others to the second.
func (s *Searcher) tiers(ctx context.Context, whole expr.Node, entries []entry) error {
	sr, err := s.ix.Search(ctx, whole, index.SearchOptions{Size: len(entries)})
	if err != nil {
		return fmt.Errorf("search index %s: %w", s.ix.Dir(), err)
	}
	score := make(map[string]float64, len(sr.Hits))
	for _, h := range sr.Hits {
		score[h.ID] = h.Score
	}
	for i := range entries {
		if sc, ok := score[entries[i].id]; ok {
			entries[i].score = sc
		} else {
			entries[i].tier = 1
		}
	}
	return nil
}

// sortEntries puts score-ordered entries in the given order; ties keep
// score order, then ID.
func sortEntries(es []entry, order string) {
	switch order {
	case SortRelevance:
		// Tiers (tiers): the first by its own scores, as the index
		// orders them (score, then ID).
		slices.SortStableFunc(es, func(a, b entry) int {
			return cmp.Or(cmp.Compare(a.tier, b.tier), cmp.Compare(b.score, a.score), cmp.Compare(a.id, b.id))
		})
	case SortLevel:
		slices.SortStableFunc(es, func(a, b entry) int { return cmp.Compare(a.level, b.level) })
	case SortSource:
		slices.SortStableFunc(es, func(a, b entry) int {
			if c := cmp.Compare(a.file, b.file); c != 0 {
				return c
			}
			if c := cmp.Compare(a.line, b.line); c != 0 {
				return c
			}
			return cmp.Compare(a.id, b.id)
		})
	}
}

// details reads the records and term locations of a chunk of entries and
// returns their hits in the chunk's order, with the ordering pass's scores.
// The entries of the first tier are read through whole, so that they are
// highlighted as Search's tieredPage highlights them.
func (s *Searcher) details(ctx context.Context, q, whole expr.Node, chunk []entry, all bool) ([]Hit, error) {
	var ids [2][]string
	for _, e := range chunk {
		ids[e.tier] = append(ids[e.tier], e.id)
	}
	found := map[string]index.Hit{}
	for tier, tids := range ids {
		if len(tids) == 0 {
			continue
		}
		tq := q
		if tier == 0 && whole != nil {
			tq = whole
		}
		sr, err := s.ix.Search(ctx, and(tq, expr.IDs{IDs: tids}), index.SearchOptions{
			Size:      len(tids),
			Fields:    []string{index.FieldRecord, record.FieldCluster},
			Locations: true,
		})
		if err != nil {
			return nil, fmt.Errorf("search index %s: %w", s.ix.Dir(), err)
		}
		for _, h := range sr.Hits {
			found[h.ID] = h
		}
	}
	hits := make([]Hit, 0, len(chunk))
	for _, e := range chunk {
		h, ok := found[e.id]
		if !ok {
			return nil, fmt.Errorf("read hit %s: %w: matched by the ranking pass, not by its page", e.id, index.ErrCorrupt)
		}
		rec, err := decodeRecord(h)
		if err != nil {
			return nil, err
		}
		hit := newHit(rec, h)
		hit.Score = e.score
		if !all {
			hit.Similar = max(0, s.clusterSize[rec.Cluster]-1)
		}
		hits = append(hits, hit)
	}
	return hits, nil
}
