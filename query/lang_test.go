package query

import (
	"context"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/iq-search/iq/record"
)

// langQueries are searches in Russian and Chinese, with the word forms
// the questions do not use, for the languages index (langSearcher).
var langQueries = []string{
	"闭包", "装饰器", "线程全局锁", "单例模式", "python 闭包",
	"динамический компонент", "сигналы", "жизненный цикл", "что такое директива", "ошибки rxjs",
	"observable и promise", "что такое", "closure",
}

// langSearcher indexes two labelled banks of ../shared in other languages
// (FedorovAlexander's Angular questions in Russian, taizilongxu's Python
// questions in Chinese) beside an English one.
func langSearcher(t *testing.T) *Searcher {
	t.Helper()
	dir := filepath.Join(sharedDir(t), "labelled")
	return sourcesSearcher(t,
		filepath.Join(dir, "FedorovAlexander__Angular-interview-questions-RU"),
		filepath.Join(dir, "taizilongxu__interview_python"),
		filepath.Join(dir, "andrewekhalel__MLQuestions"),
	)
}

// TestLangSearch searches Russian word forms and Chinese words: Bleve's
// Russian analyzer (stemming) and CJK analyzer (character pairs) in the
// language fields find what the English chain alone does not.
func TestLangSearch(t *testing.T) {
	s := langSearcher(t)
	ctx := context.Background()
	tests := []struct {
		text string
		want string // a question among the first three hits
		lang string // the language of the top hit
	}{
		{"闭包", "闭包", "zh"},
		{"装饰器", "面向切面编程AOP和装饰器", "zh"},
		{"线程全局锁", "GIL线程全局锁", "zh"},
		// The questions say "динамические компоненты", "сигналов",
		// "жизненного": other forms of the words typed.
		{"динамический компонент", "Что такое динамические компоненты?", "ru"},
		{"сигналы", "Что такое Angular Signals и какие основные типы сигналов существуют?", "ru"},
		{"обработка ошибок rxjs", "Как обрабатывать ошибки в RxJS?", "ru"},
		{"overfitting", "", "en"},
	}
	for _, tt := range tests {
		res, err := s.Search(ctx, Request{Text: tt.text, Limit: 10})
		if err != nil {
			t.Fatalf("Search(%q): %v", tt.text, err)
		}
		if len(res.Hits) == 0 {
			t.Errorf("Search(%q): no hits", tt.text)
			continue
		}
		var top []string
		for _, h := range res.Hits[:min(3, len(res.Hits))] {
			top = append(top, h.Question)
		}
		if tt.want != "" && !slices.Contains(top, tt.want) {
			t.Errorf("Search(%q) first hits = %q; want %q among them", tt.text, top, tt.want)
		}
		if tt.want != "" && !strings.Contains(res.Hits[0].QuestionHTML, "<mark>") {
			t.Errorf("Search(%q): top hit %q has no highlight", tt.text, res.Hits[0].QuestionHTML)
		}
		rec, err := s.Record(res.Hits[0].ID)
		if err != nil {
			t.Fatal(err)
		}
		if rec.Lang != tt.lang {
			t.Errorf("Search(%q): top hit %q is in %q; want %q", tt.text, rec.Question, rec.Lang, tt.lang)
		}
	}
	// A function word of the language is not required: "что такое" does
	// not make every "Что такое …?" question a hit of a query about
	// directives.
	res, err := s.Search(ctx, Request{Text: "что такое директива", Limit: 50})
	if err != nil {
		t.Fatal(err)
	}
	for _, h := range res.Hits {
		if !strings.Contains(strings.ToLower(h.Question+" "+strings.Join(h.Fragments, " ")), "директив") {
			t.Errorf("Search(что такое директива): hit %q says nothing of directives", h.Question)
		}
	}
}

// TestLangFacet filters and counts by language.
func TestLangFacet(t *testing.T) {
	s := langSearcher(t)
	ctx := context.Background()
	all, err := s.Search(ctx, Request{Limit: 1})
	if err != nil {
		t.Fatal(err)
	}
	counts := map[string]int{}
	for _, c := range all.Facets[record.FieldLang] {
		counts[c.Value] = c.Count
	}
	if counts["ru"] < 40 || counts["zh"] < 40 || counts["en"] < 40 {
		t.Errorf("lang facet = %v; want ru, zh and en records", all.Facets[record.FieldLang])
	}
	for _, q := range []Request{{Filters: Filters{record.FieldLang: {"ru"}}, Limit: 100}, {Text: "lang:ru", Limit: 100}} {
		res, err := s.Search(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		if int(res.Total) != counts["ru"] {
			t.Errorf("Search(%+v).Total = %d; want the %d Russian records", q, res.Total, counts["ru"])
		}
		for _, h := range res.Hits {
			if rec, _ := s.Record(h.ID); rec.Lang != "ru" {
				t.Errorf("Search(%+v): hit %q is in %q", q, h.Question, rec.Lang)
			}
		}
	}
}
