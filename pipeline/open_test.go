package pipeline

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/iq-search/iq/index"
	"github.com/iq-search/iq/internal/disktest"
	"github.com/iq-search/iq/query"
)

func mustSearch(t *testing.T, s *query.Searcher, req query.Request) *query.Result {
	t.Helper()
	res, err := s.Search(context.Background(), req)
	if err != nil {
		t.Fatalf("Search(%+v): %v", req, err)
	}
	return res
}

// isolate points the default index directory into a temporary cache, away
// from the user's, and returns the default index directory.
func isolate(t *testing.T) string {
	t.Helper()
	cache := t.TempDir()
	// The package reads no environment (cmd/iq passes $IQ_INDEX as
	// IndexDir): a value here must change nothing.
	t.Setenv("IQ_INDEX", filepath.Join(cache, "not-this-one"))
	t.Setenv("XDG_CACHE_HOME", cache)
	t.Setenv("HOME", cache)
	t.Setenv("LocalAppData", cache)
	t.Setenv("IQ_TEST_VERSION", "")
	dir, named, err := Dir("")
	if err != nil || named || !strings.HasPrefix(dir, cache) {
		t.Fatalf("Dir(\"\") = %s, %v, %v; want the default under %s", dir, named, err, cache)
	}
	return dir
}

// notes writes a folder of the user's questions and returns it.
func notes(t *testing.T) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "notes")
	write(t, filepath.Join(dir, "go.md"), "# Go questions\n\n## What is a goroutine?\n\nA function running concurrently with others, scheduled by the Go runtime.\n\n## What does a closure capture?\n\nThe variables of its enclosing function, by reference.\n")
	write(t, filepath.Join(dir, "sql.txt"), "SQL questions\n\n1. What is a primary key?\n\nA column whose values identify the rows of a table.\n")
	return dir
}

func write(t *testing.T, path, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

// tree lists every file under dir with its content, to show that nothing
// was written there.
func tree(t *testing.T, dir string) map[string]string {
	t.Helper()
	m := map[string]string{}
	filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			b, _ := os.ReadFile(p)
			m[p] = string(b)
		}
		return nil
	})
	return m
}

func hits(t *testing.T, s *query.Searcher, text string) []string {
	t.Helper()
	var qs []string
	for _, h := range mustSearch(t, s, query.Request{Text: text, Limit: 20}).Hits {
		qs = append(qs, h.Question)
	}
	return qs
}

// openSearch opens the index with opts and searches it for text.
func openSearch(t *testing.T, opts OpenOptions, text string) ([]string, error) {
	t.Helper()
	s, err := Open(context.Background(), opts)
	if err != nil {
		return nil, err
	}
	defer s.Close()
	return hits(t, s, text), nil
}

func generation(t *testing.T, dir string) string {
	t.Helper()
	m, err := index.ReadMeta(dir)
	if err != nil {
		t.Fatalf("ReadMeta(%s): %v", dir, err)
	}
	return m.Generation
}

// The default index directory is built from the embedded corpus when it is
// missing, and opened as it is afterwards.
func TestOpenDefaultBuildsEmbedded(t *testing.T) {
	dir := isolate(t)
	got, err := openSearch(t, OpenOptions{}, "dependency injection")
	if err != nil || len(got) == 0 {
		t.Fatalf("Open(default, missing) = %v, %v; want the embedded corpus built and found", got, err)
	}
	m, err := index.ReadMeta(dir)
	if o, known := originOf(m); err != nil || !known || !o.Embedded {
		t.Fatalf("default index origin = %+v (%v); want embedded", m.Origin, err)
	}
	gen := generation(t, dir)
	if _, err := openSearch(t, OpenOptions{}, "pydantic"); err != nil || generation(t, dir) != gen {
		t.Errorf("second Open rebuilt the index (%s → %s, %v)", gen, generation(t, dir), err)
	}
}

