package index

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/iq-search/iq/index/synth"
	"github.com/iq-search/iq/internal/disktest"
	"github.com/iq-search/iq/record"
)

// buildFP builds recs into dir with fingerprint fp.
func buildFP(t testing.TB, dir string, recs []record.Record, fp string) {
	t.Helper()
	if err := Build(context.Background(), dir, recs, BuildOptions{Fingerprint: fp}); err != nil {
		t.Fatalf("Build(%s, %s) error = %v", dir, fp, err)
	}
}

// openFP opens dir and returns its fingerprint and record count.
func openFP(t testing.TB, dir string) (string, int, error) {
	t.Helper()
	ix, err := Open(dir)
	if err != nil {
		return "", 0, err
	}
	defer ix.Close()
	n, err := ix.Count()
	return ix.Meta().Fingerprint, int(n), err
}

// generations lists the generation directories in dir.
func generations(t testing.TB, dir string) []string {
	t.Helper()
	var gens []string
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), genPrefix) {
			gens = append(gens, e.Name())
		}
	}
	return gens
}

func currentGen(t testing.TB, dir string) string {
	t.Helper()
	p, err := readPointer(dir)
	if err != nil {
		t.Fatal(err)
	}
	return filepath.Join(dir, p.Generation)
}

func TestBuildCancel(t *testing.T) {
	recs := loadCorpus(t)
	parent := t.TempDir()
	dir := filepath.Join(parent, "index")

	cancelled := func(t *testing.T) error {
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		return Build(ctx, dir, recs, BuildOptions{Fingerprint: "new", BatchSize: 4, Progress: func(done, total int) {
			if done >= 8 {
				cancel()
			}
		}})
	}
	t.Run("no index before", func(t *testing.T) {
		if err := cancelled(t); !errors.Is(err, context.Canceled) {
			t.Fatalf("Build(cancelled) error = %v; want context.Canceled", err)
		}
		if _, _, err := openFP(t, dir); !errors.Is(err, ErrNotExist) {
			t.Errorf("Open after a cancelled first Build error = %v; want ErrNotExist", err)
		}
		if g := generations(t, dir); len(g) != 0 {
			t.Errorf("after a cancelled Build, %v left in %s", g, dir)
		}
	})
	t.Run("old index stays", func(t *testing.T) {
		buildFP(t, dir, recs[:5], "old")
		if err := cancelled(t); !errors.Is(err, context.Canceled) {
			t.Fatalf("Build(cancelled) error = %v; want context.Canceled", err)
		}
		fp, n, err := openFP(t, dir)
		if err != nil || fp != "old" || n != 5 {
			t.Errorf("Open after cancelled Build = %s, %d, %v; want the old index (fingerprint old, 5 records)", fp, n, err)
		}
		if g := generations(t, dir); len(g) != 1 {
			t.Errorf("after a cancelled Build, generations %v; want the old one only", g)
		}
	})
	entries, _ := os.ReadDir(parent)
	if len(entries) != 1 {
		t.Errorf("Build left %d entries beside the index in %s; want none", len(entries)-1, parent)
	}
}

func TestBuildRefusesForeignDir(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "thesis.tex"), []byte("precious"), 0o644); err != nil {
		t.Fatal(err)
	}
	err := Build(context.Background(), dir, loadCorpus(t)[:3], BuildOptions{})
	if !errors.Is(err, ErrNotIndex) {
		t.Fatalf("Build(dir with user files) error = %v; want ErrNotIndex", err)
	}
	if b, err := os.ReadFile(filepath.Join(dir, "thesis.tex")); err != nil || string(b) != "precious" {
		t.Errorf("user file after Build = %q, %v; want it untouched", b, err)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Errorf("Build wrote into a user's folder: %d entries", len(entries))
	}
}

