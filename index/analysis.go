package index

import (
	"bytes"
	"fmt"
	"hash/maphash"
	"strings"
	"sync"
	"sync/atomic"
	"unicode"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/registry"
	"github.com/blevesearch/snowballstem"
	"github.com/blevesearch/snowballstem/english"
)

// Names under which the analysis parts of this file are registered in
// Bleve's registry. They appear in the mapping JSON stored in every index, so
// renaming one makes old indexes unreadable: bump MappingVersion with it.
const (
	TokenizerCode   = "iq_code_tokenizer"
	FilterCodeParts = "iq_code_parts"
	FilterPhrases   = "iq_phrases"
	FilterStemEn    = "iq_stem_en"
	FilterLower     = "iq_lower"
)

// maxWholeToken caps the length in bytes of a token kept whole. Longer runs
// (base64 blobs, minified code) are indexed by their parts only, so that a
// pasted blob does not put a giant term into the dictionary.
const maxWholeToken = 128

func init() {
	// The registry panics on a duplicate name only at registration, which
	// happens once per process here.
	if err := registry.RegisterTokenizer(TokenizerCode, func(map[string]any, *registry.Cache) (analysis.Tokenizer, error) {
		return codeTokenizer{}, nil
	}); err != nil {
		panic(err)
	}
	if err := registry.RegisterTokenFilter(FilterCodeParts, func(map[string]any, *registry.Cache) (analysis.TokenFilter, error) {
		return codePartsFilter{}, nil
	}); err != nil {
		panic(err)
	}
	if err := registry.RegisterTokenFilter(FilterPhrases, phraseFilterConstructor); err != nil {
		panic(err)
	}
	if err := registry.RegisterTokenFilter(FilterLower, func(map[string]any, *registry.Cache) (analysis.TokenFilter, error) {
		return lowerFilter{}, nil
	}); err != nil {
		panic(err)
	}
	if err := registry.RegisterTokenFilter(FilterStemEn, func(map[string]any, *registry.Cache) (analysis.TokenFilter, error) {
		return stemFilter{}, nil
	}); err != nil {
		panic(err)
	}
}

// codeTokenizer splits text into words the way a reader of technical prose
// sees them: runs of letters, digits and '_' joined by the symbols code uses
// inside names ('.', ':', '-', '/', '+', apostrophes), with a leading sigil
// ('@', '#', '$', '.') and a trailing '+' or '#' kept, so that `@app.get`,
// `std::move`, `c++`, `c#`, `.NET` and `snake_case_names` come out as one
// token each. codePartsFilter then adds their parts. An English possessive
// "'s" is dropped here, because after splitting it would be a part of its own.
type codeTokenizer struct{}

func isWordRune(r rune) bool {
	if r < utf8.RuneSelf {
		return asciiClass[r]&classWord != 0
	}
	return unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsMark(r)
}

// asciiClass holds isWordRune and isTokenRune for ASCII, which is most of
// what is analysed: the unicode tables were a third of tokenizing.
var asciiClass = func() (t [utf8.RuneSelf]uint8) {
	for r := range rune(utf8.RuneSelf) {
		if r == '_' || unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsMark(r) {
			t[r] |= classWord | classToken
		}
		switch r {
		case '.', ':', '-', '/', '+', '#', '@', '$', '\'':
			t[r] |= classToken
		}
	}
	return t
}()

const (
	classWord = 1 << iota
	classToken
)

// isTokenRune reports whether r may appear in a token at all.
func isTokenRune(r rune) bool {
	if r < utf8.RuneSelf {
		return asciiClass[r]&classToken != 0
	}
	if isWordRune(r) {
		return true
	}
	switch r {
	case '.', ':', '-', '/', '+', '#', '@', '$', '\'', '’':
		return true
	}
	return false
}

func (codeTokenizer) Tokenize(input []byte) analysis.TokenStream {
	rv, _ := tokenizeInto(input, nil, nil)
	return rv
}

// tokenizeInto appends the tokens of input to rv, taking the Tokens from
// slab while it has room, then from new slabs, one allocation for many (a
// token each was a tenth of analysing). It returns the stream and how many
// tokens it made. analysedField passes a pooled stream and slab (tokenBuf).
func tokenizeInto(input []byte, rv analysis.TokenStream, slab []analysis.Token) (analysis.TokenStream, int) {
	pos := 1
	for i := 0; i < len(input); {
		r, size := decodeRune(input[i:])
		if !isTokenRune(r) {
			i += size
			continue
		}
		start := i
		for i < len(input) {
			r, size = decodeRune(input[i:])
			if !isTokenRune(r) {
				break
			}
			i += size
		}
		s, e := trimToken(input, start, i)
		if s >= e {
			continue
		}
		if len(slab) == cap(slab) {
			slab = make([]analysis.Token, 0, min(64, 8+len(input)/8))
		}
		slab = append(slab, analysis.Token{
			Start:    s,
			End:      e,
			Term:     input[s:e],
			Position: pos,
			Type:     analysis.AlphaNumeric,
		})
		rv = append(rv, &slab[len(slab)-1])
		pos++
	}
	return rv, pos - 1
}

