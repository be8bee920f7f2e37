package httpapi

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"runtime"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/iq-search/iq/query"
)

// The HTTP API is wiring only: every request is parsed by query.ParseRequest,
// answered by the one query.Searcher, and encoded by query.WriteJSON, the
// encoder `iq search --json` uses, so CLI and API print the same bytes.

const (
	// maxURLBytes bounds the request target (path and query). A query
	// text at query.MaxTextLen characters of 4-byte UTF-8, percent-encoded,
	// is 12,000 bytes, which leaves room for filters.
	maxURLBytes = 16 << 10
	// maxIDLen bounds a question ID in a path; real IDs are 16 hex digits.
	maxIDLen = 64
)

// Error codes the server adds to those of package query.
const (
	codeNotFound         = "not_found" // unknown path or question ID
	codeMethodNotAllowed = "method_not_allowed"
	codeURITooLong       = "uri_too_long"
	codeBadHost          = "bad_host"
	codeTimeout          = "timeout"
	codeBusy             = "busy"
	codeTooMany          = "too_many_requests"
	codeWarmingUp        = "warming_up"
	codeCanceled         = "canceled"
	codeInternal         = "internal"
)

// Options configure New.
type Options struct {
	// SearchTimeout is the deadline of each search once it runs (default
	// DefaultSearchTimeout).
	SearchTimeout time.Duration
	// QueueTimeout bounds the wait for a search slot (default
	// defaultQueueTimeout); see acquire.
	QueueTimeout time.Duration
	// MaxQueue bounds the requests waiting for a slot (default
	// defaultMaxQueue); more are answered 503 at once.
	MaxQueue int
	// Logger receives one access log line per request, and panics.
	// Default: discard.
	Logger *slog.Logger
	// Hosts, when not empty, are the only host names (Host header, port
	// ignored) the server answers; see LoopbackHosts.
	Hosts []string
	// MaxSearches bounds the searches running at once (default
	// defaultMaxSearches); more wait for a slot within their deadline.
	MaxSearches int
	// MaxPerClient bounds the searches one client address has running or
	// waiting at once (default defaultMaxPerClient); more are answered
	// 429, so one client cannot fill the queue and starve the others.
	MaxPerClient int
	// MaxConns and MaxConnsPerClient bound the open connections, in total
	// and per client address (defaults defaultMaxConns() and a quarter of
	// it); see connLimiter.
	MaxConns, MaxConnsPerClient int
	// Searchers, when set, delivers searchers over newer versions of the
	// index (pipeline.Follow); Run swaps to each (Server.Swap).
	Searchers <-chan *query.Searcher
	// Settled, when set, is called once the duplicate detector is built
	// and again once a swapped-out searcher is closed: the moments when
	// the memory of building it (or of the old index) has become garbage.
	// `iq serve` returns that memory to the system there; the library
	// leaves the runtime's settings to its caller.
	Settled func()
	// Checked, when set, is called with the result of Run's full check of
	// the index's files (checkWhileServing) once it ends: nil when they
	// are whole.
	Checked func(error)
	// Preload maps the served index's search sections into the process
	// ahead of the searches (index.Index.PreloadSearch: the page faults
	// of a query's first touches, not the stored records), once the
	// server listens and before its full check, and a newer version's
	// before it is swapped in; giving way to requests as the check does.
	// `iq serve` sets it (--preload).
	Preload bool
}

// defaultMaxPerClient: an eighth of the queue. A page sends one search at
// a time; 64 concurrent clients on one machine, as the load test runs,
// stay under it.
const defaultMaxPerClient = defaultMaxQueue / 8

// defaultMaxSearches: a search is CPU-bound, so more searches at once than
// cores only adds memory and GC work; 2, 4 and 8 slots on two cores cost
// the same CPU per request (BENCHMARKS.md, HTTP serve).
var defaultMaxSearches = 2 * runtime.GOMAXPROCS(0)

