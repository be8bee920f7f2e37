package main

import (
	"context"
	"encoding/csv"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/iq-search/iq/dedup"
	"github.com/iq-search/iq/query"
	"github.com/iq-search/iq/record"
)

type dupsOptions struct {
	indexDir string
	minScore string
	levels   []string
	topics   []string
	limit    string
	offset   string
	json     bool
	format   string
	set      map[string]bool
}

// dupsFormats are the values of iq dups --format.
var dupsFormats = []string{"text", "csv", "json"}

func newDupsCmd(a *app) *cobra.Command {
	opts := &dupsOptions{}
	cmd := &cobra.Command{
		Use:   "dups",
		Short: "List clusters of near-duplicate questions, largest first",
		Long: `List the clusters of near-duplicate questions: the same question in other words,
often from other sources. Each cluster shows its canonical question (its most general,
complete form, or the one a maintainer chose) and its members with their similarity
to it (0 to 1), why they match and where they come from. Exact repeats are merged at
ingest and show as one question with several sources. A maintainer's decisions (iq
index --dups-decisions FILE) are applied and listed.`,
		Example: `  iq dups
  iq dups --topic react --min-score 0.7
  iq dups --format csv > dups.csv
  iq dups --json | jq '.clusters[0]'
  iq dups export -o bank.jsonl`,
		Args:              cobra.NoArgs,
		ValidArgsFunction: cobra.NoFileCompletions,
		RunE: func(cmd *cobra.Command, _ []string) error {
			opts.set = map[string]bool{}
			for _, f := range []string{"min-score", "limit", "offset"} {
				opts.set[f] = cmd.Flags().Changed(f)
			}
			if !slices.Contains(dupsFormats, opts.format) {
				return usageError{fmt.Errorf("unknown format %q, want one of %s", opts.format, strings.Join(dupsFormats, ", "))}
			}
			if opts.format == "json" {
				opts.json = true
			}
			return runDups(cmd.Context(), a, opts)
		},
	}
	f := cmd.Flags()
	addIndexFlag(f, &opts.indexDir)
	f.StringVar(&opts.minScore, "min-score", "", "similarity `X` in (0, 1] from which questions are duplicates (default 0.6)")
	f.StringArrayVarP(&opts.levels, "level", "l", nil, "only clusters with a question of `LEVEL`; repeatable")
	f.StringArrayVarP(&opts.topics, "topic", "t", nil, "only clusters with a question of `TOPIC`; repeatable")
	f.StringVarP(&opts.limit, "limit", "n", strconv.Itoa(query.DefaultDupsLimit), fmt.Sprintf("show `N` clusters (1 to %d)", query.MaxDupsLimit))
	f.StringVar(&opts.offset, "offset", "0", "skip the first `N` clusters")
	f.BoolVarP(&opts.json, "json", "j", false, "print the result as JSON (as GET /api/dups does)")
	f.StringVar(&opts.format, "format", "text", "print `FORMAT`: text, csv (one member a row, with a header) or json")
	completeLevels(cmd, "level")
	completeValues(cmd, "topic", record.FieldTopic, &opts.indexDir)
	cmd.AddCommand(newDupsEvalCmd(a), newDupsExportCmd(a))
	return cmd
}

// values puts the flags into URL values for query.ParseDupsRequest, the
// parser GET /api/dups uses too.
func (o *dupsOptions) values() url.Values {
	v := url.Values{}
	if o.set["min-score"] {
		v.Set(query.ParamMinScore, o.minScore)
	}
	if len(o.levels) > 0 {
		v[query.ParamLevel] = o.levels
	}
	if len(o.topics) > 0 {
		v[query.ParamTopic] = o.topics
	}
	if o.set["limit"] {
		v.Set(query.ParamLimit, o.limit)
	}
	if o.set["offset"] {
		v.Set(query.ParamOffset, o.offset)
	}
	return v
}

func runDups(ctx context.Context, a *app, opts *dupsOptions) error {
	req, err := query.ParseDupsRequest(opts.values())
	if err != nil {
		return usageError{err}
	}
	print := (*output).dupsResult
	if opts.format == "csv" {
		print = (*output).dupsCSV
	}
	return runQuery(ctx, a, opts.indexDir, opts.json,
		func(s *query.Searcher) (*query.DupsResult, error) {
			res, err := s.Dups(ctx, req)
			return res, callerError(err)
		}, print)
}

