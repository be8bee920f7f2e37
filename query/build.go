package query

import (
	"context"
	"math"
	"slices"
	"strings"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/mapping"
	"github.com/blevesearch/bleve/v2/search"
	bq "github.com/blevesearch/bleve/v2/search/query"
	"github.com/blevesearch/bleve/v2/search/searcher"
	bindex "github.com/blevesearch/bleve_index_api"

	"github.com/iq-search/iq/index"
	"github.com/iq-search/iq/record"
)

// Field weights. A word in the question says far more about what a record
// is about than the same word in a long answer; code is the weakest signal
// (it repeats identifiers from unrelated answers).
var textFields = []struct {
	name  string
	boost float64
}{
	{record.FieldQuestion, 3},
	{record.FieldAnswer, 1},
	{record.FieldCode, 0.5},
}

// analyzeFunc analyses text as the index analysed a field.
type analyzeFunc func(field, text string) analysis.TokenStream

// unit is one searchable word of the query: a maximal token of the primary
// (question) analysis, with the terms every text field gives for its span.
type unit struct {
	surface    string // the text typed, e.g. "OAuth2PasswordBearer"
	start, end int    // byte span in the words text
	stop       bool   // a function word: ranks, never required
	// whole and parts per field: whole terms cover the whole span (the
	// identifier, its stem); parts are the pieces of a compound grouped by
	// position (oauth2|oauth, password, bearer).
	whole map[string][]string
	parts map[string][][]string
}

// concept is a multi-word concept token ("depend inject") that the index
// analysis adds for a listed phrase; it spans units first..last.
type concept struct {
	first, last int
	terms       map[string][]string // per field
}

// plan is a parsed text turned into searchable units. Building it once
// lets the strict, relaxed and corrected searches share the analysis.
type plan struct {
	text     string // the plain words joined by spaces
	units    []unit
	concepts []concept
	tq       textQuery
	// positional holds the text fields that keep term positions: a
	// phrase can only match in those (the code field keeps none).
	positional map[string]bool
}

// stopWords are words a question is phrased with rather than about. They
// still score (a record phrased like the query ranks higher) but a hit need
// not contain them: "what is a closure" must find "Explain closures".
var stopWords = map[string]bool{}

func init() {
	for _, w := range strings.Fields(`a an the is are was were be been being am do does did done
		what which who whom whose how why when where can could should would will shall may might must
		i me my we our you your it its they them their he she his her this that these those there here
		of in on at to for from by with about into over under as and or but if then than so not no
		explain describe tell give define vs versus`) {
		stopWords[w] = true
	}
}

// newPlan analyses the plain words of tq with the index's analyzers.
// positional names the fields that keep term positions.
func newPlan(tq textQuery, analyze analyzeFunc, positional map[string]bool) *plan {
	p := &plan{text: strings.Join(tq.Words, " "), tq: tq, positional: positional}
	if p.text == "" {
		return p
	}
	primary := analyze(record.FieldQuestion, p.text)
	// Maximal spans of non-concept tokens are the units.
	var spans [][2]int
	for _, t := range primary {
		if t.Type == analysis.Shingle {
			continue
		}
		s := [2]int{t.Start, t.End}
		covered := false
		for _, o := range primary {
			if o.Type != analysis.Shingle && o.Start <= s[0] && o.End >= s[1] && (o.End-o.Start) > (s[1]-s[0]) {
				covered = true
				break
			}
		}
		if !covered && !slices.Contains(spans, s) {
			spans = append(spans, s)
		}
	}
	slices.SortFunc(spans, func(a, b [2]int) int { return a[0] - b[0] })
	for _, s := range spans {
		surface := p.text[s[0]:s[1]]
		p.units = append(p.units, unit{
			surface: surface,
			start:   s[0], end: s[1],
			stop:  stopWords[strings.ToLower(surface)],
			whole: map[string][]string{},
			parts: map[string][][]string{},
		})
	}
	for _, f := range textFields {
		ts := primary
		if f.name != record.FieldQuestion {
			ts = analyze(f.name, p.text)
		}
		p.assign(f.name, ts)
	}
	return p
}

