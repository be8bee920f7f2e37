package dedup

import (
	"strings"

	"github.com/iq-search/iq/record"
)

// stopWords are dropped before anything else. Question words are here too:
// "what is X" and "how does X work" ask the same thing often enough that
// the interrogative must not count as content.
var stopWords = setOf(`a an the is are was were be been being am to of in on at for from with by about
	into onto over under than then and or but nor if so as not no yes do does did done doing have has had
	having can could would should will shall may might must i you he she it we they me him her us them my
	your his its our their mine yours this that these those there here what which who whom whose how why
	when where whether some any each every other others such also just very too more most much many
	etc eg ie e.g i.e s t d ll re ve m don doesn didn isn aren wasn weren won wouldn shouldn couldn can
	cannot hasn haven hadn one ones thing things something anything really actually
	please thanks thank hi hello regards guys anyone someone somebody anybody between among like up via instead rather
	through together apart`)

// determiners may stand between "of" or "in" and the words of the
// phrase it opens ("in a database", "of the transactions").
var determiners = setOf(`a an the its their your our my this that these those`)

// synonymGroups map words that interview banks use interchangeably to the
// first word of their group. They are compared after stemming, so one
// form per word is enough. Kept short on purpose: every entry is a way
// for two different questions to look alike.
var synonymGroups = [][]string{
	// verbs of making; "implement WebSocket endpoints" asks what
	// "support for WebSocket" asks, "register a handler" what "add a
	// handler" asks.
	{"create", "implement", "build", "make", "write", "add", "develop", "construct", "define", "support", "generate", "declare", "register"},
	{"use", "utilize", "leverage", "employ"},
	{"differ", "difference", "distinguish", "compare", "comparison", "contrast", "versus", "vs", "tradeoff"},
	{"handle", "manage", "accept", "deal"},
	{"limit", "throttle", "throttling"},
	{"organize", "structure", "arrange"},
	{"advantage", "benefit", "beneficial", "pros", "merit", "strength"},
	{"disadvantage", "drawback", "cons", "downside", "weakness", "pitfall"},
	{"explain", "describe"},
	{"important", "main", "essential", "crucial"},
	{"application", "app", "apps"},
	{"database", "db", "dbs"},
	{"authentication", "auth", "authn"},
	{"authorization", "authz"},
	{"configuration", "config", "configure", "configs"},
	{"environment", "env"},
	{"javascript", "js"},
	{"typescript", "ts"},
	{"kubernetes", "k8s"},
	{"asynchronous", "async"},
	{"synchronous", "sync"},
	{"parameter", "param", "params"},
	{"argument", "arg", "args"},
	{"function", "func"},
	{"documentation", "doc", "docs"},
	{"repository", "repo", "repos"},
	{"directory", "folder", "dir"},
	{"request", "req"},
	{"response", "resp"},
	{"message", "msg"},
	{"package", "pkg"},
	{"library", "lib", "libs"},
	{"performance", "perf"},
	{"websocket", "websockets", "ws"},
	// "containerize an app" is putting it in Docker; "container" alone
	// (a DI container, a CSS container) is no synonym.
	{"docker", "containerize", "containerization"},
}

// lightWords carry the form of a question more than its subject
// ("explain", "concept", "role"); they count for a third of a normal word.
// "Multiple" is none: "Can a route have multiple path parameters?" asks
// more than "How do you declare a path parameter?".
var lightWords = wordsOf(`create use explain mean meaning concept purpose role work works working way ways
	approach technique example examples feature features handle handling
	important various describe tell give provide understand know basic overview brief briefly detail detailed
	scenario situation best good better typical common usually general specific significance
	significant happen happens need needed purpose possible kind kinds type types prefer preferable
	application project system keyword discuss follow strategy simple own syntax
	parameter endpoint advantage disadvantage automatic automatically process mechanism practice tool
	term modern new usual case certain particular effective efficient
	data information communication execution step
	proper sure walk outline elaborate enable show offer`)

// frameWords are the light words that only say how a question asks
// (verbs and qualifiers), unlike the light nouns ("data", "role", "list")
// that can also be what it asks about.
var frameWords = wordsOf(`create use explain mean meaning work works working handle handling important
	describe tell give provide understand know basic overview brief briefly detail detailed best good better
	typical common usually general specific significance significant happen happens need needed possible
	prefer preferable discuss follow simple own automatic automatically new modern usual certain particular
	effective efficient proper sure walk outline elaborate various enable show offer`)

// genericWords make up questions that say nothing by themselves — "What's
// the output?", "What happens when we do this?" — whose substance is the
// code or the answer.
var genericWords = wordsOf(`output result print printed log logged console return returns value values program
	happen happens following code snippet true false correct statement statements this do
	answer option options which one below above`)