// tokenBuf is a token stream and a slab of Tokens for tokenizeInto, reused
// through tokenBufPool by analysedField, which is done with the Tokens
// once it has their frequencies and locations: half of what a build's
// analysis allocated was Tokens and streams dropped right after.
type tokenBuf struct {
	stream analysis.TokenStream
	slab   []analysis.Token
	text   []byte // a copy of the text analysed (analyzeTemp)
}

var tokenBufPool = sync.Pool{New: func() any { return new(tokenBuf) }}

// maxPooledTokens bounds the slab a pooled tokenBuf keeps.
const maxPooledTokens = 1 << 14

// analyze runs a, a custom analyzer whose tokenizer is codeTokenizer and
// which has no character filters, over input as a.Analyze would, tokenizing
// into b. The Tokens are b's until b.release.
func (b *tokenBuf) analyze(a *analysis.DefaultAnalyzer, input []byte) analysis.TokenStream {
	tokens, n := tokenizeInto(input, b.stream[:0], b.slab[:0])
	b.stream = tokens[:0]
	if n > cap(b.slab) {
		// Next time, room for this many in one slab.
		b.slab = make([]analysis.Token, 0, min(n+n/4, maxPooledTokens))
	} else {
		b.slab = b.slab[:n]
	}
	for _, tf := range a.TokenFilters {
		tokens = tf.Filter(tokens)
	}
	return tokens
}

// release drops what b's Tokens point to and returns b to the pool.
func (b *tokenBuf) release() {
	clear(b.slab)
	clear(b.stream[:cap(b.stream)])
	b.slab, b.stream, b.text = b.slab[:0], b.stream[:0], b.text[:0]
	if cap(b.stream) > maxPooledTokens {
		b.stream = nil
	}
	if cap(b.text) > maxPooledText {
		b.text = nil
	}
	tokenBufPool.Put(b)
}

// maxPooledText bounds the text copy a pooled tokenBuf keeps.
const maxPooledText = 1 << 16

// analyzeTemp runs a over text and calls fn with the tokens, which are
// valid only until fn returns: the text is copied into a pooled buffer
// (token filters rewrite it in place) and tokenized into pooled Tokens
// when a runs on codeTokenizer (pooledAnalyzer). A search analyses the
// texts of the hits it shows for their term locations, and the
// words of spelling candidates: a fresh slab of Tokens and a copy of the
// text each time were a fifth of what an unseen query allocated.
func analyzeTemp(a analysis.Analyzer, text string, fn func(analysis.TokenStream)) {
	da := pooledAnalyzer(a)
	if da == nil {
		fn(a.Analyze([]byte(text)))
		return
	}
	b := tokenBufPool.Get().(*tokenBuf)
	defer b.release()
	b.text = append(b.text[:0], text...)
	fn(b.analyze(da, b.text))
}

// pooledAnalyzer returns a as a DefaultAnalyzer that tokenBuf.analyze can
// run, or nil.
func pooledAnalyzer(a analysis.Analyzer) *analysis.DefaultAnalyzer {
	da, ok := a.(*analysis.DefaultAnalyzer)
	if !ok || da.CharFilters != nil {
		return nil
	}
	if _, ok := da.Tokenizer.(codeTokenizer); !ok {
		return nil
	}
	return da
}

// decodeRune is utf8.DecodeRune with ASCII inline.
func decodeRune(p []byte) (rune, int) {
	if p[0] < utf8.RuneSelf {
		return rune(p[0]), 1
	}
	return utf8.DecodeRune(p)
}

