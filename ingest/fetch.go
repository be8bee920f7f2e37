package ingest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"path"
	"strings"
	"time"
)

// Web pages and standard input are sources beside files: a source that is
// an http or https URL is fetched, and Stdin ("-") is read from
// Options.Stdin. A page that cannot be used is skipped with a reason
// naming the URL (SkipUnreadable: the status, a timeout, too many
// redirects, a content type that is no document; SkipTooLarge), and the
// run goes on, as for a file.

// Stdin is the source name that reads standard input (Options.Stdin).
const Stdin = "-"

// Fetch limits.
const (
	// DefaultFetchTimeout bounds one page's fetch, from the request to
	// the last byte.
	DefaultFetchTimeout = 30 * time.Second
	// maxRedirects bounds the redirects followed for one page.
	maxRedirects = 5
)

// IsURL reports whether a source is a web page to fetch: an http or https
// URL with a host.
func IsURL(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != ""
}

// urlRel is what topics and levels read of a page's address, as they read
// a file's path below its folder: host and path.
func urlRel(s string) string {
	u, err := url.Parse(s)
	if err != nil {
		return s
	}
	return path.Join(u.Host, u.Path)
}

// urlName is the name a page's format is guessed from: its path, whose
// extension (.md, .html) counts as a file's does.
func urlName(s string) string {
	u, err := url.Parse(s)
	if err != nil || u.Path == "" || strings.HasSuffix(u.Path, "/") {
		return ""
	}
	return u.Path
}

// fetchPage fetches a page and returns its body and the format its content
// type names (0 for plain text). The body is at most limit bytes.
func fetchPage(ctx context.Context, client *http.Client, timeout time.Duration, limit int64, page string) ([]byte, Format, *Skip) {
	skip := func(r Reason, format string, args ...any) ([]byte, Format, *Skip) {
		return nil, 0, &Skip{File: page, Reason: r, Detail: fmt.Sprintf(format, args...)}
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, page, nil)
	if err != nil {
		return skip(SkipUnreadable, "%v", err)
	}
	req.Header.Set("User-Agent", "iq (interview question search; +https://github.com/iq-search/iq)")
	req.Header.Set("Accept", "text/html, text/markdown, text/plain;q=0.9, application/x-ndjson;q=0.8, text/csv;q=0.8")
	c := *client
	c.CheckRedirect = func(req *http.Request, via []*http.Request) error {
		if len(via) > maxRedirects {
			return fmt.Errorf("more than %d redirects", maxRedirects)
		}
		return nil
	}
	resp, err := c.Do(req)
	if err != nil {
		if errors.Is(err, context.DeadlineExceeded) || errors.Is(ctx.Err(), context.DeadlineExceeded) {
			return skip(SkipUnreadable, "no complete answer within %s", timeout)
		}
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return skip(SkipUnreadable, "fetch: %v", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return skip(SkipUnreadable, "HTTP %s", resp.Status)
	}
	ctype := resp.Header.Get("Content-Type")
	media, _, err := mime.ParseMediaType(ctype)
	if ctype == "" {
		media, err = "text/plain", nil
	}
	format, ok := formatByMedia(media) // ParseMediaType lower-cases it
	if err != nil || !ok {
		return skip(SkipUnreadable, "content type %q is not a page iq reads (want %s)", ctype, formatLabels())
	}
	if resp.ContentLength > limit {
		return skip(SkipTooLarge, "%d bytes, over the %d-byte limit", resp.ContentLength, limit)
	}
	var buf bytes.Buffer
	if _, err := buf.ReadFrom(io.LimitReader(resp.Body, limit+1)); err != nil {
		if ctx.Err() != nil {
			return skip(SkipUnreadable, "no complete answer within %s", timeout)
		}
		return skip(SkipUnreadable, "read: %v", err)
	}
	if int64(buf.Len()) > limit {
		return skip(SkipTooLarge, "more than %d bytes", limit)
	}
	return buf.Bytes(), format, nil
}
