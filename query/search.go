package query

import (
	"context"
	"fmt"
	"maps"
	"runtime/debug"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/iq-search/iq/dedup"
	"github.com/iq-search/iq/index"
	"github.com/iq-search/iq/index/expr"
	"github.com/iq-search/iq/record"
)

// facetFields are the fields the results are faceted and filtered on, in
// display order (record.Facets).
var facetFields = record.FacetNames()

// facetSize is how many values of each facet a search returns
// (record.Facet.Size): a long tail of topics or files is not worth the
// bytes on every search (Stats lists them all).
var facetSize = func() map[string]int {
	m := map[string]int{}
	for _, f := range record.Facets {
		m[f.Name] = f.Size
	}
	return m
}()

// Result is the answer to a Request. `iq search --json` and
// GET /api/search print it as it is.
type Result struct {
	Query  string  `json:"query"`
	Total  uint64  `json:"total"`
	TookMS float64 `json:"took_ms"`
	Limit  int     `json:"limit"`
	Offset int     `json:"offset"`
	Hits   []Hit   `json:"hits"`
	// Facets holds counts of matching records per value of level, topic,
	// tag and source, most frequent first.
	Facets map[string][]FacetCount `json:"facets"`
	// Relaxed is set when no record had (most of) the words, and the hits
	// have any of them.
	Relaxed bool `json:"relaxed,omitempty"`
	// Suggestion is the query with unknown words replaced by the closest
	// words of the index ("did you mean").
	Suggestion string `json:"suggestion,omitempty"`
	// Fuzzy is set when nothing matched the text as typed and the hits
	// are for UsedSpelling instead.
	Fuzzy        bool   `json:"fuzzy,omitempty"`
	UsedSpelling string `json:"used_spelling,omitempty"`
	// Collapsed counts hits left out of this page because a better hit of
	// the same near-duplicate cluster is shown (Request.All shows them).
	Collapsed int `json:"collapsed,omitempty"`
	// Sort is the order of the hits: Request.Sort, or its default
	// (relevance for a text, source order for browsing).
	Sort string `json:"sort"`
}

// Hit is one matching record, with what a result list shows of it.
type Hit struct {
	ID       string          `json:"id"`
	Question string          `json:"question"`
	Level    string          `json:"level"`
	Topics   []string        `json:"topics"`
	Tags     []string        `json:"tags"`
	Sources  []record.Source `json:"sources"`
	// MoreSources is the number of sources past the MaxHitSources listed.
	MoreSources int     `json:"more_sources,omitempty"`
	Cluster     string  `json:"cluster,omitempty"`
	Score       float64 `json:"score"`
	// QuestionHTML is the question with matched words in <mark>…</mark>
	// and everything else HTML-escaped.
	QuestionHTML string `json:"question_html"`
	// Fragments are up to maxFragments pieces of the answers around
	// matched words, HTML like QuestionHTML.
	Fragments []string `json:"fragments"`
	// Snippet is the plain start of the first answer.
	Snippet string `json:"snippet"`
	// AnswerCount is the number of answers the record has (the record
	// itself, from Searcher.Record, has them: "answers" is always an
	// array of answers).
	AnswerCount int `json:"answer_count"`
	// Similar is the number of near-duplicates of this question in the
	// index that the result does not list separately (Request.All lists
	// them); `iq similar ID` and GET /api/similar?id= show them.
	Similar int `json:"similar,omitempty"`
	// Explain says how the score was made (Request.Explain only).
	Explain *Explanation `json:"explain,omitempty"`
}

// Explanation is one part of a hit's score: its value, what it is
// ("weight(question:depend^3.000000 …)", "sum of:", "coord(2/3)"), and the
// parts it was made from. rank.go names the signals behind them.
type Explanation struct {
	Score float64        `json:"score"`
	Why   string         `json:"why"`
	Parts []*Explanation `json:"parts,omitempty"`
}

