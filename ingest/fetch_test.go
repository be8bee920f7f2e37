package ingest

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

const pageHTML = `<!doctype html><html><head><title>JavaScript interview questions</title></head><body>
<main><h1>JavaScript interview questions</h1>
<h2>1. What is a closure?</h2><p>A function together with the scope it was created in.</p>
<h2>2. What is hoisting?</h2><p>Declarations are moved to the top of their scope.</p>
</main></body></html>`

// pageServer serves the pages of TestFetch from 127.0.0.1, never the
// internet.
func pageServer(t *testing.T) *httptest.Server {
	mux := http.NewServeMux()
	page := func(ctype, body string) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", ctype)
			fmt.Fprint(w, body)
		}
	}
	mux.HandleFunc("/questions.html", page("text/html; charset=utf-8", pageHTML))
	mux.HandleFunc("/notes", page("text/markdown", "# Go\n\n## What is a goroutine?\n\nA function running concurrently.\n"))
	mux.HandleFunc("/plain.md", page("text/plain", "# Go\n\n## What is a channel?\n\nA typed pipe between goroutines.\n"))
	mux.HandleFunc("/bank", page("application/x-ndjson", `{"question":"What is bias and variance?","answers":[{"text":"Two sources of error."}]}`+"\n"))
	mux.HandleFunc("/image.png", page("image/png", "\x89PNG\r\n"))
	mux.HandleFunc("/hop/{n}", func(w http.ResponseWriter, r *http.Request) {
		var n int
		fmt.Sscan(r.PathValue("n"), &n)
		if n == 0 {
			http.Redirect(w, r, "/questions.html", http.StatusFound)
			return
		}
		http.Redirect(w, r, fmt.Sprintf("/hop/%d", n-1), http.StatusMovedPermanently)
	})
	mux.HandleFunc("/loop", func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, "/loop", http.StatusFound) })
	mux.HandleFunc("/slow", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(200)
		fmt.Fprint(w, "<html><body><h2>What is slow?</h2>")
		w.(http.Flusher).Flush()
		select {
		case <-r.Context().Done():
		case <-time.After(10 * time.Second):
		}
	})
	mux.HandleFunc("/huge", func(w http.ResponseWriter, r *http.Request) {
		body := "<html><body>" + strings.Repeat("<p>What is big?</p>", 1000) + "</body></html>"
		w.Header().Set("Content-Type", "text/html")
		w.Header().Set("Content-Length", fmt.Sprint(len(body)))
		fmt.Fprint(w, body)
	})
	mux.HandleFunc("/huge-chunked", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain")
		for range 100 {
			fmt.Fprint(w, strings.Repeat("What is streamed? ", 100))
			w.(http.Flusher).Flush()
		}
	})
	ts := httptest.NewServer(mux)
	t.Cleanup(ts.Close)
	return ts
}

// Web pages are fetched and ingested like files: their format from the
// content type (or the path and content when it says text/plain), each
// failure a skip that names the URL and why, and the run goes on.
func TestFetch(t *testing.T) {
	ts := pageServer(t)
	u := func(p string) string { return ts.URL + p }
	paths := []string{u("/questions.html"), u("/notes"), u("/plain.md"), u("/bank"), u("/hop/3"),
		u("/image.png"), u("/missing"), u("/loop"), u("/slow"), u("/huge"), u("/huge-chunked")}
	start := time.Now()
	recs, rep, err := Paths(context.Background(), paths, Options{FetchTimeout: 500 * time.Millisecond, MaxFileSize: 8 << 10})
	if err != nil {
		t.Fatal(err)
	}
	if took := time.Since(start); took > 10*time.Second {
		t.Errorf("run took %s; want the slow page cut at its 500ms timeout", took)
	}
	got := map[string][]string{}
	for _, r := range recs {
		for _, s := range r.Sources {
			got[s.File] = append(got[s.File], r.Question)
		}
	}
	for page, want := range map[string][]string{
		u("/questions.html"): {"What is a closure?", "What is hoisting?"},
		u("/hop/3"):          {"What is a closure?", "What is hoisting?"},
		u("/notes"):          {"What is a goroutine?"},
		u("/plain.md"):       {"What is a channel?"},
		u("/bank"):           {"What is bias and variance?"},
	} {
		if strings.Join(got[page], "|") != strings.Join(want, "|") {
			t.Errorf("questions of %s = %q; want %q", page, got[page], want)
		}
	}
	skips := map[string]string{}
	for _, s := range rep.Skipped {
		skips[s.File] = string(s.Reason) + ": " + s.Detail
	}
	for page, want := range map[string]string{
		u("/image.png"):    `unreadable: content type "image/png" is not a page iq reads (want plain text, Markdown, HTML, JSON lines or CSV)`,
		u("/missing"):      "unreadable: HTTP 404 Not Found",
		u("/loop"):         "unreadable: fetch: more than 5 redirects",
		u("/slow"):         "unreadable: no complete answer within 500ms",
		u("/huge"):         "too-large: 19026 bytes, over the 8192-byte limit",
		u("/huge-chunked"): "too-large: more than 8192 bytes",
	} {
		if skips[page] != want {
			t.Errorf("skip of %s = %q; want %q", page, skips[page], want)
		}
	}
	if len(rep.Skipped) != 6 {
		t.Errorf("skipped %+v; want the 6 bad pages", rep.Skipped)
	}
}

func TestIsURL(t *testing.T) {
	for s, want := range map[string]bool{
		"https://example.com/q.html": true, "http://127.0.0.1:8080/": true, "HTTPS://EXAMPLE.COM": true,
		"file:///etc/passwd": false, "ftp://x/y": false, "notes/q.md": false, "-": false, "https://": false, "C:\\notes": false,
	} {
		if got := IsURL(s); got != want {
			t.Errorf("IsURL(%q) = %v; want %v", s, got, want)
		}
	}
}
