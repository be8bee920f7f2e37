package dedup

import (
	"slices"
	"strings"
	"testing"

	"github.com/iq-search/iq/index/synth"
)

func TestStem(t *testing.T) {
	// Outputs of Porter's reference implementation.
	for _, tc := range []struct{ in, want string }{
		{"caresses", "caress"},
		{"ponies", "poni"},
		{"cats", "cat"},
		{"agreed", "agre"},
		{"plastered", "plaster"},
		{"motoring", "motor"},
		{"hopping", "hop"},
		{"filing", "file"},
		{"relational", "relat"},
		{"conditional", "condit"},
		{"generalization", "gener"},
		{"hopeful", "hope"},
		{"goodness", "good"},
		{"adjustment", "adjust"},
		{"dependent", "depend"},
		{"implementing", "implement"},
		{"implementation", "implement"},
		{"websockets", "websocket"},
		{"controlling", "control"},
		{"go", "go"},
		{"node.js", "node.js"},
	} {
		if got := stem(tc.in); got != tc.want {
			t.Errorf("stem(%q) = %q; want %q", tc.in, got, tc.want)
		}
	}
}

func TestTokenize(t *testing.T) {
	for _, tc := range []struct {
		name, in string
		want     []string
	}{
		{"question words and stop words go", "What is the purpose of middleware?", []string{"purpos", "middlewar"}},
		{"synonyms meet", "How do you implement WebSockets?", []string{"creat", "websocket"}},
		{"possessive", "What is FastAPI's support for WebSocket communication?", []string{"fastapi", "creat", "websocket", "commun"}},
		{"British spelling", "How do you customise and organise it?", []string{"custom", "organ"}},
		{"operators are kept", "What is the difference between `==` and `===`?", []string{"differ", "==", "==="}},
		{"bare operators too", "Explain == vs ===", []string{"explain", "==", "differ", "==="}},
		{"stop word in backticks is code", "When is `is` different from `==`?", []string{"is", "variou", "=="}},
		{"version after letters", "Pydantic v1 and v2", []string{"pydant", "1", "2"}},
		{"name and version", "What is new in Python3?", []string{"new", "python", "python3"}},
		{"regularisation norms", "L1 vs L2", []string{"l1", "differ", "l2"}},
		{"dotted names", "Is Node.js single-threaded?", []string{"node.js", "singl", "thread"}},
		{"c++ and c#", "C++ or C#?", []string{"c++", "c#"}},
		{"markdown emphasis is not an operator", "What is **bold** -- really?", []string{"bold"}},
		{"a keyword's name as written", "When is the throws keyword used?", []string{"throws", "keyword", "us"}},
		{"a stop word naming a keyword", "Explain the this keyword", []string{"explain", "this", "keyword"}},
		{"a call is an identifier", "What is finalize() method?", []string{"finalize", "method"}},
		{"a stop word as a command's option", "What is git rebase --onto?", []string{"git", "rebas", "onto"}},
		{"a dash between words is no option", "What is **bold** -- onto?", []string{"bold"}},
		{"a stop word in capitals is a keyword", "Can you use multiple FROM in a Dockerfile?", []string{"us", "multipl", "from", "dockerfil"}},
		{"lower camel case is an identifier", "How do you use useState()? And useState?", []string{"us", "usestate", "usestate"}},
		{"perform is a verb, performance a subject", "How to perform validation for performance?", []string{"handl", "valid", "perform"}},
		{"a bound prefix makes one word", "What is a non-clustered index?", []string{"nonclust", "index"}},
		{"a compound the tables know", "the bias-variance trade-off", []string{"bia", "varianc", "differ"}},
	} {
		var got []string
		for _, tok := range tokenize(tc.in) {
			got = append(got, tok.text)
		}
		if !slices.Equal(got, tc.want) {
			t.Errorf("%s: tokenize(%q) = %q; want %q", tc.name, tc.in, got, tc.want)
		}
	}
}

func TestTokenizeMarksExamplesWeak(t *testing.T) {
	for _, tc := range []struct {
		in   string
		weak []string
	}{
		{"How does it differ from frameworks like Flask or Django?", []string{"flask", "django"}},
		{"Which stores, such as Redis, fit? And why?", []string{"redi"}},
		{"I would like to open a bank account", nil},
	} {
		var got []string
		for _, tok := range tokenize(tc.in) {
			if tok.weak {
				got = append(got, tok.text)
			}
		}
		if !slices.Equal(got, tc.weak) {
			t.Errorf("weak tokens of %q = %q; want %q", tc.in, got, tc.weak)
		}
	}
}