// assign distributes the tokens of one field's analysis over the units.
func (p *plan) assign(field string, ts analysis.TokenStream) {
	partPos := map[int]map[int]int{} // unit → token position → group index
	for _, t := range ts {
		term := string(t.Term)
		if t.Type == analysis.Shingle {
			first, last := p.unitAt(t.Start), p.unitAt(t.End-1)
			if first < 0 || last <= first {
				continue
			}
			i := slices.IndexFunc(p.concepts, func(c concept) bool { return c.first == first && c.last == last })
			if i < 0 {
				p.concepts = append(p.concepts, concept{first: first, last: last, terms: map[string][]string{}})
				i = len(p.concepts) - 1
			}
			p.concepts[i].terms[field] = appendTerm(p.concepts[i].terms[field], term)
			continue
		}
		u := p.unitAt(t.Start)
		if u < 0 || t.End > p.units[u].end {
			continue
		}
		un := &p.units[u]
		if t.Start == un.start && t.End == un.end {
			un.whole[field] = appendTerm(un.whole[field], term)
			continue
		}
		if partPos[u] == nil {
			partPos[u] = map[int]int{}
		}
		g, ok := partPos[u][t.Position]
		if !ok {
			g = len(un.parts[field])
			partPos[u][t.Position] = g
			un.parts[field] = append(un.parts[field], nil)
		}
		un.parts[field][g] = appendTerm(un.parts[field][g], term)
	}
}

func (p *plan) unitAt(off int) int {
	for i, u := range p.units {
		if off >= u.start && off < u.end {
			return i
		}
	}
	return -1
}

func appendTerm(ts []string, t string) []string {
	if slices.Contains(ts, t) {
		return ts
	}
	return append(ts, t)
}

// unitQuery matches one unit in any text field, or in those named in only:
// its whole term, or all of its parts (so OAuth2PasswordBearer finds
// "OAuth2 password bearer" prose and the identifier both).
func unitQuery(u unit, only ...string) bq.Query {
	var fieldQs []bq.Query
	for _, f := range textFields {
		if len(only) > 0 && !slices.Contains(only, f.name) {
			continue
		}
		var alts []bq.Query
		for _, t := range u.whole[f.name] {
			alts = append(alts, termQuery(t, f.name, f.boost))
		}
		if groups := u.parts[f.name]; len(groups) > 0 {
			var conj []bq.Query
			for _, g := range groups {
				var ors []bq.Query
				for _, t := range g {
					ors = append(ors, termQuery(t, f.name, f.boost))
				}
				conj = append(conj, or(ors...))
			}
			alts = append(alts, and(conj...))
		}
		if len(alts) > 0 {
			fieldQs = append(fieldQs, or(alts...))
		}
	}
	if len(fieldQs) == 0 {
		return nil
	}
	return or(fieldQs...)
}

func termQuery(term, field string, boost float64) bq.Query {
	q := bleve.NewTermQuery(term)
	q.SetField(field)
	q.SetBoost(boost)
	return q
}

func or(qs ...bq.Query) bq.Query {
	if len(qs) == 1 {
		return qs[0]
	}
	return bleve.NewDisjunctionQuery(qs...)
}

func and(qs ...bq.Query) bq.Query {
	if len(qs) == 1 {
		return qs[0]
	}
	return bleve.NewConjunctionQuery(qs...)
}

// required is how many of n content clauses a hit must match in the strict
// pass: all of one or two words; for longer queries one in four may be
// missing, because people type more words than the question has and the
// extra ones are often paraphrase ("handle", "implement").
func required(n int) int {
	if n <= 2 {
		return n
	}
	return n - max(1, n/4)
}

// phraseQuery matches a phrase in any text field that keeps positions
// (positional), or only in those of them named in only. A field without
// positions is left out: Bleve's phrase searcher would open its terms
// and walk their postings, and never match.
func phraseQuery(phrase string, boostScale float64, analyze analyzeFunc, positional map[string]bool, only ...string) bq.Query {
	var qs []bq.Query
	for _, f := range textFields {
		if len(only) > 0 && !slices.Contains(only, f.name) || !positional[f.name] {
			continue
		}
		terms := positions(analyze(f.name, phrase))
		if len(terms) == 0 {
			continue
		}
		qs = append(qs, &exactPhrase{field: f.name, terms: terms, boost: f.boost * boostScale})
	}
	if len(qs) == 0 {
		return nil
	}
	return or(qs...)
}

