package index

import (
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2/analysis"
	bindex "github.com/blevesearch/bleve_index_api"

	"github.com/iq-search/iq/corpus"
)

// FuzzAnalyze checks the analysis chain on any input: no panic, every term
// valid UTF-8 with offsets inside the text, positions never going back; and
// analysedField's token frequencies equal to Bleve's for those tokens.
// Seeded with the lines of the embedded corpus.
func FuzzAnalyze(f *testing.F) {
	for _, name := range []string{"fastapi-24-questions-blog.txt", "fastapi-questions-by-level.md", "fastapi-best-practices-qa-page.txt"} {
		b, err := corpus.Seeds().(interface{ ReadFile(string) ([]byte, error) }).ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		for _, line := range strings.Split(string(b), "\n") {
			if strings.TrimSpace(line) != "" {
				f.Add(line)
			}
		}
	}
	for _, s := range []string{"OAuth2PasswordBearer", "@app.get", "std::move", "c++", "x...y", "'s", "’s", "a'", ".", "@", "__init__", "\xff\xfe", "İstanbul ǅ"} {
		f.Add(s)
	}
	im, _, err := NewMapping(DefaultSynonyms())
	if err != nil {
		f.Fatal(err)
	}
	analyzers := []string{AnalyzerText, AnalyzerCode}
	// Slabs reused by every input: what they held before must not show.
	mem := new(batchMem)
	mem.attach(new(fieldSlabs))
	f.Fuzz(func(t *testing.T, text string) {
		for _, name := range analyzers {
			pos := 0
			tokens := im.AnalyzerNamed(name).Analyze([]byte(text))
			for _, o := range []bindex.FieldIndexingOptions{
				bindex.IndexField,
				bindex.IndexField | bindex.IncludeTermVectors,
				bindex.IndexField | bindex.IncludeTermVectors | bindex.SkipFreqNorm,
			} {
				want := analysis.TokenFrequency(tokens, []uint64{2}, o)
				got, _ := tokenFrequency(tokens, []uint64{2}, o, nil)
				compareFreqs(t, fmt.Sprintf("%s %q %v", name, text, o), got, want)
				// From a batch's reused memory, as a build takes them.
				got, _ = tokenFrequency(tokens, []uint64{2}, o, mem)
				compareFreqs(t, fmt.Sprintf("%s %q %v (batchMem)", name, text, o), got, want)
				mem.attach(mem.detach())
			}
			for _, tk := range tokens {
				if tk.Start < 0 || tk.End > len(text) || tk.Start >= tk.End {
					t.Fatalf("Analyze(%s, %q): term %q at %d:%d outside the text", name, text, tk.Term, tk.Start, tk.End)
				}
				if len(tk.Term) == 0 || (utf8.ValidString(text) && !utf8.Valid(tk.Term)) {
					t.Fatalf("Analyze(%s, %q): bad term %q", name, text, tk.Term)
				}
				if tk.Position < pos || tk.Position < 1 {
					t.Fatalf("Analyze(%s, %q): term %q at position %d after %d", name, text, tk.Term, tk.Position, pos)
				}
				pos = tk.Position
			}
		}
	})
}

// tokenFrequency is tokenFrequencyList mapped by term, what Bleve's
// analysis.TokenFrequency returns, for FuzzAnalyze to compare.
func tokenFrequency(tokens analysis.TokenStream, arrayPositions []uint64, options bindex.FieldIndexingOptions, mem *batchMem) (bindex.TokenFrequencies, int) {
	list, termBytes := tokenFrequencyList(tokens, arrayPositions, options, mem)
	return freqMap(list), termBytes
}
