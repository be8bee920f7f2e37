package bench

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"math"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"runtime/debug"
	"slices"
	"testing"
	"time"

	"github.com/iq-search/iq/dedup"
	"github.com/iq-search/iq/httpapi"
	"github.com/iq-search/iq/index"
	"github.com/iq-search/iq/index/synth"
	"github.com/iq-search/iq/internal/benchkit"
	"github.com/iq-search/iq/internal/cputime"
	"github.com/iq-search/iq/internal/servemem"
	"github.com/iq-search/iq/query"
)

// BenchmarkServeStart starts the HTTP server of `iq serve` on the index
// BenchmarkUserBuild leaves (benchkit.SynthDir(n, true): clusters set,
// duplicate features stored) as the command does: the index opened with
// the quick check above index.FullVerifyLimit (index.VerifyAuto; with
// IQ_BENCH_SERVE_VERIFY=full every file read before listening, as iq serve
// did before), the searcher, the stored
// duplicate features loaded (httpapi.Run's WarmDups), then serving on a
// loopback port. It reports the CPU and wall time until /healthz
// answers (start-*), until the first /api/similar and the first /api/dups
// are answered (similar-*, dups-*; from the start), the resident memory
// then and after IQ_BENCH_SERVE_SEARCHES (default 200) searches of the
// benchmarks' query mix through HTTP one at a time (rss-, anon-, file-MB),
// those searches' wall p50 and p99 and the process's CPU per search
// (client included), and when the full check of the files that runs while
// serving ended (checked-*; from the start, 0 when the open read them all). The features are loaded with the key stored in them:
// the build's key is its binary's (pipeline's buildID), which another
// binary cannot have, and the load is what is measured here. iq serve's
// memory knobs (internal/servemem) are applied as the command applies
// them; IQ_BENCH_PRELOAD=1 preloads the index's search sections as iq
// serve does by default (httpapi.Options.Preload); bench/serve_rss.sh
// measures the command itself.
func BenchmarkServeStart(b *testing.B) {
	for _, n := range benchkit.MustSizes(b) {
		b.Run(fmt.Sprintf("records=%d", n), func(b *testing.B) {
			dir := benchkit.SynthDir(n, true)
			if _, err := os.Stat(dir); err != nil {
				b.Skipf("no index built as users build it at %s (BenchmarkUserBuild leaves it): %v", dir, err)
			}
			key, err := storedFeaturesKey(dir)
			if err != nil {
				b.Fatal(err)
			}
			searches := benchkit.Int("IQ_BENCH_SERVE_SEARCHES")
			if searches <= 0 {
				searches = 200
			}
			queries := synth.Queries(searches, benchkit.Seed)
			var m serveFigures
			for b.Loop() {
				m = serveOnce(b, dir, key, queries)
			}
			m.report(b)
		})
	}
}

type serveFigures struct {
	startCPU, startWall, similarCPU, similarWall, dupsCPU, dupsWall time.Duration
	checkedCPU, checkedWall                                         time.Duration
	rssStart, anonStart, fileStart, rss, anon, file                 int64
	p50, p99, cpuPerSearch                                          time.Duration
	hits                                                            int
}

func (m serveFigures) report(b *testing.B) {
	for _, f := range []struct {
		v    float64
		unit string
	}{
		{m.startCPU.Seconds(), "start-cpu-s"}, {m.startWall.Seconds(), "start-wall-s"},
		{m.similarCPU.Seconds(), "similar-cpu-s"}, {m.similarWall.Seconds(), "similar-wall-s"},
		{m.dupsCPU.Seconds(), "dups-cpu-s"}, {m.dupsWall.Seconds(), "dups-wall-s"},
		{m.checkedCPU.Seconds(), "checked-cpu-s"}, {m.checkedWall.Seconds(), "checked-wall-s"},
		{mb(m.rssStart), "start-rss-MB"}, {mb(m.anonStart), "start-anon-MB"}, {mb(m.fileStart), "start-file-MB"},
		{mb(m.rss), "rss-MB"}, {mb(m.anon), "anon-MB"}, {mb(m.file), "file-MB"},
		{ms(m.p50), "p50-ms"}, {ms(m.p99), "p99-ms"}, {ms(m.cpuPerSearch), "cpu-ms/search"},
		{float64(m.hits), "hits"},
	} {
		b.ReportMetric(f.v, f.unit)
	}
}

func mb(n int64) float64 { return float64(n) / (1 << 20) }

