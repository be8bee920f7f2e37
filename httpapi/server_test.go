package httpapi

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/iq-search/iq/internal/apitest"
	"github.com/iq-search/iq/internal/fuzzkit"

	"github.com/iq-search/iq/pipeline"
	"github.com/iq-search/iq/query"
	"github.com/iq-search/iq/record"
)

// serveShared is the package's index of the embedded corpus.
var serveShared apitest.Shared

// testDir holds every index the tests keep open until the end; TestMain
// removes it.
var testDir struct {
	once sync.Once
	dir  string
}

// tempDir returns the directory TestMain removes after the tests.
func tempDir() string {
	testDir.once.Do(func() {
		d, err := os.MkdirTemp("", "iq-httpapi-test-")
		if err != nil {
			panic(err)
		}
		testDir.dir = d
	})
	return testDir.dir
}

func TestMain(m *testing.M) {
	fuzzkit.Init()
	code := m.Run()
	serveShared.Close()
	slowDups.Close()
	if testDir.dir != "" {
		os.RemoveAll(testDir.dir)
	}
	os.Exit(code)
}

// twiceAsked is a question the embedded corpus asks in two documents.
const twiceAsked = "What is dependency injection in FastAPI, and why is it important?"

// sharedSearcher builds an index of the embedded corpus once for the
// package's tests, which only read it, and opens it. It stays open until
// the test binary exits; TestMain removes the directory.
func sharedSearcher(t *testing.T) *query.Searcher {
	t.Helper()
	return serveShared.Get(t, func() (*query.Searcher, error) {
		return pipeline.Open(context.Background(), pipeline.OpenOptions{IndexDir: filepath.Join(tempDir(), "index"), Embedded: true})
	})
}

