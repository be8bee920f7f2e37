package dedup

import (
	"cmp"
	"fmt"
	"math"
	"slices"
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
	softPenalty         = 0.75 // "What is Go?" vs "What are the basic data types in Go?"
	siblingPenalty      = 0.5  // "update objects inside state" vs "update arrays inside state"
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
	// Shared names the words of substance the two questions share, as the
	// first writes them: what makes them look alike.
	Shared []string `json:"shared,omitempty"`
	// Synonyms lists the words that matched in other forms ("benefits =
	// advantages", "CORS = Cross-Origin Resource Sharing").
	Synonyms []string `json:"synonyms,omitempty"`
	// Covered lists the words of substance one question has alone that
	// the other's answer speaks of, so that they make no other question
	// ("forms" in "…What are the normal forms?" beside "What is
	// normalization?" whose answer lists them).
	Covered []string `json:"covered,omitempty"`
	// Guards lists, in words, what lowered the score: a word of substance
	// on one side only, another technology, another aspect…
	Guards []string `json:"guards,omitempty"`
	// Reason says the above in one line for people.
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
	return scoreAnswers(fa, fb, explain, floor, nil)
}

// scoreAnswers is scoreAbove with the answers read from ans when it is
// not nil, and then fa.a and fb.a are not read: an Index's stored answer
// vectors compared without decoding them, and only for the pairs whose
// questions leave the answers a say (Index.edges).
func scoreAnswers(fa, fb *features, explain bool, floor float64, ans *pairAnswers) Detail {
	var bufA, bufB [16]qtok
	var onlyA, onlyB []qtok
	var dot, sa, sb float64
	short := !fa.long && !fb.long
	if short && aligned(fa) && aligned(fb) {
		dot, sa, sb, onlyA, onlyB = sharedUnmatched(fa, fb, bufA[:0], bufB[:0])
	} else {
		dot, sa, sb = shared(fa.q, fb.q)
		if short {
			onlyA, onlyB = unmatched(bufA[:0], fa.toks, fb.toks), unmatched(bufB[:0], fb.toks, fa.toks)
		}
	}
	d := Detail{Question: cosineOf(fa.q, fb.q, dot), Answer: -1, Penalty: 1}
	if short {
		// Short questions: a question that leaves out part of the other
		// ("What is React?" beside "What is a React component?") is a
		// different question, however heavy the shared word.
		ca, cb := coverageOf(fa.q, fb.q, sa, sb)
		d.Question = math.Sqrt(d.Question * min(ca, cb))
		onlyA, onlyB = impliedComparison(fa, fb, onlyA, onlyB)
		onlyA, onlyB = identifierPart(onlyA, fb), identifierPart(onlyB, fa)
		compared := sameComparison(fa, fb)
		if heavyCount(onlyB) == 0 {
			kept := placedByAnswer(onlyA, fb, ans.side(fa, fb), compared)
			if explain {
				d.Covered = appendDropped(d.Covered, fa, onlyA, kept)
			}
			onlyA = kept
		} else if heavyCount(onlyA) == 0 {
			kept := placedByAnswer(onlyB, fa, ans.side(fa, fa), compared)
			if explain {
				d.Covered = appendDropped(d.Covered, fb, onlyB, kept)
			}
			onlyB = kept
		}
		if sameSubject(fa, fb, onlyA, onlyB) {
			// Every word either asks about is in the other: what is
			// left is how they ask, which the aspect guard judges.
			d.Question = max(d.Question, sameSubjectFloor+(1-sameSubjectFloor)*d.Question)
		}
	}
	if floor > 0 && !fa.generic && !fb.generic && d.Question+answerBoost*(1-d.Question) < floor {
		// Not even answers that agree in full could lift it to floor.
		d.Score = d.Question
		return d
	}
	if floor > 0 && short && !fa.generic && !fb.generic {
		// A prefilter that changes no score reaching floor: the guards
		// are weighed before the answers are compared, as if the
		// answers agreed in full (the only way the answers' cosine moves
		// the penalty is to spare two siblings that agreeing answers
		// each name, so the penalty computed with a cosine of 1 is at
		// least the one the real cosine gives), and a pair kept under
		// floor even so is never compared (up is the most answers can
		// lift the question's similarity to). Most candidate pairs end
		// here. Floating-point products and sums only grow with their
		// operands, so up·p bounds the score s·p' however it rounds;
		// penalty stops early only once up·p is under floor.
		up := d.Question
		if fa.answers && fb.answers {
			up += answerBoost * (1 - d.Question)
		}
		if p := penaltyBound(fa, fb, onlyA, onlyB, ans, up, floor); up*p < floor {
			d.Score = up * p
			return d
		}
	}
	if fa.answers && fb.answers {
		if ans != nil {
			d.Answer = ans.ix.answerCosine(ans.i, ans.j)
		} else {
			d.Answer = cosine(fa.answerVector(), fb.answerVector())
		}
	}
	if fa.generic || fb.generic {
		// The title is shared by many different questions: only the same
		// code and answers make two of them the same question, and a
		// generic question is never the same as a specific one.
		if !fa.generic || !fb.generic || len(fa.substance) == 0 || len(fb.substance) == 0 {
			d.Guards = []string{"a generic question (\"What's the output?\") against one that is not, or with nothing to compare it by"}
			d.Reason = d.Guards[0]
			return d
		}
		sub := jaccard(fa.substance, fb.substance)
		if fa.answers != fb.answers {
			// One has an answer, the other only its code: the code
			// is what they can share.
			sub = containment(fa.substance, fb.substance)
		}
		d.Score = min(d.Question, sub)
		d.Reason = "generic questions, compared by their code and answers"
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
		var covered []string
		d.Penalty, d.Guards, covered = penalty(fa, fb, onlyA, onlyB, d.Answer, ans, explain)
		d.Covered = append(d.Covered, covered...)
	}
	d.Score = s * d.Penalty
	if explain {
		explainMatch(&d, fa, fb)
	}
	return d
}

