package dedup

import (
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/iq-search/iq/record"
)

func q(text string) record.Record { return record.Record{ID: record.QuestionID(text), Question: text} }

func withTopics(r record.Record, topics ...string) record.Record {
	r.Topics = topics
	return r
}

func withCode(r record.Record, code string) record.Record {
	r.Answers = []record.Answer{{Code: []record.Code{{Lang: "js", Text: code}}}}
	return r
}

func withAnswer(r record.Record, text string) record.Record {
	r.Answers = []record.Answer{{Text: text}}
	return r
}

func TestScore(t *testing.T) {
	type pair struct {
		name string
		a, b record.Record
		dup  bool
		// reason, when set, must appear in Explain's reason.
		reason string
	}
	cases := []pair{
		{name: "frameworks like Flask or Django", dup: true,
			a: q("What is FastAPI, and how does it differ from other Python web frameworks?"),
			b: q("What is FastAPI, and how does it differ from other Python web frameworks like Flask or Django?")},
		{name: "API versioning", dup: true,
			a: q("What is API versioning, and how can you implement it in FastAPI?"),
			b: q("How would you implement an API with versioning in FastAPI?")},
		{name: "== vs === in other words", dup: true,
			a: q("What is the difference between `==` and `===`?"),
			b: q("Explain the difference between == and === in JavaScript.")},
		{name: "lifting state up", dup: true,
			a: q("What is lifting state up in React?"),
			b: q("Explain lifting state up in React.")},
		{name: "same code under a generic title", dup: true,
			a: withCode(q("What's the output?"), "let x = [1, 2, 3];\nconsole.log(x.map(n => n * 2));"),
			b: withCode(q("What's the output?"), "let x = [1, 2, 3];\nconsole.log(x.map(n => n * 2));")},

		{name: "an aspect noun holds no slot", reason: "only one asks about “event”",
			a: q("What is event delegation in JavaScript?"),
			b: q("What are the advantages of delegation in JavaScript?")},

		{name: "a technology a comparison tail brings in", dup: true,
			a: q("What is Docker Swarm, and how does it differ from Kubernetes?"),
			b: q("How does Docker Swarm compare with Kubernetes?")},
		{name: "one comparison, what the things are told by the other's answer", dup: true,
			a: withAnswer(q("What is the difference between async and defer?"),
				"Both are boolean attributes of the script element: an async script runs as soon as it loads, a defer script after the document is parsed."),
			b: q("Describe the difference between <script>, <script async> and <script defer>.")},
		{name: "one comparison, a word the other's answer does not tell", reason: "only one asks about “script”",
			a: withAnswer(q("What is the difference between async and defer?"),
				"An async attribute runs the file as soon as it loads; defer waits for the document to be parsed."),
			b: q("Describe the difference between <script>, <script async> and <script defer>.")},
		{name: "the kinds named against their comparison", dup: true,
			a: q("What are the types of SQL joins (INNER, LEFT, RIGHT, FULL)?"),
			b: q("What is the difference between INNER, LEFT, RIGHT and FULL joins in SQL?")},
		{name: "the kinds named against a comparison of two of them", reason: "only one asks for a comparison",
			a: q("What are the types of SQL joins (INNER, LEFT, RIGHT, FULL)?"),
			b: q("What is the difference between INNER and LEFT joins in SQL?")},

		{name: "registering a handler is adding one", dup: true,
			a: q("How do you register a custom exception handler?"),
			b: q("How do you create custom exception handlers?")},

		{name: "Pydantic vs Pydantic v1 and v2",
			a:      q("What is Pydantic, and how is it used in FastAPI?"),
			b:      q("What are the key differences between Pydantic v1 and v2, and how does FastAPI use Pydantic v2?"),
			reason: "only one says “v1”"},
		{name: "L1 vs L2", reason: "“L1” vs “L2”",
			a: q("What is L1 regularization?"),
			b: q("What is L2 regularization?")},
		{name: "high bias vs low bias", reason: "“high” vs “low”",
			a: q("What are the symptoms of high bias in a model?"),
			b: q("What are the symptoms of low bias in a model?")},
		{name: "== vs is", reason: "vs",
			a: q("What is the difference between `==` and `is` in Python?"),
			b: q("What is the difference between `==` and `===` in JavaScript?")},
		{name: "a lone symbol is the subject", reason: "“*” vs “+”",
			a: q("What does the * quantifier match in a regular expression?"),
			b: q("What does the + quantifier match in a regular expression?")},
		{name: "a symbol in backticks is the subject", reason: "“*” vs “?”",
			a: q("What does the `*` quantifier match in a regular expression?"),
			b: q("What does the `?` quantifier match in a regular expression?")},
		{name: "symbols that end in a question mark", reason: "“??”",
			a: q("What does the ?? operator do in JavaScript?"),
			b: q("What does the ?. operator do in JavaScript?")},
		{name: "a stop word beside an operator names one", dup: true,
			a: q("What is the difference between == and is operator in Python?"),
			b: q("What is the difference between is and == in Python?")},
		{name: "a light word naming a pattern", reason: "only one asks about “Strategy”",
			a: q("Explain the Strategy design pattern."),
			b: q("What are design patterns, and can you give an example?")},
		{name: "two patterns by name", reason: "“Strategy” vs “Observer”",
			a: q("Explain the Strategy design pattern."),
			b: q("Explain the Observer design pattern.")},
		{name: "containerise is Docker", dup: true,
			a: q("How do you containerise a FastAPI application?"),
			b: q("How do you dockerize a FastAPI app?")},
		{name: "Python 2 vs 3", reason: "“2” vs “3”",
			a: q("What changed in Python 2 string handling?"),
			b: q("What changed in Python 3 string handling?")},
		{name: "use vs create", reason: "asks",
			a: q("How to create refs?"),
			b: q("What is the use of refs?")},
		{name: "different technologies", reason: "from react vs fastapi material",
			a: withTopics(q("How do you add custom middleware?"), "react"),
			b: withTopics(q("How do you add custom middleware?"), "fastapi")},
		{name: "feature importance is a subject", reason: "only one asks about “importance”",
			a: q("What is gradient boosting trees?"),
			b: q("Feature importance in gradient boosting trees — what are possible options?")},
		{name: "their importance asks why it matters", dup: true,
			a: q("Explain interfaces in Go and their importance."),
			b: q("Explain the concept of interfaces in Go.")},
		{name: "what it is used for vs its advantages", reason: "the other for advantages",
			a: q("What is FastAPI and what is it used for?"),
			b: q("What are the key advantages of using FastAPI?")},
		{name: "why use it vs its benefits", dup: true,
			a: q("Why would you use FastAPI?"),
			b: q("What are the benefits of FastAPI?")},
		{name: "what it is with an example, against what it is and why", dup: true,
			a: q("Describe closure in JavaScript. Can you give an example?"),
			b: q("What is a closure, and how/why would you use one?")},
		{name: "what a command does names all of it", reason: "only one asks about “new”",
			a: q("What is Deta and how do you deploy to it?"),
			b: q("What does deta new do?")},
		{name: "its parameters against what it is", reason: "for its features or settings",
			a: q("What are the main parameters of the random forest model?"),
			b: q("What is random forest?")},
		{name: "a technology alone in the head is a subject", reason: "only one asks about “GraphQL”",
			a: q("What is GraphQL, and how does it differ from REST APIs?"),
			b: q("What are REST APIs, and how do you create one using Express?")},
		{name: "a role in a tool is a subject", reason: "only one asks about “role”",
			a: q("What is Ansible, and how does it differ from other configuration management tools?"),
			b: q("What is the role in Ansible, and how is it structured?")},
		{name: "the role a tool plays asks what it is for", dup: true,
			a: q("What role does Docker play in microservices?"),
			b: q("Explain the role Docker plays in microservices.")},
		{name: "an operator that glosses shared words", dup: true,
			a: q("What is the new arrow => function syntax, and how does it differ from other functions?"),
			b: q("What are arrow functions, and how do they differ from traditional functions?")},
		{name: "an operator asked about on its own", reason: "only one says “=>”",
			a: q("What does => do in JavaScript?"),
			b: q("What does this do in JavaScript?")},
		{name: "a letter names a variable", reason: "only one says “k”",
			a: q("What is precision and recall at k?"),
			b: q("What are precision and recall?")},
		{name: "list its types asks for kinds", dup: true,
			a: q("Define what a JOIN is in SQL and list its types."),
			b: q("Explain the different types of SQL joins.")},
		{name: "its types against what it is", reason: "for kinds",
			a: q("What is a JOIN in SQL? List its types."),
			b: q("What is a JOIN in SQL?")},
		{name: "one word against a narrower question", reason: "only one asks about “component”, “naming”",
			a: q("What are the exceptions?"),
			b: q("What are the exceptions on React component naming?")},
		{name: "different code under a generic title", reason: "generic",
			a: withCode(q("What's the output?"), "const a = {};\nconsole.log(typeof a);"),
			b: withCode(q("What's the output?"), "let i = 0;\nfor (;;) { if (i++ > 2) break; }\nconsole.log(i);")},
		{name: "one side's drawbacks against the differences", reason: "for drawbacks",
			a: q("What are the downsides of Redux compared to Flux?"),
			b: q("What are the differences between Flux and Redux?")},
		{name: "which kinds against how to", reason: "for kinds",
			a: q("Which types are used for uploaded files?"),
			b: q("How do you handle file uploads in FastAPI?")},
		{name: "how to, in other words", dup: true,
			a: q("How would you accept uploaded files in FastAPI?"),
			b: q("How does FastAPI handle file uploads?")},
		{name: "what it is, then two other things", reason: "asks",
			a: q("What is Go and why was it created?"),
			b: q("What is Go and what are its main features?")},
		{name: "what it is and why, against its kinds", reason: "for kinds",
			a: q("What is data normalization and why do we need it?"),
			b: q("What kind of normalization is needed?")},
		{name: "one tool against its field's material", reason: "only one asks about",
			a: withTopics(q("How do you manage database migrations in PostgreSQL?"), "postgresql"),
			b: withTopics(q("Describe database migrations and how you handle them in a team environment."), "sql")},
		{name: "a framework against its language's material", reason: "only one asks about react",
			a: withTopics(q("What is strict mode in React?"), "react"),
			b: withTopics(q("What is strict mode, and why use it?"), "javascript")},
		{name: "a tool within another", reason: "only one asks about",
			a: q("Explain the benefits of server-side rendering in React."),
			b: q("What are the benefits of server-side rendering in Next.js?")},
		{name: "a tool against material of its own", dup: true,
			a: withTopics(q("How do you enable CORS in FastAPI?"), "fastapi"),
			b: withTopics(q("How can you enable CORS?"), "fastapi")},
		{name: "two comparisons of other subjects", reason: "other subjects",
			a: q("What is the difference between TCP and UDP?"),
			b: q("What's the difference between TCP and HTTP?")},
		{name: "siblings whose answers agree", reason: "other subjects",
			a: withAnswer(q("What is a UNIQUE constraint?"), "A constraint that ensures all values in a column are different; a table can have many."),
			b: withAnswer(q("What is a Primary Key constraint?"), "A constraint that ensures all values in a column are different and not null; a table can have one.")},
		{name: "pros and cons against the differences", reason: "for advantages",
			a: q("What are the pros and cons of mutable and immutable values?"),
			b: q("What is the difference between mutable and immutable data types?")},
		{name: "a light word beside a subject is one more subject", reason: "only one asks about “roles”",
			a: q("What are Ansible playbooks and roles?"),
			b: q("What are playbooks in Ansible?")},
		{name: "a light word beside a light word says how it asks", dup: true,
			a: q("What are the advantages and disadvantages of Ansible playbooks?"),
			b: q("What are the pros and cons of Ansible playbooks?")},
		{name: "what it is and why it matters against how to do it", reason: "asks",
			a: withTopics(q("What is CORS and why does it matter?"), "fastapi"),
			b: withTopics(q("How do you enable CORS in FastAPI?"), "fastapi")},
		{name: "a handler is no verb", reason: "only one asks about",
			a: q("What is Ansible?"),
			b: q("What are handlers in Ansible?")},
		{name: "a name brought in by a tail is a second subject", reason: "only one asks about",
			a: q("What is Test-Driven Development (TDD), and how does it differ from Behavior-Driven Development (BDD)?"),
			b: q("What is Test-Driven Development (TDD)?")},
		{name: "a technology brought in by a tail is not", dup: true,
			a: withTopics(q("What is JSX, and how is it different from regular JavaScript?"), "react"),
			b: withTopics(q("What is JSX, and why is it used?"), "react")},
		{name: "same code under a generic title, one with an answer", dup: true,
			a: withAnswer(q("What does this command do?\ncat > notes -"), "It reads standard input and writes it to the file notes, replacing what was there."),
			b: q("What does this command sequence do?\ncat > notes -")},
		{name: "a phrase that places the subject where the other's answer has it", dup: true, reason: "the other's answer speaks of “transactions”",
			a: q("Explain the ACID properties of transactions."),
			b: withAnswer(q("What are ACID properties in a database?"), "Atomicity, consistency, isolation and durability: the guarantees a database gives its transactions.")},
		{name: "a placing phrase the other's answer does not speak of", reason: "only one asks about",
			a: q("Explain the ACID properties of transactions."),
			b: withAnswer(q("What are ACID properties in a database?"), "Atomicity, consistency, isolation and durability.")},
		{name: "a tail clause the other's answer speaks of", dup: true, reason: "the other's answer speaks of “forms”",
			a: q("What is database normalization? What are the normal forms?"),
			b: withAnswer(q("What is normalization?"), "Organising the tables of a database to remove redundancy, in steps called normal forms: 1NF, 2NF, 3NF.")},
		{name: "a tail clause the other's answer does not speak of", reason: "only one asks about “forms”",
			a: q("What is database normalization? What are the normal forms?"),
			b: withAnswer(q("What is normalization?"), "Organising the tables of a database to remove redundancy.")},
		{name: "a question after a comma is no later sentence", reason: "only one asks about",
			a: q("In lolo, what is zurulune netemido?"),
			b: withAnswer(q("What are the advantages of netemido in lolo?"), "Netemido and tatari: nosamika, kasaferu and zurulune.")},
		{name: "a head word the other's answer speaks of still narrows", reason: "only one asks about “UNIQUE”",
			a: q("What is a UNIQUE constraint?"),
			b: withAnswer(q("What are Constraints?"), "Rules on the values of a column: NOT NULL, UNIQUE, PRIMARY KEY, FOREIGN KEY and CHECK.")},
		{name: "two names of one thing, each in the other's agreeing answer", dup: true, reason: "the other's answer speaks of “function”, “field”",
			a: withAnswer(q("How do you create a resolver function in Strawberry?"), "Write a function that returns the field's value and pass it as the resolver: strawberry.field(resolver=get_books)."),
			b: withAnswer(q("How do you implement field resolvers in Strawberry?"), "A resolver is a function that returns the field's value, passed with strawberry.field(resolver=get_books).")},
		{name: "siblings whose agreeing answers do not name both", reason: "other subjects",
			a: withAnswer(q("How do you create a resolver function in Strawberry?"), "Write one that returns the value and pass it as the resolver: strawberry.field(resolver=get_books)."),
			b: withAnswer(q("How do you implement field resolvers in Strawberry?"), "A resolver returns the field's value, passed with strawberry.field(resolver=get_books).")},
		{name: "a tool against material of no known topic whose answer names it", dup: true,
			a: q("How do you handle concurrency in Go?"),
			b: withAnswer(q("How do you handle concurrency?"), "Start goroutines and let them talk over channels: Go's runtime schedules them on threads.")},
		{name: "a tool against material of no known topic whose answer does not", reason: "only one asks about go",
			a: q("How do you handle concurrency in Go?"),
			b: withAnswer(q("How do you handle concurrency?"), "Run tasks so that they overlap in time: threads, an event loop, or processes.")},
		{name: "after a light word the phrase names the subject", reason: "only one asks about",
			a: q("What is the purpose of a default constructor?"),
			b: withAnswer(q("What is a constructor?"), "A method that initialises an object; without one the compiler adds a default constructor.")},
		{name: "what it is important for against what it is", reason: "one asks what it is, the other what it is for",
			a: q("What is Encapsulation?"),
			b: q("What is encapsulation important for?")},
		{name: "what it is against its advantages only", reason: "one asks what it is and why, the other for advantages",
			a: q("What is React and why is it used?"),
			b: q("What are the advantages of React?")},
		{name: "what it is and its advantages against its advantages", reason: "asks what it is",
			a: q("What is FastAPI and what are its key advantages?"),
			b: q("What are the main benefits of FastAPI?")},
		{name: "what it is against only why it matters", reason: "asks what it is",
			a: q("Explain WebSockets and their use cases."),
			b: q("Why are WebSockets useful?")},
		{name: "how it is done against its features", reason: "asks",
			a: q("What are the key features of Python?"),
			b: q("How is Python executed?")},
		{name: "a comparison against a yes-or-no question", reason: "one asks for a comparison, the other a yes-or-no question",
			a: q("Difference between method Overloading and Overriding."),
			b: q("Can we override the overloaded method?")},
		{name: "which one to use against what it is for", reason: "asks",
			a: q("What is bag of words? How can we use it for text classification?"),
			b: q("Which model would you use for text classification with bag of words features?")},
		{name: "several of a thing against one", reason: "only one asks about “multiple”",
			a: q("How do you declare a path parameter in a route?"),
			b: q("Can a route have multiple path parameters?")},
		{name: "generic title against a specific question", reason: "generic",
			a: withCode(q("What's the output?"), "console.log(typeof null);"),
			b: q("What does typeof null return?")},
	}
	recs := seedRecords(t)
	for _, c := range cases {
		recs = append(recs, c.a, c.b)
	}
	st := NewStats(recs)
	for _, c := range cases {
		d := Explain(c.a, c.b, st)
		if got := d.Score >= DefaultMinScore; got != c.dup {
			t.Errorf("%s: Score(%q, %q) = %.3f (%+v); duplicate %v, want %v", c.name, c.a.Question, c.b.Question, d.Score, d, got, c.dup)
		}
		if c.reason != "" && !strings.Contains(d.Reason, c.reason) {
			t.Errorf("%s: Explain(%q, %q).Reason = %q; want it to mention %q", c.name, c.a.Question, c.b.Question, d.Reason, c.reason)
		}
		if d.Score < 0 || d.Score > 1 {
			t.Errorf("%s: Score = %v; want it in [0, 1]", c.name, d.Score)
		}
		if r := Explain(c.b, c.a, st); math.Abs(r.Score-d.Score) > 1e-9 {
			t.Errorf("%s: Score(b, a) = %v, Score(a, b) = %v; want it symmetric", c.name, r.Score, d.Score)
		}
	}
}

