package main

import (
	"context"
	"fmt"
	"time"

	"github.com/schollz/progressbar/v3"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/iq-search/iq/ingest"
	"github.com/iq-search/iq/pipeline"
	"github.com/iq-search/iq/query"
)

type indexOptions struct {
	indexDir string
	paths    []string
	json     bool
}

func newIndexCmd(a *app) *cobra.Command {
	opts := &indexOptions{}
	cmd := &cobra.Command{
		Use:   "index [PATH...]",
		Short: "Build the search index",
		Long: `Build the search index from files and folders of interview material (text, Markdown,
HTML), or from the corpus embedded in iq when no PATH is given. The new index replaces
the old one only when it is complete. Searching builds the default index by itself
when it is missing or out of date; this command is for indexing your own files.`,
		Example: `  iq index
  iq index ~/notes/interviews --index /tmp/my-index
  IQ_INDEX=/tmp/my-index iq search closures`,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.paths = args
			return runIndex(cmd.Context(), a, opts)
		},
	}
	addIndexFlag(cmd.Flags(), &opts.indexDir)
	cmd.Flags().BoolVar(&opts.json, "json", false, "print the build report as JSON")
	return cmd
}

func runIndex(ctx context.Context, a *app, opts *indexOptions) error {
	out := newOutput(a, opts.json)
	rep, err := pipeline.Build(ctx, pipeline.OpenOptions{IndexDir: opts.indexDir, Sources: opts.paths, Progress: out.progress("indexing")})
	if err != nil {
		return err
	}
	if out.mode == modeJSON {
		return out.json(rep)
	}
	what := "the embedded corpus"
	if len(opts.paths) > 0 {
		what = fmt.Sprintf("%d path(s)", len(opts.paths))
	}
	line := fmt.Sprintf("indexed %d questions from %s into %s in %s", rep.Records, what, rep.Dir, rep.Took.Round(time.Millisecond))
	if r := rep.Ingest; r != nil {
		line += fmt.Sprintf(" (%d files read, %d skipped, %d blocks dropped, %d repeats merged)", r.FilesRead, len(r.Skipped), len(r.Dropped), r.Merged)
	}
	if out.mode == modeStyled {
		line = out.styles.Muted.Render(line)
	}
	fmt.Fprintln(out.w, line)
	if rep.Ingest != nil {
		for _, s := range rep.Ingest.Skipped {
			if s.Reason != ingest.SkipNoQuestion {
				out.warn("iq: skipped %s: %s: %s", s.File, s.Reason, s.Detail)
			}
		}
	}
	return nil
}

// addIndexFlag adds --index, the index directory every command that
// searches or builds takes.
func addIndexFlag(f *pflag.FlagSet, dir *string) {
	f.StringVar(dir, "index", "", "index `DIR` (default $IQ_INDEX, else the user cache dir)")
}

// openSearcher opens the index for a command, building it first when it
// is missing or stale, with a progress bar when stderr is a terminal.
func openSearcher(ctx context.Context, out *output, dir string) (*query.Searcher, error) {
	return pipeline.Open(ctx, pipeline.OpenOptions{IndexDir: dir, Progress: out.progress("building the index")})
}

// runQuery opens the index for a command, asks it one thing and prints
// the answer in the output's mode: the shape of every searching command.
func runQuery[T any](ctx context.Context, a *app, indexDir string, asJSON bool,
	ask func(*query.Searcher) (T, error), print func(*output, T) error) error {
	out := newOutput(a, asJSON)
	s, err := openSearcher(ctx, out, indexDir)
	if err != nil {
		return err
	}
	defer s.Close()
	res, err := ask(s)
	if err != nil {
		return err
	}
	return print(out, res)
}

// progress returns a progress callback drawing a bar on stderr, or nil off
// a terminal. schollz/progressbar is used because it handles what a
// hand-made bar gets wrong: terminal width, throttled redraws, rate and
// ETA, and clearing itself when done.
func (o *output) progress(what string) func(done, total int) {
	if !o.errTTY {
		return nil
	}
	var bar *progressbar.ProgressBar
	return func(done, total int) {
		if bar == nil {
			bar = progressbar.NewOptions(total,
				progressbar.OptionSetWriter(o.errOut),
				progressbar.OptionSetDescription(what),
				progressbar.OptionShowCount(),
				progressbar.OptionSetItsString("questions"),
				progressbar.OptionShowIts(),
				progressbar.OptionThrottle(100*time.Millisecond),
				progressbar.OptionClearOnFinish(),
			)
		}
		bar.Set(done)
		if done >= total {
			bar.Finish()
		}
	}
}
