package httpapi

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"path/filepath"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/iq-search/iq/index/synth"
	"github.com/iq-search/iq/query"
	"github.com/iq-search/iq/record"

	"github.com/iq-search/iq/internal/benchkit"
	"github.com/iq-search/iq/internal/cputime"
)

// TestLoad is the HTTP load test: many concurrent clients against a real
// http.Server on 127.0.0.1, for a fixed time, sending what the page sends:
// searches with facet filters, and for one request in ten a question
// opened (GET /api/questions/ID, and one time in three its similar
// questions). It runs only with -load (it takes minutes and both cores):
//
//	go test ./cmd/iq -run TestLoad -load -v -timeout 30m
//
// and reports throughput, latency percentiles and CPU per request for
// BENCHMARKS.md. Any answer but 200 is an error and fails the test.
var (
	loadRun      = flag.Bool("load", false, "run TestLoad, the HTTP load test")
	loadClients  = flag.Int("load.clients", 64, "concurrent clients of TestLoad")
	loadDuration = flag.Duration("load.duration", 20*time.Second, "how long TestLoad sends requests per corpus")
	loadSynth    = flag.Int("load.synth", 100000, "records of TestLoad's synthetic corpus (0: embedded corpus only)")
	loadSearches = flag.Int("load.searches", 0, "searches at once in TestLoad's server (0: the server's default)")
	loadSynthDir = flag.String("load.synthdir", "", "keep TestLoad's synthetic index in `DIR` and reuse it when it matches")
	loadSimilar  = flag.Bool("load.similar", true, "include GET /api/similar in TestLoad's mix")
)

// embeddedQueries are things people type about the embedded corpus: words,
// phrases, code names, exclusions, a misspelling.
var embeddedQueries = []string{
	"dependency injection", "pydantic", "middleware", "websocket", "oauth2 password bearer",
	"OAuth2PasswordBearer", "dependncy injecton", "async", "background tasks", `"path parameters"`,
	"testing", "database session", "jwt authentication", "cors", "api versioning", "fastapi -django",
	"response model", "rate limiting", "deployment docker", "error handling", "what is fastapi",
	"@app.get", "validation", "performance", "security",
}

func TestLoad(t *testing.T) {
	if !*loadRun {
		t.Skip("the HTTP load test runs with -load")
	}
	t.Run("embedded", func(t *testing.T) {
		s := sharedSearcher(t)
		runLoad(t, s, embeddedQueries)
	})
	if *loadSynth > 0 {
		t.Run(fmt.Sprintf("synth-%d", *loadSynth), func(t *testing.T) {
			s := synthSearcher(t, *loadSynth)
			runLoad(t, s, synth.Queries(256, benchkit.Seed))
		})
	}
}