func TestServeEndpoints(t *testing.T) {
	s := sharedSearcher(t)
	h := New(s, Options{}).Handler()
	// A real ID for the question endpoints.
	res, err := s.Search(context.Background(), query.Request{Text: twiceAsked, Limit: 1})
	if err != nil || len(res.Hits) == 0 {
		t.Fatalf("Search(%q) = %v, %v; want a hit", twiceAsked, res, err)
	}
	id := res.Hits[0].ID
	records := s.Index().Meta().Records

	tests := []struct {
		name, method, target string
		status               int
		code, message        string // for errors; message "" skips the check
		check                func(t *testing.T, body []byte)
	}{
		{name: "health", method: "GET", target: "/healthz", status: 200, check: func(t *testing.T, b []byte) {
			var v struct {
				Status  string `json:"status"`
				Records int    `json:"records"`
			}
			if json.Unmarshal(b, &v) != nil || v.Status != "ok" || v.Records != records {
				t.Errorf("healthz = %s; want status ok and %d records", b, records)
			}
		}},
		{name: "search", method: "GET", target: "/api/search?q=dependency+injection", status: 200, check: func(t *testing.T, b []byte) {
			r := apitest.Decode[query.Result](t, b)
			if len(r.Hits) == 0 || !strings.Contains(strings.ToLower(r.Hits[0].Question), "dependency injection") && !strings.Contains(r.Hits[0].Question, "Depends") {
				t.Errorf("first hit of %q = %+v; want a dependency-injection question", r.Query, r.Hits)
			}
		}},
		{name: "search filtered", method: "GET", target: "/api/search?q=dependency+injection&level=beginner&topic=fastapi&limit=100", status: 200, check: func(t *testing.T, b []byte) {
			r := apitest.Decode[query.Result](t, b)
			if len(r.Hits) == 0 {
				t.Fatal("no hits")
			}
			for _, h := range r.Hits {
				if h.Level != record.LevelBeginner {
					t.Errorf("hit %q has level %q; want beginner", h.Question, h.Level)
				}
			}
			if got := r.Facets[record.FieldLevel]; len(got) != 1 || got[0].Value != "beginner" || got[0].Count != int(r.Total) {
				t.Errorf("level facet = %v; want only beginner %d", got, r.Total)
			}
		}},
		{name: "search repeated filter", method: "GET", target: "/api/search?q=fastapi&level=beginner&level=advanced&limit=100", status: 200, check: func(t *testing.T, b []byte) {
			r := apitest.Decode[query.Result](t, b)
			levels := map[string]bool{}
			for _, h := range r.Hits {
				levels[h.Level] = true
			}
			if len(levels) != 2 || !levels["beginner"] || !levels["advanced"] {
				t.Errorf("levels of hits = %v; want beginner and advanced", levels)
			}
		}},
		{name: "search empty browses all", method: "GET", target: "/api/search", status: 200, check: func(t *testing.T, b []byte) {
			if r := apitest.Decode[query.Result](t, b); int(r.Total) != records || len(r.Hits) != query.DefaultLimit {
				t.Errorf("empty search: total %d, %d hits; want %d, %d", r.Total, len(r.Hits), records, query.DefaultLimit)
			}
		}},
		{name: "search only punctuation", method: "GET", target: "/api/search?q=%3F%21...%3B", status: 200, check: func(t *testing.T, b []byte) {
			if r := apitest.Decode[query.Result](t, b); r.Total != 0 {
				t.Errorf("search %q: total %d; want 0", r.Query, r.Total)
			}
		}},
		{name: "head search", method: "HEAD", target: "/api/search?q=closures", status: 200, check: func(t *testing.T, b []byte) {
			if len(b) != 0 {
				t.Errorf("HEAD body = %d bytes; want none", len(b))
			}
		}},
		{name: "search folds near-duplicates", method: "GET", target: "/api/search?q=" + url.QueryEscape(twiceAsked) + "&limit=100", status: 200, check: func(t *testing.T, b []byte) {
			r := apitest.Decode[query.Result](t, b)
			if len(r.Hits) == 0 || r.Hits[0].Question != twiceAsked || r.Hits[0].Similar < 1 {
				t.Fatalf("first hit = %+v; want %q with similar ≥ 1", r.Hits[0], twiceAsked)
			}
			for _, h := range r.Hits {
				if h.Cluster != "" && h.Cluster == r.Hits[0].Cluster && h.ID != r.Hits[0].ID {
					t.Errorf("hit %q of the first hit's cluster is listed; want it folded", h.Question)
				}
			}
		}},
		{name: "search all lists near-duplicates", method: "GET", target: "/api/search?q=" + url.QueryEscape(twiceAsked) + "&limit=100&all=1", status: 200, check: func(t *testing.T, b []byte) {
			r := apitest.Decode[query.Result](t, b)
			same := 0
			for _, h := range r.Hits {
				if h.Similar != 0 {
					t.Errorf("hit %q has similar %d with all=1; want 0", h.Question, h.Similar)
				}
				if h.Cluster != "" && h.Cluster == r.Hits[0].Cluster {
					same++
				}
			}
			if same < 2 || r.Collapsed != 0 {
				t.Errorf("all=1: %d hits of the first hit's cluster, collapsed %d; want 2 or more, 0", same, r.Collapsed)
			}
		}},
		{name: "search all not a boolean", method: "GET", target: "/api/search?q=x&all=maybe", status: 400,
			code: query.CodeBadParam, message: `query: all "maybe" is not a boolean, want true or false`},
		{name: "unknown level", method: "GET", target: "/api/search?q=x&level=expert", status: 400,
			code: query.CodeBadLevel, message: `query: unknown level "expert", want one of beginner, intermediate, advanced`},
		{name: "inline unknown level", method: "GET", target: "/api/search?q=level:expert+closures", status: 400,
			code: query.CodeBadLevel, message: `query: unknown level "expert", want one of beginner, intermediate, advanced`},
		{name: "limit zero", method: "GET", target: "/api/search?q=x&limit=0", status: 400,
			code: query.CodeBadLimit, message: "query: limit 0 is out of range, want 1 to 100"},
		{name: "limit negative", method: "GET", target: "/api/search?q=x&limit=-1", status: 400,
			code: query.CodeBadLimit, message: "query: limit -1 is out of range, want 1 to 100"},
		{name: "limit too big", method: "GET", target: "/api/search?q=x&limit=101", status: 400,
			code: query.CodeBadLimit, message: "query: limit 101 is out of range, want 1 to 100"},
		{name: "limit not a number", method: "GET", target: "/api/search?q=x&limit=ten", status: 400,
			code: query.CodeBadLimit, message: `query: limit "ten" is not a number, want 1 to 100`},
		{name: "offset negative", method: "GET", target: "/api/search?q=x&offset=-3", status: 400,
			code: query.CodeBadOffset, message: "query: offset -3 is out of range, want 0 to 10000"},
		{name: "query too long", method: "GET", target: "/api/search?q=" + strings.Repeat("x", 1001), status: 400,
			code: query.CodeQueryTooLong, message: "query: text is 1001 characters, want at most 1000"},
		{name: "unknown parameter", method: "GET", target: "/api/search?q=x&sorting=date", status: 400,
			code: query.CodeBadParam, message: `query: unknown parameter "sorting", want one of q, level, topic, tag, lang, source, limit, offset, all, sort`},
		{name: "text twice", method: "GET", target: "/api/search?q=a&q=b", status: 400,
			code: query.CodeBadParam, message: `query: parameter "q" given 2 times, want it once`},
		{name: "bad escape", method: "GET", target: "/api/search?q=%zz", status: 400,
			code: query.CodeBadParam, message: `query: malformed query string: invalid URL escape "%zz"`},
		{name: "semicolon", method: "GET", target: "/api/search?q=a;level=beginner", status: 400,
			code: query.CodeBadParam, message: "query: malformed query string: invalid semicolon separator in query"},
		{name: "url too long", method: "GET", target: "/api/search?q=" + strings.Repeat("x", maxURLBytes), status: 414,
			code: codeURITooLong, message: fmt.Sprintf("URL is %d bytes, want at most %d", len("/api/search?q=")-1+maxURLBytes, maxURLBytes)},
		{name: "question", method: "GET", target: "/api/questions/" + id, status: 200, check: func(t *testing.T, b []byte) {
			var r record.Record
			if err := json.Unmarshal(b, &r); err != nil || r.ID != id || r.Question != twiceAsked || len(r.Answers) != 2 {
				t.Errorf("question %s = %.200s (%v); want the twice-asked record with 2 answers", id, b, err)
			}
		}},
		{name: "unknown question", method: "GET", target: "/api/questions/0123456789abcdef", status: 404,
			code: "not_found", message: `query: no question with id "0123456789abcdef"`},
		{name: "question id too long", method: "GET", target: "/api/questions/" + strings.Repeat("a", 65), status: 404,
			code: "not_found", message: "query: no question with an id of 65 characters"},
		{name: "question id with markup", method: "GET", target: "/api/questions/%3Cscript%3E", status: 404,
			code: "not_found", message: `query: no question with id "<script>"`},
		{name: "question without id", method: "GET", target: "/api/questions/", status: 404, code: "not_found", message: `no such path "/api/questions/"`},
		{name: "similar by id", method: "GET", target: "/api/similar?id=" + id, status: 200, check: func(t *testing.T, b []byte) {
			r := apitest.Decode[query.SimilarResult](t, b)
			if r.ID != id || r.Question != twiceAsked || len(r.Matches) < 2 || len(r.Matches) > query.DefaultSimilarLimit {
				t.Fatalf("similar %s = id %q, question %q, %d matches; want %q, %q, 2 to %d", id, r.ID, r.Question, len(r.Matches), id, twiceAsked, query.DefaultSimilarLimit)
			}
			if m := r.Matches[0]; !m.Duplicate || !strings.Contains(m.Question, "Depends") && !strings.Contains(strings.ToLower(m.Question), "dependency injection") {
				t.Errorf("first match = %+v; want another dependency-injection question, a duplicate", m)
			}
			for _, m := range r.Matches {
				if m.ID == id {
					t.Errorf("similar %s lists the question itself", id)
				}
			}
		}},
		{name: "similar by text", method: "GET", target: "/api/similar?q=How+can+I+implement+WebSocket+endpoints+with+FastAPI%3F&limit=2", status: 200, check: func(t *testing.T, b []byte) {
			r := apitest.Decode[query.SimilarResult](t, b)
			if r.ID != "" || len(r.Matches) != 2 || r.Matches[0].Question != "How do you implement WebSocket endpoints in FastAPI?" || !r.Matches[0].Duplicate {
				t.Errorf("similar by text = %s; want 2 matches, the WebSocket endpoints question first, a duplicate", b)
			}
		}},
		{name: "similar markup text", method: "GET", target: "/api/similar?q=%3Cscript%3Ealert(1)%3C/script%3E", status: 200, check: func(t *testing.T, b []byte) {
			if bytes.Contains(b, []byte("<script")) {
				t.Errorf("similar echoes markup unescaped: %s", b)
			}
			if r := apitest.Decode[query.SimilarResult](t, b); r.Question != "<script>alert(1)</script>" {
				t.Errorf("question = %q; want the text asked", r.Question)
			}
		}},
		{name: "similar neither", method: "GET", target: "/api/similar", status: 400,
			code: query.CodeBadParam, message: "query: give either id (a question's id) or q (a question's text), not both or neither"},
		{name: "similar blank text", method: "GET", target: "/api/similar?q=+++", status: 400,
			code: query.CodeBadParam, message: "query: give either id (a question's id) or q (a question's text), not both or neither"},
		{name: "similar both", method: "GET", target: "/api/similar?id=" + id + "&q=closures", status: 400,
			code: query.CodeBadParam, message: "query: give either id (a question's id) or q (a question's text), not both or neither"},
		{name: "similar unknown id", method: "GET", target: "/api/similar?id=0123456789abcdef", status: 404,
			code: "not_found", message: `query: no question with id "0123456789abcdef"`},
		{name: "similar limit too big", method: "GET", target: "/api/similar?id=" + id + "&limit=101", status: 400,
			code: query.CodeBadLimit, message: "query: limit 101 is out of range, want 1 to 100"},
		{name: "similar limit not a number", method: "GET", target: "/api/similar?id=" + id + "&limit=all", status: 400,
			code: query.CodeBadLimit, message: `query: limit "all" is not a number, want 1 to 100`},
		{name: "similar text too long", method: "GET", target: "/api/similar?q=" + strings.Repeat("y", 1001), status: 400,
			code: query.CodeQueryTooLong, message: "query: text is 1001 characters, want at most 1000"},
		{name: "similar id too long", method: "GET", target: "/api/similar?id=" + strings.Repeat("a", 201), status: 400,
			code: query.CodeBadValue, message: "query: id is not a question id"},
		{name: "similar unknown parameter", method: "GET", target: "/api/similar?id=" + id + "&level=beginner", status: 400,
			code: query.CodeBadParam, message: `query: unknown parameter "level", want one of id, q, limit`},
		{name: "similar id twice", method: "GET", target: "/api/similar?id=" + id + "&id=" + id, status: 400,
			code: query.CodeBadParam, message: `query: parameter "id" given 2 times, want it once`},
		{name: "similar bad escape", method: "GET", target: "/api/similar?q=%zz", status: 400,
			code: query.CodeBadParam, message: `query: malformed query string: invalid URL escape "%zz"`},
		{name: "dups", method: "GET", target: "/api/dups", status: 200, check: func(t *testing.T, b []byte) {
			r := apitest.Decode[query.DupsResult](t, b)
			if r.Total == 0 || len(r.Clusters) != r.Total || r.MinScore != 0.6 {
				t.Fatalf("dups = total %d, %d clusters, min_score %v; want every cluster at 0.6", r.Total, len(r.Clusters), r.MinScore)
			}
			n := 0
			for i, c := range r.Clusters {
				n += c.Size
				if c.Size < 2 || c.Size != len(c.Members) || c.Members[0].ID != c.ID || c.Members[0].Score != 1 {
					t.Errorf("cluster %d = %+v; want 2 or more members, the canonical first with score 1", i, c)
				}
				if i > 0 && c.Size > r.Clusters[i-1].Size {
					t.Errorf("cluster %d has %d members, more than the one before; want largest first", i, c.Size)
				}
			}
			if n != r.Questions {
				t.Errorf("clusters hold %d questions; result says %d", n, r.Questions)
			}
		}},
		{name: "dups filtered and paged", method: "GET", target: "/api/dups?level=intermediate&topic=FastAPI&limit=2&offset=1&min_score=0.65", status: 200, check: func(t *testing.T, b []byte) {
			r := apitest.Decode[query.DupsResult](t, b)
			if r.MinScore != 0.65 || r.Total < 2 || len(r.Clusters) != min(2, r.Total-1) {
				t.Fatalf("dups = min_score %v, total %d, %d clusters; want 0.65 and the second page of 2", r.MinScore, r.Total, len(r.Clusters))
			}
			for _, c := range r.Clusters {
				ok := false
				for _, m := range c.Members {
					if m.Level == record.LevelIntermediate && slices.Contains(m.Topics, "fastapi") {
						ok = true
					}
				}
				if !ok {
					t.Errorf("cluster %q has no intermediate fastapi member", c.Question)
				}
			}
		}},
		{name: "dups min_score out of range", method: "GET", target: "/api/dups?min_score=2", status: 400,
			code: query.CodeBadValue, message: "query: min_score 2 is out of range, want one in (0, 1]"},
		{name: "dups min_score zero", method: "GET", target: "/api/dups?min_score=0", status: 400,
			code: query.CodeBadValue, message: "query: min_score 0 is out of range, want one in (0, 1]"},
		{name: "dups min_score not a number", method: "GET", target: "/api/dups?min_score=high", status: 400,
			code: query.CodeBadValue, message: `query: min_score "high" is not a number, want one in (0, 1]`},
		{name: "dups min_score NaN", method: "GET", target: "/api/dups?min_score=NaN", status: 400, code: query.CodeBadValue},
		{name: "dups unknown level", method: "GET", target: "/api/dups?level=expert", status: 400,
			code: query.CodeBadLevel, message: `query: unknown level "expert", want one of beginner, intermediate, advanced`},
		{name: "dups limit too big", method: "GET", target: "/api/dups?limit=1001", status: 400,
			code: query.CodeBadLimit, message: "query: limit 1001 is out of range, want 1 to 1000"},
		{name: "dups offset negative", method: "GET", target: "/api/dups?offset=-1", status: 400,
			code: query.CodeBadOffset, message: "query: offset -1 is out of range, want 0 to 10000"},
		{name: "dups unknown parameter", method: "GET", target: "/api/dups?q=closures", status: 400,
			code: query.CodeBadParam, message: `query: unknown parameter "q", want one of min_score, level, topic, limit, offset`},
		{name: "post similar", method: "POST", target: "/api/similar?id=" + id, status: 405,
			code: codeMethodNotAllowed, message: "method POST not allowed on /api/similar, want GET or HEAD"},
		{name: "put dups", method: "PUT", target: "/api/dups", status: 405,
			code: codeMethodNotAllowed, message: "method PUT not allowed on /api/dups, want GET or HEAD"},
		{name: "head dups", method: "HEAD", target: "/api/dups", status: 200, check: func(t *testing.T, b []byte) {
			if len(b) != 0 {
				t.Errorf("HEAD body = %d bytes; want none", len(b))
			}
		}},
		{name: "facets", method: "GET", target: "/api/facets", status: 200, check: func(t *testing.T, b []byte) {
			var f facetsResponse
			if err := json.Unmarshal(b, &f); err != nil || int(f.Records) != records {
				t.Fatalf("facets = %.200s (%v); want %d records", b, err, records)
			}
			st, err := s.Stats(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			for _, name := range []string{record.FieldLevel, record.FieldTopic, record.FieldTag, record.FieldSource} {
				if len(f.Facets[name]) == 0 || len(f.Facets[name]) != len(st.Facets[name]) {
					t.Errorf("facet %s has %d values; want all %d", name, len(f.Facets[name]), len(st.Facets[name]))
				}
			}
			if bytes.Contains(b, []byte(s.Index().Dir())) {
				t.Errorf("facets reveal the index directory %s", s.Index().Dir())
			}
		}},
		{name: "page", method: "GET", target: "/?q=%3Cscript%3Ealert(1)%3C/script%3E", status: 200, check: func(t *testing.T, b []byte) {
			page := string(b)
			for _, want := range []string{`<script src="/static/app.js?v=`, `<link rel="stylesheet" href="/static/app.css?v=`, `value="&lt;script&gt;alert(1)&lt;/script&gt;"`} {
				if !strings.Contains(page, want) {
					t.Errorf("page lacks %q", want)
				}
			}
			if strings.Contains(page, "<script>alert") {
				t.Error("page echoes the query unescaped")
			}
		}},
		{name: "script", method: "GET", target: "/static/app.js", status: 200, check: func(t *testing.T, b []byte) {
			if !bytes.Contains(b, []byte("textContent")) {
				t.Errorf("app.js = %.80q…; want the page script", b)
			}
		}},
		{name: "style", method: "GET", target: "/static/app.css", status: 200},
		{name: "unknown static", method: "GET", target: "/static/index.html", status: 404, code: "not_found", message: `no such path "/static/index.html"`},
		{name: "static listing", method: "GET", target: "/static/", status: 404, code: "not_found", message: `no such path "/static/"`},
		{name: "unknown path", method: "GET", target: "/api/nope", status: 404, code: "not_found", message: `no such path "/api/nope"`},
		{name: "post search", method: "POST", target: "/api/search?q=x", status: 405,
			code: codeMethodNotAllowed, message: "method POST not allowed on /api/search, want GET or HEAD"},
		{name: "delete question", method: "DELETE", target: "/api/questions/" + id, status: 405,
			code: codeMethodNotAllowed, message: "method DELETE not allowed on /api/questions/" + id + ", want GET or HEAD"},
		{name: "put page", method: "PUT", target: "/", status: 405, code: codeMethodNotAllowed, message: "method PUT not allowed on /, want GET or HEAD"},
		{name: "post facets", method: "POST", target: "/api/facets", status: 405, code: codeMethodNotAllowed},
		{name: "options health", method: "OPTIONS", target: "/healthz", status: 405, code: codeMethodNotAllowed},
	}
	wantType := map[string]string{"/": "text/html; charset=utf-8", "/static/app.js": "text/javascript; charset=utf-8", "/static/app.css": "text/css; charset=utf-8"}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := apitest.Get(h, tt.method, tt.target)
			body := w.Body.Bytes()
			if w.Code != tt.status {
				t.Fatalf("%s %.60s = %d %.300s; want %d", tt.method, tt.target, w.Code, body, tt.status)
			}
			hdr := w.Result().Header
			if got := hdr.Get("Content-Security-Policy"); !strings.Contains(got, "script-src 'self'") || !strings.Contains(got, "default-src 'none'") {
				t.Errorf("Content-Security-Policy = %q; want default-src 'none' and script-src 'self'", got)
			}
			if got := hdr.Get("X-Content-Type-Options"); got != "nosniff" {
				t.Errorf("X-Content-Type-Options = %q; want nosniff", got)
			}
			path, _, _ := strings.Cut(tt.target, "?")
			want := "application/json; charset=utf-8"
			if ct, ok := wantType[path]; ok && tt.status == 200 {
				want = ct
			}
			if got := hdr.Get("Content-Type"); got != want {
				t.Errorf("Content-Type = %q; want %q", got, want)
			}
			if tt.status == 405 && hdr.Get("Allow") != "GET, HEAD" {
				t.Errorf("Allow = %q; want %q", hdr.Get("Allow"), "GET, HEAD")
			}
			if tt.code != "" {
				e := apitest.Error(t, body)
				if e.Code != tt.code || tt.message != "" && e.Message != tt.message {
					t.Errorf("error = %q, %q; want %q, %q", e.Code, e.Message, tt.code, tt.message)
				}
			}
			if tt.check != nil {
				tt.check(t, body)
			}
		})
	}
}

