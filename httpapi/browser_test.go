package httpapi

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"net/url"
	"os/exec"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"github.com/iq-search/iq/query"
	"github.com/iq-search/iq/record"
)

// Browser tests drive Debian's chromium over the DevTools protocol
// (github.com/chromedp/chromedp) against an httptest server on loopback.
// They skip when no browser is installed; .ci/run installs chromium.

// findBrowser returns the path of a Chromium or Chrome binary, or "".
func findBrowser() string {
	for _, name := range []string{"/usr/bin/chromium", "chromium", "chromium-browser", "google-chrome", "google-chrome-stable"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// pageWatch runs in the page before its own scripts: it records every
// Content-Security-Policy violation and every uncaught error, so a test
// sees markup that tried to run even though the policy stopped it.
const pageWatch = `
window.__violations = [];
document.addEventListener('securitypolicyviolation', (e) => window.__violations.push(e.violatedDirective + ' ' + e.blockedURI + ' ' + (e.sample || '')));
window.addEventListener('error', (e) => window.__violations.push('error ' + e.message));
`

// newBrowser starts a headless chromium for the test, with a fresh profile
// and nothing that reaches the network on its own.
func newBrowser(t *testing.T) context.Context {
	t.Helper()
	path := findBrowser()
	if path == "" {
		t.Skip("no chromium or google-chrome binary found; install chromium to run browser tests")
	}
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(),
		chromedp.ExecPath(path),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1280, 900),
	)
	ctx, cancel := chromedp.NewContext(actx, chromedp.WithLogf(t.Logf))
	t.Cleanup(func() {
		cancel()
		cancelAlloc()
	})
	// The first Run starts the browser; it must not carry a timeout.
	err := chromedp.Do(ctx, chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := cdp.Call(ctx, tg, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{Source: pageWatch})
		return err
	}))
	if err != nil {
		t.Fatalf("start %s: %v", path, err)
	}
	return ctx
}

// eval evaluates a JavaScript expression in the page.
func eval[T any](t *testing.T, ctx context.Context, expr string) T {
	t.Helper()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](expr))
	if err != nil {
		t.Fatalf("evaluate %s: %v", expr, err)
	}
	return v
}

const titlesJS = `[...document.querySelectorAll('#hits .hit-title')].map((e) => e.textContent)`

// waitTitles waits until the page lists exactly want as hit titles, in
// order, and fails with what it lists instead.
func waitTitles(t *testing.T, ctx context.Context, what string, want []string) {
	t.Helper()
	js, _ := json.Marshal(want)
	wctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	_, err := chromedp.Run(wctx, chromedp.Poll[bool](`JSON.stringify(`+titlesJS+`) === JSON.stringify(JSON.parse(`+jsString(js)+`))`))
	if err != nil {
		got := eval[[]string](t, ctx, titlesJS)
		t.Fatalf("%s: page lists %d questions %q; want %d %q (%v)", what, len(got), got, len(want), want, err)
	}
}

// jsString quotes JSON as a JavaScript string literal.
func jsString(b []byte) string {
	q, _ := json.Marshal(string(b))
	return string(q)
}

func questions(t *testing.T, s *query.Searcher, req query.Request) []string {
	t.Helper()
	res, err := s.Search(context.Background(), req)
	if err != nil {
		t.Fatalf("Search(%+v): %v", req, err)
	}
	var qs []string
	for _, h := range res.Hits {
		qs = append(qs, h.Question)
	}
	return qs
}

