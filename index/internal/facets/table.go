package facets

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"

	bindex "github.com/blevesearch/bleve_index_api"

	"github.com/iq-search/iq/index/internal/scorchx"
)

// Table is what the faceted fields hold for each document of one index
// snapshot, all fields in one table so that counting a hit reads one short
// run: document d has the values ords[start[d]:start[d+1]] (indexes into
// values; field[o] is the field of value o). Past the values, ordinal
// len(values)+i marks a document with a value of field i, so that counting
// a hit's values also counts the fields it has.
type Table struct {
	values []string
	field  []uint8
	start  []uint32
	ords   []uint32
	cols   columnCache // the table by value (columns.go)
}

type tableKey struct {
	r      bindex.IndexReader
	fields string
}

// Tables caches Tables per snapshot and field list. An index opened
// read-only keeps one snapshot per shard for its life, so the cache holds
// one entry per shard and list of faceted fields.
type Tables struct {
	mu sync.Mutex
	m  map[tableKey]*Table
}

// MaxFields is how many fields one search can facet on.
const MaxFields = 8

// Get returns the table of fields in the snapshot r, reading the fields'
// postings the first time.
func (ts *Tables) Get(r bindex.IndexReader, fields []string) (*Table, error) {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	k := tableKey{r, joinFields(fields)}
	if t := ts.m[k]; t != nil {
		return t, nil
	}
	t, err := readTable(r, fields)
	if err != nil {
		return nil, err
	}
	if ts.m == nil || len(ts.m) >= 64 {
		// Snapshots of a read-only index do not change; this only
		// bounds the cache should they ever.
		ts.m = map[tableKey]*Table{}
	}
	ts.m[k] = t
	return t, nil
}

func joinFields(fields []string) string { return strings.Join(fields, "\x00") }

func readTable(r bindex.IndexReader, fields []string) (*Table, error) {
	if len(fields) > MaxFields {
		return nil, fmt.Errorf("%d facets asked for, at most %d can be", len(fields), MaxFields)
	}
	t := &Table{}
	var docs [][]uint32 // per value, its documents
	var maxDoc uint32
	buf := &bindex.TermFieldDoc{}
	for fi, field := range fields {
		// From a scorch snapshot, a segment's postings of a term at once.
		ok, err := scorchx.FieldPostings(r, field, func(term string, ds []uint32) {
			if len(ds) > 0 {
				maxDoc = max(maxDoc, ds[len(ds)-1])
			}
			t.values = append(t.values, term)
			t.field = append(t.field, uint8(fi))
			docs = append(docs, ds)
		})
		if err != nil {
			return nil, fmt.Errorf("read facet %s: %w", field, err)
		}
		if ok {
			continue
		}
		terms, err := dictionary(r, field)
		if err != nil {
			return nil, fmt.Errorf("read facet %s: %w", field, err)
		}
		for _, term := range terms {
			ds, err := postings(r, field, term, buf)
			if err != nil {
				return nil, fmt.Errorf("read facet %s=%s: %w", field, term, err)
			}
			for _, d := range ds {
				maxDoc = max(maxDoc, d)
			}
			t.values = append(t.values, term)
			t.field = append(t.field, uint8(fi))
			docs = append(docs, ds)
		}
	}
	has := make([]uint8, maxDoc+1) // bit i: the document has field i
	for o, ds := range docs {
		for _, d := range ds {
			has[d] |= 1 << t.field[o]
		}
	}
	for fi := range fields {
		var ds []uint32
		for d, h := range has {
			if h&(1<<fi) != 0 {
				ds = append(ds, uint32(d))
			}
		}
		docs = append(docs, ds)
	}
	t.start = make([]uint32, maxDoc+2)
	total := 0
	for _, ds := range docs {
		for _, d := range ds {
			t.start[d+1]++
		}
		total += len(ds)
	}
	for i := 1; i < len(t.start); i++ {
		t.start[i] += t.start[i-1]
	}
	t.ords = make([]uint32, total)
	next := slices.Clone(t.start[:len(t.start)-1])
	for o, ds := range docs {
		for _, d := range ds {
			t.ords[next[d]] = uint32(o)
			next[d]++
		}
	}
	return t, nil
}

// dictionary returns the terms of field; the dictionary is closed by a
// defer (Bleve holds the index's read lock until it is).
func dictionary(r bindex.IndexReader, field string) (terms []string, err error) {
	// On a scorch snapshot, walked on this goroutine (scorchx.FieldTerms),
	// where the index's guard catches a damaged dictionary's panic.
	if terms, ok, err := scorchx.FieldTerms(r, field); ok || err != nil {
		return terms, err
	}
	d, err := r.FieldDict(field)
	if err != nil {
		return nil, err
	}
	defer func() {
		if cerr := d.Close(); cerr != nil && err == nil {
			err = cerr
		}
	}()
	for {
		e, err := d.Next()
		if err != nil {
			return nil, err
		}
		if e == nil {
			return terms, nil
		}
		terms = append(terms, e.Term)
	}
}

// postings returns the document numbers of term in field.
func postings(r bindex.IndexReader, field, term string, buf *bindex.TermFieldDoc) (ds []uint32, err error) {
	tfr, err := r.TermFieldReader(context.Background(), []byte(term), field, false, false, false)
	if err != nil {
		return nil, err
	}
	defer func() {
		if cerr := tfr.Close(); cerr != nil && err == nil {
			err = cerr
		}
	}()
	seq := scorchx.NewDocSeq(r)
	for {
		tfd, err := tfr.Next(buf.Reset())
		if err != nil {
			return nil, err
		}
		if tfd == nil {
			return ds, nil
		}
		num, err := seq.Next(tfd.ID)
		if err != nil {
			return nil, err
		}
		ds = append(ds, num)
	}
}