func newExplanation(e *index.Explanation) *Explanation {
	if e == nil {
		return nil
	}
	out := &Explanation{Score: e.Value, Why: e.Message}
	for _, c := range e.Children {
		out.Parts = append(out.Parts, newExplanation(c))
	}
	return out
}

// FacetCount is the number of matching records with one facet value.
type FacetCount struct {
	Value string `json:"value"`
	Count int    `json:"count"`
}

// Searcher answers Requests over one open index. It is safe for concurrent
// use; the HTTP server shares one.
type Searcher struct {
	ix        *index.Index
	analyzers map[string]index.Analyzer
	// positional holds the text fields that keep term positions, the
	// only ones a phrase can match in.
	positional map[string]bool
	// langs are the analyzers of the language fields that hold records
	// (index.LangsUsed): a query in their script is looked for there too.
	langs []string
	// values holds every term of the facet fields, so that filter values
	// can be matched without regard to case (topic:fastapi → FastAPI).
	values map[string][]string
	// clusterSize counts the records of each near-duplicate cluster that
	// has more than one, set once (clusterSizes) before a search reads
	// it. Search collapses only when there is something to collapse.
	sizesOnce   sync.Once
	clusterSize map[string]int
	sizesErr    error
	// dups, built on first use by Similar and Dups (dups.go).
	dupMu sync.Mutex
	dups  *dupState
	// featuresKey: load the stored duplicate features made with this key
	// (UseStoredFeatures); features, mapped once (mappedFeatures).
	featuresKey  func() string
	featuresOnce sync.Once
	features     []byte
	featuresErr  error
	// late: the cluster sizes wait for the first search
	// (LateClusterSizes).
	late bool
}

// NewSearcher returns a Searcher over an open index. The caller keeps
// ownership of ix (Close the Searcher or the index, not both).
func NewSearcher(ix *index.Index) (*Searcher, error) {
	return NewSearcherOptions(ix, SearcherOptions{})
}

// SearcherOptions tune a Searcher as NewSearcherOptions opens it.
type SearcherOptions struct {
	// LateClusterSizes leaves the sizes of the near-duplicate clusters,
	// which a search collapses by, to the first search, which takes them
	// from the stored duplicate features when PrepareDups has loaded
	// them by then, and else counts them from the index: a server, which
	// loads the features once it listens, then counts nothing (at a
	// million records opening paid 1.4 s of CPU for them before a server
	// could listen, issue 15), where a one-shot search pays them when it
	// opens, not in its first search.
	LateClusterSizes bool
}

// NewSearcherOptions is NewSearcher with options.
func NewSearcherOptions(ix *index.Index, opts SearcherOptions) (*Searcher, error) {
	s := &Searcher{ix: ix, analyzers: map[string]index.Analyzer{}, values: map[string][]string{}, positional: map[string]bool{}}
	for _, f := range textFields {
		s.positional[f.name] = ix.Positions(f.name)
		a, err := ix.Analyzer(f.name)
		if err != nil {
			return nil, fmt.Errorf("open searcher: %w", err)
		}
		s.analyzers[f.name] = a
	}
	langs, err := ix.LangsUsed()
	if err != nil {
		return nil, fmt.Errorf("open searcher: %w", err)
	}
	s.langs = langs
	for _, a := range langs {
		for _, base := range []string{record.FieldQuestion, record.FieldAnswer} {
			f := index.LangField(base, a)
			s.positional[f] = ix.Positions(f)
			an, err := ix.Analyzer(f)
			if err != nil {
				return nil, fmt.Errorf("open searcher: %w", err)
			}
			s.analyzers[f] = an
		}
	}
	for _, f := range facetFields {
		terms, err := ix.Terms(f)
		if err != nil {
			return nil, fmt.Errorf("open searcher on %s: %w", ix.Dir(), err)
		}
		s.values[f] = slices.Sorted(func(yield func(string) bool) {
			for t := range terms {
				if !yield(t) {
					return
				}
			}
		})
	}
	s.late = opts.LateClusterSizes
	if !s.late {
		if err := s.clusterSizes(); err != nil {
			return nil, err
		}
	}
	return s, nil
}

