package servemem

import (
	"bufio"
	"bytes"
	"context"
	"math"
	"os"
	"runtime/debug"
	"runtime/metrics"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/iq-search/iq/index"
	"github.com/iq-search/iq/query"
)

// What `iq serve` holds in memory (issue 15: at most 600 MB at 100k
// records; BENCHMARKS.md, "HTTP serve"). Three parts grow with the
// searches a server answers, each bounded here, for the command, since
// they are the process's business and not the libraries':
//
//   - the fast ranker's decoded postings, kept between searches: up to
//     512 MiB by default (index.SetPostingBudget), postingBudget here;
//   - the Go heap's garbage: the collector lets the heap grow to twice
//     what is live before collecting, and the runtime returns freed
//     memory slowly; a soft limit (debug.SetMemoryLimit) a little above
//     what is live once the duplicate detector is loaded holds it nearer;
//   - the index files' pages mapped into the process (Bleve reads its
//     segments through mmap): every page a search touched stays resident
//     until the kernel needs the memory; past serveMappedBudget they are
//     released (index.Index.ReleaseMapped, the serving index's own files)
//     and stay in the page cache. The search sections a server preloads
//     (httpapi.Options.Preload) stay mapped, beside the budget.
//
// GOMEMLIMIT, when set, replaces the soft limit.
//
// Both budgets on the heap grow with the index: a term's postings, and
// what a search allocates, grow with the records. At a million records a
// 64 MiB postings budget was cleared by nearly every search and a soft
// limit 192 MiB above a 1.3 GB live heap made the collector run every
// few searches (106 against 58 ms of CPU a search, BENCHMARKS.md).
const (
	// postingBytesPerRecord: 64 MiB at 100k records, the postings of a
	// few dozen common terms, which the searches of a session share; at
	// most maxPostingBudget (index's default).
	postingBytesPerRecord = (64 << 20) / 100_000
	maxPostingBudget      = 512 << 20
	// serveHeapSlack is the least room the soft limit leaves above the
	// live heap and the postings budget, for the searches under way; it
	// leaves a quarter of the live heap when that is more.
	serveHeapSlack = 128 << 20
	// serveMappedBudget and serveTrimEvery: how much of the index's files
	// may stay mapped, looked at how often.
	serveMappedBudget = 128 << 20
	serveTrimEvery    = 2 * time.Second
)

// Apply applies the knobs above to a server of s, and returns the
// function httpapi calls once memory has settled (Options.Settled) and
// the channel of searchers over newer versions to hand to httpapi
// (newer, from pipeline.Follow, with the same postings budget). It stops
// its trimming when ctx is done.
func Apply(ctx context.Context, s *query.Searcher, newer <-chan *query.Searcher) (settled func(), searchers <-chan *query.Searcher) {
	budget := postingBudget(s)
	s.Index().SetPostingBudget(budget)
	limit := os.Getenv("GOMEMLIMIT") == ""
	var mu sync.Mutex // budget and the limit: set when settled, lifted while a new index loads
	settled = func() {
		if !limit {
			return
		}
		mu.Lock()
		defer mu.Unlock()
		// A collection (what is live), then the free memory returned:
		// one full collection, which at a million records marks over a
		// gigabyte.
		debug.FreeOSMemory()
		if live := liveHeap(); live > 0 {
			debug.SetMemoryLimit(live + int64(budget) + max(serveHeapSlack, live/4))
		}
	}
	var cur atomic.Pointer[index.Index] // the index being served: trimMapped's
	cur.Store(s.Index())
	out := make(chan *query.Searcher)
	go func() {
		defer close(out)
		for s := range newer {
			b := postingBudget(s)
			s.Index().SetPostingBudget(b)
			mu.Lock()
			budget = b
			if limit {
				// Two indexes are live until the old one closes
				// (httpapi.Server.Swap), then settled sets the limit
				// again.
				debug.SetMemoryLimit(math.MaxInt64)
			}
			mu.Unlock()
			select {
			case out <- s:
				cur.Store(s.Index())
			case <-ctx.Done():
				s.Close()
				return
			}
		}
	}()
	go trimMapped(ctx, &cur)
	return settled, out
}

// postingBudget is the postings budget of a server of s.
func postingBudget(s *query.Searcher) int {
	n := s.Index().Meta().Records
	return int(min(max(int64(n), 100_000)*postingBytesPerRecord, maxPostingBudget))
}

// liveHeap is the heap the last collection found live, in bytes (0 when
// the runtime does not say).
func liveHeap() int64 {
	sample := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	metrics.Read(sample)
	if sample[0].Value.Kind() != metrics.KindUint64 {
		return 0
	}
	return int64(sample[0].Value.Uint64())
}

// trimMapped releases the served index's mapped pages from the process's
// resident set whenever the mapped files it holds pass serveMappedBudget,
// until ctx is done. An index swapped out keeps its pages until httpapi
// closes it, which unmaps them.
func trimMapped(ctx context.Context, cur *atomic.Pointer[index.Index]) {
	t := time.NewTicker(serveTrimEvery)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		// The search sections a server preloaded stay; the budget is
		// for the rest (the stored records of the pages read).
		if n, ok := ResidentFileBytes(); ok && n-cur.Load().PreloadedBytes() > serveMappedBudget {
			cur.Load().ReleaseMapped() // an error leaves the pages where they are
		}
	}
}

// ResidentFileBytes reads the process's resident file-backed memory
// (RssFile in /proc/self/status, Linux); ok is false elsewhere.
func ResidentFileBytes() (int64, bool) {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0, false
	}
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		rest, found := bytes.CutPrefix(sc.Bytes(), []byte("RssFile:"))
		if !found {
			continue
		}
		f := bytes.Fields(rest) // "123456 kB"
		if len(f) != 2 || string(f[1]) != "kB" {
			return 0, false
		}
		kb, err := strconv.ParseInt(string(f[0]), 10, 64)
		return kb << 10, err == nil
	}
	return 0, false
}