// trimToken narrows input[s:e] to the token proper: symbols before the first
// word rune are dropped except one sigil right before it; after the last
// word rune only a run of '+' or '#' stays (c++, c#), and a possessive 's
// goes.
func trimToken(input []byte, s, e int) (int, int) {
	// Leading: find the first word rune.
	first := -1
	for i := s; i < e; {
		r, size := utf8.DecodeRune(input[i:])
		if isWordRune(r) {
			first = i
			break
		}
		i += size
	}
	if first < 0 {
		return 0, 0
	}
	if first > s {
		if c := input[first-1]; c == '@' || c == '#' || c == '$' || c == '.' {
			// A dot only counts as a sigil at the very start of the run
			// (".NET", ".env"); "...and" is an ellipsis.
			if c != '.' || first-1 == s {
				first--
			}
		}
	}
	// Trailing: find the end of the last word rune.
	last := -1
	for i := e; i > first; {
		r, size := utf8.DecodeLastRune(input[first:i])
		if isWordRune(r) {
			last = i
			break
		}
		i -= size
	}
	end := last
	// c++, c#, f#: keep a run of '+' or '#' right after the word.
	for end < e && (input[end] == '+' || input[end] == '#') {
		end++
	}
	// Possessive: "FastAPI's", "Python’s".
	t := input[first:last]
	switch {
	case len(t) > 2 && (t[len(t)-1] == 's' || t[len(t)-1] == 'S') && t[len(t)-2] == '\'':
		last -= 2
		end = last
	case len(t) > 4 && (t[len(t)-1] == 's' || t[len(t)-1] == 'S') && strings.HasSuffix(string(t[:len(t)-1]), "’"):
		last -= 1 + len("’")
		end = last
	}
	return first, end
}

// codePartsFilter adds the parts of compound tokens: `OAuth2PasswordBearer`
// becomes oauth2passwordbearer (whole) + OAuth2, Password, Bearer;
// `@app.get` becomes @app.get + app, get; `snake_case_names` becomes the
// whole + snake, case, names. The whole token shares its position with the
// first part and the parts take consecutive positions, so a phrase query for
// "oauth2 password bearer" matches the identifier, and a query for the
// identifier (analysed the same way) matches the prose. Positions of later
// tokens shift accordingly. The whole token is marked KeyWord so a stemmer
// leaves it alone: it is an identifier, not an English word.
//
// A part made of letters then digits (oauth2, python3, http2) also yields its
// letters (oauth, python, http) at the same position.
type codePartsFilter struct{}

func (codePartsFilter) Filter(input analysis.TokenStream) analysis.TokenStream {
	// Fast path: most tokens of prose are plain words.
	compound := false
	for _, t := range input {
		if needsSplit(t.Term) {
			compound = true
			break
		}
	}
	if !compound {
		return input
	}
	rv := make(analysis.TokenStream, 0, len(input)*2)
	shift := 0
	var parts []span
	for _, t := range input {
		t.Position += shift
		if !needsSplit(t.Term) {
			rv = append(rv, t)
			continue
		}
		parts = splitParts(t.Term, parts[:0])
		if len(parts) == 1 && (t.Term[len(t.Term)-1] == '+' || t.Term[len(t.Term)-1] == '#') {
			// c++, c#, f#: the bare letter would match every other
			// language's token; keep the whole only.
			rv = append(rv, t)
			continue
		}
		if len(t.Term) <= maxWholeToken {
			t.KeyWord = true
			rv = append(rv, t)
		}
		for i, p := range parts {
			pt := &analysis.Token{
				Start:    t.Start + p.s,
				End:      t.Start + p.e,
				Term:     t.Term[p.s:p.e],
				Position: t.Position + i,
				Type:     t.Type,
			}
			if len(parts) > 1 || len(t.Term) > maxWholeToken || string(pt.Term) != string(t.Term) {
				rv = append(rv, pt)
			}
			if n := letterPrefix(pt.Term); n > 0 {
				rv = append(rv, &analysis.Token{
					Start:    pt.Start,
					End:      pt.Start + n,
					Term:     pt.Term[:n],
					Position: pt.Position,
					Type:     t.Type,
				})
			}
		}
		if len(parts) > 1 {
			shift += len(parts) - 1
		}
	}
	return rv
}

// needsSplit reports whether a token has parts: a symbol or '_' inside, a
// case change that starts a new word, or letters followed by digits.
func needsSplit(b []byte) bool {
	if len(b) > maxWholeToken {
		return true
	}
	prevLower, prevDigit, prevLetter := false, false, false
	for _, c := range b {
		if c >= utf8.RuneSelf {
			// Non-ASCII letters (café, Übung) are plain words; symbols
			// like ’ are handled by the tokenizer.
			prevLower, prevDigit, prevLetter = false, false, true
			continue
		}
		switch {
		case c >= 'a' && c <= 'z':
			prevLower, prevDigit, prevLetter = true, false, true
		case c >= 'A' && c <= 'Z':
			if prevLower || prevDigit {
				return true
			}
			prevLower, prevDigit, prevLetter = false, false, true
		case c >= '0' && c <= '9':
			if prevLetter {
				return true
			}
			prevLower, prevDigit, prevLetter = false, true, false
		case c == '\'':
			prevLower, prevDigit, prevLetter = false, false, false
		default:
			return true
		}
	}
	// All-caps runs followed by a capitalised word (HTTPServer) need a
	// closer look.
	return acronymSplit(b)
}

