package record

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"unicode"
)

// Record is one clean interview question with every answer and every place
// it was found. It is the one type that every layer of iq passes around.
type Record struct {
	// ID is derived from the normalised question (see QuestionID), so the
	// same input always gives the same IDs.
	ID       string `json:"id"`
	Question string `json:"question"`
	// Context is the text a question depends on to read on its own: the
	// list item or title it stands under ("The following is a list of 10
	// students ages:"), empty for most questions.
	Context string   `json:"context,omitempty"`
	Answers []Answer `json:"answers"`
	// Level is one of Levels, or empty when the source marks none.
	Level string `json:"level"`
	// LevelLabel is the marker as the source wrote it ("Mid-Level", "⭐️").
	LevelLabel string `json:"level_label,omitempty"`
	// Lang is the ISO 639-1 code of the language the question is written
	// in ("en", "ru", "zh"), empty when it has no letters to tell by.
	Lang    string   `json:"lang"`
	Topics  []string `json:"topics"`
	Tags    []string `json:"tags"`
	Sources []Source `json:"sources"`
	// Cluster is the id of the near-duplicate cluster the record belongs to,
	// set after ingest by duplicate detection; empty until then.
	Cluster string `json:"cluster,omitempty"`
}

// Answer is one answer to a question, from one source.
type Answer struct {
	Text   string `json:"text"`
	Source Source `json:"source"`
	// HowToAnswer and ExampleAnswer hold labelled parts of an answer
	// ("How to answer:", "Example Answer:") when the source has them.
	HowToAnswer   string `json:"how_to_answer,omitempty"`
	ExampleAnswer string `json:"example_answer,omitempty"`
	Code          []Code `json:"code,omitempty"`
}

// Code is a code block of an answer, kept verbatim with its language.
type Code struct {
	Lang string `json:"lang,omitempty"`
	Text string `json:"text"`
}

// Source is a place a question or answer was found: a file name as given to
// ingest (relative to the corpus root for the embedded corpus) and a 1-based
// line number.
type Source struct {
	File string `json:"file"`
	Line int    `json:"line"`
}

// Field names shared by the index mapping and the query layer's facets, so
// that index and query cannot drift apart.
const (
	FieldQuestion = "question"
	FieldAnswer   = "answer"
	FieldCode     = "code"
	FieldLevel    = "level"
	FieldTopic    = "topic"
	FieldLang     = "lang"
	FieldTag      = "tag"
	FieldSource   = "source"
	FieldCluster  = "cluster"
)

// Normalised levels.
const (
	LevelBeginner     = "beginner"
	LevelIntermediate = "intermediate"
	LevelAdvanced     = "advanced"
)

// Levels lists the normalised levels from easiest to hardest.
var Levels = []string{LevelBeginner, LevelIntermediate, LevelAdvanced}

// NormalizeQuestion folds a question to the form used for exact-repeat
// merging and IDs: lower case, letters, digits and code-significant symbols
// only, single spaces, no leading numbering and no trailing punctuation.
func NormalizeQuestion(q string) string {
	var b strings.Builder
	b.Grow(len(q))
	space := false
	// Rune by rune, as strings.ToLower maps them, without its copy.
	for _, r := range q {
		r = unicode.ToLower(r)
		switch {
		case unicode.IsLetter(r) || unicode.IsDigit(r) || strings.ContainsRune("=<>!&|+-*/%@#$^~_.:", r):
			if space && b.Len() > 0 {
				b.WriteByte(' ')
			}
			space = false
			b.WriteRune(r)
		default:
			space = true
		}
	}
	s := strings.Trim(b.String(), " .:-")
	// Leading numbering: "12. ", "q3 ", "1) " already lost its ")".
	if i := strings.IndexByte(s, ' '); i > 0 {
		head := strings.TrimRight(s[:i], ".")
		if head != "" && strings.Trim(head, "0123456789") == "" {
			s = s[i+1:]
		}
	}
	return s
}

// QuestionID returns the stable record ID for a question: the first 16 hex
// digits of the SHA-256 of its normalised form.
func QuestionID(question string) string {
	return NormalizedID(NormalizeQuestion(question))
}

// NormalizedID is QuestionID of a question already normalised by
// NormalizeQuestion.
func NormalizedID(norm string) string {
	sum := sha256.Sum256([]byte(norm))
	return hex.EncodeToString(sum[:8])
}