// Index returns the index the Searcher reads.
func (s *Searcher) Index() *index.Index { return s.ix }

// Close closes the index.
func (s *Searcher) Close() error { return s.ix.Close() }

func (s *Searcher) analyze(field, text string) []index.Token {
	a, ok := s.analyzers[field]
	if !ok {
		a = s.analyzers[record.FieldQuestion]
	}
	return a.Analyze(text)
}

// Search runs a request. A request that fails validation returns an *Error;
// a text with nothing searchable in it (only punctuation) returns no hits
// and no error. When no record has (most of) the words, Search relaxes to
// any word; when still none match and some words are unknown to the index,
// it retries with the closest known spelling (Result.Fuzzy).
func (s *Searcher) Search(ctx context.Context, req Request) (_ *Result, err error) {
	defer guard(s.ix, &err, debug.SetPanicOnFault(true))
	return s.search(ctx, req, nil)
}

// Stream runs a request as Search does and calls fn with every hit from
// req.Offset to the last, in order, ignoring req.Limit: what `iq search
// --limit 0` and a pipe print. The Result it returns describes the search
// (total, facets, spelling) and has no hits; its Limit is 0. An error from
// fn stops the stream and is returned.
func (s *Searcher) Stream(ctx context.Context, req Request, fn func(Hit) error) (_ *Result, err error) {
	defer func() {
		if fe, ok := err.(fnError); ok {
			err = fe.error // after guard: fn's error as it was
		}
	}()
	defer guard(s.ix, &err, debug.SetPanicOnFault(true))
	if fn == nil {
		return nil, fmt.Errorf("query: Stream without a function")
	}
	return s.search(ctx, req, func(h Hit) error {
		if err := fn(h); err != nil {
			return fnError{err}
		}
		return nil
	})
}

