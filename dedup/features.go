package dedup

import (
	"cmp"
	"math"
	"regexp"
	"slices"
	"strings"
	"sync"

	"github.com/iq-search/iq/record"
)

// How much of the answers is compared: the start says what an answer is
// about; the rest is detail that differs from bank to bank.
const (
	answersCompared  = 3
	answerTextTokens = 50
	answerCodeTokens = 50
	// lightWeight is the weight of light words and examples against a
	// word the question is about.
	lightWeight = 0.3
	// longQuestionWords: beyond this many distinct content words a text
	// is a post, not one question, and the one-word meaning guards are
	// off. Interview questions have five to twelve.
	longQuestionWords = 15
)

// entry is one token of a weighted vector.
type entry struct {
	h uint64
	w float64
}

// vector is a sparse weighted bag of tokens, sorted by token hash so that
// a dot product is a merge.
type vector struct {
	e    []entry
	norm float64
}

// qtok is one distinct question token with what the meaning guards need.
type qtok struct {
	h    uint64
	fam  uint64 // family for discriminating tokens: numbers, versions by prefix, code
	text string
	pos  int32 // its first position in the question: features.raws[pos] is the word as written
	kind kind
	weak bool // only an aside or example
	// content: a word the question asks about, not a light word or an
	// example.
	content bool
	idf     float32 // the token's weight in the collection
	// context: a technology the question asks in ("middleware in
	// FastAPI"), not what it asks about.
	context bool
	// placed: the word is in a phrase after "of" or "in" (token.placed).
	placed bool
	// later: the word is in a later sentence of the title (token.later).
	later bool
	// generic: a generic word (genericWords), looked up once when the
	// token is made, not for every pair scored (heavy).
	generic bool
}

// newQtok is a qtok of text, kind k, with what follows from them.
func newQtok(text string, k kind) qtok {
	return qtok{text: text, kind: k, generic: k == kindWord && genericWords[text]}
}

// heavy reports whether t names what the question asks about: a content
// word that is neither context nor a number, version or code (which have
// guards of their own).
func (t qtok) heavy() bool {
	return t.content && !t.context && t.fam == 0 && !t.generic
}

// features is what the scorer keeps of a record.
type features struct {
	q, a    vector
	toks    []qtok // distinct question tokens, sorted by h
	generic bool   // the question alone says nothing ("What's the output?")
	// substance is what a generic question is about: the shingles of the
	// rest of the question (its code) and of the answers' start.
	substance []uint64
	long      bool // a post rather than a question: one-word rules are off
	negated   bool // its title says "not", "never", "without"…
	answers   bool
	differ    bool // asks for a comparison
	aspects   aspect
	topics    []string // technologies: the record's topics, else those its question names
	techs     []string // the technologies its question names
	nHeavy    int      // its words of substance (qtok.heavy)
	// raws are the question's words as written, by token position: what
	// an explanation shows.
	raws []string
	// lazy, when set, holds a's terms still encoded (view.feat for a
	// candidate of similar): read a through answerVector.
	lazy *lazyAnswers
}

// raw returns t's word as the question writes it.
func (f *features) raw(t qtok) string { return f.raws[t.pos] }

// parsed is a record's text as tokens, made once per record and shared by
// Stats and features.
type parsed struct {
	norm    string // record.NormalizeQuestion of the question
	q       []token
	answers []parsedAnswer
}

// parsedAnswer holds the start of one answer's text and of its code: in
// full as far as the scorer compares them (answerTextTokens,
// answerCodeTokens), then, up to statsAnswerTokens each, only the hashes
// Stats counts; and the normalised start of its text (to find
// placeholders repeated across a collection: "To be completed."). Tokens
// are 48 bytes and a hash 8: keeping every token of every answer until the
// weights were learned held gigabytes at 100k long answers.
type parsedAnswer struct {
	text, code []token
	rest       []uint64 // hashes of the text's, then the code's, tokens beyond those
	norm       string
}

