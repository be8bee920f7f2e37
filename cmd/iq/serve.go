package main

import (
	"context"
	"fmt"
	"net"
	"time"

	"github.com/spf13/cobra"

	"github.com/iq-search/iq/httpapi"
	"github.com/iq-search/iq/index"
	"github.com/iq-search/iq/internal/servemem"
	"github.com/iq-search/iq/pipeline"
)

type serveOptions struct {
	addr      string
	indexDir  string
	timeout   time.Duration
	logFormat string
	preload   bool
	// listener, when set, is used instead of listening on addr (tests
	// listen on 127.0.0.1:0 and need the port before serving starts).
	listener net.Listener
}

func newServeCmd(a *app) *cobra.Command {
	opts := &serveOptions{}
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Serve the search page and the JSON API over HTTP",
		Long: `Serve a search page at / and a read-only JSON API under /api/ (see the README).
It listens on loopback by default; the index is opened once, built first if missing.
SIGINT or SIGTERM stops it after in-flight requests finish. Access logs go to stderr.`,
		Example: `  iq serve
  iq serve --addr 127.0.0.1:9000 --index /tmp/my-index
  curl 'http://127.0.0.1:8080/api/search?q=closures&level=beginner'`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if _, _, err := net.SplitHostPort(opts.addr); err != nil {
				return usageError{fmt.Errorf("serve: --addr %q: %w, want HOST:PORT such as 127.0.0.1:8080", opts.addr, err)}
			}
			if opts.logFormat != "text" && opts.logFormat != "json" {
				return usageError{fmt.Errorf("serve: unknown --log-format %q, want text or json", opts.logFormat)}
			}
			if opts.timeout <= 0 {
				return usageError{fmt.Errorf("serve: --timeout %s must be positive", opts.timeout)}
			}
			return runServe(cmd.Context(), a, opts)
		},
	}
	f := cmd.Flags()
	f.StringVar(&opts.addr, "addr", "127.0.0.1:8080", "listen on `HOST:PORT`; anything but loopback exposes the index to the network")
	addIndexFlag(f, &opts.indexDir)
	f.DurationVar(&opts.timeout, "timeout", httpapi.DefaultSearchTimeout, "search deadline per request")
	f.StringVar(&opts.logFormat, "log-format", "text", "access log format on stderr: text or json")
	f.BoolVar(&opts.preload, "preload", true, "once listening, map the index's search sections (not its stored records) into memory, so that new queries take no page faults; they then count in the resident memory")
	return cmd
}

// runServe opens the index and hands it to httpapi.Run with the flags'
// options; the server itself lives in package httpapi.
func runServe(ctx context.Context, a *app, opts *serveOptions) error {
	// A server runs for days: it reads every file against its checksum
	// once. It opens as a one-shot search does (index.VerifyAuto: every
	// byte up to index.FullVerifyLimit or with several shards, else sizes
	// and ends), listens, and httpapi.Run reads the rest in the background,
	// answering 503 index_damaged to everything if it finds damage; a new
	// version is read whole before it is served.
	out := newOutput(a, false)
	po := pipeline.OpenOptions{IndexDir: opts.indexDir, Verify: index.VerifyAuto, Serving: true, Progress: out.progress("building the index"), Notify: out.notify}
	restore := buildGC() // Open builds the default index when it is missing
	s, err := pipeline.Open(ctx, po)
	restore()
	if err != nil {
		return err
	}
	defer s.Close()
	// Each new generation `iq index` makes is served without a restart.
	searchers := pipeline.Follow(ctx, po, s.Index().Meta().Generation, followEvery)
	ln := opts.listener
	if ln == nil {
		if ln, err = net.Listen("tcp", opts.addr); err != nil {
			return fmt.Errorf("serve: %w", err)
		}
	}
	settled, searchers := servemem.Apply(ctx, s, searchers)
	return httpapi.Run(ctx, s, ln, httpapi.Options{SearchTimeout: opts.timeout, Logger: httpapi.NewLogger(a.errOut, opts.logFormat), Searchers: searchers, Settled: settled, Preload: opts.preload})
}

// followEvery is how often iq serve looks for a new version of its index.
const followEvery = time.Second
