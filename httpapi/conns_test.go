package httpapi

import (
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/iq-search/iq/internal/apitest"
)

// fakeConn is a net.Conn from a given address that records Close.
type fakeConn struct {
	net.Conn
	addr   *net.TCPAddr
	closed bool
}

func (c *fakeConn) RemoteAddr() net.Addr { return c.addr }
func (c *fakeConn) Close() error         { c.closed = true; return nil }

func conn(ip string) *fakeConn {
	return &fakeConn{addr: &net.TCPAddr{IP: net.ParseIP(ip), Port: 1234}}
}

// The limiter makes room by closing the connection that waited longest
// without a request (its client's own at the per-client limit), never one
// serving a request, and refuses a connection when every one is busy.
func TestConnLimiter(t *testing.T) {
	l := newConnLimiter(4, 2, slog.New(slog.DiscardHandler))
	a1, a2, a3 := conn("10.0.0.1"), conn("10.0.0.1"), conn("10.0.0.1")
	b1, b2, c1, c2 := conn("10.0.0.2"), conn("10.0.0.2"), conn("10.0.0.3"), conn("10.0.0.3")
	admit := func(c *fakeConn, want bool) {
		t.Helper()
		if got := l.admit(c); got != want {
			t.Fatalf("admit(%s) = %v; want %v", c.addr, got, want)
		}
	}
	admit(a1, true)
	admit(a2, true)
	l.connState(a1, http.StateActive) // a1 serves a request
	// a's third connection: a2 (new, waiting) makes room, a1 is busy.
	admit(a3, true)
	if a1.closed || !a2.closed {
		t.Fatalf("closed a1 %v, a2 %v; want a2 (waiting) closed, a1 (busy) kept", a1.closed, a2.closed)
	}
	l.connState(a2, http.StateClosed) // the server sees it close: ignored
	l.connState(a3, http.StateActive)
	// a is at its limit with both busy: refused.
	if a4 := conn("10.0.0.1"); l.admit(a4) {
		t.Fatal("admit(a4) = true with a's two connections busy; want false")
	}
	admit(b1, true)
	l.connState(b1, http.StateActive)
	l.connState(b1, http.StateIdle) // keep-alive, waiting again
	admit(b2, true)
	// Full (a1, a3 busy; b1 idle, b2 new): c1 takes the place of the
	// connection waiting longest, b1.
	admit(c1, true)
	if !b1.closed || b2.closed {
		t.Fatalf("closed b1 %v, b2 %v; want b1 (waiting longest) closed", b1.closed, b2.closed)
	}
	l.connState(b2, http.StateActive)
	l.connState(c1, http.StateActive)
	if l.admit(c2) {
		t.Fatal("admit(c2) = true with every connection busy; want false")
	}
	want := connStats{Open: 4, Accepted: 6, Shed: 2, Refused: 2}
	if got := l.stats(); got != want {
		t.Errorf("stats = %+v; want %+v", got, want)
	}
	l.connState(a1, http.StateClosed)
	admit(c2, true)
}

// One client with MaxPerClient searches in flight gets 429 for the next;
// another client is still served.
func TestServePerClientLimit(t *testing.T) {
	srv := New(sharedSearcher(t), Options{MaxPerClient: 1})
	h := srv.Handler()
	srv.clients["192.0.2.1"] = 1 // one search of this client in flight
	r := httptest.NewRequest("GET", "http://127.0.0.1/api/search?q=closures", nil)
	r.RemoteAddr = "192.0.2.1:5555"
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	if w.Code != http.StatusTooManyRequests || w.Header().Get("Retry-After") != "1" {
		t.Fatalf("second search of one client = %d, Retry-After %q; want 429, 1", w.Code, w.Header().Get("Retry-After"))
	}
	if e := apitest.Error(t, w.Body.Bytes()); e.Code != codeTooMany || e.Message != "too many requests at once from 192.0.2.1: at most 1 searches per client run or wait at a time" {
		t.Errorf("error = %+v", e)
	}
	r.RemoteAddr = "192.0.2.2:5555"
	w = httptest.NewRecorder()
	h.ServeHTTP(w, r)
	if w.Code != http.StatusOK {
		t.Errorf("search of another client = %d; want 200", w.Code)
	}
	if srv.clients["192.0.2.2"] != 0 || len(srv.clients) != 1 {
		t.Errorf("clients = %v after the search; want only 192.0.2.1's", srv.clients)
	}
}
