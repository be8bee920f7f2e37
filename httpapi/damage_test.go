package httpapi

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/iq-search/iq/index"
	"github.com/iq-search/iq/internal/apitest"
	"github.com/iq-search/iq/pipeline"
	"github.com/iq-search/iq/query"
)

// lockedBuffer is a log both the server and the test touch.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// damagedLarge builds an index of the embedded corpus and flips a bit in
// the middle of its largest file, where the quick check does not read; it
// returns the directory and that file.
func damagedLarge(t *testing.T, ctx context.Context) (dir, largest string) {
	t.Helper()
	return damagedFile(t, ctx, "")
}

// damagedFile is damagedLarge for the file of the generation called name
// ("": the largest), which must be past the quick check's two ends.
func damagedFile(t *testing.T, ctx context.Context, name string) (dir, largest string) {
	t.Helper()
	dir = filepath.Join(t.TempDir(), "index")
	s, err := pipeline.Open(ctx, pipeline.OpenOptions{IndexDir: dir, Embedded: true})
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	m, err := index.ReadMeta(dir)
	if err != nil {
		t.Fatal(err)
	}
	var size int64
	filepath.WalkDir(filepath.Join(dir, m.Generation), func(path string, d os.DirEntry, err error) error {
		if err == nil && d.Type().IsRegular() {
			if st, err := d.Info(); err == nil && st.Size() > size && (name == "" || d.Name() == name) {
				largest, size = path, st.Size()
			}
		}
		return nil
	})
	if size <= 2*64<<10 {
		t.Fatalf("largest file %s is %d bytes; want one the quick check reads only the ends of", largest, size)
	}
	b, err := os.ReadFile(largest)
	if err != nil {
		t.Fatal(err)
	}
	b[len(b)/2] ^= 0x10
	if err := os.WriteFile(largest, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return dir, largest
}

// TestServeDamagedLargeFile: a server opened with the quick check (as iq
// serve opens an index above index.FullVerifyLimit) on an index whose
// largest file is damaged in the middle, where the quick check does not
// read, finds it with the full check it runs while serving: it says so on
// its log naming the file, and from then on answers /healthz and the API
// 503 index_damaged naming the file, never 200 from that index. The
// deadline only catches a check that never ends.
func TestServeDamagedLargeFile(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	dir, largest := damagedLarge(t, ctx)
	s, err := pipeline.Open(ctx, pipeline.OpenOptions{IndexDir: dir, Verify: index.VerifyQuick, Serving: true})
	if err != nil {
		t.Fatalf("quick open of an index damaged in the middle of %s: %v", largest, err)
	}
	defer s.Close()
	var log lockedBuffer
	get, checked, done := runChecked(t, ctx, s, slog.New(slog.NewTextHandler(&log, nil)))
	select {
	case err := <-checked:
		if err == nil || !strings.Contains(err.Error(), largest) {
			t.Fatalf("the full check while serving = %v; want the damage in %s", err, largest)
		}
	case <-time.After(time.Minute):
		t.Fatal("the full check did not end within a minute")
	}
	// The damage is recorded before Checked is called.
	wantDamaged(t, get, largest, "/healthz", "/api/search?q=closures", "/api/similar?q=closures", "/api/dups", "/")
	if l := log.String(); !strings.Contains(l, "index damaged") || !strings.Contains(l, largest) {
		t.Errorf("server log %q; want the damage, naming %s", l, largest)
	}
	cancel()
	if err := <-done; err != nil {
		t.Errorf("Run = %v", err)
	}
}

// TestServeDamagedFeatures: the stored duplicate features are used before
// the check while serving reads them (index.Index.VerifyLater); damaged in
// the middle, similar and dups answer 200 or 503 meanwhile (a damaged
// record reads as one without features), never 500, and once the check
// reaches them, which it does first, every request answers 503
// index_damaged naming the file.
func TestServeDamagedFeatures(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	dir, features := damagedFile(t, ctx, query.FeaturesAttachment)
	s, err := pipeline.Open(ctx, pipeline.OpenOptions{IndexDir: dir, Verify: index.VerifyQuick, Serving: true})
	if err != nil {
		t.Fatalf("quick open of an index damaged in the middle of %s: %v", features, err)
	}
	defer s.Close()
	get, checked, done := runChecked(t, ctx, s, slog.New(slog.DiscardHandler))
	paths := []string{"/api/similar?q=closures", "/api/dups", "/api/similar?q=what+is+a+goroutine"}
	var result error
	for i := 0; result == nil; i++ {
		select {
		case result = <-checked:
			if result == nil || !strings.Contains(result.Error(), features) {
				t.Fatalf("the full check while serving = %v; want the damage in %s", result, features)
			}
			t.Logf("%d requests answered before the check ended", i)
			continue
		case <-time.After(time.Minute):
			t.Fatal("the full check did not end within a minute")
		default:
		}
		if code, body := get(paths[i%len(paths)]); code != http.StatusOK && code != http.StatusServiceUnavailable {
			t.Fatalf("GET %s before the check ended = %d %s; want 200 or 503", paths[i%len(paths)], code, body)
		}
	}
	wantDamaged(t, get, features, append(paths, "/healthz")...)
	cancel()
	if err := <-done; err != nil {
		t.Errorf("Run = %v", err)
	}
}

// TestSwapDamaged: a new version of the index damaged where the quick
// check does not read (as Follow opens it) is read whole before it is
// swapped in, found damaged, logged naming the file and never served: the
// server keeps answering from the one before.
func TestSwapDamaged(t *testing.T) {
	ctx := context.Background()
	good := sharedSearcher(t)
	dir, largest := damagedLarge(t, ctx)
	bad, err := pipeline.Open(ctx, pipeline.OpenOptions{IndexDir: dir, Verify: index.VerifyQuick, Serving: true})
	if err != nil {
		t.Fatalf("quick open of an index damaged in the middle of %s: %v", largest, err)
	}
	var log lockedBuffer
	srv := New(good, Options{Logger: slog.New(slog.NewTextHandler(&log, nil))})
	srv.Swap(ctx, bad) // closes bad
	if srv.searcher() != good {
		t.Fatal("a damaged new version was swapped in")
	}
	if l := log.String(); !strings.Contains(l, "damaged, still serving the one before") || !strings.Contains(l, largest) {
		t.Errorf("server log %q; want the damage, naming %s", l, largest)
	}
	if w := apitest.Get(srv.Handler(), "GET", "/healthz"); w.Code != http.StatusOK {
		t.Errorf("/healthz after refusing a damaged version = %d %s; want 200", w.Code, w.Body)
	}
}

// runChecked serves s on a local port through Run, as iq serve does, and
// returns a GET of a path (its status and body), the outcome of the full
// check while serving, and Run's return.
func runChecked(t *testing.T, ctx context.Context, s *query.Searcher, logger *slog.Logger) (get func(path string) (int, string), checked, done chan error) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	checked, done = make(chan error, 1), make(chan error, 1)
	go func() {
		// Preload as iq serve does: a damaged file must not crash it either.
		done <- Run(ctx, s, ln, Options{Logger: logger, Checked: func(err error) { checked <- err }, Preload: true})
	}()
	get = func(path string) (int, string) {
		resp, err := http.Get("http://" + ln.Addr().String() + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(body)
	}
	return get, checked, done
}

// wantDamaged checks that every path answers 503 index_damaged naming file.
func wantDamaged(t *testing.T, get func(path string) (int, string), file string, paths ...string) {
	t.Helper()
	for _, path := range paths {
		code, body := get(path)
		var e errorBody
		if code != http.StatusServiceUnavailable || json.Unmarshal([]byte(body), &e) != nil || e.Error == nil ||
			e.Error.Code != codeIndexDamaged || !strings.Contains(e.Error.Message, file) {
			t.Errorf("GET %s after the check = %d %s; want 503 index_damaged naming %s", path, code, body, file)
		}
	}
}

// TestCheckYieldsToRequests: the check while serving waits before each
// piece while a request is being answered or has just ended, until the
// server is quiet, or at most yieldAtMost (a server never idle still
// finishes its check), and stops when the server does.
func TestCheckYieldsToRequests(t *testing.T) {
	srv := &Server{}
	ctx := context.Background()
	if err := srv.yieldToRequests(ctx); err != nil {
		t.Fatalf("idle server: yieldToRequests = %v; want nil", err)
	}
	srv.busy.Add(1)
	if err := srv.yieldToRequests(ctx); err != nil {
		t.Fatalf("a request that never ends: yieldToRequests = %v; want nil after yieldAtMost", err)
	}
	done := make(chan error, 1)
	release := make(chan struct{})
	go func() {
		<-release
		srv.lastDone.Store(time.Now().UnixNano())
		srv.busy.Add(-1)
	}()
	go func() { done <- srv.yieldToRequests(ctx) }()
	close(release)
	if err := <-done; err != nil {
		t.Fatalf("a request that ends: yieldToRequests = %v; want nil", err)
	}
	srv.busy.Add(1)
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	if err := srv.yieldToRequests(cancelled); err != context.Canceled {
		t.Fatalf("server stopping: yieldToRequests = %v; want context.Canceled", err)
	}
}