// withDefaults fills the zero fields of o.
func (o Options) withDefaults() Options {
	if o.SearchTimeout <= 0 {
		o.SearchTimeout = DefaultSearchTimeout
	}
	if o.QueueTimeout <= 0 {
		o.QueueTimeout = defaultQueueTimeout
	}
	if o.MaxQueue <= 0 {
		o.MaxQueue = defaultMaxQueue
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.MaxSearches <= 0 {
		o.MaxSearches = defaultMaxSearches
	}
	if o.MaxPerClient <= 0 {
		o.MaxPerClient = defaultMaxPerClient
	}
	if o.MaxConns <= 0 {
		o.MaxConns = defaultMaxConns()
	}
	if o.MaxConnsPerClient <= 0 {
		o.MaxConnsPerClient = defaultMaxConnsPerIP(o.MaxConns)
	}
	return o
}

// Server holds what the handlers share: the searcher (safe for concurrent
// use) and the facet counts, which cannot change while the read-only index
// is open, so they are computed once.
type Server struct {
	// s is the searcher; handlers reach it only through searcher(), the
	// one place that knows where it comes from. Swap replaces it.
	s    atomic.Pointer[query.Searcher]
	opts Options
	log  *slog.Logger
	web  *web
	// slots holds a token per running search (MaxSearches); queued
	// counts the requests waiting for one.
	slots  chan struct{}
	queued atomic.Int64
	// clients counts the searches of each client address running or
	// waiting (MaxPerClient).
	clientsMu sync.Mutex
	clients   map[string]int

	facetsMu sync.Mutex
	facets   []byte

	// dupsWarm, when not nil, is closed once WarmDups has built the
	// duplicate detector; until then similar and dups answer 503.
	dupsWarm      chan struct{}
	dupsWarmStart time.Time
	// dupsLoading, when not nil, is closed once the features stored with
	// the index are loaded or found unusable (warm); until then similar
	// and dups wait for them rather than answer 503.
	dupsLoading chan struct{}

	// damaged is set when the full check of the served index's files
	// found damage (checkWhileServing): every request answers 503.
	damaged atomic.Pointer[damage]
	// busy counts the requests being answered, and lastDone is when the
	// last one ended (Unix nanoseconds), which the check while serving
	// gives way to (yieldToRequests).
	busy, lastDone atomic.Int64
}

// New returns the server of `iq serve` over s. Its Handler is separate
// from the http.Server so tests can drive it through httptest.
func New(s *query.Searcher, opts Options) *Server {
	opts = opts.withDefaults()
	srv := &Server{opts: opts, log: opts.Logger, web: newWeb(), slots: make(chan struct{}, opts.MaxSearches), clients: map[string]int{}}
	srv.s.Store(s)
	return srv
}

// searcher is the searcher every handler asks.
func (srv *Server) searcher() *query.Searcher { return srv.s.Load() }

// Swap makes s the searcher of every request that starts from now on
// (issue 13.2: a refreshed index is served without a restart), once its
// duplicate detector is built, so /api/similar never goes back to warming
// up. Requests in flight finish on the old searcher, which is closed once
// none can still be running (the server's write timeout). A cancelled ctx
// closes s and keeps the old one.
func (srv *Server) Swap(ctx context.Context, s *query.Searcher) {
	start := time.Now()
	// A new version is read whole before it is served, while the old one
	// answers: one found damaged is never swapped in.
	if err := verifyLow(ctx, s, srv.yieldToRequests); err != nil {
		if ctx.Err() == nil {
			srv.log.Error("a new version of the index is damaged, still serving the one before", "index", s.Index().Dir(),
				"generation", s.Index().Meta().Generation, "err", err.Error())
		}
		s.Close()
		return
	}
	srv.preload(ctx, s)
	if _, err := s.Dups(ctx, query.DupsRequest{Limit: 1}); err != nil && ctx.Err() != nil {
		s.Close()
		return
	}
	srv.facetsMu.Lock() // the facet counts are the old index's
	old := srv.s.Swap(s)
	srv.facets = nil
	srv.damaged.Store(nil) // the damage was the old index's
	srv.facetsMu.Unlock()
	srv.log.Info("serving a new index", "index", s.Index().Dir(), "generation", s.Index().Meta().Generation,
		"records", s.Index().Meta().Records, "prepared_in", time.Since(start).Round(time.Millisecond).String())
	time.AfterFunc(srv.opts.QueueTimeout+srv.opts.SearchTimeout+writeSlack, func() {
		old.Close()
		srv.settled()
	})
}

// settled calls Options.Settled, if set.
func (srv *Server) settled() {
	if srv.opts.Settled != nil {
		srv.opts.Settled()
	}
}

// Handler returns the page, the JSON API and the middleware around them
// (access log, panic recovery, limits, security headers).
func (srv *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	route := func(path string, h http.HandlerFunc) {
		// "GET /x" also matches HEAD. The bare "/x" catches every other
		// method, because ServeMux's own 405 answer is plain text.
		mux.HandleFunc("GET "+path, h)
		mux.HandleFunc(path, srv.methodNotAllowed)
	}
	route("/{$}", srv.handlePage)
	route("/static/{file}", srv.handleStatic)
	route("/healthz", srv.handleHealth)
	route("/api/search", srv.handleSearch)
	route("/api/questions/{id}", srv.handleQuestion)
	route("/api/similar", srv.handleSimilar)
	route("/api/dups", srv.handleDups)
	route("/api/facets", srv.handleFacets)
	route("/api/openapi.json", srv.handleOpenAPI)
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		srv.writeError(w, r, http.StatusNotFound, codeNotFound, fmt.Sprintf("no such path %q", r.URL.Path))
	})
	return srv.logRequests(srv.recoverPanics(srv.guard(mux)))
}