func TestScoreIdentical(t *testing.T) {
	recs := seedRecords(t)
	st := NewStats(recs)
	for _, r := range recs {
		if s := Score(r, r, st); s < 0.999 {
			t.Errorf("Score(%q, itself) = %v; want 1", r.Question, s)
		}
	}
}

// TestExplainWords: a match is explained in the words the questions
// write, never in stems (issue 12, item 6).
func TestExplainWords(t *testing.T) {
	// The seeds, and a question of ../shared/corpora that spells out an
	// acronym (MineAcronyms).
	recs := append(seedRecords(t), q("Explain Python’s GIL (Global Interpreter Lock) and how it affects multi-threading."))
	st := NewStats(recs)
	for _, tc := range []struct {
		a, b                        string
		shared, notShared, synonyms []string
		guard                       string
	}{
		{a: "What are the key advantages of using FastAPI?", b: "What are the benefits of using FastAPI for building web APIs?",
			shared: []string{"FastAPI"}, synonyms: []string{"advantages = benefits"}},
		{a: "What are Constraints?", b: "What is a UNIQUE constraint?",
			shared: []string{"Constraints"}, guard: "only one asks about “UNIQUE”"},
		{a: "How do you enable CORS in FastAPI?", b: "How do you handle Cross-Origin Resource Sharing (CORS) in FastAPI?",
			shared: []string{"CORS", "FastAPI"}},
		{a: "What is middleware in Express?", b: "What is middleware in FastAPI?",
			shared: []string{"middleware"}, guard: "about express vs fastapi"},
		// "lock" is a word of GIL's expansion, which only one writes:
		// a synonym, not a word both ask about.
		{a: "What is the GIL?", b: "What is an object's lock and which object's have locks?",
			notShared: []string{"GIL"}, synonyms: []string{"GIL = lock"}},
		{a: "What is the GIL?", b: "Explain Python’s GIL (Global Interpreter Lock) and how it affects multi-threading.",
			shared: []string{"GIL"}},
	} {
		d := Explain(q(tc.a), q(tc.b), st)
		for _, w := range tc.shared {
			if !slices.Contains(d.Shared, w) {
				t.Errorf("Explain(%q, %q).Shared = %q; want it to hold %q", tc.a, tc.b, d.Shared, w)
			}
		}
		for _, w := range tc.notShared {
			if slices.Contains(d.Shared, w) {
				t.Errorf("Explain(%q, %q).Shared = %q; want no %q, which only one writes (reason %q)", tc.a, tc.b, d.Shared, w, d.Reason)
			}
		}
		for _, w := range tc.synonyms {
			if !slices.Contains(d.Synonyms, w) {
				t.Errorf("Explain(%q, %q).Synonyms = %q; want it to hold %q", tc.a, tc.b, d.Synonyms, w)
			}
		}
		if tc.guard != "" && !slices.Contains(d.Guards, tc.guard) {
			t.Errorf("Explain(%q, %q).Guards = %q; want %q", tc.a, tc.b, d.Guards, tc.guard)
		}
		for _, stem := range []string{"advantag", "kei", "constraint”,", "middlewar"} {
			if strings.Contains(d.Reason, stem) && !strings.Contains(tc.a+tc.b, stem) {
				t.Errorf("Explain(%q, %q).Reason = %q; has the stem %q", tc.a, tc.b, d.Reason, stem)
			}
		}
	}
}

