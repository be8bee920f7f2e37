package main

import (
	"context"
	"errors"
	"fmt"
	"os"
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
	embedded bool
	taxonomy string
	synonyms string
	dupsFile string
	repair   bool
	check    bool
	watch    bool
	json     bool
	format   ingest.Format
}

func newIndexCmd(a *app) *cobra.Command {
	opts := &indexOptions{}
	cmd := &cobra.Command{
		Use:   "index [PATH|URL|-]...",
		Short: "Build or refresh the search index",
		Long: `Build the search index from files and folders of interview material (text, Markdown,
HTML, or records in iq's schema as JSON lines or CSV), web pages (http and https
URLs) and standard input (-). With no PATH, refresh the index from the files,
folders and pages it was built from (the default index with none: the corpus
embedded in iq). The index remembers its sources, taxonomy, synonyms and duplicate
decisions; a new iq version rebuilds it from them. The new index replaces the old
one only when it is complete, and nothing is written outside the index directory.
Searching builds the default index from the embedded corpus by
itself; an index named with --index or $IQ_INDEX is only ever built by this command.`,
		Example: `  iq index ~/notes/interviews --index ~/my-index
  iq index --index ~/my-index                  # refresh from ~/notes/interviews
  iq index notes/ --taxonomy topics.json --synonyms synonyms.txt
  iq index --dups-decisions dups.json          # keep a maintainer's duplicate decisions
  iq index --check --index ~/my-index          # read every file against its checksum
  iq index --repair --index ~/my-index         # rebuild a damaged index from its sources
  iq index --watch --index ~/my-index          # refresh it whenever a file changes
  IQ_INDEX=~/my-index iq search closures`,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.paths = args
			if err := parseFormatFlag(cmd, &opts.format); err != nil {
				return err
			}
			switch {
			case opts.embedded && len(args) > 0:
				return usageError{fmt.Errorf("give PATHs or --embedded, not both")}
			case (opts.repair || opts.check) && (len(args) > 0 || opts.embedded):
				return usageError{fmt.Errorf("--repair and --check work on the index as it is: give no PATH")}
			case opts.repair && opts.check:
				return usageError{fmt.Errorf("give --repair or --check, not both")}
			case opts.watch && (opts.check || opts.repair || opts.embedded):
				return usageError{fmt.Errorf("--watch refreshes an index of your files: not with --check, --repair or --embedded")}
			}
			return runIndex(cmd.Context(), a, opts)
		},
	}
	f := cmd.Flags()
	addIndexFlag(f, &opts.indexDir)
	f.BoolVar(&opts.embedded, "embedded", false, "index the corpus embedded in iq")
	f.StringVar(&opts.taxonomy, "taxonomy", "", "read topics and tags from `FILE` (JSON, like ingest/taxonomy.json); remembered")
	f.StringVar(&opts.synonyms, "synonyms", "", "use the synonym list in `FILE` (like index/synonyms.txt); remembered")
	f.StringVar(&opts.dupsFile, "dups-decisions", "", "apply the duplicate decisions in `FILE` (JSON: not_duplicates, alone, duplicates, canonical) at every build; remembered")
	f.BoolVar(&opts.repair, "repair", false, "rebuild a damaged index from its sources, or restore its previous version when they are gone")
	f.BoolVar(&opts.check, "check", false, "read every file of the index against its checksum and every record; change nothing")
	f.BoolVar(&opts.watch, "watch", false, "after building, refresh the index whenever a source file changes, until interrupted")
	f.BoolVar(&opts.json, "json", false, "print the build report as JSON")
	addFormatFlag(f)
	return cmd
}

