package main

import (
	"context"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/iq-search/iq/httpapi"
	"github.com/iq-search/iq/internal/apitest"
	"github.com/iq-search/iq/pipeline"
	"github.com/iq-search/iq/query"
	"github.com/iq-search/iq/record"
)

// The HTTP server and its tests live in package httpapi; these tests
// check that the CLI and the API agree and that iq serve wires its flags.

var serveShared apitest.Shared

// sharedSearcher opens the package's shared index (sharedIndex) once.
func sharedSearcher(t *testing.T) *query.Searcher {
	t.Helper()
	dir := sharedIndex(t)
	return serveShared.Get(t, func() (*query.Searcher, error) {
		return pipeline.Open(context.Background(), pipeline.OpenOptions{IndexDir: dir})
	})
}

func TestServeSearchSameAsCLI(t *testing.T) {
	dir := sharedIndex(t)
	h := httpapi.New(sharedSearcher(t), httpapi.Options{}).Handler()
	tests := []struct {
		args []string // after "search"
		url  string
	}{
		{[]string{"dependency injection"}, "/api/search?q=dependency+injection"},
		{[]string{"dependency injection", "--level", "beginner"}, "/api/search?q=dependency%20injection&level=beginner"},
		{[]string{"pydantic", "--topic", "fastapi", "--tag", "validation", "--tag", "database", "--limit", "3"}, "/api/search?q=pydantic&topic=fastapi&tag=validation&tag=database&limit=3"},
		{[]string{"fastapi", "--level", "beginner", "--level", "advanced", "--offset", "5", "--limit", "5"}, "/api/search?q=fastapi&level=beginner,advanced&offset=5&limit=5"},
		{[]string{"dependncy injecton"}, "/api/search?q=dependncy+injecton"},
		{[]string{`oauth2 "password bearer" -django`}, "/api/search?q=" + url.QueryEscape(`oauth2 "password bearer" -django`)},
		{[]string{"<script>alert(1)</script> & middleware"}, "/api/search?q=" + url.QueryEscape("<script>alert(1)</script> & middleware")},
		{[]string{"--source", "fastapi-questions-by-level.md", "--limit", "2"}, "/api/search?source=fastapi-questions-by-level.md&limit=2"},
	}
	for _, tt := range tests {
		args := append([]string{"search", "--json", "--index", dir}, tt.args...)
		code, stdout, stderr := iq(t, args...)
		if code != 0 {
			t.Fatalf("iq %q: exit %d, %s", args, code, stderr)
		}
		w := apitest.Get(h, "GET", tt.url)
		if w.Code != 200 {
			t.Fatalf("GET %s = %d %s", tt.url, w.Code, w.Body)
		}
		if cli, api := apitest.WithoutTook([]byte(stdout)), apitest.WithoutTook(w.Body.Bytes()); cli != api {
			t.Errorf("iq %q and GET %s differ:\n--- cli\n%s\n--- api\n%s", tt.args, tt.url, cli, api)
		}
	}
	// Errors agree too: the CLI's message is the API's.
	_, _, stderr := iq(t, "search", "x", "--level", "expert", "--index", dir)
	e := apitest.Error(t, apitest.Get(h, "GET", "/api/search?q=x&level=expert").Body.Bytes())
	if want := "iq: " + e.Message + "\n"; !strings.HasPrefix(stderr, want) {
		t.Errorf("iq search --level expert: stderr %q; want it to start %q", stderr, want)
	}
}