func acronymSplit(b []byte) bool {
	for i := 2; i < len(b); i++ {
		if isUpper(b[i-2]) && isUpper(b[i-1]) && isLower(b[i]) && i-1 >= 2 {
			return true
		}
	}
	return false
}

func isUpper(c byte) bool { return c >= 'A' && c <= 'Z' }
func isLower(c byte) bool { return c >= 'a' && c <= 'z' }
func isDigit(c byte) bool { return c >= '0' && c <= '9' }

type span struct{ s, e int }

// splitParts appends the parts of term to dst: pieces between symbols and
// '_', each cut at case changes (fooBar → foo Bar, HTTPServer → HTTP Server,
// OAuth2Password → OAuth2 Password; OAuth stays whole because a lone capital
// is not an acronym).
func splitParts(term []byte, dst []span) []span {
	i := 0
	for i < len(term) {
		r, size := utf8.DecodeRune(term[i:])
		if r == '_' || !isWordRune(r) {
			i += size
			continue
		}
		j := i
		for j < len(term) {
			r, size = utf8.DecodeRune(term[j:])
			if r == '_' || !isWordRune(r) {
				break
			}
			j += size
		}
		dst = splitCase(term, i, j, dst)
		i = j
	}
	return dst
}

func splitCase(term []byte, s, e int, dst []span) []span {
	start := s
	for i := s + 1; i < e; i++ {
		prev, c := term[i-1], term[i]
		cut := false
		switch {
		case isUpper(c) && (isLower(prev) || isDigit(prev)):
			cut = true
		case isLower(c) && isUpper(prev) && i-1 > start && isUpper(term[i-2]) && i-1-start >= 2:
			// HTTPServer: cut before the S, keeping "HTTP" (at least two
			// capitals, so OAuth is not cut into O + Auth).
			dst = append(dst, span{start, i - 1})
			start = i - 1
		}
		if cut {
			dst = append(dst, span{start, i})
			start = i
		}
	}
	return append(dst, span{start, e})
}

// letterPrefix returns the length of the leading ASCII letters of a part
// that is letters then digits only (oauth2 → 5), or 0. Prefixes shorter than
// two letters (h2, k8s) are not worth a term of their own.
func letterPrefix(b []byte) int {
	n := 0
	for n < len(b) && (isLower(b[n]) || isUpper(b[n])) {
		n++
	}
	if n < 2 || n == len(b) {
		return 0
	}
	for _, c := range b[n:] {
		if !isDigit(c) {
			return 0
		}
	}
	return n
}

// phraseFilter adds one concept token for each listed multi-word phrase found
// in the stream: "dependency injection" (stemmed: depend, inject) adds the
// token "depend inject" at the position of its first word, spanning the whole
// phrase. Bleve's thesaurus maps single terms to single terms, so this is how
// a multi-word synonym ("DI" ↔ "dependency injection") gets a term to map to.
// It runs after stemming, so "dependencies injected" finds it too.
type phraseFilter struct {
	// byFirst maps a phrase's first term to the phrases starting with it.
	byFirst map[string][][]string
}

// phraseSep joins the words of a concept token. A space never occurs inside
// a token of codeTokenizer, so a concept token cannot collide with a word.
const phraseSep = " "

func phraseFilterConstructor(config map[string]any, _ *registry.Cache) (analysis.TokenFilter, error) {
	f := phraseFilter{byFirst: map[string][][]string{}}
	raw, _ := config["phrases"].([]any)
	for _, v := range raw {
		s, ok := v.(string)
		if !ok {
			return nil, fmt.Errorf("%s: phrase %v is not a string", FilterPhrases, v)
		}
		words := strings.Split(s, phraseSep)
		if len(words) < 2 {
			return nil, fmt.Errorf("%s: phrase %q has fewer than two words", FilterPhrases, s)
		}
		f.byFirst[words[0]] = append(f.byFirst[words[0]], words)
	}
	return f, nil
}

