package main

import (
	"context"
	"fmt"
	"net/url"
	"regexp"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/iq-search/iq/query"
)

type similarOptions struct {
	indexDir string
	arg      string
	limit    string
	json     bool
	set      map[string]bool
}

func newSimilarCmd(a *app) *cobra.Command {
	opts := &similarOptions{}
	cmd := &cobra.Command{
		Use:   `similar ID|"question text"`,
		Short: "Rank the questions most likely to be duplicates of one question",
		Long: `Rank the questions of the index most likely to be duplicates of a question,
with a similarity from 0 to 1; "dup" marks those at or above the threshold that
clusters use. Give the id of a question in the index (as iq search prints it) or
the text of a question you are about to add; - reads that text from standard input.`,
		Example: `  iq similar 92fcbbbf622708df
  iq similar "How do I secure a FastAPI endpoint with OAuth2?" --limit 5`,
		Args:              cobra.MinimumNArgs(1),
		ValidArgsFunction: cobra.NoFileCompletions,
		RunE: func(cmd *cobra.Command, args []string) error {
			arg, err := argText(a, args)
			if err != nil {
				return err
			}
			opts.arg = arg
			opts.set = map[string]bool{"limit": cmd.Flags().Changed("limit")}
			return runSimilar(cmd.Context(), a, opts)
		},
	}
	f := cmd.Flags()
	addIndexFlag(f, &opts.indexDir)
	f.StringVarP(&opts.limit, "limit", "n", strconv.Itoa(query.DefaultSimilarLimit), fmt.Sprintf("show `N` questions (1 to %d)", query.MaxSimilarLimit))
	f.BoolVarP(&opts.json, "json", "j", false, "print the result as JSON (as GET /api/similar does)")
	return cmd
}

// idPattern is what a record ID looks like (record.QuestionID); anything
// else is question text.
var idPattern = regexp.MustCompile(`^[0-9a-f]{16}$`)

// values puts the argument and flags into URL values for
// query.ParseSimilarRequest, the parser GET /api/similar uses too.
func (o *similarOptions) values() url.Values {
	v := url.Values{}
	if arg := strings.TrimSpace(o.arg); idPattern.MatchString(arg) {
		v.Set(query.ParamID, arg)
	} else {
		v.Set(query.ParamText, o.arg)
	}
	if o.set["limit"] {
		v.Set(query.ParamLimit, o.limit)
	}
	return v
}

func runSimilar(ctx context.Context, a *app, opts *similarOptions) error {
	req, err := query.ParseSimilarRequest(opts.values())
	if err != nil {
		return usageError{err}
	}
	return runQuery(ctx, a, opts.indexDir, opts.json,
		func(s *query.Searcher) (*query.SimilarResult, error) { return s.Similar(ctx, req) }, (*output).similarResult)
}

// similarResult prints likely duplicates in the output's mode.
func (o *output) similarResult(res *query.SimilarResult) error {
	switch o.mode {
	case modeJSON:
		return o.json(res)
	case modePlain:
		// id, score, dup or empty, first source, question.
		for _, m := range res.Matches {
			dup := ""
			if m.Duplicate {
				dup = "dup"
			}
			fmt.Fprintf(o.w, "%s\t%.3f\t%s\t%s\t%s\n", m.ID, m.Score, dup, firstSource(m.Sources), plainField(m.Question))
		}
		return nil
	}
	st := o.styles
	var b strings.Builder
	b.WriteString(st.Muted.Render("Questions like") + "\n" + st.Block(st.Title.Render(res.Question), 0) + "\n")
	b.WriteString(st.Block(st.Muted.Render(fmt.Sprintf("%d candidates · %.1f ms", len(res.Matches), res.TookMS)), 0) + "\n\n")
	if len(res.Matches) == 0 {
		b.WriteString(st.Muted.Render("No similar questions.") + "\n")
	}
	for _, m := range res.Matches {
		q := st.Plain.Render(m.Question)
		if m.Duplicate {
			q = st.Title.Render(m.Question) + st.Topic.Render("dup")
		}
		meta := firstSource(m.Sources) + "  " + m.ID
		if m.Reason != "" {
			meta += "  · " + m.Reason
		}
		b.WriteString(o.scored(m.Score, q, meta))
	}
	return o.print(b.String())
}
