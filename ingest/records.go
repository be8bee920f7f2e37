package ingest

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	"github.com/iq-search/iq/record"
)

// Records files hold questions already as data, in iq's record schema
// (record.Record), so a bank kept as data, or written by `iq ingest`,
// indexes directly: JSON lines (one record.Record object a line) or CSV
// with a header naming csvColumns. They skip parsing and segmentation:
// each record is checked and completed instead. Its ID is derived from
// its question again (IDs are never taken on trust); a record without
// sources gets the file and line it came from; one without topics, tags or
// language gets them as ingested questions do. A line that is not a record
// is dropped as DropInvalidRecord with the reason, and the file goes on.

// maxRecordLine bounds one JSON line, as the file size bounds the file.
const maxRecordLine = 16 << 20

// decodeJSONL reads the records of a JSON lines file. Blank lines are
// skipped; unknown fields are an error of their line, so a misspelt
// "questoin" is reported, not read as a record with no question.
func decodeJSONL(name string, src []byte) ([]record.Record, []int, []Drop) {
	var recs []record.Record
	var lines []int
	var drops []Drop
	line := 0
	for len(src) > 0 {
		line++
		l := src
		if i := bytes.IndexByte(src, '\n'); i >= 0 {
			l, src = src[:i], src[i+1:]
		} else {
			src = nil
		}
		l = bytes.TrimSpace(l)
		if len(l) == 0 {
			continue
		}
		if len(l) > maxRecordLine {
			drops = append(drops, Drop{File: name, Line: line, Reason: DropInvalidRecord, Text: fmt.Sprintf("line of %d bytes, over %d", len(l), maxRecordLine)})
			continue
		}
		var r record.Record
		d := json.NewDecoder(bytes.NewReader(l))
		d.DisallowUnknownFields()
		err := d.Decode(&r)
		if err == nil && d.More() {
			err = errors.New("more than one JSON value on the line")
		}
		if err != nil {
			drops = append(drops, Drop{File: name, Line: line, Reason: DropInvalidRecord, Text: excerpt("not a record: " + err.Error())})
			continue
		}
		recs = append(recs, r)
		lines = append(lines, line)
	}
	return recs, lines, drops
}

// csvColumns are the header names a CSV records file may use (any case,
// any order); question is required. answer may repeat, one answer a
// column; topics and tags hold several values separated by ";" or ",";
// source is "file" or "file:line". id and cluster are accepted and
// ignored: both are derived.
var csvColumns = []string{"question", "answer", "level", "level_label", "context", "lang", "topics", "tags", "source", "id", "cluster"}

// schemaError is a records file whose header iq cannot read: the file is
// skipped as SkipSchema, not taken for a parser failure.
type schemaError struct{ error }

// decodeCSV reads the records of a CSV file with a header row. An unknown
// column fails the file (its error names the column and the known ones);
// a malformed row is dropped with its line.
func decodeCSV(name string, src []byte) ([]record.Record, []int, []Drop, error) {
	rd := csv.NewReader(bytes.NewReader(src))
	rd.FieldsPerRecord = -1
	rd.ReuseRecord = false
	header, err := rd.Read()
	if err != nil {
		return nil, nil, nil, schemaError{fmt.Errorf("read CSV header: %w", err)}
	}
	cols := make([]string, len(header))
	hasQuestion := false
	for i, h := range header {
		h = strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))
		if !slices.Contains(csvColumns, h) {
			return nil, nil, nil, schemaError{fmt.Errorf("unknown CSV column %q, want some of %s", h, strings.Join(csvColumns, ", "))}
		}
		cols[i] = h
		hasQuestion = hasQuestion || h == "question"
	}
	if !hasQuestion {
		return nil, nil, nil, schemaError{fmt.Errorf("CSV header %q has no question column", strings.Join(header, ","))}
	}
	var recs []record.Record
	var lines []int
	var drops []Drop
	for {
		row, err := rd.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			line := 0
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				line = pe.Line
			}
			drops = append(drops, Drop{File: name, Line: line, Reason: DropInvalidRecord, Text: excerpt("not a record: " + err.Error())})
			if pe == nil || pe.Err == csv.ErrQuote || pe.Err == csv.ErrBareQuote {
				// The reader cannot find the next row after a broken quote.
				break
			}
			continue
		}
		line, _ := rd.FieldPos(0)
		if len(row) != len(cols) {
			drops = append(drops, Drop{File: name, Line: line, Reason: DropInvalidRecord, Text: fmt.Sprintf("not a record: %d fields, the header has %d", len(row), len(cols))})
			continue
		}
		var r record.Record
		for i, v := range row {
			v = strings.TrimSpace(v)
			switch cols[i] {
			case "question":
				r.Question = v
			case "answer":
				if v != "" {
					r.Answers = append(r.Answers, record.Answer{Text: v})
				}
			case "level":
				r.Level = v
			case "level_label":
				r.LevelLabel = v
			case "context":
				r.Context = v
			case "lang":
				r.Lang = v
			case "topics":
				r.Topics = splitList(v)
			case "tags":
				r.Tags = splitList(v)
			case "source":
				if v != "" {
					r.Sources = append(r.Sources, parseSource(v))
				}
			}
		}
		recs = append(recs, r)
		lines = append(lines, line)
	}
	return recs, lines, drops, nil
}