// answerNormLen is how much of an answer's text tells a placeholder.
const answerNormLen = 120

// scratch is what parse tokenizes one answer's text and code into before
// keeping what it needs.
type scratch struct{ text, code, applied []token }

var scratchPool = sync.Pool{New: func() any { return new(scratch) }}

func parse(r *record.Record, lx *lexicon) parsed { return parseInto(r, lx, nil) }

// parseInto is parse, keeping the answers' tokens in *slab, when slab is
// not nil, rather than in slices of their own: a caller done with the
// parse before it parses again reuses the slab (NewIndexStream, where
// they were a fifth of what clustering allocated).
func parseInto(r *record.Record, lx *lexicon, slab *[]token) parsed {
	p := parsed{norm: record.NormalizeQuestion(r.Question), q: lx.apply(questionTokens(r.Question))}
	if len(r.Answers) == 0 {
		return p
	}
	p.answers = make([]parsedAnswer, 0, len(r.Answers))
	sc := scratchPool.Get().(*scratch)
	for _, a := range r.Answers {
		var pa parsedAnswer
		text := withoutOptions(a.Text)
		pa.norm = answerNorm(text)
		sc.text = appendTokens(sc.text[:0], text, statsAnswerTokens)
		ts, copied := lx.applyTo(sc.applied, sc.text)
		if copied {
			sc.applied = ts
		}
		sc.code = sc.code[:0]
		for _, c := range a.Code {
			if len(sc.code) >= statsAnswerTokens {
				break
			}
			sc.code = appendTokens(sc.code, c.Text, statsAnswerTokens-len(sc.code))
		}
		if n := max(0, len(ts)-answerTextTokens) + max(0, len(sc.code)-answerCodeTokens); n > 0 {
			pa.rest = make([]uint64, 0, n)
		}
		pa.text, pa.rest = keepTokens(ts, answerTextTokens, pa.rest, slab)
		pa.code, pa.rest = keepTokens(sc.code, answerCodeTokens, pa.rest, slab)
		p.answers = append(p.answers, pa)
	}
	// The tokens hold strings of the record: let the pooled slabs go of
	// them.
	clear(sc.text)
	clear(sc.code)
	clear(sc.applied[:cap(sc.applied)])
	sc.applied = sc.applied[:0]
	scratchPool.Put(sc)
	return p
}

// answerNorm is the normalised start of an answer's text (withoutOptions).
func answerNorm(text string) string {
	return record.NormalizeQuestion(text[:min(len(text), answerNormLen)])
}

// keepTokens returns a copy of the first n tokens of ts (appended to
// *slab when slab is not nil), and rest with the hashes of the others
// appended.
func keepTokens(ts []token, n int, rest []uint64, slab *[]token) ([]token, []uint64) {
	n = min(n, len(ts))
	var head []token
	switch {
	case n > 0 && slab != nil:
		lo := len(*slab)
		*slab = append(*slab, ts[:n]...)
		head = (*slab)[lo:len(*slab):len(*slab)]
	case n > 0:
		head = slices.Clone(ts[:n])
	}
	for _, t := range ts[n:] {
		rest = append(rest, t.h)
	}
	return head, rest
}

// appendCompared appends to ts the tokens of the start of the answers and their code:
// the part of the answers the scorer compares. An answer whose text starts
// as placeholderRepeats or more records' answers do, with no code, is a
// placeholder ("To be completed."), not an answer.
func (p *parsed) appendCompared(ts []token, st *Stats) []token {
	n := 0
	for _, a := range p.answers {
		if n == answersCompared {
			break
		}
		if len(a.code) == 0 && (len(a.text) == 0 || st.answerRepeats(a.norm) >= placeholderRepeats) {
			continue
		}
		n++
		ts = append(ts, a.text...)
		ts = append(ts, a.code...)
	}
	return ts
}

