package httpapi

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"html/template"
	"net/http"
	"net/url"

	"github.com/iq-search/iq/query"
	"github.com/iq-search/iq/record"
)

// The page at / is one html/template and two static files, embedded: no
// build step. The script renders results from the JSON API with DOM calls
// and textContent only (never innerHTML), turning the API's <mark> spans
// into <mark> elements itself, so corpus text can never become markup.

//go:embed web/index.html web/app.js web/app.css
var webFS embed.FS

// web holds the parsed page and the static files.
type web struct {
	page *template.Template
	// static maps a file name under /static/ to the file.
	static map[string]staticFile
}

// staticFile is an embedded file served under /static/, read once.
type staticFile struct {
	ctype string
	body  []byte
	// version is a content hash, put in the page's URLs so a browser
	// never runs a stale script against a new API.
	version string
}

func newWeb() *web {
	w := &web{
		page:   template.Must(template.ParseFS(webFS, "web/index.html")),
		static: map[string]staticFile{},
	}
	for name, ctype := range map[string]string{"app.js": "text/javascript; charset=utf-8", "app.css": "text/css; charset=utf-8"} {
		b, err := webFS.ReadFile("web/" + name)
		if err != nil {
			panic(fmt.Sprintf("embedded web/%s: %v", name, err)) // the embed directive guarantees it
		}
		sum := sha256.Sum256(b)
		w.static[name] = staticFile{ctype: ctype, body: b, version: hex.EncodeToString(sum[:6])}
	}
	return w
}

// pageData is what web/index.html shows before the script runs.
type pageData struct {
	Query   string
	Records int
	Script  string
	Style   string
	// Facets are the facet names of record.Facets, in display order: the
	// page lists a section for each and its script reads them from there.
	Facets []string
}

func (srv *Server) handlePage(w http.ResponseWriter, r *http.Request) {
	// A malformed query string just leaves the box empty; the page is
	// still useful.
	v, _ := url.ParseQuery(r.URL.RawQuery)
	data := pageData{
		Query:   v.Get(query.ParamText),
		Records: srv.searcher().Index().Meta().Records,
		Script:  "/static/app.js?v=" + srv.web.static["app.js"].version,
		Style:   "/static/app.css?v=" + srv.web.static["app.css"].version,
		Facets:  record.FacetNames(),
	}
	var buf bytes.Buffer
	if err := srv.web.page.Execute(&buf, data); err != nil {
		srv.fail(w, r, fmt.Errorf("render page: %w", err))
		return
	}
	w.Header().Set("Cache-Control", "no-cache")
	srv.writeBytes(w, r, http.StatusOK, "text/html; charset=utf-8", buf.Bytes())
}

// handleStatic serves the embedded script and style sheet, and nothing
// else: no directory listings, no other files of the binary.
func (srv *Server) handleStatic(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("file")
	f, ok := srv.web.static[name]
	if !ok {
		srv.writeError(w, r, http.StatusNotFound, codeNotFound, fmt.Sprintf("no such path %q", r.URL.Path))
		return
	}
	// The URL carries the content hash, so a long cache is safe.
	w.Header().Set("Cache-Control", "public, max-age=86400")
	srv.writeBytes(w, r, http.StatusOK, f.ctype, f.body)
}
