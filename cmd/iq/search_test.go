package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/iq-search/iq/corpus"
	"github.com/iq-search/iq/index"
	"github.com/iq-search/iq/internal/apitest"
	"github.com/iq-search/iq/internal/corpustest"
	"github.com/iq-search/iq/pipeline"
	"github.com/iq-search/iq/query"
	"github.com/iq-search/iq/record"
)

// iq runs the CLI as main does, with empty stdin, and returns its exit
// code and output.
func iq(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	return iqIn(t, "", args...)
}

var shared struct {
	once sync.Once
	dir  string
}

// sharedIndex returns an index directory of the embedded corpus, built
// through `iq index` once for the package's tests that only read it.
func sharedIndex(t *testing.T) string {
	t.Helper()
	shared.once.Do(func() {
		d, err := os.MkdirTemp("", "iq-cmd-test-")
		if err != nil {
			t.Fatal(err)
		}
		shared.dir = filepath.Join(d, "index")
		if code, _, stderr := iq(t, "index", "--embedded", "--index", shared.dir); code != 0 {
			t.Fatalf("iq index: exit %d: %s", code, stderr)
		}
	})
	return shared.dir
}

func TestMain(m *testing.M) {
	code := m.Run()
	serveShared.Close()
	if shared.dir != "" {
		os.RemoveAll(filepath.Dir(shared.dir))
	}
	os.Exit(code)
}

const twiceAsked = corpustest.TwiceAsked

// A fresh user cache: search builds the default index by itself and lists
// the dependency-injection questions first, the twice-asked one's cluster
// of near-duplicates once.
func TestSearchFreshIndex(t *testing.T) {
	cache := t.TempDir()
	t.Setenv("IQ_INDEX", "")
	t.Setenv("XDG_CACHE_HOME", cache)
	t.Setenv("HOME", cache)
	t.Setenv("LocalAppData", cache)
	code, stdout, stderr := iq(t, "search", "dependency injection")
	if dir, err := index.CacheDir(); err != nil || !strings.HasPrefix(dir, cache) {
		t.Fatalf("index.CacheDir() = %s, %v; want it under %s", dir, err, cache)
	} else if _, err := os.Stat(filepath.Join(dir, "iq-current")); err != nil {
		t.Errorf("no index built in the default directory %s: %v", dir, err)
	}
	if code != 0 {
		t.Fatalf("iq search: exit %d, stderr %q", code, stderr)
	}
	if stderr != "" {
		t.Errorf("iq search off a terminal wrote to stderr: %q", stderr)
	}
	lines := strings.Split(strings.TrimSpace(stdout), "\n")
	if len(lines) < 3 {
		t.Fatalf("iq search printed %d lines:\n%s", len(lines), stdout)
	}
	for i, l := range lines {
		f := strings.Split(l, "\t")
		if len(f) != 5 {
			t.Fatalf("line %d %q has %d tab-separated fields; want 5 (id, level, topics, source, question)", i+1, l, len(f))
		}
		if i < 2 && !strings.Contains(strings.ToLower(f[4]), "dependency injection") && !strings.Contains(f[4], "Depends") {
			t.Errorf("hit %d = %q; want a dependency-injection question first", i+1, f[4])
		}
	}
	_, out, _ := iq(t, "show", record.QuestionID(twiceAsked), "--json")
	cluster := apitest.Decode[record.Record](t, []byte(out)).Cluster
	_, out, _ = iq(t, "search", "dependency injection", "--json")
	n := 0
	for _, h := range apitest.Decode[query.Result](t, []byte(out)).Hits {
		if h.Cluster == cluster {
			n++
		}
	}
	if cluster == "" || n != 1 {
		t.Errorf("the cluster %q of %q listed %d times; want once:\n%s", cluster, twiceAsked, n, stdout)
	}
}