// search is Search, or Stream when each is not nil.
func (s *Searcher) search(ctx context.Context, req Request, each func(Hit) error) (*Result, error) {
	start := time.Now()
	if err := req.normalize(); err != nil {
		return nil, err
	}
	if err := s.clusterSizes(); err != nil {
		return nil, err
	}
	tq, err := parseText(req.Text)
	if err != nil {
		return nil, err
	}
	res := &Result{Query: req.Text, Limit: req.Limit, Offset: req.Offset, Hits: []Hit{}, Facets: map[string][]FacetCount{}}
	filter, err := s.filter(req, tq)
	if err != nil {
		return nil, err
	}

	p := newPlan(tq, s.analyze, s.positional, s.langs)
	if err := s.expandPrefix(ctx, p); err != nil {
		return nil, err
	}
	var q expr.Node
	// final is the plan the hits come from, when they come from one.
	final, finalRelaxed := (*plan)(nil), false
	switch {
	case tq.empty() && strings.TrimSpace(req.Text) != "" && len(tq.NotWords)+len(tq.NotPhrases) == 0 && tq.Filters.empty():
		// Only punctuation: nothing to search for, and listing
		// everything would be a surprising answer to "???".
		q = expr.None{}
	case tq.empty():
		q = browseQuery(p, s.analyze, filter)
	case !p.searchable(s.analyze):
		q = expr.None{}
	default:
		q = p.build(false, s.analyze, filter)
		final = p
	}
	res.Sort = req.Sort
	if res.Sort == "" {
		res.Sort = SortRelevance
		if tq.empty() {
			res.Sort = SortSource
		}
	}
	// A tiered page (prefix.go) takes only the total and the facets of
	// q: its hits come from other passes, so q's page is not read.
	tiered := func(p *plan) runReads {
		if p != nil && p.tiered() && each == nil && res.Sort == SortRelevance {
			return readCounts
		}
		return readAll
	}
	sr, err := s.run(ctx, q, req, tiered(final), nil)
	if err != nil {
		return nil, err
	}
	searchable := !tq.empty() && p.searchable(s.analyze)
	// Spelling: suggest for unknown words, and search with the suggestion
	// when the text as typed finds nothing. The corrected text is tried
	// strictly before the typed text is relaxed: "dependency injecton"
	// means dependency injection, not any question with "dependency".
	var fixes map[int]fix
	if searchable {
		if fixes, err = s.corrections(ctx, p); err != nil {
			return nil, err
		}
	}
	var p2 *plan
	if len(fixes) > 0 {
		fixes = s.surfaces(ctx, p, fixes)
		res.Suggestion = p.corrected(req.Text, fixes)
		tq2, _ := parseText(res.Suggestion)
		p2 = newPlan(tq2, s.analyze, s.positional, s.langs)
		if err := s.expandPrefix(ctx, p2); err != nil {
			return nil, err
		}
	}
	type attempt struct {
		p              *plan
		relaxed, fuzzy bool
	}
	var attempts []attempt
	if p2 != nil {
		attempts = append(attempts, attempt{p2, false, true})
	}
	if searchable {
		attempts = append(attempts, attempt{p, true, false})
	}
	if p2 != nil {
		attempts = append(attempts, attempt{p2, true, true})
	}
	for _, a := range attempts {
		if sr.Total > 0 {
			break
		}
		q2 := a.p.build(a.relaxed, s.analyze, filter)
		r2, err := s.run(ctx, q2, req, tiered(a.p), nil)
		if err != nil {
			return nil, err
		}
		if r2.Total > 0 {
			sr, q, res.Relaxed, res.Fuzzy = r2, q2, a.relaxed, a.fuzzy
			final, finalRelaxed = a.p, a.relaxed
		}
	}
	if res.Fuzzy {
		res.UsedSpelling, res.Suggestion = res.Suggestion, ""
	}
	// The records with the word being typed itself come before those
	// with only a longer word it starts (prefix.go).
	var whole expr.Node
	if final != nil && final.tiered() && sr.Total > 0 {
		whole = final.withoutPrefix().build(finalRelaxed, s.analyze, filter)
	}
	switch {
	case each == nil && res.Sort == SortRelevance && whole != nil:
		err = s.tieredPage(ctx, res, sr, q, whole, req)
	case each == nil && res.Sort == SortRelevance:
		err = s.fill(res, sr, req)
	default:
		err = s.ordered(ctx, res, q, whole, sr, req, each)
	}
	if err != nil {
		return nil, err
	}
	res.TookMS = ms(time.Since(start))
	return res, nil
}

// browseQuery lists records by filters and exclusions alone (empty text).
func browseQuery(p *plan, analyze analyzeFunc, filter expr.Node) expr.Node {
	b := expr.Bool{Must: []expr.Node{expr.All{}}}
	if filter != nil {
		if _, none := filter.(expr.None); none {
			return filter
		}
		// As a must clause (see plan.build): the conjunction steps
		// through the records with the facet values, where a filter
		// applied after matching walks every record.
		b.Must = append(b.Must, filter)
	}
	for _, w := range append(slices.Clone(p.tq.NotWords), p.tq.NotPhrases...) {
		if q := phraseQuery(w, 1, analyze, p.positional); q != nil {
			b.Not = append(b.Not, q)
		}
	}
	return b
}

// filter builds the filter of a request from its fields and the text's
// inline filters, with values resolved to index terms.
func (s *Searcher) filter(req Request, tq textQuery) (expr.Node, error) {
	asked := map[string]bool{}
	vals := map[string][]string{}
	for _, f := range record.Facets {
		vs := append(slices.Clone(req.Filters[f.Name]), tq.Filters[f.Name]...)
		if len(vs) == 0 {
			continue
		}
		if err := s.checkKnown(f, vs); err != nil {
			return nil, err
		}
		asked[f.Name] = true
		for _, v := range vs {
			for _, t := range s.resolve(f, v) {
				vals[f.Name] = appendTerm(vals[f.Name], t)
			}
		}
	}
	return filterQuery(vals, asked), nil
}

