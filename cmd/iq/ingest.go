package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"sort"
	"strconv"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/iq-search/iq/corpus"
	"github.com/iq-search/iq/ingest"
	"github.com/iq-search/iq/internal/regular"
	"github.com/iq-search/iq/record"
)

// ingestOptions holds the flags and arguments of iq ingest.
type ingestOptions struct {
	paths    []string
	out      string // records file; "" or "-" is stdout
	report   string // full report JSON file
	strict   bool
	taxonomy string // taxonomy JSON file replacing the embedded one
	format   ingest.Format
	explain  string // FILE:LINE whose fate to print instead of ingesting

	stdin          io.Reader
	stdout, stderr io.Writer
}

func newIngestCmd(a *app) *cobra.Command {
	opts := &ingestOptions{}
	cmd := &cobra.Command{
		Use:   "ingest [PATH|URL|-]...",
		Short: "Turn text, HTML and Markdown files into clean question records (JSON lines)",
		Long: `ingest reads files and folders (recursively) of interview material — plain text,
HTML and Markdown — web pages (http and https URLs) and standard input (-), and
writes one JSON record per question to stdout or --out: noise such as ads, menus
and page chrome removed, exact repeats merged, with level, topics, tags and source
locations. Files of records already in iq's schema (JSON lines, as ingest writes,
or CSV with a question column) are read as records. With no PATH it ingests the
embedded corpus. A summary goes to stderr, with how many removed blocks read as
questions; --report writes everything that was skipped or removed, with the
reason. --explain FILE:LINE prints what became of that line of FILE and by which
rule: a question, part of the answer of another, context, or removed as what.`,
		Example: `  iq ingest                       # the embedded corpus
  iq ingest notes/ page.html --out records.jsonl --report report.json
  iq ingest https://example.com/interview-questions.html
  pbpaste | iq ingest - --format markdown
  iq ingest --strict --taxonomy my-taxonomy.json questions.md bank.csv
  iq ingest --explain notes/go.md:42`,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.paths = args
			if err := parseFormatFlag(cmd, &opts.format); err != nil {
				return err
			}
			opts.stdin, opts.stdout, opts.stderr = a.in, a.out, visibleWriter{w: a.errOut}
			if opts.out != "" && opts.out == opts.report {
				return usageError{fmt.Errorf("--out and --report name the same file %q", opts.out)}
			}
			if opts.explain != "" {
				if len(args) > 0 {
					return usageError{fmt.Errorf("--explain takes FILE:LINE and no PATH arguments")}
				}
				return runExplain(cmd.Context(), opts)
			}
			return runIngest(cmd.Context(), opts)
		},
	}
	f := cmd.Flags()
	f.StringVarP(&opts.out, "out", "o", "", "write records to `FILE` instead of stdout")
	f.StringVar(&opts.report, "report", "", "write the full skip/removal report as JSON to `FILE`")
	f.BoolVar(&opts.strict, "strict", false, "fail when any file is skipped as unreadable, binary, invalid, empty or too large")
	f.StringVar(&opts.taxonomy, "taxonomy", "", "read topics and tags from `FILE` (JSON, like ingest/taxonomy.json)")
	addFormatFlag(f)
	f.StringVar(&opts.explain, "explain", "", "print what became of `FILE:LINE` (question, answer, context, removed) and by which rule")
	return cmd
}

// addFormatFlag adds --format, which forces the format of every input
// (iq ingest, iq index).
func addFormatFlag(f *pflag.FlagSet) {
	f.String("format", "", "read every input as `FORMAT` ("+strings.Join(ingest.FormatNames(), ", ")+") instead of guessing from its name and content")
}

// parseFormatFlag reads --format.
func parseFormatFlag(cmd *cobra.Command, format *ingest.Format) error {
	name, _ := cmd.Flags().GetString("format")
	if name == "" {
		return nil
	}
	f, err := ingest.ParseFormat(name)
	if err != nil {
		return usageError{fmt.Errorf("--format: %w", err)}
	}
	*format = f
	return nil
}