// synthSearcher opens an index of n synthetic records (the benchmarks'
// benchkit.SynthIndex), building it when -load.synthdir holds none.
func synthSearcher(t *testing.T, n int) *query.Searcher {
	dir := *loadSynthDir
	if dir == "" {
		dir = filepath.Join(t.TempDir(), "synth")
	}
	start := time.Now()
	ix := benchkit.SynthIndex(t, dir, n)
	t.Logf("synthetic index of %d records ready in %s (%s)", n, time.Since(start).Round(time.Millisecond), dir)
	s, err := query.NewSearcher(ix)
	if err != nil {
		ix.Close()
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// loadURLs makes a deterministic mix of n URLs the way people use the
// page: a query alone, or with facet values ticked from the counts its
// result offers (a level a third of the time, a topic a quarter, a tag a
// sixth), a second page an eighth of the time, and one in twenty is
// browsing by a level with no text. One URL in ten opens a hit of one of
// the queries instead, and every third of those (with -load.similar) asks
// for its similar questions, as the page's question view does.
func loadURLs(t *testing.T, s *query.Searcher, queries []string, n int) []string {
	r := rand.New(rand.NewPCG(7, 11))
	facets := map[string]map[string][]query.FacetCount{}
	var ids []string
	for _, q := range queries {
		res, err := s.Search(context.Background(), query.Request{Text: q})
		if err != nil {
			t.Fatalf("Search(%q): %v", q, err)
		}
		facets[q] = res.Facets
		for _, h := range res.Hits[:min(3, len(res.Hits))] {
			ids = append(ids, h.ID)
		}
	}
	levels := s.Values(record.FieldLevel)
	tick := func(v url.Values, q, field, param string, odds int) {
		fc := facets[q][field]
		if len(fc) > 0 && r.IntN(odds) == 0 {
			v.Set(param, fc[r.IntN(min(len(fc), 8))].Value)
		}
	}
	urls := make([]string, 0, n)
	opened := 0
	for i := range n {
		if i%10 == 9 && len(ids) > 0 {
			id := ids[r.IntN(len(ids))]
			if opened++; opened%3 == 0 && *loadSimilar {
				urls = append(urls, "/api/similar?id="+id+"&limit=10")
			} else {
				urls = append(urls, "/api/questions/"+id)
			}
			continue
		}
		v := url.Values{}
		if i%20 == 19 && len(levels) > 0 {
			v.Set(query.ParamLevel, levels[r.IntN(len(levels))])
		} else {
			q := queries[i%len(queries)]
			v.Set(query.ParamText, q)
			tick(v, q, record.FieldLevel, query.ParamLevel, 3)
			tick(v, q, record.FieldTopic, query.ParamTopic, 4)
			tick(v, q, record.FieldTag, record.FieldTag, 6)
		}
		if r.IntN(8) == 0 {
			v.Set(query.ParamOffset, "10")
		}
		urls = append(urls, "/api/search?"+v.Encode())
	}
	return urls
}

func runLoad(t *testing.T, s *query.Searcher, queries []string) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	// Access logs are formatted as in production, then dropped.
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	so := Options{SearchTimeout: DefaultSearchTimeout, Logger: logger, Hosts: LoopbackHosts, MaxSearches: *loadSearches}
	hs := New(s, so)
	warmStart := time.Now()
	if *loadSimilar {
		// As runServe does, but waiting: the test measures serving.
		<-hs.WarmDups(context.Background())
		t.Logf("duplicate detector built in %s", time.Since(warmStart).Round(time.Millisecond))
	}
	srv := newHTTPServer(hs.Handler(), so)
	go srv.Serve(ln)
	defer srv.Close()
	base := "http://" + ln.Addr().String()
	client := &http.Client{
		// Longer than the server's slot wait and search deadline
		// together: the server, not the client, decides when to give up.
		Timeout:   defaultQueueTimeout + DefaultSearchTimeout + 10*time.Second,
		Transport: &http.Transport{MaxIdleConnsPerHost: *loadClients, MaxConnsPerHost: *loadClients},
	}
	urls := loadURLs(t, s, queries, 1024)

	// Warm up: every distinct request once, two at a time, so that
	// first-use work (the spelling vocabulary, the duplicate detector's
	// state, the OS page cache) is not measured.
	warmStart = time.Now()
	var warm sync.WaitGroup
	warmErr := make(chan error, len(urls))
	for w := range 2 {
		warm.Go(func() {
			for i := w; i < len(urls); i += 2 {
				if _, err := fetch(client, base+urls[i]); err != nil {
					warmErr <- fmt.Errorf("warm-up %s: %w", urls[i], err)
				}
			}
		})
	}
	warm.Wait()
	close(warmErr)
	if err := <-warmErr; err != nil {
		t.Fatal(err)
	}
	t.Logf("warm-up: %d requests in %s", len(urls), time.Since(warmStart).Round(time.Millisecond))

	type stats struct {
		lat    []time.Duration
		errors map[string]int
	}
	per := make([]stats, *loadClients)
	deadline := time.Now().Add(*loadDuration)
	start, cpu0 := time.Now(), cputime.Used()
	var wg sync.WaitGroup
	for c := range *loadClients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			st := &per[c]
			st.errors = map[string]int{}
			for i := c * 17; time.Now().Before(deadline); i++ {
				u := base + urls[i%len(urls)]
				t0 := time.Now()
				if _, err := fetch(client, u); err != nil {
					st.errors[err.Error()]++
					continue
				}
				st.lat = append(st.lat, time.Since(t0))
			}
		}()
	}
	wg.Wait()
	elapsed, cpu := time.Since(start), cputime.Used()-cpu0

	var lat []time.Duration
	errs := map[string]int{}
	nerr := 0
	for _, st := range per {
		lat = append(lat, st.lat...)
		for e, n := range st.errors {
			errs[e] += n
			nerr += n
		}
	}
	slices.Sort(lat)
	pct := func(p float64) time.Duration {
		if len(lat) == 0 {
			return 0
		}
		return lat[min(len(lat)-1, int(p*float64(len(lat))))]
	}
	records := s.Index().Meta().Records
	total := len(lat) + nerr
	// CPU is the whole test process's, clients included; on a shared
	// machine it is the steadier figure.
	t.Logf("| %d records | %d clients | %s | %d requests | %d errors | %.0f req/s | p50 %s | p90 %s | p99 %s | max %s | CPU %.1f s, %.2f ms/request |",
		records, *loadClients, elapsed.Round(time.Millisecond), total, nerr, float64(len(lat))/elapsed.Seconds(),
		ms(pct(0.50)), ms(pct(0.90)), ms(pct(0.99)), ms(pct(1)), cpu.Seconds(), float64(cpu.Microseconds())/1000/float64(max(1, total)))
	if nerr > 0 {
		t.Errorf("%d of %d requests failed: %v", nerr, total, errs)
	}
	if len(lat) == 0 {
		t.Error("no request succeeded")
	}
}

func ms(d time.Duration) string {
	return strconv.FormatFloat(float64(d.Microseconds())/1000, 'f', 1, 64) + " ms"
}

// fetch GETs u and reads the whole answer; anything but a complete 200 is
// an error.
func fetch(c *http.Client, u string) (int, error) {
	resp, err := c.Get(u)
	if err != nil {
		var ne net.Error
		if errors.As(err, &ne) && ne.Timeout() {
			return 0, errors.New("client timeout")
		}
		return 0, err
	}
	defer resp.Body.Close()
	n, err := io.Copy(io.Discard, resp.Body)
	if err != nil {
		return 0, fmt.Errorf("read body: %w", err)
	}
	if resp.StatusCode != http.StatusOK {
		return 0, fmt.Errorf("status %d", resp.StatusCode)
	}
	if resp.ContentLength >= 0 && n != resp.ContentLength {
		return 0, fmt.Errorf("body %d bytes of %d", n, resp.ContentLength)
	}
	return int(n), nil
}
