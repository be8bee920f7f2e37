package ingest

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"path"
	"slices"
	"sort"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"
)

//go:embed taxonomy.json
var defaultTaxonomyJSON []byte

// Taxonomy names the technology topics and concept tags ingest assigns, each
// with the keyword patterns that mark it. It is data, kept in
// taxonomy.json, so a user can edit or replace it (iq ingest --taxonomy).
//
// A pattern is one or more words matched on word boundaries, case
// insensitively; a trailing '*' on the last word matches any ending
// ("authenticat*" matches "authentication" and "authenticated"). A pattern
// written with a capital letter matches in text only as written: "Go",
// "REST" and "React" name technologies, "go", "rest" and "react" are
// English words. In a file or folder name, which is often lower case, every
// pattern matches case-insensitively, but only a name that is a topic as a
// whole counts (see TopicsOfPath).
type Taxonomy struct {
	Topics map[string][]string `json:"topics"`
	Tags   map[string][]string `json:"tags"`

	topics, tags *matcher
}

var (
	defaultTaxonomy     *Taxonomy
	defaultTaxonomyOnce sync.Once
)

// DefaultTaxonomy returns the taxonomy embedded in iq.
func DefaultTaxonomy() *Taxonomy {
	defaultTaxonomyOnce.Do(func() {
		t, err := ParseTaxonomy(defaultTaxonomyJSON)
		if err != nil {
			panic("ingest: embedded taxonomy.json: " + err.Error())
		}
		defaultTaxonomy = t
	})
	return defaultTaxonomy
}

// ParseTaxonomy reads a taxonomy in the JSON form of taxonomy.json: an
// object with "topics" and "tags", each mapping a lower-case slug to its
// patterns. Keys starting with '_' are comments.
func ParseTaxonomy(data []byte) (*Taxonomy, error) {
	var t Taxonomy
	if err := json.Unmarshal(data, &t); err != nil {
		return nil, fmt.Errorf("parse taxonomy: %w", err)
	}
	if len(t.Topics) == 0 && len(t.Tags) == 0 {
		return nil, fmt.Errorf("parse taxonomy: no \"topics\" and no \"tags\"")
	}
	var err error
	if t.topics, err = newMatcher(t.Topics); err != nil {
		return nil, fmt.Errorf("parse taxonomy: topics: %w", err)
	}
	if t.tags, err = newMatcher(t.Tags); err != nil {
		return nil, fmt.Errorf("parse taxonomy: tags: %w", err)
	}
	return &t, nil
}

// TopicsOf returns the sorted topic slugs whose names occur in s.
func (t *Taxonomy) TopicsOf(s string) []string { return t.topics.match(s) }

// pathFiller are words a file or folder name may hold beside a topic's
// name and still be about that topic as a whole
// ("python-interview-questions", "Angular-interview-questions-RU").
var pathFiller = setOf("interview", "interviews", "question", "questions", "answer", "answers", "qa", "q", "a",
	"faq", "faqs", "guide", "notes", "readme", "index", "cheatsheet", "cheat", "sheet", "quiz", "quizzes",
	"skill", "skills", "assessment", "assessments", "and", "top", "most", "asked", "common", "basic", "basics",
	"advanced", "junior", "senior", "middle", "beginner", "intermediate", "easy", "medium", "hard", "expert",
	"level", "core", "concepts", "fundamentals", "topics", "tutorial", "ru", "en", "zh", "cn", "md", "html", "htm")

// pathSeparators split a file or folder name into words where tokenize
// would keep them together ("python_questions", "go.basics").
var pathSeparators = strings.NewReplacer("_", " ", ".", " ")

// TopicsOfPath returns the sorted topic slugs named by the file and folder
// names of a path ("Devinterview-io__python-interview-questions/README.md",
// "git/git-questions.md"). A name counts only when it names topics as a
// whole, beside filler words and numbers: "html-pages/" and
// "30-Days-Of-Python/" say nothing, "golang/" says go.
func (t *Taxonomy) TopicsOfPath(rel string) []string {
	out := []string{}
	rel = strings.TrimSuffix(rel, path.Ext(rel))
	for _, seg := range strings.Split(rel, "/") {
		for _, name := range strings.Split(seg, "__") {
			toks := tokenize(pathSeparators.Replace(name), nil)
			if len(toks) == 0 {
				continue
			}
			if hits := t.topics.matchWhole(toks, pathFiller); len(hits) > 0 {
				out = mergeSorted(out, hits)
			}
		}
	}
	return out
}

// TagsOf returns the sorted tag slugs whose patterns occur in s.
func (t *Taxonomy) TagsOf(s string) []string { return t.tags.match(s) }

// questionTerms returns TopicsOf(question) and TagsOf(question + " \n " +
// more), reading the question's words once: its words are the first words
// of the tags' text (the line break between them ends a word).
func (t *Taxonomy) questionTerms(question, more string) (topics, tags []string) {
	sc := matchScratchPool.Get().(*matchScratch)
	orig, toks := matchWords(question, sc.orig[:0], sc.toks[:0])
	nq := len(toks)
	orig, toks = matchWords(more, orig, toks)
	sc.orig, sc.toks = orig, toks
	topics = t.topics.matchTokens(sc, toks[:nq], orig[:nq])
	tags = t.tags.matchTokens(sc, toks, orig)
	// The scratch must not keep the text alive.
	clear(sc.orig)
	clear(sc.toks)
	matchScratchPool.Put(sc)
	return topics, tags
}