func TestSearchBeginnerJSON(t *testing.T) {
	dir := sharedIndex(t)
	code, stdout, stderr := iq(t, "search", "dependency injection", "--level", "beginner", "--json", "--limit", "100", "--index", dir)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var res query.Result
	if err := json.Unmarshal([]byte(stdout), &res); err != nil {
		t.Fatalf("--json output is not a Result: %v\n%s", err, stdout)
	}
	if len(res.Hits) == 0 || int(res.Total) != len(res.Hits) {
		t.Fatalf("got %d hits of %d; want all hits on one page", len(res.Hits), res.Total)
	}
	if !strings.Contains(res.Hits[0].Question, "role of Depends") {
		t.Errorf("first hit = %q; want the question about the role of Depends", res.Hits[0].Question)
	}
	// Brute force: count the facet values over the records of the hits.
	recs, _, err := pipeline.LoadRecords(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	byID := map[string]record.Record{}
	for _, r := range recs {
		byID[r.ID] = r
	}
	want := map[string]map[string]int{"level": {}, "topic": {}, "tag": {}, "source": {}}
	for _, h := range res.Hits {
		r := byID[h.ID]
		if r.Level != record.LevelBeginner {
			t.Errorf("hit %q has level %q; want beginner", r.Question, r.Level)
		}
		want["level"][r.Level]++
		for _, v := range r.Topics {
			want["topic"][v]++
		}
		for _, v := range r.Tags {
			want["tag"][v]++
		}
		var files []string
		for _, s := range r.Sources {
			if !slices.Contains(files, s.File) {
				files = append(files, s.File)
				want["source"][s.File]++
			}
		}
	}
	for f, counts := range want {
		got := map[string]int{}
		for _, c := range res.Facets[f] {
			got[c.Value] = c.Count
		}
		if len(got) != len(counts) {
			t.Errorf("facet %s = %v; brute force %v", f, got, counts)
		}
		for v, n := range counts {
			if got[v] != n {
				t.Errorf("facet %s %q = %d; brute force %d", f, v, got[v], n)
			}
		}
	}
}

func TestSearchTypoAndCode(t *testing.T) {
	dir := sharedIndex(t)
	code, stdout, _ := iq(t, "search", "dependncy injecton", "--json", "--index", dir)
	var res query.Result
	if code != 0 || json.Unmarshal([]byte(stdout), &res) != nil {
		t.Fatalf("exit %d, output %s", code, stdout)
	}
	if !res.Fuzzy || res.UsedSpelling != "dependency injection" || len(res.Hits) == 0 {
		t.Errorf("iq search %q: fuzzy %v, used_spelling %q, %d hits; want true, %q, some", "dependncy injecton", res.Fuzzy, res.UsedSpelling, len(res.Hits), "dependency injection")
	}
	for _, q := range []string{"OAuth2PasswordBearer", "oauth2 password bearer"} {
		code, stdout, _ := iq(t, "search", q, "--limit", "5", "--index", dir)
		if code != 0 || !strings.Contains(stdout, "\tExplain how to handle authentication in FastAPI.\n") {
			t.Errorf("iq search %q: exit %d, top 5:\n%s\nwant the authentication answer that uses it", q, code, stdout)
		}
	}
}

// The CLI's JSON is the query package's JSON for the same request: what
// GET /api/search will print.
func TestSearchJSONIsResult(t *testing.T) {
	dir := sharedIndex(t)
	_, stdout, _ := iq(t, "search", "pydantic", "--topic", "fastapi", "--limit", "3", "--json", "--index", dir)
	s, err := pipeline.Open(context.Background(), pipeline.OpenOptions{IndexDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	res, err := s.Search(context.Background(), query.Request{Text: "pydantic", Filters: query.Filters{record.FieldTopic: {"fastapi"}}, Limit: 3})
	if err != nil {
		t.Fatal(err)
	}
	var cli query.Result
	if err := json.Unmarshal([]byte(stdout), &cli); err != nil {
		t.Fatal(err)
	}
	res.TookMS, cli.TookMS = 0, 0
	var a, b bytes.Buffer
	query.WriteJSON(&a, res)
	query.WriteJSON(&b, &cli)
	if a.String() != b.String() {
		t.Errorf("iq search --json differs from query.Search:\n%s\nvs\n%s", b.String(), a.String())
	}
}

// Usage errors: exit 2 and one line naming the allowed values.
func TestSearchBadInput(t *testing.T) {
	dir := sharedIndex(t)
	tests := []struct {
		args   []string
		code   int
		stderr string
	}{
		{[]string{"search", "x", "--level", "expert"}, 2, "iq: query: unknown level \"expert\", want one of beginner, intermediate, advanced\nRun 'iq search --help' for usage.\n"},
		{[]string{"search", "x", "--limit", "-1"}, 2, "iq: search: limit -1 is out of range, want 0 (all) or more\nRun 'iq search --help' for usage.\n"},
		{[]string{"search", "x", "--offset", "-3"}, 2, "iq: query: offset -3 is out of range, want 0 to 10000\nRun 'iq search --help' for usage.\n"},
		{[]string{"search", "level:expert closures"}, 2, "iq: query: unknown level \"expert\", want one of beginner, intermediate, advanced\nRun 'iq search --help' for usage.\n"},
		{[]string{"search", strings.Repeat("x", 10000)}, 2, "iq: query: text is 10000 characters, want at most 1000\nRun 'iq search --help' for usage.\n"},
		{[]string{"search"}, 2, "iq: search: give a QUERY or a filter (--level, --topic, --tag, --lang, --source)\nRun 'iq search --help' for usage.\n"},
		{[]string{"search", "x", "--sort", "date"}, 2, "iq: query: unknown sort \"date\", want one of relevance, level, source\nRun 'iq search --help' for usage.\n"},
		{[]string{"search", "x", "-n", "ten"}, 2, "iq: invalid argument \"ten\" for \"-n, --limit\" flag: strconv.ParseInt: parsing \"ten\": invalid syntax\nRun 'iq search --help' for usage.\n"},
		{[]string{"search", "?!...;"}, 1, ""},
		{[]string{"search", "zzzzqqqq"}, 1, ""},
		{[]string{"show", "nosuchid"}, 1, "iq: query: no question with id \"nosuchid\"\n"},
	}
	for _, tt := range tests {
		code, stdout, stderr := iq(t, append(tt.args, "--index", dir)...)
		if code != tt.code || stderr != tt.stderr {
			t.Errorf("iq %.40q = exit %d, stderr %q; want %d, %q", tt.args, code, stderr, tt.code, tt.stderr)
		}
		if tt.code == 1 && stdout != "" {
			t.Errorf("iq %q printed %q; want nothing (no match: exit 1, as grep)", tt.args, stdout)
		}
	}
}

// A named directory is never filled or replaced by a search: damaged, it
// is reported with the command that repairs it; a user's folder is
// refused; nothing in either is touched.
func TestSearchDamagedIndexDir(t *testing.T) {
	corrupt := t.TempDir()
	if err := os.WriteFile(filepath.Join(corrupt, "iq-index.json"), []byte("{garbage"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr := iq(t, "search", "pydantic", "--index", corrupt)
	if code != 1 || stdout != "" || !strings.Contains(stderr, corrupt) || !strings.Contains(stderr, "iq index --repair --index "+corrupt) {
		t.Errorf("search over a damaged index: exit %d, stdout %q, stderr %q; want exit 1 naming %s and iq index --repair", code, stdout, stderr, corrupt)
	}
	if b, err := os.ReadFile(filepath.Join(corrupt, "iq-index.json")); err != nil || string(b) != "{garbage" {
		t.Errorf("search changed the damaged index: %q, %v", b, err)
	}
	notIndex := t.TempDir()
	if err := os.WriteFile(filepath.Join(notIndex, "notes.txt"), []byte("mine"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, stderr = iq(t, "search", "pydantic", "--index", notIndex)
	if code != 1 || !strings.Contains(stderr, notIndex) || strings.Count(stderr, "\n") != 1 {
		t.Errorf("search over a user's folder: exit %d, stderr %q; want exit 1 and one line naming %s", code, stderr, notIndex)
	}
	if entries, _ := os.ReadDir(notIndex); len(entries) != 1 {
		t.Errorf("search wrote into a user's folder: %d entries", len(entries))
	}
}

func TestShowStatsIndex(t *testing.T) {
	dir := sharedIndex(t)
	_, stdout, _ := iq(t, "search", twiceAsked, "--limit", "1", "--index", dir)
	id, _, _ := strings.Cut(stdout, "\t")
	code, stdout, stderr := iq(t, "show", id, "--index", dir)
	if code != 0 {
		t.Fatalf("iq show %s: exit %d %s", id, code, stderr)
	}
	for _, want := range []string{twiceAsked, "Answer 1 of 2 · fastapi-24-questions-blog.txt:", "Answer 2 of 2 · fastapi-24-questions-blog.txt:", "Dependency injection is a key concept"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("iq show %s lacks %q:\n%s", id, want, stdout)
		}
	}

	recs, _, err := pipeline.LoadRecords(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	_, stdout, _ = iq(t, "stats", "--index", dir)
	if want := "total\t\t" + itoa(len(recs)) + "\n"; !strings.HasPrefix(stdout, want) {
		t.Errorf("iq stats starts %q; want %q", stdout[:min(len(stdout), 40)], want)
	}

	src := filepath.Join(t.TempDir(), "mine.txt")
	os.WriteFile(src, []byte("My questions\n\n1. What is a monad, in plain words?\n\nA monoid in the category of endofunctors.\n"), 0o644)
	own := filepath.Join(t.TempDir(), "own")
	code, stdout, stderr = iq(t, "index", src, "--index", own)
	if code != 0 || !strings.HasPrefix(stdout, "indexed 1 questions from 1 path(s) into "+own) {
		t.Fatalf("iq index %s: exit %d, stdout %q, stderr %q", src, code, stdout, stderr)
	}
	if _, stdout, _ = iq(t, "search", "monad", "--index", own); !strings.Contains(stdout, "What is a monad, in plain words?") {
		t.Errorf("search of an index built from a file: %q", stdout)
	}
}

func itoa(n int) string { return strconv.Itoa(n) }

func TestCompletion(t *testing.T) {
	code, stdout, _ := iq(t, "completion", "bash")
	if code != 0 || !strings.Contains(stdout, "bash completion") {
		t.Errorf("iq completion bash: exit %d, %d bytes", code, len(stdout))
	}
	code, stdout, _ = iq(t, "__complete", "search", "--level", "")
	if code != 0 || !strings.Contains(stdout, "beginner\nintermediate\nadvanced\n") {
		t.Errorf("completing --level: exit %d, %q", code, stdout)
	}
}

// The first searches a new user types find questions in the embedded
// corpus (issue 13: they answered "No questions match" when it held only
// FastAPI questions), and iq stats says what the corpus holds.
func TestEmbeddedCorpusAnswers(t *testing.T) {
	dir := sharedIndex(t)
	for q, want := range map[string]string{"closures": "closure", "react hooks": "hook", "bias variance": "bias"} {
		code, out, stderr := iq(t, "search", q, "--index", dir, "-n", "3")
		first, _, _ := strings.Cut(out, "\n")
		if f := strings.Split(first, "\t"); code != 0 || len(f) != 5 || !strings.Contains(strings.ToLower(f[4]), want) {
			t.Errorf("iq search %q: exit %d, first hit %q (%s); want a question about %s", q, code, first, stderr, want)
		}
	}
	_, out, _ := iq(t, "stats", "--index", dir)
	for _, c := range corpus.Collections() {
		if !strings.Contains(out, "corpus\t"+c.Repo+"\t"+c.License+"\n") {
			t.Errorf("iq stats lacks the collection %s (%s):\n%.400s", c.Repo, c.License, out)
		}
	}
}
