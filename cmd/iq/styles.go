package main

import (
	"io"
	"os"

	"github.com/charmbracelet/lipgloss"
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
	Title    lipgloss.Style // a question
	TitleBox lipgloss.Style // wraps a hit's question beside its number
	Heading  lipgloss.Style // section headings of show and stats
	Mark     lipgloss.Style // a matched word
	Muted    lipgloss.Style // ids, sources, counts, the result header
	Notice   lipgloss.Style // "showing results for …"
	Number   lipgloss.Style // "1." before a hit
	Topic    lipgloss.Style // topic and tag badges
	Levels   map[string]lipgloss.Style
	Code     lipgloss.Style // code blocks in show
	Plain    lipgloss.Style // unstyled text
	Wrap     lipgloss.Style // body text, wrapped at the output width
	Indented lipgloss.Style // answer text under a hit, wrapped
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
		Title:    r.NewStyle().Bold(true).Foreground(palette.accent),
		TitleBox: r.NewStyle().Width(max(20, width-5)),
		Heading:  r.NewStyle().Bold(true),
		Mark:     r.NewStyle().Bold(true).Foreground(palette.mark),
		Muted:    r.NewStyle().Foreground(palette.muted),
		Notice:   r.NewStyle().Italic(true).Foreground(palette.mark).Width(width),
		Number:   r.NewStyle().Foreground(palette.muted).Width(4).Align(lipgloss.Right).PaddingRight(1),
		Topic:    badge.Foreground(palette.topic),
		Code:     r.NewStyle().Foreground(palette.muted).PaddingLeft(4),
		Plain:    r.NewStyle(),
		Wrap:     r.NewStyle().Width(width),
		Indented: r.NewStyle().PaddingLeft(4).Width(width),
		Levels: map[string]lipgloss.Style{
			"beginner":     badge.Foreground(palette.beginner),
			"intermediate": badge.Foreground(palette.intermediate),
			"advanced":     badge.Foreground(palette.advanced),
			"":             badge.Foreground(palette.muted),
		},
	}
	return s
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