// The page searches as you type, filters by a ticked level and opens a
// question: what it lists is what the API answers for the same request.
func TestBrowserSearch(t *testing.T) {
	s := sharedSearcher(t)
	ctx := newBrowser(t)
	ts := httptest.NewServer(New(s, Options{Hosts: LoopbackHosts}).Handler())
	defer ts.Close()

	const text = "dependency injection"
	const pageSize = 20 // app.js PAGE
	if err := chromedp.Do(ctx,
		chromedp.Navigate(ts.URL+"/"),
		chromedp.WaitVisible(chromedp.CSS("#hits .hit")),
	); err != nil {
		t.Fatalf("load page: %v", err)
	}
	waitTitles(t, ctx, "page opened with no query", questions(t, s, query.Request{Limit: pageSize}))

	if err := chromedp.Do(ctx, chromedp.SendKeys(chromedp.CSS("#q"), text)); err != nil {
		t.Fatal(err)
	}
	all := questions(t, s, query.Request{Text: text, Limit: pageSize})
	waitTitles(t, ctx, "typed "+text, all)
	if n := eval[int](t, ctx, `document.querySelectorAll('#hits mark').length`); n == 0 {
		t.Error("no highlighted words in the hits")
	}
	// A hit that stands for folded near-duplicates says how many.
	var folded []string
	res, err := s.Search(context.Background(), query.Request{Text: text, Limit: pageSize})
	if err != nil {
		t.Fatal(err)
	}
	for _, h := range res.Hits {
		if h.Similar > 0 {
			folded = append(folded, fmt.Sprintf("%s +%d similar", h.Question, h.Similar))
		}
	}
	if len(folded) == 0 {
		t.Fatalf("bad fixture: no hit of %q stands for near-duplicates", text)
	}
	if got := eval[[]string](t, ctx, `[...document.querySelectorAll('#hits .hit')].filter((h) => h.querySelector('.similar-count')).map((h) => h.querySelector('.hit-title').textContent + ' ' + h.querySelector('.similar-count').textContent)`); !slices.Equal(got, folded) {
		t.Errorf("hits with \"+N similar\" = %q; want %q", got, folded)
	}

	box := chromedp.CSS(`#facets input[name="level"][value="beginner"]`)
	if err := chromedp.Do(ctx, chromedp.WaitVisible(box), chromedp.Click(box)); err != nil {
		t.Fatalf("tick level beginner: %v", err)
	}
	beginner := questions(t, s, query.Request{Text: text, Filters: query.Filters{record.FieldLevel: {record.LevelBeginner}}, Limit: pageSize})
	if len(beginner) == 0 || len(beginner) == len(all) {
		t.Fatalf("bad fixture: %d beginner hits of %d", len(beginner), len(all))
	}
	waitTitles(t, ctx, "ticked beginner", beginner)
	badges := eval[[]string](t, ctx, `[...document.querySelectorAll('#hits .hit .badge[class*="level-"]')].map((e) => e.textContent)`)
	if len(badges) != len(beginner) || slices.ContainsFunc(badges, func(b string) bool { return b != "beginner" }) {
		t.Errorf("level badges = %q; want %d × beginner", badges, len(beginner))
	}
	loc := eval[string](t, ctx, `location.search`)
	if v, _ := url.ParseQuery(strings.TrimPrefix(loc, "?")); v.Get("q") != text || v.Get("level") != "beginner" {
		t.Errorf("page address %q; want q=%q and level=beginner in it", loc, text)
	}

	// Open the first question: its full record, with answers and sources.
	if err := chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS("#hits .hit-title")),
		chromedp.WaitVisible(chromedp.CSS("#question .answer")),
	); err != nil {
		t.Fatalf("open question: %v", err)
	}
	rec, err := s.Record(record.QuestionID(beginner[0]))
	if err != nil {
		t.Fatal(err)
	}
	if got := eval[string](t, ctx, `document.querySelector('#question .q-title').textContent`); got != rec.Question {
		t.Errorf("question view title = %q; want %q", got, rec.Question)
	}
	if got := eval[int](t, ctx, `document.querySelectorAll('#question .answer').length`); got != len(rec.Answers) {
		t.Errorf("question view shows %d answers; want %d", got, len(rec.Answers))
	}
	if got, want := eval[string](t, ctx, `document.querySelector('#question .sources').textContent`), rec.Sources[0].File; !strings.Contains(got, want) {
		t.Errorf("question view sources = %q; want %q in them", got, want)
	}
	// Its similar questions are those GET /api/similar ranks, likely
	// duplicates marked.
	sim, err := s.Similar(context.Background(), query.SimilarRequest{ID: rec.ID, Limit: 10})
	if err != nil || len(sim.Matches) == 0 {
		t.Fatalf("Similar(%s) = %v, %v; want matches", rec.ID, sim, err)
	}
	var want []string
	dups := 0
	for _, m := range sim.Matches {
		want = append(want, m.Question)
		if m.Duplicate {
			dups++
		}
	}
	if err := chromedp.Do(ctx, chromedp.WaitVisible(chromedp.CSS("#similar .similar-list li"))); err != nil {
		t.Fatalf("similar questions not shown: %v", err)
	}
	if got := eval[[]string](t, ctx, `[...document.querySelectorAll('#similar .similar-list li a')].map((a) => a.textContent)`); !slices.Equal(got, want) {
		t.Errorf("similar questions = %q; want %q", got, want)
	}
	if got := eval[int](t, ctx, `document.querySelectorAll('#similar .badge.dup').length`); got != dups {
		t.Errorf("%d similar questions marked duplicate; want %d", got, dups)
	}
	if v := eval[[]string](t, ctx, `window.__violations`); len(v) > 0 {
		t.Errorf("the page broke its own Content-Security-Policy or threw: %q", v)
	}
}

