package query

import (
	"reflect"
	"strings"
	"testing"
)

func TestParseText(t *testing.T) {
	tests := []struct {
		in   string
		want textQuery
	}{
		{"dependency injection", textQuery{Words: []string{"dependency", "injection"}, Prefix: true}},
		// A space after the last word: it is complete, not being typed.
		{"webso ", textQuery{Words: []string{"webso"}}},
		{`"path parameters" query`, textQuery{Words: []string{"query"}, Phrases: []string{"path parameters"}, Prefix: true}},
		{`flask -django -"rest framework"`, textQuery{Words: []string{"flask"}, NotWords: []string{"django"}, NotPhrases: []string{"rest framework"}}},
		{"level:Beginner topic:fastapi tag:di source:a.md x", textQuery{Words: []string{"x"}, Filters: Filters{"level": {"beginner"}, "topic": {"fastapi"}, "tag": {"di"}, "source": {"a.md"}}, Prefix: true}},
		{`topic:"react native" hooks`, textQuery{Words: []string{"hooks"}, Filters: Filters{"topic": {"react native"}}, Prefix: true}},
		{`topic:"react native"`, textQuery{Filters: Filters{"topic": {"react native"}}}},
		// Code is plain words, whatever its punctuation.
		{"std::move @app.get c++ a/b ~/.bashrc key:value", textQuery{Words: []string{"std::move", "@app.get", "c++", "a/b", "~/.bashrc", "key:value"}, Prefix: true}},
		{"- --verbose x-y", textQuery{Words: []string{"-", "--verbose", "x-y"}, Prefix: true}},
		{"webso level:beginner", textQuery{Words: []string{"webso"}, Filters: Filters{"level": {"beginner"}}}},
		{`"unclosed phrase`, textQuery{Phrases: []string{"unclosed phrase"}}},
		{`"" -"" level:`, textQuery{Words: []string{"level:"}}},
		{"DI di Di", textQuery{Words: []string{"DI"}}},
		{"", textQuery{}},
	}
	for _, tt := range tests {
		got, err := parseText(tt.in)
		if err != nil {
			t.Errorf("parseText(%q) error: %v", tt.in, err)
			continue
		}
		if !reflect.DeepEqual(got, tt.want) {
			t.Errorf("parseText(%q) = %+v; want %+v", tt.in, got, tt.want)
		}
	}
}

func TestParseTextBoundsWords(t *testing.T) {
	var words []string
	for i := range 100 {
		words = append(words, "w"+strings.Repeat("x", i))
	}
	got, err := parseText(strings.Join(words, " "))
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Words) != maxWords {
		t.Errorf("parseText(100 words) kept %d words; want %d", len(got.Words), maxWords)
	}
}

func TestRequired(t *testing.T) {
	for n, want := range map[int]int{1: 1, 2: 2, 3: 2, 4: 3, 5: 4, 8: 6} {
		if got := required(n); got != want {
			t.Errorf("required(%d) = %d; want %d", n, got, want)
		}
	}
}

func TestEdits(t *testing.T) {
	for _, tt := range []struct {
		a, b string
		d    int
	}{{"dependncy", "dependency", 1}, {"injecton", "inject", 2}, {"", "abc", 3}, {"kitten", "sitting", 3}, {"ü", "u", 1}} {
		if got := levenshtein(tt.a, tt.b); got != tt.d {
			t.Errorf("levenshtein(%q, %q) = %d; want %d", tt.a, tt.b, got, tt.d)
		}
	}
	e := edits1("ab")
	for _, w := range []string{"a", "b", "ba", "xb", "abc", "cab"} {
		found := false
		for _, x := range e {
			found = found || x == w
		}
		if !found {
			t.Errorf("edits1(%q) lacks %q", "ab", w)
		}
	}
}

func TestReplaceWord(t *testing.T) {
	for _, tt := range []struct{ s, old, repl, want string }{
		{"dependncy injecton", "injecton", "injection", "dependncy injection"},
		{"xinjecton injecton", "injecton", "injection", "xinjecton injection"},
		{`level:beginner "a b" pydantc`, "pydantc", "pydantic", `level:beginner "a b" pydantic`},
	} {
		if got := replaceWord(tt.s, tt.old, tt.repl); got != tt.want {
			t.Errorf("replaceWord(%q, %q, %q) = %q; want %q", tt.s, tt.old, tt.repl, got, tt.want)
		}
	}
}