// positions groups a token stream by position, as a multi-phrase wants it:
// the whole identifier and its first part, or a word and the concept token
// starting there, are alternatives at one position.
func positions(ts analysis.TokenStream) [][]string {
	if len(ts) == 0 {
		return nil
	}
	first, last := ts[0].Position, ts[0].Position
	for _, t := range ts {
		first, last = min(first, t.Position), max(last, t.Position)
	}
	out := make([][]string, last-first+1)
	for _, t := range ts {
		out[t.Position-first] = appendTerm(out[t.Position-first], string(t.Term))
	}
	return out
}

// exactPhrase is a phrase query without synonym expansion. Bleve's (2.5.7, 2.6.3)
// phrase searcher mishandles synonyms: once any word of the phrase has one,
// the words without one lose their locations (expandFuzzyMatches copies
// only the words in its synonym map), so "prevent SQL injections" matches
// nothing because "sql" has a synonym. Hiding the synonym map from the
// phrase searcher gives plain, correct phrase matching; synonyms still work
// for words (unitQuery).
type exactPhrase struct {
	field string
	terms [][]string
	boost float64
}

// Phrase implements index.PhraseQuery, for the fast ranking pass.
func (q *exactPhrase) Phrase() (field string, terms [][]string, boost float64) {
	return q.field, q.terms, q.boost
}

func (q *exactPhrase) Searcher(ctx context.Context, i bindex.IndexReader, m mapping.IndexMapping, options search.SearcherOptions) (search.Searcher, error) {
	ctx = context.WithValue(ctx, search.FieldTermSynonymMapKey, search.FieldTermSynonymMap{})
	if len(q.terms) == 1 {
		// A phrase of one position ("unsafe", "MongoDB") is its terms:
		// the phrase searcher would find the same records with the same
		// scores and locations, but decode the positions of every one
		// (30 ms of CPU for the 13k records with "unsafe" at 100k).
		var ts []search.Searcher
		for _, t := range q.terms[0] {
			s, err := searcher.NewTermSearcher(ctx, i, t, q.field, q.boost, options)
			if err != nil {
				for _, s := range ts {
					_ = s.Close()
				}
				return nil, err
			}
			ts = append(ts, s)
		}
		if len(ts) == 1 {
			return ts[0], nil
		}
		return searcher.NewDisjunctionSearcher(ctx, i, ts, 1, options)
	}
	if options.IncludeTermVectors {
		// The page pass (index.Search): Bleve's own searcher, for the
		// locations of the phrase's words.
		return searcher.NewMultiPhraseSearcher(ctx, i, q.terms, 0, false, q.field, q.boost, options)
	}
	return newRankPhraseSearcher(ctx, i, q.terms, q.field, q.boost, options)
}

// rankPhraseSearcher finds the records and scores Bleve's phrase searcher
// (slop 0, no fuzziness) finds, for the ranking pass, which reads no
// locations: it checks the order of the words on the conjunction's term
// vectors directly, where Bleve's builds a map of maps of every match's
// locations first and lists every path through them (two thirds of the
// cost of a phrase in a profile at 100k records).
type rankPhraseSearcher struct {
	must    search.Searcher
	terms   [][]string
	curr    *search.DocumentMatch
	started bool
}

func newRankPhraseSearcher(ctx context.Context, r bindex.IndexReader, terms [][]string, field string, boost float64, options search.SearcherOptions) (search.Searcher, error) {
	// Built as searcher.NewMultiPhraseSearcher builds its conjunction,
	// so that weights and scores are the same.
	options.IncludeTermVectors = true
	var ss []search.Searcher
	closeAll := func() {
		for _, s := range ss {
			_ = s.Close()
		}
	}
	for _, pos := range terms {
		var ts []search.Searcher
		for _, t := range pos {
			if t == "" {
				continue
			}
			s, err := searcher.NewTermSearcher(ctx, r, t, field, boost, options)
			if err != nil {
				for _, s := range ts {
					_ = s.Close()
				}
				closeAll()
				return nil, err
			}
			ts = append(ts, s)
		}
		switch {
		case len(ts) == 1 && len(pos) == 1:
			ss = append(ss, ts[0])
		case len(pos) > 1:
			d, err := searcher.NewDisjunctionSearcher(ctx, r, ts, 1, options)
			if err != nil {
				closeAll()
				return nil, err
			}
			ss = append(ss, d)
		}
	}
	must, err := searcher.NewConjunctionSearcher(ctx, r, ss, options)
	if err != nil {
		closeAll()
		return nil, err
	}
	s := &rankPhraseSearcher{must: must, terms: terms}
	s.SetQueryNorm(1 / math.Sqrt(must.Weight()))
	return s, nil
}