// A named directory with no index is an error saying how to build one,
// and nothing is created there.
func TestOpenNamedMissing(t *testing.T) {
	isolate(t)
	dir := filepath.Join(t.TempDir(), "my-idnex")
	for _, opts := range []OpenOptions{{IndexDir: dir}} {
		_, err := Open(context.Background(), opts)
		var pe *Error
		if !errors.As(err, &pe) || !errors.Is(err, index.ErrNotExist) || pe.Dir != dir || !strings.Contains(pe.Fix, "iq index PATH... --index "+dir) {
			t.Errorf("Open(%+v) error = %v (%+v); want *Error naming %s with the command that builds it", opts, err, pe, dir)
		}
		if _, err := os.Stat(dir); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("Open(%+v) created %s: %v", opts, dir, err)
		}
	}
}

// A user's index is never replaced by the embedded corpus: not by a
// refresh with no path, not by a version change, not by a mistyped
// --index; a version change rebuilds it from its own sources, saying so.
func TestUserIndexSurvives(t *testing.T) {
	defaultDir := isolate(t)
	src := notes(t)
	before := tree(t, src)
	// The user's index in the default directory, and in a named one.
	for _, dir := range []string{"", filepath.Join(t.TempDir(), "mine")} {
		name := dir
		if name == "" {
			name = "default"
		}
		t.Run(name, func(t *testing.T) {
			t.Setenv("IQ_TEST_VERSION", "v1.0.0")
			ctx := context.Background()
			if _, err := Build(ctx, OpenOptions{IndexDir: dir, Sources: []string{src}}); err != nil {
				t.Fatal(err)
			}
			want := "What is a goroutine?"
			check := func(step string, opts OpenOptions) {
				t.Helper()
				opts.IndexDir = dir
				got, err := openSearch(t, opts, "goroutine")
				if err != nil || len(got) == 0 || got[0] != want {
					t.Fatalf("after %s: search = %q, %v; want %q first", step, got, err, want)
				}
				if fastapi, _ := openSearch(t, opts, "fastapi"); len(fastapi) > 0 {
					t.Fatalf("after %s: the embedded corpus is in the user's index: %q", step, fastapi)
				}
			}
			check("build", OpenOptions{})

			// iq index with no path: the remembered sources, re-read.
			write(t, filepath.Join(src, "go.md"), "# Go\n\n## What is a goroutine?\n\nA lightweight thread.\n\n## What is a channel in Go?\n\nA typed conduit between goroutines.\n")
			rep, err := Build(ctx, OpenOptions{IndexDir: dir})
			if err != nil || rep.Origin.Embedded || len(rep.Origin.Sources) != 1 || rep.Origin.Sources[0].Name != src {
				t.Fatalf("Build(no path) = %+v, %v; want a refresh from %s", rep, err, src)
			}
			check("refresh", OpenOptions{})
			if got, _ := openSearch(t, OpenOptions{IndexDir: dir}, "channel"); len(got) != 1 {
				t.Errorf("refresh did not pick up the edited file: channel → %q", got)
			}

			// A new iq version: rebuilt from the sources, said on Notify.
			t.Setenv("IQ_TEST_VERSION", "v2.0.0")
			var said []string
			check("version change", OpenOptions{Notify: func(m string) { said = append(said, m) }})
			if len(said) != 1 || !strings.Contains(said[0], "built by iq v1.0.0; rebuilding it from its sources ("+src) {
				t.Errorf("version change said %q; want one notice of the rebuild from %s", said, src)
			}
			if m, _ := index.ReadMeta(dirOr(dir, defaultDir)); m.IQVersion != "v2.0.0" {
				t.Errorf("after the version change the index was built by %s; want v2.0.0", m.IQVersion)
			}

			// A mistyped --index: an error, the index untouched.
			gen := generation(t, dirOr(dir, defaultDir))
			typo := dirOr(dir, defaultDir) + "x"
			if _, err := Open(ctx, OpenOptions{IndexDir: typo}); !errors.Is(err, index.ErrNotExist) {
				t.Errorf("Open(typo) error = %v; want ErrNotExist", err)
			}
			if _, err := Build(ctx, OpenOptions{IndexDir: typo}); !errors.Is(err, index.ErrNotExist) {
				t.Errorf("Build(typo, no path) error = %v; want ErrNotExist", err)
			}
			if g := generation(t, dirOr(dir, defaultDir)); g != gen {
				t.Errorf("the index changed from %s to %s", gen, g)
			}
			check("typo", OpenOptions{})
		})
		write(t, filepath.Join(src, "go.md"), before[filepath.Join(src, "go.md")])
	}
	if after := tree(t, src); len(after) != len(before) {
		t.Errorf("files in the source folder: %d before, %d after", len(before), len(after))
	}
}

