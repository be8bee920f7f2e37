package index

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/document"
	"github.com/blevesearch/bleve/v2/mapping"
	bindex "github.com/blevesearch/bleve_index_api"
	"github.com/iq-search/iq/record"
)

// recordMapper maps records into the documents a batch indexes, with the
// indexed text fields wrapped as analysedFields: as m.MapDocument maps
// recordValue's map (the same fields, names, array positions, options,
// values and analyzers: TestAnalysedFieldMatchesBleve), without walking a
// map by reflection and looking each property's mapping up by its path:
// half of mapping a record, 2-3% of a build's CPU (issue 15).
type recordMapper struct {
	m mapping.IndexMapping
	// fields are the mapping's fields by name; nil when the mapping is
	// not one recordMapper knows how to follow (then MapDocument maps).
	fields map[string]fieldSpec
	// mem, when set, is the memory of the batch the documents go into,
	// for their analysed fields (batchMem).
	mem *batchMem
}

// fieldSpec is what the mapping makes of a property's string values: a
// text field with these options and analyzer.
type fieldSpec struct {
	options  bindex.FieldIndexingOptions
	analyzer analysis.Analyzer
}

// newRecordMapper reads from m the fields a record's properties map to.
// A property mapped otherwise than to one text field of its own name
// (what NewMapping makes) leaves the mapping to MapDocument.
func newRecordMapper(m mapping.IndexMapping) *recordMapper {
	rm := &recordMapper{m: m}
	im, ok := m.(*mapping.IndexMappingImpl)
	if !ok || len(im.TypeMapping) > 0 || im.DefaultMapping == nil || !im.DefaultMapping.Enabled || im.DefaultMapping.Dynamic {
		return rm
	}
	if all := im.DefaultMapping.Properties["_all"]; all == nil || all.Enabled {
		return rm // MapDocument would add the composite _all field
	}
	fields := map[string]fieldSpec{}
	for name, p := range im.DefaultMapping.Properties {
		if name == "_all" {
			continue
		}
		if !p.Enabled || p.Dynamic || len(p.Properties) > 0 || len(p.Fields) != 1 {
			return rm
		}
		fm := p.Fields[0]
		if fm.Type != "text" || (fm.Name != "" && fm.Name != name) || fm.Analyzer == "" {
			return rm
		}
		a := im.AnalyzerNamed(fm.Analyzer)
		if a == nil {
			return rm
		}
		fields[name] = fieldSpec{options: fm.Options(), analyzer: a}
	}
	rm.fields = fields
	return rm
}

// document maps r.
func (rm *recordMapper) document(r record.Record) (*document.Document, error) {
	d := document.NewDocument(r.ID)
	if rm.fields == nil {
		v, err := recordValue(r)
		if err != nil {
			return nil, err
		}
		if err := rm.m.MapDocument(d, v); err != nil {
			return nil, fmt.Errorf("map record %s: %w", r.ID, err)
		}
		wrapTextFields(d)
		return d, nil
	}
	add := func(name string, value string, arrayPositions []uint64) {
		spec, ok := rm.fields[name]
		if !ok {
			return // not mapped: MapDocument leaves it out
		}
		f := document.NewTextFieldCustom(name, arrayPositions, []byte(value), spec.options, spec.analyzer)
		if spec.options.IsIndexed() {
			d.AddField(&analysedField{TextField: f, mem: rm.mem})
		} else {
			d.AddField(f)
		}
	}
	err := visitRecord(r, func(name string, single string, values []string) {
		if values == nil {
			add(name, single, []uint64{})
			return
		}
		for i, v := range values {
			add(name, v, []uint64{uint64(i)})
		}
	})
	if err != nil {
		return nil, err
	}
	d.SetIndexed()
	return d, nil
}

// recordValue turns a record into the value Bleve maps with NewMapping. A map
// keeps the field names the record.Field* constants, with no struct tags to
// drift; Bleve indexes a []string as an array field, one value each.
func recordValue(r record.Record) (map[string]any, error) {
	d := map[string]any{}
	err := visitRecord(r, func(name string, single string, values []string) {
		if values == nil {
			d[name] = single
		} else {
			d[name] = values
		}
	})
	return d, err
}

// invalidUTF8 is how encoding/json writes a byte that is not UTF-8 (or
// a text's own backslash before "ufffd", which costs a decode, not a
// difference).
var invalidUTF8 = []byte(`\ufffd`)

// visitRecord calls fn with each property of a record's document: its
// name and its value, one string (values nil) or an array of them.
func visitRecord(r record.Record, fn func(name string, single string, values []string)) error {
	raw, err := json.Marshal(r)
	if err != nil {
		return fmt.Errorf("encode record %s: %w", r.ID, err)
	}
	if len(raw) > maxRecordJSON {
		return fmt.Errorf("encode record %s: %d bytes of JSON, more than an index stores (%d)", r.ID, len(raw), maxRecordJSON)
	}
	if bytes.Contains(raw, invalidUTF8) {
		// Text that is not valid UTF-8, which JSON stores with each bad
		// byte as U+FFFD: the fields hold the text as the stored record
		// gives it back, so that term locations are offsets into the
		// text its readers have (recordTexts, query's highlighting).
		var back record.Record
		if err := json.Unmarshal(raw, &back); err != nil {
			return fmt.Errorf("encode record %s: %w", r.ID, err)
		}
		r = back
	}
	fn(record.FieldQuestion, r.Question, nil)
	fn(FieldRecord, string(packRecord(raw)), nil)
	fn(FieldKind, KindRecord, nil)
	answers := AnswerTexts(r)
	if len(answers) > 0 {
		fn(record.FieldAnswer, "", answers)
	}
	if a := LangAnalyzer(r.Lang); a != "" {
		fn(LangField(record.FieldQuestion, a), r.Question, nil)
		if len(answers) > 0 {
			fn(LangField(record.FieldAnswer, a), "", answers)
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
		fn(record.FieldCode, "", code)
	}
	for _, f := range record.Facets {
		switch vs := f.Of(r); {
		case len(vs) == 0:
		case f.Single:
			fn(f.Name, vs[0], nil)
		default:
			fn(f.Name, "", vs)
		}
	}
	if r.Cluster != "" {
		fn(record.FieldCluster, r.Cluster, nil)
	}
	if len(r.Sources) > 0 {
		lines := make([]string, 0, len(r.Sources))
		for _, s := range r.Sources {
			lines = append(lines, SourceString(s))
		}
		fn(FieldSources, "", lines)
	}
	return nil
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