// runExplain ingests one file with Options.Explain and prints the fate of
// the block holding the line asked for.
func runExplain(ctx context.Context, opts *ingestOptions) error {
	file, line, err := parseFileLine(opts.explain)
	if err != nil {
		return usageError{err}
	}
	_, rep, err := ingest.Paths(ctx, []string{file}, ingest.Options{Explain: true, Format: opts.format})
	if err != nil {
		return err
	}
	for _, s := range rep.Skipped {
		if s.Reason != ingest.SkipNoQuestion {
			return fmt.Errorf("explain %s: %s (%s)", s.File, s.Reason, s.Detail)
		}
	}
	// The block holding the line starts at it or is the last to start
	// before it.
	at := -1
	for _, f := range rep.Fates {
		if f.Line <= line {
			at = f.Line
		}
	}
	if at < 0 {
		return fmt.Errorf("explain %s: no block at or before line %d", file, line)
	}
	w := opts.stdout
	if at != line {
		fmt.Fprintf(w, "%s:%d is inside the block that starts at line %d\n", file, line, at)
	}
	for _, f := range rep.Fates {
		if f.Line != at {
			continue
		}
		kind := f.Kind
		if kind == "" {
			kind = "block"
		}
		fmt.Fprintf(w, "%s:%d %s %q\n", file, f.Line, kind, f.Text)
		switch f.What {
		case ingest.FateQuestion:
			fmt.Fprintf(w, "  a question: %q\n", f.Question)
		case ingest.FateAnswer:
			fmt.Fprintf(w, "  part of the answer of %q (line %d)\n", f.Question, f.QuestionLine)
		case ingest.FateContext:
			fmt.Fprintf(w, "  context of %q (line %d)\n", f.Question, f.QuestionLine)
		case ingest.FateUnused:
			fmt.Fprintf(w, "  in no question, reported as %s\n", f.Reason)
		case ingest.FateDropped:
			fmt.Fprintf(w, "  removed as %s\n", f.Reason)
		}
		if f.Rule != "" {
			fmt.Fprintf(w, "  rule: %s\n", f.Rule)
		}
	}
	return nil
}

// parseFileLine reads FILE:LINE; the file name may hold colons itself.
func parseFileLine(s string) (string, int, error) {
	i := strings.LastIndexByte(s, ':')
	if i <= 0 || i == len(s)-1 {
		return "", 0, fmt.Errorf("--explain %q: want FILE:LINE", s)
	}
	n, err := strconv.Atoi(s[i+1:])
	if err != nil || n < 1 {
		return "", 0, fmt.Errorf("--explain %q: line %q is not a positive number", s, s[i+1:])
	}
	return s[:i], n, nil
}

func runIngest(ctx context.Context, opts *ingestOptions) error {
	// A batch run allocates many short-lived strings against a small live
	// heap, so the collector runs very often: collecting at 400% instead
	// of 100% makes ingest about 1.6 times faster (BENCHMARKS.md, Ingest).
	// A soft memory limit keeps a big input from growing the heap without
	// bound. Settings made through GOGC / GOMEMLIMIT are left alone.
	if os.Getenv("GOGC") == "" {
		defer debug.SetGCPercent(debug.SetGCPercent(400))
	}
	if os.Getenv("GOMEMLIMIT") == "" {
		defer debug.SetMemoryLimit(debug.SetMemoryLimit(1 << 30))
	}
	iopts := ingest.Options{Strict: opts.strict, Format: opts.format, Stdin: opts.stdin}
	if opts.taxonomy != "" {
		data, err := regular.ReadFile(opts.taxonomy)
		if err != nil {
			return fmt.Errorf("read taxonomy: %w", err)
		}
		if iopts.Taxonomy, err = ingest.ParseTaxonomy(data); err != nil {
			return fmt.Errorf("%s: %w", opts.taxonomy, err)
		}
	}
	if err := checkOutputs(ctx, opts); err != nil {
		return err
	}
	var (
		recs []record.Record
		rep  *ingest.Report
		err  error
	)
	if len(opts.paths) == 0 {
		recs, rep, err = ingest.FS(ctx, corpus.FS(), iopts)
	} else {
		recs, rep, err = ingest.Paths(ctx, opts.paths, iopts)
	}
	var skipErr *ingest.SkipError
	if err != nil && !errors.As(err, &skipErr) {
		return err
	}
	// Under --strict the records and the report are still written: the
	// report is what says which files failed.
	if werr := writeRecords(opts, recs); werr != nil {
		return werr
	}
	if opts.report != "" {
		if werr := writeJSONFile(opts.report, rep); werr != nil {
			return werr
		}
	}
	printSummary(opts.stderr, rep)
	return err
}