// resolve maps a filter value to the index terms it names: the same value
// ignoring case; for paths (sources) also every file below a folder of
// that name or with that base name, so --source
// Devinterview-io__sql-interview-questions or --source README.md work.
func (s *Searcher) resolve(f record.Facet, v string) []string {
	var out []string
	for _, t := range s.values[f.Name] {
		switch {
		case strings.EqualFold(t, v):
		case f.Paths && (hasPathPrefix(t, v) || strings.EqualFold(baseName(t), v)):
		default:
			continue
		}
		out = append(out, t)
	}
	return out
}

func hasPathPrefix(p, dir string) bool {
	dir = strings.TrimSuffix(dir, "/")
	return len(p) > len(dir) && strings.EqualFold(p[:len(dir)], dir) && p[len(dir)] == '/'
}

func baseName(p string) string {
	if i := strings.LastIndexByte(p, '/'); i >= 0 {
		return p[i+1:]
	}
	return p
}

// runReads says what a search reads besides its total: the page's hits
// (with their records and term locations), the facets, or both.
type runReads int

const (
	readAll    runReads = iota // the page and the facets
	readPage                   // the page alone
	readCounts                 // the facets alone
)

// run executes one search for the request's page, with facets and term
// locations for highlighting, or the part of it what asks for. When the
// page is collapsed by cluster, records and locations are read for the
// hits it shows (seen: the clusters already shown, as fillHits will be
// given them; nil for none), the other hits carry their cluster only.
func (s *Searcher) run(ctx context.Context, q expr.Node, req Request, what runReads, seen map[string]bool) (*index.Page, error) {
	if q == nil {
		q = expr.None{}
	}
	size, from := req.Limit, req.Offset
	if !req.All && s.hasClusters() {
		// Collapse needs the hits before the page too, and spares.
		size, from = req.Offset+req.Limit*3, 0
	}
	// index.Search orders by score, then ID, so equal scores keep a
	// stable order, and loads stored fields and locations for the page
	// only.
	opts := index.SearchOptions{
		Size: size, From: from,
		Fields:    []string{index.FieldRecord, record.FieldCluster},
		Locations: true,
		Facets:    facetSize,
		Explain:   req.Explain,
	}
	if !req.All && s.hasClusters() {
		opts.PickFields = []string{record.FieldCluster}
		opts.Pick = func(hits []index.Hit) []int {
			seen := maps.Clone(seen)
			if seen == nil {
				seen = map[string]bool{}
			}
			keep := s.collapse(hits, seen, nil)
			return keep[min(req.Offset, len(keep)):min(req.Offset+req.Limit, len(keep))]
		}
	}
	switch what {
	case readPage:
		opts.Facets = nil
	case readCounts:
		opts.Size, opts.From, opts.Fields, opts.Locations, opts.Pick = 0, 0, nil, false, nil
	}
	res, err := s.ix.Search(ctx, q, opts)
	if err != nil {
		return nil, fmt.Errorf("search index %s: %w", s.ix.Dir(), err)
	}
	return res, nil
}

func (s *Searcher) hasClusters() bool {
	s.clusterSizes()
	return len(s.clusterSize) > 0
}

// clusterSizes sets clusterSize, once: from the duplicate detector's
// clusters when its stored features are loaded (the build's clusters,
// which the records' cluster field holds: pipeline's
// TestServingClusterSizes), else counted from the index's cluster field,
// every term's postings (1.6 s of CPU at a million records, which opening
// a searcher paid before a server could listen: issue 15). A late
// searcher (a server's) whose stored features are read in place loads
// them here if its warm-up has not (a fraction of a second at a million
// records), so that no search counts; features of an older format, which
// take seconds to load, are not waited for.
func (s *Searcher) clusterSizes() error {
	s.sizesOnce.Do(func() {
		sizes := map[string]int{}
		st := s.loadedDups()
		if st == nil && s.late && s.featuresKey != nil {
			if data, err := s.mappedFeatures(); err == nil && dedup.ReadInPlace(data) {
				st, _ = s.prepareDups(context.Background(), false)
			}
		}
		if st != nil && st.stored {
			sizes = make(map[string]int, st.clusters.Len())
			for k := range st.clusters.Len() {
				sizes[st.clusters.ID(k)] = st.clusters.Size(k)
			}
			s.clusterSize = sizes
			return
		}
		terms, err := s.ix.Terms(record.FieldCluster)
		if err != nil {
			s.sizesErr = fmt.Errorf("open searcher on %s: %w", s.ix.Dir(), err)
			return
		}
		for t, n := range terms {
			if n > 1 {
				sizes[t] = int(n)
			}
		}
		s.clusterSize = sizes
	})
	return s.sizesErr
}

