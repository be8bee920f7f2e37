package main

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/iq-search/iq/query"
)

// iqIn runs the CLI with stdin.
func iqIn(t *testing.T, stdin string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code = run(context.Background(), args, strings.NewReader(stdin), &out, &errOut)
	return code, out.String(), errOut.String()
}

func lines(s string) []string {
	s = strings.TrimRight(s, "\n")
	if s == "" {
		return nil
	}
	return strings.Split(s, "\n")
}

func jsonResult(t *testing.T, stdout string) query.Result {
	t.Helper()
	var res query.Result
	if err := json.Unmarshal([]byte(stdout), &res); err != nil {
		t.Fatalf("not a Result: %v\n%s", err, stdout)
	}
	return res
}

// Piped without -n, iq search prints every hit; -n 0 does the same on any
// output; -n N prints N, past the API's page of 100 too; the default JSON
// stays one page, the bytes of GET /api/search.
func TestSearchEveryHit(t *testing.T) {
	dir := sharedIndex(t)
	_, stdout, _ := iq(t, "search", "fastapi", "--index", dir, "--json", "-n", "0")
	all := jsonResult(t, stdout)
	if all.Limit != 0 || len(all.Hits) <= query.DefaultLimit || int(all.Total) < len(all.Hits) {
		t.Fatalf("iq search fastapi -n 0 --json: limit %d, %d hits of %d; want limit 0 and more than a page", all.Limit, len(all.Hits), all.Total)
	}
	code, stdout, _ := iq(t, "search", "fastapi", "--index", dir)
	got := lines(stdout)
	if code != 0 || len(got) != len(all.Hits) {
		t.Fatalf("iq search fastapi | …: exit %d, %d lines; want all %d hits", code, len(got), len(all.Hits))
	}
	for i, l := range got {
		if id, _, _ := strings.Cut(l, "\t"); id != all.Hits[i].ID {
			t.Fatalf("line %d is %s; -n 0 --json has %s there", i+1, id, all.Hits[i].ID)
		}
	}
	if _, stdout, _ := iq(t, "search", "fastapi", "--index", dir, "-n", "7"); len(lines(stdout)) != 7 {
		t.Errorf("iq search -n 7 printed %d lines; want 7", len(lines(stdout)))
	}
	// More than a page: the first N of the stream, with the header of the
	// search.
	_, stdout, _ = iq(t, "search", "fastapi", "--index", dir, "-j", "-n", "150", "--all")
	many := jsonResult(t, stdout)
	if len(many.Hits) != min(150, int(many.Total)) || many.Limit != 150 || many.Total == 0 {
		t.Errorf("iq search -n 150 --all --json: %d hits of %d, limit %d; want min(150, total)", len(many.Hits), many.Total, many.Limit)
	}
	_, stdout, _ = iq(t, "search", "fastapi", "--index", dir, "-j")
	if page := jsonResult(t, stdout); len(page.Hits) != query.DefaultLimit || page.Limit != query.DefaultLimit {
		t.Errorf("iq search --json without -n: %d hits, limit %d; want the API's page of %d", len(page.Hits), page.Limit, query.DefaultLimit)
	}
}

// Browsing without a query lists questions in file and line order; --sort
// changes the order of a text search.
func TestSearchSort(t *testing.T) {
	dir := sharedIndex(t)
	type src struct {
		file string
		line int
	}
	sources := func(stdout string) []src {
		var out []src
		for _, l := range lines(stdout) {
			f := strings.Split(l, "\t")
			file, line, _ := strings.Cut(f[3], ":")
			n, _ := strconv.Atoi(line)
			out = append(out, src{file, n})
		}
		return out
	}
	bySource := func(a, b src) int { return cmp.Or(cmp.Compare(a.file, b.file), cmp.Compare(a.line, b.line)) }
	code, stdout, _ := iq(t, "search", "-t", "fastapi", "--index", dir)
	if s := sources(stdout); code != 0 || len(s) < 20 || !slices.IsSortedFunc(s, bySource) {
		t.Errorf("iq search -t fastapi: exit %d, %d hits, in source order %v; want file and line order", code, len(s), slices.IsSortedFunc(s, bySource))
	}
	_, stdout, _ = iq(t, "search", "pydantic", "--sort", "source", "--index", dir)
	if s := sources(stdout); len(s) < 3 || !slices.IsSortedFunc(s, bySource) {
		t.Errorf("iq search pydantic --sort source: not in source order: %v", s)
	}
	_, stdout, _ = iq(t, "search", "pydantic", "--sort", "level", "--index", dir)
	rank := map[string]int{"beginner": 0, "intermediate": 1, "advanced": 2, "": 3}
	var levels []int
	for _, l := range lines(stdout) {
		levels = append(levels, rank[strings.Split(l, "\t")[1]])
	}
	if !slices.IsSorted(levels) || len(levels) < 3 {
		t.Errorf("iq search pydantic --sort level: levels in order %v; want sorted", levels)
	}
}

