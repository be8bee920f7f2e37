package main

import (
	"context"
	"fmt"
	"net/url"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

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
	set      map[string]bool
}

func newDupsCmd(a *app) *cobra.Command {
	opts := &dupsOptions{}
	cmd := &cobra.Command{
		Use:   "dups",
		Short: "List clusters of near-duplicate questions, largest first",
		Long: `List the clusters of near-duplicate questions: the same question in other words,
often from other sources. Each cluster shows its canonical question (found in the
most places, then with the fullest answer) and its members with their similarity
to it (0 to 1) and where they come from. Exact repeats are merged at ingest and
show as one question with several sources.`,
		Example: `  iq dups
  iq dups --topic react --min-score 0.7
  iq dups --json | jq '.clusters[0]'`,
		Args:              cobra.NoArgs,
		ValidArgsFunction: cobra.NoFileCompletions,
		RunE: func(cmd *cobra.Command, _ []string) error {
			opts.set = map[string]bool{}
			for _, f := range []string{"min-score", "limit", "offset"} {
				opts.set[f] = cmd.Flags().Changed(f)
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
	completeLevels(cmd, "level")
	completeValues(cmd, "topic", record.FieldTopic, &opts.indexDir)
	cmd.AddCommand(newDupsEvalCmd(a))
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
	return runQuery(ctx, a, opts.indexDir, opts.json,
		func(s *query.Searcher) (*query.DupsResult, error) {
			res, err := s.Dups(ctx, req)
			return res, callerError(err)
		}, (*output).dupsResult)
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
		res.Total, res.Questions, res.MinScore, res.TookMS)), 0) + "\n\n")
	for _, c := range res.Clusters {
		b.WriteString(st.Block(st.Title.Render(c.Question)+st.Muted.Render(fmt.Sprintf(" (%d)", c.Size)), 0) + "\n")
		for _, m := range c.Members {
			b.WriteString(o.scored(m.Score, st.Plain.Render(m.Question), firstSource(m.Sources)+"  "+m.ID))
		}
		b.WriteString("\n")
	}
	return o.print(b.String())
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