func TestAspects(t *testing.T) {
	for _, tc := range []struct {
		q    string
		want string
	}{
		{"What is React?", "define"},
		{"In Python, what is a decorator?", "define"},                     // the question after a placing phrase
		{"When dealing with JSON Web Tokens, what is a claim?", "define"}, // not "when" asking for a use
		{"When should you use refs, and why?", "why"},
		{"What is the use of refs?", "use"},
		{"How to create refs?", "make"},
		{"When do you need to use refs?", "use"},
		{"What is middleware in FastAPI, and how can you use it?", "define+use"},
		{"What is FastAPI's support for WebSocket communication?", "make"},
		{"How does FastAPI validate requests using Pydantic?", "how"},
		{"How would you handle file uploads?", "how"},
		{"How events are different in React?", "-"}, // a predicate: no kinds
		{"What are the different ways to share state?", "kinds"},
		{"What kind of normalization is needed?", "use+kinds"},
		{"What is the difference between mutable and immutable data types?", "compare"},
		{"Can you describe how you would handle CORS cross origin resource sharing in FastAPI?", "how"},
		{"What is the history of JavaScript?", "origin"},
		{"What are the best practices for indexing in PostgreSQL?", "how"},
		{"What steps would you take to secure an API?", "how"},
		{"What are Ansible playbooks and roles?", "define"},
		{"What is the role of a reverse proxy?", "use"},
		{"How do you view git history?", "how"},
		{"What are the main features of Redux Form?", "features"},
		{"What are the key advantages of using FastAPI?", "pros"},
		{"When was FastAPI created and by whom?", "origin"},
		{"What is Go and why was it created?", "define+why+origin"},
		{"How to set the learning rate?", "choose"},
		{"Can you explain how you would implement authentication?", "make"},
		{"Who created React?", "make+origin"},
		{"How does the virtual DOM work?", "work"},
	} {
		if got := aspects(tc.q).String(); got != tc.want {
			t.Errorf("aspects(%q) = %s; want %s", tc.q, got, tc.want)
		}
	}
}

// TestCoordinatedSubject: a light noun coordinated with a word of
// substance is a subject of its own ("playbooks and roles"), not after a
// possessive, where it is what the question asks of the first ("tests and
// their purpose").
func TestCoordinatedSubject(t *testing.T) {
	for _, tc := range []struct {
		in, word string
		subject  bool
	}{
		{"How do you organise playbooks and roles?", "roles", true},
		{"Describe the types of tests and their purpose.", "purpose", false},
		{"Explain middleware and its role.", "role", false},
	} {
		found := false
		for _, tok := range questionTokens(tc.in) {
			if strings.EqualFold(tok.raw, tc.word) {
				found = true
				if tok.subject != tc.subject {
					t.Errorf("questionTokens(%q): %q subject = %v; want %v", tc.in, tc.word, tok.subject, tc.subject)
				}
			}
		}
		if !found {
			t.Errorf("questionTokens(%q) has no %q", tc.in, tc.word)
		}
	}
}

// TestTokenHashes checks that every token the tokenizer and the lexicon
// make carries hashToken of its text, which the lexicon's prefilter
// (mayHave) reads in place of hashing the text again, on the embedded
// seeds and on synthetic records, with the acronyms they spell out.
func TestTokenHashes(t *testing.T) {
	recs := append(seedRecords(t), synth.Generate(2000, 1)...)
	lx := newLexicon(append(slices.Clone(synonymGroups), MineAcronyms(recs)...))
	n := 0
	check := func(ts []token) {
		for _, tk := range ts {
			n++
			if tk.h != hashToken(tk.text) {
				t.Fatalf("token %q (raw %q) has h %x, hashToken %x", tk.text, tk.raw, tk.h, hashToken(tk.text))
			}
		}
	}
	for i := range recs {
		r := &recs[i]
		check(questionTokens(r.Question))
		p := parse(r, lx)
		check(p.q)
		for _, a := range p.answers {
			check(a.text)
			check(a.code)
		}
	}
	if n < 100_000 {
		t.Fatalf("%d tokens checked; want the records' many", n)
	}
}

// TestDifferFrom checks that differFrom, which skips the expression for a
// text without "different", reads every text as the expression does.
func TestDifferFrom(t *testing.T) {
	texts := []string{"How is X different from Y?", "DIFFERENTLY THAN", "Different\tto", "indifferent to", "differ from", "diff", "", "Différent from", "a different thing"}
	for _, r := range append(seedRecords(t), synth.Generate(2000, 1)...) {
		texts = append(texts, r.Question)
	}
	changed := 0
	for _, s := range texts {
		want := differentFrom.ReplaceAllString(s, "differ $2")
		if got := differFrom(s); got != want {
			t.Errorf("differFrom(%q) = %q, want %q", s, got, want)
		}
		if want != s {
			changed++
		}
	}
	if changed < 3 {
		t.Errorf("%d texts changed; want the cases above at least", changed)
	}
}

// TestClauseBreaks checks that clauseBreaks finds what the expression
// finds, on the seeds' and 2,000 synthetic titles and edge cases.
func TestClauseBreaks(t *testing.T) {
	titles := []string{"What is X?", "What is X?? And why?", "Why?!;  \tHow", "A and how B", "A\tOR\fwhy B", "x, how y", "a. b", "What?\n", "oR and", "band or", "", "?"}
	for _, r := range append(seedRecords(t), synth.Generate(2000, 1)...) {
		titles = append(titles, r.Question)
	}
	for _, s := range titles {
		checkClauseBreaks(t, s)
	}
}

func checkClauseBreaks(t *testing.T, s string) {
	t.Helper()
	got, want := clauseBreaks(s), clauseBreak.FindAllStringIndex(s, -1)
	if len(got) != len(want) {
		t.Fatalf("clauseBreaks(%q) = %v, want %v", s, got, want)
	}
	for i := range got {
		if !slices.Equal(got[i], want[i]) {
			t.Fatalf("clauseBreaks(%q) = %v, want %v", s, got, want)
		}
	}
}

// FuzzClauseBreaks checks clauseBreaks against the expression on any text.
func FuzzClauseBreaks(f *testing.F) {
	for _, s := range []string{"What is X?", "A and how B?", "a, why b", "x.\ty", "?!; \r\n", "o r\tand\f"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) { checkClauseBreaks(t, s) })
}
