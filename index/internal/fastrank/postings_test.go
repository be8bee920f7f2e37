package fastrank

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/iq-search/iq/index/internal/scorchx"
)

// TestEvict checks that a full cache drops the entries asked for longest
// ago, postings and phrases alike, down to three quarters of its limit,
// and keeps the rest.
func TestEvict(t *testing.T) {
	c := &postingCache{m: map[postKey]*postings{}, phr: map[string]*phraseEntry{}}
	add := func(term string, n int) {
		p := &postings{term: term, docs: make([]uint32, n), score: make([]float64, n)}
		c.tick++
		p.used = c.tick
		c.m[postKey{"f", term}] = p
		c.bytes += p.bytes()
	}
	for i := range 10 {
		add(fmt.Sprint("t", i), 100) // 1,264 bytes each
	}
	c.tick++
	c.phr["ph"] = &phraseEntry{bytes: 1000, used: c.tick}
	c.bytes += 1000
	c.m[postKey{"f", "t0"}].used = c.tick + 1 // t0 asked for again, last
	c.limit = 20000
	c.evict()
	if len(c.m) != 10 || len(c.phr) != 1 {
		t.Fatalf("evict under the limit dropped entries: %d postings, %d phrases left", len(c.m), len(c.phr))
	}
	c.limit = 12000 // 13,640 held: drop to 9,000 or less
	c.evict()
	want := []string{"t0", "t8", "t9"} // with the phrase: 3×1,264+1,000 = 4,792
	if c.bytes > 9000 {
		t.Errorf("bytes = %d after evict; want at most 9000", c.bytes)
	}
	for _, term := range want {
		if c.m[postKey{"f", term}] == nil {
			t.Errorf("evict dropped %s, asked for recently", term)
		}
	}
	if c.m[postKey{"f", "t1"}] != nil {
		t.Errorf("evict kept t1, asked for longest ago but t0")
	}
	if c.phr["ph"] == nil {
		t.Errorf("evict dropped the phrase, asked for recently")
	}
	sum := 0
	for _, p := range c.m {
		sum += p.bytes()
	}
	for _, e := range c.phr {
		sum += e.bytes
	}
	if sum != c.bytes {
		t.Errorf("bytes = %d; the entries left hold %d", c.bytes, sum)
	}
}

// TestScoreBuilder checks that postings sharing their scores (vals), and
// those that stop sharing them past the builder's limit (widen), give
// each posting the score of its frequency and norm bits, bit for bit.
func TestScoreBuilder(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, tc := range []struct {
		name  string
		limit int
		avg   float64
	}{
		{"shared", maxShared, 40},
		{"widened after 5", 5, 40},
		{"widened at once", 0, 40},
		{"tf-idf", maxShared, 0},
	} {
		c := &postingCache{total: 5000}
		p := c.newPostings("f", "t", 3000, tc.avg)
		b := newScoreBuilder(p, tc.avg, tc.limit)
		type posting struct{ freq, bits uint64 }
		var want []posting
		for d := range uint32(3000) {
			x := posting{uint64(rng.IntN(3) + 1), uint64(rng.IntN(40) + 1)}
			if rng.IntN(10) == 0 { // past the memo's range
				x = posting{uint64(rng.IntN(50) + memoFreqs), uint64(rng.IntN(3000))}
			}
			want = append(want, x)
			b.add(d, x.freq, x.bits)
		}
		b.free()
		if len(p.docs) != len(want) {
			t.Fatalf("%s: %d postings; want %d", tc.name, len(p.docs), len(want))
		}
		if widened := p.vals == nil; widened != (tc.limit < maxShared) {
			t.Errorf("%s: widened = %v", tc.name, widened)
		}
		for i, x := range want {
			if got, w := p.scoreAt(i), p.scoreOf(x.freq, scorchx.Norm(x.bits), tc.avg); got != w || p.docs[i] != uint32(i) {
				t.Fatalf("%s: posting %d (freq %d, bits %d) = doc %d score %v; want doc %d score %v", tc.name, i, x.freq, x.bits, p.docs[i], got, i, w)
			}
		}
	}
}
