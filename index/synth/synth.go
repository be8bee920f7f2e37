// Package synth generates a deterministic synthetic corpus of interview
// question records for benchmarks: questions from templates over a technical
// vocabulary, answers of about 1–1.5 KB of Zipf-distributed prose with a
// code block in a quarter of them, levels, topics, tags and sources. The same
// (n, seed) always gives the same records, so iq's Bleve benchmarks and the
// SQLite FTS5 peer in bench/fts5 index identical input.
//
// It imports only record (for Record), never bleve, so the FTS5 peer can use
// it without pulling iq's index into its build.
package synth

import (
	"fmt"
	"iter"
	"math/rand/v2"
	"strings"

	"github.com/iq-search/iq/record"
)

// topic is a subject with its own concepts and a code language.
type topic struct {
	name     string
	parent   string // a broader topic also assigned, or ""
	lang     string
	concepts []string
}

var topics = []topic{
	{"python", "", "python", []string{"decorator", "generator", "list comprehension", "GIL", "asyncio", "context manager", "metaclass", "dataclass", "closure", "iterator", "virtualenv", "type hints", "duck typing", "__init__", "lambda", "descriptor"}},
	{"fastapi", "python", "python", []string{"dependency injection", "Depends", "APIRouter", "Pydantic model", "OAuth2PasswordBearer", "BackgroundTasks", "middleware", "path parameters", "response_model", "lifespan", "WebSocket", "StreamingResponse", "@app.get", "HTTPException"}},
	{"django", "python", "python", []string{"ORM", "QuerySet", "migrations", "middleware", "class-based views", "signals", "select_related", "prefetch_related", "Django REST Framework", "admin site", "CSRF token", "template inheritance"}},
	{"javascript", "", "javascript", []string{"closure", "event loop", "promise", "async/await", "prototype chain", "hoisting", "this binding", "arrow function", "debounce", "event delegation", "strict mode", "WeakMap", "generator function", "Array.prototype.map"}},
	{"typescript", "javascript", "typescript", []string{"generics", "union types", "type narrowing", "interface", "type alias", "mapped types", "conditional types", "never type", "declaration merging", "strictNullChecks", "utility types", "enum"}},
	{"react", "javascript", "javascript", []string{"useEffect", "useState", "virtual DOM", "reconciliation", "props drilling", "context API", "useMemo", "useCallback", "higher-order component", "server components", "keys in lists", "controlled component", "React.memo", "Suspense"}},
	{"go", "", "go", []string{"goroutine", "channel", "select statement", "interface", "defer", "context.Context", "sync.WaitGroup", "escape analysis", "slices", "maps", "error wrapping", "generics", "garbage collector", "go modules"}},
	{"rust", "", "rust", []string{"ownership", "borrow checker", "lifetimes", "traits", "Box", "Rc", "RefCell", "pattern matching", "Result", "async runtime", "unsafe", "macro_rules"}},
	{"java", "", "java", []string{"JVM", "garbage collection", "HashMap", "ConcurrentHashMap", "streams API", "Optional", "checked exceptions", "synchronized", "CompletableFuture", "Spring Boot", "dependency injection", "records"}},
	{"cpp", "", "cpp", []string{"std::move", "RAII", "smart pointers", "std::unique_ptr", "templates", "virtual functions", "rule of five", "undefined behavior", "move semantics", "constexpr", "std::vector", "lambda captures"}},
	{"sql", "", "sql", []string{"JOIN", "index", "normalization", "transaction isolation", "window functions", "GROUP BY", "common table expression", "primary key", "foreign key", "query plan", "deadlock", "ACID"}},
	{"databases", "", "sql", []string{"sharding", "replication", "CAP theorem", "eventual consistency", "B-tree", "write-ahead log", "connection pooling", "NoSQL", "PostgreSQL", "Redis", "MongoDB", "read replica"}},
	{"kubernetes", "devops", "yaml", []string{"pod", "deployment", "service", "ingress", "ConfigMap", "StatefulSet", "liveness probe", "horizontal pod autoscaler", "namespace", "Helm chart", "kubectl", "DaemonSet"}},
	{"docker", "devops", "dockerfile", []string{"image layers", "multi-stage build", "Dockerfile", "volume", "container networking", "docker-compose", "entrypoint", "build cache", "registry", "healthcheck"}},
	{"system-design", "", "", []string{"load balancer", "rate limiting", "caching strategy", "message queue", "consistent hashing", "CDN", "microservices", "API gateway", "idempotency", "circuit breaker", "event sourcing", "CQRS"}},
	{"security", "", "python", []string{"JWT", "JSON Web Token", "OAuth2", "authentication", "authorization", "XSS", "SQL injection", "CORS", "hashing passwords", "TLS", "CSRF", "secrets management"}},
	{"testing", "", "python", []string{"unit test", "mocking", "fixtures", "integration test", "test coverage", "TDD", "property-based testing", "pytest", "snapshot testing", "flaky tests"}},
	{"data-science", "", "python", []string{"overfitting", "cross-validation", "gradient descent", "feature engineering", "precision and recall", "random forest", "pandas DataFrame", "regularization", "bias-variance tradeoff", "confusion matrix", "PCA"}},
	{"git", "", "bash", []string{"rebase", "merge conflict", "cherry-pick", "git bisect", "stash", "detached HEAD", "reflog", "squash commits", "branching strategy", "pull request"}},
	{"css", "frontend", "css", []string{"flexbox", "CSS grid", "specificity", "box model", "z-index", "media queries", "BEM", "position: sticky", "CSS variables", "pseudo-elements"}},
}

