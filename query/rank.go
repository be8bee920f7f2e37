package query

import (
	"strings"

	"github.com/iq-search/iq/index"
	"github.com/iq-search/iq/record"
)

// The ranking signals, all in this file. A hit's score is Bleve's BM25
// (k1 1.2, b 0.75) of each query term in each field, times the term's
// weight, summed the way the query tree (build.go) combines them:
//
//   - field weights (textFields): a word matched in the question counts 3,
//     in an answer 1, in code 0.5; a word in the script of a language the
//     index has records in also matches that language's question and
//     answer fields at the same weights (langFields);
//   - required words (required): one or two content words must all match,
//     longer queries may miss one in four; a disjunction scores the words
//     matched times the share matched (coord), so more words rank higher;
//   - function words (stopWords, and the words a language field's
//     analyzer drops, "что", "такое"): match the question only and are
//     never required, so a record phrased like the query ranks higher;
//   - synonyms (index/synonyms.txt): a synonym of a word scores at half
//     the word's weight; a listed phrase ("dependency injection") also
//     matches as one concept term;
//   - the whole text as a phrase in the question (wholeTextPhraseBoost):
//     words typed together that stand together in a question;
//   - filters (facets) and exclusions restrict hits and score nothing.
//
// `iq search --explain` prints how each hit's score was made of them
// (Request.Explain, Hit.Explain). A new signal is one more term here, used
// by build.go; the ranking file (testdata/ranking.json) and the versus
// suite in package index show what it changes.

// Field weights. A word in the question says far more about what a record
// is about than the same word in a long answer; code is the weakest signal
// (it repeats identifiers from unrelated answers).
var textFields = []textField{
	{record.FieldQuestion, 3},
	{record.FieldAnswer, 1},
	{record.FieldCode, 0.5},
}

// textField is a field the words of a query are looked for in, with its
// weight.
type textField struct {
	name  string
	boost float64
}

// langFields are the language fields (index.LangField) of the analyzers
// in langs whose script the text is written in, weighted as the field each
// analyses again: "динамический компонент" is also looked for in
// question_ru and answer_ru, where Bleve's Russian analyzer stemmed the
// records' words. A text in another script is not: its words would count
// twice in every record of the language that names them.
func langFields(langs []string, text string) []textField {
	var out []textField
	for _, a := range langs {
		if !index.LangFits(a, text) {
			continue
		}
		for _, f := range textFields {
			if f.name == record.FieldQuestion || f.name == record.FieldAnswer {
				out = append(out, textField{index.LangField(f.name, a), f.boost})
			}
		}
	}
	return out
}

// wholeTextPhraseBoost weighs the whole query text found as a phrase in
// a question. 1, not 2: the phrase was once a disjunction of question and
// code, whose coord halved the question's score.
const wholeTextPhraseBoost = 1

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