// Generations: the current and the previous are kept, older ones removed;
// nothing iq did not create and mark is touched, inside the index
// directory or beside it (issue 16.2).
func TestGenerations(t *testing.T) {
	recs := loadCorpus(t)[:4]
	parent := t.TempDir()
	dir := filepath.Join(parent, "data")
	// What a user may keep beside or inside: names like iq's, not iq's.
	theirs := []string{
		filepath.Join(parent, "data.old-2023", "photos", "a.jpg"),
		filepath.Join(parent, "data.tmp-1", "notes.txt"),
		filepath.Join(dir, "gen-000000", "mine.txt"), // looks like a generation, no marker
	}
	for _, f := range theirs[:2] {
		os.MkdirAll(filepath.Dir(f), 0o755)
		os.WriteFile(f, []byte("theirs"), 0o644)
		old := time.Now().Add(-48 * time.Hour)
		os.Chtimes(filepath.Dir(f), old, old)
		os.Chtimes(filepath.Dir(filepath.Dir(f)), old, old)
	}
	for i := range 4 {
		buildFP(t, dir, recs[:i+1], fmt.Sprint("b", i))
		if i == 0 {
			os.MkdirAll(filepath.Dir(theirs[2]), 0o755)
			os.WriteFile(theirs[2], []byte("theirs"), 0o644)
		}
	}
	if fp, n, err := openFP(t, dir); err != nil || fp != "b3" || n != 4 {
		t.Fatalf("Open after 4 builds = %s, %d, %v; want b3 with 4 records", fp, n, err)
	}
	if got, want := generations(t, dir), []string{"gen-000000", "gen-000003", "gen-000004"}; !slices.Equal(got, want) {
		t.Errorf("generations after 4 builds = %v; want %v (current, previous and the unmarked one)", got, want)
	}
	p, _ := readPointer(dir)
	if p.Generation != "gen-000004" || p.Previous != "gen-000003" {
		t.Errorf("pointer = %+v; want gen-000004 after gen-000003", p)
	}
	for _, f := range theirs {
		if b, err := os.ReadFile(f); err != nil || string(b) != "theirs" {
			t.Errorf("%s after builds = %q, %v; want it untouched", f, b, err)
		}
	}
}

// An index in the layout before generations is reported as another
// version, its metadata still readable (to rebuild it from), and replaced
// by the first build.
func TestLegacyLayout(t *testing.T) {
	recs := loadCorpus(t)[:3]
	dir := filepath.Join(t.TempDir(), "index")
	makeLegacy(t, dir, recs, "sources:abc")
	if _, err := Open(dir); !errors.Is(err, ErrVersionMismatch) {
		t.Fatalf("Open(legacy) error = %v; want ErrVersionMismatch", err)
	}
	m, err := ReadMeta(dir)
	if err != nil || m.Format != 0 || m.Fingerprint != "sources:abc" {
		t.Fatalf("ReadMeta(legacy) = %+v, %v; want format 0, fingerprint sources:abc", m, err)
	}
	buildFP(t, dir, recs, "new")
	if fp, n, err := openFP(t, dir); err != nil || fp != "new" || n != 3 {
		t.Fatalf("Open after replacing legacy = %s, %d, %v", fp, n, err)
	}
	entries, _ := os.ReadDir(dir)
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	if want := []string{"gen-000001", pointerFile, lockFile}; !slices.Equal(names, want) {
		t.Errorf("after replacing a legacy index, %s holds %v; want %v", dir, names, want)
	}
}