func (s *rankPhraseSearcher) Next(ctx *search.SearchContext) (*search.DocumentMatch, error) {
	if !s.started {
		s.started = true
		var err error
		if s.curr, err = s.must.Next(ctx); err != nil {
			return nil, err
		}
	}
	for s.curr != nil {
		var rv *search.DocumentMatch
		if inOrder(s.curr.FieldTermLocations, s.terms) {
			rv = s.curr
			rv.FieldTermLocations = rv.FieldTermLocations[:0]
		} else {
			ctx.DocumentMatchPool.Put(s.curr)
		}
		var err error
		if s.curr, err = s.must.Next(ctx); err != nil {
			return nil, err
		}
		if rv != nil {
			return rv, nil
		}
	}
	return nil, nil
}

func (s *rankPhraseSearcher) Advance(ctx *search.SearchContext, id bindex.IndexInternalID) (*search.DocumentMatch, error) {
	var err error
	switch {
	case !s.started:
		s.started = true
		s.curr, err = s.must.Advance(ctx, id)
	case s.curr != nil && s.curr.IndexInternalID.Compare(id) < 0:
		ctx.DocumentMatchPool.Put(s.curr)
		s.curr, err = s.must.Advance(ctx, id)
	}
	if err != nil {
		return nil, err
	}
	return s.Next(ctx)
}

func (s *rankPhraseSearcher) Weight() float64            { return s.must.Weight() }
func (s *rankPhraseSearcher) SetQueryNorm(qnorm float64) { s.must.SetQueryNorm(qnorm) }
func (s *rankPhraseSearcher) Count() uint64              { return s.must.Count() }
func (s *rankPhraseSearcher) Min() int                   { return 0 }
func (s *rankPhraseSearcher) Size() int                  { return s.must.Size() }
func (s *rankPhraseSearcher) DocumentMatchPoolSize() int { return s.must.DocumentMatchPoolSize() + 1 }
func (s *rankPhraseSearcher) Close() error               { return s.must.Close() }

// inOrder reports whether the words of terms (alternatives per position,
// none meaning any word) stand at consecutive positions of one value of
// the field, as Bleve's phrase searcher decides with slop 0. Empty
// positions at the start are skipped.
func inOrder(ftls []search.FieldTermLocation, terms [][]string) bool {
	for len(terms) > 0 && len(terms[0]) == 0 {
		terms = terms[1:]
	}
	if len(terms) == 0 {
		return false
	}
	has := func(i int, l *search.Location, off uint64) bool {
		for k := range ftls {
			o := &ftls[k].Location
			if o.Pos == l.Pos+off && slices.Contains(terms[i], ftls[k].Term) && o.ArrayPositions.Equals(l.ArrayPositions) {
				return true
			}
		}
		return false
	}
	for k := range ftls {
		if !slices.Contains(terms[0], ftls[k].Term) {
			continue
		}
		ok := true
		for i := 1; i < len(terms) && ok; i++ {
			if len(terms[i]) > 0 {
				ok = has(i, &ftls[k].Location, uint64(i))
			}
		}
		if ok {
			return true
		}
	}
	return false
}

// searchable reports whether the plan has anything to search for: a text of
// punctuation only has no units and no phrase terms.
func (p *plan) searchable(analyze analyzeFunc) bool {
	if len(p.units) > 0 {
		return true
	}
	for _, ph := range p.tq.Phrases {
		if len(analyze(record.FieldQuestion, ph)) > 0 {
			return true
		}
	}
	return false
}

