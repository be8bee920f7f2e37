package ingest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"path"
	"strings"
	"unicode/utf8"
)

// Format is the syntax a source file is parsed as.
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

// formatNames are the names of the formats, for String and ParseFormat.
var formatNames = []string{FormatText: "text", FormatMarkdown: "markdown", FormatHTML: "html", FormatJSONL: "jsonl", FormatCSV: "csv"}

func (f Format) String() string {
	if f > 0 && int(f) < len(formatNames) {
		return formatNames[f]
	}
	return "unknown"
}

// ParseFormat reads a format's name (iq's --format).
func ParseFormat(name string) (Format, error) {
	for f, n := range formatNames {
		if n != "" && strings.EqualFold(n, name) {
			return Format(f), nil
		}
	}
	return 0, fmt.Errorf("unknown format %q, want one of %s", name, strings.Join(formatNames[1:], ", "))
}

// DefaultMaxFileSize is the size above which a file is skipped unless
// Options.MaxFileSize says otherwise. Interview collections are kilobytes;
// a file this large is a log or a dump, and reading it whole would cost
// memory for nothing.
const DefaultMaxFileSize = 32 << 20

// sniffLen is how much of a file the binary check looks at, like
// net/http.DetectContentType.
const sniffLen = 8 << 10

// detectFormat picks the parser by extension and confirms it by sniffing:
// an .md or .txt file that is really a saved HTML page is parsed as HTML, a
// file without extension that has Markdown structure as Markdown.
func detectFormat(name string, src []byte) Format {
	ext := strings.ToLower(path.Ext(name))
	html := looksLikeHTML(src)
	switch ext {
	case ".jsonl", ".ndjson":
		return FormatJSONL
	case ".csv":
		return FormatCSV
	case ".html", ".htm", ".xhtml":
		return FormatHTML
	case ".md", ".markdown", ".mdx", ".mdown", ".mkd":
		if html {
			return FormatHTML
		}
		return FormatMarkdown
	case "":
		if html {
			return FormatHTML
		}
		if f := sniffRecords(src); f != 0 {
			return f
		}
		if looksLikeMarkdown(src) {
			return FormatMarkdown
		}
	default:
		if html {
			return FormatHTML
		}
		if f := sniffRecords(src); f != 0 {
			return f
		}
	}
	return FormatText
}

// sniffRecords tells a records file without its extension (standard
// input, a page served as text): JSON lines when the first line is a JSON
// object with a "question", CSV when it is a header with a question
// column.
func sniffRecords(src []byte) Format {
	first, _, _ := bytes.Cut(bytes.TrimLeft(src, " \t\r\n\ufeff"), []byte("\n"))
	first = bytes.TrimSpace(first)
	if bytes.HasPrefix(first, []byte("{")) {
		var probe map[string]json.RawMessage
		if json.Unmarshal(first, &probe) == nil && probe["question"] != nil {
			return FormatJSONL
		}
		return 0
	}
	if !bytes.Contains(first, []byte(",")) {
		return 0
	}
	for _, h := range strings.Split(string(first), ",") {
		if strings.EqualFold(strings.Trim(strings.TrimSpace(h), `"`), "question") {
			return FormatCSV
		}
	}
	return 0
}

func looksLikeHTML(src []byte) bool {
	head := src[:min(len(src), 1024)]
	head = bytes.TrimLeft(head, " \t\r\n\ufeff")
	lower := bytes.ToLower(head[:min(len(head), 64)])
	return bytes.HasPrefix(lower, []byte("<!doctype html")) || bytes.HasPrefix(lower, []byte("<html"))
}

// looksLikeMarkdown wants two kinds of Markdown evidence so that a plain
// text file with one "# comment" line stays text.
func looksLikeMarkdown(src []byte) bool {
	head := src[:min(len(src), sniffLen)]
	signals := 0
	for _, sig := range [][]byte{[]byte("\n## "), []byte("\n```"), []byte("**"), []byte("]("), []byte("\n- ")} {
		if bytes.Contains(head, sig) {
			signals++
		}
	}
	return signals >= 2
}

// checkContent decides whether src can be ingested, repairing a few invalid
// UTF-8 bytes with U+FFFD. It returns the text to parse, or a skip reason
// and a detail naming what is wrong.
func checkContent(src []byte) ([]byte, Reason, string) {
	if len(bytes.TrimSpace(src)) == 0 {
		return nil, SkipEmpty, fmt.Sprintf("%d bytes, no text", len(src))
	}
	head := src[:min(len(src), sniffLen)]
	if i := bytes.IndexByte(head, 0); i >= 0 {
		return nil, SkipBinary, fmt.Sprintf("NUL byte at offset %d", i)
	}
	if ctl := controlBytes(head); ctl*10 > len(head) {
		return nil, SkipBinary, fmt.Sprintf("%d control bytes in the first %d", ctl, len(head))
	}
	src = bytes.TrimPrefix(src, []byte("\ufeff"))
	if utf8.Valid(src) {
		return src, "", ""
	}
	bad := invalidBytes(src)
	// A handful of stray bytes in an otherwise UTF-8 file is damage worth
	// repairing; more than 1 in 100 means another encoding, and guessing it
	// would put wrong letters into the index.
	if bad > 64 && bad*100 > len(src) {
		return nil, SkipInvalidUTF, fmt.Sprintf("%d of %d bytes are not valid UTF-8", bad, len(src))
	}
	return bytes.ToValidUTF8(src, []byte("\uFFFD")), "", ""
}

func controlBytes(b []byte) int {
	n := 0
	for _, c := range b {
		if c < 0x20 && c != '\n' && c != '\r' && c != '\t' && c != '\f' && c != '\v' && c != 0x1b {
			n++
		}
	}
	return n
}

func invalidBytes(b []byte) int {
	n := 0
	for len(b) > 0 {
		r, size := utf8.DecodeRune(b)
		if r == utf8.RuneError && size == 1 {
			n++
		}
		b = b[size:]
	}
	return n
}