func newFeatures(r *record.Record, st *Stats) features {
	p := parse(r, st.lexicon())
	return featuresOf(r, &p, st)
}

func featuresOf(r *record.Record, p *parsed, st *Stats) features {
	f := unweighed(r, p, st)
	f.weigh(st)
	return f
}

// weigh turns f's tallies (unweighed) into vectors, and gives its tokens
// their weights, with st's inverse document frequencies.
func (f *features) weigh(st *Stats) {
	f.q = weighTally(f.q.e, st)
	f.a = weighTally(f.a.e, st)
	for i := range f.toks {
		f.toks[i].idf = float32(st.idf(f.toks[i].h))
	}
}

// unweighed is featuresOf with the vectors left as tallies and the tokens
// without weights, for weigh to finish: of st it reads only what is known
// before the weights (the lexicon, which texts repeat), so that a
// streamed build makes them as it first parses a record, not in a second
// parse once every record was counted (NewIndexStream).
func unweighed(r *record.Record, p *parsed, st *Stats) features {
	qt := p.q
	// The answers' tokens are read here only (tallied, shingled): made
	// in a pooled buffer, a fifth of what clustering allocated.
	sc := unweighedPool.Get().(*unweighedScratch)
	defer sc.release()
	at := p.appendCompared(sc.at[:0], st)
	sc.at = at
	f := features{
		q:       vector{e: tally(qt)},
		a:       vector{e: tally(at)},
		answers: len(at) > 0,
	}
	f.raws = make([]string, len(qt))
	for i, t := range qt {
		f.raws[i] = t.raw
	}
	// Sized once for every token (a question repeats few), not grown by
	// append: its copies were garbage, and its slack live.
	if len(qt) > 0 {
		f.toks = make([]qtok, 0, len(qt))
	}
	seen := map[uint64]bool{}
	for pos, t := range qt {
		h := t.h
		if seen[h] {
			if t.weak {
				continue
			}
			// A word both asked about and given as an example counts
			// as asked about.
			for i := range f.toks {
				if f.toks[i].h == h {
					f.toks[i].content = t.kind != kindWord || !lightWords[t.text] || t.subject
					f.toks[i].weak = false
				}
			}
			continue
		}
		seen[h] = true
		q := newQtok(t.text, t.kind)
		q.h, q.fam, q.pos, q.weak, q.placed, q.later = h, family(t), int32(pos), t.weak, t.placed, t.later
		q.content = !t.weak && (t.kind != kindWord || !lightWords[t.text] || t.subject)
		f.toks = append(f.toks, q)
		if t.text == differWord {
			f.differ = true
		}
	}
	slices.SortFunc(f.toks, func(a, b qtok) int { return cmp.Compare(a.h, b.h) })
	// A technology named beside other content words is the question's
	// context; named alone, it is the subject, and so is one named alone
	// in the head clause ("What is GraphQL, and how does it differ from
	// REST APIs?" asks about GraphQL and REST).
	subjects, headSubjects := 0, 0
	for _, t := range f.toks {
		if t.content && techOf[t.text] == "" {
			subjects++
		}
	}
	for _, t := range qt {
		if !t.tail && !t.weak && (t.kind != kindWord || !lightWords[t.text] || t.subject) && techOf[t.text] == "" {
			headSubjects++
		}
	}
	var named []string
	for i := range f.toks {
		if tech := techOf[f.toks[i].text]; tech != "" && f.toks[i].content {
			f.toks[i].context = subjects > 0 && (headSubjects > 0 || qt[f.toks[i].pos].tail)
			// "ES6" or "Python3" names a technology, not a version
			// whose mismatch flips the question.
			f.toks[i].fam = 0
			if !slices.Contains(named, tech) {
				named = append(named, tech)
			}
		}
	}
	slices.Sort(named)
	f.techs = named
	f.nHeavy = heavyCount(f.toks)
	f.aspects = aspects(r.Question)
	f.topics = topicsOf(r.Topics, named)
	// A post, not a question: many words in its title. The code or
	// options below a title do not make it one.
	f.long = postWords(r.Question) > longQuestionWords
	f.negated = negated(strings.SplitN(r.Question, "\n", 2)[0])
	// A generic title ("What's the output?") is followed by the code it
	// asks about, in the question or in the answer; so is a question text
	// repeated three times in one collection after exact repeats were
	// merged (lydiahallie has 108 "What's the output?").
	title, body, _ := strings.Cut(strings.TrimSpace(r.Question), "\n")
	if isGeneric(tokenize(withoutDeictic(title))) || st.repeats(p.norm) >= 3 {
		f.generic = true
		f.substance = shingles(append(tokenize(body), at...))
	}
	return f
}

