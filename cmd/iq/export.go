package main

import (
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"html"
	"io"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/iq-search/iq/query"
	"github.com/iq-search/iq/record"
)

// Export formats.
var exportFormats = []string{"csv", "anki", "md", "jsonl"}

// exporters writes each of exportFormats.
var exporters = map[string]func(io.Writer, []record.Record) error{
	"csv": exportCSV, "anki": exportAnki, "md": exportMarkdown, "jsonl": writeJSONL,
}

type exportOptions struct {
	search searchOptions
	format string
	out    string
}

func newExportCmd(a *app) *cobra.Command {
	opts := &exportOptions{}
	cmd := &cobra.Command{
		Use:   "export [QUERY]",
		Short: "Write the questions of a search as CSV, Anki cards, Markdown or JSON lines",
		Long: `Write every question of a search (or of the filters alone) with its answers:
  csv    a header, then id, question, answer, level, topics, tags, source
  anki   Anki's text import: question, answer (HTML), tags level::… topic::…
  md     Markdown grouped by topic, then level
  jsonl  one record a line, in iq's record schema (iq ingest's output)
Near-duplicates are written once unless --all.`,
		Example: `  iq export -t fastapi --format anki -o fastapi.txt
  iq export "dependency injection" --format md
  iq export -l beginner --format jsonl > beginner.jsonl`,
		ValidArgsFunction: cobra.NoFileCompletions,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.search.args = args
			opts.search.set = map[string]bool{}
			for _, f := range []string{"all", "sort"} {
				opts.search.set[f] = cmd.Flags().Changed(f)
			}
			return runExport(cmd.Context(), a, opts)
		},
	}
	f := cmd.Flags()
	addIndexFlag(f, &opts.search.indexDir)
	opts.search.filters = addFacetFlags(cmd, &opts.search.indexDir)
	f.StringVarP(&opts.format, "format", "f", "jsonl", "write `FORMAT`: "+strings.Join(exportFormats, ", "))
	f.StringVarP(&opts.out, "out", "o", "", "write to `FILE` instead of standard output")
	f.IntVarP(&opts.search.limit, "limit", "n", 0, "write the first `N` questions (0: all)")
	f.BoolVar(&opts.search.all, "all", false, "write every near-duplicate instead of one per cluster")
	f.StringVar(&opts.search.sort, "sort", "", "order by `ORDER`: relevance, level or source (default relevance, or source without a QUERY)")
	_ = cmd.RegisterFlagCompletionFunc("format", cobra.FixedCompletions(exportFormats, cobra.ShellCompDirectiveNoFileComp))
	return cmd
}

func runExport(ctx context.Context, a *app, opts *exportOptions) error {
	if !slices.Contains(exportFormats, opts.format) {
		return usageError{fmt.Errorf("export: unknown format %q, want one of %s", opts.format, strings.Join(exportFormats, ", "))}
	}
	if opts.search.limit < 0 {
		return usageError{fmt.Errorf("export: limit %d is out of range, want 0 (all) or more", opts.search.limit)}
	}
	text, err := argText(a, opts.search.args)
	if err != nil {
		return err
	}
	req, err := query.ParseRequest(opts.search.values(text))
	if err != nil {
		return usageError{err}
	}
	out := newOutput(a, false)
	s, err := openSearcher(ctx, out, opts.search.indexDir)
	if err != nil {
		return err
	}
	defer s.Close()
	var recs []record.Record
	res, err := s.Stream(ctx, req, func(h query.Hit) error {
		if opts.search.limit > 0 && len(recs) >= opts.search.limit {
			return errEnough
		}
		r, err := s.Record(h.ID)
		if err != nil {
			return err
		}
		recs = append(recs, r)
		return nil
	})
	if err != nil && !errors.Is(err, errEnough) {
		return callerError(err)
	}
	if res != nil && res.Total == 0 || len(recs) == 0 {
		out.warn("iq: no questions match")
		return errNoMatch
	}
	if err := writeOutput(opts.out, a.out, func(w io.Writer) error { return exporters[opts.format](w, recs) }); err != nil {
		return fmt.Errorf("export %s: %w", opts.format, err)
	}
	if opts.out != "" && opts.out != "-" {
		out.warn("iq: wrote %d questions to %s", len(recs), opts.out)
	}
	return nil
}

