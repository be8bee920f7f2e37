package index

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/custom"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/keyword"
	"github.com/blevesearch/bleve/v2/mapping"
	"github.com/blevesearch/bleve/v2/search/query"
	"github.com/iq-search/iq/record"
)

// MappingVersion is the version of the mapping, of the analysis code in
// analysis.go and of what a document stores (document.go, stored.go). Bump
// it with any change that alters the terms or stored values an index holds
// (the golden test shows mapping changes; tokenizer changes show only in
// TestAnalyze, stored values in TestStoredFields): an index of another
// version is refused on open (ErrVersionMismatch), and package pipeline
// rebuilds it from its sources. 5: the question and answer stored once,
// in the record; 6: the record deflated.
const MappingVersion = 6

// Analyzer names. AnalyzerText is the analyzer of the question and answer
// fields; query code that analyses user text itself should use it.
const (
	AnalyzerText = "iq_text"
	// AnalyzerTextBase is AnalyzerText without the synonym phrase filter;
	// it turns the synonym list into index terms.
	AnalyzerTextBase = "iq_text_base"
	AnalyzerCode     = "iq_code"
	// filterSynonymPhrases is the configured instance of FilterPhrases.
	filterSynonymPhrases = "iq_synonym_phrases"
)

// Synonym source and collection: Bleve expands query terms on the question
// and answer fields through this thesaurus.
const (
	SynonymSource     = "iq_synonyms"
	SynonymCollection = "iq"
)

// Fields that only the index has, beside the record.Field* constants. They
// are stored, not indexed: for display and for Index.Record.
const (
	// FieldSources holds a record's sources as "file:line" strings.
	FieldSources = "sources"
	// FieldRecord holds the record as JSON, deflated (stored.go), so `iq
	// show` can print every merged answer without another store; it is
	// the one stored copy of the question and answers (recordTexts).
	FieldRecord = "record"
	// FieldKind is KindRecord on every record, so allRecords can tell
	// records from the synonym definitions Bleve keeps as documents too.
	FieldKind  = "kind"
	KindRecord = "record"
)

// ScoringModel is the scoring model of the mapping. BM25 saturates term
// frequency and normalises by field length, which suits short questions
// ranked against long answers better than Bleve's default TF-IDF.
const ScoringModel = "bm25"

// MappingHash returns a short hash of the mapping's JSON without synonyms
// (a custom synonym list is the user's choice, not a new mapping).
var MappingHash = sync.OnceValue(func() string {
	im, _, err := NewMapping(nil)
	if err != nil {
		panic(fmt.Sprintf("index: mapping without synonyms: %v", err))
	}
	b, err := json.Marshal(im)
	if err != nil {
		panic(fmt.Sprintf("index: encode mapping: %v", err))
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:8])
})

// allRecords returns a query matching every record and nothing else. Use it
// instead of bleve.NewMatchAllQuery, which also matches the synonym
// definitions stored in the index (they are documents to Bleve).
func allRecords() query.Query {
	q := bleve.NewTermQuery(KindRecord)
	q.SetField(FieldKind)
	return q
}