// build returns the Bleve query for the plan. relaxed lowers the required
// number of words to one (the fallback when the strict pass finds nothing).
// filter, when not nil, restricts hits without scoring.
func (p *plan) build(relaxed bool, analyze analyzeFunc, filter bq.Query) bq.Query {
	bool_ := bleve.NewBooleanQuery()
	var content, optional []bq.Query
	inConcept := make([]int, len(p.units)) // unit → concept index + 1
	for ci, c := range p.concepts {
		free := true
		for i := c.first; i <= c.last; i++ {
			free = free && inConcept[i] == 0
		}
		if !free {
			continue
		}
		for i := c.first; i <= c.last; i++ {
			inConcept[i] = ci + 1
		}
	}
	allStop := true
	for _, u := range p.units {
		allStop = allStop && u.stop
	}
	for i := 0; i < len(p.units); i++ {
		if ci := inConcept[i]; ci > 0 {
			// A listed phrase (dependency injection) matches as its words
			// or as its concept term, which the synonym list links to
			// abbreviations (DI).
			c := p.concepts[ci-1]
			var words []bq.Query
			for j := c.first; j <= c.last; j++ {
				if q := unitQuery(p.units[j]); q != nil {
					words = append(words, q)
				}
			}
			var alts []bq.Query
			if len(words) > 0 {
				alts = append(alts, and(words...))
			}
			for _, f := range textFields {
				for _, t := range c.terms[f.name] {
					alts = append(alts, termQuery(t, f.name, f.boost))
				}
			}
			if len(alts) > 0 {
				content = append(content, or(alts...))
			}
			i = c.last
			continue
		}
		if p.units[i].stop && !allStop {
			// A function word ranks by the question alone: nearly every
			// answer has "the" or "is", so its answer and code clauses
			// added almost nothing to a score and visited a posting of
			// almost every record for every candidate.
			if q := unitQuery(p.units[i], record.FieldQuestion); q != nil {
				optional = append(optional, q)
			}
			continue
		}
		if q := unitQuery(p.units[i]); q != nil {
			content = append(content, q)
		}
	}
	var must []bq.Query
	if len(content) > 0 {
		k := required(len(content))
		if relaxed {
			k = 1
		}
		if k == len(content) {
			must = append(must, and(content...))
		} else {
			// Bleve's disjunction with a minimum, found by stepping
			// through the rarest words only (index.MinMatchQuery).
			must = append(must, index.NewMinMatchQuery(k, content...))
		}
	}
	for _, ph := range p.tq.Phrases {
		if q := phraseQuery(ph, 1, analyze, p.positional); q != nil {
			must = append(must, q)
		}
	}
	if len(must) == 0 {
		return nil
	}
	if filter != nil {
		if _, none := filter.(*bq.MatchNoneQuery); none {
			return filter
		}
		// A must clause that scores nothing (filterQuery), not Bleve's
		// Filter: that one scores every match of the words and then
		// checks the filter, where a conjunction skips to the records
		// with the facet values.
		must = append(must, filter)
	}
	bool_.AddMust(must...)
	if len(p.units) > 1 {
		// Words typed together that stand together in a question are the
		// strongest evidence of all. Only the question: checking the
		// phrase in answers decoded positions of every long answer holding
		// all the words, half the CPU of a search at 100k records, for one
		// ranking case in 68 (BENCHMARKS.md, "Index and search"); code
		// keeps no positions. Boost 1, not 2: the phrase was a disjunction
		// of question and code, whose coord halved the question's score.
		if q := phraseQuery(p.text, 1, analyze, p.positional, record.FieldQuestion); q != nil {
			optional = append(optional, q)
		}
	}
	if len(optional) > 0 {
		bool_.AddShould(optional...)
	}
	var not []bq.Query
	for _, w := range append(slices.Clone(p.tq.NotWords), p.tq.NotPhrases...) {
		if q := phraseQuery(w, 1, analyze, p.positional); q != nil {
			not = append(not, q)
		}
	}
	if len(not) > 0 {
		bool_.AddMustNot(not...)
	}
	return bool_
}

// filterQuery restricts hits to the given facet values: values of one field
// are alternatives, fields must all match. Values are index terms already
// (see Searcher.resolve). It returns nil when there is no filter, and a
// match-none query when a field has no value that exists. Its terms have
// boost 0, so that as a must clause it adds nothing to a score (nor to
// the query norm).
func filterQuery(fields map[string][]string, asked map[string]bool) bq.Query {
	var conj []bq.Query
	for _, f := range facetFields {
		vs := fields[f]
		if len(vs) == 0 {
			if asked[f] {
				return bleve.NewMatchNoneQuery()
			}
			continue
		}
		var ors []bq.Query
		for _, v := range vs {
			ors = append(ors, termQuery(v, f, 0))
		}
		conj = append(conj, or(ors...))
	}
	if len(conj) == 0 {
		return nil
	}
	return and(conj...)
}
