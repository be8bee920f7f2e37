package index

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"unsafe"

	bindex "github.com/blevesearch/bleve_index_api"

	"github.com/iq-search/iq/index/internal/scorchx"
)

// mappedRSS returns how much of the index files under dir is resident in
// this process (the Rss of their mappings in /proc/self/smaps).
func mappedRSS(t *testing.T, dir string) int64 {
	t.Helper()
	f, err := os.Open("/proc/self/smaps")
	if err != nil {
		t.Skipf("no /proc/self/smaps: %v", err)
	}
	defer f.Close()
	prefix := strings.TrimSuffix(dir, "/") + "/"
	var n int64
	in := false
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Bytes()
		if fields := bytes.Fields(line); len(fields) >= 5 && bytes.Contains(fields[0], []byte("-")) && !bytes.HasSuffix(fields[0], []byte(":")) {
			// A mapping's first line: "lo-hi perms offset dev inode [path]".
			in = len(fields) >= 6 && strings.HasPrefix(string(fields[5]), prefix)
			continue
		}
		if rest, ok := bytes.CutPrefix(line, []byte("Rss:")); in && ok {
			kb, err := strconv.ParseInt(string(bytes.Fields(rest)[0]), 10, 64)
			if err != nil {
				t.Fatalf("smaps: %q: %v", line, err)
			}
			n += kb << 10
		}
	}
	return n
}

// TestPreloadSearch maps an index's search sections ahead: they are
// resident after it, ReleaseMapped leaves them (and drops the rest), and
// the records read are the same.
func TestPreloadSearch(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("PreloadSearch does nothing elsewhere")
	}
	ix, recs := buildCorpus(t)
	read := func() string {
		var b strings.Builder
		for _, r := range recs[:min(len(recs), 20)] {
			got, ok, err := ix.Record(r.ID)
			if err != nil || !ok {
				t.Fatalf("Record(%s) = %v, %v", r.ID, ok, err)
			}
			b.WriteString(got.Question)
		}
		return b.String()
	}
	before := read()
	if _, err := ix.ReleaseMapped(); err != nil {
		t.Fatal(err)
	}
	dir, _ := filepath.EvalSymlinks(ix.gdir)
	rss0 := mappedRSS(t, dir)
	paced := 0
	p, err := ix.PreloadSearch(context.Background(), func(context.Context) error { paced++; return nil })
	if err != nil {
		t.Fatalf("PreloadSearch() error = %v", err)
	}
	if p.Segments == 0 || p.Bytes == 0 || p.Stored == 0 || paced < p.Segments {
		t.Fatalf("PreloadSearch() = %+v, paced %d times; want every segment's search sections, the stored documents left, pace before each piece", p, paced)
	}
	if ix.tablesMap == nil {
		t.Errorf("PreloadSearch() left the tables file unread")
	}
	if p.Advice != "populate" {
		t.Skipf("PreloadSearch() advised %q: the kernel maps nothing ahead (before Linux 5.14)", p.Advice)
	}
	rss := mappedRSS(t, dir)
	if rss < p.Bytes || rss0 >= p.Bytes {
		t.Errorf("mapped index resident %d bytes before PreloadSearch, %d after; want under and at least the %d bytes preloaded", rss0, rss, p.Bytes)
	}
	if kept := ix.PreloadedBytes(); kept < p.Bytes {
		t.Errorf("PreloadedBytes() = %d; want at least the %d bytes preloaded", kept, p.Bytes)
	}
	if got := read(); got != before {
		t.Errorf("records read after PreloadSearch differ from those before")
	}
	// The stored documents read are dropped; the search sections stay.
	if _, err := ix.ReleaseMapped(); err != nil {
		t.Fatal(err)
	}
	if rss := mappedRSS(t, dir); rss < p.Bytes || rss > ix.PreloadedBytes() {
		t.Errorf("mapped index resident %d bytes after ReleaseMapped; want the %d bytes preloaded (at most %d)", rss, p.Bytes, ix.PreloadedBytes())
	}
}

