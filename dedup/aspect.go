package dedup

import (
	"regexp"
	"slices"
	"strings"
	"unicode"
)

// aspect is what a question asks about its subject: what it is, how to
// make it, what it is for... Two questions about the same subject that
// ask different things ("How to create refs?", "What is the use of
// refs?") share every heavy word, so only their aspects tell them apart.
type aspect uint32

const (
	aspectDefine   aspect = 1 << iota // "What is X?", "Explain X"
	aspectWork                        // "How does X work?"
	aspectMake                        // "How do you implement X?", "X's support for Y"
	aspectUse                         // "What is X used for?", "When should you use X?", "Why X?"
	aspectCompare                     // "X vs Y"
	aspectPros                        // advantages, benefits
	aspectCons                        // disadvantages, drawbacks
	aspectExample                     // "Give an example of X"
	aspectKinds                       // "What are the types of X?", "Which X do you know?"
	aspectWhy                         // "Why X?", "Why is X used?"
	aspectChoose                      // "How do you choose K?"
	aspectFix                         // "How to avoid overfitting?"
	aspectTest                        // "How do you test custom hooks?"
	aspectYesNo                       // "Can constructors be inherited?"
	aspectFeatures                    // "What are the features of X?"
	aspectOrigin                      // "Who created X?", "When was X released?"
	aspectHow                         // "How do you handle file uploads?": how to do it, in no other words
)

// aspectOf maps canonical tokens to the aspect they ask for.
var aspectOf = func() map[string]aspect {
	m := map[string]aspect{}
	for a, words := range map[aspect]string{
		aspectDefine:   "explain describe mean meaning concept definition overview",
		aspectWork:     "work works internals",
		aspectMake:     "create",
		aspectUse:      "use purpose role need",
		aspectCompare:  "differ",
		aspectPros:     "advantage",
		aspectFeatures: "feature capability",
		aspectOrigin:   "history origin invent",
		aspectCons:     "disadvantage limitation",
		aspectExample:  "example",
		aspectKinds:    "type kind various know technique",
	} {
		for _, w := range strings.Fields(words) {
			m[canonical(w)] = a
		}
	}
	return m
}()

