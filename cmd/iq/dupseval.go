package main

import (
	"context"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/iq-search/iq/dedup"
)

type dupsEvalOptions struct {
	path string
	json bool
}

func newDupsEvalCmd(a *app) *cobra.Command {
	opts := &dupsEvalOptions{}
	cmd := &cobra.Command{
		Use:   "eval PAIRS.tsv",
		Short: "Measure duplicate detection on SemEval-2016 Task 3 subtask B pairs",
		Long: `Rank each original question's candidates in a SemEval-2016 Task 3 subtask B
file (subtaskB_pairs.tsv) by iq's duplicate score and print MAP and MRR with the
official convention (PerfectMatch and Relevant count as relevant), beside the
search engine's own order in the file (column ir_rank), and pairwise precision,
recall and F1 for PerfectMatch at the default threshold.`,
		Example: "  iq dups eval ../shared/dupdata/semeval2016/subtaskB_pairs.tsv",
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.path = args[0]
			return runDupsEval(cmd.Context(), a, opts)
		},
	}
	cmd.Flags().BoolVar(&opts.json, "json", false, "print the evaluation as JSON")
	return cmd
}

func runDupsEval(_ context.Context, a *app, opts *dupsEvalOptions) error {
	res, err := dedup.EvalSemEval(opts.path)
	if err != nil {
		return err
	}
	out := newOutput(a, opts.json)
	if out.mode == modeJSON {
		return out.json(res)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%d originals (%d with a relevant candidate), %d pairs\n", res.Originals, res.Ranked, res.Pairs)
	fmt.Fprintf(&b, "%-28s\tMAP %.3f\tMRR %.3f\n", "search engine (ir_rank)", res.Baseline.MAP, res.Baseline.MRR)
	for _, r := range res.Runs {
		fmt.Fprintf(&b, "%-28s\tMAP %.3f\tMRR %.3f", r.Name, r.Scores.MAP, r.Scores.MRR)
		if p := r.PerfectMatch; p != nil {
			fmt.Fprintf(&b, "\tPerfectMatch at %.2f: P %.3f R %.3f F1 %.3f", p.Threshold, p.Precision, p.Recall, p.F1)
		}
		b.WriteString("\n")
	}
	_, err = fmt.Fprint(out.w, b.String())
	return err
}
