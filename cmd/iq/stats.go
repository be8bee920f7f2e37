package main

import (
	"context"
	"fmt"
	"io/fs"
	"strings"
	"time"

	"github.com/iq-search/iq/corpus"
	"github.com/iq-search/iq/pipeline"
	"github.com/iq-search/iq/record"
	"github.com/spf13/cobra"
)

type statsOptions struct {
	indexDir string
	json     bool
}

func newStatsCmd(a *app) *cobra.Command {
	opts := &statsOptions{}
	cmd := &cobra.Command{
		Use:   "stats",
		Short: "Count the questions by level, topic, tag, lang and source",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runStats(cmd.Context(), a, opts)
		},
	}
	addIndexFlag(cmd.Flags(), &opts.indexDir)
	cmd.Flags().BoolVarP(&opts.json, "json", "j", false, "print the counts as JSON")
	return cmd
}

// seedCount is the number of seed documents embedded beside the collections.
func seedCount() int {
	names, _ := fs.Glob(corpus.Seeds(), "*")
	return len(names)
}

func runStats(ctx context.Context, a *app, opts *statsOptions) error {
	out := newOutput(a, opts.json)
	s, err := openSearcher(ctx, out, opts.indexDir)
	if err != nil {
		return err
	}
	defer s.Close()
	st, err := s.Stats(ctx)
	if err != nil {
		return err
	}
	if out.mode == modeJSON {
		return out.json(st)
	}
	st = visibleValue(st)
	var b strings.Builder
	if out.mode == modePlain {
		// facet, value, count: one line each, like `sort | uniq -c`
		// turned around, ready for awk.
		fmt.Fprintf(&b, "total\t\t%d\n", st.Records)
		if pipeline.Embedded(st.Index) {
			// corpus, collection, licence: what the embedded corpus is made of.
			fmt.Fprintf(&b, "corpus\tseeds\t%d documents\n", seedCount())
			for _, c := range corpus.Collections() {
				fmt.Fprintf(&b, "corpus\t%s\t%s\n", c.Repo, c.License)
			}
		}
		for _, f := range record.FacetNames() {
			for _, c := range st.Facets[f] {
				fmt.Fprintf(&b, "%s\t%s\t%d\n", f, c.Value, c.Count)
			}
			if n := st.Missing[f]; n > 0 {
				fmt.Fprintf(&b, "%s\t\t%d\n", f, n)
			}
		}
		_, err := fmt.Fprint(out.w, b.String())
		return err
	}
	sty := out.styles
	b.WriteString(sty.Title.Render(fmt.Sprintf("%d questions", st.Records)) + "\n")
	b.WriteString(sty.Muted.Render(fmt.Sprintf("index %s · built %s in %s · iq %s", st.Dir,
		st.Index.BuiltAt.Local().Format("2006-01-02 15:04"), st.Index.BuildTime.Round(time.Millisecond), st.Index.IQVersion)) + "\n")
	if pipeline.Embedded(st.Index) {
		b.WriteString("\n" + sty.Heading.Render("the embedded corpus") + "\n")
		fmt.Fprintf(&b, "  %d seed documents of FastAPI questions, and five collections used under their licences\n  (their notices: corpus/licenses in iq's source):\n", seedCount())
		for _, c := range corpus.Collections() {
			fmt.Fprintf(&b, "  %s %s\n    %s\n", c.Repo, sty.Muted.Render(c.License), sty.Muted.Render(c.Holds))
		}
		b.WriteString("  " + sty.Muted.Render("iq index PATH... --index DIR builds an index of your own material") + "\n")
	}
	for _, f := range record.FacetNames() {
		b.WriteString("\n" + sty.Heading.Render(f) + "\n")
		width := 0
		for _, c := range st.Facets[f] {
			width = max(width, len(c.Value))
		}
		for _, c := range st.Facets[f] {
			fmt.Fprintf(&b, "  %-*s %s\n", width, c.Value, sty.Muted.Render(fmt.Sprint(c.Count)))
		}
		if n := st.Missing[f]; n > 0 {
			fmt.Fprintf(&b, "  %-*s %s\n", width, "(none)", sty.Muted.Render(fmt.Sprint(n)))
		}
	}
	_, err = fmt.Fprint(out.w, b.String())
	return err
}