var templates = []string{
	"What is %[1]s in %[3]s?",
	"How does %[1]s work in %[3]s?",
	"What is the difference between %[1]s and %[2]s?",
	"When would you use %[1]s instead of %[2]s in %[3]s?",
	"Explain %[1]s with an example.",
	"How do you implement %[1]s in %[3]s?",
	"What are the advantages and drawbacks of %[1]s?",
	"How do you debug problems with %[1]s in a %[3]s project?",
	"What problem does %[1]s solve?",
	"Describe how %[3]s handles %[1]s.",
	"How would you explain %[1]s to a junior developer?",
	"What are common mistakes with %[1]s?",
	"How do %[1]s and %[2]s interact in %[3]s?",
	"How do you test code that uses %[1]s?",
	"What happens under the hood when you use %[1]s?",
	"How do you optimise the performance of %[1]s in %[3]s?",
	"Why is %[1]s important in %[3]s?",
	"Can you compare %[1]s with %[2]s?",
	"What is %[1]s and when should you avoid it?",
	"How has %[1]s changed in recent versions of %[3]s?",
}

// contexts qualify a question so that templates over the same concepts still
// give distinct questions, as real collections do.
var contexts = []string{
	"", "", "", "", "", "",
	" in a production system", " in a large codebase", " at scale", " in an interview setting",
	" for a beginner", " in a legacy application", " in a microservice", " under heavy load",
	" with limited memory", " in a team project",
}

// common is the head of the prose vocabulary, most frequent first.
var common = strings.Fields(`the a to of and is in it that you for this can be with are on as
when data use an or by value function not each from more request which its code
should will if one your at so object time call return new memory used all state
type using first but have other they example value error way only we also then
these what how because where two same list thread key system server client file
method class module user process change test response need make does instead
run performance result case set performance check order read write update
different another since while runtime both make simple single without multiple
instance variable call stack queue cache store query field record table row
level level handle handler context pattern interface library framework model
service resource network connection message event loop async sync thread lock
configuration environment build deploy production development safe unsafe
explicit implicit default custom internal external public private local global
input output reference copy pointer allocation scope lifetime behaviour behavior
approach design trade-off benefit cost problem solution issue bug fix reason
common typical usually often rarely always never better worse faster slower
large small important main core basic advanced specific general layer boundary`)

// syllables build the long tail of the vocabulary: rare, made-up but
// pronounceable words, as the rare terms of real text are to an index.
var syllables = strings.Fields("ka lo mi re tu sa ve no pi da fe gu ri zo ba le ti co ne mu ra si po de")

// Generator produces records; see Generate.
type Generator struct {
	r     *rand.Rand
	zipf  *rand.Zipf
	vocab []string
	seen  map[string]int
}

// vocabSize is the number of distinct prose words.
const vocabSize = 30000