// aspects returns the aspects of question q with tokens ts. Besides the
// aspect words, the question's form counts: "why" and "when" ask what a
// thing is for, and "What is X" (X not itself an aspect word, as in "What
// is the use of X") asks for a definition.
func aspects(q string) aspect {
	var a aspect
	if m := leadingPhrase.FindStringSubmatchIndex(q); m != nil {
		// "In Python, what is a decorator?", "When dealing with JWTs,
		// what is a claim?": the question is asked after the comma;
		// the phrase before only places it.
		q = q[m[2]:]
	}
	// "different from" compares ("differ from"); "different types" asks
	// for kinds.
	q = differFrom(q)
	words := strings.FieldsFunc(strings.ToLower(q), func(r rune) bool { return !unicode.IsLetter(r) && r != '\'' && r != '’' })
	if len(words) > 0 && (words[0] == "what's" || words[0] == "what’s") {
		words = append([]string{"what", "is"}, words[1:]...)
	}
	for i, w := range words {
		// Verbs that ask how to act on a subject count as written:
		// "selection" or "test cases" name a subject, not an aspect.
		if v, ok := verbAspects[w]; ok {
			if w != "set" || i+1 == len(words) || words[i+1] != "up" {
				// "How to set the learning rate?" asks how to
				// choose it; "set up" is to make.
				a |= v
			}
			continue
		}
		if purposeFor(words, i) {
			// "What is encapsulation important for?" asks what it
			// is for, as "What is X used for?" does.
			a |= aspectUse
			continue
		}
		if w == "feature" {
			// "features of X" asks what X offers; "feature selection"
			// names a subject.
			continue
		}
		if typeWords[w] && !(i+1 < len(words) && words[i+1] == "of" || i > 0 && kindsBefore[words[i-1]]) {
			// "types of joins", "which types" ask for kinds; "data
			// types" names a subject.
			continue
		}
		if (w == "role" || w == "roles") && !(i+1 < len(words) && words[i+1] == "of" || i > 0 && (words[i-1] == "its" || words[i-1] == "their" || words[i-1] == "what") ||
			slices.ContainsFunc(words[i+1:], func(x string) bool { return x == "play" || x == "plays" })) {
			// "the role of X", "its role" ask what it is for;
			// "playbooks and roles" names a subject.
			continue
		}
		if settingWords[w] && i+1 < len(words) && words[i+1] == "of" {
			// "the main parameters of the random forest model" asks
			// what it has to set, as "the features of X" asks what
			// it offers: not what it is.
			a |= aspectFeatures
			continue
		}
		if (w == "origin" || w == "history") && !(i+1 < len(words) && words[i+1] == "of") {
			// "the history of X" asks where it comes from; "git
			// history", "cross-origin requests" name subjects.
			continue
		}
		if (w == "different" || w == "various") && (i+1 == len(words) || predicateNext[words[i+1]]) {
			// "How events are different in React?": a predicate before
			// a preposition or at the end asks for no kinds, which
			// "different types of joins", "different ways" do. (Nor is
			// it read as a comparison: "different from" is one
			// already, and the unnamed other is the thing's usual form.)
			continue
		}
		if !strings.HasSuffix(w, "ing") || w == "meaning" {
			// "validate X using Y" is no question about use:
			// a participle is how, not what, the question asks.
			x := aspectOf[canonical(w)]
			if x == aspectMake && (i > 0 && pastBe[words[i-1]] || i > 1 && pastBe[words[i-2]]) {
				// "Why was it created?", "When was X developed?" ask
				// for its history, not how to make one.
				x = aspectOrigin
			}
			a |= x
		}
		switch w {
		case "who", "whom":
			a |= aspectOrigin
		case "why":
			a |= aspectWhy
		case "when":
			switch {
			case i == 0 && i+1 < len(words) && (words[i+1] == "was" || words[i+1] == "were" || words[i+1] == "did"):
				// "When was X created?" asks for its history.
				a |= aspectOrigin
			case i == 0:
				a |= aspectUse
			}
		}
	}
	if a&aspectWhy != 0 {
		// "Why is X used?", "Why do we need X?" ask why.
		a &^= aspectUse
	}
	if a&aspectUse != 0 && len(words) > 0 && words[0] == "which" {
		// "Which model would you use for text classification?" asks
		// to choose one, not what a thing is for.
		a = a&^aspectUse | aspectChoose
	}
	if len(words) > 0 {
		switch words[0] {
		case "define":
			// "Define X" asks what X is, not how to make one.
			a = a&^aspectMake | aspectDefine
		case "can", "could", "is", "are", "does", "do", "will", "should", "must":
			// A yes-or-no question, unless it is a polite "Can you
			// explain…".
			if len(words) < 3 || !politeVerbs[words[2]] {
				a |= aspectYesNo
			}
		}
	}
	if len(words) > 2 && words[0] == "what" && (words[1] == "is" || words[1] == "are") && !aspectInFirstClause(q) {
		a |= aspectDefine
	}
	if a&^aspectDefine == 0 && waysOf(words) {
		// "What are the best practices for indexing?", "What are the
		// basic strategies for optimizing X?" ask how to do it.
		a = aspectHow
	}
	if describesHow(words) {
		// "Can you describe how you would handle CORS?" asks how to
		// handle it, politely, not what CORS is.
		a &^= aspectDefine
		if a == 0 {
			a = aspectHow
		}
	}
	if a == 0 && len(words) > 2 && words[0] == "how" && (words[1] == "is" || words[1] == "are") {
		// "How is Python executed?", "How are strings stored?" ask
		// how it works.
		a = aspectWork
	}
	if a == 0 && len(words) > 2 && words[0] == "how" && howTo[words[1]] {
		// "How do you handle file uploads?" asks how to do it: not
		// which kinds there are, nor for a comparison.
		a = aspectHow
	}
	return a
}