// handleSearch answers GET /api/search with the query.Result, byte for byte
// what `iq search --json` prints for the same request.
func (srv *Server) handleSearch(w http.ResponseWriter, r *http.Request) {
	v, ok := srv.values(w, r)
	if !ok {
		return
	}
	req, err := query.ParseRequest(v)
	if err != nil {
		srv.fail(w, r, err)
		return
	}
	srv.answer(w, r, func(ctx context.Context) (any, error) { return srv.searcher().Search(ctx, req) })
}

// handleSimilar answers GET /api/similar?id= or ?q= with the
// query.SimilarResult, what `iq similar --json` prints.
func (srv *Server) handleSimilar(w http.ResponseWriter, r *http.Request) {
	v, ok := srv.values(w, r)
	if !ok {
		return
	}
	req, err := query.ParseSimilarRequest(v)
	if err != nil {
		srv.fail(w, r, err)
		return
	}
	if srv.dupsWarming(w, r) {
		return
	}
	srv.answer(w, r, func(ctx context.Context) (any, error) { return srv.searcher().Similar(ctx, req) })
}

// handleDups answers GET /api/dups with the query.DupsResult, what
// `iq dups --json` prints.
func (srv *Server) handleDups(w http.ResponseWriter, r *http.Request) {
	v, ok := srv.values(w, r)
	if !ok {
		return
	}
	req, err := query.ParseDupsRequest(v)
	if err != nil {
		srv.fail(w, r, err)
		return
	}
	if srv.dupsWarming(w, r) {
		return
	}
	srv.answer(w, r, func(ctx context.Context) (any, error) { return srv.searcher().Dups(ctx, req) })
}

// WarmDups makes the duplicate detector's state and returns a channel
// closed when it is done. From the features the build stored with the
// index (query.Searcher.PrepareDups) it is made before WarmDups returns,
// about a second at 100k records. Without them query.Searcher builds that
// state on the first Similar or Dups call, reading every record and
// computing the features: instant for the embedded corpus, tens of seconds
// at 100k records (BENCHMARKS.md, Duplicates). Built under a request's
// deadline it would be cut off and started over by the next request, each
// burning its whole deadline; so the server builds it once, in the
// background from the start, and until then answers /api/similar and
// /api/dups with 503 warming_up. Call it before serving.
func (srv *Server) WarmDups(ctx context.Context) <-chan struct{} {
	done := srv.startWarm()
	srv.warm(ctx, done)
	return done
}

// startWarm marks the duplicate detector as being made and returns the
// channel warm closes once it is.
func (srv *Server) startWarm() chan struct{} {
	done := make(chan struct{})
	srv.dupsWarm, srv.dupsWarmStart = done, time.Now()
	return done
}