func (f phraseFilter) Filter(input analysis.TokenStream) analysis.TokenStream {
	if len(f.byFirst) == 0 || len(input) < 2 {
		return input
	}
	var extra analysis.TokenStream
	for i, t := range input {
		phrases := f.byFirst[string(t.Term)]
		for _, words := range phrases {
			if end, ok := matchPhrase(input, i, words); ok {
				extra = append(extra, &analysis.Token{
					Start:    t.Start,
					End:      end,
					Term:     []byte(strings.Join(words, phraseSep)),
					Position: t.Position,
					Type:     analysis.Shingle,
				})
			}
		}
	}
	if len(extra) == 0 {
		return input
	}
	// Order does not matter to the index, but keep the stream sorted by
	// position for readers of Analyze output.
	rv := make(analysis.TokenStream, 0, len(input)+len(extra))
	j := 0
	for _, t := range input {
		for j < len(extra) && extra[j].Position < t.Position {
			rv = append(rv, extra[j])
			j++
		}
		rv = append(rv, t)
	}
	return append(rv, extra[j:]...)
}

// matchPhrase reports whether words[1:] occur at the positions following
// input[i] (any token at a position counts, so parts of identifiers do), and
// the end offset of the last one.
func matchPhrase(input analysis.TokenStream, i int, words []string) (int, bool) {
	pos := input[i].Position
	end := input[i].End
	for n, w := range words[1:] {
		target := pos + n + 1
		found := false
		for k := i + 1; k < len(input) && input[k].Position <= target; k++ {
			if input[k].Position == target && string(input[k].Term) == w {
				found = true
				end = input[k].End
				break
			}
		}
		if !found {
			return 0, false
		}
	}
	return end, true
}

// stemFilter is Bleve's English Snowball stemmer (stemmer_en_snowball) made to
// respect Token.KeyWord, so whole identifiers (oauth2passwordbearer,
// node.js) stay as written while their parts and all prose are stemmed.
// Bleve's generic stemmer_snowball respects KeyWord but needs a module iq
// does not otherwise use.
type stemFilter struct{}

func (stemFilter) Filter(input analysis.TokenStream) analysis.TokenStream {
	for _, t := range input {
		// Snowball leaves words of one or two letters alone.
		if t.KeyWord || len(t.Term) < 3 {
			continue
		}
		t.Term = stem(t.Term)
	}
	return input
}

// stemCache is a direct-mapped cache of stems. Stemming was a tenth of
// build time, and word frequencies are Zipfian, so a small cache answers
// most calls; a slot holds one word, replaced on a collision, so memory is
// bounded and no lock is needed.
var (
	stemCache [1 << 16]atomic.Pointer[stemEntry]
	stemSeed  = maphash.MakeSeed()
)

// stemEntry holds a word and its stem in one small block (a cache line),
// so that a hit reads one line after the slot.
type stemEntry struct {
	n, m uint8 // lengths of the word and of the stem
	b    [maxCachedWord * 2]byte
}

// maxCachedWord is the longest word the stem cache holds.
const maxCachedWord = 23

// stem returns the English Snowball stem of a lower-case word. The result
// may be shared with other tokens: filters after this one must not modify
// terms in place.
func stem(word []byte) []byte {
	if len(word) > maxCachedWord {
		return stemWord(word)
	}
	slot := &stemCache[maphash.Bytes(stemSeed, word)%uint64(len(stemCache))]
	if e := slot.Load(); e != nil && int(e.n) == len(word) && string(e.b[:e.n]) == string(word) {
		return e.b[e.n : e.n+e.m : e.n+e.m]
	}
	st := stemWord(word)
	if len(st) > maxCachedWord {
		return st
	}
	e := &stemEntry{n: uint8(len(word)), m: uint8(len(st))}
	copy(e.b[:], word)
	copy(e.b[e.n:], st)
	slot.Store(e)
	return e.b[e.n : e.n+e.m : e.n+e.m]
}

// stemWord is the English Snowball stem of word, uncached.
func stemWord(word []byte) []byte {
	env := snowballstem.NewEnv(string(word))
	english.Stem(env)
	return []byte(env.Current())
}

// lowerFilter lower-cases terms. Bleve's to_lower corrupts a term when a
// rune's lower case is shorter in UTF-8 than the rune (İ → i, the Kelvin
// sign → k): it stops shifting the following bytes (found by FuzzAnalyze).
// ASCII terms are lowered in place, like Bleve's; others through
// bytes.ToLower.
type lowerFilter struct{}

func (lowerFilter) Filter(input analysis.TokenStream) analysis.TokenStream {
	for _, t := range input {
		ascii := true
		for _, c := range t.Term {
			if c >= utf8.RuneSelf {
				ascii = false
				break
			}
		}
		if !ascii {
			t.Term = bytes.ToLower(t.Term)
			continue
		}
		for i, c := range t.Term {
			if c >= 'A' && c <= 'Z' {
				t.Term[i] = c + 'a' - 'A'
			}
		}
	}
	return input
}
