package main

import (
	"fmt"
	"html"
	"io"
	"os"
	"regexp"
	"strings"

	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/term"
	"github.com/muesli/termenv"

	"github.com/iq-search/iq/query"
)

// mode is how a command prints its result.
type mode int

const (
	modePlain  mode = iota // a pipe: tab-separated lines, no header, no colour
	modeStyled             // a terminal: lipgloss styles, width capped
	modeJSON               // --json: the query package's types as JSON
)

// maxWidth caps styled output: longer lines are hard to read.
const maxWidth = 100

// output is the one place that decides how a command prints: styled on a
// terminal, plain through a pipe, JSON with --json. Commands print through
// it and never look at the writer themselves.
type output struct {
	w      io.Writer
	errOut io.Writer
	mode   mode
	width  int
	styles Styles
	// errTTY: a progress bar is drawn on stderr only when it is a
	// terminal. Warnings go to stderr always.
	errTTY bool
}

func newOutput(a *app, asJSON bool) *output {
	o := &output{w: a.out, errOut: a.errOut, mode: modePlain, width: maxWidth}
	tty, w := terminal(a.out)
	switch {
	case asJSON:
		o.mode = modeJSON
	case tty:
		o.mode = modeStyled
		if w > 0 {
			o.width = min(w, maxWidth)
		}
	}
	o.errTTY, _ = terminal(a.errOut)
	profile := termenv.Ascii
	if o.mode == modeStyled {
		profile = colorProfile(true, os.Getenv, detectProfile(a.out))
	}
	o.styles = newStyles(a.out, o.width, profile)
	return o
}

// terminal reports whether w is a terminal, and its width.
func terminal(w io.Writer) (bool, int) {
	f, ok := w.(*os.File)
	if !ok || !term.IsTerminal(f.Fd()) {
		return false, 0
	}
	width, _, err := term.GetSize(f.Fd())
	if err != nil {
		return true, 0
	}
	return true, width
}

// json prints v as the query package encodes it: the bytes GET /api/...
// serves for the same request.
func (o *output) json(v any) error {
	return query.WriteJSON(o.w, v)
}

// warn prints a warning on stderr, terminal or not: a script that sees
// "1 skipped" must be able to read which and why.
func (o *output) warn(format string, args ...any) {
	fmt.Fprintf(o.errOut, format+"\n", args...)
}

// notify prints what the index lifecycle did unasked (pipeline's Notify):
// rebuilding an index from its sources, waiting for another build.
func (o *output) notify(msg string) { o.warn("iq: %s", msg) }

// marked renders query HTML (text escaped, matches in <mark>): matches in
// the Mark style, the rest in base. The HTML comes from package query,
// which escapes everything but its own marks, so unescaping is exact.
func (o *output) marked(h string, base lipgloss.Style) string {
	var b strings.Builder
	for {
		i := strings.Index(h, "<mark>")
		if i < 0 {
			b.WriteString(base.Render(html.UnescapeString(h)))
			return b.String()
		}
		b.WriteString(base.Render(html.UnescapeString(h[:i])))
		h = h[i+len("<mark>"):]
		j := strings.Index(h, "</mark>")
		if j < 0 {
			j = len(h)
		}
		b.WriteString(o.styles.Mark.Render(html.UnescapeString(h[:j])))
		h = h[min(len(h), j+len("</mark>")):]
	}
}

// print writes styled text with the spaces lipgloss pads lines with
// removed from the ends of lines, escape codes kept.
func (o *output) print(s string) error {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = trimTrailing(l)
	}
	_, err := io.WriteString(o.w, strings.Join(lines, "\n"))
	return err
}

// trailing matches the end of a line made of spaces and SGR escape codes.
var trailing = regexp.MustCompile(`(?:[ \t]|\x1b\[[0-9;]*m)+$`)

// trimTrailing removes the spaces at the end of a line, keeping the escape
// codes among them (a reset must still reset).
func trimTrailing(l string) string {
	loc := trailing.FindStringIndex(l)
	if loc == nil {
		return l
	}
	tail := strings.NewReplacer(" ", "", "\t", "").Replace(l[loc[0]:])
	return l[:loc[0]] + tail
}

// plainField makes s safe for one field of a tab-separated line.
func plainField(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

// firstLines keeps the first n lines of rendered text, marking a cut.
func firstLines(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) <= n {
		return strings.Join(lines, "\n")
	}
	lines[n-1] = trimTrailing(lines[n-1])
	return strings.Join(lines[:n], "\n") + "…"
}