// warm is WarmDups after startWarm: the stored features loaded, or else
// the state computed in the background; it closes srv.dupsLoading, when
// set, once the stored features are loaded or found unusable.
func (srv *Server) warm(ctx context.Context, done chan struct{}) {
	// Features stored with the index are read in place (a fraction of a
	// second at a million records, with the check that they are the
	// index's records): then the server answers similar and dups from
	// its first request, and never 503.
	ok, err := srv.searcher().PrepareDups(ctx)
	loaded := func() {
		if srv.dupsLoading != nil {
			close(srv.dupsLoading)
		}
	}
	if ok {
		srv.log.Info("duplicate detector ready", "duration", time.Since(srv.dupsWarmStart).Round(time.Millisecond).String(), "stored", true)
		close(done)
		loaded()
		srv.settled()
		return
	} else if err != nil && ctx.Err() == nil {
		srv.log.Error("load the duplicate detector's stored features", "err", err)
	}
	loaded()
	go func() {
		defer close(done)
		if _, err := srv.searcher().Dups(ctx, query.DupsRequest{Limit: 1}); err != nil {
			if ctx.Err() == nil {
				// Requests will try again themselves, and log
				// what they get.
				srv.log.Error("build the duplicate detector", "err", err)
			}
			return
		}
		srv.log.Info("duplicate detector ready", "duration", time.Since(srv.dupsWarmStart).Round(time.Millisecond).String())
		srv.settled()
	}()
}

// warmWhileServing is WarmDups for a server that listens at once: the
// stored features load in the background while searches are answered,
// and similar and dups wait for them (seconds at a million records)
// rather than answer 503; only a detector computed from the records,
// minutes at that size, makes them answer 503 warming_up. Call it before
// serving.
func (srv *Server) warmWhileServing(ctx context.Context) <-chan struct{} {
	done := srv.startWarm()
	srv.dupsLoading = make(chan struct{})
	go srv.warm(ctx, done)
	return done
}

// dupsWarming answers 503 warming_up while the duplicate detector is
// computed; while stored features load it waits for them, up to the
// queue's timeout.
func (srv *Server) dupsWarming(w http.ResponseWriter, r *http.Request) bool {
	if srv.dupsWarm == nil {
		return false
	}
	select {
	case <-srv.dupsWarm:
		return false
	default:
	}
	if srv.dupsLoading != nil {
		t := time.NewTimer(srv.opts.QueueTimeout)
		select {
		case <-srv.dupsLoading:
		case <-r.Context().Done():
		case <-t.C:
		}
		t.Stop()
		select {
		case <-srv.dupsWarm:
			return false
		default:
		}
	}
	w.Header().Set("Retry-After", "5")
	srv.writeError(w, r, http.StatusServiceUnavailable, codeWarmingUp,
		fmt.Sprintf("the duplicate detector is still being built (for %s so far), retry later", time.Since(srv.dupsWarmStart).Round(time.Second)))
	return true
}

// values parses the query string strictly: r.URL.Query() drops malformed
// pairs silently, and a request must mean what it says or be refused.
func (srv *Server) values(w http.ResponseWriter, r *http.Request) (url.Values, bool) {
	v, err := url.ParseQuery(r.URL.RawQuery)
	if err != nil {
		srv.writeError(w, r, http.StatusBadRequest, query.CodeBadParam, "query: malformed query string: "+err.Error())
		return nil, false
	}
	return v, true
}

// answer runs one call of the searcher in a search slot, under the
// search deadline, and writes its result as JSON.
func (srv *Server) answer(w http.ResponseWriter, r *http.Request, call func(context.Context) (any, error)) {
	leave, ok := srv.enter(r)
	if !ok {
		w.Header().Set("Retry-After", "1")
		srv.writeError(w, r, http.StatusTooManyRequests, codeTooMany,
			fmt.Sprintf("too many requests at once from %s: at most %d searches per client run or wait at a time", clientIP(r), srv.opts.MaxPerClient))
		return
	}
	defer leave()
	release, err := srv.acquire(r.Context())
	if err != nil {
		srv.fail(w, r, err)
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), srv.opts.SearchTimeout)
	res, err := call(ctx)
	cancel()
	release()
	if err != nil {
		srv.fail(w, r, err)
		return
	}
	srv.writeJSON(w, r, http.StatusOK, res)
}