// Highlighted fields are escaped HTML whose only markup is <mark>, and the
// JSON escapes < > & as well, so corpus text cannot become markup even in
// a client that renders it carelessly.
func TestServeEscapesCorpusText(t *testing.T) {
	s, _ := xssIndex(t)
	h := New(s, Options{}).Handler()
	w := apitest.Get(h, "GET", "/api/search?q=onerror+script&limit=10")
	if w.Code != 200 {
		t.Fatalf("search = %d %s", w.Code, w.Body)
	}
	raw := w.Body.String()
	for _, bad := range []string{"<script", "<img", "<mark>"} {
		if strings.Contains(raw, bad) {
			t.Errorf("raw JSON contains %q; want every < escaped as \\u003c", bad)
		}
	}
	r := apitest.Decode[query.Result](t, w.Body.Bytes())
	if len(r.Hits) != 2 {
		t.Fatalf("got %d hits; want both planted questions", len(r.Hits))
	}
	tag := regexp.MustCompile(`<[^>]*>`)
	for _, hit := range r.Hits {
		for _, frag := range append([]string{hit.QuestionHTML}, hit.Fragments...) {
			for _, m := range tag.FindAllString(frag, -1) {
				if m != "<mark>" && m != "</mark>" {
					t.Errorf("highlight %q contains markup %q; want only <mark>", frag, m)
				}
			}
		}
		if !strings.Contains(hit.QuestionHTML, "&lt;") {
			t.Errorf("question_html %q; want the planted tag escaped as &lt;", hit.QuestionHTML)
		}
	}
}

