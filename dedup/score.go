package dedup

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/iq-search/iq/record"
)

// Penalties for the classic false matches. They multiply: a question that
// differs by a version number and asks for a comparison the other does not
// is far from a duplicate however many words it shares.
const (
	conflictPenalty     = 0.25 // "L1" vs "L2", `==` vs `is`, "3" vs "2"
	omissionPenalty     = 0.6  // "Pydantic v1 and v2" vs "Pydantic"
	antonymPenalty      = 0.3  // "high bias" vs "low bias"
	comparisonPenalty   = 0.7  // "difference between X and Y" vs "What is X"
	aspectPenalty       = 0.55 // "How to create refs?" vs "What is the use of refs?"
	negationPenalty     = 0.5  // "which query returns…" vs "which query will not return…"
	topicPenalty        = 0.3  // middleware in Redux vs middleware in FastAPI
	narrowPenalty       = 0.55 // "What are Constraints?" vs "What is a UNIQUE constraint?"
	narrowPenaltyCommon = 0.7  // the same for a word common in the collection
	siblingPenalty      = 0.5  // "update objects inside state" vs "update arrays inside state"
	siblingAnswers      = 0.75 // answer similarity that forgives siblings
	// answerBoost is how far agreeing answers pull a borderline question
	// score towards their own similarity. Answers only raise a score:
	// two banks rarely word the answer to one question alike.
	answerBoost = 0.5
)

// Detail is a score with its parts, for tests and for showing a curator
// why two questions were (not) matched.
type Detail struct {
	// Score is the final similarity in [0, 1].
	Score float64 `json:"score"`
	// Question is the similarity of the two questions: the TF-IDF
	// cosine, and for short questions the geometric mean of the cosine
	// and the share of the wider question the narrower one covers.
	Question float64 `json:"question"`
	// Answer is the cosine of the starts of the answers and their code, or
	// -1 when either record has no answer.
	Answer float64 `json:"answer"`
	// Penalty is the product of the penalties applied (1 for none).
	Penalty float64 `json:"penalty"`
	// Reason names what decided the score when it was not the plain
	// similarity: a penalty, or a generic question judged by its answers.
	Reason string `json:"reason,omitempty"`
}

// Score returns the near-duplicate similarity of two records in [0, 1],
// with token weights from st (nil weighs all tokens alike, which is worse).
func Score(a, b record.Record, st *Stats) float64 {
	return Explain(a, b, st).Score
}

// Explain is Score with its parts.
func Explain(a, b record.Record, st *Stats) Detail {
	fa, fb := newFeatures(&a, st), newFeatures(&b, st)
	return score(&fa, &fb, true)
}

// score scores two records' features. Without explain it leaves Reason
// empty, which saves formatting on every one of a clustering's candidate
// pairs.
func score(fa, fb *features, explain bool) Detail {
	return scoreAbove(fa, fb, explain, 0)
}

// scoreAbove is score that may stop early when the similarity before
// penalties is under floor (penalties only lower it): the Score it then
// returns is that upper bound, below floor all the same.
func scoreAbove(fa, fb *features, explain bool, floor float64) Detail {
	dot, sa, sb := shared(fa.q, fb.q)
	d := Detail{Question: cosineOf(fa.q, fb.q, dot), Answer: -1, Penalty: 1}
	var bufA, bufB [16]qtok
	var onlyA, onlyB []qtok
	short := !fa.long && !fb.long
	if short {
		// Short questions: a question that leaves out part of the other
		// ("What is React?" beside "What is a React component?") is a
		// different question, however heavy the shared word.
		ca, cb := coverageOf(fa.q, fb.q, sa, sb)
		d.Question = math.Sqrt(d.Question * min(ca, cb))
		onlyA, onlyB = unmatched(bufA[:0], fa.toks, fb.toks), unmatched(bufB[:0], fb.toks, fa.toks)
		if sameSubject(fa, fb, onlyA, onlyB) {
			// Every word either asks about is in the other: what is
			// left is how they ask, which the aspect guard judges.
			d.Question = max(d.Question, sameSubjectFloor+(1-sameSubjectFloor)*d.Question)
		}
	}
	if fa.answers && fb.answers {
		d.Answer = cosine(fa.a, fb.a)
	}
	if fa.generic || fb.generic {
		// The title is shared by many different questions: only the same
		// code and answers make two of them the same question, and a
		// generic question is never the same as a specific one.
		if !fa.generic || !fb.generic || len(fa.substance) == 0 || len(fb.substance) == 0 {
			d.Reason = "generic question, nothing to compare it by"
			return d
		}
		d.Score = min(d.Question, jaccard(fa.substance, fb.substance))
		d.Reason = "generic question, judged by its code and answers"
		return d
	}
	s := d.Question
	if d.Answer > s {
		s += answerBoost * (d.Answer - s)
	}
	if s < floor {
		d.Score = s
		return d
	}
	if short {
		d.Penalty, d.Reason = penalty(fa, fb, onlyA, onlyB, explain)
	}
	d.Score = s * d.Penalty
	return d
}