func dirOr(dir, def string) string {
	if dir == "" {
		return def
	}
	return dir
}

// When the sources are gone, a version change is a clear error and the
// index stays as it was.
func TestVersionChangeSourcesGone(t *testing.T) {
	isolate(t)
	src := notes(t)
	dir := filepath.Join(t.TempDir(), "index")
	t.Setenv("IQ_TEST_VERSION", "v1.0.0")
	if _, err := Build(context.Background(), OpenOptions{IndexDir: dir, Sources: []string{src}}); err != nil {
		t.Fatal(err)
	}
	gen := generation(t, dir)
	os.RemoveAll(src)
	t.Setenv("IQ_TEST_VERSION", "v2.0.0")
	_, err := Open(context.Background(), OpenOptions{IndexDir: dir})
	var pe *Error
	if !errors.As(err, &pe) || !strings.Contains(err.Error(), "source "+src+" is gone") {
		t.Fatalf("Open after a version change with the sources gone: %v; want an *Error naming %s", err, src)
	}
	if g := generation(t, dir); g != gen {
		t.Errorf("the index changed from %s to %s", gen, g)
	}
	if _, err := Build(context.Background(), OpenOptions{IndexDir: dir}); err == nil || !strings.Contains(err.Error(), "is gone") {
		t.Errorf("Build(refresh) with the sources gone: %v; want an error naming the missing source", err)
	}
}

