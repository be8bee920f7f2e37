package main

import (
	"context"
	"fmt"
	"io"

	"github.com/spf13/cobra"
)

type dupsExportOptions struct {
	indexDir string
	out      string
}

func newDupsExportCmd(a *app) *cobra.Command {
	opts := &dupsExportOptions{}
	cmd := &cobra.Command{
		Use:   "export",
		Short: "Write the bank with each cluster of near-duplicates merged into one question",
		Long: `Write the index's questions as JSON lines, one record a line (the Record schema of
iq show --json), with each cluster of near-duplicates merged into one record: its
canonical question with every member's answers and sources, the union of their topics
and tags. Questions outside clusters are written as they are. iq index reads the file
back (files ending in .jsonl).`,
		Example: `  iq dups export -o bank.jsonl
  iq index bank.jsonl --index ~/deduplicated`,
		Args:              cobra.NoArgs,
		ValidArgsFunction: cobra.NoFileCompletions,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runDupsExport(cmd.Context(), a, opts)
		},
	}
	f := cmd.Flags()
	addIndexFlag(f, &opts.indexDir)
	f.StringVarP(&opts.out, "out", "o", "", "write to `FILE` instead of standard output")
	return cmd
}

func runDupsExport(ctx context.Context, a *app, opts *dupsExportOptions) error {
	out := newOutput(a, false)
	s, err := openSearcher(ctx, out, opts.indexDir)
	if err != nil {
		return err
	}
	defer s.Close()
	recs, err := s.Deduplicated(ctx)
	if err != nil {
		return err
	}
	if err := writeOutput(opts.out, out.w, func(w io.Writer) error { return writeJSONL(w, recs) }); err != nil {
		return fmt.Errorf("export: %w", err)
	}
	if opts.out != "" && opts.out != "-" {
		out.warn("iq: wrote %d questions to %s", len(recs), opts.out)
	}
	return nil
}