// handleQuestion answers GET /api/questions/{id} with the record as
// query.Question bounds it: what `iq show --json` prints, except that a
// record merged so often that its answers or sources pass query's bounds
// is cut to them, with the number left out (more_answers, more_sources).
func (srv *Server) handleQuestion(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	if len(id) > maxIDLen {
		srv.writeError(w, r, http.StatusNotFound, codeNotFound, fmt.Sprintf("query: no question with an id of %d characters", len(id)))
		return
	}
	rec, err := srv.searcher().Question(id)
	if err != nil {
		srv.fail(w, r, err)
		return
	}
	srv.writeJSON(w, r, http.StatusOK, rec)
}

// facetsResponse is GET /api/facets: every value of every facet with its
// count over the whole index. It is query.Stats without the index's
// location on disk, which is nobody's business over HTTP.
type facetsResponse struct {
	Records uint64                        `json:"records"`
	Facets  map[string][]query.FacetCount `json:"facets"`
	Missing map[string]int                `json:"missing"`
}

func (srv *Server) handleFacets(w http.ResponseWriter, r *http.Request) {
	b, err := srv.facetsJSON(r.Context())
	if err != nil {
		srv.fail(w, r, err)
		return
	}
	srv.writeBytes(w, r, http.StatusOK, "application/json; charset=utf-8", b)
}

// facetsJSON computes the facet counts on first use and keeps them: the
// index is read-only while it is served. A failure is not kept.
func (srv *Server) facetsJSON(ctx context.Context) ([]byte, error) {
	srv.facetsMu.Lock()
	defer srv.facetsMu.Unlock()
	if srv.facets != nil {
		return srv.facets, nil
	}
	release, err := srv.acquire(ctx)
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(ctx, srv.opts.SearchTimeout)
	defer cancel()
	st, err := srv.searcher().Stats(ctx)
	release()
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if err := query.WriteJSON(&buf, facetsResponse{Records: st.Records, Facets: st.Facets, Missing: st.Missing}); err != nil {
		return nil, err
	}
	srv.facets = buf.Bytes()
	return srv.facets, nil
}

// clientIP is the address a request came from, without its port.
func clientIP(r *http.Request) string { return hostOf(r.RemoteAddr) }

// hostOf is addr without its port, or addr when it has none.
func hostOf(addr string) string {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return addr
	}
	return host
}

// enter counts a search of r's client, unless it has MaxPerClient already;
// leave uncounts it.
func (srv *Server) enter(r *http.Request) (leave func(), ok bool) {
	ip := clientIP(r)
	srv.clientsMu.Lock()
	defer srv.clientsMu.Unlock()
	if srv.clients[ip] >= srv.opts.MaxPerClient {
		return nil, false
	}
	srv.clients[ip]++
	return func() {
		srv.clientsMu.Lock()
		defer srv.clientsMu.Unlock()
		if srv.clients[ip]--; srv.clients[ip] <= 0 {
			delete(srv.clients, ip)
		}
	}, true
}

// errBusy is the answer when no search slot frees up in time.
var errBusy = errors.New("no search slot free")

