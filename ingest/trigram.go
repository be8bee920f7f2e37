package ingest

import (
	"cmp"
	"slices"
	"sync"
	"unicode"
	"unicode/utf8"
	_ "unsafe" // go:linkname: whatlanggo's trigram profiles

	"github.com/abadojack/whatlanggo"
)

// This file runs whatlanggo's language detector (DetectWithOptions) faster,
// with the same result: the same profiles, the same distance and the same
// confidence, computed from an index of the profiles built once instead of
// 300 map look-ups per profile per call, and from trigrams counted without
// an allocation each. whatlanggo took a tenth of ingest's CPU for about a
// hundred detections per run of ../shared/corpora. FuzzDetectLang
// (byhand_test.go) checks the two against each other, confidence for
// confidence.
//
// The profiles are whatlanggo's own, read with go:linkname (go.mod pins
// the version, v1.0.1): iq keeps the library's data and method and only
// computes it differently. A whatlanggo upgrade that renames them fails to
// link; one that changes the method fails FuzzDetectLang's seeds.

type profileList map[whatlanggo.Lang][]string

//go:linkname latinProfiles github.com/abadojack/whatlanggo.latinLangs
var latinProfiles profileList

//go:linkname cyrillicProfiles github.com/abadojack/whatlanggo.cyrillicLangs
var cyrillicProfiles profileList

//go:linkname arabicProfiles github.com/abadojack/whatlanggo.arabicLangs
var arabicProfiles profileList

//go:linkname devanagariProfiles github.com/abadojack/whatlanggo.devanagariLangs
var devanagariProfiles profileList

//go:linkname hebrewProfiles github.com/abadojack/whatlanggo.hebrewLangs
var hebrewProfiles profileList

//go:linkname ethiopicProfiles github.com/abadojack/whatlanggo.ethiopicLangs
var ethiopicProfiles profileList

// whatlanggo's constants (constants.go).
const (
	maxTrigramDistance = 300
	maxTotalDistance   = 90000
)

// trigram is three lower-cased runes of a text, stop characters as spaces,
// 21 bits each, the first highest: trigrams order as their strings do.
type trigram uint64

func makeTrigram(r1, r2, r3 rune) trigram {
	return trigram(r1)<<42 | trigram(r2)<<21 | trigram(r3)
}

// profileRank is where a trigram stands in one language's profile.
type profileRank struct {
	lang uint8 // index in profileIndex.langs
	rank uint16
}

// profileIndex is one of whatlanggo's profile lists, restricted to a
// whitelist, turned around: for each trigram, the profiles that hold it
// and at which rank.
type profileIndex struct {
	langs []whatlanggo.Lang // sorted
	base  []int             // the distance of a text with none of the profile's trigrams
	ranks map[trigram][]profileRank
}

func newProfileIndex(list profileList, whitelist map[whatlanggo.Lang]bool) *profileIndex {
	x := &profileIndex{ranks: map[trigram][]profileRank{}}
	for l := range list {
		if _, ok := whitelist[l]; ok {
			x.langs = append(x.langs, l)
		}
	}
	slices.Sort(x.langs)
	for li, l := range x.langs {
		x.base = append(x.base, maxTrigramDistance*len(list[l]))
		for rank, s := range list[l] {
			r := []rune(s)
			if len(r) != 3 {
				continue // never matches a text's trigram
			}
			t := makeTrigram(r[0], r[1], r[2])
			x.ranks[t] = append(x.ranks[t], profileRank{uint8(li), uint16(rank)})
		}
	}
	return x
}

// langDetector is whatlanggo's detector under one whitelist.
type langDetector struct {
	opts  whatlanggo.Options
	index func() map[*unicode.RangeTable]*profileIndex // by the script DetectScript returns
}

// newLangDetector returns a detector for the whitelist of opts, which must
// not be empty; its profile indexes are built on first use.
func newLangDetector(opts whatlanggo.Options) *langDetector {
	return &langDetector{opts: opts, index: sync.OnceValue(func() map[*unicode.RangeTable]*profileIndex {
		w := opts.Whitelist
		return map[*unicode.RangeTable]*profileIndex{
			unicode.Latin:      newProfileIndex(latinProfiles, w),
			unicode.Cyrillic:   newProfileIndex(cyrillicProfiles, w),
			unicode.Arabic:     newProfileIndex(arabicProfiles, w),
			unicode.Devanagari: newProfileIndex(devanagariProfiles, w),
			unicode.Hebrew:     newProfileIndex(hebrewProfiles, w),
			unicode.Ethiopic:   newProfileIndex(ethiopicProfiles, w),
		}
	})}
}

// trigramCounter counts a text's trigrams; its buffers are reused.
type trigramCounter struct {
	runes  []rune
	counts map[trigram]int
	sorted []trigramCount
	dist   []int
}