// A damaged user index is reported with the command that repairs it and
// left as it is; iq index --repair rebuilds it from its sources, or, with
// the sources gone, restores the previous generation. A damaged index of
// the embedded corpus is rebuilt, saying so.
func TestDamagedIndex(t *testing.T) {
	defaultDir := isolate(t)
	ctx := context.Background()
	src := notes(t)
	dir := filepath.Join(t.TempDir(), "index")
	// Two generations built in full (Repair): a refresh would share the
	// unchanged segment files with the generation before, and damage to
	// a shared file is damage to both.
	for _, repair := range []bool{false, true} {
		if _, err := Build(ctx, OpenOptions{IndexDir: dir, Sources: []string{src}, Repair: repair}); err != nil {
			t.Fatal(err)
		}
	}
	spoil := func(dir string) string {
		t.Helper()
		segs, _ := filepath.Glob(filepath.Join(dir, generation(t, dir), "shard-0", "store", "*.zap"))
		if len(segs) == 0 {
			t.Fatal("no segments")
		}
		b, _ := os.ReadFile(segs[0])
		b[len(b)/2] ^= 0x40
		os.WriteFile(segs[0], b, 0o644)
		return segs[0]
	}
	seg := spoil(dir)
	gen := generation(t, dir)
	_, err := Open(ctx, OpenOptions{IndexDir: dir})
	var pe *Error
	if !errors.As(err, &pe) || !errors.Is(err, index.ErrCorrupt) || !strings.Contains(err.Error(), seg) || pe.Fix != "iq index --repair --index "+dir {
		t.Fatalf("Open(damaged) error = %v (%+v); want ErrCorrupt naming %s, fix iq index --repair", err, pe, seg)
	}
	if generation(t, dir) != gen {
		t.Fatal("Open replaced a damaged user index")
	}
	if _, err := Check(ctx, OpenOptions{IndexDir: dir}); !errors.Is(err, index.ErrCorrupt) {
		t.Errorf("Check(damaged) = %v; want ErrCorrupt", err)
	}
	rep, err := Build(ctx, OpenOptions{IndexDir: dir, Repair: true})
	if err != nil || rep.Restored != "" || len(rep.Origin.Sources) != 1 {
		t.Fatalf("Build(repair) = %+v, %v; want a rebuild from the sources", rep, err)
	}
	if got, err := openSearch(t, OpenOptions{IndexDir: dir}, "goroutine"); err != nil || len(got) != 1 {
		t.Fatalf("after repair: %q, %v", got, err)
	}

	// Damaged, sources gone: the previous generation comes back.
	if _, err := Build(ctx, OpenOptions{IndexDir: dir, Repair: true}); err != nil {
		t.Fatal(err)
	}
	prev := generation(t, dir)
	spoil(dir)
	os.RemoveAll(src)
	if _, err := Build(ctx, OpenOptions{IndexDir: dir}); err == nil {
		t.Fatal("Build(refresh) with the sources gone succeeded")
	}
	rep, err = Build(ctx, OpenOptions{IndexDir: dir, Repair: true})
	if err != nil || rep.Restored == "" || rep.Restored == prev {
		t.Fatalf("Build(repair, sources gone) = %+v, %v; want an earlier generation restored", rep, err)
	}
	if got, err := openSearch(t, OpenOptions{IndexDir: dir}, "goroutine"); err != nil || len(got) != 1 {
		t.Fatalf("after restoring %s: %q, %v", rep.Restored, got, err)
	}
	if _, err := Check(ctx, OpenOptions{IndexDir: dir}); err != nil {
		t.Errorf("Check after restoring: %v", err)
	}

	// The embedded corpus in the default directory: rebuilt, said.
	if _, err := openSearch(t, OpenOptions{}, "pydantic"); err != nil {
		t.Fatal(err)
	}
	spoil(defaultDir)
	var said []string
	got, err := openSearch(t, OpenOptions{Notify: func(m string) { said = append(said, m) }}, "pydantic")
	if err != nil || len(got) == 0 || len(said) != 1 || !strings.Contains(said[0], "is damaged") {
		t.Errorf("Open(damaged default) = %d hits, %v, said %q; want it rebuilt from the embedded corpus, saying so", len(got), err, said)
	}
}

// An index of the layout before generations: the embedded corpus in the
// default directory is rebuilt; a user's, which did not record its
// sources, is an error saying how to index them again.
func TestLegacyIndex(t *testing.T) {
	defaultDir := isolate(t)
	legacy := func(dir, fp string) {
		write(t, filepath.Join(dir, "iq-index.json"), `{"iq_version":"v0.1.0","mapping_version":1,"fingerprint":"`+fp+`","records":3,"shards":1}`)
		write(t, filepath.Join(dir, "shard-0", "index_meta.json"), `{"storage":"zap","index_type":"scorch"}`)
	}
	legacy(defaultDir, strings.Repeat("ab", 32)+"+clusters1")
	if got, err := openSearch(t, OpenOptions{}, "pydantic"); err != nil || len(got) == 0 {
		t.Fatalf("Open(legacy embedded) = %v, %v; want it rebuilt", got, err)
	}
	if _, err := os.Stat(filepath.Join(defaultDir, "shard-0")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("legacy shard left after the rebuild: %v", err)
	}
	dir := filepath.Join(t.TempDir(), "mine")
	legacy(dir, "sources:0123")
	_, err := Open(context.Background(), OpenOptions{IndexDir: dir})
	var pe *Error
	if !errors.As(err, &pe) || !strings.Contains(err.Error(), "did not record its sources") || !strings.HasPrefix(pe.Fix, "iq index PATH... --index "+dir) {
		t.Errorf("Open(legacy user index) = %v (%+v); want an error saying to index the sources again", err, pe)
	}
	if _, err := os.Stat(filepath.Join(dir, "shard-0", "index_meta.json")); err != nil {
		t.Errorf("legacy user index touched: %v", err)
	}
}