// sameSubjectFloor is the least question similarity of two short questions
// whose words of substance are the same.
const sameSubjectFloor = 0.75

// sameSubject reports whether two short questions ask about the same
// things: each has a word of substance, neither has one the other lacks,
// and the technologies they name do not differ.
func sameSubject(fa, fb *features, onlyA, onlyB []qtok) bool {
	if heavyCount(onlyA) > 0 || heavyCount(onlyB) > 0 || heavyCount(fa.toks) == 0 || heavyCount(fb.toks) == 0 {
		return false
	}
	if _, _, ok := conflict(onlyA, onlyB); ok {
		return false
	}
	return techsAgree(fa.techs, fb.techs)
}

// otherTechs finds a technology each question names and the other does
// not, when the two cannot be one: "mount a GraphQL app in FastAPI" and
// "mount a Flask app in FastAPI".
func otherTechs(onlyA, onlyB []qtok) (string, string, bool) {
	for _, x := range onlyA {
		tx := techOf[x.text]
		if tx == "" || !x.content {
			continue
		}
		for _, y := range onlyB {
			if ty := techOf[y.text]; ty != "" && y.content && !techsAgree([]string{tx}, []string{ty}) {
				return tx, ty, true
			}
		}
	}
	return "", "", false
}

// narrowFactor is the narrower penalty for an extra word of substance with
// inverse document frequency idf: a rare word ("UNIQUE constraint",
// "nested Pydantic models") makes another question, a word common in the
// collection ("… of a React component", "immutable object") less surely.
func narrowFactor(idf float64) float64 {
	const lo, hi = 2.8, 3.5
	f := min(1, max(0, (idf-lo)/(hi-lo)))
	return narrowPenaltyCommon + f*(narrowPenalty-narrowPenaltyCommon)
}

// heavyIDF is the largest weight of the words of substance of ts.
func heavyIDF(ts []qtok) float64 {
	w := 0.0
	for _, t := range ts {
		if t.heavy() {
			w = max(w, float64(t.idf))
		}
	}
	return w
}

func heavyCount(ts []qtok) int {
	n := 0
	for _, t := range ts {
		if t.heavy() {
			n++
		}
	}
	return n
}

// penalty applies the meaning guards to two short questions, given the
// tokens each has that the other lacks. Long texts (forum posts) are left
// alone: one extra number in a paragraph does not change what it asks.
func penalty(fa, fb *features, onlyA, onlyB []qtok, explain bool) (float64, string) {
	p := 1.0
	var why []string
	// note takes the reason as a function so that scoring without
	// explain formats nothing.
	note := func(f float64, reason func() string) {
		p *= f
		if explain {
			why = append(why, reason())
		}
	}
	if x, y, ok := conflict(onlyA, onlyB); ok {
		note(conflictPenalty, func() string { return fmt.Sprintf("%q vs %q", x, y) })
	} else if x, ok := firstDiscriminating(onlyA, onlyB); ok {
		note(omissionPenalty, func() string { return fmt.Sprintf("%q on one side only", x) })
	}
	for _, x := range onlyA {
		if ant, ok := antonyms[x.text]; ok && hasText(onlyB, ant) {
			note(antonymPenalty, func() string { return fmt.Sprintf("%q vs %q", x.text, ant) })
			break
		}
	}
	switch shape(fa, fb, onlyA, onlyB) {
	case narrower:
		note(narrowFactor(max(heavyIDF(onlyA), heavyIDF(onlyB))), func() string {
			return fmt.Sprintf("narrower: %s on one side only", firstHeavy(onlyA, onlyB))
		})
	case siblings:
		note(siblingPenalty, func() string {
			return fmt.Sprintf("siblings: %s vs %s", firstHeavy(onlyA, nil), firstHeavy(onlyB, nil))
		})
	}
	aa, ab := fa.aspects, fb.aspects
	if fa.differ != fb.differ {
		note(comparisonPenalty, func() string { return "comparison on one side only" })
		// The comparison is judged: the other aspects still count.
		aa, ab = aa&^aspectCompare, ab&^aspectCompare
	}
	if !aspectsAgree(aa, ab) {
		note(aspectPenalty, func() string { return fmt.Sprintf("asks %s vs %s", aa, ab) })
	}
	if fa.negated != fb.negated {
		note(negationPenalty, func() string { return "negation on one side only" })
	}
	if x, y, ok := otherTechs(onlyA, onlyB); ok {
		note(topicPenalty, func() string { return fmt.Sprintf("%q vs %q", x, y) })
	}
	switch {
	case !techsAgree(fa.techs, fb.techs):
		note(topicPenalty, func() string { return fmt.Sprintf("technologies %v vs %v", fa.techs, fb.techs) })
	case !techsAgree(fa.topics, fb.topics):
		note(topicPenalty, func() string { return fmt.Sprintf("topics %v vs %v", fa.topics, fb.topics) })
	}
	return p, strings.Join(why, "; ")
}