// fill turns the index's page into the Result: hits (collapsed by cluster
// unless req.All), highlighting and facets.
func (s *Searcher) fill(res *Result, sr *index.Page, req Request) error {
	res.Total = sr.Total
	if _, err := s.fillHits(res, sr, req, map[string]bool{}); err != nil {
		return err
	}
	s.facets(res, sr)
	return nil
}

// fillHits appends the page's hits of sr (as s.run fetched them for req)
// to res, leaving out the hits of a cluster already seen, and adds the
// clusters of every hit it keeps or passes to seen. It returns how many
// hits of the whole list (not only the page) are kept.
func (s *Searcher) fillHits(res *Result, sr *index.Page, req Request, seen map[string]bool) (int, error) {
	hits := sr.Hits
	kept := int(sr.Total)
	if !req.All && s.hasClusters() {
		// Only the best hit of a cluster is shown; the cluster field
		// is read without decoding whole records (s.run read records
		// and locations for the hits kept here alone).
		keep := s.collapse(hits, seen, func(before int) {
			if before > req.Offset && before <= req.Offset+req.Limit {
				res.Collapsed++
			}
		})
		kept = len(keep)
		var page []index.Hit
		for _, i := range keep[min(req.Offset, len(keep)):min(req.Offset+req.Limit, len(keep))] {
			page = append(page, hits[i])
		}
		hits = page
	}
	for _, h := range hits {
		rec, err := decodeRecord(h)
		if err != nil {
			return 0, err
		}
		hit := newHit(rec, h)
		if !req.All {
			hit.Similar = max(0, s.clusterSize[rec.Cluster]-1)
		}
		res.Hits = append(res.Hits, hit)
	}
	return kept, nil
}

// collapse returns the positions of the hits that show their
// near-duplicate cluster, in order: the first hit of each cluster not in
// seen (a record of no cluster, or of a cluster of one, always shows), and
// adds their clusters to seen. left, when not nil, is called for each hit
// left out with the number of hits kept before it.
func (s *Searcher) collapse(hits []index.Hit, seen map[string]bool, left func(before int)) []int {
	var keep []int
	for i, h := range hits {
		c := first(h.Fields[record.FieldCluster])
		if s.clusterSize[c] > 1 && seen[c] {
			if left != nil {
				left(len(keep))
			}
			continue
		}
		seen[c] = true
		keep = append(keep, i)
	}
	return keep
}

// facets copies the page's facet counts into the Result.
func (s *Searcher) facets(res *Result, sr *index.Page) {
	for _, f := range facetFields {
		counts := []FacetCount{}
		for _, v := range sr.Facets[f].Values {
			counts = append(counts, FacetCount{Value: v.Value, Count: v.Count})
		}
		res.Facets[f] = counts
	}
}

// first returns the first of a stored field's values, or "".
func first(vs []string) string {
	if len(vs) == 0 {
		return ""
	}
	return vs[0]
}

// decodeRecord returns the hit's stored record, which index decoded
// (index.Hit.Record).
func decodeRecord(h index.Hit) (record.Record, error) {
	if h.Record == nil {
		return record.Record{}, fmt.Errorf("read hit %s: %w: no stored record", h.ID, index.ErrCorrupt)
	}
	return *h.Record, nil
}

