package query

import (
	"slices"
	"strings"

	"github.com/iq-search/iq/index"
	"github.com/iq-search/iq/index/expr"
	"github.com/iq-search/iq/record"
)

// analyzeFunc analyses text as the index analysed a field.
type analyzeFunc func(field, text string) []index.Token

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
	// prefix holds, per field, the index terms that the word being typed
	// starts (prefix.go): only on the last unit, only while typing.
	prefix map[string][]string
	// known is set when the word being typed is a word of the index
	// too: it gets a tier of its own (prefix.go).
	known bool
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
	// fields are the fields the units are looked for in: textFields and
	// the language fields of the text's script.
	fields []textField
}

// newPlan analyses the plain words of tq with the index's analyzers.
// positional names the fields that keep term positions; langs are the
// analyzers of the index's language fields (Searcher.langs).
func newPlan(tq textQuery, analyze analyzeFunc, positional map[string]bool, langs []string) *plan {
	p := &plan{text: strings.Join(tq.Words, " "), tq: tq, positional: positional}
	if p.text == "" {
		return p
	}
	p.fields = append(slices.Clone(textFields), langFields(langs, p.text)...)
	primary := analyze(record.FieldQuestion, p.text)
	// Maximal spans of non-concept tokens are the units.
	var spans [][2]int
	for _, t := range primary {
		if t.Concept {
			continue
		}
		s := [2]int{t.Start, t.End}
		covered := false
		for _, o := range primary {
			if !o.Concept && o.Start <= s[0] && o.End >= s[1] && (o.End-o.Start) > (s[1]-s[0]) {
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
	for _, f := range p.fields {
		ts := primary
		if f.name != record.FieldQuestion {
			ts = analyze(f.name, p.text)
		}
		p.assign(f.name, ts)
	}
	// A word of the language's own script that its analyzer drops is a
	// function word of that language ("что", "такое"): it ranks, like the
	// English ones, and is never required.
	for _, f := range p.fields {
		base, ok := index.LangBase(f.name)
		if !ok || base != record.FieldQuestion {
			continue
		}
		a := strings.TrimPrefix(f.name, base+"_")
		for i := range p.units {
			u := &p.units[i]
			if !u.stop && index.LangFits(a, u.surface) && len(u.whole[f.name]) == 0 && len(u.parts[f.name]) == 0 {
				u.stop = true
			}
		}
	}
	return p
}

// assign distributes the tokens of one field's analysis over the units.
func (p *plan) assign(field string, ts []index.Token) {
	partPos := map[int]map[int]int{} // unit → token position → group index
	for _, t := range ts {
		term := t.Term
		if t.Concept {
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
func unitQuery(u unit, fields []textField, only ...string) expr.Node {
	var fieldQs []expr.Node
	for _, f := range fields {
		if len(only) > 0 && !slices.Contains(only, f.name) {
			continue
		}
		// A word being typed matches as itself or as the start of a
		// longer word (prefix.go). The two are a disjunction, whose coord
		// halves a match of one alternative: the word itself weighs
		// double so that it scores as it would alone.
		boost := f.boost
		if len(u.prefix[f.name]) > 0 {
			boost *= 2
		}
		var alts []expr.Node
		for _, t := range u.whole[f.name] {
			alts = append(alts, termQuery(t, f.name, boost))
		}
		if groups := u.parts[f.name]; len(groups) > 0 {
			var conj []expr.Node
			for _, g := range groups {
				var ors []expr.Node
				for _, t := range g {
					ors = append(ors, termQuery(t, f.name, boost))
				}
				conj = append(conj, or(ors...))
			}
			alts = append(alts, and(conj...))
		}
		if pq := prefixQuery(u.prefix[f.name], f.name, f.boost); pq != nil {
			if len(alts) > 0 {
				alts = []expr.Node{or(alts...), pq}
			} else {
				alts = []expr.Node{pq}
			}
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

func termQuery(term, field string, boost float64) expr.Node {
	return expr.Term{Field: field, Term: term, Boost: boost}
}

func or(qs ...expr.Node) expr.Node {
	if len(qs) == 1 {
		return qs[0]
	}
	return expr.Or{Clauses: qs}
}

func and(qs ...expr.Node) expr.Node {
	if len(qs) == 1 {
		return qs[0]
	}
	return expr.And{Clauses: qs}
}

// phraseQuery matches a phrase in any text field that keeps positions
// (positional), or only in those of them named in only. A field without
// positions is left out: a phrase searcher would open its terms and walk
// their postings, and never match.
func phraseQuery(phrase string, boostScale float64, analyze analyzeFunc, positional map[string]bool, only ...string) expr.Node {
	var qs []expr.Node
	for _, f := range textFields {
		if len(only) > 0 && !slices.Contains(only, f.name) || !positional[f.name] {
			continue
		}
		terms := positions(analyze(f.name, phrase))
		if len(terms) == 0 {
			continue
		}
		qs = append(qs, expr.Phrase{Field: f.name, Terms: terms, Boost: f.boost * boostScale})
	}
	if len(qs) == 0 {
		return nil
	}
	return or(qs...)
}

// positions groups a token stream by position, as a multi-phrase wants it:
// the whole identifier and its first part, or a word and the concept token
// starting there, are alternatives at one position.
func positions(ts []index.Token) [][]string {
	if len(ts) == 0 {
		return nil
	}
	first, last := ts[0].Position, ts[0].Position
	for _, t := range ts {
		first, last = min(first, t.Position), max(last, t.Position)
	}
	out := make([][]string, last-first+1)
	for _, t := range ts {
		out[t.Position-first] = appendTerm(out[t.Position-first], t.Term)
	}
	return out
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

// build returns the query tree for the plan. relaxed lowers the required
// number of words to one (the fallback when the strict pass finds nothing).
// filter, when not nil, restricts hits without scoring.
func (p *plan) build(relaxed bool, analyze analyzeFunc, filter expr.Node) expr.Node {
	var bool_ expr.Bool
	var content, optional []expr.Node
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
			var words []expr.Node
			for j := c.first; j <= c.last; j++ {
				if q := unitQuery(p.units[j], p.fields); q != nil {
					words = append(words, q)
				}
			}
			var alts []expr.Node
			if len(words) > 0 {
				alts = append(alts, and(words...))
			}
			for _, f := range p.fields {
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
			if q := unitQuery(p.units[i], p.fields, record.FieldQuestion); q != nil {
				optional = append(optional, q)
			}
			continue
		}
		if q := unitQuery(p.units[i], p.fields); q != nil {
			content = append(content, q)
		}
	}
	var must []expr.Node
	if len(content) > 0 {
		k := required(len(content))
		if relaxed {
			k = 1
		}
		if k == len(content) {
			must = append(must, and(content...))
		} else {
			// A disjunction with a minimum (the index finds it by
			// stepping through the rarest words only).
			must = append(must, expr.Or{Clauses: content, Min: k})
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
		if _, none := filter.(expr.None); none {
			return filter
		}
		// A must clause that scores nothing (filterQuery), not a filter
		// applied after scoring: that one scores every match of the
		// words and then checks the filter, where a conjunction skips to
		// the records with the facet values.
		must = append(must, filter)
	}
	bool_.Must = must
	if len(p.units) > 1 {
		// Words typed together that stand together in a question are the
		// strongest evidence of all. Only the question: checking the
		// phrase in answers decoded positions of every long answer holding
		// all the words, half the CPU of a search at 100k records, for one
		// ranking case in 68 (BENCHMARKS.md, "Index and search"); code
		// keeps no positions. Boost 1, not 2: the phrase was a disjunction
		// of question and code, whose coord halved the question's score.
		if q := p.questionPhrase(analyze); q != nil {
			optional = append(optional, q)
		}
	}
	bool_.Should = optional
	var not []expr.Node
	for _, w := range append(slices.Clone(p.tq.NotWords), p.tq.NotPhrases...) {
		if q := phraseQuery(w, 1, analyze, p.positional); q != nil {
			not = append(not, q)
		}
	}
	bool_.Not = not
	return bool_
}

// filterQuery restricts hits to the given facet values: values of one field
// are alternatives, fields must all match. Values are index terms already
// (see Searcher.resolve). It returns nil when there is no filter, and a
// match-none query when a field has no value that exists. Its terms have
// boost 0, so that as a must clause it adds nothing to a score (nor to
// the query norm).
func filterQuery(fields map[string][]string, asked map[string]bool) expr.Node {
	var conj []expr.Node
	for _, f := range facetFields {
		vs := fields[f]
		if len(vs) == 0 {
			if asked[f] {
				return expr.None{}
			}
			continue
		}
		var ors []expr.Node
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