// leadingPhrase is a phrase that places a question before it asks
// ("In Bash, …", "When using iproute2, …", "Given a table…, …"), up to
// the comma before the question word; submatch 1 is where the question
// starts.
var leadingPhrase = regexp.MustCompile(`^(?i:in|for|when|with|using|given|if|while|after|before|on)\b[^,?]{2,80},\s*((?i:what|what's|what’s|how|why|which|when|who|can|could|is|are|do|does|should|would|explain|describe|name|list)\b)`)

// aspectInFirstClause reports whether the question's first clause (up to
// a comma, "and", or a question mark) has an aspect word: "What is the use
// of X?" asks for a use, "What is X, and how do you use it?" for a
// definition and a use.
func aspectInFirstClause(q string) bool {
	q = strings.ToLower(q)
	end := len(q)
	for _, sep := range []string{",", " and ", "?", ";", ":"} {
		if i := strings.Index(q, sep); i >= 0 && i < end {
			end = i
		}
	}
	ws := strings.FieldsFunc(q[:end], func(r rune) bool { return !unicode.IsLetter(r) })
	for i, w := range ws {
		if !strings.HasSuffix(w, "ing") && aspectOf[canonical(w)] != 0 || settingWords[w] && i+1 < len(ws) && ws[i+1] == "of" || purposeFor(ws, i) {
			return true
		}
	}
	return false
}

// purposeFor reports whether words[i] and the last word make "important
// for", "useful for", "good for", "needed for": a question ending so asks
// what its subject is for.
func purposeFor(words []string, i int) bool {
	return purposeWords[words[i]] && i+2 == len(words) && words[i+1] == "for"
}

var purposeWords = setOf(`important useful good needed necessary helpful`)

// waysOf reports whether a question asks for the ways to do something:
// "the best practices for", "strategies for", "ways to", "steps to".
func waysOf(words []string) bool {
	for i, w := range words {
		if !waysWords[w] {
			continue
		}
		// "steps to", "the way to", "steps would you take to".
		for _, x := range words[i+1 : min(len(words), i+5)] {
			if x == "for" || x == "to" {
				return true
			}
		}
	}
	return false
}

// settingWords name what a thing has to set: "parameters of",
// "hyperparameters of", "settings of".
var settingWords = setOf(`parameter parameters hyperparameter hyperparameters setting settings`)

var waysWords = setOf(`practice practices strategy strategies way ways step steps approach approaches`)

// describesHow reports whether words ask to explain how one does
// something: "describe how you would…", "explain how to…".
func describesHow(words []string) bool {
	for i := 0; i+2 < len(words); i++ {
		if (words[i] == "describe" || words[i] == "explain") && words[i+1] == "how" && howSubjects[words[i+2]] {
			return true
		}
	}
	return false
}

// howSubjects follow "describe how" in a question about doing something.
var howSubjects = setOf(`you to we i one would`)

// pastBe are the forms of "to be" before a past participle that asks for
// a history: "was created", "were introduced".
var pastBe = setOf(`was were`)

// predicateNext are the words after which "different" is a predicate
// ("…are different in React").
var predicateNext = setOf(`in at on for from to than with between across`)

// typeWords ask for kinds when followed by "of" or after one of
// kindsBefore.
var (
	typeWords   = setOf(`type types kind kinds sort sorts`)
	kindsBefore = setOf(`what which different various main common key basic several many its their`)
)

// howTo are the words after "how" in a question that asks how to do
// something: "How do you…", "How to…", "How would you…".
var howTo = setOf(`do does did to would can could should will shall`)

// verbAspects are the verbs that ask how to act on a subject.
var verbAspects = func() map[string]aspect {
	m := map[string]aspect{}
	for a, words := range map[aspect]string{
		aspectChoose: "choose select pick decide set",
		aspectFix:    "avoid prevent reduce combat fix mitigate overcome",
		aspectTest:   "test",
	} {
		for _, w := range strings.Fields(words) {
			m[w] = a
		}
	}
	return m
}()

