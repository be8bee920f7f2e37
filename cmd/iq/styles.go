package main

import (
	"io"
	"os"
	"strings"

	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"
	"github.com/muesli/termenv"
)

// palette is every colour iq uses. ANSI-256 numbers rather than adaptive
// colours: those make lipgloss query the terminal's background, which can
// stall on terminals that do not answer.
var palette = struct {
	accent, mark, muted, beginner, intermediate, advanced, topic, err lipgloss.Color
}{
	accent:       "69",  // blue: questions, headings
	mark:         "214", // amber: matched words
	muted:        "245", // grey: ids, sources, counts
	beginner:     "36",  // teal
	intermediate: "178", // yellow
	advanced:     "168", // pink
	topic:        "104", // lavender
	err:          "203", // red
}

// Styles is every lipgloss style iq renders with, built once per output
// from a renderer bound to that output, so colour support is decided by
// the writer it goes to. No other file builds a lipgloss.Style.
type Styles struct {
	Title   lipgloss.Style // a question
	Heading lipgloss.Style // section headings of show and stats
	Mark    lipgloss.Style // a matched word
	Muted   lipgloss.Style // ids, sources, counts, the result header
	Notice  lipgloss.Style // "showing results for …"
	Number  lipgloss.Style // "1." before a hit, a score before a question
	Topic   lipgloss.Style // topic and tag badges
	Levels  map[string]lipgloss.Style
	Code    lipgloss.Style // code blocks in show
	Plain   lipgloss.Style // unstyled text
	// width is the output's width: Block and Hang wrap to it.
	width int
}

// newStyles builds the styles for w with a colour profile: termenv.Ascii
// (no escape codes at all) off a terminal or under NO_COLOR, see
// colorProfile.
func newStyles(w io.Writer, width int, profile termenv.Profile) Styles {
	r := lipgloss.NewRenderer(w)
	r.SetHasDarkBackground(true)
	r.SetColorProfile(profile)
	badge := r.NewStyle().Padding(0, 1)
	s := Styles{
		Title:   r.NewStyle().Bold(true).Foreground(palette.accent),
		Heading: r.NewStyle().Bold(true),
		Mark:    r.NewStyle().Bold(true).Foreground(palette.mark),
		Muted:   r.NewStyle().Foreground(palette.muted),
		Notice:  r.NewStyle().Italic(true).Foreground(palette.mark),
		Number:  r.NewStyle().Foreground(palette.muted),
		Topic:   badge.Foreground(palette.topic),
		Code:    r.NewStyle().Foreground(palette.muted),
		Plain:   r.NewStyle(),
		Levels: map[string]lipgloss.Style{
			"beginner":     badge.Foreground(palette.beginner),
			"intermediate": badge.Foreground(palette.intermediate),
			"advanced":     badge.Foreground(palette.advanced),
			"":             badge.Foreground(palette.muted),
		},
		width: width,
	}
	return s
}

// minBody is the narrowest a wrapped column gets, however narrow the
// terminal: below it words no longer fit.
const minBody = 20

// Narrow returns the styles with Block and Hang wrapping n cells short of
// the width: room for a mark at the end of a line ("…").
func (s Styles) Narrow(n int) Styles {
	s.width -= n
	return s
}

// Block wraps text (plain or already styled) to the output's width, every
// line indented by indent cells.
func (s Styles) Block(text string, indent int) string {
	return s.Plain.PaddingLeft(indent).Width(max(minBody+indent, s.width)).Render(text)
}

// Row lays rendered items (badges) side by side from indent, starting a
// new line where the next would not fit: an item is never split.
func (s Styles) Row(items []string, indent int) string {
	pad := strings.Repeat(" ", indent)
	var b strings.Builder
	b.WriteString(pad)
	used := indent
	for i, it := range items {
		w := ansi.StringWidth(it)
		if i > 0 && used+w > s.width {
			b.WriteString("\n" + pad)
			used = indent
		}
		b.WriteString(it)
		used += w
	}
	return b.String()
}

// CodeBlock indents code and breaks its lines that are wider than the
// output at the width, never at spaces: code keeps its words and
// indentation.
func (s Styles) CodeBlock(code string, indent int) string {
	lines := strings.Split(code, "\n")
	pad := strings.Repeat(" ", indent)
	for i, l := range lines {
		l = ansi.Hardwrap(strings.ReplaceAll(l, "\t", "    "), max(minBody, s.width-indent), true)
		lines[i] = pad + strings.ReplaceAll(s.Code.Render(l), "\n", "\n"+pad)
	}
	return strings.Join(lines, "\n")
}

// Hang puts left, a column n cells wide, before body wrapped to the rest
// of the width, so that continuation lines start under the body: a
// number or a score beside a question.
func (s Styles) Hang(left string, n int, body string) string {
	left = s.Plain.Width(n).Render(left)
	return lipgloss.JoinHorizontal(lipgloss.Top, left, s.Plain.Width(max(minBody, s.width-n)).Render(body))
}

// colorProfile picks the colour profile of styled output: none when not
// styled or when the user asked for none (NO_COLOR, https://no-color.org),
// else what the terminal supports.
func colorProfile(styled bool, getenv func(string) string, detected termenv.Profile) termenv.Profile {
	if !styled || getenv("NO_COLOR") != "" {
		return termenv.Ascii
	}
	return detected
}

// detectProfile asks termenv what w supports.
func detectProfile(w io.Writer) termenv.Profile {
	return termenv.NewOutput(w, termenv.WithEnvironment(osEnv{})).EnvColorProfile()
}

type osEnv struct{}

func (osEnv) Environ() []string        { return os.Environ() }
func (osEnv) Getenv(key string) string { return os.Getenv(key) }