// answerText is a record's answers as one text: each answer with its
// labelled parts, separated by a blank line.
func answerText(r record.Record) string {
	var parts []string
	for _, a := range r.Answers {
		t := strings.TrimSpace(a.Text)
		if h := strings.TrimSpace(a.HowToAnswer); h != "" {
			t += "\n\nHow to answer: " + h
		}
		if e := strings.TrimSpace(a.ExampleAnswer); e != "" {
			t += "\n\nExample answer: " + e
		}
		parts = append(parts, t)
	}
	return strings.Join(parts, "\n\n")
}

func firstSourceOf(r record.Record) string {
	if len(r.Sources) == 0 {
		return ""
	}
	return sourceString(r.Sources[0])
}

func exportCSV(w io.Writer, recs []record.Record) error {
	cw := csv.NewWriter(w)
	if err := cw.Write([]string{"id", "question", "answer", "level", "topics", "tags", "source"}); err != nil {
		return err
	}
	for _, r := range recs {
		if err := cw.Write([]string{r.ID, r.Question, answerText(r), r.Level, strings.Join(r.Topics, ","), strings.Join(r.Tags, ","), firstSourceOf(r)}); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// exportAnki writes Anki's importable text format (File > Import): the
// header lines declare tabs, HTML fields and the tags column; each card is
// question, answer and space-separated tags (level::beginner
// topic::fastapi), fields HTML-escaped with line breaks as <br>.
func exportAnki(w io.Writer, recs []record.Record) error {
	fmt.Fprint(w, "#separator:tab\n#html:true\n#tags column:3\n")
	field := func(s string) string {
		s = html.EscapeString(strings.ReplaceAll(s, "\t", "    "))
		return strings.ReplaceAll(strings.ReplaceAll(s, "\r\n", "\n"), "\n", "<br>")
	}
	tag := func(s string) string { return strings.Join(strings.Fields(s), "_") }
	for _, r := range recs {
		var tags []string
		if r.Level != "" {
			tags = append(tags, "level::"+tag(r.Level))
		}
		for _, t := range r.Topics {
			tags = append(tags, "topic::"+tag(t))
		}
		if _, err := fmt.Fprintf(w, "%s\t%s\t%s\n", field(r.Question), field(answerText(r)), strings.Join(tags, " ")); err != nil {
			return err
		}
	}
	return nil
}

// exportMarkdown writes the questions grouped by their first topic, then
// by level (easiest first), each question a heading with its answers.
func exportMarkdown(w io.Writer, recs []record.Record) error {
	const noTopic, noLevel = "(no topic)", "(no level)"
	type key struct{ topic, level string }
	groups := map[key][]record.Record{}
	var topics []string
	for _, r := range recs {
		k := key{noTopic, noLevel}
		if len(r.Topics) > 0 {
			k.topic = r.Topics[0]
		}
		if r.Level != "" {
			k.level = r.Level
		}
		if !slices.Contains(topics, k.topic) {
			topics = append(topics, k.topic)
		}
		groups[k] = append(groups[k], r)
	}
	slices.Sort(topics)
	levels := append(slices.Clone(record.Levels), noLevel)
	for _, t := range topics {
		fmt.Fprintf(w, "# %s\n\n", t)
		for _, lv := range levels {
			rs := groups[key{t, lv}]
			if len(rs) == 0 {
				continue
			}
			fmt.Fprintf(w, "## %s\n\n", lv)
			for _, r := range rs {
				fmt.Fprintf(w, "### %s\n\n", strings.Join(strings.Fields(r.Question), " "))
				if a := answerText(r); a != "" {
					fmt.Fprintf(w, "%s\n\n", a)
				}
				if src := firstSourceOf(r); src != "" {
					fmt.Fprintf(w, "*%s · %s*\n\n", src, r.ID)
				}
			}
		}
	}
	return nil
}