// serveOnce starts a server on dir, asks it what the figures need and
// stops it.
func serveOnce(b *testing.B, dir, key string, queries []string) (m serveFigures) {
	ctx, cancel := context.WithCancel(context.Background())
	c0, t0 := cputime.Used(), time.Now()
	since := func() (time.Duration, time.Duration) { return cputime.Used() - c0, time.Since(t0) }
	verify := index.VerifyAuto // as iq serve opens it
	if os.Getenv("IQ_BENCH_SERVE_VERIFY") == "full" {
		verify = index.VerifyFull
	}
	ix, err := index.OpenVerify(dir, verify)
	if err != nil {
		b.Fatal(err)
	}
	s, err := query.NewSearcherOptions(ix, query.SearcherOptions{LateClusterSizes: true}) // pipeline.OpenOptions.Serving
	if err != nil {
		b.Fatal(err)
	}
	s.UseStoredFeatures(func() string { return key })
	// iq serve's memory knobs (cmd/iq: servemem.Apply), lifted after.
	none := make(chan *query.Searcher)
	close(none)
	settled, _ := servemem.Apply(ctx, s, none)
	defer debug.SetMemoryLimit(math.MaxInt64)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	done := make(chan error, 1)
	type result struct {
		err       error
		cpu, wall time.Duration
	}
	checked := make(chan result, 1)
	check := func(err error) {
		cpu, wall := since()
		checked <- result{err, cpu, wall}
	}
	go func() {
		done <- httpapi.Run(ctx, s, ln, httpapi.Options{Logger: slog.New(slog.DiscardHandler), Settled: settled, Checked: check,
			// A loaded machine must not turn a slow answer into a 503.
			SearchTimeout: time.Minute,
			// IQ_BENCH_PRELOAD=1: as iq serve --preload.
			Preload: os.Getenv("IQ_BENCH_PRELOAD") == "1"})
	}()
	defer func() {
		if c := <-checked; c.err != nil {
			b.Errorf("the full check while serving: %v", c.err)
		} else if verify != index.VerifyFull {
			m.checkedCPU, m.checkedWall = c.cpu, c.wall
		}
		cancel()
		if err := <-done; err != nil {
			b.Error(err)
		}
		s.Close()
	}()
	base := "http://" + ln.Addr().String()
	client := &http.Client{Timeout: time.Minute}
	var last string // the last error answer's body
	get := func(path string, into any) int {
		resp, err := client.Get(base + path)
		if err != nil {
			b.Fatal(err)
		}
		defer resp.Body.Close()
		if into != nil && resp.StatusCode == 200 {
			if err := json.NewDecoder(resp.Body).Decode(into); err != nil {
				b.Fatalf("GET %s: %v", path, err)
			}
		} else {
			body, _ := io.ReadAll(resp.Body)
			last = string(body)
		}
		return resp.StatusCode
	}
	for get("/healthz", nil) != 200 {
		time.Sleep(10 * time.Millisecond)
	}
	m.startCPU, m.startWall = since()
	m.rssStart, m.anonStart, m.fileStart = benchkit.Resident()
	var first query.Result
	if code := get("/api/search?q="+url.QueryEscape(queries[0]), &first); code != 200 || len(first.Hits) == 0 {
		b.Fatalf("first search %q: %d, %d hits %s", queries[0], code, len(first.Hits), last)
	}
	for code := get("/api/similar?limit=10&id="+url.QueryEscape(first.Hits[0].ID), nil); code != 200; code = get("/api/similar?limit=10&id="+url.QueryEscape(first.Hits[0].ID), nil) {
		if code != http.StatusServiceUnavailable {
			b.Fatalf("/api/similar: %d", code)
		}
		time.Sleep(100 * time.Millisecond) // warming up: features not loaded
	}
	m.similarCPU, m.similarWall = since()
	var dups query.DupsResult
	if code := get("/api/dups?limit=50", &dups); code != 200 || len(dups.Clusters) == 0 {
		b.Fatalf("/api/dups: %d, %d clusters %s", code, len(dups.Clusters), last)
	}
	m.dupsCPU, m.dupsWall = since()
	times := make([]time.Duration, 0, len(queries))
	c1 := cputime.Used()
	for _, q := range queries {
		var res query.Result
		t := time.Now()
		if code := get("/api/search?q="+url.QueryEscape(q), &res); code != 200 {
			b.Fatalf("search %q: %d", q, code)
		}
		times = append(times, time.Since(t))
		m.hits += len(res.Hits)
	}
	m.cpuPerSearch = (cputime.Used() - c1) / time.Duration(len(queries))
	slices.Sort(times)
	m.p50, m.p99 = times[(len(times)-1)/2], times[(len(times)-1)*99/100]
	m.rss, m.anon, m.file = benchkit.Resident()
	return m
}

// storedFeaturesKey reads the key of the duplicate features stored in the
// current generation of the index in dir (dedup.MarshalFeatures: the
// magic, the format, then the key as a length and its bytes).
func storedFeaturesKey(dir string) (string, error) {
	var cur struct {
		Generation string `json:"generation"`
	}
	b, err := os.ReadFile(filepath.Join(dir, "iq-current"))
	if err == nil {
		err = json.Unmarshal(b, &cur)
	}
	if err != nil {
		return "", fmt.Errorf("current generation of %s: %w", dir, err)
	}
	f, err := os.Open(filepath.Join(dir, cur.Generation, query.FeaturesAttachment))
	if err != nil {
		return "", err
	}
	defer f.Close()
	head := make([]byte, 4096)
	n, _ := io.ReadFull(f, head)
	head = head[:n]
	const magic = "iq dedup features\n"
	if len(head) < len(magic) || string(head[:len(magic)]) != magic {
		return "", fmt.Errorf("%s: not stored features", f.Name())
	}
	head = head[len(magic):]
	if _, k := binary.Uvarint(head); k > 0 {
		head = head[k:]
		if l, k := binary.Uvarint(head); k > 0 && uint64(len(head)-k) >= l {
			return string(head[k : k+int(l)]), nil
		}
	}
	return "", fmt.Errorf("%s: no key", f.Name())
}

