package httpapi

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/iq-search/iq/query"
)

// Server limits. The HTTP server is meant to be left running, so every
// phase of a request is bounded: a slow or hostile client cannot hold a
// connection or a search open.
const (
	readHeaderTimeout = 5 * time.Second
	readTimeout       = 10 * time.Second
	// idleTimeout closes a keep-alive connection left without a request;
	// under pressure connLimiter closes idle ones sooner.
	idleTimeout = 30 * time.Second
	// maxHeaderBytes bounds the request line and headers together; the
	// server answers 431 beyond it. maxURLBytes, checked in the handler,
	// is the tighter bound on the URL alone.
	maxHeaderBytes = 64 << 10
	// shutdownTimeout is how long in-flight requests get to finish after
	// SIGINT or SIGTERM before their connections are closed.
	shutdownTimeout = 10 * time.Second
	// DefaultSearchTimeout is the per-request search deadline.
	DefaultSearchTimeout = 5 * time.Second
	// defaultQueueTimeout bounds the wait for a search slot when all are
	// busy, defaultMaxQueue the requests waiting (see Server.acquire).
	defaultQueueTimeout = 30 * time.Second
	defaultMaxQueue     = 1024
)

// NewLogger returns the access logger of `iq serve` writing to w, in
// format "json" or (anything else) "text".
func NewLogger(w io.Writer, format string) *slog.Logger {
	if format == "json" {
		return slog.New(slog.NewJSONHandler(w, nil))
	}
	return slog.New(slog.NewTextHandler(w, nil))
}

// Run serves s on ln until ctx is done, then shuts down gracefully. On a
// loopback listener it answers only to loopback host names (opts.Hosts is
// set for it); on any other it warns that the index is exposed. It
// listens at once and makes the duplicate detector in the background
// (warmWhileServing: similar and dups wait for stored features to load,
// and answer 503 warming_up while features are computed), and reads the
// index's files against their checksums in the background
// (checkWhileServing: found damaged, it answers every request 503
// index_damaged).
func Run(ctx context.Context, s *query.Searcher, ln net.Listener, opts Options) error {
	opts = opts.withDefaults()
	logger := opts.Logger
	if isLoopback(ln.Addr()) {
		opts.Hosts = LoopbackHosts
	} else {
		logger.Warn("listening on a non-loopback address: anyone who can reach it can read the index", "addr", ln.Addr().String())
	}
	hs := New(s, opts)
	// The check below reads whatever the open did not, the duplicate
	// features first: they are used before it reaches them rather than
	// read whole before the first similar (index.Index.VerifyLater).
	s.Index().VerifyLater()
	// It listens at once: searches need nothing more, and similar and
	// dups wait for the stored duplicate features to load.
	warmed := hs.warmWhileServing(ctx)
	// The rest of the full check of the index's files runs while it
	// serves (index.Index.VerifyRest, nothing when the open read them all).
	checked := make(chan struct{})
	hs.checkWhileServing(ctx, s, func(err error) {
		if opts.Checked != nil {
			opts.Checked(err)
		}
		close(checked)
	})
	if opts.Searchers != nil {
		go func() {
			for s := range opts.Searchers {
				hs.Swap(ctx, s)
			}
		}()
	}
	srv, conns := newHTTPServer(hs.Handler(), opts)
	logger.Info("serving", "url", "http://"+ln.Addr().String()+"/", "index", s.Index().Dir(), "records", s.Index().Meta().Records)
	err := serveUntilDone(ctx, srv, conns.listener(ln), logger)
	// The caller closes s once Run returns, unmapping its files: the
	// background work that reads them (stopped by ctx) ends first.
	wait := time.NewTimer(shutdownTimeout)
	defer wait.Stop()
	for _, c := range []<-chan struct{}{warmed, checked} {
		select {
		case <-c:
		case <-wait.C:
			logger.Warn("background work on the index still running after shutdown")
			return err
		}
	}
	return err
}

// writeSlack is the time a request has to write its answer once its search
// is done.
const writeSlack = 10 * time.Second

// newHTTPServer wraps the handler in an http.Server with every phase of a
// connection bounded, and returns the limiter of its connections, whose
// listener it must serve on. The load test serves through it too.
func newHTTPServer(h http.Handler, so Options) (*http.Server, *connLimiter) {
	so = so.withDefaults()
	conns := newConnLimiter(so.MaxConns, so.MaxConnsPerClient, so.Logger)
	return &http.Server{
		Handler:           h,
		ReadHeaderTimeout: readHeaderTimeout,
		ReadTimeout:       readTimeout,
		// A request waits for a slot at most QueueTimeout, its search
		// stops at its deadline; the rest is writing the answer.
		WriteTimeout:   so.QueueTimeout + so.SearchTimeout + writeSlack,
		IdleTimeout:    idleTimeout,
		MaxHeaderBytes: maxHeaderBytes,
		ErrorLog:       slog.NewLogLogger(so.Logger.Handler(), slog.LevelWarn),
		ConnState:      conns.connState,
	}, conns
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

// LoopbackHosts are the Host header names a loopback server answers to.
// Checking them defeats DNS rebinding: a web page whose name an attacker
// points at 127.0.0.1 still sends its own name as Host, so it cannot read
// the index through the visitor's browser.
var LoopbackHosts = []string{"localhost", "127.0.0.1", "::1"}

func isLoopback(addr net.Addr) bool {
	tcp, ok := addr.(*net.TCPAddr)
	return ok && tcp.IP.IsLoopback()
}