// iq index refuses an index directory inside a source folder: nothing is
// written among the user's files.
func TestBuildIndexInsideSources(t *testing.T) {
	isolate(t)
	src := notes(t)
	before := tree(t, src)
	_, err := Build(context.Background(), OpenOptions{IndexDir: filepath.Join(src, "idx"), Sources: []string{src}})
	if err == nil || !strings.Contains(err.Error(), "inside the source folder") {
		t.Errorf("Build(index inside sources) = %v; want refused", err)
	}
	if after := tree(t, src); len(after) != len(before) {
		t.Errorf("Build wrote into the source folder: %d files, had %d", len(after), len(before))
	}
	if _, err := os.Stat(filepath.Join(src, "idx")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("Build created %s", filepath.Join(src, "idx"))
	}
}

// Searches during repeated rebuilds never fail and never come back empty.
func TestSearchWhileReindexing(t *testing.T) {
	isolate(t)
	ctx := context.Background()
	src := notes(t)
	dir := filepath.Join(t.TempDir(), "index")
	if _, err := Build(ctx, OpenOptions{IndexDir: dir, Sources: []string{src}}); err != nil {
		t.Fatal(err)
	}
	const builds = 6
	r := disktest.ReadWhile(2, func(int, int) error {
		s, err := Open(ctx, OpenOptions{IndexDir: dir})
		if err != nil {
			return err
		}
		defer s.Close()
		res, err := s.Search(ctx, query.Request{Text: "primary key"})
		if err == nil && len(res.Hits) == 0 {
			err = errors.New("no hits")
		}
		return err
	}, func() {
		for i := range builds {
			// A changed file each time, so that each refresh makes a new
			// generation; every other one rebuilt in full.
			write(t, filepath.Join(src, "extra.md"), fmt.Sprintf("# More\n\n## What is question number %d?\n\nAn answer.\n", i))
			if _, err := Build(ctx, OpenOptions{IndexDir: dir, Repair: i%2 == 1}); err != nil {
				t.Fatal(err)
			}
		}
	})
	if r.Failed > 0 {
		t.Errorf("%d of %d searches during %d rebuilds failed or found nothing; first: %v", r.Failed, r.N, builds, r.First)
	}
	t.Logf("%d searches during %d rebuilds, %d failed or empty", r.N, builds, r.Failed)
}

// TestBuiltBy: a notice about an index of another version names the iq
// that built it, and when that is this iq's own version, the index format
// and mapping with its hash (never "built by iq X" told to iq X, even when
// only the mapping's hash differs).
func TestBuiltBy(t *testing.T) {
	for _, tc := range []struct {
		m    index.Meta
		want string
	}{
		{index.Meta{IQVersion: "v0.9.0", Format: index.Format, MappingVersion: index.MappingVersion}, "iq v0.9.0"},
		{index.Meta{IQVersion: index.Version(), Format: index.Format, MappingVersion: index.MappingVersion - 1, MappingHash: "02777957cf246375"},
			fmt.Sprintf("iq %s with index format %d and mapping %d, hash 02777957cf246375 (this iq writes format %d, mapping %d, hash %s)",
				index.Version(), index.Format, index.MappingVersion-1, index.Format, index.MappingVersion, index.MappingHash())},
		// The mapping changed without its version bumped: only the hash
		// differs.
		{index.Meta{IQVersion: index.Version(), Format: index.Format, MappingVersion: index.MappingVersion, MappingHash: "0123456789abcdef"},
			fmt.Sprintf("iq %s with index format %d and mapping %d, hash 0123456789abcdef (this iq writes format %d, mapping %d, hash %s)",
				index.Version(), index.Format, index.MappingVersion, index.Format, index.MappingVersion, index.MappingHash())},
	} {
		if got := builtBy(tc.m); got != tc.want {
			t.Errorf("builtBy(%+v) = %q; want %q", tc.m, got, tc.want)
		}
	}
}
