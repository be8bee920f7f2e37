// Package apitest holds what the tests of httpapi and cmd/iq share to ask
// the HTTP API and read its answers: a searcher opened once per test
// binary, a request sent to a handler, the decoding of results and
// errors, and the server's log. cmd/iq's tests check that the CLI and the API agree, so both
// packages must read the API the same way.
//
// Only tests import it.
package apitest

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/iq-search/iq/query"
)

// Shared is a searcher that the tests of a package open once, on first
// use, and only read. The package's TestMain calls Close.
type Shared struct {
	once sync.Once
	s    *query.Searcher
	err  error
}

// Get returns the searcher, calling open the first time. An error from
// open fails this test and every later one that asks.
func (sh *Shared) Get(t testing.TB, open func() (*query.Searcher, error)) *query.Searcher {
	t.Helper()
	sh.once.Do(func() { sh.s, sh.err = open() })
	if sh.err != nil {
		t.Fatalf("open shared index: %v", sh.err)
	}
	return sh.s
}

// Close closes the searcher if it was opened.
func (sh *Shared) Close() {
	if sh.s != nil {
		sh.s.Close()
	}
}

// Get sends one request to h and returns the recorded answer.
func Get(h http.Handler, method, target string) *httptest.ResponseRecorder {
	r := httptest.NewRequest(method, "http://127.0.0.1"+target, nil)
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w
}

// Error decodes an error answer, failing the test when it is not one.
func Error(t testing.TB, body []byte) query.Error {
	t.Helper()
	var e struct {
		Error *query.Error `json:"error"`
	}
	if err := json.Unmarshal(body, &e); err != nil || e.Error == nil || e.Error.Code == "" || e.Error.Message == "" {
		t.Fatalf("body %q is not {\"error\": {\"code\", \"message\"}} (%v)", body, err)
	}
	return *e.Error
}

// Decode decodes a response body as T. Unknown fields fail the test, so an
// error body or another result type is not taken for a T.
func Decode[T any](t testing.TB, b []byte) T {
	t.Helper()
	var r T
	d := json.NewDecoder(bytes.NewReader(b))
	d.DisallowUnknownFields()
	if err := d.Decode(&r); err != nil {
		t.Fatalf("body is not a %T: %v\n%.300s", r, err, b)
	}
	return r
}

// tookMS matches the only field that differs between two runs of the same
// search: how long it took.
var tookMS = regexp.MustCompile(`"took_ms": [0-9.e+-]+`)

// WithoutTook returns a result's JSON with its took_ms set to 0, for
// comparing two runs of the same search.
func WithoutTook(b []byte) string { return tookMS.ReplaceAllString(string(b), `"took_ms": 0`) }

// Log collects what a server logs (its io.Writer), safe for concurrent
// use while the server runs.
type Log struct {
	mu sync.Mutex
	b  bytes.Buffer
}

// Write appends p to the log.
func (l *Log) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

// String returns what was logged so far.
func (l *Log) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// Request returns the first access-log line of a JSON log for path, if
// any yet.
func (l *Log) Request(path string) (map[string]any, bool) {
	for _, line := range strings.Split(l.String(), "\n") {
		var m map[string]any
		if json.Unmarshal([]byte(line), &m) == nil && m["msg"] == "request" && m["path"] == path {
			return m, true
		}
	}
	return nil, false
}