// politeVerbs follow "Can you" in a question that is no yes-or-no
// question: "Can you explain…".
var politeVerbs = setOf(`explain describe give provide tell walk list name define share discuss elaborate compare show demonstrate outline summarize summarise clarify know offer`)

// aspectsAgree reports whether two aspect sets can be the same question:
// one of them unknown, a shared aspect, or two aspects that banks use for
// the same explanation: "what is X" beside "how does X work" or "what is X
// used for", "why is X used" beside "what are the benefits of X".
func aspectsAgree(a, b aspect) bool {
	if a == 0 || b == 0 {
		return true
	}
	if (a^b)&aspectKinds != 0 {
		// "What kind of normalization is needed?" lists kinds, which
		// "What is normalization and why do we need it?" does not.
		return false
	}
	const what = aspectDefine | aspectWork
	if a&b&what != 0 && a&^what != 0 && b&^what != 0 {
		// "What is Go and why was it created?", "What is Go and what
		// are its main features?": both ask what it is, and then two
		// other things.
		// Using it and making one are both its practice: "What is
		// middleware, and how can you use it?" asks what "… and how do
		// you add custom middleware?" asks.
		const practice = aspectUse | aspectMake | aspectHow
		ta, tb := a&^what, b&^what
		// An example and why it matters are part of any full answer to
		// "What is X?" (pairs.md: "What is X? Give an example.", "What
		// is X and why is it used?"): asked beside it, they ask
		// nothing more. What it is for, or its features, are more.
		const anyway = aspectExample | aspectWhy
		if ta&^anyway == 0 || tb&^anyway == 0 {
			return true
		}
		return ta&practice != 0 && tb&practice != 0 || aspectsAgree(ta, tb)
	}
	if whatOnOneSide(a, b) || whatOnOneSide(b, a) {
		// "What is React and why is it used?" asks what React is,
		// which "What are the advantages of React?" does not: its
		// answer lists them and says nothing of what React is. So
		// even when both ask for the advantages ("What is strict
		// mode? What are its advantages?" / "What is the benefit of
		// strict mode?").
		return false
	}
	if a&b != 0 {
		return true
	}
	if a == aspectHow || b == aspectHow {
		// A bare "How do you…" asks how to go about it: its
		// workings, uses, features or an example answer it, not what it
		// is or why it matters ("What is CORS and why does it matter?"
		// beside "How do you enable CORS in FastAPI?"), nor a list of
		// kinds, pros or cons, or its history.
		return (a|b)&^(aspectHow|aspectWork|aspectMake|aspectUse|aspectChoose|aspectFix|aspectTest|aspectYesNo|aspectFeatures|aspectExample) == 0
	}
	for _, g := range [...]aspect{aspectDefine | aspectWork, aspectUse | aspectWhy, aspectWhy | aspectPros,
		aspectYesNo | aspectMake, aspectYesNo | aspectWork} {
		if a&g != 0 && b&g != 0 {
			return true
		}
	}
	return false
}

// whatOnOneSide reports whether a asks what a thing is (or how it works)
// and b asks only for its advantages or drawbacks, or why it matters:
// "Why are WebSockets useful?" leaves "Explain WebSockets and their use
// cases" half answered.
func whatOnOneSide(a, b aspect) bool {
	const what = aspectDefine | aspectWork
	return a&what != 0 && b&what == 0 && b&^(aspectPros|aspectCons|aspectWhy) == 0
}

var aspectNames = []string{"define", "work", "make", "use", "compare", "pros", "cons", "example", "kinds",
	"why", "choose", "fix", "test", "yes-or-no", "features", "origin", "how"}

func (a aspect) String() string {
	var parts []string
	for i, n := range aspectNames {
		if a&(1<<i) != 0 {
			parts = append(parts, n)
		}
	}
	if len(parts) == 0 {
		return "-"
	}
	return strings.Join(parts, "+")
}