// TestPreloadSearchStops: a cancelled context and a failing pace stop a
// preload with their error; a closed index is not preloaded.
func TestPreloadSearchStops(t *testing.T) {
	ix, _ := buildCorpus(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := ix.PreloadSearch(ctx, nil); runtime.GOOS == "linux" && !errors.Is(err, context.Canceled) {
		t.Errorf("PreloadSearch(cancelled) error = %v; want %v", err, context.Canceled)
	}
	stop := errors.New("stop")
	if _, err := ix.PreloadSearch(context.Background(), func(context.Context) error { return stop }); runtime.GOOS == "linux" && !errors.Is(err, stop) {
		t.Errorf("PreloadSearch(pace failing) error = %v; want %v", err, stop)
	}
	ix.Close()
	if p, err := ix.PreloadSearch(context.Background(), nil); err != nil || p.Bytes != 0 {
		t.Errorf("PreloadSearch() of a closed index = %+v, %v; want nothing done, no error", p, err)
	}
}

// TestPreloadSearchTruncated: a segment file cut short under its mapping
// (damage) is an error naming it, not a crash (a read of the missing
// pages would raise SIGBUS), and the other segments are preloaded.
func TestPreloadSearchTruncated(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("PreloadSearch does nothing elsewhere")
	}
	ix, _ := buildCorpus(t)
	// The snapshot's segments: the directory may hold a file a merge left.
	var segs []string
	if err := ix.withReader(0, func(r bindex.IndexReader) error {
		for _, s := range scorchx.SearchSections(r) {
			segs = append(segs, s.Path)
		}
		return nil
	}); err != nil || len(segs) == 0 {
		t.Fatalf("no segments in %s: %v", ix.gdir, err)
	}
	var big string
	var size int64
	for _, s := range segs {
		if st, err := os.Stat(s); err == nil && st.Size() > size {
			big, size = s, st.Size()
		}
	}
	if size <= 2*int64(os.Getpagesize()) {
		t.Skipf("largest segment %s has %d bytes: too small to cut", big, size)
	}
	if err := os.Truncate(big, int64(os.Getpagesize())); err != nil {
		t.Fatal(err)
	}
	p, err := ix.PreloadSearch(context.Background(), nil)
	if p.Advice == "willneed" {
		t.Skip("the kernel maps nothing ahead (before Linux 5.14)")
	}
	if err == nil || !strings.Contains(err.Error(), filepath.Base(big)) {
		t.Errorf("PreloadSearch() with %s cut short error = %v; want one naming it", big, err)
	}
	if p.Segments != len(segs) {
		t.Errorf("PreloadSearch() went over %d segments; want all %d", p.Segments, len(segs))
	}
	// What was not mapped is not kept: the kept ranges are the pieces
	// mapped, each rounded up to a page.
	if got, page := ix.PreloadedBytes(), int64(os.Getpagesize()); got < p.Bytes || got >= p.Bytes+int64(p.Segments)*page {
		t.Errorf("PreloadedBytes() = %d after a preload that mapped %d bytes of %d segments; want that, each segment's rounded up to a page", got, p.Bytes, p.Segments)
	}
}

// TestPreloadSearchTwice: a second preload of the same index (nothing
// calls it twice today, but it is exported) keeps the same ranges:
// PreloadedBytes, which a server subtracts from its resident file pages
// before its budget, counts each once.
func TestPreloadSearchTwice(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("PreloadSearch does nothing elsewhere")
	}
	ix, _ := buildCorpus(t)
	if _, err := ix.PreloadSearch(context.Background(), nil); err != nil {
		t.Fatal(err)
	}
	once := ix.PreloadedBytes()
	if _, err := ix.PreloadSearch(context.Background(), nil); err != nil {
		t.Fatal(err)
	}
	if twice := ix.PreloadedBytes(); twice != once || once == 0 {
		t.Errorf("PreloadedBytes() = %d after one preload, %d after two; want the same, not 0", once, twice)
	}
}

// TestOutside: the parts of a range outside the kept ranges.
func TestOutside(t *testing.T) {
	for _, tc := range []struct {
		name   string
		lo, hi uintptr
		kept   []addrRange
		want   []addrRange
	}{
		{"nothing kept", 0x1000, 0x4000, nil, []addrRange{{0x1000, 0x4000}}},
		{"all kept", 0x1000, 0x4000, []addrRange{{0x0, 0x5000}}, nil},
		{"a hole", 0x1000, 0x6000, []addrRange{{0x2000, 0x3000}}, []addrRange{{0x1000, 0x2000}, {0x3000, 0x6000}}},
		{"the end kept", 0x1000, 0x6000, []addrRange{{0x4000, 0x9000}}, []addrRange{{0x1000, 0x4000}}},
		{"two holes", 0x1000, 0x9000, []addrRange{{0x2000, 0x3000}, {0x5000, 0x6000}}, []addrRange{{0x1000, 0x2000}, {0x3000, 0x5000}, {0x6000, 0x9000}}},
		{"kept elsewhere", 0x1000, 0x2000, []addrRange{{0x0, 0x1000}, {0x2000, 0x3000}}, []addrRange{{0x1000, 0x2000}}},
	} {
		var got []addrRange
		outside(tc.lo, tc.hi, tc.kept, func(lo, hi uintptr) { got = append(got, addrRange{lo, hi}) })
		if !slices.Equal(got, tc.want) {
			t.Errorf("%s: outside(%#x, %#x, %x) = %x; want %x", tc.name, tc.lo, tc.hi, tc.kept, got, tc.want)
		}
	}
}

// TestKeepMappedConcurrent: preloads that keep ranges at once lose none
// of them (keepMapped reads, merges and stores the list: without its
// lock, one writer's store dropped what another had just added).
func TestKeepMappedConcurrent(t *testing.T) {
	page := os.Getpagesize()
	const writers, each = 8, 64
	// Every other page of buf, so that no two kept ranges touch or merge.
	buf := make([]byte, 2*writers*each*page+page)
	base := int((uintptr(page) - uintptr(unsafe.Pointer(unsafe.SliceData(buf)))%uintptr(page)) % uintptr(page))
	var ix Index
	var wg sync.WaitGroup
	for w := range writers {
		wg.Go(func() {
			for i := range each {
				off := base + 2*(w*each+i)*page
				ix.keepMapped([]scorchx.Mapped{{Path: "p", Data: buf[off : off+page]}})
			}
		})
	}
	wg.Wait()
	if got, want := ix.PreloadedBytes(), int64(writers*each*page); got != want {
		t.Errorf("PreloadedBytes() = %d after %d writers kept %d pages each; want %d", got, writers, each, want)
	}
}