// New returns a generator for the given seed.
func New(seed int64) *Generator {
	r := rand.New(rand.NewPCG(uint64(seed), 0x1a2b3c4d))
	g := &Generator{r: r, seen: map[string]int{}}
	g.vocab = append(g.vocab, common...)
	for i := 1; len(g.vocab) < vocabSize; i++ {
		// Bijective base-24 over syllables: distinct i, distinct word.
		var b strings.Builder
		for x := i + 600; x > 0; x /= len(syllables) {
			x--
			b.WriteString(syllables[x%len(syllables)])
		}
		g.vocab = append(g.vocab, b.String())
	}
	g.zipf = rand.NewZipf(r, 1.15, 2, uint64(len(g.vocab)-1))
	return g
}

// Generate returns n records for seed: Generate(n, seed) is
// New(seed).Records(n).
func Generate(n int, seed int64) []record.Record {
	return New(seed).Records(n)
}

// Records returns the next n records.
func (g *Generator) Records(n int) []record.Record {
	rv := make([]record.Record, 0, n)
	for len(rv) < n {
		rv = append(rv, g.record())
	}
	return rv
}

// Stream yields the records Generate(n, seed) returns, making each as it
// is asked for, so a collection of any size takes the memory of one record
// (and of the generator's set of questions made, for unique IDs). The
// error is always nil: the shape is that of a stream read from a file.
func Stream(n int, seed int64) iter.Seq2[record.Record, error] {
	return func(yield func(record.Record, error) bool) {
		g := New(seed)
		for range n {
			if !yield(g.record(), nil) {
				return
			}
		}
	}
}

func (g *Generator) pick(ss []string) string { return ss[g.r.IntN(len(ss))] }

func (g *Generator) record() record.Record {
	t := topics[g.r.IntN(len(topics))]
	c1 := g.pick(t.concepts)
	c2 := g.pick(t.concepts)
	for c2 == c1 {
		c2 = g.pick(t.concepts)
	}
	q := fmt.Sprintf(g.pick(templates), c1, c2, displayName(t.name))
	q = strings.TrimSuffix(q, "?")
	q = strings.TrimSuffix(q, ".")
	q += g.pick(contexts) + "?"
	// Real collections repeat questions across files; ingest merges exact
	// repeats, so the corpus it hands the index has unique questions.
	if k := g.seen[q]; k > 0 {
		g.seen[q] = k + 1
		q = strings.TrimSuffix(q, "?") + fmt.Sprintf(" (case %d)?", k+1)
	} else {
		g.seen[q] = 1
	}

	rec := record.Record{
		ID:       record.QuestionID(q),
		Question: q,
		Level:    g.level(),
		Lang:     "en", // as ingest sets it on English questions
		Topics:   []string{t.name},
		Tags:     g.tags(t, c1, c2),
	}
	if t.parent != "" {
		rec.Topics = append(rec.Topics, t.parent)
	}
	file := fmt.Sprintf("synth/%s-%02d.md", t.name, g.r.IntN(40))
	line := 1 + g.r.IntN(3000)
	rec.Sources = []record.Source{{File: file, Line: line}}
	nAns := 1
	if g.r.IntN(5) == 0 {
		nAns = 2
	}
	budget := 1000 + g.r.IntN(550) // bytes of answer text in total
	for a := range nAns {
		src := record.Source{File: file, Line: line + 1 + a*10}
		if a > 0 {
			src = record.Source{File: fmt.Sprintf("synth/%s-%02d.md", t.name, g.r.IntN(40)), Line: 1 + g.r.IntN(3000)}
			rec.Sources = append(rec.Sources, src)
		}
		ans := record.Answer{Source: src}
		size := budget / nAns
		if g.r.IntN(4) == 0 && t.lang != "" {
			code := g.code(t, c1)
			ans.Code = []record.Code{{Lang: t.lang, Text: code}}
			size -= len(code)
		}
		if g.r.IntN(10) == 0 {
			ans.HowToAnswer = g.prose(t, c1, c2, 150)
			ans.ExampleAnswer = g.prose(t, c1, c2, 200)
			size -= 350
		}
		ans.Text = g.prose(t, c1, c2, max(size, 200))
		rec.Answers = append(rec.Answers, ans)
	}
	return rec
}