// A lone "-" reads the query, the question or the ids from stdin.
func TestStdin(t *testing.T) {
	dir := sharedIndex(t)
	_, want, _ := iq(t, "search", "dependency injection", "-n", "3", "--index", dir)
	code, got, stderr := iqIn(t, "dependency\ninjection\n", "search", "-", "-n", "3", "--index", dir)
	if code != 0 || got != want {
		t.Errorf("echo dependency injection | iq search -: exit %d (%s)\n%s\nwant\n%s", code, stderr, got, want)
	}
	// The lines iq search prints go straight into iq show -.
	code, shown, stderr := iqIn(t, want, "show", "-", "--index", dir)
	if code != 0 || strings.Count(shown, "\nasked in ") != 3 {
		t.Errorf("iq search … | iq show -: exit %d (%s), %d questions shown; want 3:\n%s", code, stderr, strings.Count(shown, "\nasked in "), shown)
	}
	for _, l := range lines(want) {
		if q := strings.Split(l, "\t")[4]; !strings.Contains(shown, q) {
			t.Errorf("iq show - lacks %q", q)
		}
	}
	if code, _, stderr := iqIn(t, "\n\n", "show", "-", "--index", dir); code != 2 || !strings.Contains(stderr, "no id on standard input") {
		t.Errorf("iq show - with nothing on stdin: exit %d, %q; want a usage error", code, stderr)
	}
	_, sim, _ := iq(t, "similar", "How do you implement WebSocket endpoints in FastAPI?", "--index", dir)
	code, got, _ = iqIn(t, "How do you implement WebSocket endpoints in FastAPI?\n", "similar", "-", "--index", dir)
	if code != 0 || got != sim || got == "" {
		t.Errorf("iq similar - = exit %d\n%s\nwant\n%s", code, got, sim)
	}
}

// Short flags mean what their long forms mean.
func TestShortFlags(t *testing.T) {
	dir := sharedIndex(t)
	for _, pair := range [][2][]string{
		{{"search", "pydantic", "-l", "beginner", "-t", "fastapi", "-n", "2", "-j"}, {"search", "pydantic", "--level", "beginner", "--topic", "fastapi", "--limit", "2", "--json"}},
		{{"dups", "-l", "beginner", "-t", "fastapi", "-n", "1", "-j"}, {"dups", "--level", "beginner", "--topic", "fastapi", "--limit", "1", "--json"}},
		{{"similar", "websocket endpoints", "-n", "2", "-j"}, {"similar", "websocket endpoints", "--limit", "2", "--json"}},
		{{"stats", "-j"}, {"stats", "--json"}},
	} {
		_, short, _ := iq(t, append(pair[0], "--index", dir)...)
		_, long, _ := iq(t, append(pair[1], "--index", dir)...)
		short, long = dropTook(short), dropTook(long)
		if short != long || short == "" {
			t.Errorf("iq %v printed\n%s\nwhere iq %v printed\n%s", pair[0], short, pair[1], long)
		}
	}
}

// dropTook blanks the took_ms lines of JSON, the only part of a result
// that differs between two runs.
func dropTook(s string) string {
	ls := lines(s)
	for i, l := range ls {
		if strings.Contains(l, `"took_ms"`) {
			ls[i] = ""
		}
	}
	return strings.Join(ls, "\n")
}

// An unknown --topic, --tag or --source is a usage error naming the
// closest values the index holds (issue 13.7), in search and dups alike.
func TestUnknownFilterValueCLI(t *testing.T) {
	dir := sharedIndex(t)
	for _, args := range [][]string{
		{"search", "x", "-t", "fastpai"},
		{"search", "-t", "fastpai"},
		{"dups", "-t", "fastpai"},
	} {
		code, stdout, stderr := iq(t, append(args, "--index", dir)...)
		want := `iq: query: unknown topic "fastpai", want one of the `
		help := "Run 'iq " + args[0] + " --help' for usage.\n"
		if code != 2 || stdout != "" || !strings.HasPrefix(stderr, want) || !strings.Contains(stderr, `"fastapi"`) || !strings.HasSuffix(stderr, help) {
			t.Errorf("iq %v = exit %d, stderr %q; want exit 2, %q… naming fastapi, then %q", args, code, stderr, want, help)
		}
	}
	if code, _, stderr := iq(t, "search", "x", "--source", "nosuch.md", "--index", dir); code != 2 || !strings.Contains(stderr, `unknown source "nosuch.md"`) {
		t.Errorf("iq search --source nosuch.md = exit %d, %q; want a usage error", code, stderr)
	}
}