// topicsOf returns a record's topics by the names the technology table
// uses ("databases" is the technology "database", which SQL is within), or
// the technologies its question names when it has none.
func topicsOf(topics, named []string) []string {
	if len(topics) == 0 {
		return named
	}
	out := make([]string, 0, len(topics))
	for _, t := range topics {
		if ts := tokenize(t); len(ts) == 1 && techOf[ts[0].text] != "" {
			t = techOf[ts[0].text]
		}
		if !slices.Contains(out, t) {
			out = append(out, t)
		}
	}
	return out
}

// deictic finds what a title points at rather than names: "this
// command", "this bash statement", "the following code".
var deictic = regexp.MustCompile(`(?i)\b(?:this|these|the following|following|below|above)(?:\s+[\w-]+){1,2}`)

// withoutDeictic removes what a title points at ("this command").
func withoutDeictic(title string) string {
	l := strings.ToLower(title)
	if !strings.Contains(l, "this") && !strings.Contains(l, "these") && !strings.Contains(l, "following") &&
		!strings.Contains(l, "below") && !strings.Contains(l, "above") {
		return title
	}
	return deictic.ReplaceAllString(title, " ")
}

// isGeneric reports whether a title's words say nothing by themselves:
// all generic or light, or a technology's name ("What is the output of
// the following Java program?").
func isGeneric(ts []token) bool {
	generic, tech := false, false
	for _, t := range ts {
		switch {
		case genericWords[t.text]:
			generic = true
		case lightWords[t.text]:
		case techOf[t.text] != "":
			tech = true
		default:
			return false
		}
	}
	// "What is Java?" asks about Java; "What is the output of this Java
	// program?" about its code.
	return generic || !tech
}

// postWords counts the distinct tokens of a question's title and of the
// prose below it; code below a title ("What's the output?", an MCQ's
// table) is left out.
func postWords(q string) int {
	title, body, _ := strings.Cut(q, "\n")
	if looksLikeCode(body) {
		body = ""
	}
	seen := map[string]bool{}
	for _, t := range tokenize(title + "\n" + body) {
		seen[t.text] = true
	}
	return len(seen)
}

// looksLikeCode reports whether text has the punctuation of code: one
// character in twenty or more of ( ) { } [ ] ; = < > $ | &.
func looksLikeCode(text string) bool {
	n, sym := 0, 0
	for _, r := range text {
		if r == ' ' || r == '\n' || r == '\t' {
			continue
		}
		n++
		if strings.ContainsRune("(){}[];=<>$|&", r) {
			sym++
		}
	}
	return n > 0 && sym*20 >= n
}

// negations flip what a question asks; they are stop words to the scorer's
// vectors, so they are looked for in the title as written.
var negations = setOf(`not never without cannot can't don't doesn't isn't aren't won't shouldn't wouldn't didn't couldn't`)

func negated(title string) bool {
	for _, w := range strings.FieldsFunc(strings.ToLower(title), func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r == '\'' || r == '’')
	}) {
		if negations[strings.ReplaceAll(w, "’", "'")] {
			return true
		}
	}
	return false
}