// impliedComparison drops the word "difference" from the words one
// question has alone when the other asks about every subject it compares,
// two at least: "How are path parameters and query parameters used?"
// asks what "the difference between path parameters and query
// parameters" asks, since an answer to either explains both; so does a
// question that names the kinds it asks for (kindsCompared). The
// comparison guard still weighs the two forms. Beside one subject ("What
// is a non-clustered index?") the comparison stays a question of its own.
func impliedComparison(fa, fb *features, onlyA, onlyB []qtok) ([]qtok, []qtok) {
	if fa.differ == fb.differ {
		return onlyA, onlyB
	}
	if fb.differ {
		onlyB, onlyA = impliedComparison(fb, fa, onlyB, onlyA)
		return onlyA, onlyB
	}
	// fa compares, fb does not.
	if _, ok := kindsCompared(fa, fb); !ok && (fb.nHeavy < 2 || heavyCount(onlyA) != 1) {
		return onlyA, onlyB
	}
	i, ok := findText(onlyA, differWord)
	if !ok || !onlyA[i].heavy() {
		return onlyA, onlyB
	}
	return slices.Delete(slices.Clone(onlyA), i, i+1), onlyB
}

// identifierPart drops from only (the words one question has alone) a
// word that is a part of an identifier the other question names: "What is
// state in React? How do you use useState()?" asks about the state that
// "How does useState work?" asks about. The identifier alone on one side
// is still a word of its own ("What is state?" / "What is useState?").
func identifierPart(only []qtok, g *features) []qtok {
	var out []qtok
	for i, t := range only {
		if !t.heavy() || t.kind != kindWord || !namesPart(g, t.text) {
			if out != nil {
				out = append(out, t)
			}
			continue
		}
		if out == nil {
			out = append(make([]qtok, 0, len(only)), only[:i]...)
		}
	}
	if out == nil {
		return only
	}
	return out
}