// NewMapping returns iq's index mapping with the given synonym list, and the
// synonym definitions to index beside the documents (Bleve keeps them in the
// index, not in the mapping). Multi-word synonym terms become phrases of the
// phrase filter, whose concept tokens are what the definitions name.
//
// The mapping is explicit: no dynamic fields, nothing in _all. Text fields
// use English stemming without stop words, so "what is a closure" keeps every
// word; the code-aware tokenizer keeps identifiers whole and adds their
// parts.
func NewMapping(syn []Synonym) (*mapping.IndexMappingImpl, []*bleve.SynonymDefinition, error) {
	im := bleve.NewIndexMapping()
	im.ScoringModel = ScoringModel
	im.IndexDynamic = false
	im.StoreDynamic = false
	im.DocValuesDynamic = false
	im.DefaultAnalyzer = AnalyzerText
	im.DefaultField = record.FieldQuestion

	// No stop-word filter: "what", "is", "a" stay terms, and BM25's IDF
	// keeps them from dominating.
	textFilters := []any{FilterCodeParts, FilterLower, FilterStemEn}
	if err := im.AddCustomAnalyzer(AnalyzerTextBase, map[string]any{
		"type":          custom.Name,
		"tokenizer":     TokenizerCode,
		"token_filters": textFilters,
	}); err != nil {
		return nil, nil, fmt.Errorf("define analyzer %s: %w", AnalyzerTextBase, err)
	}
	base := im.AnalyzerNamed(AnalyzerTextBase)
	defs, phrases, err := synonymTerms(syn, base.Analyze)
	if err != nil {
		return nil, nil, err
	}
	if err := im.AddCustomTokenFilter(filterSynonymPhrases, map[string]any{
		"type":    FilterPhrases,
		"phrases": phrases,
	}); err != nil {
		return nil, nil, fmt.Errorf("define token filter %s: %w", filterSynonymPhrases, err)
	}
	if err := im.AddCustomAnalyzer(AnalyzerText, map[string]any{
		"type":          custom.Name,
		"tokenizer":     TokenizerCode,
		"token_filters": append(slices.Clone(textFilters), filterSynonymPhrases),
	}); err != nil {
		return nil, nil, fmt.Errorf("define analyzer %s: %w", AnalyzerText, err)
	}
	// Code is not English: no stemming, so `items` and `item` stay apart.
	if err := im.AddCustomAnalyzer(AnalyzerCode, map[string]any{
		"type":          custom.Name,
		"tokenizer":     TokenizerCode,
		"token_filters": []any{FilterCodeParts, FilterLower},
	}); err != nil {
		return nil, nil, fmt.Errorf("define analyzer %s: %w", AnalyzerCode, err)
	}
	// The thesaurus holds terms already in index form (see synonymTerms),
	// so its own analyzer must leave them as they are.
	if err := im.AddSynonymSource(SynonymSource, map[string]any{
		"collection": SynonymCollection,
		"analyzer":   keyword.Name,
	}); err != nil {
		return nil, nil, fmt.Errorf("define synonym source %s: %w", SynonymSource, err)
	}

	doc := bleve.NewDocumentStaticMapping()
	// Question and answer: term vectors (positions for phrases, offsets
	// for highlighting on Bleve's searchers' path), not stored: their text
	// is stored once, in the record (FieldRecord), which every reader of
	// it loads anyway (highlighting, snippets, iq show, the API; the fast
	// ranker's locations through recordTexts). Stored here too it cost
	// little space (zap compresses a document's stored values together,
	// and the second copy compressed to almost nothing) but build CPU
	// (issue 15; BENCHMARKS.md, "Stored text once"). The question's
	// weight above the answer is a query-time boost (package query).
	addField(doc, record.FieldQuestion, textField(AnalyzerText, false, true))
	addField(doc, record.FieldAnswer, textField(AnalyzerText, false, true))
	addField(doc, record.FieldCode, textField(AnalyzerCode, false, false))
	// Language fields (lang.go, issue 11 item 9): the question and answers
	// of a record in a language Bleve has an analyzer for are analysed by
	// it too, in fields of their own (question_ru, answer_cjk), so Russian
	// word forms and Chinese words match. Question and answer keep the
	// English chain for every record. Not stored (the record holds the
	// text), with term vectors: their locations are offsets into that
	// same text, for highlighting.
	for _, a := range langAnalyzerList {
		addField(doc, LangField(record.FieldQuestion, a), textField(a, false, true))
		addField(doc, LangField(record.FieldAnswer, a), textField(a, false, true))
	}
	// The facet fields (record.Facets): terms and doc values, not stored
	// (the record JSON holds their values for display). Facets are counted
	// from their postings (Index.Search); the doc values serve Bleve's own
	// facets.
	for _, f := range record.Facets {
		addField(doc, f.Name, keywordField(false))
	}
	// Cluster and kind are matched or read stored, never faceted: no doc
	// values. A record's ID is Bleve's document ID (_id), which Record and
	// Records read; no field of our own repeats it.
	cluster := keywordField(true)
	cluster.DocValues = false
	addField(doc, record.FieldCluster, cluster)
	kind := keywordField(false)
	kind.DocValues = false
	addField(doc, FieldKind, kind)
	addField(doc, FieldSources, storedField())
	addField(doc, FieldRecord, storedField())
	// No _all field: every field is searched by name. With IncludeInAll
	// false everywhere _all would be empty, but Bleve still builds the
	// composite field for every document unless it is disabled by path.
	all := bleve.NewDocumentDisabledMapping()
	doc.AddSubDocumentMapping("_all", all)
	im.DefaultMapping = doc

	if err := im.Validate(); err != nil {
		return nil, nil, fmt.Errorf("validate mapping: %w", err)
	}
	return im, defs, nil
}

// addField maps a document property to one field. The property's own
// mapping is static too, so nothing below it is ever mapped dynamically.
func addField(doc *mapping.DocumentMapping, name string, fm *mapping.FieldMapping) {
	p := bleve.NewDocumentStaticMapping()
	p.AddFieldMapping(fm)
	doc.AddSubDocumentMapping(name, p)
}