func displayName(topic string) string {
	switch topic {
	case "fastapi":
		return "FastAPI"
	case "javascript":
		return "JavaScript"
	case "typescript":
		return "TypeScript"
	case "go":
		return "Go"
	case "cpp":
		return "C++"
	case "sql":
		return "SQL"
	case "system-design":
		return "system design"
	case "data-science":
		return "data science"
	case "css":
		return "CSS"
	}
	return strings.ToUpper(topic[:1]) + topic[1:]
}

func (g *Generator) level() string {
	switch x := g.r.IntN(100); {
	case x < 5:
		return ""
	case x < 45:
		return record.LevelBeginner
	case x < 85:
		return record.LevelIntermediate
	default:
		return record.LevelAdvanced
	}
}

func slug(s string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(s) {
		if (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9') {
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			dash = false
			b.WriteRune(r)
		} else {
			dash = true
		}
	}
	return b.String()
}

func (g *Generator) tags(t topic, c1, c2 string) []string {
	tags := []string{slug(c1)}
	if g.r.IntN(2) == 0 {
		tags = append(tags, slug(c2))
	}
	if g.r.IntN(3) == 0 {
		tags = append(tags, g.pick([]string{"performance", "concurrency", "testing", "security", "design", "debugging", "internals"}))
	}
	return tags
}

// prose writes sentences of Zipf-distributed words with the question's
// concepts mixed in, until about size bytes.
func (g *Generator) prose(t topic, c1, c2 string, size int) string {
	var b strings.Builder
	for b.Len() < size {
		n := 8 + g.r.IntN(14)
		for w := range n {
			var word string
			switch x := g.r.IntN(100); {
			case x < 4:
				word = c1
			case x < 6:
				word = c2
			case x < 8:
				word = g.pick(t.concepts)
			case x < 9:
				word = displayName(t.name)
			default:
				word = g.vocab[g.zipf.Uint64()]
			}
			if w == 0 {
				if b.Len() > 0 {
					b.WriteByte(' ')
				}
				word = strings.ToUpper(word[:1]) + word[1:]
			} else {
				if g.r.IntN(12) == 0 {
					b.WriteByte(',')
				}
				b.WriteByte(' ')
			}
			b.WriteString(word)
		}
		b.WriteByte('.')
	}
	return b.String()
}

// code writes a plausible code block in the topic's language using the
// concept and identifiers in camelCase, snake_case and dotted forms.
func (g *Generator) code(t topic, concept string) string {
	w1, w2 := g.vocab[g.zipf.Uint64()], g.vocab[g.zipf.Uint64()]
	snake := slug(concept)
	snake = strings.ReplaceAll(snake, "-", "_")
	camel := camelCase(w1 + " " + snake)
	var lines []string
	switch t.lang {
	case "python":
		lines = []string{
			"from app.deps import " + camel,
			"",
			"@app.get(\"/" + w1 + "/{item_id}\")",
			"async def " + snake + "_" + w2 + "(item_id: int, db: Session = Depends(get_db)):",
			"    result = await " + camel + "(item_id, db=db)",
			"    if result is None:",
			"        raise HTTPException(status_code=404, detail=\"" + w2 + " not found\")",
			"    return {\"" + w1 + "\": result." + snake + "}",
		}
	case "javascript", "typescript":
		lines = []string{
			"export async function " + camel + "(" + w1 + "Id) {",
			"  const response = await fetch(`/api/" + w2 + "/${" + w1 + "Id}`);",
			"  const data = await response.json();",
			"  return data." + camelCase(snake) + " ?? null;",
			"}",
		}
	case "go":
		lines = []string{
			"func " + camel + "(ctx context.Context, id int) (*" + strings.ToUpper(w1[:1]) + w1[1:] + ", error) {",
			"\tv, err := store.Get(ctx, id)",
			"\tif err != nil {",
			"\t\treturn nil, fmt.Errorf(\"" + snake + " %d: %w\", id, err)",
			"\t}",
			"\treturn v, nil",
			"}",
		}
	case "cpp":
		lines = []string{
			"auto " + snake + " = std::make_unique<" + camel + ">();",
			"std::vector<int> " + w1 + "s = std::move(" + w2 + "_buffer);",
			"for (const auto& x : " + w1 + "s) { " + snake + "->push(x); }",
		}
	case "sql":
		lines = []string{
			"SELECT " + w1 + ".id, COUNT(*) AS " + snake + "_count",
			"FROM " + w1 + " JOIN " + w2 + " ON " + w2 + "." + w1 + "_id = " + w1 + ".id",
			"GROUP BY " + w1 + ".id",
			"ORDER BY " + snake + "_count DESC;",
		}
	case "rust", "java":
		lines = []string{
			"fn " + snake + "(" + w1 + ": &" + camel + ") -> Result<" + camel + ", Error> {",
			"    let " + w2 + " = " + w1 + ".clone();",
			"    Ok(" + w2 + ")",
			"}",
		}
	default:
		lines = []string{
			"# " + concept,
			w1 + ":",
			"  " + snake + ": " + w2,
			"  replicas: 3",
		}
	}
	return strings.Join(lines, "\n")
}