func runIndex(ctx context.Context, a *app, opts *indexOptions) error {
	defer buildGC()()
	if dir, _, err := pipeline.Dir(opts.indexDir); err == nil {
		defer buildRelease(dir)()
	}
	out := newOutput(a, opts.json)
	po := pipeline.OpenOptions{
		IndexDir: opts.indexDir, Sources: opts.paths, Embedded: opts.embedded,
		Taxonomy: opts.taxonomy, Synonyms: opts.synonyms, Decisions: opts.dupsFile, Repair: opts.repair,
		Progress: out.progress("indexing"), Notify: out.notify,
		Stdin: a.in, Format: opts.format,
	}
	if opts.check {
		m, err := pipeline.Check(ctx, po)
		if err != nil {
			return err
		}
		if out.mode == modeJSON {
			return out.json(m)
		}
		fmt.Fprintf(out.w, "index %s (%s) is intact: %d questions, every file matches its checksum\n", m.Generation, describeDir(po), m.Records)
		return nil
	}
	if opts.watch {
		po.Progress = nil // a line per refresh, not a bar
		first := true
		err := pipeline.Watch(ctx, po, func(rep *pipeline.BuildReport, err error) {
			switch {
			case err != nil && first:
				// Watch returns it.
			case err != nil:
				out.warn("iq: refresh failed: %v", err)
			default:
				printBuild(out, rep)
			}
			first = false
		})
		if errors.Is(err, context.Canceled) {
			return nil // interrupted: how a watch ends
		}
		return err
	}
	rep, err := pipeline.Build(ctx, po)
	if err != nil {
		return err
	}
	printBuild(out, rep)
	return nil
}

// printBuild prints what a build did: its report as JSON, or a line.
func printBuild(out *output, rep *pipeline.BuildReport) {
	if out.mode == modeJSON {
		out.json(rep)
		return
	}
	what := "the embedded corpus"
	if n := len(rep.Origin.Sources); n > 0 {
		what = fmt.Sprintf("%d path(s)", n)
	}
	line := fmt.Sprintf("indexed %d questions from %s into %s in %s", rep.Records, what, rep.Dir, rep.Took.Round(time.Millisecond))
	if rf := rep.Refresh; rf != nil && rf.Unchanged {
		line = fmt.Sprintf("%s is up to date: %d questions from %s, no file changed", rep.Dir, rep.Records, what)
	} else if rf != nil {
		line = fmt.Sprintf("refreshed %s in %s: %d files re-read, %d unchanged, %d gone; %d questions written, %d deleted, %d in all",
			rep.Dir, rep.Took.Round(time.Millisecond), rf.FilesRead, rf.FilesReused, rf.FilesRemoved, rf.Upserted, rf.Deleted, rep.Records)
	}
	if rep.Restored != "" {
		line = fmt.Sprintf("restored %s of %s (%d questions): its sources are gone, so it holds them as they were", rep.Restored, rep.Dir, rep.Records)
	}
	if r := rep.Ingest; r != nil && rep.Refresh == nil {
		line += fmt.Sprintf(" (%d files read, %d skipped, %d blocks dropped, %d repeats merged)", r.FilesRead, len(r.Skipped), len(r.Dropped), r.Merged)
	}
	if out.mode == modeStyled {
		line = out.styles.Muted.Render(line)
	}
	fmt.Fprintln(out.w, line)
	for _, n := range rep.NotKept {
		out.warn("iq: note: %s was built with %s %s, which this build does not use; give %s again to keep it", rep.Dir, n.Flag, n.Path, n.Flag)
	}
	if rep.Ingest != nil {
		for _, s := range rep.Ingest.Skipped {
			if s.Reason != ingest.SkipNoQuestion {
				out.warn("iq: skipped %s: %s: %s", s.File, s.Reason, s.Detail)
			}
		}
	}
}

// describeDir names the index directory the options resolve to.
func describeDir(po pipeline.OpenOptions) string {
	dir, _, err := pipeline.Dir(po.IndexDir)
	if err != nil {
		return "?"
	}
	return dir
}

// addIndexFlag adds --index, the index directory every command that
// searches or builds takes.
func addIndexFlag(f *pflag.FlagSet, dir *string) {
	f.StringVar(dir, "index", "", "index `DIR` (default $IQ_INDEX, else the user cache dir)")
	// $IQ_INDEX is read here, by the command: package pipeline takes the
	// directory as an option. --index, when given, replaces it.
	*dir = os.Getenv(envIndex)
}

// openSearcher opens the index for a command, building the default index
// first when it is missing or stale, with a progress bar when stderr is a
// terminal; what it rebuilds unasked is said on stderr.
func openSearcher(ctx context.Context, out *output, dir string) (*query.Searcher, error) {
	// Open builds the default index (the embedded corpus: small) when it
	// is missing; the pages of an index it only opens are left alone, so
	// no buildRelease here: paging them out would slow the search that
	// follows.
	defer buildGC()()
	return pipeline.Open(ctx, pipeline.OpenOptions{IndexDir: dir, Progress: out.progress("building the index"), Notify: out.notify})
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
	return printResult(out, res, print)
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
				progressbar.OptionSetWriter(o.errRaw),
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
