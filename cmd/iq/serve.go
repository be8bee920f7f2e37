package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/spf13/cobra"
)

// Server limits. The HTTP server is meant to be left running, so every
// phase of a request is bounded: a slow or hostile client cannot hold a
// connection or a search open.
const (
	readHeaderTimeout = 5 * time.Second
	readTimeout       = 10 * time.Second
	idleTimeout       = 60 * time.Second
	// maxHeaderBytes bounds the request line and headers together; the
	// server answers 431 beyond it. maxURLBytes, checked in the handler,
	// is the tighter bound on the URL alone.
	maxHeaderBytes = 64 << 10
	// shutdownTimeout is how long in-flight requests get to finish after
	// SIGINT or SIGTERM before their connections are closed.
	shutdownTimeout = 10 * time.Second
	// defaultSearchTimeout is the per-request search deadline.
	defaultSearchTimeout = 5 * time.Second
	// defaultQueueTimeout bounds the wait for a search slot when all are
	// busy, defaultMaxQueue the requests waiting (see server.acquire).
	defaultQueueTimeout = 30 * time.Second
	defaultMaxQueue     = 1024
)

type serveOptions struct {
	addr      string
	indexDir  string
	timeout   time.Duration
	logFormat string
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
	f.DurationVar(&opts.timeout, "timeout", defaultSearchTimeout, "search deadline per request")
	f.StringVar(&opts.logFormat, "log-format", "text", "access log format on stderr: text or json")
	return cmd
}

func newLogger(w io.Writer, format string) *slog.Logger {
	if format == "json" {
		return slog.New(slog.NewJSONHandler(w, nil))
	}
	return slog.New(slog.NewTextHandler(w, nil))
}

func runServe(ctx context.Context, a *app, opts *serveOptions) error {
	logger := newLogger(a.errOut, opts.logFormat)
	s, err := openSearcher(ctx, newOutput(a, false), opts.indexDir)
	if err != nil {
		return err
	}
	defer s.Close()
	ln := opts.listener
	if ln == nil {
		if ln, err = net.Listen("tcp", opts.addr); err != nil {
			return fmt.Errorf("serve: %w", err)
		}
	}
	so := serverOptions{SearchTimeout: opts.timeout, Logger: logger}
	if isLoopback(ln.Addr()) {
		so.Hosts = loopbackHosts
	} else {
		logger.Warn("listening on a non-loopback address: anyone who can reach it can read the index", "addr", ln.Addr().String())
	}
	hs := makeServer(s, so)
	hs.warmDups(ctx)
	srv := newHTTPServer(hs.handler(), so)
	logger.Info("serving", "url", "http://"+ln.Addr().String()+"/", "index", s.Index().Dir(), "records", s.Index().Meta().Records)
	return serveUntilDone(ctx, srv, ln, logger)
}

// newHTTPServer wraps the handler in an http.Server with every phase of a
// connection bounded. The load test serves through it too.
func newHTTPServer(h http.Handler, so serverOptions) *http.Server {
	so = so.withDefaults()
	return &http.Server{
		Handler:           h,
		ReadHeaderTimeout: readHeaderTimeout,
		ReadTimeout:       readTimeout,
		// A request waits for a slot at most QueueTimeout, its search
		// stops at its deadline; the rest is writing the answer.
		WriteTimeout:   so.QueueTimeout + so.SearchTimeout + 10*time.Second,
		IdleTimeout:    idleTimeout,
		MaxHeaderBytes: maxHeaderBytes,
		ErrorLog:       slog.NewLogLogger(so.Logger.Handler(), slog.LevelWarn),
	}
}

// serveUntilDone serves on ln until ctx is done (SIGINT or SIGTERM through
// main's signal.NotifyContext), then shuts down gracefully: the listener
// closes at once, in-flight requests finish (their contexts are not the
// one cancelled: http.Server gives each request its own), and after
// shutdownTimeout the remaining connections are closed.
func serveUntilDone(ctx context.Context, srv *http.Server, ln net.Listener, logger *slog.Logger) error {
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		// Serve only returns early on a listener failure.
		return fmt.Errorf("serve %s: %w", ln.Addr(), err)
	case <-ctx.Done():
	}
	logger.Info("shutting down", "grace", shutdownTimeout.String())
	sctx, cancel := context.WithTimeout(context.Background(), shutdownTimeout)
	defer cancel()
	err := srv.Shutdown(sctx)
	if serr := <-errc; !errors.Is(serr, http.ErrServerClosed) {
		err = errors.Join(err, serr)
	}
	if err != nil {
		srv.Close()
		return fmt.Errorf("shut down server %s: %w", ln.Addr(), err)
	}
	logger.Info("stopped")
	return nil
}

// loopbackHosts are the Host header names a loopback server answers to.
// Checking them defeats DNS rebinding: a web page whose name an attacker
// points at 127.0.0.1 still sends its own name as Host, so it cannot read
// the index through the visitor's browser.
var loopbackHosts = []string{"localhost", "127.0.0.1", "::1"}

func isLoopback(addr net.Addr) bool {
	tcp, ok := addr.(*net.TCPAddr)
	return ok && tcp.IP.IsLoopback()
}
