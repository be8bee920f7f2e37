package index

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/blevesearch/bleve/v2/document"
	"github.com/blevesearch/bleve/v2/mapping"
	"github.com/iq-search/iq/record"
)

// mapRecord maps a record into the document a batch indexes, with the
// indexed text fields wrapped as analysedFields.
func mapRecord(m mapping.IndexMapping, r record.Record) (*document.Document, error) {
	v, err := recordValue(r)
	if err != nil {
		return nil, err
	}
	d := document.NewDocument(r.ID)
	if err := m.MapDocument(d, v); err != nil {
		return nil, fmt.Errorf("map record %s: %w", r.ID, err)
	}
	wrapTextFields(d)
	return d, nil
}

// recordValue turns a record into the value Bleve maps with NewMapping. A map
// keeps the field names the record.Field* constants, with no struct tags to
// drift; Bleve indexes a []string as an array field, one value each.
func recordValue(r record.Record) (map[string]any, error) {
	raw, err := json.Marshal(r)
	if err != nil {
		return nil, fmt.Errorf("encode record %s: %w", r.ID, err)
	}
	d := map[string]any{
		record.FieldQuestion: r.Question,
		FieldRecord:          string(packRecord(raw)),
		FieldKind:            KindRecord,
	}
	answers := AnswerTexts(r)
	if len(answers) > 0 {
		d[record.FieldAnswer] = answers
	}
	if a := LangAnalyzer(r.Lang); a != "" {
		d[LangField(record.FieldQuestion, a)] = r.Question
		if len(answers) > 0 {
			d[LangField(record.FieldAnswer, a)] = answers
		}
	}
	var code []string
	for _, a := range r.Answers {
		for _, c := range a.Code {
			if strings.TrimSpace(c.Text) != "" {
				code = append(code, c.Text)
			}
		}
	}
	if len(code) > 0 {
		d[record.FieldCode] = code
	}
	for _, f := range record.Facets {
		switch vs := f.Of(r); {
		case len(vs) == 0:
		case f.Single:
			d[f.Name] = vs[0]
		default:
			d[f.Name] = vs
		}
	}
	if r.Cluster != "" {
		d[record.FieldCluster] = r.Cluster
	}
	if len(r.Sources) > 0 {
		lines := make([]string, 0, len(r.Sources))
		for _, s := range r.Sources {
			lines = append(lines, SourceString(s))
		}
		d[FieldSources] = lines
	}
	return d, nil
}

// AnswerTexts returns the texts the answer field holds for a record, one per
// answer: its text, then its "how to answer" and "example answer" parts.
// Highlight fragments of the answer field come from these strings.
func AnswerTexts(r record.Record) []string {
	var rv []string
	for _, a := range r.Answers {
		parts := make([]string, 0, 3)
		for _, p := range []string{a.Text, a.HowToAnswer, a.ExampleAnswer} {
			if p = strings.TrimSpace(p); p != "" {
				parts = append(parts, p)
			}
		}
		if len(parts) > 0 {
			rv = append(rv, strings.Join(parts, "\n\n"))
		}
	}
	return rv
}

// recordTexts returns the texts the question and answer fields were
// analysed from (textSource's names), read from a stored record
// (FieldRecord): the index stores them there only, not as stored fields of
// their own (issue 15). The record comes with them, decoded, for the hit's
// fields (newHit): it is decoded once.
func recordTexts(stored string) (map[string][]string, any, error) {
	rec, err := loadRecord([]byte(stored))
	if err != nil {
		return nil, nil, err
	}
	return map[string][]string{
		record.FieldQuestion: {rec.Question},
		record.FieldAnswer:   AnswerTexts(*rec),
	}, rec, nil
}

// loadRecord decodes a stored record (FieldRecord). A value that does not
// decode is damage (ErrCorrupt).
func loadRecord(stored []byte) (*record.Record, error) {
	raw, err := unpackRecord(stored)
	if err != nil {
		return nil, err
	}
	rec := new(record.Record)
	if err := json.Unmarshal(raw, rec); err != nil {
		return nil, fmt.Errorf("%w: stored %s: %w", ErrCorrupt, FieldRecord, err)
	}
	return rec, nil
}

// SourceString formats a source as stored in FieldSources: "file:line".
func SourceString(s record.Source) string {
	if s.Line <= 0 {
		return s.File
	}
	return s.File + ":" + strconv.Itoa(s.Line)
}
