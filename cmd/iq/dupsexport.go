package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"

	"github.com/spf13/cobra"
)

type dupsExportOptions struct {
	indexDir string
	output   string
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
	f.StringVarP(&opts.output, "output", "o", "", "write to `FILE` instead of standard output")
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
	w := io.Writer(out.w)
	var f *os.File
	if opts.output != "" {
		if f, err = os.Create(opts.output); err != nil {
			return fmt.Errorf("export: %w", err)
		}
		w = f
	}
	bw := bufio.NewWriter(w)
	enc := json.NewEncoder(bw)
	enc.SetEscapeHTML(false)
	for _, r := range recs {
		if err := enc.Encode(r); err != nil {
			return fmt.Errorf("export: %w", err)
		}
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("export: %w", err)
	}
	if f != nil {
		if err := f.Close(); err != nil {
			return fmt.Errorf("export: %w", err)
		}
		out.warn("iq: wrote %d questions to %s", len(recs), opts.output)
	}
	return nil
}
