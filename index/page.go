package index

import (
	"context"
	"fmt"
	"strings"

	"github.com/blevesearch/bleve/v2"
	bsearch "github.com/blevesearch/bleve/v2/search"

	"github.com/iq-search/iq/index/expr"
	"github.com/iq-search/iq/record"
)

// Page is one page of a search's hits, with what the whole search found:
// the total number of hits and the facet counts.
type Page struct {
	Total uint64
	// MaxScore is the best hit's score; 0 for a search of no hits
	// (SearchOptions.Size 0), which scores none.
	MaxScore float64
	Hits     []Hit
	// Facets holds the counts asked for in SearchOptions.Facets, by field.
	Facets map[string]Facet
}

// Hit is one hit of a page.
type Hit struct {
	ID    string
	Score float64
	// Fields holds the values of the stored fields asked for in
	// SearchOptions.Fields, in stored order, but the record's.
	Fields map[string][]string
	// Record is the stored record (FieldRecord), decoded, when
	// SearchOptions.Fields asked for it.
	Record *record.Record
	// Locations holds, when SearchOptions.Locations asked for them, where
	// the hit matched: field → index term → locations.
	Locations map[string]map[string][]Location
	// Explanation says how the score was made, when
	// SearchOptions.Explain asked for it.
	Explanation *Explanation
}

// Explanation is one part of a score: its value, what it is ("weight of
// question:depend^3", "sum of:"), and the parts it was computed from.
type Explanation struct {
	Value    float64
	Message  string
	Children []*Explanation
}

func explanation(e *bsearch.Explanation) *Explanation {
	if e == nil {
		return nil
	}
	out := &Explanation{Value: e.Value, Message: withoutDocNum(e.Message)}
	for _, c := range e.Children {
		out.Children = append(out.Children, explanation(c))
	}
	return out
}

// Location is where a term matched in a field's value.
type Location struct {
	// Value is the index of the value in a field of several values
	// (answers), 0 in a field of one.
	Value int
	// Pos is the token position; Start and End the byte offsets in the
	// value.
	Pos, Start, End int
}

// Facet is the counts of one facet field over every hit of a search, as
// Bleve's term facets count them.
type Facet struct {
	// Values are the most frequent values, by count and then value, as
	// many as asked for.
	Values []FacetValue
	// Total counts the values of every hit; Missing the hits without a
	// value; Other the values left out of Values.
	Total, Missing, Other int
}

// FacetValue is the number of hits with one value of a facet field.
type FacetValue struct {
	Value string
	Count int
}

// Search runs the query tree q and returns one page of its hits, ordered
// by score and then ID, with stored fields, term locations and facet
// counts as opts asks. It answers what Bleve's own request for the same
// page would (searchTree says how it costs less).
func (ix *Index) Search(ctx context.Context, q expr.Node, opts SearchOptions) (*Page, error) {
	res, err := ix.searchTree(ctx, q, opts)
	if err != nil {
		return nil, err
	}
	return newPage(res)
}

// newPage converts Bleve's answer into a Page.
func newPage(res *bleve.SearchResult) (*Page, error) {
	p := &Page{Total: res.Total, MaxScore: res.MaxScore, Hits: make([]Hit, 0, len(res.Hits))}
	for _, h := range res.Hits {
		hit, err := newHit(h)
		if err != nil {
			return nil, err
		}
		p.Hits = append(p.Hits, hit)
	}
	if len(res.Facets) > 0 {
		p.Facets = map[string]Facet{}
		for f, fr := range res.Facets {
			fc := Facet{Total: fr.Total, Missing: fr.Missing, Other: fr.Other, Values: []FacetValue{}}
			if fr.Terms != nil {
				for _, t := range fr.Terms.Terms() {
					fc.Values = append(fc.Values, FacetValue{Value: t.Term, Count: t.Count})
				}
			}
			p.Facets[f] = fc
		}
	}
	return p, nil
}

// newHit converts one of Bleve's hits into a Hit, with the stored record
// decoded: by the fast ranker's details already (recordTexts), or here.
func newHit(h *bsearch.DocumentMatch) (Hit, error) {
	hit := Hit{ID: h.ID, Score: h.Score, Explanation: explanation(h.Expl)}
	if len(h.Fields) > 0 {
		hit.Fields = map[string][]string{}
		for f, v := range h.Fields {
			if f == FieldRecord {
				var err error
				switch v := v.(type) {
				case *record.Record:
					hit.Record = v
				case string:
					hit.Record, err = loadRecord([]byte(v))
				default:
					err = fmt.Errorf("%w: field %s holds %T", ErrCorrupt, f, v)
				}
				if err != nil {
					return Hit{}, fmt.Errorf("load hit %s: %w", h.ID, err)
				}
				continue
			}
			switch v := v.(type) {
			case string:
				hit.Fields[f] = []string{v}
			case []any:
				for _, x := range v {
					s, ok := x.(string)
					if !ok {
						return Hit{}, fmt.Errorf("load hit %s: %w: field %s holds %T", h.ID, ErrCorrupt, f, x)
					}
					hit.Fields[f] = append(hit.Fields[f], s)
				}
			default:
				return Hit{}, fmt.Errorf("load hit %s: %w: field %s holds %T", h.ID, ErrCorrupt, f, v)
			}
		}
	}
	if len(h.Locations) > 0 {
		hit.Locations = locations(h.Locations)
	}
	return hit, nil
}

// withoutDocNum removes the internal document numbers Bleve writes into
// explanations ("weight(question:x^3 in <8 bytes>), …"): binary, and
// meaningless outside one snapshot.
func withoutDocNum(msg string) string {
	for i := 0; ; {
		j := strings.Index(msg[i:], " in ")
		if j < 0 {
			return msg
		}
		j += i
		if end := j + 4 + 8; end < len(msg) && msg[end] == ')' {
			msg = msg[:j] + msg[end:]
			i = j
			continue
		}
		i = j + 4
	}
}

func locations(m bsearch.FieldTermLocationMap) map[string]map[string][]Location {
	out := make(map[string]map[string][]Location, len(m))
	for f, terms := range m {
		ft := make(map[string][]Location, len(terms))
		for term, locs := range terms {
			ls := make([]Location, 0, len(locs))
			for _, l := range locs {
				loc := Location{Pos: int(l.Pos), Start: int(l.Start), End: int(l.End)}
				if len(l.ArrayPositions) > 0 {
					loc.Value = int(l.ArrayPositions[0])
				}
				ls = append(ls, loc)
			}
			ft[term] = ls
		}
		out[f] = ft
	}
	return out
}
