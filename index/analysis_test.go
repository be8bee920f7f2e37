package index

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/iq-search/iq/index/synth"
)

var update = flag.Bool("update", false, "rewrite testdata/mapping.golden.json")

// terms renders an analysis as "term@position" strings.
func terms(t *testing.T, analyzer, text string) []string {
	t.Helper()
	im, _, err := NewMapping(DefaultSynonyms())
	if err != nil {
		t.Fatal(err)
	}
	a := im.AnalyzerNamed(analyzer)
	if a == nil {
		t.Fatalf("no analyzer %s", analyzer)
	}
	var rv []string
	for _, tk := range a.Analyze([]byte(text)) {
		if string(tk.Term) != text[tk.Start:tk.End] && !strings.EqualFold(string(tk.Term), text[tk.Start:tk.End]) {
			// Stemmed or a concept token: the offsets still point into the
			// text, which highlighting needs.
			if tk.Start < 0 || tk.End > len(text) || tk.Start >= tk.End {
				t.Errorf("Analyze(%q): token %q has offsets %d:%d", text, tk.Term, tk.Start, tk.End)
			}
		}
		rv = append(rv, fmt.Sprintf("%s@%d", tk.Term, tk.Position))
	}
	return rv
}

func TestAnalyze(t *testing.T) {
	tests := []struct {
		name     string
		analyzer string
		text     string
		want     []string
	}{
		{"camel case with digits", AnalyzerText, "OAuth2PasswordBearer",
			[]string{"oauth2passwordbearer@1", "oauth2@1", "oauth@1", "password@2", "bearer@3"}},
		{"decorator", AnalyzerText, "@app.get",
			[]string{"@app.get@1", "app@1", "get@2"}},
		{"decorator call", AnalyzerCode, `@app.get("/items/{item_id}")`,
			[]string{"@app.get@1", "app@1", "get@2", "items@3", "item_id@4", "item@4", "id@5"}},
		{"snake case", AnalyzerText, "snake_case_names",
			[]string{"snake_case_names@1", "snake@1", "case@2", "name@3"}},
		{"c++ scope", AnalyzerText, "std::move",
			[]string{"std::move@1", "std@1", "move@2"}},
		{"acronym then word", AnalyzerCode, "HTTPServer",
			[]string{"httpserver@1", "http@1", "server@2"}},
		{"version suffix", AnalyzerCode, "python3 and HTTP2",
			[]string{"python3@1", "python@1", "and@2", "http2@3", "http@3"}},
		{"oauth is one word", AnalyzerCode, "OAuth",
			[]string{"oauth@1"}},
		{"languages keep their symbols", AnalyzerCode, "C++ and C# on .NET",
			[]string{"c++@1", "and@2", "c#@3", "on@4", ".net@5", "net@5"}},
		{"positions shift after parts", AnalyzerText, "use OAuth2PasswordBearer here",
			[]string{"use@1", "oauth2passwordbearer@2", "oauth2@2", "oauth@2", "password@3", "bearer@4", "here@5"}},
		{"no stop words", AnalyzerText, "What is a closure?",
			[]string{"what@1", "is@2", "a@3", "closur@4"}},
		{"possessive", AnalyzerText, "FastAPI's routers",
			[]string{"fastapi@1", "fast@1", "api@2", "router@3"}},
		{"sentence punctuation", AnalyzerText, "Depends(), then... done.",
			[]string{"depend@1", "then@2", "done@3"}},
		{"synonym phrase", AnalyzerText, "dependency injections",
			[]string{"depend@1", "depend inject@1", "inject@2"}},
		{"synonym phrase not across words", AnalyzerText, "dependency and injection",
			[]string{"depend@1", "and@2", "inject@3"}},
		{"code is not stemmed", AnalyzerCode, "items = get_items()",
			[]string{"items@1", "get_items@2", "get@2", "items@3"}},
		{"only punctuation", AnalyzerText, "?!... -- ::", nil},
		{"empty", AnalyzerText, "", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := terms(t, tt.analyzer, tt.text)
			if !slices.Equal(got, tt.want) {
				t.Errorf("Analyze(%s, %q) = %q; want %q", tt.analyzer, tt.text, got, tt.want)
			}
		})
	}
}

// TestAnalyzeLongToken checks that a blob longer than maxWholeToken is
// indexed by its parts only.
func TestAnalyzeLongToken(t *testing.T) {
	blob := strings.Repeat("abc_", 40) + "end"
	got := terms(t, AnalyzerCode, blob)
	if len(got) != 41 || got[0] != "abc@1" || got[40] != "end@41" {
		t.Errorf("Analyze(%q) = %q; want 40 × abc then end, no whole token", blob, got)
	}
}