// unmatched returns the tokens of a that b lacks; both are sorted by hash.
func unmatched(out, a, b []qtok) []qtok {
	j := 0
	for _, t := range a {
		for j < len(b) && b[j].h < t.h {
			j++
		}
		if j < len(b) && b[j].h == t.h {
			continue
		}
		out = append(out, t)
	}
	return out
}

func conflict(a, b []qtok) (string, string, bool) {
	for _, x := range a {
		if x.fam == 0 {
			continue
		}
		for _, y := range b {
			if y.fam == x.fam {
				return x.text, y.text, true
			}
		}
	}
	return "", "", false
}

func firstDiscriminating(a, b []qtok) (string, bool) {
	for _, ts := range [][]qtok{a, b} {
		for _, t := range ts {
			if t.fam != 0 {
				return t.text, true
			}
		}
	}
	return "", false
}

func hasText(ts []qtok, s string) bool {
	for _, t := range ts {
		if t.text == s {
			return true
		}
	}
	return false
}

// DefaultMinScore is the score from which two questions count as
// duplicates.
const DefaultMinScore = 0.6

func overlap(a, b []string) bool {
	for _, x := range a {
		if slices.Contains(b, x) {
			return true
		}
	}
	return false
}

type questionShape int

const (
	plain questionShape = iota
	narrower
	siblings
)

// shape tells two short questions that share their words of substance
// apart from the same question: one with a word of substance the other
// lacks (narrower: "What is a path parameter?" / "Can a route have multiple
// path parameters?", "What are Constraints?" / "What is a UNIQUE
// constraint?"), or each with one of its own (siblings: objects vs arrays).
// Siblings are forgiven as the same subject seen from two sides when their
// answers agree closely, or, when only one has an answer, when that answer
// uses the other question's own words: the WebSocket question whose answer
// speaks of endpoints.
func shape(fa, fb *features, onlyA, onlyB []qtok) questionShape {
	ua, ub := heavyCount(onlyA), heavyCount(onlyB)
	switch {
	case ua == 0 && ub == 0:
		return plain
	case ua == 0 || ub == 0:
		return narrower
	}
	switch {
	case fa.answers && fb.answers:
		if cosine(fa.a, fb.a) >= siblingAnswers {
			return plain
		}
	case fa.answers || fb.answers:
		if explained(onlyA, fb) && explained(onlyB, fa) {
			return plain
		}
	}
	return siblings
}

// explained reports whether every content word of only appears in f's
// answer, true when f has no answer to look in.
func explained(only []qtok, f *features) bool {
	if !f.answers {
		return true
	}
	for _, t := range only {
		if t.content && !f.a.has(t.h) {
			return false
		}
	}
	return true
}

func contentCount(ts []qtok) int {
	n := 0
	for _, t := range ts {
		if t.content {
			n++
		}
	}
	return n
}

// firstHeavy names the first word of substance of a, else of b.
func firstHeavy(a, b []qtok) string {
	for _, ts := range [][]qtok{a, b} {
		for _, t := range ts {
			if t.heavy() {
				return strconv.Quote(t.text)
			}
		}
	}
	return ""
}
