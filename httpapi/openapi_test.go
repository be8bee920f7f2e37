package httpapi

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	legacyrouter "github.com/getkin/kin-openapi/routers/legacy"

	"github.com/iq-search/iq/internal/apitest"
	"github.com/iq-search/iq/query"
)

// TestOpenAPI checks the document served at /api/openapi.json: it is a
// valid OpenAPI 3.1 document, and the handlers' real answers to requests of
// every operation, successes and errors, match its schemas (every object of
// the document forbids fields it does not name, so a field added to a
// result must be documented). kin-openapi validates; the document is
// hand-written, so this is the test that keeps it true.
func TestOpenAPI(t *testing.T) {
	ctx := context.Background()
	h := New(sharedSearcher(t), Options{}).Handler()
	served := apitest.Get(h, "GET", "/api/openapi.json")
	if served.Code != http.StatusOK || !bytes.Equal(served.Body.Bytes(), openAPI) {
		t.Fatalf("GET /api/openapi.json = %d, %d bytes; want 200 and the embedded document", served.Code, served.Body.Len())
	}
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromData(openAPI)
	if err != nil {
		t.Fatalf("load openapi.json: %v", err)
	}
	if err := doc.Validate(loader.Context); err != nil {
		t.Fatalf("openapi.json is not a valid OpenAPI document: %v", err)
	}
	router, err := legacyrouter.NewRouter(doc)
	if err != nil {
		t.Fatal(err)
	}

	res, err := sharedSearcher(t).Search(ctx, query.Request{Text: twiceAsked, Limit: 1, All: true})
	if err != nil || len(res.Hits) == 0 {
		t.Fatalf("Search(%q) = %v, %v", twiceAsked, res, err)
	}
	id := res.Hits[0].ID
	for _, tc := range []struct {
		target string
		status int
	}{
		{"/api/search?q=dependency+injection", 200},
		{"/api/search?q=dependncy+injecton", 200},
		{"/api/search?q=websoc", 200},
		{"/api/search?q=dependency+injection&level=beginner&level=intermediate&topic=fastapi&limit=100&sort=level&all=true", 200},
		{"/api/search?level=advanced", 200},
		{"/api/search?q=zzzzqqqq", 200},
		{"/api/search?q=x&level=expert", 400},
		{"/api/search?q=x&limit=500", 400},
		{"/api/search?q=x&sort=date", 400},
		{"/api/search?q=x&topic=fastpai", 400},
		{"/api/questions/" + id, 200},
		{"/api/questions/0000000000000000", 404},
		{"/api/similar?id=" + id, 200},
		{"/api/similar?q=How+do+I+add+WebSocket+endpoints+to+FastAPI%3F&limit=3", 200},
		{"/api/similar?id=0000000000000000", 404},
		{"/api/similar?limit=3", 400},
		{"/api/dups", 200},
		{"/api/dups?min_score=0.8&level=beginner&topic=fastapi&limit=2&offset=1", 200},
		{"/api/dups?min_score=2", 400},
		{"/api/dups?topic=fastpai", 400},
		{"/api/facets", 200},
		{"/api/openapi.json", 200},
		{"/healthz", 200},
	} {
		rec := apitest.Get(h, "GET", tc.target)
		if rec.Code != tc.status {
			t.Errorf("GET %s = %d; want %d: %s", tc.target, rec.Code, tc.status, rec.Body)
			continue
		}
		req := httptest.NewRequest("GET", "http://127.0.0.1"+tc.target, nil)
		route, params, err := router.FindRoute(req)
		if err != nil {
			t.Errorf("GET %s: not in openapi.json: %v", tc.target, err)
			continue
		}
		in := &openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: route}
		if tc.status == http.StatusOK {
			// What the server accepts, the document allows.
			if err := openapi3filter.ValidateRequest(ctx, in); err != nil {
				t.Errorf("GET %s: the document does not allow this request: %v", tc.target, err)
			}
		}
		out := &openapi3filter.ResponseValidationInput{
			RequestValidationInput: in, Status: rec.Code, Header: rec.Header(),
			Body:    io.NopCloser(bytes.NewReader(rec.Body.Bytes())),
			Options: &openapi3filter.Options{IncludeResponseStatus: true},
		}
		if err := openapi3filter.ValidateResponse(ctx, out); err != nil {
			t.Errorf("GET %s: answer %d does not match openapi.json: %v\n%.600s", tc.target, rec.Code, err, rec.Body)
		}
	}
	// Every documented path is served.
	for _, path := range doc.Paths.InMatchingOrder() {
		target := strings.ReplaceAll(path, "{id}", id)
		if rec := apitest.Get(h, "GET", target); rec.Code == http.StatusNotFound {
			t.Errorf("openapi.json documents %s, which the server does not serve: %s", path, rec.Body)
		}
	}
}