// acquire waits for a search slot: at most QueueTimeout, while the client
// is still there (ctx), and only when fewer than MaxQueue requests wait
// already. Waiting does not count against the search deadline: that
// deadline stops a runaway search. Counted against it, a search that had
// waited most of it would be cut off half done, its work wasted, and once
// the line is longer than the deadline every request past it fails
// instead of waiting its turn (18% of requests with 160 clients on one
// core at 100k records; BENCHMARKS.md, HTTP serve). Slots are handed out
// in arrival order (a channel's waiting senders are a FIFO queue).
func (srv *Server) acquire(ctx context.Context) (release func(), err error) {
	release = func() { <-srv.slots }
	select {
	case srv.slots <- struct{}{}:
		return release, nil
	default:
	}
	if srv.queued.Add(1) > int64(srv.opts.MaxQueue) {
		srv.queued.Add(-1)
		return nil, errBusy
	}
	defer srv.queued.Add(-1)
	t := time.NewTimer(srv.opts.QueueTimeout)
	defer t.Stop()
	select {
	case srv.slots <- struct{}{}:
		return release, nil
	case <-t.C:
		return nil, errBusy
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

func (srv *Server) handleHealth(w http.ResponseWriter, r *http.Request) {
	srv.writeJSON(w, r, http.StatusOK, map[string]any{"status": "ok", "records": srv.searcher().Index().Meta().Records})
}

func (srv *Server) methodNotAllowed(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Allow", "GET, HEAD")
	srv.writeError(w, r, http.StatusMethodNotAllowed, codeMethodNotAllowed,
		fmt.Sprintf("method %s not allowed on %s, want GET or HEAD", r.Method, r.URL.Path))
}

// fail answers with the status an error from package query calls for: its
// *Error is the caller's fault (400, or 404 for an unknown ID), a deadline
// or a full queue is 503, anything else is a bug or a broken index (500,
// logged).
func (srv *Server) fail(w http.ResponseWriter, r *http.Request, err error) {
	var qe *query.Error
	switch {
	case errors.As(err, &qe) && qe.Code == query.ErrNotFound.Code:
		srv.writeError(w, r, http.StatusNotFound, qe.Code, qe.Message)
	case errors.As(err, &qe):
		srv.writeError(w, r, http.StatusBadRequest, qe.Code, qe.Message)
	case errors.Is(err, errBusy):
		w.Header().Set("Retry-After", "1")
		srv.writeError(w, r, http.StatusServiceUnavailable, codeBusy,
			fmt.Sprintf("server busy: no search slot free within %s, retry later", srv.opts.QueueTimeout))
	case errors.Is(err, context.DeadlineExceeded):
		srv.writeError(w, r, http.StatusServiceUnavailable, codeTimeout,
			fmt.Sprintf("search took longer than %s", srv.opts.SearchTimeout))
	case errors.Is(err, context.Canceled) && r.Context().Err() != nil:
		// The client went away: nobody would read an answer, so none is
		// written, and the access log says so (status 499, canceled).
	case errors.Is(err, context.Canceled):
		srv.writeError(w, r, http.StatusServiceUnavailable, codeCanceled, "request canceled")
	default:
		srv.log.Error("request failed", "method", r.Method, "path", r.URL.Path, "query", truncate(r.URL.RawQuery, 200), "err", err)
		srv.writeError(w, r, http.StatusInternalServerError, codeInternal, "internal error; see the server log")
	}
}

// errorBody is the shape of every error answer:
// {"error": {"code": "...", "message": "..."}}.
type errorBody struct {
	Error *query.Error `json:"error"`
}

func (srv *Server) writeError(w http.ResponseWriter, r *http.Request, status int, code, msg string) {
	srv.writeJSON(w, r, status, errorBody{&query.Error{Code: code, Message: msg}})
}

// writeJSON encodes v with query.WriteJSON into a buffer first, so that an
// encoding failure is still a clean 500 and not half a body.
func (srv *Server) writeJSON(w http.ResponseWriter, r *http.Request, status int, v any) {
	var buf bytes.Buffer
	if err := query.WriteJSON(&buf, v); err != nil {
		srv.log.Error("encode response", "path", r.URL.Path, "err", err)
		buf.Reset()
		status = http.StatusInternalServerError
		// A constant that cannot fail to encode.
		buf.WriteString(`{"error": {"code": "internal", "message": "internal error; see the server log"}}` + "\n")
	}
	srv.writeBytes(w, r, status, "application/json; charset=utf-8", buf.Bytes())
}

func (srv *Server) writeBytes(w http.ResponseWriter, r *http.Request, status int, contentType string, b []byte) {
	h := w.Header()
	h.Set("Content-Type", contentType)
	h.Set("Content-Length", strconv.Itoa(len(b)))
	w.WriteHeader(status)
	if r.Method != http.MethodHead {
		w.Write(b)
	}
}

// guard rejects what no handler should see: a URL longer than maxURLBytes,
// and on loopback a Host header naming another machine. It also sets the
// security headers of every answer. The Content-Security-Policy allows
// scripts and styles from this server only and no inline script or event
// handler at all, so even markup that slipped into a page could not run.
func (srv *Server) guard(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("X-Frame-Options", "DENY")
		if n := len(r.URL.RawQuery) + len(r.URL.Path); n > maxURLBytes {
			srv.writeError(w, r, http.StatusRequestURITooLong, codeURITooLong,
				fmt.Sprintf("URL is %d bytes, want at most %d", n, maxURLBytes))
			return
		}
		if len(srv.opts.Hosts) > 0 {
			host := r.Host
			if h, _, err := net.SplitHostPort(host); err == nil {
				host = h
			}
			host = strings.TrimSuffix(strings.TrimPrefix(host, "["), "]")
			if !slices.Contains(srv.opts.Hosts, strings.ToLower(host)) {
				srv.writeError(w, r, http.StatusForbidden, codeBadHost,
					fmt.Sprintf("host %q not served, want one of %s", r.Host, strings.Join(srv.opts.Hosts, ", ")))
				return
			}
		}
		if srv.damagedIndex(w, r) {
			return
		}
		next.ServeHTTP(w, r)
	})
}