// TestIdentifierPart: a word one question has alone is no extra subject
// when it is a part of an identifier the other names.
func TestIdentifierPart(t *testing.T) {
	st := NewStats(seedRecords(t))
	for _, tc := range []struct {
		a, b    string
		guarded bool
	}{
		{a: "Can you explain how useState works?", b: "What is state in React? How do you use useState()?"},
		{a: "What is state in React?", b: "What is useState in React?", guarded: true},
	} {
		d := Explain(q(tc.a), q(tc.b), st)
		if got := len(d.Guards) > 0; got != tc.guarded {
			t.Errorf("Explain(%q, %q).Guards = %q; want guarded %v", tc.a, tc.b, d.Guards, tc.guarded)
		}
	}
}

// TestFilledSlot checks the narrower guard's softer case: one word of
// substance standing where the other question has a light noun before the
// same word ("request validation" / "data validation"), and no such slot
// behind an aspect noun ("the advantages of delegation").
func TestFilledSlot(t *testing.T) {
	for _, c := range []struct {
		a, b string
		want bool
	}{
		{"How does Express handle request validation using Joi?", "How do you use Joi for data validation in Express?", true},
		{"How to tune hyperparameters to avoid overfitting?", "How to tune parameters to avoid overfitting?", true},
		{"What is event delegation in JavaScript?", "What are the advantages of delegation in JavaScript?", false},
		{"What is a UNIQUE constraint?", "What are constraints?", false},
	} {
		ix := NewIndex([]record.Record{q(c.a), q(c.b)}, Options{})
		fa, fb := &ix.feats[0], &ix.feats[1]
		onlyA := unmatched(nil, fa.toks, fb.toks)
		if got := filledSlot(onlyA, fa, fb); got != c.want {
			t.Errorf("filledSlot(%q beside %q) = %v; want %v", c.a, c.b, got, c.want)
		}
	}
}