// A panic in a handler is logged and answered with a JSON 500; the access
// log records it.
func TestServeRecoversPanic(t *testing.T) {
	var logs bytes.Buffer
	srv := &Server{opts: Options{}, log: slog.New(slog.NewJSONHandler(&logs, nil))}
	h := srv.logRequests(srv.recoverPanics(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {
		panic("boom")
	})))
	w := apitest.Get(h, "GET", "/api/search?q=x")
	if w.Code != 500 {
		t.Fatalf("status = %d; want 500", w.Code)
	}
	if e := apitest.Error(t, w.Body.Bytes()); e.Code != codeInternal {
		t.Errorf("code = %q; want %q", e.Code, codeInternal)
	}
	if !strings.Contains(logs.String(), `"msg":"panic","method":"GET","path":"/api/search","query":"q=x","panic":"boom"`) {
		t.Errorf("log lacks the panic:\n%s", logs.String())
	}
	if !strings.Contains(logs.String(), `"msg":"request","method":"GET","path":"/api/search","query":"q=x","status":500`) {
		t.Errorf("access log lacks the 500:\n%s", logs.String())
	}
}

func TestServeAccessLog(t *testing.T) {
	var logs bytes.Buffer
	h := New(sharedSearcher(t), Options{Logger: slog.New(slog.NewJSONHandler(&logs, nil))}).Handler()
	w := apitest.Get(h, "GET", "/api/search?q=closures&level=beginner")
	var line struct {
		Msg, Method, Path, Query string
		Status, Bytes            int
		Duration                 int64
	}
	if err := json.Unmarshal(logs.Bytes(), &line); err != nil {
		t.Fatalf("access log %q: %v; want one JSON line", logs.String(), err)
	}
	want := struct {
		Msg, Method, Path, Query string
		Status, Bytes            int
	}{"request", "GET", "/api/search", "q=closures&level=beginner", 200, w.Body.Len()}
	got := want
	got.Msg, got.Method, got.Path, got.Query, got.Status, got.Bytes = line.Msg, line.Method, line.Path, line.Query, line.Status, line.Bytes
	if got != want || line.Duration <= 0 {
		t.Errorf("access log = %+v, duration %d; want %+v and a duration", got, line.Duration, want)
	}
}

