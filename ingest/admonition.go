package ingest

import (
	"strings"
	"unicode"

	"github.com/iq-search/iq/ingest/parse"
)

// Admonitions are boxed notes written in a Markdown extension: Python-
// Markdown's `!!! type "Title"`, pymdownx.details' collapsible `??? type
// "Title"` and `???+`, Docusaurus' `:::type Title` … `:::`. A site built
// without the extension shows the syntax as text (a MkDocs page whose
// `<p>??? question "1. Which command…?" <strong>git init</strong>.</p>`
// holds a question and its answer), and a Markdown file always does. The
// marker says what the box is, the title is what it shows: a collapsible
// box's title is the summary of a toggle, an admonition of type question
// asks one, and any other marker is markup to take out.

// admonitionKind is how an admonition line opens.
type admonitionKind int

const (
	notAdmonition    admonitionKind = iota
	admonitionBox                   // !!! type
	admonitionToggle                // ??? type, ???+ type
	admonitionFence                 // :::type, or a closing :::
)

// admonition is an admonition marker parsed from the start of a block.
type admonition struct {
	kind  admonitionKind
	typ   string // "question", "note", "tip"…, lower case; "" for a closing :::
	title string // the quoted (or, for :::, trailing) title; "" when none
	rest  string // the text after the marker line: the box's content
}

// parseAdmonition reads an admonition marker at the start of t.
func parseAdmonition(t string) (admonition, bool) {
	var a admonition
	switch {
	case strings.HasPrefix(t, "???+"):
		a.kind, t = admonitionToggle, t[4:]
	case strings.HasPrefix(t, "???"):
		a.kind, t = admonitionToggle, t[3:]
	case strings.HasPrefix(t, "!!!"):
		a.kind, t = admonitionBox, t[3:]
	case strings.HasPrefix(t, ":::"):
		a.kind, t = admonitionFence, strings.TrimLeft(t, ":")
	default:
		return a, false
	}
	if a.kind != admonitionFence {
		// "!!! note": the type follows after white space.
		if t == "" || t[0] != ' ' && t[0] != '\t' {
			return a, false
		}
	}
	// The first line is the marker's; the box's content follows it.
	line, rest, _ := strings.Cut(t, "\n")
	line = strings.TrimSpace(line)
	if a.kind == admonitionFence {
		// ":::note Title", ":::tip[Title]", or a closing ":::".
		i := 0
		for i < len(line) && (isTypeByte(line[i])) {
			i++
		}
		a.typ = strings.ToLower(line[:i])
		if a.typ == "" && line != "" {
			return a, false // ":::: some text" is not a fence
		}
		title := strings.TrimSpace(line[i:])
		if strings.HasPrefix(title, "[") && strings.HasSuffix(title, "]") {
			title = title[1 : len(title)-1]
		} else if strings.HasPrefix(title, "{") {
			title = "" // ":::note{.class}" attributes
		}
		a.title = strings.TrimSpace(title)
		a.rest = strings.TrimSpace(rest)
		return a, true
	}
	// "type [more classes] ["Title"] [content on the same line, when the
	// page folded the marker line into its paragraph]".
	i := 0
	for i < len(line) && isTypeByte(line[i]) {
		i++
	}
	if i == 0 || line[0] < 'a' || line[0] > 'z' {
		// Types are lower case words: "!!! Important !!!" is prose.
		return a, false
	}
	a.typ = line[:i]
	after := strings.TrimLeft(line[i:], " \t")
	// Up to two class words ("!!! note inline end") before the title or
	// the end of the line.
	words := after
	for k := 0; k < 2 && words != "" && words[0] != '"'; k++ {
		j := 0
		for j < len(words) && isTypeByte(words[j]) {
			j++
		}
		if j == 0 || j < len(words) && words[j] != ' ' && words[j] != '\t' {
			break
		}
		words = strings.TrimLeft(words[j:], " \t")
	}
	if words == "" || words[0] == '"' {
		after = words
	}
	if strings.HasPrefix(after, `"`) {
		if end := titleEnd(after); end > 0 {
			a.title = strings.TrimSpace(after[1:end])
			after = after[end+1:]
		}
	}
	if a.title == "" && !admonitionTypes[a.typ] {
		// Without a title, only a known type makes a marker, and text on
		// its line is the box's content (a page folds the marker line into
		// its paragraph): "!!! wow !!!" is prose.
		return a, false
	}
	if rest != "" {
		after = strings.TrimSpace(after + "\n" + rest)
	}
	a.rest = strings.TrimSpace(after)
	return a, true
}