// placedByAnswer drops from only (the words one question has alone, the
// other none) a word of a phrase after "of" or "in" that the other's
// answer speaks of: "the ACID properties of transactions" asks what "ACID
// properties in a database" asks when the answer to the latter speaks of
// transactions; the phrase places the subject where the other question's
// answer has it anyway. So does a word of a later sentence: "What is
// database normalization? What are the normal forms?" asks no more than
// "What is normalization?" when the answer to that one lists the normal
// forms. (In the first sentence, such a word still narrows: the answer to
// "What are Constraints?" speaks of UNIQUE, and "What is a UNIQUE
// constraint?" asks about that one; and "In Python, what is a decorator?"
// asks its question after the comma.) g's answers are read from side.
func placedByAnswer(only []qtok, g *features, side answerSide, compared bool) []qtok {
	if !g.answers {
		return only
	}
	var out []qtok
	for i, t := range only {
		drop := t.heavy() && (t.placed || t.later || compared) && side.has(g, t.h)
		if drop && out == nil {
			out = append(make([]qtok, 0, len(only)), only[:i]...)
		} else if !drop && out != nil {
			out = append(out, t)
		}
	}
	if out == nil {
		return only
	}
	return out
}

// sameComparison reports whether two questions both ask for a comparison
// of the same things, two at least (words of substance or technologies
// both name): "What is Docker Swarm, and how does it differ from
// Kubernetes?" and "How do you handle container orchestration using
// Kubernetes versus Docker Swarm?". A word one of them adds that the
// other's answer speaks of ("container orchestration") then says what the
// compared things are or do, which an answer to the comparison tells
// anyway (placedByAnswer).
func sameComparison(fa, fb *features) bool {
	if !fa.differ || !fb.differ {
		return false
	}
	n := 0
	for _, t := range fa.toks {
		if !t.content || !t.heavy() && techOf[t.text] == "" {
			continue
		}
		if _, ok := findHash(fb.toks, t.h); ok {
			n++
		}
	}
	return n >= 2
}

// namedByAnswer reports whether g's answers, read from side, speak of
// every word of substance of only.
func namedByAnswer(only []qtok, g *features, side answerSide) bool {
	for _, t := range only {
		if t.heavy() && !side.has(g, t.h) {
			return false
		}
	}
	return true
}

// appendDropped appends to out, as f writes them, the words of substance
// of before that after lacks.
func appendDropped(out []string, f *features, before, after []qtok) []string {
	for _, t := range byPosition(before) {
		if _, kept := findText(after, t.text); t.heavy() && !kept && !slices.Contains(out, f.raw(t)) {
			out = append(out, f.raw(t))
		}
	}
	return out
}

// pairAnswers names a pair of an Index's records whose answer vectors are
// stored apart from their features (answerTerms): scoring reads them
// there. A nil *pairAnswers means the features hold their own vectors.
type pairAnswers struct {
	ix   *Index
	i, j int
}

// answerSide is where one record's answer vector is read: its features'
// own (a nil terms), or record k of terms.
type answerSide struct {
	terms *answerTerms
	k     int
}

// side returns where the answers of g, which is fa or the other record of
// the pair, are read.
func (p *pairAnswers) side(fa, g *features) answerSide {
	if p == nil || p.ix.answers == nil {
		return answerSide{}
	}
	if g == fa {
		return answerSide{p.ix.answers, p.i}
	}
	return answerSide{p.ix.answers, p.j}
}

// has reports whether the answers of g, read from s, hold token h.
func (s answerSide) has(g *features, h uint64) bool {
	if s.terms == nil {
		return inVector(g.answerVector(), h)
	}
	return s.terms.has(s.k, h)
}

// inVector reports whether v holds token h.
func inVector(v vector, h uint64) bool {
	_, ok := slices.BinarySearchFunc(v.e, h, func(e entry, h uint64) int { return cmp.Compare(e.h, h) })
	return ok
}

// namesPart reports whether one of f's identifiers in lower camel case
// ("useState", "getElementById()") has a part that reads as word w.
func namesPart(f *features, w string) bool {
	for _, t := range f.toks {
		if t.kind != kindCode {
			continue
		}
		raw := f.raw(t)
		if !lowerCamel(raw) {
			continue
		}
		start := 0
		for i := 1; i <= len(raw); i++ {
			if i == len(raw) || raw[i] >= 'A' && raw[i] <= 'Z' || !isASCIILetter(raw[i]) {
				if i > start && canonical(strings.Trim(raw[start:i], "()")) == w {
					return true
				}
				start = i
			}
		}
	}
	return false
}

func isASCIILetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }

// sameSubjectFloor is the least question similarity of two short questions
// whose words of substance are the same.
const sameSubjectFloor = 0.75

// sameSubject reports whether two short questions ask about the same
// things: each has a word of substance, neither has one the other lacks,
// and the technologies they name do not differ.
func sameSubject(fa, fb *features, onlyA, onlyB []qtok) bool {
	if fa.nHeavy == 0 || fb.nHeavy == 0 || heavyCount(onlyA) > 0 || heavyCount(onlyB) > 0 {
		return false
	}
	if _, _, ok := conflict(onlyA, onlyB); ok {
		return false
	}
	if fa.nHeavy == 1 {
		// One word of substance ("What is React?"): any other word
		// either adds ("What are the features of create react app?",
		// "data types in Go") makes it another question, unless it only
		// says how they ask.
		if hasSoft(onlyA) || hasSoft(onlyB) {
			return false
		}
	}
	return techsAgree(fa.techs, fb.techs)
}

// soft reports whether t is light but says more than how the question
// asks: "data", "roles", "output", not "explain" or "why".
func (t qtok) soft() bool {
	return !t.weak && t.kind == kindWord && (lightWords[t.text] || genericWords[t.text]) && aspectOf[t.text] == 0 && !frameWords[t.text]
}

func hasSoft(ts []qtok) bool {
	for _, t := range ts {
		if t.soft() {
			return true
		}
	}
	return false
}