// A question bank whose text holds <script> and <img onerror=…> shows them
// as text, in the hit list and in the question view, and none of it runs.
func TestBrowserEscapesCorpusText(t *testing.T) {
	s, planted := xssIndex(t)
	ctx := newBrowser(t)
	ts := httptest.NewServer(New(s, Options{Hosts: LoopbackHosts}).Handler())
	defer ts.Close()

	// The query itself carries markup too: the page echoes it into the
	// search box through html/template.
	probe := `onerror <img src=x onerror="window.__xss=7">`
	if err := chromedp.Do(ctx, chromedp.Navigate(ts.URL+"/?q="+url.QueryEscape(probe))); err != nil {
		t.Fatal(err)
	}
	want := questions(t, s, query.Request{Text: probe, Limit: 20})
	if len(want) != len(planted) {
		t.Fatalf("Search(%q) finds %d questions; want the %d planted ones", probe, len(want), len(planted))
	}
	waitTitles(t, ctx, "searched "+probe, want)
	if got := eval[string](t, ctx, `document.querySelector('#q').value`); got != probe {
		t.Errorf("search box = %q; want %q", got, probe)
	}

	if err := chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS("#hits .hit-title")),
		chromedp.WaitVisible(chromedp.CSS("#question .answer")),
	); err != nil {
		t.Fatalf("open question: %v", err)
	}
	// The question view shows the planted markup as text, the code block
	// verbatim.
	view := eval[string](t, ctx, `document.querySelector('#question').textContent`)
	rec, err := s.Record(record.QuestionID(want[0]))
	if err != nil {
		t.Fatal(err)
	}
	for _, part := range []string{rec.Question, "<script>window.__xss=", `onerror="window.__xss=`} {
		if !strings.Contains(view, part) {
			t.Errorf("question view text lacks %q:\n%s", part, view)
		}
	}
	if n := len(rec.Answers[0].Code); n > 0 {
		if got := eval[int](t, ctx, `document.querySelectorAll('#question pre code').length`); got != n {
			t.Errorf("question view shows %d code blocks; want %d", got, n)
		}
	}

	// Nothing became an element, nothing ran, nothing was even blocked.
	if n := eval[int](t, ctx, `document.querySelectorAll('#results img, #results script, #question img, #question script, #results [onerror], #question [onerror]').length`); n != 0 {
		t.Errorf("%d elements made from corpus text; want none", n)
	}
	if flag := eval[bool](t, ctx, `window.__xss !== undefined`); flag {
		t.Errorf("planted script ran: window.__xss = %v", eval[any](t, ctx, `window.__xss`))
	}
	if v := eval[[]string](t, ctx, `window.__violations`); len(v) > 0 {
		t.Errorf("markup tried to run (blocked by the policy or failed): %q", v)
	}
}

