package dedup

import "strings"

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
	please thanks thank hi hello regards guys anyone someone somebody anybody between among like up via instead rather`)

// synonymGroups map words that interview banks use interchangeably to the
// first word of their group. They are compared after stemming, so one
// form per word is enough. Kept short on purpose: every entry is a way
// for two different questions to look alike.
var synonymGroups = [][]string{
	// verbs of making; "implement WebSocket endpoints" asks what
	// "support for WebSocket" asks.
	{"create", "implement", "build", "make", "write", "add", "develop", "construct", "define", "support"},
	{"use", "utilize", "leverage", "employ"},
	{"differ", "difference", "distinguish", "compare", "comparison", "contrast", "versus", "vs"},
	{"advantage", "benefit", "pros", "merit", "strength"},
	{"disadvantage", "drawback", "cons", "downside", "weakness", "pitfall"},
	{"explain", "describe"},
	{"important", "main", "essential", "crucial", "primary"},
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
}

// lightWords carry the form of a question more than its subject
// ("explain", "concept", "role"); they count for a third of a normal word.
var lightWords = wordsOf(`create use explain mean meaning concept purpose role work works working way ways
	approach technique example examples feature features handle handling
	important various describe tell give provide understand know basic overview brief briefly detail detailed
	scenario situation best good better typical common usually general specific significance
	significant happen happens need needed purpose possible kind kinds type types prefer preferable`)

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
		{"local", "global"}, {"union", "intersection"},
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
var rawSynonyms = map[string]string{"different": "various", "differently": "various"}

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