// makeLegacy writes an index in the layout before generations: what iq
// built before issue 16 (shards and metadata at the top).
func makeLegacy(t testing.TB, dir string, recs []record.Record, fp string) {
	t.Helper()
	tmp := filepath.Join(t.TempDir(), "new")
	buildFP(t, tmp, recs, fp)
	g := currentGen(t, tmp)
	os.MkdirAll(dir, 0o755)
	if err := os.Rename(filepath.Join(g, "shard-0"), filepath.Join(dir, "shard-0")); err != nil {
		t.Fatal(err)
	}
	m, err := ReadMeta(tmp)
	if err != nil {
		t.Fatal(err)
	}
	b := fmt.Appendf(nil, `{"iq_version":%q,"mapping_version":%d,"mapping_hash":%q,"fingerprint":%q,"records":%d,"shards":1}`,
		"v0.0.1", m.MappingVersion, m.MappingHash, fp, m.Records)
	if err := os.WriteFile(filepath.Join(dir, metaFile), b, 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestOpenErrors(t *testing.T) {
	recs := loadCorpus(t)[:3]
	good := func(t *testing.T) string {
		dir := filepath.Join(t.TempDir(), "index")
		buildFP(t, dir, recs, "good")
		return dir
	}
	write := func(t *testing.T, path, content string) {
		t.Helper()
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	tests := []struct {
		name  string
		setup func(t *testing.T) string
		want  error
	}{
		{"missing", func(t *testing.T) string { return filepath.Join(t.TempDir(), "nope") }, ErrNotExist},
		{"empty", func(t *testing.T) string { return t.TempDir() }, ErrNotExist},
		{"a file", func(t *testing.T) string {
			p := filepath.Join(t.TempDir(), "f")
			write(t, p, "x")
			return p
		}, ErrNotIndex},
		{"user files", func(t *testing.T) string {
			d := t.TempDir()
			write(t, filepath.Join(d, "index_meta.json"), "{not json")
			return d
		}, ErrNotIndex},
		{"bad pointer", func(t *testing.T) string {
			d := good(t)
			write(t, filepath.Join(d, pointerFile), "{")
			return d
		}, ErrCorrupt},
		{"pointer to nothing", func(t *testing.T) string {
			d := good(t)
			p, _ := readPointer(d)
			p.Generation = "gen-000042"
			os.Remove(filepath.Join(d, pointerFile))
			if err := writePointer(d, p); err != nil {
				t.Fatal(err)
			}
			return d
		}, ErrCorrupt},
		{"bad meta", func(t *testing.T) string {
			d := good(t)
			write(t, filepath.Join(currentGen(t, d), metaFile), "{")
			return d
		}, ErrCorrupt},
		{"garbage shard", func(t *testing.T) string {
			d := good(t)
			write(t, filepath.Join(currentGen(t, d), "shard-0", "store", "root.bolt"), strings.Repeat("\x00garbage", 1000))
			return d
		}, ErrCorrupt},
		{"truncated segment", func(t *testing.T) string {
			d := good(t)
			segs, _ := filepath.Glob(filepath.Join(currentGen(t, d), "shard-0", "store", "*.zap"))
			if len(segs) == 0 {
				t.Fatal("no segment files")
			}
			for _, s := range segs {
				os.Truncate(s, 10)
			}
			return d
		}, ErrCorrupt},
		{"missing shard", func(t *testing.T) string {
			d := good(t)
			setMeta(t, d, func(m *Meta) { m.Shards = 2 })
			return d
		}, ErrCorrupt},
		{"wrong count", func(t *testing.T) string {
			d := good(t)
			setMeta(t, d, func(m *Meta) { m.Records = 99 })
			return d
		}, ErrCorrupt},
		{"old mapping", func(t *testing.T) string {
			d := good(t)
			setMeta(t, d, func(m *Meta) { m.MappingVersion = MappingVersion - 1 })
			return d
		}, ErrVersionMismatch},
		{"other mapping", func(t *testing.T) string {
			d := good(t)
			setMeta(t, d, func(m *Meta) { m.MappingHash = "0123456789abcdef" })
			return d
		}, ErrVersionMismatch},
		{"other iq", func(t *testing.T) string {
			d := good(t)
			setMeta(t, d, func(m *Meta) { m.IQVersion = "v0.0.1" })
			return d
		}, ErrVersionMismatch},
		{"other format", func(t *testing.T) string {
			d := good(t)
			setMeta(t, d, func(m *Meta) { m.Format = Format + 1 })
			return d
		}, ErrVersionMismatch},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := tt.setup(t)
			ix, err := Open(dir)
			if err == nil {
				ix.Close()
			}
			if !errors.Is(err, tt.want) {
				t.Fatalf("Open(%s) error = %v; want %v", tt.name, err, tt.want)
			}
			if !strings.Contains(err.Error(), dir) {
				t.Errorf("Open error %q does not name the directory %s", err, dir)
			}
		})
	}
}

// setMeta rewrites the current generation's metadata and the pointer's
// checksum of it, as a build by another iq would have.
func setMeta(t *testing.T, dir string, edit func(*Meta)) {
	t.Helper()
	g := currentGen(t, dir)
	dm, err := readGenMetaUnchecked(g)
	if err != nil {
		t.Fatal(err)
	}
	edit(&dm.Meta)
	os.Remove(filepath.Join(g, metaFile))
	w := &Writer{dir: dir}
	if err := w.finishMeta(g, dm); err != nil {
		t.Fatal(err)
	}
}

// An index of mapping 4 (the question and answer stored twice, before issue
// 15's store1) is refused on open with the versions named, and a build
// over it writes a generation of its own that opens: nothing of the old
// one is read (pipeline's refresh builds in full when Open fails).
func TestMapping4Refused(t *testing.T) {
	recs := loadCorpus(t)[:4]
	dir := filepath.Join(t.TempDir(), "index")
	buildFP(t, dir, recs, "old")
	// What iq's builds of mapping 4 wrote: its version and hash.
	setMeta(t, dir, func(m *Meta) { m.MappingVersion, m.MappingHash = 4, "02777957cf246375" })
	_, err := Open(dir)
	want := fmt.Sprintf("open index %s: index built by another iq version: built by iq %s (format %d, mapping 4, 02777957cf246375), this is iq %s (format %d, mapping %d, %s)",
		dir, Version(), Format, Version(), Format, MappingVersion, MappingHash())
	if !errors.Is(err, ErrVersionMismatch) || err.Error() != want {
		t.Fatalf("Open(index of mapping 4) error = %v; want %s", err, want)
	}
	old := currentGen(t, dir)
	buildFP(t, dir, recs, "new")
	if currentGen(t, dir) == old {
		t.Fatalf("Build over an index of mapping 4 kept its generation %s", old)
	}
	ix, err := Open(dir)
	if err != nil {
		t.Fatalf("Open after the build: %v", err)
	}
	defer ix.Close()
	if m := ix.Meta(); m.MappingVersion != MappingVersion || m.MappingHash != MappingHash() || m.Records != len(recs) {
		t.Errorf("after the build: mapping %d (%s), %d records; want %d (%s), %d", m.MappingVersion, m.MappingHash, m.Records, MappingVersion, MappingHash(), len(recs))
	}
}

// Readers opening and searching the index while it is rebuilt again and
// again never fail and never see it empty.
func TestOpenDuringBuilds(t *testing.T) {
	recs := loadCorpus(t)
	dir := filepath.Join(t.TempDir(), "index")
	buildFP(t, dir, recs, "0")
	const builds = 6
	r := disktest.ReadWhile(2, func(int, int) error {
		_, n, err := openFP(t, dir)
		if err == nil && n == 0 {
			err = errors.New("an empty index")
		}
		return err
	}, func() {
		for i := range builds {
			buildFP(t, dir, recs[:len(recs)-i], fmt.Sprint(i+1))
		}
	})
	if r.Failed > 0 {
		t.Errorf("%d of %d opens during %d builds failed; first: %v", r.Failed, r.N, builds, r.First)
	}
	t.Logf("%d opens and counts during %d builds, %d failed", r.N, builds, r.Failed)
}

// Crash injection: a build in a child process exits on the spot at each
// named point (IQ_TEST_CRASH_AT), over an empty directory, over an index,
// and over the layout before generations. After every crash the old or the
// new index opens, complete, and the next build succeeds and tidies up.
func TestCrashInjection(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a child process per crash point")
	}
	exe, err := os.Executable()
	if err != nil {
		t.Skip(err)
	}
	oldRecs, newRecs := synth.Generate(20, 1), synth.Generate(30, 2)
	child := func(t *testing.T, dir, step string, update bool) {
		cmd := exec.Command(exe, "-test.run=^TestCrashChild$")
		cmd.Env = append(os.Environ(), "IQ_TEST_CRASH_AT="+step, "IQ_TEST_CHILD_DIR="+dir)
		if update {
			cmd.Env = append(cmd.Env, "IQ_TEST_CHILD_UPDATE=1")
		}
		out, err := cmd.CombinedOutput()
		var ee *exec.ExitError
		if !errors.As(err, &ee) || ee.ExitCode() != crashExit {
			t.Fatalf("child build with IQ_TEST_CRASH_AT=%s: %v; want exit %d at that point\n%s", step, err, crashExit, out)
		}
	}
	setups := map[string]func(t *testing.T, dir string){
		"empty":    func(t *testing.T, dir string) {},
		"existing": func(t *testing.T, dir string) { buildFP(t, dir, oldRecs, "old") },
		"two old": func(t *testing.T, dir string) {
			buildFP(t, dir, oldRecs[:10], "older")
			buildFP(t, dir, oldRecs, "old")
		},
		"legacy": func(t *testing.T, dir string) { makeLegacy(t, dir, oldRecs, "old") },
	}
	type crashCase struct {
		setup, step string
		update      bool // Writer.Update instead of Build
	}
	var cases []crashCase
	for _, step := range crashPoints {
		switch step {
		case "shards-linked":
			cases = append(cases, crashCase{"existing", step, true})
		case "removing-old":
			cases = append(cases, crashCase{"two old", step, false}, crashCase{"two old", step, true})
		case "removing-legacy":
			cases = append(cases, crashCase{"legacy", step, false})
		default:
			cases = append(cases, crashCase{"existing", step, false})
		}
	}
	for _, step := range []string{"generation-created", "meta-written", "pointer-written", "pointer-renamed"} {
		cases = append(cases, crashCase{"empty", step, false}, crashCase{"legacy", step, false})
	}
	for _, step := range []string{"shards-built", "checksummed", "pointer-written", "pointer-renamed", "published"} {
		cases = append(cases, crashCase{"existing", step, true})
	}
	var crashes, complete atomic.Int64
	t.Cleanup(func() {
		t.Logf("%d injected crashes, %d left a complete index (old or new)", crashes.Load(), complete.Load())
	})
	for _, c := range cases {
		setup, step := c.setup, c.step
		name := setup + "/" + step
		if c.update {
			name = "update/" + name
		}
		t.Run(name, func(t *testing.T) {
			t.Parallel() // each in its own directory; the child waits on I/O
			dir := filepath.Join(t.TempDir(), "index")
			setups[setup](t, dir)
			child(t, dir, step, c.update)
			crashes.Add(1)
			fp, n, err := openFP(t, dir)
			switch {
			case err == nil && fp == "new" && n == len(newRecs) && !c.update:
			case err == nil && fp == "new" && n == len(oldRecs)-5+len(newRecs) && c.update:
			case err == nil && fp == "old" && n == len(oldRecs) && setup != "legacy":
			case errors.Is(err, ErrNotExist) && setup == "empty":
			case errors.Is(err, ErrVersionMismatch) && setup == "legacy":
				if m, err := ReadMeta(dir); err != nil || m.Fingerprint != "old" {
					t.Errorf("legacy index after a crash at %s: ReadMeta = %+v, %v", step, m, err)
				}
			default:
				t.Fatalf("after a crash at %s over %s: Open = %q, %d records, %v; want the old or the new index, complete", step, setup, fp, n, err)
			}
			complete.Add(1)
			buildFP(t, dir, newRecs[:25], "next")
			if fp, n, err := openFP(t, dir); err != nil || fp != "next" || n != 25 {
				t.Fatalf("build after a crash at %s: Open = %s, %d, %v", step, fp, n, err)
			}
			if g := generations(t, dir); len(g) > 2 {
				t.Errorf("after a crash at %s and a build, generations %v; want at most 2", step, g)
			}
		})
	}
}

