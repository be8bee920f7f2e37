package dedup

import (
	"cmp"
	"math"
	"slices"
)

// Candidate pairs come from weighted MinHash with LSH banding, so that
// clustering never compares every pair.
//
// Each signature value is the token that wins an exponential race: token t
// with weight w draws -ln(U)/w from a hash of (t, i), the smallest draw
// wins. When a shared token weighs the same in both records, two token
// sets pick the same winner with probability Σ w(A∩B) / Σ w(A∪B), the
// IDF-weighted Jaccard similarity (the winner over A∪B is in both or in
// neither). Ioffe's consistent weighted sampling (2010) generalises this
// to weights that differ; the small differences tf and light words make
// here do not need it. Weighting matters: with plain MinHash every
// FastAPI question would collide on "fastapi".
//
// Signatures are cut into bands of rows values; records that agree on a
// whole band share a bucket and become a candidate pair, with probability
// 1 - (1 - s^rows)^bands for weighted Jaccard s: with 20 bands of 2 rows,
// 0.85 at s = 0.3, 0.997 at s = 0.5. Short questions with two or three
// heavy words in common sit around 0.3 to 0.6. (One row per band found no
// more duplicates on the corpora and six times the pairs.)
const (
	defaultBands = 20
	defaultRows  = 2
	// maxBucket: a bucket with more records than this was filled by
	// tokens common to many questions (a topic name and "advantage"),
	// which say nothing about any pair in it; real duplicates share
	// rarer tokens and meet in small buckets of other bands. Skipping
	// such buckets keeps the candidate pairs linear in the collection.
	maxBucket = 64
	seedBase  = 0x9e3779b97f4a7c15 // deterministic: same input, same pairs
)

// signature fills sig with the weighted MinHash of v, one value per hash
// function, and reports whether v had any token.
func signature(v []entry, sig []uint64) bool {
	if len(v) == 0 {
		return false
	}
	for i := range sig {
		seed := mix64(seedBase + uint64(i)*0xbf58476d1ce4e5b9)
		best, arg := math.Inf(1), uint64(0)
		for _, e := range v {
			// 53 random bits, shifted off zero, as a uniform in (0, 1).
			u := (float64(mix64(e.h^seed)>>11) + 0.5) / (1 << 53)
			if d := -math.Log(u) / e.w; d < best {
				best, arg = d, e.h
			}
		}
		sig[i] = arg
	}
	return true
}

// mix64 is the SplitMix64 finaliser: a cheap, well-mixed 64-bit hash.
func mix64(x uint64) uint64 {
	x ^= x >> 30
	x *= 0xbf58476d1ce4e5b9
	x ^= x >> 27
	x *= 0x94d049bb133111eb
	x ^= x >> 31
	return x
}

type bucketEntry struct {
	key uint64
	rec int32
}

// buckets are the LSH buckets of two to maxBucket records: the records
// whose signatures agree on a band. Bucket k holds the records
// members[start[k]:start[k+1]], ascending; record i is in the buckets
// of[at[i]:at[i+1]]. Candidate pairs are drawn from them one record at a
// time (partners), never listed all at once: at a million synthetic
// records they were hundreds of millions, gigabytes to hold and sort.
type buckets struct {
	members, start []int32
	of, at         []int32
}

// bandEntries writes into dst (bands entries) record rec's key in each
// band of its signature sig (rows·bands values).
func bandEntries(dst []bucketEntry, sig []uint64, rec int32, bands, rows int) {
	for b := 0; b < bands; b++ {
		key := mix64(uint64(b) + seedBase)
		for _, v := range sig[b*rows : (b+1)*rows] {
			key = mix64(key ^ v)
		}
		dst[b] = bucketEntry{key, rec}
	}
}

// lshBuckets returns the buckets of n records from entries, each
// record's key in each band of its signature (bandEntries; none for a
// record without tokens): the records whose signatures agree on a band.
// It sorts entries.
func lshBuckets(entries []bucketEntry, n int) *buckets {
	slices.SortFunc(entries, func(a, b bucketEntry) int {
		if c := cmp.Compare(a.key, b.key); c != 0 {
			return c
		}
		return int(a.rec - b.rec)
	})
	bs := &buckets{start: []int32{0}, at: make([]int32, n+1)}
	for lo := 0; lo < len(entries); {
		hi := lo + 1
		for hi < len(entries) && entries[hi].key == entries[lo].key {
			hi++
		}
		if m := hi - lo; m >= 2 && m <= maxBucket {
			for _, e := range entries[lo:hi] {
				bs.members = append(bs.members, e.rec)
				bs.at[e.rec+1]++
			}
			bs.start = append(bs.start, int32(len(bs.members)))
		}
		lo = hi
	}
	for i := 1; i <= n; i++ {
		bs.at[i] += bs.at[i-1]
	}
	bs.of = make([]int32, bs.at[n])
	fill := slices.Clone(bs.at[:n])
	for b := 0; b+1 < len(bs.start); b++ {
		for _, r := range bs.members[bs.start[b]:bs.start[b+1]] {
			bs.of[fill[r]] = int32(b)
			fill[r]++
		}
	}
	return bs
}

// partners returns, in dst, the records after i that share a bucket with
// it, ascending and without repeats: the candidate pairs (i, j).
func (bs *buckets) partners(dst []int32, i int) []int32 {
	dst = dst[:0]
	for _, b := range bs.of[bs.at[i]:bs.at[i+1]] {
		for _, j := range bs.members[bs.start[b]:bs.start[b+1]] {
			if j > int32(i) {
				dst = append(dst, j)
			}
		}
	}
	slices.Sort(dst)
	return slices.Compact(dst)
}

func pairKey(a, b int32) uint64 {
	if a > b {
		a, b = b, a
	}
	return uint64(a)<<32 | uint64(uint32(b))
}

func unpair(p uint64) (int, int) { return int(p >> 32), int(uint32(p)) }