func TestParseSynonyms(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		want    []Synonym
		wantErr string
	}{
		{"groups and comments", "# c\n\ndi, dependency  injection\njs,javascript\n",
			[]Synonym{{Terms: []string{"di", "dependency injection"}}, {Terms: []string{"js", "javascript"}}}, ""},
		{"one way", "k8s => kubernetes, kube",
			[]Synonym{{Input: []string{"k8s"}, Terms: []string{"kubernetes", "kube"}}}, ""},
		{"single term", "lonely\n", nil, `line 1: "lonely": want at least two terms separated by commas`},
		{"empty side", "a => \n", nil, `line 1: "a =>": want terms on both sides of =>`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseSynonyms(strings.NewReader(tt.in))
			if tt.wantErr != "" {
				if err == nil || err.Error() != tt.wantErr {
					t.Fatalf("ParseSynonyms(%q) error = %v; want %q", tt.in, err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("ParseSynonyms(%q) error = %v", tt.in, err)
			}
			gj, _ := json.Marshal(got)
			wj, _ := json.Marshal(tt.want)
			if !bytes.Equal(gj, wj) {
				t.Errorf("ParseSynonyms(%q) = %s; want %s", tt.in, gj, wj)
			}
		})
	}
}

func TestDefaultSynonyms(t *testing.T) {
	syn := DefaultSynonyms()
	if len(syn) < 10 {
		t.Fatalf("DefaultSynonyms() has %d groups; want the shipped list", len(syn))
	}
	_, defs, err := NewMapping(syn)
	if err != nil {
		t.Fatalf("NewMapping(DefaultSynonyms()) error = %v", err)
	}
	// Each definition term must be a single index term as AnalyzerText
	// emits it, or Bleve silently drops it.
	want := map[string][]string{
		"di":  {"di", "depend inject"},
		"jwt": {"jwt", "json web token"},
		"k8s": {"k8s", "kubernet"},
		"js":  {"js", "javascript"},
	}
	for _, d := range defs {
		if w, ok := want[d.Synonyms[0]]; ok {
			if !slices.Equal(d.Synonyms, w) {
				t.Errorf("synonym definition %q = %q; want %q", d.Synonyms[0], d.Synonyms, w)
			}
			delete(want, d.Synonyms[0])
		}
	}
	for k := range want {
		t.Errorf("no synonym definition for %q", k)
	}
}

func TestSynonymCompoundWordRejected(t *testing.T) {
	_, _, err := NewMapping([]Synonym{{Terms: []string{"nodejs", "node.js runtime"}}})
	want := `synonym "node.js runtime": word "node.js" is an identifier with parts; a multi-word synonym takes plain words only`
	if err == nil || err.Error() != want {
		t.Errorf("NewMapping(node.js runtime) error = %v; want %q", err, want)
	}
}

// TestUsableSynonyms: of the synonyms added to the list (acronyms mined
// from a collection), a group the index cannot hold is left out, not an
// error that fails the build ("OpenID Provider (OP)" in ../shared's API
// bank failed every build of ../shared/corpora).
func TestUsableSynonyms(t *testing.T) {
	in := []Synonym{
		{Terms: []string{"GIL", "Global Interpreter Lock"}},
		{Terms: []string{"OP", "OpenID Provider"}},
		{Terms: []string{"JWT", "JSON Web Token"}},
	}
	got, err := usableSynonyms(in)
	if err != nil {
		t.Fatal(err)
	}
	want := []Synonym{in[0], in[2]}
	if !slices.EqualFunc(got, want, func(a, b Synonym) bool { return slices.Equal(a.Terms, b.Terms) }) {
		t.Errorf("usableSynonyms(%q) = %q; want %q", in, got, want)
	}
}

// TestMappingGolden makes every mapping change visible in review. Rewrite
// with: go test ./index -run TestMappingGolden -update
func TestMappingGolden(t *testing.T) {
	im, _, err := NewMapping(DefaultSynonyms())
	if err != nil {
		t.Fatal(err)
	}
	got, err := json.MarshalIndent(im, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	got = append(got, '\n')
	path := filepath.Join("testdata", "mapping.golden.json")
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read golden (run with -update to create): %v", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("mapping JSON differs from %s; review and rerun with -update (and bump MappingVersion)\n%s", path, got)
	}
}

// BenchmarkAnalyze measures the text analyzer (tokenizer, identifier
// parts, lower case, stemming, synonym phrases) over the questions and
// answers of synthetic records: the analysis share of a build, and of a
// search's page (package index re-analyses the page's texts for
// highlighting).
func BenchmarkAnalyze(b *testing.B) {
	im, _, err := NewMapping(DefaultSynonyms())
	if err != nil {
		b.Fatal(err)
	}
	a := im.AnalyzerNamed(AnalyzerText)
	var texts [][]byte
	size := 0
	for _, r := range synth.Generate(2000, 1) {
		for _, t := range append([]string{r.Question}, AnswerTexts(r)...) {
			texts = append(texts, []byte(t))
			size += len(t)
		}
	}
	tokens := 0
	b.SetBytes(int64(size))
	for b.Loop() {
		tokens = 0
		for _, t := range texts {
			tokens += len(a.Analyze(t))
		}
	}
	b.ReportMetric(float64(tokens)/float64(len(texts)), "tokens/text")
}
