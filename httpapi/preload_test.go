package httpapi

import (
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/iq-search/iq/index"
	"github.com/iq-search/iq/pipeline"
)

// TestServePreloadCutShort: segment files cut short under a running
// server that preloads its index (Options.Preload) are logged by the
// preload, naming them, and found by the full check, which makes every
// request answer 503 index_damaged naming one; nothing crashes (a
// read of the missing pages would raise SIGBUS). A whole index preloads
// and logs how much it mapped. The deadline only catches a check that
// never ends.
func TestServePreloadCutShort(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("preloading does nothing elsewhere")
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	dir := filepath.Join(t.TempDir(), "index")
	s, err := pipeline.Open(ctx, pipeline.OpenOptions{IndexDir: dir, Embedded: true})
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	s, err = pipeline.Open(ctx, pipeline.OpenOptions{IndexDir: dir, Verify: index.VerifyQuick, Serving: true})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	m, err := index.ReadMeta(dir)
	if err != nil {
		t.Fatal(err)
	}
	// Every segment file cut short: the directory may hold one a merge
	// left, which the index does not read.
	gen := filepath.Join(dir, m.Generation)
	segs, _ := filepath.Glob(filepath.Join(gen, "shard-*", "store", "*.zap"))
	cut := 0
	for _, p := range segs {
		if st, err := os.Stat(p); err == nil && st.Size() > 2*int64(os.Getpagesize()) {
			if err := os.Truncate(p, int64(os.Getpagesize())); err != nil {
				t.Fatal(err)
			}
			cut++
		}
	}
	if cut == 0 {
		t.Fatalf("no segment file in %s to cut short: %q", gen, segs)
	}
	var log lockedBuffer
	get, checked, done := runChecked(t, ctx, s, slog.New(slog.NewTextHandler(&log, nil)))
	select {
	case err := <-checked:
		if err == nil || !strings.Contains(err.Error(), gen) || !strings.Contains(err.Error(), ".zap") {
			t.Fatalf("the full check while serving = %v; want the damage in a segment of %s", err, gen)
		}
	case <-time.After(time.Minute):
		t.Fatal("the full check did not end within a minute")
	}
	wantDamaged(t, get, gen, "/healthz", "/api/search?q=closures", "/api/dups")
	if l := log.String(); !strings.Contains(l, "preloading the index's search sections") || !strings.Contains(l, ".zap") {
		t.Errorf("server log %q; want the preload's error, naming a segment", l)
	}
	cancel()
	if err := <-done; err != nil {
		t.Errorf("Run = %v", err)
	}
}

// TestServePreload: a whole index is preloaded once the server listens,
// before the check, and the server logs how much it mapped.
func TestServePreload(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("preloading does nothing elsewhere")
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	dir := filepath.Join(t.TempDir(), "index")
	s, err := pipeline.Open(ctx, pipeline.OpenOptions{IndexDir: dir, Embedded: true, Verify: index.VerifyQuick, Serving: true})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var log lockedBuffer
	get, checked, done := runChecked(t, ctx, s, slog.New(slog.NewTextHandler(&log, nil)))
	select {
	case err := <-checked:
		if err != nil {
			t.Fatalf("the full check while serving = %v; want none", err)
		}
	case <-time.After(time.Minute):
		t.Fatal("the full check did not end within a minute")
	}
	if code, body := get("/api/search?q=closures"); code != 200 {
		t.Errorf("GET /api/search = %d %s; want 200", code, body)
	}
	if l := log.String(); !strings.Contains(l, "preloaded the index's search sections") || s.Index().PreloadedBytes() == 0 {
		t.Errorf("server log %q, PreloadedBytes() = %d; want the preload logged and its bytes kept", l, s.Index().PreloadedBytes())
	}
	cancel()
	if err := <-done; err != nil {
		t.Errorf("Run = %v", err)
	}
}
