package httpapi

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/iq-search/iq/internal/disktest"
	"github.com/iq-search/iq/pipeline"
	"github.com/iq-search/iq/query"
)

// A running server follows its index: each refresh by `iq index` is
// served without a restart, and no request fails across the swaps (issue
// 13.2). Clients search and open questions all along; after each refresh
// the new question must become findable.
func TestServeSwapsRefreshedIndex(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	src := filepath.Join(t.TempDir(), "bank")
	os.MkdirAll(src, 0o755)
	base := "# Go\n\n## What is a goroutine?\n\nA function running concurrently, scheduled by the runtime.\n\n## What is a channel?\n\nA typed conduit between goroutines.\n"
	os.WriteFile(filepath.Join(src, "go.md"), []byte(base), 0o644)
	po := pipeline.OpenOptions{IndexDir: filepath.Join(t.TempDir(), "index"), Sources: []string{src}}
	s, err := pipeline.Open(ctx, po)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	po.Sources = nil
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() {
		done <- Run(ctx, s, ln, Options{Searchers: pipeline.Follow(ctx, po, s.Index().Meta().Generation, 20*time.Millisecond)})
	}()
	baseURL := "http://" + ln.Addr().String()
	get := func(path string) (*http.Response, error) { return http.Get(baseURL + path) }

	const refreshes = 5
	r := disktest.ReadWhile(4, func(c, i int) error {
		path := "/api/search?q=goroutine"
		if (i+c)%3 == 0 {
			path = "/api/facets"
		}
		res, err := get(path)
		if err != nil {
			return err
		}
		res.Body.Close()
		if res.StatusCode != http.StatusOK {
			return fmt.Errorf("%s: %s", path, res.Status)
		}
		return nil
	}, func() {
		for i := 1; i <= refreshes; i++ {
			q := fmt.Sprintf("What is swap question %d?", i)
			os.WriteFile(filepath.Join(src, "go.md"), fmt.Appendf([]byte(base), "\n## %s\n\nThe answer to number %d.\n", q, i), 0o644)
			if _, err := pipeline.Build(ctx, po); err != nil {
				t.Fatal(err)
			}
			deadline := time.Now().Add(20 * time.Second)
			for {
				res, err := get("/api/search?q=" + url.QueryEscape(fmt.Sprintf(`"swap question %d"`, i)))
				var r query.Result
				if err == nil {
					json.NewDecoder(res.Body).Decode(&r)
					res.Body.Close()
				}
				if len(r.Hits) == 1 && r.Hits[0].Question == q {
					break
				}
				if time.Now().After(deadline) {
					t.Fatalf("refresh %d: the server still does not find %q", i, q)
				}
				time.Sleep(20 * time.Millisecond)
			}
		}
	})
	cancel()
	<-done
	if r.Failed > 0 {
		t.Errorf("%d of %d requests failed across %d index swaps; first: %v", r.Failed, r.N, refreshes, r.First)
	}
	t.Logf("%d requests across %d index swaps, %d failed", r.N, refreshes, r.Failed)
}