func camelCase(s string) string {
	var b strings.Builder
	up := false
	for i, r := range s {
		switch {
		case r == ' ' || r == '_' || r == '-':
			up = true
		case up && i > 0:
			b.WriteString(strings.ToUpper(string(r)))
			up = false
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// Queries returns a fixed, deterministic mix of n benchmark queries over the
// same vocabulary: three quarters are one to three words (concepts and
// common words), an eighth are quoted phrases of a concept, an eighth are
// misspelt concepts (for typo tolerance).
func Queries(n int, seed int64) []string {
	g := New(seed + 1)
	rv := make([]string, 0, n)
	for i := range n {
		t := topics[g.r.IntN(len(topics))]
		switch {
		case i%8 == 6:
			rv = append(rv, `"`+g.pick(t.concepts)+`"`)
		case i%8 == 7:
			rv = append(rv, misspell(g.r, g.pick(t.concepts)))
		default:
			words := []string{g.pick(t.concepts)}
			for range g.r.IntN(3) {
				if g.r.IntN(2) == 0 {
					words = append(words, g.vocab[g.zipf.Uint64()])
				} else {
					words = append(words, displayName(t.name))
				}
			}
			rv = append(rv, strings.Join(words, " "))
		}
	}
	return rv
}

func misspell(r *rand.Rand, s string) string {
	b := []byte(s)
	if len(b) < 4 {
		return s
	}
	i := 1 + r.IntN(len(b)-2)
	b[i], b[i+1] = b[i+1], b[i]
	return string(b)
}

// stopWords are the function words at the head of the prose vocabulary.
// Benchmarks treat them as package query does: they rank but are not
// required, so a query is not a match-everything OR.
var stopWords = map[string]bool{}

func init() {
	for _, w := range strings.Fields(`the a to of and is in it that you for this can be with are on as
		when an or by which its so we also then these what how but have they at if will should one
		your all not from each more does do`) {
		stopWords[w] = true
	}
}

// IsStopWord reports whether w (lower case) is a function word of the mix.
func IsStopWord(w string) bool { return stopWords[w] }

// Query is a benchmark query split for building: its words, which of them
// are required, and whether it is a phrase or a misspelling to search with
// typo tolerance.
type Query struct {
	Text     string
	Words    []string
	Required []bool
	Phrase   bool
	Fuzzy    bool
}

// ParsedQueries returns Queries(n, seed) split into words the same way for
// every engine benchmarked.
func ParsedQueries(n int, seed int64) []Query {
	var rv []Query
	for i, text := range Queries(n, seed) {
		q := Query{Text: text, Fuzzy: i%8 == 7}
		if p, ok := strings.CutPrefix(text, `"`); ok {
			q.Phrase = true
			text = strings.TrimSuffix(p, `"`)
		}
		q.Words = strings.Fields(text)
		any := false
		for _, w := range q.Words {
			req := q.Phrase || !IsStopWord(strings.ToLower(w))
			q.Required = append(q.Required, req)
			any = any || req
		}
		if !any {
			for i := range q.Required {
				q.Required[i] = true
			}
		}
		rv = append(rv, q)
	}
	return rv
}