// placeholderRepeats is how many records must share an answer's start for
// it to be a placeholder rather than an answer.
const placeholderRepeats = 3

// withoutOptions drops the options of a multiple-choice question from an
// answer's text ("- `Stateless`\n- `Cacheable`…"): every quiz of a bank
// offers the same few options, so they say nothing about the question.
// Three or more short list items make a list of options.
func withoutOptions(text string) string {
	lines := strings.Split(text, "\n")
	n := 0
	for _, l := range lines {
		if isOption(l) {
			n++
		}
	}
	if n < 3 {
		return text
	}
	kept := lines[:0]
	for _, l := range lines {
		if !isOption(l) {
			kept = append(kept, l)
		}
	}
	return strings.Join(kept, "\n")
}

func isOption(line string) bool {
	l := strings.TrimSpace(line)
	return (strings.HasPrefix(l, "- ") || strings.HasPrefix(l, "* ")) && len(strings.Fields(l)) <= 12
}

// shingles returns the sorted distinct hashes of consecutive token pairs:
// code compared as sequences, so two snippets made of the same few
// keywords ("const", "console", "log") still differ.
func shingles(ts []token) []uint64 {
	if len(ts) == 1 {
		return []uint64{ts[0].h}
	}
	var out []uint64
	for i := 1; i < len(ts); i++ {
		out = append(out, mix64(ts[i-1].h^mix64(ts[i].h)))
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// containment is |a ∩ b| / min(|a|, |b|) of two sorted sets: how much of
// the smaller one the larger holds.
func containment(a, b []uint64) float64 {
	if len(a) == 0 || len(b) == 0 {
		return 0
	}
	return float64(intersect(a, b)) / float64(min(len(a), len(b)))
}

// jaccard is |a ∩ b| / |a ∪ b| of two sorted sets.
func jaccard(a, b []uint64) float64 {
	if len(a) == 0 || len(b) == 0 {
		return 0
	}
	inter := intersect(a, b)
	return float64(inter) / float64(len(a)+len(b)-inter)
}

// intersect counts the elements two sorted sets share.
func intersect(a, b []uint64) int {
	inter := 0
	for i, j := 0, 0; i < len(a) && j < len(b); {
		switch {
		case a[i] < b[j]:
			i++
		case a[i] > b[j]:
			j++
		default:
			inter++
			i++
			j++
		}
	}
	return inter
}

var differWord = canonical("differ")

// family groups discriminating tokens whose mismatch is a conflict rather
// than an omission: two numbers, two versions of the same name ("l1",
// "l2"), two operators or code words.
func family(t token) uint64 {
	switch t.kind {
	case kindNumber:
		return 1
	case kindOp, kindCode:
		return 2
	case kindVersion:
		i := len(t.text)
		for i > 0 && t.text[i-1] >= '0' && t.text[i-1] <= '9' {
			i--
		}
		return hashToken(t.text[:i])
	}
	return 0
}

// weigh builds the TF-IDF vector of tokens: (1 + ln tf) · idf, with light
// words at a third.
func weigh(ts []token, st *Stats) vector {
	return weighTally(tally(ts), st)
}

// tally returns the distinct tokens of ts in hash order, each entry's w
// its count, negated when the token is light (a light word, an aside or
// an example anywhere in ts): what weighTally needs besides the weights.
func tally(ts []token) []entry {
	if len(ts) == 0 {
		return nil
	}
	// The token hashes sorted, so that each distinct token is a run:
	// counted without a map, and its entries come out in hash order.
	// Both lists are working memory, pooled.
	sc := tallyPool.Get().(*tallyScratch)
	hs := slices.Grow(sc.hs[:0], len(ts))[:len(ts)]
	light := sc.light[:0]
	defer func() {
		if cap(hs) <= 4*statsAnswerTokens {
			sc.hs, sc.light = hs[:0], light[:0]
		} else {
			sc.hs, sc.light = nil, nil
		}
		tallyPool.Put(sc)
	}()
	for i, t := range ts {
		hs[i] = t.h
		if t.weak || t.kind == kindWord && lightWords[t.text] && !t.subject {
			light = append(light, t.h)
		}
	}
	slices.Sort(hs)
	slices.Sort(light)
	distinct := 0
	for i := range hs {
		if i == 0 || hs[i] != hs[i-1] {
			distinct++
		}
	}
	e := make([]entry, 0, distinct)
	for i, k := 0, 0; i < len(hs); {
		h, j := hs[i], i+1
		for j < len(hs) && hs[j] == h {
			j++
		}
		n := float64(j - i)
		for k < len(light) && light[k] < h {
			k++
		}
		if k < len(light) && light[k] == h {
			n = -n
		}
		i = j
		e = append(e, entry{h, n})
	}
	return e
}

// tallyScratch is tally's working memory, reused through tallyPool.
type tallyScratch struct{ hs, light []uint64 }

var tallyPool = sync.Pool{New: func() any { return new(tallyScratch) }}

// unweighedScratch is unweighed's working memory, reused through
// unweighedPool.
type unweighedScratch struct{ at []token }

var unweighedPool = sync.Pool{New: func() any { return new(unweighedScratch) }}

// release drops what the buffer points to (a record's strings) and
// returns it to the pool.
func (sc *unweighedScratch) release() {
	clear(sc.at)
	sc.at = sc.at[:0]
	if cap(sc.at) > 4*statsAnswerTokens {
		sc.at = nil
	}
	unweighedPool.Put(sc)
}

// weighTally weighs a tally in place: (1 + ln tf) · idf, with light
// tokens at lightWeight.
func weighTally(e []entry, st *Stats) vector {
	if len(e) == 0 {
		return vector{}
	}
	v := vector{e: e[:0]}
	for _, x := range e {
		n, light := x.w, x.w < 0
		if light {
			n = -n
		}
		w := (1 + math.Log(n)) * st.idf(x.h)
		if light {
			w *= lightWeight
		}
		if w <= 0 {
			continue
		}
		v.e = append(v.e, entry{x.h, w})
	}
	// Summed in token order, not a map's: a map's random order changed
	// the last bit of scores from one run to the next.
	for _, e := range v.e {
		v.norm += e.w * e.w
	}
	v.norm = math.Sqrt(v.norm)
	return v
}

func cosine(a, b vector) float64 {
	dot, _, _ := shared(a, b)
	return cosineOf(a, b, dot)
}

func cosineOf(a, b vector, dot float64) float64 {
	if a.norm == 0 || b.norm == 0 {
		return 0
	}
	return min(1, dot/(a.norm*b.norm))
}

// shared walks the tokens two vectors share, once: the dot product, and
// each vector's squared weight on them (coverageOf).
func shared(a, b vector) (dot, sa, sb float64) {
	ae, be := a.e, b.e
	for i, j := 0, 0; i < len(ae) && j < len(be); {
		x, y := ae[i], be[j]
		if x.h == y.h {
			dot += x.w * y.w
			sa += x.w * x.w
			sb += y.w * y.w
		}
		// Both step on a shared token, else the smaller one: without a
		// branch, which a merge of unrelated hashes mispredicts half
		// the time.
		i += b2i(x.h <= y.h)
		j += b2i(x.h >= y.h)
	}
	return dot, sa, sb
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// coverageOf returns the share of each vector's squared weight on the
// tokens the other vector has too (sa, sb from shared). Cosine is their
// geometric mean when the shared tokens weigh alike; the smaller one says
// how much of the wider question the narrower one leaves out.
func coverageOf(a, b vector, sa, sb float64) (float64, float64) {
	if a.norm == 0 || b.norm == 0 {
		return 0, 0
	}
	return sa / (a.norm * a.norm), sb / (b.norm * b.norm)
}