// recoverPanics turns a panic in a handler into a logged error and a JSON
// 500. No user input should get here; it is the net under bugs, so that
// one bad request does not take down the connection silently.
func (srv *Server) recoverPanics(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			p := recover()
			if p == nil {
				return
			}
			if p == http.ErrAbortHandler {
				panic(p)
			}
			srv.log.Error("panic", "method", r.Method, "path", r.URL.Path, "query", truncate(r.URL.RawQuery, 200), "panic", fmt.Sprint(p), "stack", string(debug.Stack()))
			if rec, ok := w.(*statusRecorder); ok && rec.status != 0 {
				return // the answer is on its way; nothing better to send
			}
			srv.writeError(w, r, http.StatusInternalServerError, codeInternal, "internal error; see the server log")
		}()
		next.ServeHTTP(w, r)
	})
}

// statusRecorder remembers what the client got of an answer, for the
// access log: the status, the bytes the connection took, and the first
// write error (a client that hung up).
type statusRecorder struct {
	http.ResponseWriter
	status int
	bytes  int
	err    error
}

func (s *statusRecorder) WriteHeader(code int) {
	if s.status == 0 {
		s.status = code
	}
	s.ResponseWriter.WriteHeader(code)
}

func (s *statusRecorder) Write(b []byte) (int, error) {
	if s.status == 0 {
		s.status = http.StatusOK
	}
	n, err := s.ResponseWriter.Write(b)
	s.bytes += n
	if err != nil && s.err == nil {
		s.err = err
	}
	return n, err
}

// Unwrap lets http.ResponseController reach the connection.
func (s *statusRecorder) Unwrap() http.ResponseWriter { return s.ResponseWriter }

// statusClientClosed is the access log's status of a request whose client
// went away before any answer was written (nginx's 499): no status line
// was sent, so logging the 200 or 503 a handler meant to send would lie.
const statusClientClosed = 499

// logRequests writes one structured line per request: method, path, query,
// status, bytes and duration, and what the client really got: the answer
// is flushed here so that a connection the client closed shows as a write
// error (err), and canceled is set when the client had gone (its request
// context cancelled) by the time the handler returned.
func (srv *Server) logRequests(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		srv.busy.Add(1)
		defer func() {
			srv.lastDone.Store(time.Now().UnixNano())
			srv.busy.Add(-1)
		}()
		start := time.Now()
		rec := &statusRecorder{ResponseWriter: w}
		next.ServeHTTP(rec, r)
		canceled := r.Context().Err() != nil
		switch {
		case rec.status == 0 && canceled:
			rec.status = statusClientClosed
		case rec.status == 0:
			rec.status = http.StatusOK
		case rec.err == nil:
			if err := http.NewResponseController(w).Flush(); err != nil {
				rec.err = err
			}
		}
		level := slog.LevelInfo
		if rec.status >= 500 {
			level = slog.LevelError
		}
		attrs := []slog.Attr{
			slog.String("method", r.Method),
			slog.String("path", r.URL.Path),
			slog.String("query", truncate(r.URL.RawQuery, 200)),
			slog.Int("status", rec.status),
			slog.Int("bytes", rec.bytes),
			slog.Duration("duration", time.Since(start)),
			slog.String("remote", r.RemoteAddr),
		}
		if canceled {
			attrs = append(attrs, slog.Bool("canceled", true))
		}
		if rec.err != nil {
			attrs = append(attrs, slog.String("err", rec.err.Error()))
		}
		srv.log.LogAttrs(r.Context(), level, "request", attrs...)
	})
}

// truncate cuts s to at most n bytes for a log line.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}
