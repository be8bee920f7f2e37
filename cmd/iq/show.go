package main

import (
	"context"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/iq-search/iq/query"
	"github.com/iq-search/iq/record"
)

type showOptions struct {
	indexDir string
	id       string
	json     bool
}

func newShowCmd(a *app) *cobra.Command {
	opts := &showOptions{}
	cmd := &cobra.Command{
		Use:     "show ID",
		Short:   "Print one question in full, with every answer and its source",
		Example: "  iq show 92fcbbbf622708df\n  iq search closures | head -1 | cut -f1 | xargs iq show",
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.id = strings.TrimSpace(args[0])
			return runShow(cmd.Context(), a, opts)
		},
	}
	addIndexFlag(cmd.Flags(), &opts.indexDir)
	cmd.Flags().BoolVar(&opts.json, "json", false, "print the record as JSON (as GET /api/questions/ID does)")
	return cmd
}

func runShow(ctx context.Context, a *app, opts *showOptions) error {
	return runQuery(ctx, a, opts.indexDir, opts.json, func(s *query.Searcher) (record.Record, error) { return s.Record(opts.id) }, (*output).record)
}

// record prints one record in full in the output's mode.
func (o *output) record(r record.Record) error {
	if o.mode == modeJSON {
		return o.json(r)
	}
	st := o.styles
	styled := o.mode == modeStyled
	var b strings.Builder
	line := func(style func(...string) string, s string) {
		if styled {
			s = style(s)
		}
		b.WriteString(s + "\n")
	}
	line(st.Title.Render, r.Question)
	meta := []string{"id " + r.ID}
	if r.Level != "" {
		l := "level " + r.Level
		if r.LevelLabel != "" && !strings.EqualFold(r.LevelLabel, r.Level) {
			l += fmt.Sprintf(" (%s)", r.LevelLabel)
		}
		meta = append(meta, l)
	}
	if len(r.Topics) > 0 {
		meta = append(meta, "topics "+strings.Join(r.Topics, ", "))
	}
	if len(r.Tags) > 0 {
		meta = append(meta, "tags "+strings.Join(r.Tags, ", "))
	}
	if r.Cluster != "" {
		meta = append(meta, "cluster "+r.Cluster)
	}
	line(st.Muted.Render, strings.Join(meta, " · "))
	srcs := make([]string, 0, len(r.Sources))
	for _, s := range r.Sources {
		srcs = append(srcs, sourceString(s))
	}
	line(st.Muted.Render, "asked in "+strings.Join(srcs, ", "))
	if len(r.Answers) == 0 {
		b.WriteString("\n")
		line(st.Muted.Render, "(no answer in the sources)")
	}
	for i, a := range r.Answers {
		b.WriteString("\n")
		line(st.Heading.Render, fmt.Sprintf("Answer %d of %d · %s", i+1, len(r.Answers), sourceString(a.Source)))
		for _, part := range []struct{ label, text string }{{"", a.Text}, {"How to answer: ", a.HowToAnswer}, {"Example answer: ", a.ExampleAnswer}} {
			if strings.TrimSpace(part.text) == "" {
				continue
			}
			line(st.Wrap.Render, part.label+strings.TrimSpace(part.text))
		}
		for _, c := range a.Code {
			if strings.Contains(strings.Join(strings.Fields(a.Text), " "), strings.Join(strings.Fields(c.Text), " ")) {
				// The answer text already shows this block in place.
				continue
			}
			b.WriteString("\n")
			if c.Lang != "" {
				line(st.Muted.Render, "    "+c.Lang+":")
			}
			code := strings.TrimRight(c.Text, "\n")
			if styled {
				b.WriteString(st.Code.Render(code) + "\n")
			} else {
				b.WriteString(indent(code, "    ") + "\n")
			}
		}
	}
	_, err := fmt.Fprint(o.w, b.String())
	return err
}

func indent(s, prefix string) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		if l != "" {
			lines[i] = prefix + l
		}
	}
	return strings.Join(lines, "\n")
}