// matcher finds the slugs whose patterns occur in a text. Patterns are
// indexed by their first word, so a text costs one map look-up per word
// plus a check of the few patterns with a wildcard first word.
type matcher struct {
	slugs  []string
	exact  map[string][]pattern
	prefix map[string][]pattern // one-word wildcard patterns by their first 3 bytes
	short  []pattern            // one-word wildcard patterns shorter than that
	cased  bool                 // some patterns must match as written

	// exactKeys and prefixKeys hold the keys of exact and prefix: most
	// words of a text are no key.
	exactKeys, prefixKeys wordFilter
}

const prefixKey = 3

type pattern struct {
	slug  int
	words []string
	wild  bool     // the last word is a prefix
	cased []string // the words as written, when they must match as written
}

func newMatcher(m map[string][]string) (*matcher, error) {
	mt := &matcher{exact: map[string][]pattern{}, prefix: map[string][]pattern{}}
	for slug := range m {
		if !strings.HasPrefix(slug, "_") {
			mt.slugs = append(mt.slugs, slug)
		}
	}
	sort.Strings(mt.slugs)
	for i, slug := range mt.slugs {
		if slug != strings.ToLower(slug) || strings.ContainsAny(slug, " \t") {
			return nil, fmt.Errorf("slug %q: want lower case without spaces", slug)
		}
		for _, p := range m[slug] {
			words := tokenize(strings.TrimSuffix(p, "*"), nil)
			if len(words) == 0 {
				return nil, fmt.Errorf("slug %q: empty pattern %q", slug, p)
			}
			pt := pattern{slug: i, words: words, wild: strings.HasSuffix(p, "*")}
			if p != strings.ToLower(p) {
				pt.cased = splitWords(strings.TrimSuffix(p, "*"), nil)
				if len(pt.cased) != len(words) {
					return nil, fmt.Errorf("slug %q: pattern %q: capitals need plain words", slug, p)
				}
				mt.cased = true
			}
			switch {
			case pt.wild && len(words) == 1 && len(words[0]) >= prefixKey:
				k := words[0][:prefixKey]
				mt.prefix[k] = append(mt.prefix[k], pt)
				mt.prefixKeys.add(k)
			case pt.wild && len(words) == 1:
				mt.short = append(mt.short, pt)
			default:
				mt.exact[words[0]] = append(mt.exact[words[0]], pt)
				mt.exactKeys.add(words[0])
			}
		}
	}
	return mt, nil
}

func (mt *matcher) match(s string) []string {
	if mt == nil {
		return []string{}
	}
	sc := matchScratchPool.Get().(*matchScratch)
	orig, toks := matchWords(s, sc.orig[:0], sc.toks[:0])
	sc.orig, sc.toks = orig, toks
	out := mt.matchTokens(sc, toks, orig)
	// The scratch must not keep the text alive.
	clear(sc.orig)
	clear(sc.toks)
	matchScratchPool.Put(sc)
	return out
}

// matchTokens returns the sorted slugs matched in toks (the words of a text
// as matchWords gives them, orig as written), using sc's hit slice.
func (mt *matcher) matchTokens(sc *matchScratch, toks, orig []string) []string {
	if mt == nil {
		return []string{}
	}
	if !mt.cased {
		orig = nil
	}
	hit := slices.Grow(sc.hit[:0], len(mt.slugs))[:len(mt.slugs)]
	clear(hit)
	sc.hit = hit
	n := 0
	mt.each(toks, orig, func(p pattern, _, _ int) {
		if !hit[p.slug] {
			hit[p.slug] = true
			n++
		}
	})
	out := make([]string, 0, n)
	for i, h := range hit {
		if h {
			out = append(out, mt.slugs[i])
		}
	}
	return out
}

// matchScratch is what match needs per call: the text's words as written
// and lower-cased, and which slugs matched. The taxonomy is matched two or
// three times per record, and these were most of what matching allocated.
type matchScratch struct {
	orig, toks []string
	hit        []bool
}

var matchScratchPool = sync.Pool{New: func() any { return new(matchScratch) }}

// matchWhole returns the slugs matched in toks when the matches and the
// filler words and numbers cover every token, else nil. Cased patterns
// match case-insensitively here (names are often lower case).
func (mt *matcher) matchWhole(toks []string, filler map[string]bool) []string {
	if mt == nil {
		return nil
	}
	covered := make([]bool, len(toks))
	hit := make([]bool, len(mt.slugs))
	found := false
	mt.each(toks, nil, func(p pattern, i, n int) {
		hit[p.slug], found = true, true
		for k := i; k < i+n; k++ {
			covered[k] = true
		}
	})
	if !found {
		return nil
	}
	for i, tok := range toks {
		if !covered[i] && !filler[tok] && !isDigits(tok) {
			return nil
		}
	}
	var out []string
	for i, h := range hit {
		if h {
			out = append(out, mt.slugs[i])
		}
	}
	return out
}