// On loopback the server answers only to loopback names (DNS rebinding).
func TestServeHostCheck(t *testing.T) {
	h := New(sharedSearcher(t), Options{Hosts: LoopbackHosts}).Handler()
	for _, tt := range []struct {
		host   string
		status int
	}{
		{"127.0.0.1:8080", 200},
		{"localhost:8080", 200},
		{"LOCALHOST", 200},
		{"[::1]:8080", 200},
		{"evil.example:8080", 403},
		{"127.0.0.1.evil.example", 403},
	} {
		r := httptest.NewRequest("GET", "/healthz", nil)
		r.Host = tt.host
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		if w.Code != tt.status {
			t.Errorf("Host %q: status %d; want %d", tt.host, w.Code, tt.status)
		}
		if tt.status == 403 {
			if e := apitest.Error(t, w.Body.Bytes()); e.Code != codeBadHost {
				t.Errorf("Host %q: code %q; want %q", tt.host, e.Code, codeBadHost)
			}
		}
	}
}

// A search past its deadline is a 503 with code "timeout", not a 500.
func TestServeSearchDeadline(t *testing.T) {
	h := New(sharedSearcher(t), Options{SearchTimeout: time.Nanosecond}).Handler()
	w := apitest.Get(h, "GET", "/api/search?q=dependency+injection")
	if w.Code != http.StatusServiceUnavailable {
		t.Fatalf("status = %d %s; want 503", w.Code, w.Body)
	}
	if e := apitest.Error(t, w.Body.Bytes()); e.Code != codeTimeout || e.Message != "search took longer than 1ns" {
		t.Errorf("error = %+v; want timeout, %q", e, "search took longer than 1ns")
	}

}