func textField(analyzer string, store, vectors bool) *mapping.FieldMapping {
	fm := bleve.NewTextFieldMapping()
	fm.Analyzer = analyzer
	fm.Store = store
	fm.IncludeTermVectors = vectors
	fm.IncludeInAll = false
	// Doc values serve sorting and facets; text fields have neither, and
	// they cost ~17% of index size (BLEVE-NOTES.md).
	fm.DocValues = false
	if analyzer == AnalyzerText {
		fm.SynonymSource = SynonymSource
	}
	return fm
}

// keywordField is a facet/filter field: one term per value, doc values on
// (turned off where nothing facets on the field).
func keywordField(store bool) *mapping.FieldMapping {
	fm := bleve.NewKeywordFieldMapping()
	fm.Store = store
	fm.IncludeTermVectors = false
	fm.IncludeInAll = false
	fm.DocValues = true
	return fm
}

// storedField is kept for display only: not indexed, not analysed.
func storedField() *mapping.FieldMapping {
	fm := bleve.NewTextFieldMapping()
	fm.Analyzer = keyword.Name
	fm.Index = false
	fm.Store = true
	fm.IncludeTermVectors = false
	fm.IncludeInAll = false
	fm.DocValues = false
	return fm
}

// synonymTerms turns the synonym list into Bleve synonym definitions over
// index terms, and lists the multi-word terms for the phrase filter. Bleve's
// thesaurus maps one term to other terms, and analyses each definition term
// with the source's analyzer, keeping it only if it yields exactly one token;
// so a one-word term becomes its first analysed token (the whole identifier,
// stemmed if English), and a multi-word term becomes the concept token the
// phrase filter emits for it: its stemmed words joined by phraseSep.
func synonymTerms(syn []Synonym, analyze func([]byte) analysis.TokenStream) ([]*bleve.SynonymDefinition, []any, error) {
	var defs []*bleve.SynonymDefinition
	var phrases []any
	seen := map[string]bool{}
	canon := func(term string) (string, error) {
		words := strings.Fields(term)
		if len(words) == 1 {
			ts := analyze([]byte(term))
			if len(ts) == 0 {
				return "", fmt.Errorf("synonym %q: no index term", term)
			}
			return string(ts[0].Term), nil
		}
		stems := make([]string, 0, len(words))
		for _, w := range words {
			ts := analyze([]byte(w))
			if len(ts) != 1 {
				return "", fmt.Errorf("synonym %q: word %q is an identifier with parts; a multi-word synonym takes plain words only", term, w)
			}
			stems = append(stems, string(ts[0].Term))
		}
		p := strings.Join(stems, phraseSep)
		if !seen[p] {
			seen[p] = true
			phrases = append(phrases, p)
		}
		return p, nil
	}
	canonAll := func(terms []string, mined bool) ([]string, error) {
		var rv []string
		for _, t := range terms {
			c, err := canon(t)
			if err != nil && mined {
				continue // the Synonym doc: a mined term the index cannot hold
			}
			if err != nil {
				return nil, err
			}
			if !slices.Contains(rv, c) {
				rv = append(rv, c)
			}
		}
		return rv, nil
	}
	for _, s := range syn {
		terms, err := canonAll(s.Terms, s.Mined)
		if err != nil {
			return nil, nil, err
		}
		input, err := canonAll(s.Input, s.Mined)
		if err != nil {
			return nil, nil, err
		}
		if len(input) == 0 && len(terms) < 2 {
			continue // e.g. "regex, regexes": one term once stemmed
		}
		defs = append(defs, &bleve.SynonymDefinition{Input: input, Synonyms: terms})
	}
	slices.SortFunc(phrases, func(a, b any) int { return strings.Compare(a.(string), b.(string)) })
	return defs, phrases, nil
}

// textSource says which text an indexed field was analysed from (a key of
// recordTexts' map), and whether it has several values: where the fast
// ranker finds a hit's term locations (fastrank.Config.Sources). A
// language field (lang.go) analyses its base field's text again.
func textSource(field string) (source string, array, ok bool) {
	if base, ok := LangBase(field); ok {
		field = base
	}
	switch field {
	case record.FieldQuestion:
		return record.FieldQuestion, false, true
	case record.FieldAnswer:
		return record.FieldAnswer, true, true
	}
	return "", false, false
}

// Positions reports whether the index keeps the term positions of field,
// which phrase queries need: a phrase never matches in a field without
// them.
func (ix *Index) Positions(field string) bool {
	im, ok := ix.shards[0].Mapping().(*mapping.IndexMappingImpl)
	if !ok {
		return true
	}
	return im.FieldMappingForPath(field).IncludeTermVectors
}
