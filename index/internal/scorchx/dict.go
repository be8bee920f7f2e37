package scorchx

import (
	"fmt"

	"github.com/blevesearch/bleve/v2/index/scorch"
	bindex "github.com/blevesearch/bleve_index_api"
	segment "github.com/blevesearch/scorch_segment_api/v2"
)

// Dicts looks terms of one field up in a snapshot's dictionaries one at a
// time. Bleve's own ways of asking one term's count (FieldDictRange, a term
// field reader) start a goroutine per segment on every call, which a
// spelling pass asking about hundreds of candidate words pays hundreds of
// times over the ~30 segments of a 100k build; Dicts opens the segments'
// dictionaries once and asks each in turn.
//
// It relies on scorch's FieldDict summing each segment dictionary's count
// of a term (IndexSnapshotFieldDict.Next), and zap's dictionary count
// being the postings list's count without the segment's deletions (its
// DictionaryIterator reads the list with no exception bitmap). On a reader
// that is not a scorch snapshot it asks Bleve's FieldDictRange.
type Dicts struct {
	r     bindex.IndexReader
	field string
	segs  []segment.TermDictionary // nil: not a scorch snapshot
	pl    segment.PostingsList
}

// NewDicts returns the dictionaries of field in r.
func NewDicts(r bindex.IndexReader, field string) (*Dicts, error) {
	d := &Dicts{r: r, field: field}
	snap, ok := r.(*scorch.IndexSnapshot)
	if !ok {
		return d, nil
	}
	d.segs = []segment.TermDictionary{}
	for _, ss := range snap.Segments() {
		td, err := ss.Segment().Dictionary(field)
		if err != nil {
			return nil, fmt.Errorf("read dictionary of %s: %w", field, err)
		}
		if td != nil {
			d.segs = append(d.segs, td)
		}
	}
	return d, nil
}

// Count returns the number of documents holding term as Bleve's FieldDict
// reports it (summed over segments, deleted documents included): the
// count index.Terms gives the term.
func (d *Dicts) Count(term string) (uint64, error) {
	if d.segs == nil {
		return d.rangeCount(term)
	}
	var n uint64
	for _, td := range d.segs {
		pl, err := td.PostingsList([]byte(term), nil, d.pl)
		if err != nil {
			return 0, fmt.Errorf("read term %q of %s: %w", term, d.field, err)
		}
		n += pl.Count()
		d.pl = pl
	}
	return n, nil
}

func (d *Dicts) rangeCount(term string) (n uint64, err error) {
	fd, err := d.r.FieldDictRange(d.field, []byte(term), []byte(term))
	if err != nil {
		return 0, fmt.Errorf("read term %q of %s: %w", term, d.field, err)
	}
	defer func() {
		if cerr := fd.Close(); cerr != nil && err == nil {
			err = cerr
		}
	}()
	for {
		e, err := fd.Next()
		if err != nil {
			return 0, fmt.Errorf("read term %q of %s: %w", term, d.field, err)
		}
		if e == nil {
			return n, nil
		}
		if e.Term == term {
			n += e.Count
		}
	}
}
