package index

import (
	"fmt"
	"maps"
	"runtime/debug"
	"slices"
	"unicode"
	"unicode/utf8"

	// Bleve registers a language's analyzer when its package is imported.
	"github.com/blevesearch/bleve/v2"
	_ "github.com/blevesearch/bleve/v2/analysis/lang/ar"
	_ "github.com/blevesearch/bleve/v2/analysis/lang/cjk"
	_ "github.com/blevesearch/bleve/v2/analysis/lang/da"
	_ "github.com/blevesearch/bleve/v2/analysis/lang/de"
	_ "github.com/blevesearch/bleve/v2/analysis/lang/es"
	_ "github.com/blevesearch/bleve/v2/analysis/lang/fa"
	_ "github.com/blevesearch/bleve/v2/analysis/lang/fi"
	_ "github.com/blevesearch/bleve/v2/analysis/lang/fr"
	_ "github.com/blevesearch/bleve/v2/analysis/lang/hi"
	_ "github.com/blevesearch/bleve/v2/analysis/lang/hr"
	_ "github.com/blevesearch/bleve/v2/analysis/lang/hu"
	_ "github.com/blevesearch/bleve/v2/analysis/lang/it"
	_ "github.com/blevesearch/bleve/v2/analysis/lang/nl"
	_ "github.com/blevesearch/bleve/v2/analysis/lang/no"
	_ "github.com/blevesearch/bleve/v2/analysis/lang/pt"
	_ "github.com/blevesearch/bleve/v2/analysis/lang/ro"
	_ "github.com/blevesearch/bleve/v2/analysis/lang/ru"
	_ "github.com/blevesearch/bleve/v2/analysis/lang/sv"
	_ "github.com/blevesearch/bleve/v2/analysis/lang/tr"
	bindex "github.com/blevesearch/bleve_index_api"
	"github.com/iq-search/iq/index/internal/scorchx"
	"github.com/iq-search/iq/record"
)

// langAnalyzers maps a record's language (record.Record.Lang, ISO 639-1)
// to Bleve's analyzer for it. English, and a language Bleve has no
// analyzer for (Ukrainian, Bulgarian), is analysed by AnalyzerText alone.
var langAnalyzers = map[string]string{
	"ar": "ar", "da": "da", "de": "de", "es": "es", "fa": "fa", "fi": "fi", "fr": "fr", "hi": "hi",
	"hr": "hr", "hu": "hu", "it": "it", "nl": "nl", "nb": "no", "no": "no", "pt": "pt",
	"ro": "ro", "ru": "ru", "sv": "sv", "tr": "tr",
	// Chinese, Japanese and Korean write no spaces between words: the cjk
	// analyzer indexes overlapping character pairs.
	"zh": "cjk", "ja": "cjk", "ko": "cjk",
}

// LangAnalyzer returns the Bleve analyzer of lang's language fields, or ""
// when the language has none (English among them).
func LangAnalyzer(lang string) string { return langAnalyzers[lang] }

// langAnalyzerList holds the analyzers of the language fields, sorted.
var langAnalyzerList = slices.Compact(slices.Sorted(maps.Values(langAnalyzers)))

// langBases maps each language field to the field it analyses again.
var langBases = func() map[string]string {
	m := map[string]string{}
	for _, a := range langAnalyzerList {
		for _, base := range [...]string{record.FieldQuestion, record.FieldAnswer} {
			m[LangField(base, a)] = base
		}
	}
	return m
}()

// LangField names the field that holds field (record.FieldQuestion or
// record.FieldAnswer) analysed by a language's analyzer: "question_ru",
// "answer_cjk".
func LangField(field, analyzer string) string { return field + "_" + analyzer }

// LangBase returns the field a language field analyses again
// ("question_ru" → "question"), and false for a field that is not one.
func LangBase(field string) (string, bool) {
	base, ok := langBases[field]
	return base, ok
}

// langScripts are the scripts a language field's analyzer reads; Latin
// for the analyzers not listed.
var langScripts = map[string][]*unicode.RangeTable{
	"ru":  {unicode.Cyrillic},
	"cjk": {unicode.Han, unicode.Hiragana, unicode.Katakana, unicode.Hangul},
	"ar":  {unicode.Arabic},
	"fa":  {unicode.Arabic},
	"hi":  {unicode.Devanagari},
}

// LangFits reports whether text holds a letter of the script that a
// language field's analyzer reads: a Russian query is searched in the
// Russian fields, an English one is not (its words would count twice in
// every Russian record that names them).
func LangFits(analyzer, text string) bool {
	scripts := langScripts[analyzer]
	for _, r := range text {
		if !unicode.IsLetter(r) {
			continue
		}
		if scripts == nil {
			if r < utf8.RuneSelf || unicode.Is(unicode.Latin, r) {
				return true
			}
			continue
		}
		if unicode.In(r, scripts...) {
			return true
		}
	}
	return false
}

// LangsUsed returns the analyzers whose language fields hold terms in this
// index (it has records in those languages), sorted.
func (ix *Index) LangsUsed() (_ []string, err error) {
	defer ix.guard(&err, debug.SetPanicOnFault(true))
	var out []string
	for _, a := range langAnalyzerList {
		field := LangField(record.FieldQuestion, a)
		for _, sh := range ix.shards {
			has, err := shardHasTerms(sh, field)
			if err != nil {
				return nil, fmt.Errorf("read dictionary of %s: %w", field, err)
			}
			if has {
				out = append(out, a)
				break
			}
		}
	}
	return out, nil
}

// shardHasTerms reports whether field has a term in the shard, walking a
// scorch snapshot's dictionaries on this goroutine (scorchx.FieldTerms:
// the caller's guard catches a damaged one's panic) and Bleve's FieldDict
// otherwise.
func shardHasTerms(sh bleve.Index, field string) (has bool, err error) {
	var ok bool
	err = withShardReader(sh, func(r bindex.IndexReader) (err error) {
		var terms []string
		terms, ok, err = scorchx.FieldTerms(r, field)
		has = len(terms) > 0
		return err
	})
	if err != nil || ok {
		return has, err
	}
	d, err := sh.FieldDict(field)
	if err != nil {
		return false, err
	}
	e, err := d.Next()
	if cerr := d.Close(); err == nil {
		err = cerr
	}
	return e != nil, err
}