// dupsCSV prints clusters as CSV, one member a row, canonical first, with a
// header row: for a spreadsheet, whatever the output is.
func (o *output) dupsCSV(res *query.DupsResult) error {
	w := csv.NewWriter(o.w)
	w.Write([]string{"cluster", "size", "canonical", "id", "score", "question", "level", "topics", "sources", "reason"})
	for _, c := range res.Clusters {
		for k, m := range c.Members {
			var srcs []string
			for _, s := range m.Sources {
				srcs = append(srcs, sourceString(s))
			}
			w.Write([]string{c.ID, strconv.Itoa(c.Size), strconv.FormatBool(k == 0), m.ID, strconv.FormatFloat(m.Score, 'f', 3, 64),
				m.Question, m.Level, strings.Join(m.Topics, ";"), strings.Join(srcs, ";"), m.Reason})
		}
	}
	w.Flush()
	return w.Error()
}

// dupsResult prints clusters in the output's mode.
func (o *output) dupsResult(res *query.DupsResult) error {
	switch o.mode {
	case modeJSON:
		return o.json(res)
	case modePlain:
		// cluster id, member id, score, first source, question: one
		// member a line, the canonical first.
		for _, c := range res.Clusters {
			for _, m := range c.Members {
				fmt.Fprintf(o.w, "%s\t%s\t%.3f\t%s\t%s\n", c.ID, m.ID, m.Score, firstSource(m.Sources), plainField(m.Question))
			}
		}
		return nil
	}
	st := o.styles
	var b strings.Builder
	if res.Total == 0 {
		b.WriteString(st.Block(st.Muted.Render(fmt.Sprintf("No near-duplicates at min-score %.2f.", res.MinScore)), 0) + "\n")
		return o.print(b.String())
	}
	b.WriteString(st.Block(st.Muted.Render(fmt.Sprintf("%d clusters · %d questions · min-score %.2f · %.1f ms",
		res.Total, res.Questions, res.MinScore, res.TookMS)), 0) + "\n")
	for k, d := range decisionsLines(res.Decisions) {
		b.WriteString(st.Block(st.Muted.Render(d), min(k, 1)*2) + "\n")
	}
	b.WriteString("\n")
	for _, c := range res.Clusters {
		b.WriteString(st.Block(st.Title.Render(c.Question)+st.Muted.Render(fmt.Sprintf(" (%d)", c.Size)), 0) + "\n")
		for _, m := range c.Members {
			meta := firstSource(m.Sources) + "  " + m.ID
			if m.Reason != "" {
				meta += "  · " + m.Reason
			}
			b.WriteString(o.scored(m.Score, st.Plain.Render(m.Question), meta))
		}
		b.WriteString("\n")
	}
	return o.print(b.String())
}

// maxDecisionsListed is how many decisions iq dups lists on a terminal;
// --json lists them all.
const maxDecisionsListed = 10

// decisionKinds says each kind of decision in words.
var decisionKinds = map[string]string{"not_duplicates": "not duplicates", "alone": "alone", "duplicates": "the same", "canonical": "canonical"}

// decisionsLines says how many of a maintainer's decisions were applied,
// then lists them, one a line (the first maxDecisionsListed, indented
// under the first), naming the questions each could not find.
func decisionsLines(ds []dedup.Decision) []string {
	if len(ds) == 0 {
		return nil
	}
	applied := 0
	var list []string
	for _, d := range ds {
		if len(d.Missing) == 0 {
			applied++
		}
		if len(list) == maxDecisionsListed {
			continue
		}
		kind := decisionKinds[d.Kind]
		if kind == "" {
			kind = d.Kind
		}
		var qs []string
		for _, q := range d.Questions {
			if !slices.Contains(d.Missing, q) {
				qs = append(qs, "“"+q+"”")
			}
		}
		if len(d.Missing) > 0 {
			qs = append(qs, "not found: "+strings.Join(d.Missing, ", "))
		}
		line := kind + ": " + strings.Join(qs, " · ")
		list = append(list, line)
	}
	out := []string{fmt.Sprintf("%d of %d decisions applied", applied, len(ds))}
	out = append(out, list...)
	if n := len(ds) - len(list); n > 0 {
		out = append(out, fmt.Sprintf("… and %d more (iq dups --json lists them all)", n))
	}
	return out
}

// scoreWidth is the score column of dups and similar: "0.79" and a space.
const scoreWidth = 5

// scored renders a question beside its score, the meta line under it,
// both wrapped to the width with the question's indentation.
func (o *output) scored(score float64, question, meta string) string {
	st := o.styles
	return st.Hang(st.Number.Render(fmt.Sprintf("%.2f", score)), scoreWidth, question) + "\n" +
		st.Block(st.Muted.Render(meta), scoreWidth) + "\n"
}

func firstSource(ss []record.Source) string {
	if len(ss) == 0 {
		return ""
	}
	s := sourceString(ss[0])
	if n := len(ss) - 1; n > 0 {
		s += fmt.Sprintf(" (+%d)", n)
	}
	return s
}