// each calls f for every pattern that matches at a token, with the token's
// index and the number of tokens matched. With orig (the tokens as
// written) nil, cased patterns match case-insensitively.
func (mt *matcher) each(toks, orig []string, f func(p pattern, i, n int)) {
	for i, tok := range toks {
		if mayHold(&mt.exactKeys, tok) {
			for _, p := range mt.exact[tok] {
				if p.matchAt(toks, orig, i) {
					f(p, i, len(p.words))
				}
			}
		}
		if len(tok) >= prefixKey && mayHold(&mt.prefixKeys, tok[:prefixKey]) {
			for _, p := range mt.prefix[tok[:prefixKey]] {
				if strings.HasPrefix(tok, p.words[0]) && p.casedAt(orig, i) {
					f(p, i, 1)
				}
			}
		}
		for _, p := range mt.short {
			if strings.HasPrefix(tok, p.words[0]) && p.casedAt(orig, i) {
				f(p, i, 1)
			}
		}
	}
}

func (p pattern) matchAt(toks, orig []string, i int) bool {
	return wordsAt(p.words, toks, i, p.wild) && p.casedAt(orig, i)
}

// casedAt checks a cased pattern's spelling against the tokens as written.
func (p pattern) casedAt(orig []string, i int) bool {
	return p.cased == nil || orig == nil || wordsAt(p.cased, orig, i, p.wild)
}

// wordsAt reports whether toks holds words at i, the last word matching as a
// prefix when wild.
func wordsAt(words, toks []string, i int, wild bool) bool {
	if i+len(words) > len(toks) {
		return false
	}
	last := len(words) - 1
	for k, w := range words {
		t := toks[i+k]
		if k == last && wild {
			if !strings.HasPrefix(t, w) {
				return false
			}
		} else if t != w {
			return false
		}
	}
	return true
}

// tokenize lower-cases s and splits it into words: letters and digits, with
// '+' and '#' kept ("c++", "c#") and '.' kept between letters ("node.js",
// ".env"); hyphens, slashes and other punctuation separate words.
func tokenize(s string, dst []string) []string {
	n := len(dst)
	dst = splitWords(s, dst)
	for i := n; i < len(dst); i++ {
		dst[i] = lowerASCII(dst[i])
	}
	return dst
}

// splitWords splits s into the words tokenize finds, as written.
func splitWords(s string, dst []string) []string {
	eachWord(s, func(start, end int) { dst = append(dst, s[start:end]) })
	return dst
}

// eachWord calls f with the bounds of each word of s (splitWords).
func eachWord(s string, f func(start, end int)) {
	start := -1
	flush := func(end int) {
		if start >= 0 {
			f(start, end)
			start = -1
		}
	}
	for i, r := range s {
		switch {
		case unicode.IsLetter(r) || unicode.IsDigit(r) || r == '+' || r == '#' || r == '_':
			if start < 0 {
				start = i
			}
		case r == '.' && i+1 < len(s):
			next, _ := utf8.DecodeRuneInString(s[i+1:])
			if unicode.IsLetter(next) || unicode.IsDigit(next) {
				if start < 0 {
					start = i // ".env"
				}
				continue
			}
			flush(i)
		default:
			flush(i)
		}
	}
	flush(len(s))
}

// matchWords appends the words of s to orig as written and to toks as
// tokenize gives them. The text is split once and lowered once (ASCII
// lowering keeps every byte in place, so its words fall at the same
// places) rather than one string per capitalised word; a word with other
// letters is lowered on its own.
func matchWords(s string, orig, toks []string) ([]string, []string) {
	lower := lowerASCIIText(s)
	eachWord(s, func(start, end int) {
		w := s[start:end]
		orig = append(orig, w)
		if isASCII(w) {
			toks = append(toks, lower[start:end])
		} else {
			toks = append(toks, strings.ToLower(w))
		}
	})
	return orig, toks
}

// lowerASCIIText lowers the ASCII capitals of s, copying it only when it
// has some.
func lowerASCIIText(s string) string {
	i := 0
	for i < len(s) && (s[i] < 'A' || s[i] > 'Z') {
		i++
	}
	if i == len(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	b.WriteString(s[:i])
	for ; i < len(s); i++ {
		c := s[i]
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		b.WriteByte(c)
	}
	return b.String()
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// lowerASCII is strings.ToLower without allocating for words already in
// lower case, the common case.
func lowerASCII(w string) string {
	for i := 0; i < len(w); i++ {
		if c := w[i]; c >= 0x80 || c >= 'A' && c <= 'Z' {
			return strings.ToLower(w)
		}
	}
	return w
}

// mergeSorted returns the sorted union of a and b without duplicates.
func mergeSorted(a, b []string) []string {
	out := make([]string, 0, len(a)+len(b))
	out = append(out, a...)
	out = append(out, b...)
	slices.Sort(out)
	return slices.Compact(out)
}