// When every search slot is busy a request waits in line, at most
// QueueTimeout and only behind fewer than MaxQueue others, then gets a 503
// "busy" with Retry-After; a request that gets a slot in time is served.
func TestServeQueue(t *testing.T) {
	srv := New(sharedSearcher(t), Options{QueueTimeout: 50 * time.Millisecond, MaxSearches: 1, MaxQueue: 1})
	h := srv.Handler()
	srv.slots <- struct{}{} // the one slot is busy
	busy := func(what string, w *httptest.ResponseRecorder) {
		t.Helper()
		if w.Code != http.StatusServiceUnavailable || w.Header().Get("Retry-After") != "1" {
			t.Fatalf("%s = %d, Retry-After %q; want 503, 1", what, w.Code, w.Header().Get("Retry-After"))
		}
		if e := apitest.Error(t, w.Body.Bytes()); e.Code != codeBusy || e.Message != "server busy: no search slot free within 50ms, retry later" {
			t.Errorf("%s: error %+v; want busy", what, e)
		}
	}
	busy("search with no free slot", apitest.Get(h, "GET", "/api/search?q=closures"))
	srv.queued.Store(1) // the line is full
	busy("search with the line full", apitest.Get(h, "GET", "/api/similar?q=closures"))
	srv.queued.Store(0)

	// A request in line gets the slot when it frees.
	srv.opts.QueueTimeout = time.Minute
	done := make(chan *httptest.ResponseRecorder)
	go func() { done <- apitest.Get(h, "GET", "/api/dups") }()
	for srv.queued.Load() == 0 {
		time.Sleep(time.Millisecond)
	}
	<-srv.slots
	if w := <-done; w.Code != http.StatusOK {
		t.Errorf("dups after waiting = %d %s; want 200", w.Code, w.Body)
	}
	if w := apitest.Get(h, "GET", "/api/search?q=closures"); w.Code != http.StatusOK {
		t.Errorf("search with a free slot = %d %s; want 200", w.Code, w.Body)
	}
}

// While the duplicate detector is being built, similar and dups answer 503
// warming_up (bad requests are still 400s); then they answer, and the
// caller hears that the detector's building memory is garbage (Settled).
func TestServeWarmDups(t *testing.T) {
	var settled atomic.Int32
	srv := New(sharedSearcher(t), Options{Settled: func() { settled.Add(1) }})
	h := srv.Handler()
	srv.dupsWarm, srv.dupsWarmStart = make(chan struct{}), time.Now() // a build in progress
	for _, target := range []string{"/api/similar?q=closures", "/api/dups"} {
		w := apitest.Get(h, "GET", target)
		if w.Code != http.StatusServiceUnavailable || w.Header().Get("Retry-After") != "5" {
			t.Fatalf("GET %s while warming = %d, Retry-After %q; want 503, 5", target, w.Code, w.Header().Get("Retry-After"))
		}
		if e := apitest.Error(t, w.Body.Bytes()); e.Code != codeWarmingUp || !strings.HasPrefix(e.Message, "the duplicate detector is still being built (for ") {
			t.Errorf("GET %s while warming: error %+v; want warming_up", target, e)
		}
	}
	if w := apitest.Get(h, "GET", "/api/dups?level=expert"); w.Code != http.StatusBadRequest {
		t.Errorf("bad dups request while warming = %d; want 400", w.Code)
	}
	if w := apitest.Get(h, "GET", "/api/search?q=closures"); w.Code != http.StatusOK {
		t.Errorf("search while warming = %d; want 200", w.Code)
	}
	if n := settled.Load(); n != 0 {
		t.Errorf("Settled called %d times while warming; want 0", n)
	}
	<-srv.WarmDups(context.Background())
	if n := settled.Load(); n != 1 {
		t.Errorf("Settled called %d times once warm; want 1", n)
	}
	for _, target := range []string{"/api/similar?q=closures", "/api/dups"} {
		if w := apitest.Get(h, "GET", target); w.Code != http.StatusOK {
			t.Errorf("GET %s after warming = %d %s; want 200", target, w.Code, w.Body)
		}
	}
}

