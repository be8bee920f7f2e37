package ingest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"path"
	"strings"
	"unicode/utf8"
)

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
//
// An extension of the registry (formats) names its format, except that a
// saved HTML page named as another document format is HTML; a records
// file's extension is taken at its word. Otherwise the content decides: an
// HTML page, a records file, Markdown (only without an extension: a .txt
// or .log file with Markdown-like lines stays text), else text.
func detectFormat(name string, src []byte) Format {
	ext := strings.ToLower(path.Ext(name))
	html := looksLikeHTML(src)
	if f := formatByExt(ext); f != 0 {
		if html && f.spec().blocks != nil {
			return FormatHTML
		}
		return f
	}
	if html {
		return FormatHTML
	}
	if f := sniffRecords(src); f != 0 {
		return f
	}
	if ext == "" && looksLikeMarkdown(src) {
		return FormatMarkdown
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