// admonitionTypes are the types Python-Markdown, Material for MkDocs and
// Docusaurus define.
var admonitionTypes = setOf("note", "abstract", "summary", "tldr", "info", "todo", "tip", "hint", "important",
	"success", "check", "done", "question", "help", "faq", "warning", "caution", "attention", "failure", "fail",
	"missing", "danger", "error", "bug", "example", "quote", "cite", "seealso", "admonition", "danger")

// isTypeByte is a byte of an admonition type or class word.
func isTypeByte(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '_'
}

// titleEnd finds the quote that closes the title opened at s[0]: the first
// quote followed by white space or the end with the quotes inside it
// balanced (`"What is a "Fast-forward" merge?"` is one title), else the
// last quote followed by white space or the end; -1 when there is none.
func titleEnd(s string) int {
	inner, last := 0, -1
	for i := 1; i < len(s); i++ {
		if s[i] != '"' {
			continue
		}
		closes := i+1 == len(s) || s[i+1] == ' ' || s[i+1] == '\t' || s[i+1] == '\n'
		if closes {
			if inner%2 == 0 {
				return i
			}
			last = i
		}
		inner++
	}
	return last
}

// asksQuestion reports an admonition type that says its box asks a
// question (Material for MkDocs: question, help, faq).
func asksQuestion(typ string) bool {
	switch typ {
	case "question", "help", "faq", "quiz", "exercise", "problem":
		return true
	}
	return false
}

// expandAdmonitions rewrites blocks that open with admonition syntax: the
// title of a collapsible box becomes a Summary block (a question when the
// type says so), a titled box of type question a question paragraph, and
// the text after the marker a block of its own. It returns the blocks and
// the indices of blocks that were only a marker (":::", "!!! note"), for the
// noise filter to drop as markup. Blocks without admonitions are returned
// as they are, without a copy.
func expandAdmonitions(blocks []parse.Block) ([]parse.Block, []int) {
	first := -1
	for i := range blocks {
		if isAdmonitionStart(&blocks[i]) {
			first = i
			break
		}
	}
	if first < 0 {
		return blocks, nil
	}
	out := make([]parse.Block, 0, len(blocks)+8)
	out = append(out, blocks[:first]...)
	var markers []int
	for _, b := range blocks[first:] {
		if !isAdmonitionStart(&b) {
			out = append(out, b)
			continue
		}
		a, ok := parseAdmonition(strings.TrimSpace(b.Text))
		if !ok {
			out = append(out, b)
			continue
		}
		head := b
		head.LinkChars, head.Links, head.AnchorLinks = 0, 0, 0
		switch {
		case a.title == "":
			// A bare marker: what it boxes is plain content.
			markers = append(markers, len(out))
			head.Text = strings.TrimSpace(strings.SplitN(b.Text, "\n", 2)[0])
			head.Strong = false
			out = append(out, head)
		case a.kind == admonitionToggle:
			head.Kind, head.Text, head.Strong, head.Depth = parse.Summary, a.title, false, 0
			if asksQuestion(a.typ) {
				head.Role = "question"
			}
			out = append(out, head)
		default:
			head.Kind, head.Text, head.Strong = parse.Paragraph, a.title, true
			if asksQuestion(a.typ) {
				head.Role = "question"
			}
			out = append(out, head)
		}
		if a.rest != "" {
			body := b
			body.Text, body.Strong, body.Number = a.rest, false, 0
			if body.Kind == parse.Heading || body.Kind == parse.Summary {
				body.Kind = parse.Paragraph
			}
			// The content's link counts stay with it (the marker has
			// none); Strong is unknown for a part, so it is left off.
			out = append(out, body)
		}
	}
	return out, markers
}

// isAdmonitionStart is the cheap test run on every block.
func isAdmonitionStart(b *parse.Block) bool {
	if b.Kind == parse.Code || b.Kind == parse.Table || b.Kind == parse.Rule {
		return false
	}
	t := strings.TrimLeftFunc(b.Text, unicode.IsSpace)
	return len(t) >= 3 && (t[0] == '?' || t[0] == '!' || t[0] == ':') && t[1] == t[0] && t[2] == t[0]
}