// TestServeDupsFromTheStart: on an index iq index built, WarmDups loads the
// duplicate features stored with it before it returns, so similar and dups
// answer from the first request, never 503.
func TestServeDupsFromTheStart(t *testing.T) {
	sharedSearcher(t) // builds the index
	ctx := context.Background()
	s, err := pipeline.Open(ctx, pipeline.OpenOptions{IndexDir: filepath.Join(tempDir(), "index")})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	srv := New(s, Options{})
	select {
	case <-srv.WarmDups(ctx):
	default:
		t.Fatal("WarmDups returned before the duplicate detector was ready")
	}
	for _, target := range []string{"/api/similar?q=closures", "/api/dups"} {
		if w := apitest.Get(srv.Handler(), "GET", target); w.Code != http.StatusOK {
			t.Errorf("GET %s at once = %d %s; want 200", target, w.Code, w.Body)
		}
	}
}

// TestServeWhileLoading: a server that listens before the stored
// duplicate features are loaded (Run) makes similar and dups wait for
// them: answered at once, never 503.
func TestServeWhileLoading(t *testing.T) {
	sharedSearcher(t) // builds the index
	ctx := context.Background()
	s, err := pipeline.Open(ctx, pipeline.OpenOptions{IndexDir: filepath.Join(tempDir(), "index")})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	srv := New(s, Options{})
	done := srv.warmWhileServing(ctx)
	for _, target := range []string{"/api/similar?q=closures", "/api/dups"} {
		if w := apitest.Get(srv.Handler(), "GET", target); w.Code != http.StatusOK {
			t.Errorf("GET %s while loading = %d %s; want 200", target, w.Code, w.Body)
		}
	}
	select {
	case <-done:
	default:
		t.Errorf("similar answered before the detector was marked ready")
	}
}

// SIGINT (the cancelled context) stops the server only after the request
// in flight has its answer, and Serve's http.ErrServerClosed is a clean end.
func TestServeGracefulShutdown(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	started, release := make(chan struct{}), make(chan struct{})
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		close(started)
		<-release
		io.WriteString(w, "finished")
	})
	logger := slog.New(slog.DiscardHandler)
	srv, conns := newHTTPServer(h, Options{SearchTimeout: time.Second, Logger: logger})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- serveUntilDone(ctx, srv, conns.listener(ln), logger) }()

	type answer struct {
		body string
		err  error
	}
	got := make(chan answer, 1)
	go func() {
		resp, err := http.Get("http://" + ln.Addr().String() + "/slow")
		if err != nil {
			got <- answer{err: err}
			return
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		got <- answer{string(b), err}
	}()
	<-started
	cancel()
	// The listener closes at once: new connections are refused while
	// the old request is still running.
	for wait := time.Now().Add(10 * time.Second); ; {
		c, err := net.Dial("tcp", ln.Addr().String())
		if err != nil {
			break
		}
		c.Close()
		if time.Now().After(wait) {
			t.Fatal("listener still accepting 10s after shutdown began")
		}
		time.Sleep(time.Millisecond)
	}
	select {
	case err := <-done:
		t.Fatalf("serveUntilDone returned %v with a request in flight", err)
	default:
	}
	close(release)
	if a := <-got; a.err != nil || a.body != "finished" {
		t.Errorf("in-flight request = %q, %v; want it finished", a.body, a.err)
	}
	if err := <-done; err != nil {
		t.Errorf("serveUntilDone = %v; want nil after a graceful shutdown", err)
	}
}

// FuzzServeSearch sends arbitrary query strings to GET /api/search: the
// server never panics or answers 5xx, a bad request is a 4xx with a JSON
// error whose code is query.ParseRequest's, and a good one is a Result.
func FuzzServeSearch(f *testing.F) {
	for _, seed := range []string{
		"", "q=closures", "q=dependency+injection&level=beginner", "q=x&level=expert", "q=x&limit=0",
		"q=x&limit=-1", "q=x&limit=99999999999999999999", "q=x&offset=10001", "q=%zz", "q=a;b",
		"q=%22unclosed+phrase", "q=-", "q=--", "q=level%3A", "q=topic%3A%22%22", "q=%00%FF%FE",
		"q=" + strings.Repeat("%E4%B8%AD", 300), "q=***&tag=,,,", "level=BEGINNER&level=beginner",
		"q=a&q=b", "foo=bar", "q=x&all=maybe", "q=<script>alert(1)</script>", "source=../../etc/passwd",
		"q=%5C%5C%5C%22", "topic=" + strings.Repeat("t,", 60), "q=" + strings.Repeat("a+", 600),
		"q=fastapi&all=1", "q=fastapi&all=true&offset=10000&limit=100",
	} {
		f.Add(seed)
	}
	fuzzAPI(f, "/api/search", func(v url.Values) error { _, err := query.ParseRequest(v); return err }, func(t *testing.T, b []byte) {
		if r := apitest.Decode[query.Result](t, b); r.Hits == nil || r.Facets == nil {
			t.Fatalf("result without hits or facets: %s", b)
		}
	})
}

// FuzzServeSimilar does the same for GET /api/similar and
// query.ParseSimilarRequest.
func FuzzServeSimilar(f *testing.F) {
	id := record.QuestionID(twiceAsked)
	for _, seed := range []string{
		"", "id=" + id, "id=" + id + "&limit=3", "q=How+do+I+use+websockets+in+FastAPI%3F", "q=%20", "id=%20",
		"id=" + id + "&q=x", "id=0123456789abcdef", "id=%3Cscript%3E", "id=" + strings.Repeat("f", 201), "q=x&limit=0",
		"q=x&limit=101", "q=x&limit=1e3", "q=%FF%FE", "q=" + strings.Repeat("%E4%B8%AD", 1001), "q=a;b", "q=%zz",
		"id=" + id + "&id=" + id, "q=x&level=beginner", "q=***", "q=the+the+the", "q=" + strings.Repeat("word+", 300),
	} {
		f.Add(seed)
	}
	fuzzAPI(f, "/api/similar", func(v url.Values) error { _, err := query.ParseSimilarRequest(v); return err }, func(t *testing.T, b []byte) {
		apitest.Decode[query.SimilarResult](t, b)
	})
}

