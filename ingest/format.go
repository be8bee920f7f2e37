package ingest

import (
	"fmt"
	"slices"
	"strings"

	"github.com/iq-search/iq/ingest/parse"
	"github.com/iq-search/iq/record"
)

// Format is the syntax a source file is parsed as: an entry of formats.
type Format int

// Source formats.
const (
	FormatText Format = iota + 1
	FormatMarkdown
	FormatHTML
	// FormatJSONL and FormatCSV are records files: questions already as
	// data in iq's record schema (records.go).
	FormatJSONL
	FormatCSV
)

// formatSpec is everything ingest knows of a format but how it is sniffed
// (detectFormat): adding a format is an entry here, a parser, and a
// sniffing rule if a file without its extension should be recognised.
type formatSpec struct {
	name  string // its name: --format's value and the reports'
	label string // what a person calls it, in messages
	// exts are the file name extensions that name it (lower case, with
	// the dot); media, the content types a web server names it by
	// (fetchPage).
	exts, media []string
	// Exactly one of blocks and records is set. blocks parses a document
	// into the block stream the later stages read; records decodes a
	// records file, returning the records, each one's line and the lines
	// dropped (records.go).
	blocks  func(src []byte) ([]parse.Block, error)
	records func(name string, src []byte) ([]record.Record, []int, []Drop, error)
}

// formats is the registry, by Format; the order is the order of the names
// in messages and help.
var formats = []formatSpec{
	FormatText: {
		name:   "text",
		label:  "plain text",
		blocks: func(src []byte) ([]parse.Block, error) { return parseText(src), nil },
	},
	FormatMarkdown: {
		name:   "markdown",
		label:  "Markdown",
		exts:   []string{".md", ".markdown", ".mdx", ".mdown", ".mkd"},
		media:  []string{"text/markdown", "text/x-markdown"},
		blocks: parse.Markdown,
	},
	FormatHTML: {
		name:   "html",
		label:  "HTML",
		exts:   []string{".html", ".htm", ".xhtml"},
		media:  []string{"text/html", "application/xhtml+xml"},
		blocks: parse.HTML,
	},
	FormatJSONL: {
		name:  "jsonl",
		label: "JSON lines",
		exts:  []string{".jsonl", ".ndjson"},
		media: []string{"application/x-ndjson", "application/jsonl", "application/json"},
		records: func(name string, src []byte) ([]record.Record, []int, []Drop, error) {
			recs, lines, drops := decodeJSONL(name, src)
			return recs, lines, drops, nil
		},
	},
	FormatCSV: {
		name:    "csv",
		label:   "CSV",
		exts:    []string{".csv"},
		media:   []string{"text/csv"},
		records: decodeCSV,
	},
}

// spec returns f's entry of the registry (nil for 0 or an unknown value).
func (f Format) spec() *formatSpec {
	if f <= 0 || int(f) >= len(formats) {
		return nil
	}
	return &formats[f]
}

func (f Format) String() string {
	if s := f.spec(); s != nil {
		return s.name
	}
	return "unknown"
}

// FormatNames returns the names of the formats ingest reads, for help and
// completion.
func FormatNames() []string {
	var names []string
	for _, s := range formats {
		if s.name != "" {
			names = append(names, s.name)
		}
	}
	return names
}

// ParseFormat reads a format's name (iq's --format).
func ParseFormat(name string) (Format, error) {
	for f, s := range formats {
		if s.name != "" && strings.EqualFold(s.name, name) {
			return Format(f), nil
		}
	}
	return 0, fmt.Errorf("unknown format %q, want one of %s", name, strings.Join(FormatNames(), ", "))
}

// formatLabels lists the formats as a person calls them: "plain text,
// Markdown, HTML, JSON lines or CSV".
func formatLabels() string {
	var labels []string
	for _, s := range formats {
		if s.label != "" {
			labels = append(labels, s.label)
		}
	}
	if len(labels) < 2 {
		return strings.Join(labels, "")
	}
	return strings.Join(labels[:len(labels)-1], ", ") + " or " + labels[len(labels)-1]
}

// formatByExt returns the format a file name extension (lower case) names,
// or 0.
func formatByExt(ext string) Format {
	for f, s := range formats {
		if slices.Contains(s.exts, ext) {
			return Format(f)
		}
	}
	return 0
}

// formatByMedia returns the format a content type (lower case, without
// parameters) names. ok is false for a type iq does not read; text/plain
// is read, but names no format (0): the name and content decide.
func formatByMedia(media string) (f Format, ok bool) {
	if media == "text/plain" {
		return 0, true
	}
	for f, s := range formats {
		if slices.Contains(s.media, media) {
			return Format(f), true
		}
	}
	return 0, false
}