// softWord returns the first soft word of a, else of b, as written.
func softWord(fa *features, a []qtok, fb *features, b []qtok) string {
	for _, s := range []struct {
		f  *features
		ts []qtok
	}{{fa, a}, {fb, b}} {
		for _, t := range byPosition(s.ts) {
			if t.soft() {
				return s.f.raw(t)
			}
		}
	}
	return ""
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

// filledSlot reports whether the one word of substance only f's question
// has stands right before a word both questions have, where g's question
// has a light noun ("data", "information") in its place: "request
// validation" / "data validation" fill one slot, exact and loose.
func filledSlot(only []qtok, f, g *features) bool {
	if heavyCount(only) != 1 {
		return false
	}
	i := slices.IndexFunc(only, qtok.heavy)
	x := only[i]
	for _, y := range f.toks {
		if y.pos != x.pos+1 || y.kind != kindWord {
			continue
		}
		yg, ok := findHash(g.toks, y.h)
		if !ok {
			return false
		}
		// A light noun that names an aspect ("the advantages of
		// ganega") asks something of the word after it; it holds no
		// slot before it.
		for _, z := range g.toks {
			if z.pos == yg.pos-1 && z.kind == kindWord && lightWords[z.text] && !frameWords[z.text] && aspectOf[z.text] == 0 && !z.content {
				return true
			}
		}
	}
	return false
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

// heavyIDF is the largest weight of the words of substance of ts. A
// light word asked about ("deta new", "feature importance", "playbooks
// and roles") is common as a light word, which says nothing of how rare
// it is as a subject: it counts as rare.
func heavyIDF(ts []qtok) float64 {
	w := 0.0
	for _, t := range ts {
		switch {
		case t.heavy() && t.kind == kindWord && lightWords[t.text]:
			w = max(w, math.Inf(1))
		case t.heavy():
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
//
// It returns the product of the penalties, and with explain the guards
// applied and the words one question has alone that were forgiven because
// the other's answer speaks of them (Detail.Covered).
func penalty(fa, fb *features, onlyA, onlyB []qtok, answer float64, ans *pairAnswers, explain bool) (float64, []string, []string) {
	return penaltyAbove(fa, fb, onlyA, onlyB, answer, ans, explain, 0, 0)
}

// penaltyBound is an upper bound of penalty's factor for any cosine of
// the answers, which penalty reads only as "at least DefaultMinScore";
// it may stop before the last guard once up·p is under floor.
func penaltyBound(fa, fb *features, onlyA, onlyB []qtok, ans *pairAnswers, up, floor float64) float64 {
	p, _, _ := penaltyAbove(fa, fb, onlyA, onlyB, 1, ans, false, up, floor)
	return p
}

// penaltyAbove is penalty that, with floor > 0, may stop before the last
// guard once up·p is under floor, returning that p: the factor only falls
// from there.
func penaltyAbove(fa, fb *features, onlyA, onlyB []qtok, answer float64, ans *pairAnswers, explain bool, up, floor float64) (float64, []string, []string) {
	p := 1.0
	var why, covered []string
	below := func() bool { return floor > 0 && up*p < floor }
	// note takes the reason as a function so that scoring without
	// explain formats nothing.
	note := func(f float64, reason func() string) {
		p *= f
		if explain {
			why = append(why, reason())
		}
	}
	if x, y, ok := conflict(onlyA, onlyB); ok {
		note(conflictPenalty, func() string { return fmt.Sprintf("%s vs %s", quote(fa.raw(x)), quote(fb.raw(y))) })
	} else if x, onA, ok := firstDiscriminating(glossless(onlyA, fa, fb), glossless(onlyB, fb, fa)); ok {
		note(omissionPenalty, func() string {
			f := fb
			if onA {
				f = fa
			}
			return fmt.Sprintf("only one says %s", quote(f.raw(x)))
		})
	}
	if below() {
		return p, why, covered
	}
	for i, x := range onlyA {
		if ant, ok := antonyms[x.text]; ok {
			if j, ok := findText(onlyB, ant); ok {
				y := onlyB[j]
				note(antonymPenalty, func() string { return fmt.Sprintf("%s vs %s", quote(fa.raw(x)), quote(fb.raw(y))) })
				// The antonyms are judged: they are no siblings.
				onlyA = slices.Delete(slices.Clone(onlyA), i, i+1)
				onlyB = slices.Delete(slices.Clone(onlyB), j, j+1)
				break
			}
		}
	}
	if below() {
		return p, why, covered
	}
	switch shape(onlyA, onlyB) {
	case narrower:
		if filledSlot(onlyA, fa, fb) || filledSlot(onlyB, fb, fa) {
			// "request validation" beside "data validation": the one
			// word stands where the other question has a light noun
			// before the same word, which it only makes exact.
			note(softPenalty, func() string {
				return fmt.Sprintf("only one asks about %s", heavyWords(fa, onlyA, fb, onlyB))
			})
			break
		}
		note(narrowFactor(max(heavyIDF(onlyA), heavyIDF(onlyB))), func() string {
			return fmt.Sprintf("only one asks about %s", heavyWords(fa, onlyA, fb, onlyB))
		})
	case siblings:
		if answer >= DefaultMinScore && namedByAnswer(onlyA, fb, ans.side(fa, fb)) && namedByAnswer(onlyB, fa, ans.side(fa, fa)) {
			// Answers that agree as duplicates do, each speaking of
			// the words only the other question has ("a resolver
			// function" / "field resolvers"): two names of one thing,
			// not siblings. Answers that only agree are no such sign
			// (a UNIQUE constraint and a primary key are explained in
			// the same words).
			if explain {
				covered = appendDropped(appendDropped(covered, fa, onlyA, nil), fb, onlyB, nil)
			}
			break
		}
		note(siblingPenalty, func() string {
			return fmt.Sprintf("other subjects: %s vs %s", heavyWords(fa, onlyA, nil, nil), heavyWords(fb, onlyB, nil, nil))
		})
	default:
		// One word of substance each, the same: a softer word on one
		// side ("data types in Go", "large lists in React") still makes
		// another question, if less surely.
		if min(fa.nHeavy, fb.nHeavy) <= 1 && (hasSoft(onlyA) || hasSoft(onlyB)) {
			note(softPenalty, func() string {
				return fmt.Sprintf("only one asks about %s", quote(softWord(fa, onlyA, fb, onlyB)))
			})
		}
	}
	if below() {
		return p, why, covered
	}
	aa, ab := fa.aspects, fb.aspects
	if k, ok := kindsCompared(fa, fb); ok {
		// "Describe different types of tests (unit, integration,
		// end-to-end)" names the kinds that "the difference between
		// unit, integration, and end-to-end testing" compares: an
		// answer that tells each kind tells how they differ.
		if k == fa {
			aa = aa&^aspectKinds | aspectCompare
		} else {
			ab = ab&^aspectKinds | aspectCompare
		}
	} else if fa.differ != fb.differ {
		note(comparisonPenalty, func() string { return "only one asks for a comparison" })
		// The comparison is judged: the other aspects still count. But
		// a comparison and nothing else against a yes-or-no question
		// ("Difference between method Overloading and Overriding." /
		// "Can we override the overloaded method?") asks for more than
		// the one fact, which the aspects still say.
		yesNo := aa == aspectCompare && ab&aspectYesNo != 0 || ab == aspectCompare && aa&aspectYesNo != 0
		if !yesNo {
			aa, ab = aa&^aspectCompare, ab&^aspectCompare
		}
	}
	if (fa.differ || fb.differ) && (aa^ab)&(aspectPros|aspectCons) != 0 {
		// "the downsides of Redux compared to Flux" asks for one side's
		// weaknesses, "the differences between Flux and Redux" for both
		// sides of each difference; "the pros and cons of mutable and
		// immutable values" for what each is good and bad for.
		aa, ab = aa&^aspectCompare, ab&^aspectCompare
		if aa == 0 {
			aa = aspectCompare
		}
		if ab == 0 {
			ab = aspectCompare
		}
	}
	if !aspectsAgree(aa, ab) {
		note(aspectPenalty, func() string { return fmt.Sprintf("one asks %s, the other %s", aa.words(), ab.words()) })
	}
	if fa.negated != fb.negated {
		note(negationPenalty, func() string { return "only one is negated (not, never…)" })
	}
	if below() {
		return p, why, covered
	}
	if x, y, ok := otherTechs(onlyA, onlyB); ok {
		note(topicPenalty, func() string { return fmt.Sprintf("%s vs %s", x, y) })
	}
	if below() {
		return p, why, covered
	}
	if x, ok := extraTech(fa.techs, fb.techs); ok {
		// "deploy a FastAPI app" / "deploy a FastAPI app using Docker
		// or Kubernetes": a second technology is more to answer.
		note(narrowPenalty, func() string { return fmt.Sprintf("only one asks about %s", x) })
	}
	if x, ok := toolOnOneSide(fa, fb, ans); ok {
		// "How do you manage database migrations in PostgreSQL?" asks
		// about one tool; "Describe database migrations…", from
		// material about no tool, about all of them.
		note(narrowPenalty, func() string { return fmt.Sprintf("only one asks about %s", x) })
	}
	switch {
	case !techsAgree(fa.techs, fb.techs):
		note(topicPenalty, func() string {
			return fmt.Sprintf("about %s vs %s", strings.Join(fa.techs, ", "), strings.Join(fb.techs, ", "))
		})
	case !techsAgree(fa.topics, fb.topics):
		note(topicPenalty, func() string {
			return fmt.Sprintf("from %s vs %s material", strings.Join(fa.topics, ", "), strings.Join(fb.topics, ", "))
		})
	}
	return p, why, covered
}

// kindsCompared returns the one of two questions that asks for the kinds
// of a thing and names them ("What are the types of joins (INNER, LEFT,
// RIGHT, FULL)?") when the other compares those kinds and nothing else
// ("What is the difference between INNER, LEFT, RIGHT and FULL joins?"):
// two kinds at least, every word of substance of the comparison named
// among the first's, and every kind it names compared.
func kindsCompared(fa, fb *features) (*features, bool) {
	if fa.differ == fb.differ {
		return nil, false
	}
	k, c := fa, fb
	if fa.differ {
		k, c = fb, fa
	}
	if k.aspects&aspectKinds == 0 {
		return nil, false
	}
	named := 0
	for _, t := range c.toks {
		if !t.heavy() || t.text == differWord {
			continue
		}
		u, ok := findHash(k.toks, t.h)
		if !ok {
			return nil, false
		}
		if u.weak {
			named++
		}
	}
	for _, t := range k.toks {
		// And the kinds it names are all compared: "the types of
		// joins (INNER, LEFT, RIGHT, FULL)" is more than "INNER vs
		// LEFT".
		if _, ok := findHash(c.toks, t.h); t.weak && t.kind == kindWord && !lightWords[t.text] && !ok {
			return nil, false
		}
	}
	return k, named >= 2
}

// toolOnOneSide returns the technology one question asks in when the
// other asks in a wider one only (Next.js beside React), or names none and
// comes from material about a wider field only (SQL for PostgreSQL,
// JavaScript for React): the narrower question is about one tool, the
// other about all of its field. Material of unknown topic says nothing by
// itself; there the other question's answers tell: "How do you build a
// REST API in Express?" asks in one tool, "What are RESTful principles?"
// with an answer that never names Express about all of them (an answer
// to "What are goroutines?" names Go).
func toolOnOneSide(fa, fb *features, ans *pairAnswers) (string, bool) {
	for k, s := range [2][2]*features{{fa, fb}, {fb, fa}} {
		f, g := s[0], s[1]
		if len(f.techs) == 0 || !hasContext(f.toks) {
			continue
		}
		field := g.techs
		if len(field) == 0 {
			if namesTech(g.toks) {
				continue
			}
			field = g.topics
		}
		if len(field) == 0 && g.answers {
			side := ans.side(fa, fb)
			if k == 1 {
				side = ans.side(fa, fa)
			}
			for _, x := range f.techs {
				if !answerNames(g, side, x) {
					return x, true
				}
			}
			continue
		}
		if len(field) == 0 || !techsAgree(f.techs, field) {
			continue
		}
		for _, x := range f.techs {
			if !slices.ContainsFunc(field, func(t string) bool { return isWithin(t, x) }) {
				return x, true
			}
		}
	}
	return "", false
}

// answerNames reports whether g's answers, read from side, name
// technology x or one within it.
func answerNames(g *features, side answerSide, x string) bool {
	for _, h := range techTokens {
		if isWithin(techOf[h.text], x) && side.has(g, h.h) {
			return true
		}
	}
	return false
}

// techTokens are the tokens of techOf with their hashes.
var techTokens = func() []techToken {
	var out []techToken
	for t := range techOf {
		out = append(out, techToken{t, hashToken(t)})
	}
	slices.SortFunc(out, func(a, b techToken) int { return strings.Compare(a.text, b.text) })
	return out
}()

type techToken struct {
	text string
	h    uint64
}

// namesTech reports whether ts name a technology anywhere, in an aside
// or a tail too.
func namesTech(ts []qtok) bool {
	for _, t := range ts {
		if techOf[t.text] != "" {
			return true
		}
	}
	return false
}

// hasContext reports whether ts name a technology as the context of the
// question ("middleware in FastAPI").
func hasContext(ts []qtok) bool {
	for _, t := range ts {
		if t.context {
			return true
		}
	}
	return false
}

// extraTech returns a technology one question names beside one both name,
// that the other does not name, nor one within or around it.
func extraTech(a, b []string) (string, bool) {
	if len(a) == 0 || len(b) == 0 || !techsAgree(a, b) {
		return "", false
	}
	for _, s := range [2][2][]string{{a, b}, {b, a}} {
		for _, x := range s[0] {
			if !techsAgree([]string{x}, s[1]) {
				return x, true
			}
		}
	}
	return "", false
}

// aligned reports whether f's question vector has an entry for each of
// its tokens, in the same order: one entry per distinct token, as
// features are made (weighTally keeps every token, its weight at least
// minIDF) and loaded.
func aligned(f *features) bool { return len(f.q.e) == len(f.toks) }

// sharedUnmatched is shared of the two question vectors and unmatched of
// their tokens both ways, in one walk of two aligned features (aligned):
// the same sums in the same order, the same tokens. The walk is most of
// the cost of a candidate pair most of which the guards turn down.
func sharedUnmatched(fa, fb *features, bufA, bufB []qtok) (dot, sa, sb float64, onlyA, onlyB []qtok) {
	ae, be := fa.q.e, fb.q.e
	i, j := 0, 0
	for i < len(ae) && j < len(be) {
		x, y := ae[i], be[j]
		switch {
		case x.h == y.h:
			dot += x.w * y.w
			sa += x.w * x.w
			sb += y.w * y.w
			i++
			j++
		case x.h < y.h:
			bufA = append(bufA, fa.toks[i])
			i++
		default:
			bufB = append(bufB, fb.toks[j])
			j++
		}
	}
	bufA = append(bufA, fa.toks[i:]...)
	bufB = append(bufB, fb.toks[j:]...)
	return dot, sa, sb, bufA, bufB
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

func conflict(a, b []qtok) (qtok, qtok, bool) {
	for _, x := range a {
		if x.fam == 0 {
			continue
		}
		for _, y := range b {
			if y.fam == x.fam {
				return x, y, true
			}
		}
	}
	return qtok{}, qtok{}, false
}

// glossless returns only without the operators f writes between two
// words g asks about too: in "the new arrow => function syntax" the
// arrow glosses "arrow function", which "What are arrow functions?" asks
// about as well. An operator asked about on its own ("What does `=>`
// do?") still counts.
func glossless(only []qtok, f, g *features) []qtok {
	var out []qtok
	for i, t := range only {
		gloss := t.kind == kindOp && sharedAt(f, g, t.pos-1) && sharedAt(f, g, t.pos+1)
		if gloss && out == nil {
			out = append(make([]qtok, 0, len(only)), only[:i]...)
		} else if !gloss && out != nil {
			out = append(out, t)
		}
	}
	if out == nil {
		return only
	}
	return out
}

// sharedAt reports whether f's token at position pos is a word of
// substance g has too.
func sharedAt(f, g *features, pos int32) bool {
	if pos < 0 || int(pos) >= len(f.raws) {
		return false
	}
	for _, t := range f.toks {
		if t.pos == pos {
			_, ok := findHash(g.toks, t.h)
			return ok && t.content
		}
	}
	return false
}

// firstDiscriminating returns the first discriminating token of a, else of
// b, and whether it is a's.
func firstDiscriminating(a, b []qtok) (qtok, bool, bool) {
	for k, ts := range [][]qtok{a, b} {
		for _, t := range ts {
			if t.fam != 0 {
				return t, k == 0, true
			}
		}
	}
	return qtok{}, false, false
}

func findText(ts []qtok, s string) (int, bool) {
	for i, t := range ts {
		if t.text == s {
			return i, true
		}
	}
	return -1, false
}

// DefaultMinScore is the score from which two questions count as
// duplicates.
const DefaultMinScore = 0.6

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
// constraint?"), or each with one of its own (siblings: objects vs arrays,
// a UNIQUE constraint vs a primary key, TCP and UDP vs TCP and HTTP).
// Siblings are not forgiven when their answers agree: two banks explain
// a UNIQUE constraint and a primary key in the same words, and a TCP/UDP
// answer speaks of HTTP; the answers say the subjects are related, not
// that the questions are one.
func shape(onlyA, onlyB []qtok) questionShape {
	ua, ub := heavyCount(onlyA), heavyCount(onlyB)
	switch {
	case ua == 0 && ub == 0:
		return plain
	case ua == 0 || ub == 0:
		return narrower
	}
	return siblings
}

// heavyWords names the words of substance of a, else of b, as written.
func heavyWords(fa *features, a []qtok, fb *features, b []qtok) string {
	for _, s := range []struct {
		f  *features
		ts []qtok
	}{{fa, a}, {fb, b}} {
		var ws []string
		for _, t := range byPosition(s.ts) {
			if w := quote(s.f.raw(t)); t.heavy() && !slices.Contains(ws, w) {
				ws = append(ws, w)
			}
		}
		if len(ws) > 0 {
			return strings.Join(ws, ", ")
		}
	}
	return ""
}
