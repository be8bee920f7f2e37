package httpapi

import (
	"context"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/iq-search/iq/internal/apitest"
	"github.com/iq-search/iq/pipeline"
	"github.com/iq-search/iq/query"
)

// slowDupsMinScore is a min_score at which listing the near-duplicates of
// slowDupsSearcher's bank takes seconds (3 to 5 s on the 2-core machine
// of BENCHMARKS.md, 30 times the deadline of the tests below): most of its
// candidate pairs are edges and average linkage compares whole clusters
// (issue 16 measured 1 min 53 s for one such request on a 50k index).
const slowDupsMinScore = "0.2"

var slowDups apitest.Shared

// slowDupsSearcher opens an index of 1,500 questions drawn from a
// vocabulary of 24 words, so that nearly every pair is a candidate
// duplicate: the worst case for clustering at a low min_score. Its
// duplicate detector is built before it is returned, as iq serve does at
// start.
func slowDupsSearcher(t *testing.T) *query.Searcher {
	t.Helper()
	return slowDups.Get(t, func() (*query.Searcher, error) {
		words := strings.Fields("closure scope variable function hoisting prototype promise async await event loop callback module import export class object array map set string number type value")
		r := rand.New(rand.NewPCG(1, 2))
		w := func() string { return words[r.IntN(len(words))] }
		var b strings.Builder
		b.WriteString("# Questions\n\n")
		for i := range 1500 {
			fmt.Fprintf(&b, "## %d. What is the %s of a %s %s in %s?\n\nThe %s %s the %s.\n\n", i+1, w(), w(), w(), w(), w(), w(), w())
		}
		dir, err := os.MkdirTemp(tempDir(), "slow-dups-")
		if err != nil {
			return nil, err
		}
		src := filepath.Join(dir, "bank.md")
		if err := os.WriteFile(src, []byte(b.String()), 0o644); err != nil {
			return nil, err
		}
		s, err := pipeline.Open(context.Background(), pipeline.OpenOptions{IndexDir: filepath.Join(dir, "index"), Sources: []string{src}})
		if err == nil {
			_, err = s.Dups(context.Background(), query.DupsRequest{Limit: 1})
		}
		return s, err
	})
}

// A /api/dups request at a low min_score stops at the search deadline
// with a 503 timeout, and the access log records the 503 the client got.
// Without the dedup loops checking their context it ran to the end (a 200
// after seconds here, minutes on a large index).
func TestServeDupsDeadline(t *testing.T) {
	s := slowDupsSearcher(t)
	var logs apitest.Log
	const deadline = 100 * time.Millisecond
	h := New(s, Options{SearchTimeout: deadline, Logger: slog.New(slog.NewJSONHandler(&logs, nil))}).Handler()
	start := time.Now()
	w := apitest.Get(h, "GET", "/api/dups?min_score="+slowDupsMinScore)
	took := time.Since(start)
	if w.Code != http.StatusServiceUnavailable {
		t.Fatalf("GET /api/dups?min_score=%s = %d (%.100s) after %s; want 503 at the %s deadline", slowDupsMinScore, w.Code, w.Body, took, deadline)
	}
	if e := apitest.Error(t, w.Body.Bytes()); e.Code != codeTimeout {
		t.Errorf("error = %+v; want code %q", e, codeTimeout)
	}
	// Generous: catches a request that runs on, not a slow machine.
	if took > deadline+5*time.Second {
		t.Errorf("request took %s; want it to end near its %s deadline", took, deadline)
	}
	t.Logf("503 after %s (deadline %s)", took, deadline)
	line, ok := logs.Request("/api/dups")
	if !ok || line["status"] != float64(503) || line["bytes"] != float64(w.Body.Len()) {
		t.Errorf("access log = %v; want status 503, bytes %d", line, w.Body.Len())
	}
}

// A client that hangs up on a slow /api/dups request stops its work: the
// handler returns soon after, writes nothing, and the access log records
// status 499 and canceled, not a 200 nobody received.
func TestServeDupsClientGone(t *testing.T) {
	s := slowDupsSearcher(t)
	var logs apitest.Log
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	so := Options{SearchTimeout: time.Minute, Logger: slog.New(slog.NewJSONHandler(&logs, nil))}
	srv, conns := newHTTPServer(New(s, so).Handler(), so)
	go srv.Serve(conns.listener(ln))
	defer srv.Close()

	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, "GET", "http://"+ln.Addr().String()+"/api/dups?min_score="+slowDupsMinScore, nil)
	start := time.Now()
	if resp, err := http.DefaultClient.Do(req); err == nil {
		resp.Body.Close()
		t.Fatalf("GET /api/dups = %d within 100ms; want the client to give up first (bad fixture: too fast)", resp.StatusCode)
	}
	var line map[string]any
	for wait := time.Now().Add(10 * time.Second); ; time.Sleep(5 * time.Millisecond) {
		var ok bool
		if line, ok = logs.Request("/api/dups"); ok || time.Now().After(wait) {
			break
		}
	}
	if line == nil {
		t.Fatalf("no access log line 10s after the client hung up; want the request to stop")
	}
	t.Logf("handler done %s after the request started: %v", time.Since(start), line)
	if line["status"] != float64(statusClientClosed) || line["bytes"] != float64(0) || line["canceled"] != true {
		t.Errorf("access log = %v; want status 499, bytes 0, canceled true", line)
	}
}