func TestServeSimilarDupsSameAsCLI(t *testing.T) {
	dir := sharedIndex(t)
	s := sharedSearcher(t)
	h := httpapi.New(s, httpapi.Options{}).Handler()
	id := record.QuestionID(twiceAsked)
	if _, err := s.Record(id); err != nil {
		t.Fatalf("Record(%s): %v", id, err)
	}
	tests := []struct {
		args []string
		url  string
	}{
		{[]string{"similar", id}, "/api/similar?id=" + id},
		{[]string{"similar", id, "--limit", "3"}, "/api/similar?id=" + id + "&limit=3"},
		{[]string{"similar", "How can I implement WebSocket endpoints with FastAPI?"}, "/api/similar?q=" + url.QueryEscape("How can I implement WebSocket endpoints with FastAPI?")},
		{[]string{"similar", "<img src=x onerror=alert(1)> & pydantic"}, "/api/similar?q=" + url.QueryEscape("<img src=x onerror=alert(1)> & pydantic")},
		{[]string{"dups"}, "/api/dups"},
		{[]string{"dups", "--min-score", "0.7", "--limit", "3", "--offset", "1"}, "/api/dups?min_score=0.7&limit=3&offset=1"},
		{[]string{"dups", "--level", "beginner", "--topic", "fastapi"}, "/api/dups?level=beginner&topic=fastapi"},
	}
	for _, tt := range tests {
		args := append(append([]string{}, tt.args...), "--json", "--index", dir)
		code, stdout, stderr := iq(t, args...)
		if code != 0 {
			t.Fatalf("iq %q: exit %d, %s", args, code, stderr)
		}
		w := apitest.Get(h, "GET", tt.url)
		if w.Code != 200 {
			t.Fatalf("GET %s = %d %s", tt.url, w.Code, w.Body)
		}
		if cli, api := apitest.WithoutTook([]byte(stdout)), apitest.WithoutTook(w.Body.Bytes()); cli != api {
			t.Errorf("iq %q and GET %s differ:\n--- cli\n%s\n--- api\n%s", tt.args, tt.url, cli, api)
		}
	}
	for _, tt := range []struct {
		args []string
		url  string
	}{
		{[]string{"dups", "--min-score", "2"}, "/api/dups?min_score=2"},
		{[]string{"similar", id, "--limit", "101"}, "/api/similar?id=" + id + "&limit=101"},
		{[]string{"similar", "0123456789abcdef"}, "/api/similar?id=0123456789abcdef"},
	} {
		_, _, stderr := iq(t, append(tt.args, "--index", dir)...)
		e := apitest.Error(t, apitest.Get(h, "GET", tt.url).Body.Bytes())
		if want := "iq: " + e.Message + "\n"; !strings.HasPrefix(stderr, want) {
			t.Errorf("iq %q: stderr %q; want it to start %q", tt.args, stderr, want)
		}
	}
}

func TestServeQuestionSameAsShow(t *testing.T) {
	dir := sharedIndex(t)
	s := sharedSearcher(t)
	h := httpapi.New(s, httpapi.Options{}).Handler()
	res, err := s.Search(context.Background(), query.Request{Text: "middleware", Limit: 3})
	if err != nil || len(res.Hits) == 0 {
		t.Fatalf("Search(middleware) = %v, %v", res, err)
	}
	for _, hit := range res.Hits {
		_, stdout, _ := iq(t, "show", hit.ID, "--json", "--index", dir)
		if api := apitest.Get(h, "GET", "/api/questions/"+hit.ID).Body.String(); api != stdout {
			t.Errorf("iq show %s --json and GET /api/questions/%s differ:\n%s\nvs\n%s", hit.ID, hit.ID, stdout, api)
		}
	}
}

func TestRunServe(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var stderr apitest.Log
	a := &app{in: strings.NewReader(""), out: io.Discard, errOut: &stderr}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- runServe(ctx, a, &serveOptions{indexDir: sharedIndex(t), timeout: time.Second, logFormat: "json", listener: ln})
	}()
	var resp *http.Response
	for i := 0; ; i++ {
		resp, err = http.Get("http://" + ln.Addr().String() + "/api/search?q=closures")
		if err == nil || i == 100 {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Errorf("GET /api/search = %d; want 200", resp.StatusCode)
	}
	cancel()
	if err := <-done; err != nil {
		t.Errorf("runServe = %v; want nil on shutdown", err)
	}
	for _, want := range []string{`"msg":"serving","url":"http://` + ln.Addr().String() + `/"`, `"msg":"request","method":"GET","path":"/api/search"`, `"msg":"stopped"`} {
		if !strings.Contains(stderr.String(), want) {
			t.Errorf("stderr lacks %s:\n%s", want, stderr.String())
		}
	}
}

func TestServeUsage(t *testing.T) {
	for _, tt := range []struct {
		args   []string
		stderr string
	}{
		{[]string{"serve", "--addr", "8080"}, "iq: serve: --addr \"8080\": address 8080: missing port in address, want HOST:PORT such as 127.0.0.1:8080\nRun 'iq serve --help' for usage.\n"},
		{[]string{"serve", "--log-format", "xml"}, "iq: serve: unknown --log-format \"xml\", want text or json\nRun 'iq serve --help' for usage.\n"},
		{[]string{"serve", "--timeout", "0s"}, "iq: serve: --timeout 0s must be positive\nRun 'iq serve --help' for usage.\n"},
		{[]string{"serve", "extra"}, "iq: unknown command \"extra\" for \"iq serve\"\nRun 'iq serve --help' for usage.\n"},
	} {
		if code, _, stderr := iq(t, tt.args...); code != 2 || stderr != tt.stderr {
			t.Errorf("iq %q = exit %d, %q; want 2, %q", tt.args, code, stderr, tt.stderr)
		}
	}
}