// FuzzServeDups does the same for GET /api/dups and query.ParseDupsRequest.
func FuzzServeDups(f *testing.F) {
	for _, seed := range []string{
		"", "min_score=0.7", "min_score=1", "min_score=0.0001", "min_score=0", "min_score=-1", "min_score=NaN",
		"min_score=Inf", "min_score=1e-320", "min_score=0x1p-2", "level=beginner&topic=fastapi", "level=expert",
		"topic=" + strings.Repeat("t,", 60), "limit=1000&offset=10000", "limit=1001", "offset=-1", "offset=x",
		"q=x", "min_score=0.5&min_score=0.6", "level=BEGINNER,advanced", "topic=%FF", "a;b", "%zz",
	} {
		f.Add(seed)
	}
	fuzzAPI(f, "/api/dups", func(v url.Values) error { _, err := query.ParseDupsRequest(v); return err }, func(t *testing.T, b []byte) {
		apitest.Decode[query.DupsResult](t, b)
	})
}

// fuzzAPI runs a fuzz target that sends raw query strings to path: the
// server never panics or answers 5xx; a bad request is a 4xx with a JSON
// error, and when the query string parses, its code is what parse says;
// a good request is whatever ok accepts.
func fuzzAPI(f *testing.F, path string, parse func(url.Values) error, ok func(t *testing.T, body []byte)) {
	var (
		once sync.Once
		h    http.Handler
	)
	f.Fuzz(func(t *testing.T, raw string) {
		once.Do(func() { h = New(sharedSearcher(t), Options{}).Handler() })
		r := httptest.NewRequest("GET", path, nil)
		r.URL.RawQuery = raw
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		body := w.Body.Bytes()
		if w.Code == http.StatusServiceUnavailable {
			// The request's deadline passed (a loaded machine, a dups
			// request at a tiny min_score): the server's documented
			// answer, not a failure; it must still be a JSON error.
			if e := apitest.Error(t, body); e.Code != codeTimeout && e.Code != codeBusy {
				t.Fatalf("GET %s?%q = 503 with code %q; want timeout or busy", path, raw, e.Code)
			}
			return
		}
		if w.Code >= 500 {
			t.Fatalf("GET %s?%q = %d %s; want no 5xx but a deadline's 503", path, raw, w.Code, body)
		}
		if w.Code == 200 {
			ok(t, body)
			return
		}
		if w.Code < 400 {
			t.Fatalf("GET %s?%q = %d; want 200 or 4xx", path, raw, w.Code)
		}
		e := apitest.Error(t, body)
		v, perr := url.ParseQuery(raw)
		if perr != nil || len(path)+len(raw) > maxURLBytes {
			return
		}
		var qe *query.Error
		if err := parse(v); err != nil && !asQueryError(err, &qe) {
			t.Fatalf("GET %s?%q: parser error %v is not a *query.Error", path, raw, err)
		}
		switch {
		case qe != nil && qe.Code != e.Code:
			t.Fatalf("GET %s?%q = %d %q; the parser says %q", path, raw, w.Code, e.Code, qe.Code)
		case qe == nil && w.Code != http.StatusNotFound && e.Code != query.CodeUnknownValue:
			// A request that parses can only fail on what the index
			// holds: an unknown id, or a filter value it does not
			// hold (issue 13.7).
			t.Fatalf("GET %s?%q = %d %q; the parser accepts it", path, raw, w.Code, e.Code)
		}
	})
}

func asQueryError(err error, qe **query.Error) bool { return errors.As(err, qe) }

// xssSource is a Markdown question bank whose questions and answers hold
// live markup as text (in code spans, a code block and entities), the way
// a security course would.
const xssSource = "# Security interview questions\n\n" +
	"## 1. What does `<script>window.__xss=1</script>` do in a template?\n\n" +
	"It runs script when the template does not escape it. The classic probe is `<img src=x onerror=\"window.__xss=2\">` in a comment field.\n\n" +
	"```html\n<script>window.__xss=5</script>\n<img src=x onerror=\"window.__xss=6\">\n```\n\n" +
	"## 2. Why does &lt;img src=x onerror=\"window.__xss=3\"&gt; break an unescaped page?\n\n" +
	"The browser fires onerror because the image fails, and runs &lt;script&gt;window.__xss=4&lt;/script&gt; if the markup is not escaped.\n"

// xssQuestions are the questions ingest makes of xssSource.
var xssQuestions = []string{
	"What does `<script>window.__xss=1</script>` do in a template?",
	`Why does <img src=x onerror="window.__xss=3"> break an unescaped page?`,
}

// xssIndex builds an index of xssSource in a temporary directory and opens
// it.
func xssIndex(t *testing.T) (*query.Searcher, []string) {
	t.Helper()
	dir := t.TempDir()
	src := filepath.Join(dir, "security.md")
	if err := os.WriteFile(src, []byte(xssSource), 0o644); err != nil {
		t.Fatal(err)
	}
	opts := pipeline.OpenOptions{IndexDir: filepath.Join(dir, "index"), Sources: []string{src}}
	s, err := pipeline.Open(context.Background(), opts)
	if err != nil {
		t.Fatalf("index %s: %v", src, err)
	}
	t.Cleanup(func() { s.Close() })
	if n := s.Index().Meta().Records; n != len(xssQuestions) {
		t.Fatalf("index of %s has %d records; want %d", src, n, len(xssQuestions))
	}
	for _, q := range xssQuestions {
		if _, err := s.Record(record.QuestionID(q)); err != nil {
			t.Fatalf("planted question %q not indexed as such: %v", q, err)
		}
	}
	return s, xssQuestions
}
