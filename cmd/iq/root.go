package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/iq-search/iq/pipeline"
	"github.com/iq-search/iq/query"
)

// app carries what every command shares: the output writers and styles.
// Commands read their own flags into their own options structs.
type app struct {
	in     io.Reader
	out    io.Writer
	errOut io.Writer
}

// usageError marks an error caused by how iq was called (exit code 2).
type usageError struct{ err error }

func (e usageError) Error() string { return e.err.Error() }
func (e usageError) Unwrap() error { return e.err }

// callerError makes a request error of package query a usage error (exit
// 2, with the command's help): a filter value the index does not hold is
// how iq was called, not a failure of the index. An unknown question id
// stays an error (exit 1), as a missing file is for cat.
func callerError(err error) error {
	var qe *query.Error
	if errors.As(err, &qe) && qe.Code != query.ErrNotFound.Code {
		return usageError{err}
	}
	return err
}

// errNoMatch ends a search that matched nothing: exit status 1 and no
// message, as grep and ripgrep do, so `iq search x && …` can test it. The
// command has printed what it prints for no results already.
var errNoMatch = errors.New("no match")

func newRootCmd(a *app) *cobra.Command {
	root := &cobra.Command{
		Use:           "iq",
		Short:         "Search, deduplicate and facet interview questions",
		Long:          "iq turns raw text, HTML and Markdown interview material into clean question records,\nindexes them and answers keyword, duplicate and facet queries.",
		SilenceUsage:  true,
		SilenceErrors: true,
		Version:       version(),
	}
	root.SetVersionTemplate("{{.Version}}\n")
	root.SetOut(a.out)
	root.SetErr(a.errOut)
	root.SetIn(a.in)
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return usageError{err} })
	for _, c := range []*cobra.Command{
		newIngestCmd(a),
		newSearchCmd(a), newShowCmd(a), newStatsCmd(a), newIndexCmd(a),
		newDupsCmd(a), newSimilarCmd(a),
		newQuizCmd(a), newExportCmd(a),
		newServeCmd(a),
	} {
		root.AddCommand(c)
	}
	return root
}

// run executes iq with args and returns the process exit code: 0 on
// success, 1 when a search matches nothing (no message) and for other
// errors, 2 for usage errors (with a pointer to the command's own help).
// It is the only place errors are rendered.
func run(ctx context.Context, args []string, in io.Reader, out, errOut io.Writer) int {
	a := &app{in: in, out: out, errOut: errOut}
	root := newRootCmd(a)
	root.SetArgs(args)
	cmd, err := root.ExecuteContextC(ctx)
	if err == nil {
		return 0
	}
	if errors.Is(err, errNoMatch) {
		return 1
	}
	// An error can quote a file name or a value from the data.
	errOut = visibleWriter{w: errOut}
	var ue usageError
	if errors.As(err, &ue) || isCobraUsage(err) {
		path := root.CommandPath()
		if cmd != nil {
			path = cmd.CommandPath()
		}
		fmt.Fprintf(errOut, "iq: %v\nRun '%s --help' for usage.\n", err, path)
		return 2
	}
	if errors.Is(err, context.Canceled) {
		fmt.Fprintln(errOut, "iq: interrupted")
		return 130
	}
	fmt.Fprintf(errOut, "iq: %v\n", err)
	var pe *pipeline.Error
	if errors.As(err, &pe) && pe.Fix != "" {
		fmt.Fprintf(errOut, "iq: to fix it, run: %s\n", pe.Fix)
	}
	return 1
}

func isCobraUsage(err error) bool {
	s := err.Error()
	return strings.HasPrefix(s, "unknown command") || strings.HasPrefix(s, "unknown flag") ||
		strings.Contains(s, "accepts ") || strings.HasPrefix(s, "requires at least")
}
