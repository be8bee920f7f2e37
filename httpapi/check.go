package httpapi

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"runtime"
	"time"

	"github.com/iq-search/iq/query"
)

// codeIndexDamaged answers every request once the full check of the
// served index's files (index.Index.VerifyRest) has found damage.
const codeIndexDamaged = "index_damaged"

// damage is what the full check found wrong with the searcher it checked.
type damage struct {
	s   *query.Searcher
	err error
}

// checkWhileServing reads the rest of s's index against its checksums
// (what the quick check on open skipped: the middle of large files) on a
// goroutine of its own, at low priority, while the server answers. Until it
// ends, reads stay guarded as on any index (a panic recovered, an error
// explained by a full check: index.Index.ExplainError). If it finds damage,
// the server says so on its log (stderr for iq serve) naming the file, and
// from then on answers every request, /healthz included, 503 index_damaged
// with that message, until a new version of the index that checks whole is
// swapped in (iq index --repair, which Follow delivers). done, when not nil,
// receives the check's result (nil when the index is whole).
//
// The check gives way to the requests (issue 15: a million records' 5 GB
// took 1–3 CPU-s, beside the first similar and dups a server answers): it
// starts once the stored duplicate features are loaded (so that it reads
// them first, index.Index.VerifyLater), and before each megabyte it waits
// while a request is being answered, at most yieldAtMost a piece, so that
// a server kept busy still finishes its check (5 GB in minutes, not
// never).
func (srv *Server) checkWhileServing(ctx context.Context, s *query.Searcher, done func(error)) {
	go func() {
		if srv.dupsLoading != nil {
			select {
			case <-srv.dupsLoading:
			case <-ctx.Done():
			}
		}
		srv.preload(ctx, s)
		err := verifyLow(ctx, s, srv.yieldToRequests)
		if err != nil && ctx.Err() == nil {
			srv.log.Error("index damaged: every request answers 503 until it is repaired (iq index --repair) and served again",
				"index", s.Index().Dir(), "err", err.Error())
			srv.facetsMu.Lock() // Swap holds it while it changes the searcher
			if srv.searcher() == s {
				srv.damaged.Store(&damage{s: s, err: err})
			}
			srv.facetsMu.Unlock()
		}
		if done != nil {
			done(err)
		}
	}()
}

// verifyLow runs s's index.Index.VerifyRest on a thread of its own at the
// lowest scheduling priority (where the system has one for a thread:
// Linux), so that the check takes what the searches leave of the CPU,
// calling pace (when not nil) before each piece it reads. The thread ends
// with the check: it is never given back to the Go runtime with its
// priority lowered.
func verifyLow(ctx context.Context, s *query.Searcher, pace func(context.Context) error) error {
	errc := make(chan error, 1)
	go func() {
		runtime.LockOSThread() // never unlocked: the thread exits with the goroutine
		lowerThreadPriority()
		errc <- s.Index().VerifyRestPaced(ctx, pace)
	}()
	return <-errc
}

// yieldAtMost bounds how long the check while serving waits for the
// requests before each megabyte it reads: a piece takes about a
// millisecond of CPU, so a server answering without pause gives the check
// a few percent of a core.
const yieldAtMost = 25 * time.Millisecond

// quietFor is how long the server must have answered nothing for the
// check to read without waiting: a client's next request (a search, then
// similar) comes within milliseconds of the answer before it.
const quietFor = 10 * time.Millisecond

// yieldToRequests waits while the server answers a request or answered
// one in the last quietFor, at most yieldAtMost, or until ctx is done. A
// lowered thread priority alone does not do it: the check's goroutine
// holds one of the Go scheduler's processors (two on two cores) while it
// runs, whatever the kernel's priority of its thread, and a request's
// goroutines then share the other.
func (srv *Server) yieldToRequests(ctx context.Context) error {
	if srv.quiet() {
		return nil
	}
	t := time.NewTimer(yieldAtMost)
	defer t.Stop()
	tick := time.NewTicker(time.Millisecond)
	defer tick.Stop()
	for !srv.quiet() {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-t.C:
			// ctx's error even when both are ready (select picks
			// either): a stopping server stops its check.
			return ctx.Err()
		case <-tick.C:
		}
	}
	return nil
}

// quiet reports whether no request is being answered and none ended in
// the last quietFor.
func (srv *Server) quiet() bool {
	return srv.busy.Load() == 0 && time.Since(time.Unix(0, srv.lastDone.Load())) >= quietFor
}

// preload maps s's search sections ahead when Options.Preload is set
// (index.Index.PreloadSearch), giving way to requests as the check does.
// It fails nothing: an error (a file cut short, which the check then
// reports as damage) is logged and the server goes on.
func (srv *Server) preload(ctx context.Context, s *query.Searcher) {
	if !srv.opts.Preload {
		return
	}
	p, err := s.Index().PreloadSearch(ctx, srv.yieldToRequests)
	if err != nil {
		if ctx.Err() == nil {
			srv.log.Warn("preloading the index's search sections", "index", s.Index().Dir(), "err", err.Error())
		}
		return
	}
	srv.log.Info("preloaded the index's search sections", "index", s.Index().Dir(), "segments", p.Segments,
		"mapped_mb", p.Bytes>>20, "stored_mb_left", p.Stored>>20, "advice", p.Advice, "took", p.Took.Round(time.Millisecond).String())
}

// damagedIndex answers 503 index_damaged when the full check found the
// served index damaged, and reports whether it did.
func (srv *Server) damagedIndex(w http.ResponseWriter, r *http.Request) bool {
	d := srv.damaged.Load()
	if d == nil {
		return false
	}
	srv.writeError(w, r, http.StatusServiceUnavailable, codeIndexDamaged, damageMessage(d.err))
	return true
}

// damageMessage is the one line a damaged index is reported with.
func damageMessage(err error) string {
	msg := err.Error()
	if errors.Is(err, context.Canceled) {
		return msg
	}
	return fmt.Sprintf("the index is damaged, no answer from it can be trusted: %s; stop the server and run iq index --repair", msg)
}