func newHit(rec record.Record, h index.Hit) Hit {
	hit := Hit{
		ID:          rec.ID,
		Question:    rec.Question,
		Level:       rec.Level,
		Topics:      nonNil(rec.Topics),
		Tags:        nonNil(rec.Tags),
		Cluster:     rec.Cluster,
		Score:       h.Score,
		AnswerCount: len(rec.Answers),
		Explain:     newExplanation(h.Explanation),
	}
	hit.Sources, hit.MoreSources = capSources(rec.Sources, MaxHitSources)
	hit.QuestionHTML = markAll(rec.Question, spans(locationsOf(h, record.FieldQuestion), 0))
	answers := index.AnswerTexts(rec)
	hit.Fragments = fragments(answers, locationsOf(h, record.FieldAnswer))
	if len(answers) > 0 {
		hit.Snippet = snippet(answers[0], snippetLen)
	}
	return hit
}

// locationsOf returns where a hit matched in a question or answer field,
// with the matches in its language fields (index.LangField), whose
// locations are offsets into the same text.
func locationsOf(h index.Hit, field string) map[string][]index.Location {
	out := h.Locations[field]
	cloned := false
	for f, terms := range h.Locations {
		if base, ok := index.LangBase(f); !ok || base != field {
			continue
		}
		if !cloned {
			out, cloned = maps.Clone(out), true
			if out == nil {
				out = map[string][]index.Location{}
			}
		}
		for t, locs := range terms {
			out[f+":"+t] = locs
		}
	}
	return out
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// ErrNotFound is returned by Searcher.Record for an unknown ID.
var ErrNotFound = &Error{Code: "not_found", Message: "query: no such question"}

// Record returns the record with the given ID, with every merged answer.
// An unknown ID gives an *Error with code "not_found".
func (s *Searcher) Record(id string) (_ record.Record, err error) {
	defer guard(s.ix, &err, debug.SetPanicOnFault(true))
	rec, ok, err := s.ix.Record(id)
	if err != nil {
		return rec, err
	}
	if !ok {
		return rec, &Error{Code: ErrNotFound.Code, Message: fmt.Sprintf("query: no question with id %q", id)}
	}
	// A list is a JSON array even when empty: one type per field.
	rec.Topics, rec.Tags, rec.Sources = nonNil(rec.Topics), nonNil(rec.Tags), nonNilSources(rec.Sources)
	if rec.Answers == nil {
		rec.Answers = []record.Answer{}
	}
	return rec, nil
}

// Stats describes the whole index: records and counts per facet value.
type Stats struct {
	Records uint64                  `json:"records"`
	Facets  map[string][]FacetCount `json:"facets"`
	// Missing counts records without a value, per facet (no level, no
	// topic).
	Missing map[string]int `json:"missing"`
	Index   index.Meta     `json:"index"`
	Dir     string         `json:"dir"`
}

// Stats counts the records of the index by each facet (record.Facets).
func (s *Searcher) Stats(ctx context.Context) (*Stats, error) {
	sizes := map[string]int{}
	for _, f := range facetFields {
		sizes[f] = max(1, len(s.values[f]))
	}
	res, err := s.ix.Search(ctx, expr.All{}, index.SearchOptions{Facets: sizes})
	if err != nil {
		return nil, fmt.Errorf("count index %s: %w", s.ix.Dir(), err)
	}
	st := &Stats{Records: res.Total, Facets: map[string][]FacetCount{}, Missing: map[string]int{}, Index: s.ix.Meta(), Dir: s.ix.Dir()}
	for _, f := range facetFields {
		counts := []FacetCount{}
		if fr, ok := res.Facets[f]; ok {
			for _, v := range fr.Values {
				counts = append(counts, FacetCount{Value: v.Value, Count: v.Count})
			}
			st.Missing[f] = fr.Missing
		}
		st.Facets[f] = counts
	}
	return st, nil
}

// Values returns every value of a facet field in the index, sorted: for
// shell completion and the HTTP page's facet lists.
func (s *Searcher) Values(field string) []string { return slices.Clone(s.values[field]) }
