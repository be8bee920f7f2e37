package dedup

import (
	"fmt"
	"math/rand/v2"
	"strings"

	"github.com/iq-search/iq/record"
)

// synthetic is a generated collection with planted duplicates.
type synthetic struct {
	recs []record.Record
	// planted are the pairs of record indexes that are paraphrases of one
	// question.
	planted [][2]int
}

// Templates of base questions: {E}, {F} are entity phrases, {T} the topic,
// {V} a verb. Each has paraphrases of its own kind, so a planted duplicate
// changes the form, not only a word. Most lean on the tokenizer's
// synonym groups and stop words (reordering, "benefits" for "advantages",
// "build" for "implement"); the last of each list uses words it has no
// table for ("walk me through", "gain"), so recall is not measured on
// paraphrases made to fit.
var synthTemplates = []struct {
	base        string
	paraphrases []string
}{
	{"What is {E} in {T}?", []string{"Explain {E} in {T}.", "In {T}, what is {E}?", "Can you describe {E} in {T}?", "Walk me through {E} in {T}."}},
	{"How do you {V} {E} in {T}?", []string{"How would you {V} {E} in {T}?", "In {T}, how do you {V} {E}?", "What is the way to {V} {E} in {T}?", "What steps would you take to {V} {E} in {T}?"}},
	{"What is the difference between {E} and {F} in {T}?", []string{"{E} vs {F} in {T}: how do they differ?", "Compare {F} and {E} in {T}.", "How does {E} differ from {F} in {T}?", "In {T}, what sets {E} apart from {F}?"}},
	{"How do you implement {E} with {F} in {T}?", []string{"How do you create {E} with {F} in {T}?", "How would you build {E} using {F} in {T}?", "In {T}, how can you implement {E} with {F}?", "Show how {E} is put together with {F} in {T}."}},
	{"What are the advantages of {E} in {T}?", []string{"What are the benefits of {E} in {T}?", "Why is {E} beneficial in {T}? What are its advantages?", "In {T}, what are the pros of {E}?", "What do you gain from {E} in {T}?"}},
	{"When should you use {E} instead of {F}?", []string{"When would you use {E} rather than {F}?", "When is {E} preferable to {F}?", "When should {E} be used instead of {F}?", "In which situations does {E} beat {F}?"}},
}

var synthVerbs = strings.Fields("configure test debug deploy cache validate secure monitor scale migrate profile serialize index partition replicate")

// synthWords makes n distinct pronounceable words that are none of the
// tokenizer's special words.
func synthWords(r *rand.Rand, n int) []string {
	syl := strings.Fields("ka lo mi te ru po sa ne vi do ga lu be ki mo ta zu fe ri no ha")
	seen := map[string]bool{}
	var out []string
	for len(out) < n {
		var b strings.Builder
		for range 2 + r.IntN(3) {
			b.WriteString(syl[r.IntN(len(syl))])
		}
		w := b.String()
		c := canonical(w)
		if seen[c] || stopWords[w] || lightWords[c] || genericWords[c] || aspectOf[c] != 0 || antonyms[c] != "" {
			continue
		}
		seen[c] = true
		out = append(out, w)
	}
	return out
}

// generate makes n records about n/200 topics; about one base question in
// five gets one or two paraphrases, each a different template form with
// its own answer. Entities are drawn from a Zipf law, so some are in
// hundreds of questions and most in a few, as in real banks.
func generate(n int, seed uint64) synthetic {
	r := rand.New(rand.NewPCG(seed, seed^0x5eed))
	words := synthWords(r, max(2000, n/4))
	topics := words[:max(5, n/200)]
	entities := words[len(topics):]
	zipf := rand.NewZipf(r, 1.1, 4, uint64(len(entities)-1))
	entity := func() string {
		e := entities[zipf.Uint64()]
		if r.IntN(3) == 0 {
			if e2 := entities[zipf.Uint64()]; e2 != e {
				e += " " + e2
			}
		}
		return e
	}
	answer := func(parts ...string) string {
		var b strings.Builder
		b.WriteString(strings.Join(parts, " and "))
		for range 12 {
			b.WriteString(" " + entities[zipf.Uint64()])
		}
		return b.String() + "."
	}
	fill := func(tmpl, e, f, t, v string) string {
		return strings.NewReplacer("{E}", e, "{F}", f, "{T}", t, "{V}", v).Replace(tmpl)
	}
	var s synthetic
	seen := map[string]bool{}
	add := func(q, topic, a string) int {
		s.recs = append(s.recs, record.Record{
			ID:       record.QuestionID(q),
			Question: q,
			Topics:   []string{topic},
			Answers:  []record.Answer{{Text: a}},
			Sources:  []record.Source{{File: fmt.Sprintf("synthetic-%d.md", len(s.recs)%50), Line: len(s.recs) + 1}},
		})
		return len(s.recs) - 1
	}
	for len(s.recs) < n {
		ti := r.IntN(len(synthTemplates))
		tmpl := synthTemplates[ti]
		e, f, t, v := entity(), entity(), topics[r.IntN(len(topics))], synthVerbs[r.IntN(len(synthVerbs))]
		if e == f {
			continue
		}
		base := fill(tmpl.base, e, f, t, v)
		if seen[record.NormalizeQuestion(base)] {
			continue
		}
		seen[record.NormalizeQuestion(base)] = true
		bi := add(base, t, answer(e, f))
		if r.IntN(5) != 0 {
			continue
		}
		for _, pi := range r.Perm(len(tmpl.paraphrases))[:1+r.IntN(2)] {
			if len(s.recs) >= n {
				break
			}
			p := fill(tmpl.paraphrases[pi], e, f, t, v)
			if seen[record.NormalizeQuestion(p)] {
				continue
			}
			seen[record.NormalizeQuestion(p)] = true
			s.planted = append(s.planted, [2]int{bi, add(p, t, answer(e, f))})
		}
	}
	return s
}

// pairMeasures returns the share of planted pairs that share a cluster
// (recall) and the share of same-cluster pairs that were planted, counting
// pairs within one planted group (precision).
func (s synthetic) pairMeasures(cs []Cluster) (recall, precision float64) {
	clusterOf := make([]int, len(s.recs))
	for i := range clusterOf {
		clusterOf[i] = -1
	}
	clustered := 0
	for ci, c := range cs {
		for _, m := range c.Members {
			clusterOf[m.Index] = ci
		}
		clustered += len(c.Members) * (len(c.Members) - 1) / 2
	}
	// group: planted pairs link a base and its paraphrases.
	group := make([]int, len(s.recs))
	for i := range group {
		group[i] = i
	}
	found := 0
	for _, p := range s.planted {
		group[p[1]] = p[0]
		if clusterOf[p[0]] >= 0 && clusterOf[p[0]] == clusterOf[p[1]] {
			found++
		}
	}
	right := 0
	for _, c := range cs {
		for i := range c.Members {
			for j := i + 1; j < len(c.Members); j++ {
				if group[c.Members[i].Index] == group[c.Members[j].Index] {
					right++
				}
			}
		}
	}
	recall = float64(found) / float64(max(1, len(s.planted)))
	precision = float64(right) / float64(max(1, clustered))
	return recall, precision
}