type trigramCount struct {
	t trigram
	n int
}

var trigramCounters = sync.Pool{New: func() any { return &trigramCounter{counts: map[trigram]int{}} }}

// detect returns what whatlanggo.DetectWithOptions(text, d.opts) returns:
// the language and whether the detection is reliable (Info.IsReliable).
func (d *langDetector) detect(text string) (whatlanggo.Lang, bool) {
	lang, confidence := d.confidence(text)
	return lang, confidence > whatlanggo.ReliableConfidenceThreshold
}

// confidence returns whatlanggo's Info.Lang and Info.Confidence.
func (d *langDetector) confidence(text string) (whatlanggo.Lang, float64) {
	x := d.index()[detectScript(text)]
	if x == nil {
		// A script one language owns (or none): whatlanggo decides
		// without trigrams.
		info := whatlanggo.DetectWithOptions(text, d.opts)
		return info.Lang, info.Confidence
	}
	c := trigramCounters.Get().(*trigramCounter)
	defer trigramCounters.Put(c)
	return c.detect(x, text)
}

// detectScript is whatlanggo.DetectScript, read at once for ASCII text,
// the common case: Latin when the text holds a letter, else none.
func detectScript(text string) *unicode.RangeTable {
	letter := false
	for i := 0; i < len(text); i++ {
		c := text[i]
		if c >= utf8.RuneSelf {
			return whatlanggo.DetectScript(text)
		}
		if c|0x20 >= 'a' && c|0x20 <= 'z' {
			letter = true
		}
	}
	if letter {
		return unicode.Latin
	}
	return nil
}

// detect is whatlanggo's detectLangInProfiles.
func (c *trigramCounter) detect(x *profileIndex, text string) (whatlanggo.Lang, float64) {
	c.count(text)
	// Positions: the most frequent trigram first; among equals, the
	// greater string first (whatlanggo sorts ascending by count, then by
	// string, and numbers from the end). UTF-8 orders as its runes do.
	c.sorted = c.sorted[:0]
	for t, n := range c.counts {
		c.sorted = append(c.sorted, trigramCount{t, n})
	}
	slices.SortFunc(c.sorted, func(a, b trigramCount) int {
		if a.n != b.n {
			return cmp.Compare(b.n, a.n)
		}
		return cmp.Compare(b.t, a.t)
	})
	c.dist = append(c.dist[:0], x.base...)
	for pos, tc := range c.sorted {
		for _, pr := range x.ranks[tc.t] {
			d := pos - int(pr.rank)
			if d < 0 {
				d = -d
			}
			c.dist[pr.lang] -= maxTrigramDistance - d
		}
	}
	// The two nearest languages.
	candidates := len(x.langs)
	best, second := -1, -1
	for li := range x.langs {
		switch {
		case best < 0 || c.dist[li] < c.dist[best]:
			best, second = li, best
		case second < 0 || c.dist[li] < c.dist[second]:
			second = li
		}
	}
	switch candidates {
	case 0:
		return -1, 0
	case 1:
		return x.langs[best], 1
	}
	// whatlanggo's calculateConfidence. On a tie the library returns
	// whichever language its map gave first, with confidence 0.
	score1 := maxTotalDistance - c.dist[best]
	score2 := maxTotalDistance - c.dist[second]
	if score1 == 0 {
		return -1, 0
	}
	if score2 == 0 {
		return x.langs[best], min(float64(score1/500), 1) // integer division, as whatlanggo has it
	}
	rate := float64(score1-score2) / float64(score2)
	confidentRate := float64(12.0/float64(len(c.sorted))) + 0.05
	if rate > confidentRate {
		return x.langs[best], 1
	}
	return x.langs[best], rate / confidentRate
}

// count is whatlanggo's count: the text's runes lower-cased, stop
// characters (space, punctuation, symbols, digits) as spaces, a space
// appended; every three runes in a row but those whose middle one is a
// space next to another space.
func (c *trigramCounter) count(text string) {
	clear(c.counts)
	c.runes = c.runes[:0]
	for i := 0; i < len(text); {
		r, n := rune(text[i]), 1
		if r >= utf8.RuneSelf {
			r, n = utf8.DecodeRuneInString(text[i:])
		}
		i += n
		if unicode.IsSymbol(r) || unicode.IsSpace(r) || unicode.IsPunct(r) || unicode.IsDigit(r) {
			r = ' '
		}
		c.runes = append(c.runes, unicode.ToLower(r))
	}
	c.runes = append(c.runes, ' ')
	r1, r2 := ' ', c.runes[0]
	for _, r3 := range c.runes[1:] {
		if !(r2 == ' ' && (r1 == ' ' || r3 == ' ')) {
			c.counts[makeTrigram(r1, r2, r3)]++
		}
		r1, r2 = r2, r3
	}
}