// splitList splits a CSV cell of several values.
func splitList(s string) []string {
	var out []string
	for _, f := range strings.FieldsFunc(s, func(r rune) bool { return r == ';' || r == ',' }) {
		if f = strings.TrimSpace(f); f != "" {
			out = append(out, f)
		}
	}
	return out
}

// parseSource reads "file" or "file:line".
func parseSource(s string) record.Source {
	if i := strings.LastIndexByte(s, ':'); i > 0 {
		if n, err := strconv.Atoi(s[i+1:]); err == nil && n > 0 {
			return record.Source{File: s[:i], Line: n}
		}
	}
	return record.Source{File: s, Line: 1}
}

// recordsResult checks and completes the records read from a records
// file (see the comment at the top of this file).
func recordsResult(doc document, recs []record.Record, lines []int, drops []Drop, tax *Taxonomy) fileResult {
	res := fileResult{read: true, drops: drops}
	docTopics := tax.TopicsOfPath(doc.rel)
	var langTexts []langText
	var needLang []int
	for i, r := range recs {
		line := lines[i]
		r.Question = strings.TrimSpace(r.Question)
		norm := record.NormalizeQuestion(r.Question)
		if norm == "" {
			res.drops = append(res.drops, Drop{File: doc.name, Line: line, Reason: DropEmpty, Text: "a record with no question"})
			continue
		}
		r.ID = record.NormalizedID(norm)
		r.Cluster = "" // near-duplicates are found again over the whole index
		here := record.Source{File: doc.name, Line: line}
		r.Sources = slices.DeleteFunc(r.Sources, func(s record.Source) bool { return strings.TrimSpace(s.File) == "" })
		if len(r.Sources) == 0 {
			r.Sources = []record.Source{here}
		}
		answers := []record.Answer{}
		for _, a := range r.Answers {
			a.Text = strings.TrimSpace(a.Text)
			if a.Text == "" && len(a.Code) == 0 && a.HowToAnswer == "" && a.ExampleAnswer == "" {
				continue
			}
			if a.Source.File == "" {
				a.Source = r.Sources[0]
			}
			answers = append(answers, a)
		}
		r.Answers = answers
		if w, ok := checkLevel(&r); !ok {
			res.warns = append(res.warns, Warning{File: doc.name, Line: line, Message: w})
		}
		prose := ""
		if len(r.Answers) > 0 {
			prose = r.Answers[0].Text
		}
		if len(r.Topics) == 0 {
			r.Topics = mergeSorted(docTopics, tax.TopicsOf(r.Question))
		} else {
			r.Topics = mergeSorted(nil, r.Topics)
		}
		if len(r.Tags) == 0 {
			r.Tags = tax.TagsOf(r.Question + " \n " + answerStart(prose))
		} else {
			r.Tags = mergeSorted(nil, r.Tags)
		}
		if r.Topics == nil {
			r.Topics = []string{}
		}
		if r.Tags == nil {
			r.Tags = []string{}
		}
		if r.Lang == "" {
			needLang = append(needLang, len(res.records))
			langTexts = append(langTexts, langText{r.Question, answerStart(prose)})
		}
		res.records = append(res.records, r)
	}
	// Report removals in file order, as for parsed files.
	slices.SortStableFunc(res.drops, func(a, b Drop) int { return a.Line - b.Line })
	if len(needLang) > 0 {
		for i, l := range langsOf(langTexts) {
			res.records[needLang[i]].Lang = l
		}
	}
	return res
}

// checkLevel makes r's level one of record.Levels: as written ("Senior",
// "mid-level") it is read as ingest reads level labels, and kept as the
// label. A level it cannot read is left out, kept as the label, and
// reported.
func checkLevel(r *record.Record) (warning string, ok bool) {
	l := strings.TrimSpace(r.Level)
	if l == "" || slices.Contains(record.Levels, l) {
		r.Level = l
		return "", true
	}
	if lower := strings.ToLower(l); slices.Contains(record.Levels, lower) {
		r.Level = lower
		return "", true
	}
	if p := findLevel(levelTokens(l)); p.phrases > 0 && p.level != "" {
		r.Level = p.level
		if r.LevelLabel == "" {
			r.LevelLabel = l
		}
		return "", true
	}
	r.Level = ""
	if r.LevelLabel == "" {
		r.LevelLabel = l
	}
	return fmt.Sprintf("level %q is none of %s; kept as its label", l, strings.Join(record.Levels, ", ")), false
}