// The duplicates view lists the clusters /api/dups answers, each with its
// members side by side, their scores and why they match; a member opens in
// the question view, and the address says what the page shows.
func TestBrowserDups(t *testing.T) {
	s := sharedSearcher(t)
	ctx := newBrowser(t)
	ts := httptest.NewServer(New(s, Options{Hosts: LoopbackHosts}).Handler())
	defer ts.Close()

	res, err := s.Dups(context.Background(), query.DupsRequest{Limit: 20})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Clusters) == 0 {
		t.Fatal("bad fixture: no clusters")
	}
	var want []string
	members := 0
	for _, c := range res.Clusters {
		want = append(want, c.Question)
		members += len(c.Members)
	}
	if err := chromedp.Do(ctx,
		chromedp.Navigate(ts.URL+"/"),
		chromedp.WaitVisible(chromedp.CSS("#hits .hit")),
		chromedp.Click(chromedp.CSS("#dups-link")),
		chromedp.WaitVisible(chromedp.CSS("#clusters .cluster")),
	); err != nil {
		t.Fatalf("open the duplicates view: %v", err)
	}
	got := eval[[]string](t, ctx, `[...document.querySelectorAll('#clusters .cluster')].map((c) => c.querySelector('.member.canonical .member-title').textContent)`)
	if !slices.Equal(got, want) {
		t.Errorf("duplicates view lists %q; want the canonical questions %q", got, want)
	}
	if n := eval[int](t, ctx, `document.querySelectorAll('#clusters .member').length`); n != members {
		t.Errorf("duplicates view shows %d members; want %d", n, members)
	}
	// Every member but the canonical says why it matches.
	if n := eval[int](t, ctx, `[...document.querySelectorAll('#clusters .member:not(.canonical)')].filter((m) => !m.querySelector('.why p')).length`); n != 0 {
		t.Errorf("%d members without a reason", n)
	}
	if loc := eval[string](t, ctx, `location.search`); loc != "?view=dups" {
		t.Errorf("page address %q; want ?view=dups", loc)
	}
	if !eval[bool](t, ctx, `document.querySelector('#results').hidden`) {
		t.Error("search results still shown beside the duplicates")
	}
	if err := chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS("#clusters .member:not(.canonical) .member-title")),
		chromedp.WaitVisible(chromedp.CSS("#question .q-title")),
	); err != nil {
		t.Fatalf("open a member: %v", err)
	}
	if v := eval[[]string](t, ctx, `window.__violations`); len(v) > 0 {
		t.Errorf("the page broke its policy or threw: %q", v)
	}
}

// The question view shows an answer's Markdown code spans (`Depends`) as
// code, without their backticks, and every other word as text.
func TestBrowserInlineCode(t *testing.T) {
	s := sharedSearcher(t)
	span := regexp.MustCompile("`([^`\n]+)`")
	var rec record.Record
	var want []string
	res, err := s.Search(context.Background(), query.Request{Text: "Depends", Limit: 20})
	if err != nil {
		t.Fatal(err)
	}
	for _, h := range res.Hits {
		r, err := s.Record(h.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(r.Answers) != 1 || len(r.Answers[0].Code) > 0 {
			continue // one answer of prose only: its spans are all shown
		}
		for _, m := range span.FindAllStringSubmatch(r.Answers[0].Text, -1) {
			want = append(want, m[1])
		}
		if len(want) > 0 {
			rec = r
			break
		}
	}
	if len(want) == 0 {
		t.Fatal(`no hit for "Depends" has an answer of prose with a code span`)
	}
	ctx := newBrowser(t)
	ts := httptest.NewServer(New(s, Options{Hosts: LoopbackHosts}).Handler())
	defer ts.Close()
	wctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	if err := chromedp.Do(wctx, chromedp.Navigate(ts.URL+"/?id="+string(rec.ID)), chromedp.WaitVisible(chromedp.CSS("#question .answer"))); err != nil {
		t.Fatal(err)
	}
	got := eval[[]string](t, ctx, `[...document.querySelectorAll('#question p.text code')].map((c) => c.textContent)`)
	if !slices.Equal(got, want) {
		t.Errorf("code spans shown as code: %q; want %q", got, want)
	}
	if text := eval[string](t, ctx, `[...document.querySelectorAll('#question p.text')].map((p) => p.textContent).join(' ')`); strings.Contains(text, "`") {
		t.Errorf("answer text still shows backticks: %q", text)
	}
}