// TestCrashChild is the child process of TestCrashInjection.
func TestCrashChild(t *testing.T) {
	dir := os.Getenv("IQ_TEST_CHILD_DIR")
	if dir == "" {
		t.Skip("run by TestCrashInjection")
	}
	if os.Getenv("IQ_TEST_CHILD_UPDATE") == "" {
		buildFP(t, dir, synth.Generate(30, 2), "new")
		return
	}
	// Update the old index: 5 of its records out, 30 new ones in.
	base, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer base.Close()
	w, err := Lock(context.Background(), dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	var gone []string
	for _, r := range synth.Generate(20, 1)[:5] {
		gone = append(gone, r.ID)
	}
	if err := w.Update(context.Background(), base, synth.Generate(30, 2), gone, BuildOptions{Fingerprint: "new"}); err != nil {
		t.Fatal(err)
	}
}

// Damage: over many seeds, flip bits in, zero a 4 KiB page of, or cut
// short one file of the index (the pointer, the metadata, every file of
// the generation). Open must detect every change (ErrCorrupt, naming the
// file) and never panic; with the checksums skipped, Bleve itself must
// never crash a search.
func TestDamage(t *testing.T) {
	recs := loadCorpus(t)
	master := filepath.Join(t.TempDir(), "master")
	buildFP(t, master, recs, "master")
	var files []string
	filepath.WalkDir(master, func(p string, d os.DirEntry, err error) error {
		if err == nil && d.Type().IsRegular() && d.Name() != lockFile {
			rel, _ := filepath.Rel(master, p)
			files = append(files, rel)
		}
		return nil
	})
	if len(files) < 5 {
		t.Fatalf("index files %v; want pointer, metadata, marker, Bleve files", files)
	}
	seeds := 300
	if testing.Short() {
		seeds = 60
	}
	var damaged, detected, unchecked, uncheckedErr, uncheckedSame, caught int
	for seed := range seeds {
		rng := rand.New(rand.NewPCG(uint64(seed), 7))
		dir := filepath.Join(t.TempDir(), "index")
		if err := disktest.CopyDir(master, dir); err != nil {
			t.Fatal(err)
		}
		rel := files[rng.IntN(len(files))]
		kind, changed, err := disktest.Damage(filepath.Join(dir, rel), rng, disktest.FlipBits, disktest.ZeroPage, disktest.Cut)
		if err != nil {
			t.Fatal(err)
		}
		if !changed {
			continue
		}
		damaged++
		ix, err := Open(dir)
		if err == nil {
			ix.Close()
			t.Errorf("seed %d: %s of %s: Open succeeded; want the damage detected", seed, kind, rel)
			continue
		}
		if !errors.Is(err, ErrCorrupt) || !strings.Contains(err.Error(), dir) {
			t.Errorf("seed %d: %s of %s: Open error %v; want ErrCorrupt naming the directory", seed, kind, rel, err)
			continue
		}
		detected++
		// The same damage with the checksums skipped: Bleve reads it.
		if !strings.HasPrefix(rel, genPrefix) || filepath.Base(rel) == metaFile {
			continue
		}
		p, err := readPointer(dir)
		if err != nil {
			continue
		}
		unchecked++
		ix, err = openGeneration(dir, p, verifyNone)
		if err != nil {
			uncheckedErr++
			continue
		}
		same := true
		for _, q := range []string{"dependency injection", "pydantic model", "async", "oauth2 token", "middleware"} {
			_, err := ix.searchTree(context.Background(), textTree(t, ix, q), SearchOptions{Size: 10, Facets: map[string]int{record.FieldLevel: 5}})
			if err != nil {
				same = false
				if strings.Contains(err.Error(), "panic:") {
					caught++
				}
			}
		}
		if err := ix.Records(context.Background(), func(record.Record) error { return nil }); err != nil {
			same = false
			if strings.Contains(err.Error(), "panic:") {
				caught++
			}
		}
		// What scorch reads in goroutines of its own, where a panic
		// would end the test binary: term dictionaries (prefix, fuzzy,
		// all terms) and the ID dictionary (a record by ID).
		var errs []error
		_, err = ix.TermsWithPrefix(record.FieldQuestion, "de")
		errs = append(errs, err)
		errs = append(errs, ix.FuzzyTerms("injecton", 1, []string{record.FieldQuestion, record.FieldAnswer}, func(string) {}))
		_, err = ix.Terms(record.FieldAnswer)
		errs = append(errs, err)
		for _, r := range recs[:min(len(recs), 20)] {
			_, _, err = ix.Record(r.ID)
			errs = append(errs, err)
		}
		for _, err := range errs {
			if err != nil {
				same = false
				if strings.Contains(err.Error(), "panic:") {
					caught++
				}
			}
		}
		if same {
			uncheckedSame++
		}
		ix.Close()
	}
	t.Logf("%d seeds, %d damaged a file, %d detected on open; with checksums skipped, %d damaged Bleve files: %d failed to open, %d failed a search, the record walk, a dictionary read or an ID lookup (%d panics caught), %d read without error",
		seeds, damaged, detected, unchecked, uncheckedErr, unchecked-uncheckedErr-uncheckedSame, caught, uncheckedSame)
}

// An index of several shards is read whole on open at any size: Bleve
// searches its shards in its own goroutines, where iq cannot recover a
// panic on damaged bytes (issue 16). One shard keeps VerifyAuto, and an
// explicit level is kept.
func TestShardsVerification(t *testing.T) {
	tests := []struct {
		v      Verification
		shards int
		want   Verification
	}{
		{VerifyAuto, 1, VerifyAuto},
		{VerifyAuto, 2, VerifyFull},
		{VerifyAuto, 8, VerifyFull},
		{VerifyQuick, 4, VerifyQuick},
		{VerifyFull, 1, VerifyFull},
		{verifyNone, 4, verifyNone},
	}
	for _, tt := range tests {
		if got := shardsVerification(tt.v, tt.shards); got != tt.want {
			t.Errorf("shardsVerification(%d, %d) = %d; want %d", tt.v, tt.shards, got, tt.want)
		}
	}
}
