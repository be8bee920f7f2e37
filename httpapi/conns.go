package httpapi

import (
	"container/list"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"time"
)

// Connection limits (issue 16: ~21k idle keep-alive connections exhausted
// the file descriptors, accept failed with "too many open files" and other
// clients waited up to 60 s).
const (
	// maxConnsCap bounds the open connections, far above what the search
	// slots can keep busy; defaultMaxConns lowers it to half the file
	// descriptors the process may open, so that the index, the logs and
	// accept itself always have some.
	maxConnsCap = 1000
	// rejectLogEvery spaces the warnings about refused connections.
	rejectLogEvery = 10 * time.Second
)

// defaultMaxConns is maxConnsCap, or half the file descriptor limit when
// that is lower (Go raises the soft limit to the hard one at start; 1,024
// is a common hard limit, and some containers set less).
func defaultMaxConns() int {
	if n := fdLimit() / 2; n > 0 && n < maxConnsCap {
		return max(n, 16)
	}
	return maxConnsCap
}

// defaultMaxConnsPerIP is a quarter of the connections: one machine
// cannot hold them all.
func defaultMaxConnsPerIP(maxConns int) int { return max(1, maxConns/4) }

// connLimiter caps the open connections of an http.Server, in total and
// per client IP, and makes room by closing the connection that waited
// longest without a request in progress: idle keep-alive connections and
// new ones that have sent nothing yet. A connection serving a request is
// never closed; when every connection is busy, a new one is refused
// (closed at once) instead of left in the kernel's queue, so a client
// learns it at once instead of after its own timeout.
//
// golang.org/x/net/netutil.LimitListener does not do this: it blocks
// Accept at the limit, so idle connections keep new clients out until
// they time out, the failure of issue 16. Shedding idle connections needs
// their state, which only the http.Server's ConnState hook knows.
type connLimiter struct {
	max, perIP int
	log        *slog.Logger

	mu    sync.Mutex
	conns map[net.Conn]*trackedConn
	byIP  map[string]int
	// waiting lists the connections without a request in progress,
	// oldest first: the ones to close to make room.
	waiting *list.List
	// counts since start, for logs and tests
	accepted, shed, refused int
	lastLog                 time.Time
}

type trackedConn struct {
	c  net.Conn
	ip string
	// at is the connection's element of waiting, nil while it serves a
	// request.
	at *list.Element
}

func newConnLimiter(max, perIP int, log *slog.Logger) *connLimiter {
	return &connLimiter{max: max, perIP: perIP, log: log, conns: map[net.Conn]*trackedConn{}, byIP: map[string]int{}, waiting: list.New()}
}

// listener wraps ln so that every connection it accepts is admitted by l.
func (l *connLimiter) listener(ln net.Listener) net.Listener { return limitedListener{ln, l} }

type limitedListener struct {
	net.Listener
	l *connLimiter
}

func (ll limitedListener) Accept() (net.Conn, error) {
	for {
		c, err := ll.Listener.Accept()
		if err != nil {
			return nil, err
		}
		if ll.l.admit(c) {
			return c, nil
		}
		c.Close()
	}
}

func ipOf(addr net.Addr) string {
	if tcp, ok := addr.(*net.TCPAddr); ok {
		return tcp.IP.String()
	}
	return hostOf(addr.String())
}

// admit registers c, closing a waiting connection to make room when its
// client or the server is at its limit; it returns false (c is to be
// closed) when no room can be made.
func (l *connLimiter) admit(c net.Conn) bool {
	ip := ipOf(c.RemoteAddr())
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.perIP > 0 && l.byIP[ip] >= l.perIP && !l.shedOldest(ip) {
		l.refuse(ip, "per-client connection limit")
		return false
	}
	if len(l.conns) >= l.max && !l.shedOldest("") {
		l.refuse(ip, "connection limit")
		return false
	}
	t := &trackedConn{c: c, ip: ip}
	t.at = l.waiting.PushBack(t)
	l.conns[c] = t
	l.byIP[ip]++
	l.accepted++
	return true
}

// shedOldest closes the connection of ip ("" for any) that has waited
// longest without a request, and says whether there was one.
func (l *connLimiter) shedOldest(ip string) bool {
	for e := l.waiting.Front(); e != nil; e = e.Next() {
		t := e.Value.(*trackedConn)
		if ip != "" && t.ip != ip {
			continue
		}
		l.forget(t)
		t.c.Close()
		l.shed++
		return true
	}
	return false
}

func (l *connLimiter) refuse(ip, why string) {
	l.refused++
	if now := time.Now(); now.Sub(l.lastLog) >= rejectLogEvery {
		l.lastLog = now
		l.log.Warn("refusing connections: every open connection is serving a request", "limit", why,
			"client", ip, "open", len(l.conns), "max", l.max, "max_per_client", l.perIP, "refused_so_far", l.refused)
	}
}

func (l *connLimiter) forget(t *trackedConn) {
	if t.at != nil {
		l.waiting.Remove(t.at)
		t.at = nil
	}
	delete(l.conns, t.c)
	if l.byIP[t.ip]--; l.byIP[t.ip] <= 0 {
		delete(l.byIP, t.ip)
	}
}

// connState is the http.Server's ConnState hook: it moves a connection
// out of the waiting list while it serves a request and back (to the end)
// when it goes idle, and forgets it once closed.
func (l *connLimiter) connState(c net.Conn, state http.ConnState) {
	l.mu.Lock()
	defer l.mu.Unlock()
	t, ok := l.conns[c]
	if !ok {
		return // shed already, or not admitted through the listener
	}
	switch state {
	case http.StateActive:
		if t.at != nil {
			l.waiting.Remove(t.at)
			t.at = nil
		}
	case http.StateIdle:
		if t.at == nil {
			t.at = l.waiting.PushBack(t)
		}
	case http.StateHijacked, http.StateClosed:
		l.forget(t)
	}
}

// connStats are the limiter's counts.
type connStats struct {
	Open, Accepted, Shed, Refused int
}

func (l *connLimiter) stats() connStats {
	l.mu.Lock()
	defer l.mu.Unlock()
	return connStats{Open: len(l.conns), Accepted: l.accepted, Shed: l.shed, Refused: l.refused}
}
