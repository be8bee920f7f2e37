package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/iq-search/iq/internal/benchkit"
)

// The index lifecycle as a user meets it (issues 13.1, 16.1): a user's
// index survives `iq index` with no path, a new iq version and a mistyped
// --index; each unusual step is said on stderr with what to run.
func TestIndexLifecycleCLI(t *testing.T) {
	t.Setenv("IQ_INDEX", "")
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
	t.Setenv("IQ_TEST_VERSION", "v1.0.0")
	src := filepath.Join(t.TempDir(), "notes")
	os.MkdirAll(src, 0o755)
	os.WriteFile(filepath.Join(src, "go.md"), []byte("# Go\n\n## What is a goroutine?\n\nA function running concurrently.\n"), 0o644)
	dir := filepath.Join(t.TempDir(), "mine")

	if code, stdout, stderr := iq(t, "index", src, "--index", dir); code != 0 || !strings.HasPrefix(stdout, "indexed 1 questions from 1 path(s) into "+dir) {
		t.Fatalf("iq index %s: exit %d, %q, %q", src, code, stdout, stderr)
	}
	os.WriteFile(filepath.Join(src, "sql.md"), []byte("# SQL\n\n## What is a primary key?\n\nA column that identifies rows.\n"), 0o644)
	if code, stdout, stderr := iq(t, "index", "--index", dir); code != 0 || !strings.HasPrefix(stdout, "refreshed "+dir+" in ") ||
		!strings.Contains(stdout, ": 1 files re-read, 1 unchanged, 0 gone; 1 questions written, 0 deleted, 2 in all") {
		t.Fatalf("iq index (refresh): exit %d, %q, %q; want sql.md read, go.md reused, 2 questions in all", code, stdout, stderr)
	}
	if code, stdout, _ := iq(t, "index", "--index", dir); code != 0 || stdout != dir+" is up to date: 2 questions from 1 path(s), no file changed\n" {
		t.Errorf("iq index with nothing changed: exit %d, %q", code, stdout)
	}

	t.Setenv("IQ_TEST_VERSION", "v2.0.0")
	code, stdout, stderr := iq(t, "search", "primary key", "--index", dir)
	if code != 0 || !strings.Contains(stdout, "What is a primary key?") {
		t.Fatalf("search after a version change: exit %d, %q, %q", code, stdout, stderr)
	}
	if want := "iq: index " + dir + " was built by iq v1.0.0; rebuilding it from its sources (" + src + ")\n"; stderr != want {
		t.Errorf("search after a version change said %q; want %q", stderr, want)
	}

	typo := dir + "e"
	code, stdout, stderr = iq(t, "search", "goroutine", "--index", typo)
	if want := "iq: no index at " + typo + "\niq: to fix it, run: iq index PATH... --index " + typo + "   (your files and folders of questions)\n"; code != 1 || stdout != "" || stderr != want {
		t.Errorf("search --index %s: exit %d, %q, stderr %q; want exit 1 and %q", typo, code, stdout, stderr, want)
	}
	if code, _, stderr = iq(t, "index", "--index", typo); code != 1 || !strings.Contains(stderr, "no index at "+typo+" to refresh") {
		t.Errorf("iq index --index %s: exit %d, %q; want an error, nothing built", typo, code, stderr)
	}
	if _, err := os.Stat(typo); !os.IsNotExist(err) {
		t.Errorf("a mistyped --index created %s", typo)
	}

	if code, stdout, stderr = iq(t, "index", "--check", "--index", dir); code != 0 || !strings.Contains(stdout, "is intact: 2 questions") {
		t.Errorf("iq index --check: exit %d, %q, %q", code, stdout, stderr)
	}
	if code, _, stderr = iq(t, "index", src, "--repair", "--index", dir); code != 2 {
		t.Errorf("iq index PATH --repair: exit %d, %q; want a usage error", code, stderr)
	}
}

func TestVersion(t *testing.T) {
	code, stdout, stderr := iq(t, "--version")
	if code != 0 || !strings.HasPrefix(stdout, "iq ") || !strings.Contains(stdout, "go1.") || stderr != "" {
		t.Errorf("iq --version: exit %d, %q, %q; want one line naming iq's and Go's versions", code, stdout, stderr)
	}
}

// $IQ_INDEX names the index of every command when --index does not; the
// command reads it (knobs.go), package pipeline reads no environment.
func TestIndexEnv(t *testing.T) {
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
	src := filepath.Join(t.TempDir(), "notes")
	os.MkdirAll(src, 0o755)
	os.WriteFile(filepath.Join(src, "go.md"), []byte("# Go\n\n## What is a goroutine?\n\nA function running concurrently.\n"), 0o644)
	dir := filepath.Join(t.TempDir(), "mine")
	t.Setenv("IQ_INDEX", dir)
	if code, stdout, stderr := iq(t, "index", src); code != 0 || !strings.HasPrefix(stdout, "indexed 1 questions from 1 path(s) into "+dir) {
		t.Fatalf("IQ_INDEX=%s iq index %s: exit %d, %q, %q", dir, src, code, stdout, stderr)
	}
	if code, stdout, stderr := iq(t, "search", "goroutine"); code != 0 || !strings.Contains(stdout, "What is a goroutine?") {
		t.Errorf("IQ_INDEX=%s iq search goroutine: exit %d, %q, %q", dir, code, stdout, stderr)
	}
	other := filepath.Join(t.TempDir(), "other")
	if code, _, stderr := iq(t, "search", "goroutine", "--index", other); code != 1 || !strings.Contains(stderr, "no index at "+other) {
		t.Errorf("IQ_INDEX=%s iq search --index %s: exit %d, %q; want --index to win", dir, other, code, stderr)
	}
}

// The benchmarks build with the collector's target iq index builds with.
func TestBuildGCPercent(t *testing.T) {
	if buildGCPercent != benchkit.BuildGCPercent {
		t.Errorf("buildGCPercent = %d, benchkit.BuildGCPercent = %d; want them equal", buildGCPercent, benchkit.BuildGCPercent)
	}
	if buildMemoryLimit != benchkit.BuildMemoryLimit {
		t.Errorf("buildMemoryLimit = %d, benchkit.BuildMemoryLimit = %d; want them equal", buildMemoryLimit, benchkit.BuildMemoryLimit)
	}
	if buildReleaseEvery != benchkit.BuildReleaseEvery {
		t.Errorf("buildReleaseEvery = %v, benchkit.BuildReleaseEvery = %v; want them equal", buildReleaseEvery, benchkit.BuildReleaseEvery)
	}
}