// antonyms are word pairs that flip a question when everything else is the
// same: "high bias" vs "low bias".
var antonyms = func() map[string]string {
	m := map[string]string{}
	for _, p := range [][2]string{
		{"high", "low"}, {"before", "after"}, {"min", "max"}, {"minimum", "maximum"},
		{"synchronous", "asynchronous"}, {"client", "server"}, {"frontend", "backend"},
		{"inner", "outer"}, {"left", "right"}, {"shallow", "deep"}, {"horizontal", "vertical"},
		{"public", "private"}, {"mutable", "immutable"}, {"static", "dynamic"},
		{"sql", "nosql"}, {"overfitting", "underfitting"}, {"encode", "decode"},
		{"encrypt", "decrypt"}, {"serialize", "deserialize"}, {"upper", "lower"}, {"push", "pull"},
		{"import", "export"}, {"input", "output"}, {"increase", "decrease"}, {"enable", "disable"},
		{"include", "exclude"}, {"optimistic", "pessimistic"}, {"precision", "recall"},
		{"supervised", "unsupervised"}, {"controlled", "uncontrolled"}, {"stateful", "stateless"},
		{"local", "global"}, {"union", "intersection"}, {"highest", "lowest"}, {"largest", "smallest"},
		{"first", "last"}, {"oldest", "newest"}, {"ascending", "descending"}, {"inbound", "outbound"},
		{"incoming", "outgoing"}, {"read", "write"}, {"horizontally", "vertically"},
		{"abstract", "concrete"}, {"let", "var"}, {"null", "undefined"}, {"process", "thread"}, {"stack", "heap"},
		{"cookie", "session"}, {"mock", "stub"},
	} {
		a, b := canonical(p[0]), canonical(p[1])
		m[a], m[b] = b, a
	}
	return m
}()

// rawSynonyms apply before stemming, for words whose stem collides with
// another class: "different" stems to "differ" but asks no comparison
// ("What are the different types of joins?").
// "Perform" is a verb of handling ("How does FastAPI perform
// validation?"), where "performance" is a subject.
// "Initial" is the default a thing starts with ("the initial value of
// an instance variable", "…default value…"); "initialize" is a verb of
// its own, so the word is mapped before stemming.
var rawSynonyms = map[string]string{"different": "various", "differently": "various", "initial": "default",
	"perform": "handle", "performs": "handle", "performed": "handle", "performing": "handle"}

var stemSynonyms = func() map[string]string {
	m := map[string]string{}
	for _, g := range synonymGroups {
		c := stem(britishToAmerican(g[0]))
		for _, w := range g[1:] {
			if s := stem(britishToAmerican(w)); s != c {
				m[s] = c
			}
		}
	}
	return m
}()

// canonical returns the token text that tokenize produces for a single
// ordinary word.
func canonical(w string) string {
	w = strings.ToLower(w)
	if c, ok := rawSynonyms[w]; ok {
		w = c
	}
	return normWord(w)
}

func setOf(s string) map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(s) {
		m[w] = true
	}
	return m
}

// wordsOf is setOf over canonical token texts. It runs after stemSynonyms
// is built (package initialisation follows dependencies).
func wordsOf(s string) map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(s) {
		m[canonical(w)] = true
	}
	return m
}

// techParent says which technology another one belongs to
// (record.Technologies' Within): questions about PostgreSQL and about SQL,
// or about React and about JavaScript, can be one question; questions
// about Express and about FastAPI cannot.
var techParent = func() map[string]string {
	m := map[string]string{}
	for _, t := range record.Technologies {
		if t.Within != "" {
			m[t.Name] = t.Within
		}
	}
	return m
}()

// techsAgree reports whether two sets of technologies can be asked about in
// one question: one is empty, they share one, or one is within the other.
func techsAgree(a, b []string) bool {
	if len(a) == 0 || len(b) == 0 {
		return true
	}
	for _, x := range a {
		for _, y := range b {
			if isWithin(x, y) || isWithin(y, x) {
				return true
			}
		}
	}
	return false
}

// isWithin reports whether technology x is y or within it (React within
// JavaScript).
func isWithin(x, y string) bool {
	for ; x != ""; x = techParent[x] {
		if x == y {
			return true
		}
	}
	return false
}

// techOf maps the token texts of a technology's names
// (record.Technologies) to its name. A word naming one is the question's
// context ("middleware in FastAPI") unless it is all the question asks
// about ("What is FastAPI?"). Two questions about one subject in two
// technologies are different questions; one that names the technology and
// one that leaves it implicit are not.
var techOf = func() map[string]string {
	m := map[string]string{}
	for _, tech := range record.Technologies {
		for _, n := range tech.Names {
			for _, t := range tokenize(n) {
				if t.kind == kindWord || t.kind == kindCode || t.kind == kindVersion {
					m[t.text] = tech.Name
				}
			}
		}
	}
	return m
}()