func writeRecords(opts *ingestOptions, recs []record.Record) error {
	return writeOutput(opts.out, opts.stdout, func(w io.Writer) error { return writeJSONL(w, recs) })
}

func writeJSONFile(name string, v any) error {
	data, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return fmt.Errorf("encode report: %w", err)
	}
	return writeFileAtomic(name, func(w io.Writer) error {
		_, err := w.Write(append(data, '\n'))
		return err
	})
}

// checkOutputs refuses an --out or --report file that is one of the files
// the run reads (an input, a file below an input folder, the taxonomy):
// writing it would destroy what is being read (issue 16.9).
func checkOutputs(ctx context.Context, opts *ingestOptions) error {
	var inputs []os.FileInfo
	walked := false
	for _, o := range []struct{ flag, name string }{{"--out", opts.out}, {"--report", opts.report}} {
		if o.name == "" || o.name == "-" {
			continue
		}
		st, err := os.Stat(o.name)
		if err != nil {
			continue // a new file overwrites nothing
		}
		if !walked {
			walked = true
			files, err := ingest.Walk(ctx, opts.paths)
			if err != nil {
				return err
			}
			names := []string{opts.taxonomy}
			for _, f := range files {
				names = append(names, f.Name)
			}
			for _, n := range names {
				if fi, err := os.Stat(n); err == nil && n != "" {
					inputs = append(inputs, fi)
				}
			}
		}
		for _, in := range inputs {
			if os.SameFile(st, in) {
				return usageError{fmt.Errorf("%s %s is one of the files read; iq will not overwrite its input", o.flag, o.name)}
			}
		}
	}
	return nil
}

// printSummary writes the one-screen summary: counts, the skipped files by
// name, and removed blocks by reason.
func printSummary(w io.Writer, rep *ingest.Report) {
	if rep == nil {
		return
	}
	fmt.Fprintf(w, "ingest: %d files read, %d skipped; %d records (%d repeats merged)\n",
		rep.FilesRead, len(rep.Skipped), rep.Records, rep.Merged)
	const maxSkips = 10
	for i, s := range rep.Skipped {
		if i == maxSkips {
			fmt.Fprintf(w, "  … %d more skipped files (see --report)\n", len(rep.Skipped)-maxSkips)
			break
		}
		fmt.Fprintf(w, "  skipped %s: %s (%s)\n", s.File, s.Reason, s.Detail)
	}
	for _, wn := range rep.Warnings {
		fmt.Fprintf(w, "  warning %s:%d: %s\n", wn.File, wn.Line, wn.Message)
	}
	if len(rep.Dropped) == 0 {
		return
	}
	counts := map[ingest.Reason]int{}
	for _, d := range rep.Dropped {
		counts[d.Reason]++
	}
	reasons := make([]string, 0, len(counts))
	for r := range counts {
		reasons = append(reasons, string(r))
	}
	sort.Strings(reasons)
	parts := make([]string, len(reasons))
	for i, r := range reasons {
		parts[i] = fmt.Sprintf("%s %d", r, counts[ingest.Reason(r)])
	}
	fmt.Fprintf(w, "  removed %d blocks: %s\n", len(rep.Dropped), strings.Join(parts, ", "))
	// Removed blocks that read as questions are the losses worth a look
	// (merged repeats are not lost).
	asks := map[ingest.Reason]int{}
	n := 0
	for _, d := range rep.Dropped {
		if d.Asks && d.Reason != ingest.DropDuplicate {
			asks[d.Reason]++
			n++
		}
	}
	if n == 0 {
		return
	}
	parts = parts[:0]
	for _, r := range reasons {
		if c := asks[ingest.Reason(r)]; c > 0 {
			parts = append(parts, fmt.Sprintf("%s %d", r, c))
		}
	}
	fmt.Fprintf(w, "  of which %d read as questions: %s (--report lists them, --explain FILE:LINE says why)\n", n, strings.Join(parts, ", "))
}
