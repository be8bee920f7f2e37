package main

import (
	"bufio"
	"context"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/iq-search/iq/query"
	"github.com/iq-search/iq/record"
)

type showOptions struct {
	indexDir string
	ids      []string
	json     bool
}

func newShowCmd(a *app) *cobra.Command {
	opts := &showOptions{}
	cmd := &cobra.Command{
		Use:   "show ID...",
		Short: "Print questions in full, with every answer and its source",
		Long: `Print questions in full, with every answer and its source. An ID of - reads ids
from standard input: the first field of each line, so the lines iq search prints
when piped can be passed on as they are.`,
		Example: "  iq show 92fcbbbf622708df\n  iq search closures -n 3 | iq show -",
		Args:    cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ids, err := argIDs(a, args)
			if err != nil {
				return err
			}
			opts.ids = ids
			return runShow(cmd.Context(), a, opts)
		},
	}
	addIndexFlag(cmd.Flags(), &opts.indexDir)
	cmd.Flags().BoolVarP(&opts.json, "json", "j", false, "print each record as JSON (as GET /api/questions/ID does)")
	return cmd
}

func runShow(ctx context.Context, a *app, opts *showOptions) error {
	return runQuery(ctx, a, opts.indexDir, opts.json, func(s *query.Searcher) ([]record.Record, error) {
		recs := make([]record.Record, 0, len(opts.ids))
		for _, id := range opts.ids {
			r, err := s.Record(id)
			if err != nil {
				return nil, err
			}
			recs = append(recs, r)
		}
		return recs, nil
	}, (*output).records)
}

// argIDs returns the ids of the arguments, with "-" replaced by the first
// field of each line of standard input.
func argIDs(a *app, args []string) ([]string, error) {
	var ids []string
	for _, arg := range args {
		if arg != "-" {
			ids = append(ids, strings.TrimSpace(arg))
			continue
		}
		sc := bufio.NewScanner(a.in)
		for sc.Scan() {
			if f := strings.Fields(sc.Text()); len(f) > 0 {
				ids = append(ids, f[0])
			}
		}
		if err := sc.Err(); err != nil {
			return nil, fmt.Errorf("read standard input: %w", err)
		}
	}
	if len(ids) == 0 {
		return nil, usageError{fmt.Errorf("show: no id on standard input")}
	}
	return ids, nil
}

// records prints records one after the other: JSON values in sequence, or
// text separated by a blank line.
func (o *output) records(recs []record.Record) error {
	for i, r := range recs {
		if i > 0 && o.mode != modeJSON {
			fmt.Fprintln(o.w)
		}
		if err := o.record(r); err != nil {
			return err
		}
	}
	return nil
}

// record prints one record in full in the output's mode.
func (o *output) record(r record.Record) error {
	if o.mode == modeJSON {
		return o.json(r)
	}
	st := o.styles
	styled := o.mode == modeStyled
	var b strings.Builder
	// Styled, every line is wrapped to the terminal; plain, text stays
	// as it is for the next program.
	line := func(style func(...string) string, s string) {
		if styled {
			s = st.Block(style(s), 0)
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
			line(st.Plain.Render, part.label+strings.TrimSpace(part.text))
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
				b.WriteString(st.CodeBlock(code, 4) + "\n")
			} else {
				b.WriteString(indent(code, "    ") + "\n")
			}
		}
	}
	if styled {
		return o.print(b.String())
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