// TestConvertFeatures brings the duplicate features of the index in
// $IQ_BENCH_CONVERT (a copy: it publishes a new generation there) up to
// the current format without building it again: the stored features of
// an older format loaded as a server loads them, written again by
// dedup.MarshalFeatures with the same key and clusters (the features
// themselves are unchanged: dedup's TestLoadIndex converts format 3 and
// compares), in a new generation that shares the index's segments
// (index.Writer.Update with no record changed). How the 1M index of
// BENCHMARKS.md's "HTTP serve" was brought to format 4, and then to format
// 5 (the digest of the records' IDs in the features, and in the index's
// metadata, which Update writes).
func TestConvertFeatures(t *testing.T) {
	dir := os.Getenv("IQ_BENCH_CONVERT")
	if dir == "" {
		t.Skip("IQ_BENCH_CONVERT names no index to convert")
	}
	ctx := context.Background()
	key, err := storedFeaturesKey(dir)
	if err != nil {
		t.Fatal(err)
	}
	ix, err := index.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	attach := map[string][]byte{}
	for _, name := range []string{query.FeaturesAttachment, query.DedupAttachment, "acronyms.json"} {
		if attach[name], err = ix.Attachment(name); err != nil {
			t.Fatal(err)
		}
	}
	var opts dedup.Options
	if err := json.Unmarshal(attach[query.DedupAttachment], &opts); err != nil {
		t.Fatal(err)
	}
	dd, err := dedup.LoadIndex(ctx, attach[query.FeaturesAttachment], key, opts)
	if err != nil {
		t.Fatal(err)
	}
	clusters, _ := dd.StoredClusters()
	if attach[query.FeaturesAttachment], err = dd.MarshalFeatures(key, clusters); err != nil {
		t.Fatal(err)
	}
	w, err := index.Lock(ctx, dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	m := ix.Meta()
	if err := w.Update(ctx, ix, nil, nil, index.BuildOptions{Fingerprint: m.Fingerprint, Origin: m.Origin, Attach: attach}); err != nil {
		t.Fatal(err)
	}
	t.Logf("%s: %d records, features %d bytes, key %s", dir, dd.Len(), len(attach[query.FeaturesAttachment]), key)
}

// TestSimilarCandidates measures, on the index in $IQ_BENCH_SIMILAR (one
// BenchmarkUserBuild leaves, with stored features), Similar of 20 records
// spread over the collection with every candidate scored (exact) and with
// dedup.DefaultSimilarCandidates at most (what a server answers): the CPU
// a call and how many of the exact top 10 the default keeps.
func TestSimilarCandidates(t *testing.T) {
	dir := os.Getenv("IQ_BENCH_SIMILAR")
	if dir == "" {
		t.Skip("IQ_BENCH_SIMILAR names no index")
	}
	ctx := context.Background()
	key, err := storedFeaturesKey(dir)
	if err != nil {
		t.Fatal(err)
	}
	ix, err := index.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	data, err := ix.MapAttachment(query.FeaturesAttachment)
	if err != nil {
		t.Fatal(err)
	}
	var opts dedup.Options
	if b, err := ix.Attachment(query.DedupAttachment); err != nil || json.Unmarshal(b, &opts) != nil {
		t.Fatalf("read %s: %v", query.DedupAttachment, err)
	}
	dd, err := dedup.LoadIndex(ctx, data, key, opts)
	if err != nil {
		t.Fatal(err)
	}
	n := dd.Len()
	var exactCPU, cappedCPU time.Duration
	kept, exact := 0, 0
	for i := 0; i < n; i += n / 20 {
		dd.SetSimilarCandidates(0)
		c0 := cputime.Used()
		want, err := dd.SimilarToContext(ctx, i, 10)
		if err != nil {
			t.Fatal(err)
		}
		dd.SetSimilarCandidates(dedup.DefaultSimilarCandidates)
		c1 := cputime.Used()
		got, err := dd.SimilarToContext(ctx, i, 10)
		if err != nil {
			t.Fatal(err)
		}
		exactCPU, cappedCPU = exactCPU+c1-c0, cappedCPU+cputime.Used()-c1
		for _, w := range want {
			exact++
			if slices.ContainsFunc(got, func(m dedup.Match) bool { return m.ID == w.ID }) {
				kept++
			}
		}
	}
	t.Logf("%d records: Similar exact %.3f CPU-s a call, with %d candidates at most %.3f; %d of the %d exact top-10 matches kept (%.1f%%)",
		n, exactCPU.Seconds()/20, dedup.DefaultSimilarCandidates, cappedCPU.Seconds()/20, kept, exact, 100*float64(kept)/float64(max(exact, 1)))
}
